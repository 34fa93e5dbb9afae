// A build of the page API page for the command line that always matches the sources
// (scripts/buildCache.mjs: a folder named after a fingerprint of its inputs, built once per
// source change, safe to share between processes), away from the app's dist/. Vite builds it in a
// child process, so a first run's build leaves none of its memory in the command's own process.
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { buildInNode, cachedBuild } from '../../scripts/buildCache.mjs'
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
    build: buildInChild,
  })
}

/** `vite build --outDir <outDir>` (the repository's vite.config.ts) in a child process. */
function buildInChild(outDir: string): Promise<void> {
  const vite = resolve(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js')
  return buildInNode({ root: ROOT, args: [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], what: 'the page API page', stdout: 'ignore' })
}
