// The worker_threads side of Node's WebAssembly trainer workers: serves runs (src/cpu/worker.ts)
// on parentPort. Loaded as the bundled cpuWorker.mjs beside the bundled command line
// (scripts/nodeBundle.mjs), or through Vite's module runner by src/node/cpuWorker.mjs.
import { parentPort } from 'node:worker_threads'
import { serveRuns } from '../cpu/worker.ts'

if (!parentPort) throw new Error('cpuWorker: not started as a worker thread')
const port = parentPort
serveRuns(
  (msg) => port.postMessage(msg),
  (cb) => port.on('message', cb),
)
