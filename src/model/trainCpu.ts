// The CPU reference trainer: PyTorch's recipe in plain TypeScript over Float32Arrays. It is the
// test oracle for the WGSL engine and the fallback when WebGPU is missing, so it is exact
// (fixture parity, see test/model/) and fast (no allocation per step, layer-major batches).
//
// Several jobs train in one call, round-robin one epoch at a time so progress of all models
// moves together; each job owns its buffers, so a job trained with others is bit-identical to
// the same job trained alone. Long runs yield to the event loop every few milliseconds, which
// lets a worker receive a cancel message (AbortSignal) promptly.
import { ADAM_DEFAULTS, adamStep } from './adam.ts'
import { MlpBatch } from './mlpBatch.ts'
import { flattenParams } from './params.ts'
import type { Checkpoint, EpochEvent, TrainData, Trainer, TrainJob, TrainOptions, TrainResult } from './contract.ts'
import { JobProgress } from './jobProgress.ts'
import { TrainInputError, checkData, checkJob, shapeOf } from './trainChecks.ts'
import { yieldNow } from './yieldNow.ts'

export { TrainInputError }

export interface CpuTrainerOptions {
  /** longest stretch of work between two yields to the event loop, in ms */
  sliceMs?: number
}

export class CpuTrainer implements Trainer {
  readonly kind = 'cpu' as const
  readonly description = 'CPU reference (JS)'
  private readonly sliceMs: number

  constructor(opts: CpuTrainerOptions = {}) {
    this.sliceMs = opts.sliceMs ?? 20
  }

  async train(data: TrainData, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    checkData(data)
    if (opts.resume && opts.resume.length !== jobs.length)
      throw new TrainInputError(`resume has ${opts.resume.length} checkpoints for ${jobs.length} jobs`)
    jobs.forEach((job) => checkJob(shapeOf(data), job))
    const runs = jobs.map((job, j) => new JobRun(data, job, j, opts.resume?.[j] ?? null))
    const signal = opts.signal
    let sliceStart = performance.now()
    const pause = async (): Promise<boolean> => {
      if (performance.now() - sliceStart < this.sliceMs) return false
      await yieldNow()
      sliceStart = performance.now()
      return signal?.aborted ?? false
    }

    let cancelled = signal?.aborted ?? false
    while (!cancelled) {
      const active = runs.filter((r) => r.status === null)
      if (active.length === 0) break
      for (const run of active) {
        run.beginEpoch()
        while (run.trainNextBatch()) {
          if (await pause()) {
            cancelled = true
            break
          }
        }
        if (cancelled) break
        if (run.status !== null) continue // diverged
        const ev = run.endEpoch()
        opts.onEpoch?.(ev)
        // also between epochs: an epoch of one batch never pauses inside
        if ((await pause()) || signal?.aborted) {
          cancelled = true
          break
        }
      }
    }
    if (cancelled) for (const run of runs) if (run.status === null) run.cancel()
    return runs.map((r) => r.result())
  }

  dispose(): void {}
}

/** One job on the CPU: its progress (shared with the GPU trainer), weights, Adam moments, buffers. */
class JobRun extends JobProgress {
  private readonly params: Float32Array
  private readonly m: Float32Array
  private readonly v: Float32Array
  private readonly batch: MlpBatch
  private order: Uint32Array = new Uint32Array(0)
  private pos = 0
  private epochSse = 0
  private epochRows = 0

  constructor(
    private readonly data: TrainData,
    job: TrainJob,
    index: number,
    resume: Checkpoint | null,
  ) {
    super(index, job, resume)
    this.params = flattenParams(job.init)
    this.m = new Float32Array(this.params.length)
    this.v = new Float32Array(this.params.length)
    this.batch = new MlpBatch(job.widths, job.batchSize, job.scaler)
    if (resume) {
      this.params.set(resume.params)
      this.m.set(resume.m)
      this.v.set(resume.v)
    }
  }

  beginEpoch(): void {
    const n = this.job.trainRows.length
    const drawn = this.job.order.kind !== 'explicit'
    if (drawn && this.order.length !== n) this.order = new Uint32Array(n)
    this.order = this.shuffler.next(drawn ? this.order : undefined)
    this.pos = 0
    this.epochSse = 0
    this.epochRows = 0
  }

  /** Train on the next batch of this epoch; false when the epoch is over or the job stopped. */
  trainNextBatch(): boolean {
    const count = Math.min(this.job.batchSize, this.order.length - this.pos)
    if (count <= 0) return false
    const { columns, y } = this.data
    const b = this.batch
    b.load(columns, y, this.job.trainRows, this.order, this.pos, count)
    b.forward(this.params, count)
    const loss = b.backward(this.params, count)
    this.pos += count
    this.step++
    if (!Number.isFinite(loss)) {
      this.lossDiverged(this.epoch + 1, this.step, loss)
      return false
    }
    adamStep(this.params, b.grad, this.m, this.v, this.step, { lr: this.job.lr, ...ADAM_DEFAULTS })
    this.epochSse += loss * count
    this.epochRows += count
    return this.pos < this.order.length
  }

  endEpoch(): EpochEvent {
    return this.completeEpoch({
      trainLoss: this.epochRows > 0 ? this.epochSse / this.epochRows : NaN,
      valLoss: this.validate(),
      step: this.step,
      params: this.params.slice(),
      m: this.m.slice(),
      v: this.v.slice(),
    })
  }

  /** MSE over the validation rows with the current weights (NaN when there are none). */
  private validate(): number {
    const rows = this.job.valRows
    if (rows.length === 0) return NaN
    const b = this.batch
    const { columns, y } = this.data
    let sse = 0
    for (let start = 0; start < rows.length; start += b.capacity) {
      const count = Math.min(b.capacity, rows.length - start)
      b.load(columns, null, rows, null, start, count)
      const pred = b.forward(this.params, count)
      for (let k = 0; k < count; k++) {
        const d = Math.fround(pred[k] - y[rows[start + k]])
        sse += d * d
      }
    }
    return sse / rows.length
  }

  override result(): TrainResult {
    // A job that stopped early reports the weights of its last completed epoch.
    return super.result(this.params)
  }
}
