// Building training jobs from the loaded data: the one place that turns UI/CLI/study choices
// into the TrainJob the trainers take (init from the seed, scaler fitted on training rows only).
import type { TableView } from '../data/table.ts'
import { initParams } from './init.ts'
import { fitScaler } from './scaler.ts'
import type { ScalerMode } from './trained.ts'
import type { TrainData, TrainJob } from './contract.ts'

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
    scaler: o.scalerMode === 'standard' ? fitScaler(o.data.columns, o.trainRows) : null,
    trainRows: o.trainRows,
    valRows: o.valRows,
    epochs: o.epochs,
    batchSize: o.batchSize,
    lr: o.lr,
    order: o.shuffle === 'randperm' ? { kind: 'randperm', seed: o.seed } : { kind: 'seeded', seed: o.seed },
  }
}

/**
 * The training data for `features` and the table's target: the table's own columns, no copy. A
 * table loaded into shared memory (src/data/featureTable.ts) hands the WebAssembly trainer's
 * workers those very columns (src/model/sharedData.ts), so the features exist once.
 */
export function tableToTrainData(table: TableView, features: readonly string[]): TrainData {
  return { columns: features.map((name) => table.feature(name)), y: table.target() }
}
