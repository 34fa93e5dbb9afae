// A worker_threads entry for the WebAssembly trainer's workers in Node: loads src/cpu/worker.ts
// through Vite's module runner (Node 20 cannot strip types) and serves runs on parentPort.
import { fileURLToPath } from 'node:url'
import { parentPort } from 'node:worker_threads'
import { runnerImport } from 'vite'

const root = fileURLToPath(new URL('../../', import.meta.url))
const entry = fileURLToPath(new URL('../cpu/worker.ts', import.meta.url))
const { module } = await runnerImport(entry, { root, configFile: false, logLevel: 'silent' })
module.serveRuns(
  (msg) => parentPort.postMessage(msg),
  (cb) => parentPort.on('message', cb),
)
