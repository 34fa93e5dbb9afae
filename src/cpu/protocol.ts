// Messages between the WebAssembly trainer and its workers (Web Workers in the page,
// worker_threads in Node), and the one interface both kinds of worker are wrapped in.
import type { Checkpoint, EpochEvent, TrainData, TrainJob, TrainResult } from '../model/contract.ts'
import type { SharedTrainData } from '../model/sharedData.ts'

export type ToWorker =
  /** data: the shared memory they live in (no copy), or arrays of the worker's own */
  | { type: 'run'; run: number; data: SharedTrainData | TrainData; jobs: TrainJob[]; resume: (Checkpoint | null)[] | null; sliceMs: number }
  | { type: 'abort'; run: number }

export type FromWorker =
  | { type: 'epoch'; run: number; ev: EpochEvent }
  | { type: 'done'; run: number; results: TrainResult[] }
  | { type: 'error'; run: number; name: string; message: string }

/** A worker as the trainer sees it, whatever the platform. */
export interface WorkerPort {
  post(msg: ToWorker): void
  /** sets the one message handler (a later call replaces it) */
  onMessage(cb: (msg: FromWorker) => void): void
  /** sets the one handler for the worker itself failing (script error, crash) */
  onError(cb: (e: Error) => void): void
  terminate(): void
}

/** Starts one worker running src/cpu/worker.ts's `serveRuns`. */
export type SpawnWorker = () => WorkerPort
