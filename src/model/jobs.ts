// Building training jobs from the loaded data: the one place that turns UI/CLI/study choices
// into the TrainJob the trainers take (init from the seed, scaler fitted on training rows only).
import type { TableView } from '../data/table.ts'
import type { ArchSpec } from './arch.ts'
import { initParams } from './init.ts'
import { fitScaler } from './scaler.ts'
import type { InputFileRef, ScalerMode, TrainedModel } from './trained.ts'
import type { TrainData, TrainJob, TrainResult } from './trainer.ts'

export interface MakeJobOptions {
  id: string
  label: string
  widths: number[]
  seed: number
  scalerMode: ScalerMode
  data: TrainData
  trainRows: Uint32Array
  valRows: Uint32Array
  epochs: number
  batchSize: number
  lr: number
}

/** A seeded job: torch.manual_seed(seed) init, scaler fitted on trainRows ('standard') or none ('raw'). */
export function makeJob(o: MakeJobOptions): TrainJob {
  return {
    id: o.id,
    label: o.label,
    widths: [...o.widths],
    init: initParams(o.widths, o.seed),
    scaler: o.scalerMode === 'standard' ? fitScaler(o.data.x, o.data.nFeatures, o.trainRows) : null,
    trainRows: o.trainRows,
    valRows: o.valRows,
    epochs: o.epochs,
    batchSize: o.batchSize,
    lr: o.lr,
    order: { kind: 'seeded', seed: o.seed },
  }
}

/** The resident training data for `features` (row-major) and the table's target. */
export function tableToTrainData(table: TableView, features: readonly string[]): TrainData {
  return { x: table.matrix(features), y: table.target(), nFeatures: features.length }
}

export interface TrainedModelInput {
  job: TrainJob
  result: TrainResult
  arch: ArchSpec
  features: readonly string[]
  seed: number
  scalerMode: ScalerMode
  /** plain-language split, e.g. "netflix-source: held out NightGrain" */
  split: string
  inputFiles: readonly InputFileRef[]
  /** every epoch's losses, also those before a resume */
  trainLoss: readonly number[]
  valLoss: readonly number[]
  device: string
  wallMs: number
  createdAt?: Date
}

/** The TrainedModel (what export, the registry and reports take) for a finished job. */
export function toTrainedModel(o: TrainedModelInput): TrainedModel {
  const createdAt = (o.createdAt ?? new Date()).toISOString()
  return {
    id: `${o.arch.name}-seed${o.seed}-${createdAt.replace(/[-:.]/g, '').slice(0, 15)}-${o.job.id}`,
    createdAt,
    arch: { name: o.arch.name, widths: [...o.arch.widths] },
    features: [...o.features],
    params: o.result.params,
    scaler: o.job.scaler ? { mean: [...o.job.scaler.mean], std: [...o.job.scaler.std] } : null,
    training: {
      seed: o.seed,
      epochs: o.job.epochs,
      batchSize: o.job.batchSize,
      lr: o.job.lr,
      scalerMode: o.scalerMode,
      split: o.split,
      inputFiles: o.inputFiles.map((f) => ({ name: f.name, sha256: f.sha256, rows: f.rows })),
      trainRows: o.job.trainRows.length,
      valRows: o.job.valRows.length,
      steps: o.result.steps,
      trainLoss: [...o.trainLoss],
      valLoss: [...o.valLoss],
      device: o.device,
      wallMs: Math.round(o.wallMs),
    },
  }
}
