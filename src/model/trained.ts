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

/**
 * What a model trained on and what it never saw, so Evaluate can default to the rows it did not
 * train on, and an exported model dropped back in keeps that knowledge (the sidecar carries it).
 * Sources are nflx source names plus "konvid" for the konvid corpus as a whole; a konvid clip
 * holdout lists its clip keys in heldOutKeys (konvid then also trains).
 */
export interface SplitRecord {
  /** a split mode of src/data/splits.ts, 'none' (every row trains), 'cross' (one corpus trains,
   *  the other tests), or 'unknown' (a model from a sidecar written without this record) */
  mode: string
  /** plain language, e.g. "netflix-source: trained on … validated on nflx source Tennis …" */
  description: string
  trainSources: string[]
  heldOutSources: string[]
  heldOutKeys?: string[]
}

/** The record of a model whose split nobody recorded. */
export function unknownSplit(description = 'unknown: the model was made without a split record'): SplitRecord {
  return { mode: 'unknown', description, trainSources: [], heldOutSources: [] }
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
