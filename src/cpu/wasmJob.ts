// One job's run on a WebAssembly kernel: its state lives in the run's memory (src/cpu/layout.ts),
// the epoch's order and Adam's per-step constants are written by this class, the steps run
// inside the module. Statuses, messages, checkpoints and resume are JobProgress's, as for the
// CPU reference and the GPU engine.
import { ADAM_DEFAULTS } from '../model/adam.ts'
import { flattenParams } from '../model/params.ts'
import { stepsPerEpoch, type Checkpoint, type EpochEvent, type TrainJob, type TrainResult } from '../model/contract.ts'
import { JobProgress } from '../model/jobProgress.ts'
import type { Arena, KernelExports } from './kernel.ts'
import type { JobLayout } from './layout.ts'

export interface JobMemory {
  memory: WebAssembly.Memory
  arena: Arena
  /** where the run's feature columns and targets are */
  columns: number[]
  y: number
}

/** Bytes a job needs in the run's memory, beyond its layout: row lists, order, per-step tables. */
export function jobExtraBytes(job: TrainJob): number {
  const steps = maxEpochSteps(job)
  return 4 * (job.trainRows.length + job.valRows.length) + 16 * steps + 64 * 4
}

function maxEpochSteps(job: TrainJob): number {
  const n = job.order.kind === 'explicit' ? Math.max(1, ...job.order.epochs.map((e) => e.length)) : job.trainRows.length
  return stepsPerEpoch(n, job.batchSize)
}

export class WasmJob extends JobProgress {
  private readonly base: number
  private readonly orderAt: number
  private readonly valAt: number
  private readonly constsAt: number
  private readonly lossesAt: number
  private readonly orderView: Uint32Array
  private pos = 0
  private epochStep = 0
  private epochRows = 0
  private epochSse = 0

  constructor(
    private readonly k: KernelExports,
    private readonly L: JobLayout,
    private readonly mem: JobMemory,
    job: TrainJob,
    index: number,
    resume: Checkpoint | null,
  ) {
    super(index, job, resume)
    const a = mem.arena
    this.base = a.take(L.bytes)
    this.orderAt = a.take(4 * job.trainRows.length)
    this.valAt = a.take(4 * job.valRows.length)
    const steps = maxEpochSteps(job)
    this.constsAt = a.take(8 * steps)
    this.lossesAt = a.take(8 * steps)
    const buf = mem.memory.buffer
    new Uint8Array(buf, this.base, L.bytes).fill(0)
    const nf = L.widths[0]
    new Int32Array(buf, this.base + 4, 1)[0] = mem.y
    new Int32Array(buf, this.base + L.columns, nf).set(mem.columns)
    new Float64Array(buf, this.base + L.mean, nf).set(job.scaler ? job.scaler.mean : new Array(nf).fill(0))
    new Float64Array(buf, this.base + L.std, nf).set(job.scaler ? job.scaler.std : new Array(nf).fill(1))
    new Uint32Array(buf, this.valAt, job.valRows.length).set(job.valRows)
    this.orderView = new Uint32Array(buf, this.orderAt, job.trainRows.length)
    this.f32(L.weights).set(resume ? resume.params : flattenParams(job.init))
    if (resume) {
      this.f32(L.adamM).set(resume.m)
      this.f32(L.adamV).set(resume.v)
    }
  }

  /** A view of P float32 values at `offset` in this job's state block. */
  private f32(offset: number): Float32Array {
    return new Float32Array(this.mem.memory.buffer, this.base + offset, this.L.params)
  }

  beginEpoch(): void {
    // seeded and randperm orders are drawn straight into the module's memory; explicit ones read from the job
    const drawn = this.job.order.kind !== 'explicit'
    const order = this.shuffler.next(drawn ? this.orderView : undefined)
    // the epoch's rows in order, where the kernel reads them (its gather without an order array):
    // one array in the module's memory (a drawn order is composed in place), the training rows
    // themselves stay in the job
    const rows = this.job.trainRows
    const view = this.orderView
    for (let i = 0; i < order.length; i++) view[i] = rows[order[i]]
    this.epochRows = order.length
    this.pos = 0
    this.epochStep = 0
    this.epochSse = 0
    // Adam's per-step scalars, in float64 as torch's Python floats, then rounded to float32
    const { beta1, beta2 } = ADAM_DEFAULTS
    const steps = stepsPerEpoch(order.length, this.job.batchSize)
    const consts = new Float32Array(this.mem.memory.buffer, this.constsAt, 2 * steps)
    for (let s = 0; s < steps; s++) {
      const t = this.step + s + 1
      consts[2 * s] = -(this.job.lr / (1 - beta1 ** t))
      consts[2 * s + 1] = Math.sqrt(1 - beta2 ** t)
    }
  }

  /** Steps left in this epoch. */
  get stepsLeft(): number {
    return this.status === null ? stepsPerEpoch(this.epochRows - this.pos, this.job.batchSize) : 0
  }

  /** Runs up to `max` steps of this epoch; a non-finite loss stops the job (diverged). */
  trainSteps(max: number): void {
    const n = Math.min(max, this.stepsLeft)
    if (n <= 0) return
    const o = 8 * this.epochStep
    const done = this.k.train(this.base, this.orderAt, 0, this.pos, n, this.epochRows, this.constsAt + o, this.lossesAt + o)
    const losses = new Float64Array(this.mem.memory.buffer, this.lossesAt + o, n)
    const bs = this.job.batchSize
    for (let s = 0; s < done; s++) {
      const count = Math.min(bs, this.epochRows - this.pos)
      this.epochSse += losses[s] * count
      this.pos += count
    }
    this.step += done
    this.epochStep += done
    if (done < n) this.lossDiverged(this.epoch + 1, this.step + 1, losses[done])
  }

  endEpoch(): EpochEvent {
    const nv = this.job.valRows.length
    return this.completeEpoch({
      trainLoss: this.pos > 0 ? this.epochSse / this.pos : NaN,
      valLoss: nv > 0 ? this.k.validate(this.base, this.valAt, nv) / nv : NaN,
      step: this.step,
      params: this.f32(this.L.weights).slice(),
      m: this.f32(this.L.adamM).slice(),
      v: this.f32(this.L.adamV).slice(),
    })
  }

  /** The job's result: the final weights when it finished, else its last checkpoint's. */
  override result(): TrainResult {
    return super.result(this.status === 'done' ? this.f32(this.L.weights).slice() : null)
  }
}
