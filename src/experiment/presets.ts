// The designer's presets: the research digest's follow-up experiments, one click each and editable
// afterwards. Arm ids are the report's keys (foxbird a/b/c, arch names, cross directions, dose %,
// recipe <scaler><epochs>_<corpus>).
import type { NamedArch } from '../model/arch.ts'
import type { ArmDesign, ExperimentDesign, KonvidCorpus } from './design.ts'
import { removeArm } from './designEdit.ts'

export const PRESETS = ['foxbird', 'arch', 'cross', 'dose', 'recipe'] as const
export type PresetName = (typeof PRESETS)[number]

export interface PresetOptions {
  seeds?: number
  firstSeed?: number
  /** epochs of every arm that does not match another's steps (default 30) */
  epochs?: number
  /** replaces these settings in every arm (a front end's model settings) */
  recipe?: Partial<Pick<ArmDesign, 'arch' | 'hidden' | 'features' | 'batchSize' | 'lr' | 'scalerMode'>>
  /** only these arms, with the comparisons between them; an arm that matched a dropped arm's steps trains its own epochs */
  arms?: readonly string[]
}

const RECIPE = { batchSize: 256, lr: 1e-3, scalerMode: 'standard' as const }

function arm(id: string, label: string, konvid: KonvidCorpus, extra: Partial<ArmDesign> = {}): ArmDesign {
  return { id, label, nflx: 'all', konvid, arch: 'mlp_small', epochs: 30, ...RECIPE, ...extra }
}

function foxbird(): Omit<ExperimentDesign, 'seeds' | 'firstSeed'> {
  return {
    name: 'foxbird',
    arms: [arm('a', 'nflx only', 'none'), arm('b', 'nflx + konvid', 'all'), arm('c', 'nflx only, steps-matched', 'none', { matchStepsOf: 'b' })],
    protocol: { kind: 'loso' },
    recipe: 'lab',
    comparisons: [{ a: 'a', b: 'b' }, { a: 'a', b: 'c' }, { a: 'c', b: 'b' }],
  }
}

const ARCHS: NamedArch[] = ['linear', 'mlp_small', 'mlp_medium', 'mlp_large']

function arch(): Omit<ExperimentDesign, 'seeds' | 'firstSeed'> {
  return {
    name: 'arch',
    arms: ARCHS.map((a) => arm(a, `${a}, nflx + konvid`, 'all', { arch: a })),
    protocol: { kind: 'loso' },
    recipe: 'plain',
    comparisons: [
      { a: 'linear', b: 'mlp_small' },
      { a: 'mlp_small', b: 'mlp_medium' },
      { a: 'mlp_small', b: 'mlp_large' },
      { a: 'mlp_medium', b: 'mlp_large' },
    ],
  }
}

function cross(): Omit<ExperimentDesign, 'seeds' | 'firstSeed'> {
  return {
    name: 'cross',
    arms: [
      arm('nflx_to_konvid', 'trained on nflx, tested on konvid', 'none'),
      { ...arm('konvid_to_nflx', 'trained on konvid, tested on nflx', 'all'), nflx: 'none' },
    ],
    protocol: { kind: 'cross' },
    recipe: 'lab',
    comparisons: [],
  }
}

export const DOSE_PERCENTS = [0, 10, 25, 50, 100] as const

/** The konvid clips of a dose: none, all, or a seeded whole-clip fraction (seed 0: nested doses). */
const dose = (pct: number): KonvidCorpus => (pct === 0 ? 'none' : pct === 100 ? 'all' : { fraction: pct / 100, seed: 0 })

function doses(): Omit<ExperimentDesign, 'seeds' | 'firstSeed'> {
  return {
    name: 'dose',
    arms: DOSE_PERCENTS.map((p) => arm(`konvid_${p}`, `nflx + ${p}% of the konvid clips`, dose(p))),
    protocol: { kind: 'loso' },
    recipe: 'lab',
    comparisons: DOSE_PERCENTS.slice(1).map((p) => ({ a: 'konvid_0', b: `konvid_${p}` })),
  }
}

/** Does the konvid effect depend on the training recipe? Raw inputs for 30 epochs against standardised
 *  inputs for 90, each on nflx only and on nflx + konvid (mlp_small, the `plain` row order). */
function recipe(): Omit<ExperimentDesign, 'seeds' | 'firstSeed'> {
  const raw = { scalerMode: 'raw' as const, epochs: 30 }
  const std = { scalerMode: 'standard' as const, epochs: 90 }
  return {
    name: 'recipe',
    arms: [
      arm('raw30_nflx', 'raw inputs, 30 epochs, nflx only', 'none', raw),
      arm('raw30_comb', 'raw inputs, 30 epochs, nflx + konvid', 'all', raw),
      arm('std90_nflx', 'standardised, 90 epochs, nflx only', 'none', std),
      arm('std90_comb', 'standardised, 90 epochs, nflx + konvid', 'all', std),
    ],
    protocol: { kind: 'loso' },
    recipe: 'plain',
    comparisons: [
      { a: 'raw30_nflx', b: 'raw30_comb' },
      { a: 'std90_nflx', b: 'std90_comb' },
      { a: 'raw30_nflx', b: 'std90_nflx' },
    ],
  }
}

const BUILDERS: Record<PresetName, () => Omit<ExperimentDesign, 'seeds' | 'firstSeed'>> = { foxbird, arch, cross, dose: doses, recipe }

export function isPreset(name: string): name is PresetName {
  return (PRESETS as readonly string[]).includes(name)
}

/** A preset's design; `epochs` replaces every fixed epoch count (steps-matched arms follow). */
export function presetDesign(name: PresetName, opts: PresetOptions = {}): ExperimentDesign {
  const d = BUILDERS[name]()
  const arms = d.arms.map((a) => ({ ...a, ...(opts.epochs === undefined ? {} : { epochs: opts.epochs }), ...opts.recipe }))
  let design: ExperimentDesign = { ...d, arms, seeds: opts.seeds ?? 1, firstSeed: opts.firstSeed ?? 0 }
  if (opts.arms) {
    const ids = d.arms.map((a) => a.id)
    const unknown = opts.arms.filter((id) => !ids.includes(id))
    if (unknown.length || opts.arms.length === 0) throw new RangeError(`the ${name} preset's arms are ${ids.join(', ')}; asked for ${opts.arms.length ? unknown.join(', ') : 'none'}`)
    for (const id of ids) if (!opts.arms.includes(id)) design = removeArm(design, id)
  }
  return design
}
