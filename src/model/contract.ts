// The contract every trainer implements — the WGSL engine (src/engine) and the CPU reference
// (src/model/trainCpu.ts) — so the app, the study and the CLI can use either one.
import type { ModelParams } from './params.ts'
import type { Scaler } from './scaler.ts'
import { TorchGenerator } from '../base/prng.ts'
import { paramCount } from './arch.ts'

/** The resident data every job of a run shares. */
export interface TrainData {
  /** raw (unscaled) feature values, one column per feature, each of y.length rows (a table's own
   *  columns where it has them: src/model/jobs.ts, no copy) */
  columns: readonly Float32Array[]
  /** target per row (VMAF) */
  y: Float32Array
}

/**
 * How each epoch orders the training rows.
 * - seeded: PyTorch's recipe — torch.manual_seed(seed), the model's init draws, then each epoch
 *   one DataLoader(shuffle=True) permutation of the job's training rows.
 * - randperm: a plain training loop's order — one torch.Generator seeded with `seed` (independent
 *   of the model's init), and each epoch one torch.randperm(n, generator=g) of the training rows.
 * - explicit: given orders (positions into trainRows), one array per epoch; used to replay the
 *   fixtures' batch orders. Each array's length may be anything up to trainRows.length.
 */
export type EpochOrder =
  | { kind: 'seeded'; seed: number }
  | { kind: 'randperm'; seed: number }
  | { kind: 'explicit'; epochs: Uint32Array[] }

export interface TrainJob {
  id: string
  /** shown in charts and messages, e.g. "fold NightGrain" */
  label: string
  widths: number[]
  init: ModelParams
  /** null = the "raw" recipe: features go in unscaled */
  scaler: Scaler | null
  /** indices into TrainData rows */
  trainRows: Uint32Array
  /** indices into TrainData rows, evaluated after each epoch (may be empty) */
  valRows: Uint32Array
  epochs: number
  batchSize: number
  lr: number
  order: EpochOrder
}

/** Adam state and weights after a completed epoch: enough to resume the run. */
export interface Checkpoint {
  epoch: number
  step: number
  params: Float32Array // flat, torch parameter order
  m: Float32Array
  v: Float32Array
}

export interface EpochEvent {
  job: number
  epoch: number // 1-based, the epoch just finished
  trainLoss: number // mean of per-sample squared error over the epoch, as each batch saw it
  valLoss: number // MSE over valRows after the epoch (NaN when there are none)
  checkpoint: Checkpoint
}

export type JobStatus = 'done' | 'diverged' | 'cancelled' | 'device-lost'

export interface TrainResult {
  id: string
  status: JobStatus
  /** why a job stopped early, naming the model and the epoch */
  message?: string
  params: ModelParams
  trainLoss: number[]
  valLoss: number[]
  steps: number
  checkpoint: Checkpoint | null
}

export interface TrainOptions {
  onEpoch?: (ev: EpochEvent) => void
  signal?: AbortSignal
  /** resume each job from its checkpoint (same jobs, same order); null entries start fresh */
  resume?: (Checkpoint | null)[]
}

export interface Trainer {
  readonly kind: 'webgpu' | 'cpu'
  /** e.g. the GPU adapter's vendor/architecture, or "CPU reference (JS)" */
  readonly description: string
  train(data: TrainData, jobs: TrainJob[], opts?: TrainOptions): Promise<TrainResult[]>
  dispose(): void
}

/** Optimizer steps one epoch of `n` rows takes with batch size `bs` (the last partial batch is kept). */
export function stepsPerEpoch(n: number, bs: number): number {
  return Math.ceil(n / bs)
}

/**
 * Produces each epoch's order of positions into trainRows. For a seeded job the generator
 * starts where torch's would after initialising the model, so `initParams(widths, seed)` and
 * this shuffler together replay torch.manual_seed(seed) + model + DataLoader.
 */
export class EpochShuffler {
  private readonly gen: TorchGenerator | null
  private epoch = 0

  constructor(private readonly job: Pick<TrainJob, 'order' | 'widths' | 'trainRows'>) {
    if (job.order.kind === 'seeded') {
      this.gen = new TorchGenerator(job.order.seed)
      const draws = paramCount(job.widths) // nn.Linear init draws one 32-bit value per parameter
      for (let i = 0; i < draws; i++) this.gen.random()
    } else if (job.order.kind === 'randperm') {
      this.gen = new TorchGenerator(job.order.seed)
    } else {
      this.gen = null
    }
  }

  /** Skip ahead to epoch `e` (0-based) — for resuming from a checkpoint. */
  skipTo(e: number): void {
    while (this.epoch < e) this.next()
  }

  /** The next epoch's order: positions into trainRows (not row ids). */
  next(out?: Uint32Array): Uint32Array {
    const e = this.epoch++
    if (this.gen && this.job.order.kind === 'randperm') return this.gen.randperm(this.job.trainRows.length, out)
    if (this.gen) return this.gen.dataLoaderEpoch(this.job.trainRows.length, out)
    const order = (this.job.order as { kind: 'explicit'; epochs: Uint32Array[] }).epochs
    if (e >= order.length) throw new Error(`explicit order has ${order.length} epochs, epoch ${e + 1} requested`)
    return order[e]
  }
}
