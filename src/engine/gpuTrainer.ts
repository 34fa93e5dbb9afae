// GpuTrainer: the Trainer (src/model/contract.ts) on WebGPU. A run trains all its jobs at once:
// the features stay on the GPU for the whole run, every model has its own row list, and each
// epoch is one "round" — one MODELS table upload, a few dispatches per kernel group, one readback of
// losses + weights + Adam state (the checkpoint). Rounds are pipelined two deep: while the CPU
// waits for epoch e's readback, epoch e+1 is already queued, and the CPU shuffles for e+2 while
// the GPU trains e+1. Nothing waits on the GPU except those readbacks.
//
// Failure handling: a job whose loss (or weights) turn NaN/Inf stops as 'diverged' and the others
// go on; an AbortSignal ends the run at once ('cancelled', last checkpoints kept; queued GPU work
// finishes on its own); a lost device ends every unfinished job as 'device-lost' with its last
// checkpoint, from which `train(…, { resume })` continues — on a new device, bit for bit.
import { flattenParams } from '../model/params.ts'
import { checkData, checkJob, TrainInputError } from '../model/trainChecks.ts'
import type { Checkpoint, TrainData, Trainer, TrainJob, TrainOptions, TrainResult } from '../model/contract.ts'
import { JobProgress } from '../model/jobProgress.ts'
import { BufferSet } from './buffers.ts'
import { EngineError } from './errors.ts'
import { KernelGroup, type EpochRows, type Member, type MemberResult, type SharedData } from './kernelGroup.ts'
import { kernelFor } from './kernelChoice.ts'
import { vec4s } from './layout.ts'
import type { KernelName } from './abi.ts'
import { columnBlocks, uploadRowBlocks, type RowBlockSource } from './upload.ts'
import { compilePipelines, isSoftware, type EnginePipelines, type PipelineOptions } from './pipelines.ts'

export interface GpuTrainerOptions extends PipelineOptions {
  /** optimizer steps per dispatch (default: sized so a dispatch stays in the milliseconds) */
  stepsPerDispatch?: number
  /** rows asked of the data source at a time while uploading (default upload.ts's SOURCE_BLOCK_ROWS) */
  blockRows?: number
}

/** One job on the GPU: its progress (shared with the CPU trainer) and its epochs in flight. */
class JobState extends JobProgress {
  /** epochs handed to the GPU */
  scheduled: number
  /** the epochs queued on the GPU and not read back yet: their first step and epoch index */
  readonly queued: { t0: number; epoch: number }[] = []
  /** optimizer steps taken once every queued epoch is done */
  private nextT0: number
  /** the epoch being queued: its order, then its row ids (writeBuffer copies them at once, so one array serves every epoch) */
  private rows = new Uint32Array(0)

  constructor(index: number, job: TrainJob, resume: Checkpoint | null) {
    super(index, job, resume)
    this.nextT0 = this.step
    this.scheduled = this.epoch
  }

  /** The next epoch's rows (row ids), or null when the job has nothing more to queue. */
  nextEpoch(): EpochRows | null {
    if (this.status !== null || this.scheduled >= this.job.epochs) return null
    const tr = this.job.trainRows
    if (this.rows.length < tr.length) this.rows = new Uint32Array(tr.length)
    // a seeded order is written into this.rows, then turned into row ids in place (each position is
    // read before it is written); an explicit order is the job's own array, read from
    const order = this.shuffler.next(this.rows)
    const rows = this.rows.subarray(0, order.length)
    // positions were checked up front (checkJob); seeded orders are permutations of trainRows
    for (let i = 0; i < order.length; i++) rows[i] = tr[order[i]]
    const t0 = this.nextT0
    this.nextT0 += Math.ceil(rows.length / this.job.batchSize)
    this.queued.push({ t0, epoch: this.scheduled })
    this.scheduled++
    return { rows, t0 }
  }
}

