// A build of the page API page for the command line that always matches the sources
// (scripts/buildCache.mjs: a folder named after a fingerprint of its inputs, built once per
// source change, safe to share between processes), away from the app's dist/.
import { cachedBuild } from '../../scripts/buildCache.mjs'
import { vite } from './onDemand.ts'
import { ROOT } from './repoRoot.ts'

const INPUTS = ['src', 'workers', 'shaders', 'pageApi.html', 'index.html', 'vite.config.ts', 'svelte.config.js', 'package-lock.json']
// Node-side code never goes into the page
const SKIP = ['src/node']

/** The page API build for the current sources: built now (seconds) when missing. */
export function pageApiBuild(onStatus: (msg: string) => void = () => {}): Promise<string> {
  return cachedBuild({
    root: ROOT,
    name: 'pageApi',
    what: 'the page API page',
    inputs: INPUTS,
    skip: SKIP,
    marker: 'pageApi.html',
    onStatus,
    build: async (tmp) => {
      await vite().build({ root: ROOT, logLevel: 'error', build: { outDir: tmp, emptyOutDir: true, reportCompressedSize: false } })
    },
  })
}
