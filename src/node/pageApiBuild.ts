// A build of the page API page for the command line that always matches the sources: the build
// folder is named after a fingerprint of every file that goes into it (paths, sizes, mtimes), so
// an edited engine is rebuilt before the CLI uses it, and processes that run at the same time
// never build into, or delete, a folder another one serves. It lives under
// node_modules/.cache/vmaf-tiny-lab/ (ignored, gone with `npm ci`), away from the app's dist/.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { build } from 'vite'
import { ROOT } from './browser.ts'

export const CACHE_DIR = resolve(ROOT, 'node_modules/.cache/vmaf-tiny-lab')
const INPUTS = ['src', 'workers', 'shaders', 'pageApi.html', 'index.html', 'vite.config.ts', 'svelte.config.js', 'package-lock.json']
const KEEP = 2
const STALE_MS = 10 * 60_000

// Node-side code never goes into the page
const SKIP = new Set([resolve(ROOT, 'src/node')])

function walk(path: string, out: string[]): void {
  if (!existsSync(path) || SKIP.has(path)) return
  const st = statSync(path)
  if (!st.isDirectory()) {
    out.push(`${relative(ROOT, path)}|${st.size}|${Math.round(st.mtimeMs)}`)
    return
  }
  for (const name of readdirSync(path).sort()) walk(join(path, name), out)
}

/** sha256 (12 hex) over what the page API build is made of. */
export function sourceFingerprint(): string {
  const lines: string[] = []
  for (const p of INPUTS) walk(resolve(ROOT, p), lines)
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12)
}

/** The page API build for the current sources: built now (seconds) when missing. */
export async function pageApiBuild(onStatus: (msg: string) => void = () => {}): Promise<string> {
  const outDir = resolve(CACHE_DIR, `pageApi-${sourceFingerprint()}`)
  if (existsSync(resolve(outDir, 'pageApi.html'))) return outDir
  onStatus('building the page API page (once per source change)…')
  const tmp = `${outDir}.tmp-${process.pid}`
  try {
    await build({ root: ROOT, logLevel: 'error', build: { outDir: tmp, emptyOutDir: true, reportCompressedSize: false } })
    try {
      renameSync(tmp, outDir)
    } catch (e) {
      // another process finished the same build first: use theirs
      if (!existsSync(resolve(outDir, 'pageApi.html'))) throw e
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  prune(outDir)
  return outDir
}

/** Drop old builds (keeping the newest few, and any touched in the last minutes: maybe in use). */
function prune(current: string): void {
  const now = Date.now()
  const dirs = readdirSync(CACHE_DIR)
    .filter((n) => n.startsWith('pageApi-'))
    .map((n) => resolve(CACHE_DIR, n))
    .filter((d) => d !== current)
    .map((d) => ({ d, t: statSync(d).mtimeMs }))
    .sort((a, b) => b.t - a.t)
  for (const { d, t } of dirs.slice(KEEP - 1)) if (now - t > STALE_MS) rmSync(d, { recursive: true, force: true })
}
