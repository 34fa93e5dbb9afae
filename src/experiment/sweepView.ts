// What the Experiments tab's Sweep view shows of a sweep (sweep.ts), as plain data: the search
// space as the form edits it (text fields ↔ a checked SweepSpace), the best-so-far curve, the
// parallel-coordinates axes and the brushed objective range, and the design a promoted trial opens
// in the designer. No state, no DOM.
import { isNamedArch } from '../model/arch.ts'
import type { ExperimentDesign } from './design.ts'
import { checkDesign } from './design.ts'
import { lossOf, trialArm, type SweepObjective, type SweepTrial } from './sweep.ts'
import { archLabel, checkSpace, SpaceError, type SweepParams, type SweepSpace } from './sweepSpace.ts'

/** The search space as the form holds it: lists as comma-separated text. */
export interface SpaceForm {
  /** e.g. "linear, mlp_small, 32x16" (custom widths as AxB) */
  arch: string
  lrMin: number
  lrMax: number
  /** e.g. "128, 256, 512" */
  batchSize: string
  epochs: number
  scaler: { standard: boolean; raw: boolean }
  konvid: { on: boolean; off: boolean }
}

/** The form of a space (the defaults' form is what the view starts with). */
export function formOfSpace(s: SweepSpace): SpaceForm {
  return {
    arch: s.arch.map((a) => (Array.isArray(a) ? a.join('x') : a)).join(', '),
    lrMin: s.lr.min,
    lrMax: s.lr.max,
    batchSize: s.batchSize.join(', '),
    epochs: s.epochs,
    scaler: { standard: s.scaler.includes('standard'), raw: s.scaler.includes('raw') },
    konvid: { on: s.konvid.includes(true), off: s.konvid.includes(false) },
  }
}

const items = (text: string) => text.split(',').map((t) => t.trim()).filter(Boolean)

/** "mlp_small" stays a name; "32x16" becomes [32, 16]; anything else is left for checkSpace to name. */
function archItem(t: string): unknown {
  if (isNamedArch(t)) return t
  if (/^\d+(\s*x\s*\d+)*$/i.test(t)) return t.split(/x/i).map((w) => Number(w.trim()))
  return t
}

/** The form as a checked space, or the problem (naming the field) when it is not one. */
export function spaceOfForm(f: SpaceForm): { space: SweepSpace | null; error: string | null } {
  const raw = {
    arch: items(f.arch).map(archItem),
    lr: { min: f.lrMin, max: f.lrMax },
    batchSize: items(f.batchSize).map((b) => (/^\d+$/.test(b) ? Number(b) : b)),
    epochs: f.epochs,
    scaler: [...(f.scaler.standard ? ['standard'] : []), ...(f.scaler.raw ? ['raw'] : [])],
    konvid: [...(f.konvid.on ? [true] : []), ...(f.konvid.off ? [false] : [])],
  }
  try {
    return { space: checkSpace(raw, 'the search space'), error: null }
  } catch (e) {
    if (e instanceof SpaceError) return { space: null, error: e.message }
    throw e
  }
}

/**
 * Per trial (in id order): the best objective of the trials up to it that trained the full budget
 * (the ones bestTrial chooses from); null until one has.
 */
export function bestSoFar(trials: readonly { state: string; objective: number | null }[], objective: SweepObjective): (number | null)[] {
  let best: number | null = null
  return trials.map((t) => {
    if (t.state === 'complete' && t.objective !== null && (best === null || lossOf(objective, t.objective) < lossOf(objective, best))) best = t.objective
    return best
  })
}

/** One axis of the parallel coordinates: where a trial lies on it, 0 (bottom) to 1 (top). */
export interface ParallelAxis {
  key: string
  label: string
  /** tick labels and their positions */
  ticks: { at: number; label: string }[]
  /** null: the trial has no value here (no objective) */
  at: (t: Pick<SweepTrial, 'params' | 'objective'>) => number | null
}

/** Positions of `n` categories spread over [0, 1] (one in the middle). */
const slot = (i: number, n: number) => (n === 1 ? 0.5 : i / (n - 1))

function choiceAxis<T>(key: string, label: string, choices: readonly T[], name: (v: T) => string, of: (p: SweepParams) => T): ParallelAxis {
  const names = choices.map(name)
  return {
    key,
    label,
    ticks: names.map((l, i) => ({ at: slot(i, names.length), label: l })),
    at: (t) => {
      const i = names.indexOf(name(of(t.params)))
      return i < 0 ? null : slot(i, names.length)
    },
  }
}

