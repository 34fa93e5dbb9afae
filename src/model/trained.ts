// A trained model as the rest of the app sees it: weights, scaler and how it was made.
// Export (src/onnx), the model registry and the reports all start from this.
import type { ArchSpec } from './arch.ts'
import type { ModelParams } from './params.ts'
import type { Scaler } from './scaler.ts'
import type { SplitRecord } from './splitRecord.ts'

/** the split record lives in ./splitRecord.ts, which builds, writes and reads it */
export type { SplitRecord } from './splitRecord.ts'

export type ScalerMode = 'standard' | 'raw'

export interface InputFileRef {
  name: string
  sha256: string
  rows: number
}

/** Which data and which experiment run produced a model: written into its sidecar and registry notes. */
export interface Provenance {
  /** the corpora of the training rows, joined: "nflx", "konvid" or "nflx+konvid" */
  dataset: string
  /** experiment name (a preset such as "foxbird", or the user's) */
  experiment?: string
  /** arm id within the experiment, e.g. "b" or "mlp_medium" */
  arm?: string
  /** the fold: held-out source or the protocol's test set */
  fold?: string
}

export interface TrainingRecord {
  seed: number
  epochs: number
  batchSize: number
  lr: number
  scalerMode: ScalerMode
  split: SplitRecord
  inputFiles: InputFileRef[]
  trainRows: number
  valRows: number
  steps: number
  trainLoss: number[]
  valLoss: number[]
  /** which trainer ran: GPU adapter description or "CPU reference" */
  device: string
  wallMs: number
  provenance?: Provenance
}

export interface TrainedModel {
  id: string
  createdAt: string // ISO time
  arch: ArchSpec
  features: string[]
  params: ModelParams
  /** null for the raw recipe */
  scaler: Scaler | null
  training: TrainingRecord
}
