// Builds that always match the sources: each build folder is named after a fingerprint of every
// file that goes into it (paths, sizes, mtimes), so an edited source is rebuilt before its next
// use, and processes that run at the same time never build into, or delete, a folder another one
// serves (each builds into its own temporary folder and renames it into place). The folders live
// under node_modules/.cache/vmaf-tiny-lab/ (ignored, gone with `npm ci`).
// Plain JavaScript: the command line's launcher uses it before any TypeScript is loaded. Paths
// are taken relative to the `root` each caller passes (this file may itself run from a bundle).
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const KEEP = 2
const STALE_MS = 10 * 60_000

/** The cache folder under `root`. */
export const cacheDir = (root) => resolve(root, 'node_modules/.cache/vmaf-tiny-lab')

function walk(root, path, skip, out) {
  if (!existsSync(path) || skip.has(path)) return
  const st = statSync(path)
  if (!st.isDirectory()) {
    out.push(`${relative(root, path)}|${st.size}|${Math.round(st.mtimeMs)}`)
    return
  }
  for (const name of readdirSync(path).sort()) walk(root, join(path, name), skip, out)
}

/** sha256 (12 hex) over the files under `inputs` (relative to `root`), less those under `skip`. */
export function sourceFingerprint(root, inputs, skip = []) {
  const lines = []
  const skipped = new Set(skip.map((p) => resolve(root, p)))
  for (const p of inputs) walk(root, resolve(root, p), skipped, lines)
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12)
}

/**
 * The folder `<name>-<fingerprint>` under the cache, built now by `build(tmpFolder)` when it lacks
 * `marker` (a file the finished build holds). Older folders of the same name are pruned.
 */
export async function cachedBuild({ root, name, inputs, skip = [], marker, build, onStatus = () => {}, what = name }) {
  const cache = cacheDir(root)
  const outDir = resolve(cache, `${name}-${sourceFingerprint(root, inputs, skip)}`)
  if (existsSync(resolve(outDir, marker))) return outDir
  onStatus(`building ${what} (once per source change)…`)
  mkdirSync(cache, { recursive: true })
  const tmp = `${outDir}.tmp-${process.pid}`
  try {
    await build(tmp)
    try {
      renameSync(tmp, outDir)
    } catch (e) {
      // another process finished the same build first: use theirs
      if (!existsSync(resolve(outDir, marker))) throw e
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  prune(cache, name, outDir)
  return outDir
}

/** Drop old builds of `name` (keeping the newest few, and any touched in the last minutes: maybe in use). */
function prune(cache, name, current) {
  const now = Date.now()
  const dirs = readdirSync(cache)
    .filter((n) => n.startsWith(`${name}-`) && !n.includes('.tmp-'))
    .map((n) => resolve(cache, n))
    .filter((d) => d !== current)
    .map((d) => ({ d, t: statSync(d).mtimeMs }))
    .sort((a, b) => b.t - a.t)
  for (const { d, t } of dirs.slice(KEEP - 1)) if (now - t > STALE_MS) rmSync(d, { recursive: true, force: true })
}

/**
 * Runs `node <args>` in `root` (a build, in its own process so that its memory never stays in the
 * caller's); resolves when it exits with 0, else fails with "building <what> failed".
 */
export function buildInNode({ root, args, what, stdout = 'inherit' }) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', stdout, 'inherit'] })
    child.on('error', fail)
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`building ${what} failed (exit ${code}); see the messages above`))))
  })
}
