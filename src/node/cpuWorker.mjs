// The worker_threads entry for the WebAssembly trainer's workers when the spawning code runs
// from the sources (the tests, scripts/run-ts.mjs): loads src/node/cpuWorkerMain.ts through Vite's
// module runner (Node 20 cannot strip types). The command line runs from its bundle
// (scripts/nodeBundle.mjs), which holds its own cpuWorker.mjs with no runner.
import { fileURLToPath } from 'node:url'
import { runnerImport } from 'vite'

const root = fileURLToPath(new URL('../../', import.meta.url))
const entry = fileURLToPath(new URL('./cpuWorkerMain.ts', import.meta.url))
await runnerImport(entry, { root, configFile: false, logLevel: 'silent' })
