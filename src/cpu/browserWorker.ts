// The page's workers for the WebAssembly trainer: dedicated module Workers running src/cpu/worker.ts.
//   const t = browserWasmTrainer()   // one worker per logical core (navigator.hardwareConcurrency)
import type { FromWorker, WorkerPort } from './protocol.ts'
import { WasmTrainer } from './trainer.ts'

export function spawnBrowserWorker(): WorkerPort {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'cpu-trainer' })
  let onMessage: (m: FromWorker) => void = () => {}
  let onError: (e: Error) => void = () => {}
  w.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data)
  w.onerror = (e: ErrorEvent) => onError(new Error(e.message || 'the worker script failed to load'))
  return {
    post: (msg) => w.postMessage(msg),
    onMessage: (cb) => (onMessage = cb),
    onError: (cb) => (onError = cb),
    terminate: () => w.terminate(),
  }
}

/** The WebAssembly trainer on Web Workers: `workers` defaults to the logical cores the browser reports. */
export function browserWasmTrainer(opts: { workers?: number; sliceMs?: number } = {}): WasmTrainer {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2
  return new WasmTrainer({ workers: opts.workers ?? Math.max(1, cores), spawn: spawnBrowserWorker, sliceMs: opts.sliceMs })
}
