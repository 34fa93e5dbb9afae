// The Node-side entries as plain JavaScript: Vite bundles them (an SSR build: Node's built-ins and
// the npm packages stay imports) into a build-cache folder (scripts/buildCache.mjs), so that the
// command line, its WebAssembly trainer's worker threads and the scale benchmark's measured child
// run without Vite's module runner in their processes: Node 20 cannot strip types itself, and the
// runner's own memory (a transformer and a module graph in every process and every worker) would
// otherwise count against the data's memory.
//   const dir = await nodeBundle()        // built in a child process when the sources changed
//   await import(pathToFileURL(join(dir, 'cli.mjs')))
// The bundled worker is named cpuWorker.mjs, as src/node/cpuWorker.mjs is, so that the spawning
// code (src/node/cpuWorkers.ts: new URL('./cpuWorker.mjs', import.meta.url)) finds the right one
// from either place. Entries must import their modules statically (one bundle, no runner).
//   node scripts/nodeBundle.mjs --out DIR    builds into DIR (what nodeBundle runs)
import { fileURLToPath } from 'node:url'
import { buildInNode, cachedBuild } from './buildCache.mjs'
import { ROOT } from './setup.mjs'

export const ENTRIES = {
  cli: 'cli/main.ts',
  cpuWorker: 'src/node/cpuWorkerMain.ts',
  scaleRun: 'bench/scaleRun.ts',
}
const INPUTS = ['src', 'cli', 'shaders', 'bench/scaleRun.ts', 'scripts/nodeBundle.mjs', 'scripts/buildCache.mjs', 'package-lock.json']
// the app's own code never goes into the Node bundle
const SKIP = ['src/ui', 'src/app']
const SELF = fileURLToPath(import.meta.url)

/** Builds the bundle into `outDir` with Vite (in this process). */
async function buildInto(outDir) {
  const { build } = await import('vite')
  await build({
    root: ROOT,
    configFile: false,
    publicDir: false,
    logLevel: 'error',
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      reportCompressedSize: false,
      rolldownOptions: {
        input: ENTRIES,
        output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
      },
    },
  })
}

/** Runs `node scripts/nodeBundle.mjs --out DIR` and resolves when it built. */
const buildInChild = (outDir) => buildInNode({ root: ROOT, args: [SELF, '--out', outDir], what: 'the Node bundle' })

/** The folder holding the bundled entries (cli.mjs, cpuWorker.mjs, scaleRun.mjs) for the current sources. */
export function nodeBundle(onStatus = () => {}) {
  return cachedBuild({ root: ROOT, name: 'node', what: 'the command line', inputs: INPUTS, skip: SKIP, marker: 'cli.mjs', onStatus, build: buildInChild })
}

if (process.argv[1] === SELF && process.argv[2] === '--out' && process.argv[3]) await buildInto(process.argv[3])
