// window.lab functions for the WGSL engine, called through Playwright by e2e/engine.spec.ts,
// bench/train.ts and the CLI. Typed arrays cross page.evaluate as they are (Playwright serialises
// them). One device + trainer lives in the page between calls; a lost device is replaced.
import { CpuTrainer } from '../model/trainCpu.ts'
import type { Checkpoint, EpochEvent, TrainData, TrainJob, TrainOptions, TrainResult } from '../model/contract.ts'
import type { ModelParams } from '../model/params.ts'
import type { Scaler } from '../model/scaler.ts'
import { columnBlocks, engineMemory, gpuPredict, GpuTrainer, kernelFor, requestGpu, type GpuTrainerOptions, type RowBlockSource } from '../engine/index.ts'

interface Session {
  device: GPUDevice
  adapter: string
  trainer: GpuTrainer
  key: string
}

let session: Session | null = null

async function ensure(options: GpuTrainerOptions = {}): Promise<Session> {
  const key = JSON.stringify(options)
  if (session && !session.trainer.isLost && session.key === key) return session
  let device = session && !session.trainer.isLost ? session.device : null
  let adapter = session?.adapter ?? ''
  if (!device) {
    const got = await requestGpu()
    if (!got.ok) throw new Error(got.reason)
    device = got.device
    adapter = got.adapter
  }
  session = { device, adapter, trainer: await GpuTrainer.create(device, adapter, options), key }
  return session
}

/** The adapter and how the engine set itself up on it (or why there is no GPU). */
export async function engineInfo(options: GpuTrainerOptions = {}) {
  let s: Session
  try {
    s = await ensure(options)
  } catch (e) {
    return { ok: false as const, reason: (e as Error).message }
  }
  const info = (s.device as GPUDevice & { adapterInfo?: GPUAdapterInfo & { subgroupMinSize?: number } }).adapterInfo
  return {
    ok: true as const,
    adapter: s.adapter,
    subgroupMinSize: info?.subgroupMinSize ?? null,
    smallWorkgroup: s.trainer.pipelines.small?.wg ?? null,
    anyWorkgroup: s.trainer.pipelines.any.wg,
    tiledWorkgroup: s.trainer.pipelines.tiled?.wg ?? null,
    tiledWorkgroupVec4: s.trainer.pipelines.tiled?.wgmVec4 ?? null,
    software: s.trainer.software,
    maxComputeWorkgroupStorageSize: s.device.limits.maxComputeWorkgroupStorageSize,
    hardwareConcurrency: navigator.hardwareConcurrency,
  }
}

export interface EngineTrainRequest {
  data: TrainData
  jobs: TrainJob[]
  options?: GpuTrainerOptions
  resume?: (Checkpoint | null)[]
  /** abort the run once any job reports this epoch */
  cancelAfterEpoch?: number
  /** destroy the device once any job reports this epoch (a simulated device loss) */
  loseDeviceAfterEpoch?: number
  /** abort the run when the upload asks for this many blocks of rows (GPU only; with options.blockRows) */
  cancelAfterBlocks?: number
  /** keep every epoch's checkpoint in the reply (default true) */
  checkpoints?: boolean
  /** train with the CPU reference instead (same reply), for comparisons and the benchmark */
  cpu?: boolean
}

export interface EngineTrainReply {
  results: TrainResult[]
  events: EpochEvent[]
  /** train() call to its return */
  wallMs: number
  /** train() call ("data ready") to the first epoch event */
  firstEpochMs: number
  /** abort() to train() returning, when cancelAfterEpoch fired */
  cancelMs: number | null
  /** blocks of rows the upload asked for (GPU), or null when not counted (no cancelAfterBlocks) */
  blocksAsked: number | null
  kernels: string[]
  adapter: string
  memoryAfter: { buffers: number; bytes: number }
}

export async function engineTrain(req: EngineTrainRequest): Promise<EngineTrainReply> {
  const s = req.cpu ? null : await ensure(req.options)
  const trainer = s ? s.trainer : new CpuTrainer()
  const events: EpochEvent[] = []
  const ctl = new AbortController()
  let abortedAt = 0
  let first = 0
  const t0 = performance.now()
  let blocksAsked = 0
  const opts: TrainOptions = {
    resume: req.resume,
    signal: ctl.signal,
    onEpoch: (ev) => {
      if (first === 0) first = performance.now()
      events.push(req.checkpoints === false ? { ...ev, checkpoint: { ...ev.checkpoint, params: new Float32Array(0), m: new Float32Array(0), v: new Float32Array(0) } } : ev)
      if (req.cancelAfterEpoch !== undefined && ev.epoch >= req.cancelAfterEpoch && !ctl.signal.aborted) {
        abortedAt = performance.now()
        ctl.abort()
      }
      if (req.loseDeviceAfterEpoch !== undefined && ev.epoch === req.loseDeviceAfterEpoch && s) s.device.destroy()
    },
  }
  let results: TrainResult[]
  if (s && req.cancelAfterBlocks !== undefined) {
    // the data's own columns, counting the blocks the upload asks for and cancelling at cancelAfterBlocks
    const inner = columnBlocks(req.data)
    const counted: RowBlockSource = {
      rows: inner.rows,
      nFeatures: inner.nFeatures,
      block: (first, count) => {
        if (++blocksAsked === req.cancelAfterBlocks) ctl.abort()
        return inner.block(first, count)
      },
    }
    results = await s.trainer.trainBlocks(counted, req.jobs, opts)
  } else results = await trainer.train(req.data, req.jobs, opts)
  const end = performance.now()
  return {
    results,
    events,
    wallMs: end - t0,
    firstEpochMs: first > 0 ? first - t0 : NaN,
    cancelMs: abortedAt > 0 ? end - abortedAt : null,
    blocksAsked: req.cancelAfterBlocks !== undefined ? blocksAsked : null,
    kernels: s ? req.jobs.map((j) => kernelFor(j.widths, s.trainer.pipelines)) : req.jobs.map(() => 'cpu'),
    adapter: s ? s.adapter : trainer.description,
    memoryAfter: engineMemory(),
  }
}

export async function enginePredict(params: ModelParams, scaler: Scaler | null, x: Float32Array, nFeatures: number): Promise<Float32Array> {
  const s = await ensure()
  return gpuPredict(s.device, params, scaler, x, nFeatures, s.trainer.pipelines)
}

export function engineLiveMemory() {
  return engineMemory()
}
