// `loso` is a view of a conducted foxbird preset: `loso --study` runs its arms a, b and c, a plain
// `loso` its arm a (nflx only) or b (nflx + konvid) alone. The design, the statistics and the
// reading are the experiment pipeline's (src/experiment), so `loso --study` and `study --preset
// foxbird` say the same about the same runs; this file only projects the experiment summary onto
// loso's documented JSON ({"runs": {ARM: {folds, mean, std, steps}}}) and names the fold files.
import type { ConductedRun, ExperimentResult } from '../src/experiment/conduct.ts'
import type { ArmDesign, ExperimentDesign } from '../src/experiment/design.ts'
import { presetDesign } from '../src/experiment/presets.ts'
import type { Scores } from '../src/experiment/summary.ts'

export type LosoArm = 'a' | 'b' | 'c'

export interface LosoSettings {
  arms: readonly LosoArm[]
  seeds: number
  firstSeed: number
  epochs: number
  recipe: Pick<ArmDesign, 'arch' | 'hidden' | 'batchSize' | 'lr' | 'scalerMode'>
}

/** The foxbird preset with loso's recipe and only its arms, named `foxbird` (--study) or `loso`. */
export function losoDesign(s: LosoSettings, name: 'foxbird' | 'loso'): ExperimentDesign {
  const design = presetDesign('foxbird', { seeds: s.seeds, firstSeed: s.firstSeed, epochs: s.epochs, recipe: s.recipe, arms: s.arms })
  return { ...design, name }
}

/** "a_nflx-only/foxbird-a-NightGrain-s0": one folder per arm for loso's fold models. */
export function losoFileStem(run: ConductedRun, labels: Record<string, string>): string {
  const arm = run.scheduled.arm
  return `${arm}_${(labels[arm] ?? arm).replace(/[ ,+]+/g, '-')}/${run.outcome.model.id}`
}

export interface LosoFoldJson {
  source: string
  plcc: number | null
  srocc: number | null
  rmse: number | null
  n: number
  /** optimizer steps of the fold's runs */
  steps: number
  /** the first seed's model file, when one was written */
  onnx: string | null
}

export interface LosoRunJson {
  arm: LosoArm
  folds: LosoFoldJson[]
  mean: Scores
  std: Scores
  /** the most optimizer steps of any fold */
  steps: number
}

/** One arm of the conducted design in loso's JSON shape: per-fold seed means from the experiment summary. */
export function losoRunJson(res: ExperimentResult, arm: LosoArm, onnxPath: (run: ConductedRun) => string | null): LosoRunJson {
  const a = res.summary.arms[arm]
  if (!a) throw new Error(`arm (${arm}) did not run`)
  const runsOf = (fold: string) => res.runs.filter((r) => r.scheduled.arm === arm && r.scheduled.fold === fold)
  const folds = a.folds.map((f) => {
    const runs = runsOf(f.source).sort((p, q) => p.scheduled.seed - q.scheduled.seed)
    const steps = Math.max(0, ...runs.map((r) => r.outcome.steps))
    return { source: f.source, plcc: f.plcc, srocc: f.srocc, rmse: f.rmse, n: f.n, steps, onnx: runs[0] ? onnxPath(runs[0]) : null }
  })
  return { arm, folds, mean: a.mean, std: a.std, steps: Math.max(0, ...folds.map((f) => f.steps)) }
}
