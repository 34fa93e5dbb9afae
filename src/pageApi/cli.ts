// window.lab functions behind the Node-side ChromiumTrainer (src/node/chromiumTrainer.ts): the
// command line's GPU work runs here, in the same engine the app uses (gpuTrainer, src/engine/start.ts).
// The jobs arrive as a JSON header and binary pieces of bounded size (fetched from URLs that Node
// answers through page.route, see transfer.ts); the training rows are fetched a block at a time
// while the engine uploads them (rowBlocks.ts), so the page never holds the whole table. Every epoch
// event goes back through the function Node exposed as window.__cliEpoch; the results return
// encoded (typed arrays as base64).
import { enginePeakBytes, gpuTrainer, type GpuTrainer } from '../engine/index.ts'
import type { Checkpoint, EpochEvent, TrainJob } from '../model/contract.ts'
import { FetchedRowBlocks } from './rowBlocks.ts'
import { encodeValue, fetchOk, joinPieces, type PiecesHeader } from './transfer.ts'

let trainer: Promise<GpuTrainer> | null = null
const controllers = new Map<number, AbortController>()

type EpochSink = (run: number, event: unknown) => Promise<void>

/** Request the GPU and compile the engine's pipelines; the adapter, or why there is none. */
export async function cliGpuOpen(): Promise<{ ok: true; description: string } | { ok: false; reason: string }> {
  trainer ??= gpuTrainer().then((g) => {
    if ('reason' in g) throw new Error(g.reason)
    return g.trainer
  })
  try {
    return { ok: true, description: (await trainer).description }
  } catch (e) {
    trainer = null
    return { ok: false, reason: (e as Error).message }
  }
}

export interface CliTrainPayload {
  /** the training data's size; its rows are fetched at <url>/column/… (rowBlocks.ts) */
  rows: { rows: number; nFeatures: number; pieceBytes: number }
  jobs: TrainJob[]
  resume: (Checkpoint | null)[] | null
  /** 'final': events carry the weights only at each job's last epoch and never Adam's moments */
  checkpoints: 'final' | 'all'
}

const EMPTY = new Float32Array(0)

/** The payload Node split at `url`: its header, then its pieces streamed into preallocated arrays. */
async function fetchPayload<T>(url: string): Promise<T> {
  const header = (await (await fetchOk(`${url}/header`, 'training payload')).json()) as PiecesHeader
  return joinPieces<T>(header, async (i) => {
    const res = await fetchOk(`${url}/${i}`, 'training payload')
    return res.body ?? res.arrayBuffer()
  })
}

/** Train run `run` (payload at `url`); resolves with the encoded TrainResult[] once every event was delivered. */
export async function cliTrain(run: number, url: string): Promise<unknown> {
  if (!trainer) throw new Error('the GPU trainer is not open (call cliGpuOpen first)')
  const t = await trainer
  const p = await fetchPayload<CliTrainPayload>(url)
  const sink = (window as unknown as { __cliEpoch: EpochSink }).__cliEpoch
  const delivered: Promise<void>[] = []
  const ctl = new AbortController()
  controllers.set(run, ctl)
  try {
    const results = await t.trainBlocks(new FetchedRowBlocks({ url, ...p.rows }), p.jobs, {
      signal: ctl.signal,
      resume: p.resume ?? undefined,
      onEpoch: (ev: EpochEvent) => {
        const last = ev.epoch === p.jobs[ev.job].epochs
        const cp = ev.checkpoint
        const slim: EpochEvent =
          p.checkpoints === 'all'
            ? ev
            : { ...ev, checkpoint: { epoch: cp.epoch, step: cp.step, params: last ? cp.params : EMPTY, m: EMPTY, v: EMPTY } }
        delivered.push(sink(run, encodeValue(slim)))
      },
    })
    await Promise.all(delivered)
    return encodeValue(results)
  } finally {
    controllers.delete(run)
  }
}

/** The most bytes the engine's GPU buffers held at once so far. */
export function cliGpuPeakBytes(): number {
  return enginePeakBytes()
}

export function cliCancel(run: number): void {
  controllers.get(run)?.abort()
}
