// The FoxBird study's vocabulary: settings, arms, per-fold runs and their summaries — what the
// CLI's `loso` reports in (cli/losoStudy.ts views a conducted foxbird preset as a StudyResult).
import type { ArchSpec } from '../model/arch.ts'
import type { ScalerMode, TrainedModel } from '../model/trained.ts'
import type { JobStatus } from '../model/contract.ts'
import type { Split } from '../data/splits.ts'
import type { Sidecar } from '../onnx/sidecar.ts'

/**
 * The study's three arms, each a leave-one-source-out sweep over the nflx sources:
 *  a: trained on the other nflx sources only;
 *  b: the same plus every konvid row;
 *  c: the steps-matched control, (a) with each fold's epochs scaled so its optimizer steps match (b).
 */
export type Arm = 'a' | 'b' | 'c'
export const ARMS: readonly Arm[] = ['a', 'b', 'c']
export const ARM_LABELS: Record<Arm, string> = {
  a: 'nflx only',
  b: 'nflx + konvid',
  c: 'nflx only, steps-matched',
}

/** "a_nflx-only/foxbird-a-NightGrain-s0": one folder per arm for `loso`'s fold models. */
export function fileStem(id: string, arm: Arm): string {
  return `${arm}_${ARM_LABELS[arm].replace(/[ ,+]+/g, '-')}/${id}`
}

export interface StudySettings {
  /** linear, mlp_small, mlp_medium, mlp_large or custom (with `hidden`) */
  arch: string
  hidden?: number[]
  /** input features; default the canonical six */
  features?: string[]
  epochs: number
  batchSize: number
  lr: number
  /** number of seeds: the study runs seeds firstSeed … firstSeed+seeds-1 (seed k is torch.manual_seed(k)) */
  seeds: number
  /** the first seed (default 0) */
  firstSeed?: number | null
  scalerMode: ScalerMode
  /** which arms to run; arms the data cannot support are skipped with a reason */
  arms: Arm[]
}

export const DEFAULT_STUDY_SETTINGS: StudySettings = {
  arch: 'mlp_small',
  epochs: 30,
  batchSize: 256,
  lr: 1e-3,
  seeds: 1,
  scalerMode: 'standard',
  arms: ['a', 'b', 'c'],
}

export class StudyError extends Error {
  override name = 'StudyError'
}

/** PLCC / SROCC / RMSE: the numbers every table shows. */
export interface Scores {
  plcc: number
  srocc: number
  rmse: number
}

/** One trained and evaluated model: one arm, one fold, one seed. */
export interface FoldRun {
  arm: Arm
  /** the held-out nflx source */
  fold: string
  seed: number
  status: JobStatus
  /** why it stopped early (status other than done) */
  message?: string
  plcc: number
  srocc: number
  krocc: number
  rmse: number
  /** rows evaluated (the held-out source) */
  n: number
  epochs: number
  steps: number
  trainRows: number
  trainLoss: number[]
  valLoss: number[]
  /** predictions on the held-out rows, in valRows order (for scatter plots) */
  pred: Float32Array
  /** ONNX execution provider that evaluated it */
  ep: string
  model: TrainedModel
  onnx: Uint8Array
  /** the sidecar JSON (registry format + training block + metrics) */
  sidecar: Sidecar
  /** path in the zip without extension, e.g. "a_nflx-only/foxbird-a-NightGrain-s0" */
  fileStem: string
}

/** One fold of one arm, over the seeds that finished. */
export interface FoldSummary {
  fold: string
  n: number
  /** seeds that finished, ascending */
  seeds: number[]
  perSeed: (Scores & { seed: number })[]
  /** mean over seeds */
  mean: Scores
  /** population std over seeds (0 with one seed) */
  std: Scores
  epochs: number
  steps: number
}

export interface ArmSummary {
  arm: Arm
  label: string
  /** every planned fold, in fold order; `null` where no seed has finished yet */
  folds: (FoldSummary | null)[]
  /** mean over the finished folds of the per-fold seed means */
  mean: Scores
  /** population std (ddof 0) across folds of the per-fold seed means: the "spread across folds" */
  std: Scores
  /** fold with the lowest seed-mean PLCC */
  worst: string | null
  /** per seed (that finished every fold): the fold with the lowest PLCC for that seed */
  worstBySeed: { seed: number; fold: string }[]
  /** all planned folds × seeds finished */
  complete: boolean
  /** steps per fold (folds may differ when sources differ in size) */
  steps: Record<string, number>
}

export interface Outlier {
  fold: string
  /** seed-mean scores of the outlier fold in each arm that has it */
  before: Scores
  afterData: Scores | null
  afterSteps: Scores | null
  /** seeds whose own worst fold in (a) is another fold */
  disagreeing: { seed: number; fold: string }[]
}

export interface FoldDelta {
  fold: string
  /** b − a, c − a, b − c on the seed means (null where a side is missing) */
  ba: Scores | null
  ca: Scores | null
  bc: Scores | null
}

export interface StudySummary {
  folds: string[]
  arms: Partial<Record<Arm, ArmSummary>>
  /** std of (a) across folds / std of (b): "4.5× tighter" */
  stdRatio: number | null
  /** std of (a) / std of (c) */
  stdRatioSteps: number | null
  outlier: Outlier | null
  deltas: FoldDelta[]
  /** mean over folds of each Δ PLCC (folds where both sides finished); null when none did */
  meanDeltaPlcc: { ba: number | null; ca: number | null; bc: number | null }
  /** one plain-language line computed from the numbers */
  reading: string
}

/** A planned job: one arm × fold × seed. */
export interface PlannedRun {
  arm: Arm
  fold: string
  seed: number
  split: Split
  epochs: number
  stepsPerEpoch: number
  steps: number
  /** training samples it processes (epochs × train rows) */
  samples: number
  id: string
  label: string
}

export interface ArmPlan {
  arm: Arm
  label: string
  /** false when the data or the settings rule it out */
  enabled: boolean
  /** why it is disabled, in plain words */
  reason: string | null
}

export interface StudyPlan {
  settings: StudySettings
  arch: ArchSpec
  widths: number[]
  features: string[]
  folds: string[]
  arms: ArmPlan[]
  runs: PlannedRun[]
  /** per fold: the epochs (c) trains for */
  epochsC: Record<string, number>
  totalSamples: number
  totalSteps: number
}

/** A run that produced no evaluated model: stopped early, diverged, or its evaluation failed. */
export interface FailedRun {
  arm: Arm
  fold: string
  seed: number
  status: JobStatus | 'eval-failed'
  message: string
}

export interface StudyResult {
  plan: StudyPlan
  runs: FoldRun[]
  failed: FailedRun[]
  summary: StudySummary
  /** true when cancelled: `runs` holds what finished */
  cancelled: boolean
  device: string
  wallMs: number
  trainMs: number
  startedAt: string
}
