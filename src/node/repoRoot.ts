// The repository's root folder, found from this module's own folder by walking up to the
// package.json named vmaf-tiny-lab: the same answer whether this module runs from src/node
// (Vite's module runner, the tests) or from the command line's bundle in the build cache
// (scripts/nodeBundle.mjs), whose folder lies deeper.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const PACKAGE_NAME = 'vmaf-tiny-lab'

function isRepoRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json')
  if (!existsSync(pkg)) return false
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME
  } catch {
    return false
  }
}

/** The nearest folder at or above `from` holding vmaf-tiny-lab's package.json. */
export function repoRootFrom(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (isRepoRoot(dir)) return dir
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json at or above ${from}`)
  }
}

export const ROOT = repoRootFrom(import.meta.dirname)
