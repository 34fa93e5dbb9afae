// A trained model as the rest of the app sees it: weights, scaler and how it was made.
// Export (src/onnx), the model registry and the reports all start from this.
import type { ArchSpec } from './arch.ts'
import type { ModelParams } from './params.ts'
import type { Scaler } from './scaler.ts'

export type ScalerMode = 'standard' | 'raw'

export interface InputFileRef {
  name: string
  sha256: string
  rows: number
}

export interface TrainingRecord {
  seed: number
  epochs: number
  batchSize: number
  lr: number
  scalerMode: ScalerMode
  /** e.g. "netflix-source: held out NightGrain; konvid rows all train" */
  split: string
  inputFiles: InputFileRef[]
  trainRows: number
  valRows: number
  steps: number
  trainLoss: number[]
  valLoss: number[]
  /** which trainer ran: GPU adapter description or "CPU reference" */
  device: string
  wallMs: number
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
