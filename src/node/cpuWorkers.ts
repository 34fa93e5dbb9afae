// Node's workers for the WebAssembly trainer (src/cpu): worker_threads running src/node/cpuWorker.mjs.
//   const t = nodeWasmTrainer()            // one worker per core
//   const t = nodeWasmTrainer({ workers: 4 })
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { FromWorker, WorkerPort } from '../cpu/protocol.ts'
import { WasmTrainer } from '../cpu/trainer.ts'

export function spawnNodeWorker(): WorkerPort {
  const w = new Worker(new URL('./cpuWorker.mjs', import.meta.url))
  let onMessage: (m: FromWorker) => void = () => {}
  let onError: (e: Error) => void = () => {}
  // keeps the process alive while the worker has a run, not while it idles in the pool
  w.on('message', (m: FromWorker) => {
    if (m.type !== 'epoch') w.unref()
    onMessage(m)
  })
  w.on('error', (e: Error) => onError(e))
  w.on('exit', (code) => {
    if (code !== 0) onError(new Error(`worker exited with code ${code}`))
  })
  w.unref()
  return {
    post: (msg) => {
      if (msg.type === 'run') w.ref()
      w.postMessage(msg)
    },
    onMessage: (cb) => (onMessage = cb),
    onError: (cb) => (onError = cb),
    terminate: () => void w.terminate(),
  }
}

/** The WebAssembly trainer with worker_threads: `workers` defaults to the machine's cores. */
export function nodeWasmTrainer(opts: { workers?: number; sliceMs?: number } = {}): WasmTrainer {
  return new WasmTrainer({ workers: opts.workers ?? availableParallelism(), spawn: spawnNodeWorker, sliceMs: opts.sliceMs })
}
