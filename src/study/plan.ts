// Planning a study: which arms the loaded data supports, the LOSO folds of each arm, the
// steps-matched epochs of (c), and one run per arm × seed × fold. Pure: no training happens here.
import { losoFolds, nflxSources, type Split } from '../data/splits.ts'
import { CORPORA, type TableView } from '../data/table.ts'
import { archSpec } from '../model/arch.ts'
import { CANONICAL_FEATURES } from '../base/features.ts'
import { stepsPerEpoch } from '../model/contract.ts'
import { stepsMatchedEpochs } from './stats.ts'
import { ARM_LABELS, ARMS, StudyError, type Arm, type ArmPlan, type PlannedRun, type StudyPlan, type StudySettings } from './types.ts'

export const MAX_SEEDS = 20

/** The seeds a study runs: firstSeed … firstSeed + seeds - 1. */
export function studySeeds(s: Pick<StudySettings, 'seeds' | 'firstSeed'>): number[] {
  return Array.from({ length: s.seeds }, (_, k) => (s.firstSeed ?? 0) + k)
}

/** Settings the trainers can run; throws StudyError naming the bad value. */
export function checkSettings(s: StudySettings): void {
  const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi
  if (!int(s.epochs, 1, 100_000)) throw new StudyError(`epochs must be a whole number from 1, got ${s.epochs}`)
  if (!int(s.batchSize, 1, 1 << 20)) throw new StudyError(`batch size must be a whole number from 1, got ${s.batchSize}`)
  if (!(s.lr > 0 && Number.isFinite(s.lr))) throw new StudyError(`learning rate must be a positive number, got ${s.lr}`)
  if (!int(s.seeds, 1, MAX_SEEDS)) throw new StudyError(`seeds must be a whole number from 1 to ${MAX_SEEDS}, got ${s.seeds}`)
  if (s.firstSeed != null && !int(s.firstSeed, 0, 0xffffffff - MAX_SEEDS))
    throw new StudyError(`the first seed must be a whole number ≥ 0, got ${s.firstSeed}`)
  if (s.scalerMode !== 'standard' && s.scalerMode !== 'raw') throw new StudyError(`scaler must be "standard" or "raw", got "${s.scalerMode}"`)
  for (const a of s.arms) if (!ARMS.includes(a)) throw new StudyError(`unknown study arm "${a}" (a, b or c)`)
  if (s.arms.length === 0) throw new StudyError('choose at least one study arm')
}

/** Which arms the table supports and why not, without planning any runs (for the UI's buttons). */
export function studyAvailability(table: TableView | null): { ok: boolean; reason: string | null; arms: ArmPlan[] } {
  const disabled = (reason: string): ArmPlan[] => ARMS.map((arm) => ({ arm, label: ARM_LABELS[arm], enabled: false, reason }))
  if (!table || table.rows === 0) return { ok: false, reason: 'no data is loaded', arms: disabled('no data is loaded') }
  const sources = nflxSources(table)
  if (sources.length < 2) {
    const why =
      `the study needs at least 2 nflx sources to leave one out; the loaded data has ${sources.length}` +
      (sources.length === 1 ? ` (${sources[0]})` : '')
    return { ok: false, reason: why, arms: disabled(why) }
  }
  const konvidRows = table.rows - countNflx(table)
  const noKonvid =
    'only nflx rows are loaded: (b) adds the konvid rows to training and (c) matches its optimizer steps, so both need konvid files too'
  return {
    ok: true,
    reason: null,
    arms: ARMS.map((arm) => ({
      arm,
      label: ARM_LABELS[arm],
      enabled: arm === 'a' || konvidRows > 0,
      reason: arm === 'a' || konvidRows > 0 ? null : noKonvid,
    })),
  }
}

function countNflx(table: TableView): number {
  const c = table.corpusCodes()
  const nflx = CORPORA.indexOf('nflx')
  let n = 0
  for (let i = 0; i < table.rows; i++) if (c[i] === nflx) n++
  return n
}

/** The study's runs for the loaded table and settings. */
export function planStudy(table: TableView, settings: StudySettings): StudyPlan {
  checkSettings(settings)
  const features = [...(settings.features ?? CANONICAL_FEATURES)]
  for (const f of features)
    if (!table.featureNames.includes(f))
      throw new StudyError(`feature "${f}" is not in the loaded data (it has ${table.featureNames.join(', ')})`)
  const arch = archSpec(settings.arch, features.length, settings.hidden)
  const widths = arch.widths
  const avail = studyAvailability(table)
  if (!avail.ok) throw new StudyError(avail.reason!)

  const arms: ArmPlan[] = avail.arms.map((p) =>
    p.enabled && !settings.arms.includes(p.arm) ? { ...p, enabled: false, reason: 'not selected in the settings' } : p,
  )
  const enabled = (arm: Arm) => arms.find((p) => p.arm === arm)!.enabled
  if (!arms.some((p) => p.enabled)) throw new StudyError(`none of the selected arms can run: ${arms.map((p) => `(${p.arm}) ${p.reason}`).join('; ')}`)

  const foldsA = losoFolds(table, { withKonvid: false })
  const hasKonvid = avail.arms[1].enabled
  const foldsB = hasKonvid ? losoFolds(table, { withKonvid: true }) : null
  const folds = foldsA.map((f) => f.heldOutSource!)
  const epochsC: Record<string, number> = {}
  if (foldsB)
    foldsA.forEach((f, i) => {
      epochsC[f.heldOutSource!] = stepsMatchedEpochs(f.trainRows.length, foldsB[i].trainRows.length, settings.epochs, settings.batchSize)
    })

  const runs: PlannedRun[] = []
  const add = (arm: Arm, splits: Split[], epochsOf: (fold: string) => number) => {
    for (const seed of studySeeds(settings))
      for (const split of splits) {
        const fold = split.heldOutSource!
        const epochs = epochsOf(fold)
        const spe = stepsPerEpoch(split.trainRows.length, settings.batchSize)
        runs.push({
          arm,
          fold,
          seed,
          split,
          epochs,
          stepsPerEpoch: spe,
          steps: spe * epochs,
          samples: split.trainRows.length * epochs,
          id: `${arm}-${fold}-s${seed}`,
          label: `(${arm}) ${fold} · seed ${seed}`,
        })
      }
  }
  if (enabled('a')) add('a', foldsA, () => settings.epochs)
  if (enabled('b') && foldsB) add('b', foldsB, () => settings.epochs)
  if (enabled('c') && foldsB) add('c', foldsA, (fold) => epochsC[fold])
  return {
    settings: { ...settings, arms: [...settings.arms] },
    arch,
    widths,
    features,
    folds,
    arms,
    runs,
    epochsC,
    totalSamples: runs.reduce((s, r) => s + r.samples, 0),
    totalSteps: runs.reduce((s, r) => s + r.steps, 0),
  }
}

/** Arms the plan will run, in a-b-c order. */
export function plannedArms(plan: StudyPlan): Arm[] {
  return plan.arms.filter((p) => p.enabled).map((p) => p.arm)
}