/** The objective's range over the trials that have one, widened to a span when they all agree. */
export function objectiveRange(trials: readonly Pick<SweepTrial, 'objective'>[]): [number, number] | null {
  const v = trials.map((t) => t.objective).filter((o): o is number => o !== null)
  if (!v.length) return null
  const lo = Math.min(...v)
  const hi = Math.max(...v)
  return lo < hi ? [lo, hi] : [lo - 0.5 * Math.max(1e-6, Math.abs(lo) * 1e-3), hi + 0.5 * Math.max(1e-6, Math.abs(hi) * 1e-3)]
}

/** The axes: every searched parameter, then the objective (its scale from the trials measured). */
export function parallelAxes(space: SweepSpace, trials: readonly Pick<SweepTrial, 'objective'>[], objective: SweepObjective): ParallelAxis[] {
  const [a, b] = [Math.log10(space.lr.min), Math.log10(space.lr.max)]
  const lrAt = (lr: number) => (b > a ? Math.min(1, Math.max(0, (Math.log10(lr) - a) / (b - a))) : 0.5)
  const range = objectiveRange(trials)
  const fmt = (v: number) => (objective === 'mean-rmse' ? v.toFixed(2) : v.toFixed(3))
  return [
    choiceAxis('arch', 'architecture', space.arch, archLabel, (p) => p),
    { key: 'lr', label: 'learning rate', ticks: [{ at: 0, label: space.lr.min.toPrecision(2) }, { at: 1, label: space.lr.max.toPrecision(2) }], at: (t) => lrAt(t.params.lr) },
    choiceAxis('batchSize', 'batch', space.batchSize, String, (p) => p.batchSize),
    choiceAxis('scaler', 'scaler', space.scaler, String, (p) => p.scaler),
    choiceAxis('konvid', 'konvid', space.konvid, (k) => (k ? 'on' : 'off'), (p) => p.konvid),
    {
      key: 'objective',
      label: objective,
      ticks: range ? [{ at: 0, label: fmt(range[0]) }, { at: 1, label: fmt(range[1]) }] : [],
      at: (t) => (t.objective === null || !range ? null : (t.objective - range[0]) / (range[1] - range[0])),
    },
  ]
}

/** Whether a trial's objective lies in the brushed range (every trial does when nothing is brushed). */
export function inBrush(t: Pick<SweepTrial, 'objective'>, brush: readonly [number, number] | null): boolean {
  if (!brush) return true
  const [lo, hi] = brush[0] <= brush[1] ? brush : [brush[1], brush[0]]
  return t.objective !== null && t.objective >= lo && t.objective <= hi
}

/** The brushed range in objective units from two positions on the objective axis (0 bottom, 1 top). */
export function brushRange(range: readonly [number, number], from: number, to: number): [number, number] {
  const clamp = (v: number) => Math.min(1, Math.max(0, v))
  const [lo, hi] = [clamp(Math.min(from, to)), clamp(Math.max(from, to))]
  return [range[0] + lo * (range[1] - range[0]), range[0] + hi * (range[1] - range[0])]
}

/** The lab's default recipe (mlp_small, lr 1e-3, batch 256, standard scaler, nflx + konvid): the promoted design's baseline. */
export const DEFAULT_RECIPE: SweepParams = { arch: 'mlp_small', hidden: [16, 8], lr: 1e-3, batchSize: 256, scaler: 'standard', konvid: true }

/**
 * The design a promoted trial opens in the designer: LOSO, `seeds` seeds from the sweep's seed,
 * the trial's recipe (arm "best") against the lab's default recipe (arm "default") at the same
 * epochs, compared default → best. A trial that is the default recipe is its own single arm.
 */
export function promotedDesign(trial: Pick<SweepTrial, 'id' | 'params'>, o: { epochs: number; seeds: number; firstSeed: number }): ExperimentDesign {
  const best = { ...trialArm('best', trial.params, o.epochs), label: `sweep ${trial.id}: ${trialArm('best', trial.params, o.epochs).label}` }
  const same = archLabel(trial.params) === archLabel(DEFAULT_RECIPE) && ['lr', 'batchSize', 'scaler', 'konvid'].every((k) => trial.params[k as keyof SweepParams] === DEFAULT_RECIPE[k as keyof SweepParams])
  const baseline = { ...trialArm('default', DEFAULT_RECIPE, o.epochs), label: `default recipe: ${trialArm('default', DEFAULT_RECIPE, o.epochs).label}` }
  return checkDesign({
    name: `sweep-${trial.id}`,
    arms: same ? [best] : [baseline, best],
    protocol: { kind: 'loso' },
    seeds: o.seeds,
    firstSeed: o.firstSeed,
    recipe: 'lab',
    comparisons: same ? [] : [{ a: 'default', b: 'best' }],
  }, 'the promoted design')
}
