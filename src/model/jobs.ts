// Building training jobs from the loaded data: the one place that turns UI/CLI/study choices
// into the TrainJob the trainers take (init from the seed, scaler fitted on training rows only).
import type { TableView } from '../data/table.ts'
import { initParams } from './init.ts'
import { fitScaler } from './scaler.ts'
import type { ScalerMode } from './trained.ts'
import type { TrainData, TrainJob } from './contract.ts'
import { sharedTrainData } from './sharedData.ts'

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
  /** each epoch's order: 'dataloader' (default) replays torch.manual_seed + model + DataLoader(shuffle=True);
   *  'randperm' a torch.Generator(seed) drawing one randperm per epoch (see EpochOrder) */
  shuffle?: 'dataloader' | 'randperm'
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
    order: o.shuffle === 'randperm' ? { kind: 'randperm', seed: o.seed } : { kind: 'seeded', seed: o.seed },
  }
}

/**
 * The resident training data for `features` (row-major) and the table's target. Where memory
 * can be shared (src/model/sharedData.ts) both are written straight into one shared memory that
 * the WebAssembly trainer's workers import, so the features exist once beside the table.
 */
export function tableToTrainData(table: TableView, features: readonly string[]): TrainData {
  const nf = features.length
  const shared = sharedTrainData(table.rows, nf)
  if (!shared) return { x: table.matrix(features), y: table.target(), nFeatures: nf }
  features.forEach((name, f) => {
    const col = table.feature(name)
    const x = shared.x
    for (let i = 0; i < col.length; i++) x[i * nf + f] = col[i]
  })
  shared.y.set(table.target())
  return shared
}