const allFinite = (a: Float32Array) => a.every(Number.isFinite)
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export class GpuTrainer implements Trainer {
  readonly kind = 'webgpu' as const
  readonly description: string
  /**
   * The adapter emulates a GPU on the CPU (SwiftShader or a fallback adapter). The kernels pick
   * their shape by it; src/engine/README.md has what each shape measures there.
   */
  readonly software: boolean
  private lost: GPUDeviceLostInfo | null = null
  private readonly lostPromise: Promise<GPUDeviceLostInfo>

  private constructor(
    readonly device: GPUDevice,
    adapter: string,
    readonly pipelines: EnginePipelines,
    private readonly opts: GpuTrainerOptions,
  ) {
    this.description = `WebGPU: ${adapter}`
    this.software = isSoftware(device)
    this.lostPromise = device.lost.then((info) => (this.lost = info))
  }

  /** Compile the pipelines (asynchronously: start it while the data loads) and make a trainer. */
  static async create(device: GPUDevice, adapter: string, opts: GpuTrainerOptions = {}): Promise<GpuTrainer> {
    return new GpuTrainer(device, adapter, await compilePipelines(device, opts), opts)
  }

  /** True once the device is gone; make a new device and trainer, then resume. */
  get isLost(): boolean {
    return this.lost !== null
  }

  /**
   * Train `jobs` together (see the Trainer contract). Runs on one trainer are serialised: a
   * second call starts when the first returns (cancel the first to start at once).
   */
  async train(data: TrainData, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    checkData(data)
    return this.trainBlocks(columnBlocks(data), jobs, opts)
  }

  /**
   * As train(), with the data handed out a block of rows at a time while they are uploaded (a
   * source that fetches each block keeps no copy of the whole table beside the GPU's).
   */
  trainBlocks(source: RowBlockSource, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    if (this.disposed) return Promise.reject(new EngineError('this GPU trainer was disposed'))
    const run = this.queue.then(() => this.run(source, jobs, opts))
    this.queue = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }
  private queue: Promise<void> = Promise.resolve()
  private disposed = false

  private async run(source: RowBlockSource, jobs: TrainJob[], opts: TrainOptions): Promise<TrainResult[]> {
    jobs.forEach((j) => checkJob(source, j))
    if (opts.resume && opts.resume.length !== jobs.length)
      throw new TrainInputError(`resume has ${opts.resume.length} checkpoints for ${jobs.length} jobs`)
    const states = jobs.map((job, j) => new JobState(j, job, opts.resume?.[j] ?? null))
    const signal = opts.signal

    const finish = (reason: 'cancelled' | 'device-lost' | null) => {
      for (const s of states) {
        if (s.status !== null) continue
        if (reason === 'device-lost') s.deviceLost(this.lost?.message || this.lost?.reason || 'no reason given')
        else s.cancel()
      }
      return states.map((s) => s.result())
    }
    if (this.lost) return finish('device-lost')
    if (signal?.aborted || states.every((s) => s.status !== null)) return finish('cancelled')

    const buffers = new BufferSet(this.device)
    this.device.pushErrorScope('out-of-memory')
    this.device.pushErrorScope('validation')
    let scopes = 2
    let onAbort: (() => void) | null = null
    const popScopes = async () => {
      for (; scopes > 0; scopes--) {
        const err = await this.device.popErrorScope()
        if (err && !this.lost) throw new EngineError(`the GPU rejected the training setup: ${err.message}`)
      }
    }
    try {
      const nFeatures = source.nFeatures
      const f4 = vec4s(nFeatures)
      const xBytes = source.rows * f4 * 16
      const maxBind = this.device.limits.maxStorageBufferBindingSize
      if (xBytes > maxBind)
        throw new EngineError(
          `the features of ${source.rows} rows need ${(xBytes / 2 ** 20).toFixed(0)} MiB on the GPU, more than it binds at once (${(maxBind / 2 ** 20).toFixed(0)} MiB)`,
        )
      // written a block at a time: no padded copy of the whole matrix is made on either side
      const aborted = signal
        ? new Promise<'cancelled'>((resolve) => {
            if (signal.aborted) resolve('cancelled')
            onAbort = () => resolve('cancelled')
            signal.addEventListener('abort', onAbort, { once: true })
          })
        : new Promise<'cancelled'>(() => {})
      const lost = this.lostPromise.then(() => 'device-lost' as const)
      // a cancel or a lost device stops the upload between blocks (a 10M-row one takes seconds)
      const stop = Promise.race([aborted, lost])
      const uploaded = await uploadRowBlocks(this.device, buffers, source, { f4, blockRows: this.opts.blockRows, stop })
      if (this.lost) return finish('device-lost')
      if (signal?.aborted) return finish('cancelled')
      const shared = { ...uploaded, f4, nFeatures }
      const groups = this.makeKernelGroups(buffers, states, shared)

      type Round = { slot: number; groups: KernelGroup[]; states: (JobState | null)[][] }
      const inflight: Round[] = []
      let roundNo = 0
      for (;;) {
        if (this.lost) return finish('device-lost')
        // Queue the next epoch of every job that has one (up to two rounds in flight).
        if (inflight.length < 2) {
          const round: Round = { slot: roundNo % 2, groups: [], states: [] }
          const enc = this.device.createCommandEncoder({ label: `epoch round ${roundNo}` })
          for (const g of groups) {
            const who = g.members.map((mb) => states[mb.index])
            const next = who.map((s) => s.nextEpoch())
            if (!g.setEpoch(next, f4)) continue
            g.encode(enc, round.slot)
            round.groups.push(g)
            round.states.push(who.map((s, i) => (next[i] ? s : null)))
          }
          if (round.groups.length > 0) {
            this.device.queue.submit([enc.finish()])
            if (roundNo === 0) await popScopes()
            inflight.push(round)
            roundNo++
            if (inflight.length < 2) continue
          }
        }
        const round = inflight.shift()
        if (!round) break
        const mapped = Promise.all(round.groups.map((g) => g.map(round.slot))).then(
          () => 'ok' as const,
          () => 'failed' as const, // a device loss or an abort rejects the mapping
        )
        const how = await Promise.race([mapped, aborted, lost])
        if (how === 'cancelled') return finish('cancelled')
        if (how === 'failed' && !this.lost) await Promise.race([lost, sleep(1000)])
        if (how !== 'ok' || this.lost) {
          if (this.lost) return finish('device-lost')
          throw new EngineError('reading the epoch results back from the GPU failed')
        }
        // Copy every group's results out before any callback runs (a callback may destroy the device).
        const results = round.groups.map((g) => g.read(round.slot))
        results.forEach((res, gi) =>
          res.forEach((r, i) => {
            const s = round.states[gi][i]
            if (r && s) this.endEpoch(s, r, opts)
          }),
        )
        if (signal?.aborted) return finish('cancelled')
      }
      return finish(null)
    } catch (e) {
      if (this.lost) return finish('device-lost')
      throw e
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort)
      buffers.destroy()
      while (scopes > 0) {
        scopes--
        this.device.popErrorScope().catch(() => {})
      }
    }
  }

  private makeKernelGroups(buffers: BufferSet, states: JobState[], shared: SharedData): KernelGroup[] {
    const byKind = new Map<KernelName, Member[]>()
    states.forEach((s, index) => {
      if (s.status !== null) return
      const job = s.job
      const kind = kernelFor(job.widths, this.pipelines)
      const capacity =
        job.order.kind === 'explicit' ? Math.max(1, ...job.order.epochs.map((e) => e.length)) : job.trainRows.length
      const params = s.last?.params ?? flattenParams(job.init)
      const n = params.length
      const list = byKind.get(kind) ?? []
      list.push({ index, job, capacity, params, m: s.last?.m ?? new Float32Array(n), v: s.last?.v ?? new Float32Array(n) })
      byKind.set(kind, list)
    })
    return [...byKind].map(([kind, members]) => {
      const pipes = kind === 'small' ? this.pipelines.small! : kind === 'tiled' ? this.pipelines.tiled! : this.pipelines.any
      return new KernelGroup(this.device, buffers, pipes, kind, members, shared, this.opts.stepsPerDispatch)
    })
  }

  /** Bookkeeping for one job's finished epoch: losses, divergence check, checkpoint, event. */
  private endEpoch(s: JobState, r: MemberResult, opts: TrainOptions): void {
    const q = s.queued.shift()!
    if (s.status !== null) return // stopped while this epoch was in flight
    const e = q.epoch + 1
    let sse = 0
    let rows = 0
    for (let i = 0; i < r.sse.length; i++) {
      const loss = r.sse[i] / r.stepRows[i]
      if (!Number.isFinite(loss)) return s.lossDiverged(e, q.t0 + i + 1, loss)
      sse += r.sse[i]
      rows += r.stepRows[i]
    }
    if (!allFinite(r.params) || !allFinite(r.m) || !allFinite(r.v)) return s.weightsDiverged(e)
    const valLoss = s.job.valRows.length > 0 ? r.valSse / s.job.valRows.length : NaN
    const ev = s.completeEpoch({ trainLoss: sse / rows, valLoss, step: q.t0 + r.sse.length, params: r.params, m: r.m, v: r.v })
    opts.onEpoch?.(ev)
  }

  /** Refuse further runs. The device belongs to whoever made it (requestGpu's caller): destroy it there. */
  dispose(): void {
    this.disposed = true
  }
}
