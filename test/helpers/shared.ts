// Paths to ../shared (fixtures, data, upstream models), which sits beside the repository.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const SHARED = process.env.VMAF_SHARED ?? resolve(REPO, '../shared')

if (!existsSync(SHARED)) throw new Error(`../shared not found at ${SHARED} (set VMAF_SHARED)`)

export const sharedPath = (...parts: string[]) => resolve(SHARED, ...parts)

export function readJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(sharedPath(...parts), 'utf8')) as T
}
