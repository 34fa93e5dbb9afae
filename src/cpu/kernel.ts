// Compiled kernels, one per (architecture, batch size), cached per thread; and the bump allocator
// that lays a run's data and jobs out in one WebAssembly memory.
import { kernelSource } from './kernelSource.ts'
import type { JobLayout } from './layout.ts'

export interface KernelExports {
  train(job: number, rows: number, order: number, pos: number, steps: number, end: number, consts: number, losses: number): number
  validate(job: number, rows: number, n: number): number
}

export interface CompiledKernel {
  layout: JobLayout
  module: WebAssembly.Module
}

const cache = new Map<string, Promise<CompiledKernel>>()

// Synchronous compilation everywhere but a page's main thread (which refuses modules over 4 KB):
// in Node, WebAssembly.compile's promise was seen to stay pending on a loaded machine.
const mainThread = typeof (globalThis as { document?: unknown }).document !== 'undefined'

/** The compiled module for `widths` at batch size `batch`, importing a shared memory or not (compiled once per thread). */
export function compiledKernel(widths: readonly number[], batch: number, shared = false): Promise<CompiledKernel> {
  const key = `${widths.join(',')}|${batch}|${shared ? 'shared' : 'own'}`
  let k = cache.get(key)
  if (!k) {
    const { layout, bytes } = kernelSource(widths, batch, { shared })
    const b = bytes as Uint8Array<ArrayBuffer>
    const module = mainThread ? WebAssembly.compile(b) : Promise.resolve(new WebAssembly.Module(b))
    k = module.then((m) => ({ layout, module: m }))
    cache.set(key, k)
  }
  return k
}

export async function instantiate(k: CompiledKernel, memory: WebAssembly.Memory): Promise<KernelExports> {
  const imports = { env: { memory } }
  const inst = mainThread ? await WebAssembly.instantiate(k.module, imports) : new WebAssembly.Instance(k.module, imports)
  return inst.exports as unknown as KernelExports
}

/** Byte ranges handed out in order, 16-byte aligned; address 0 is never handed out. */
export class Arena {
  private at: number

  /** hands out from `start` on (16-byte aligned) */
  constructor(start = 64) {
    this.at = start
  }

  take(bytes: number): number {
    const o = this.at
    this.at += Math.ceil(Math.max(bytes, 1) / 16) * 16
    return o
  }

  /** the end of what was handed out */
  get size(): number {
    return this.at
  }
}

/** A stretch of a shared memory that one run in this thread holds until it ends. */
export interface Region {
  start: number
  bytes: number
}

const freeRegions = new WeakMap<WebAssembly.Memory, Region[]>()

/**
 * Room for a run's jobs in a shared memory: a region this thread grew the memory by and got
 * back from an earlier run (the smallest that fits), else a new one (grow is atomic, so threads
 * growing one memory at once each get their own). Give it back with `releaseRegion`.
 */
export function leaseRegion(memory: WebAssembly.Memory, bytes: number): Region {
  const free = freeRegions.get(memory) ?? []
  freeRegions.set(memory, free)
  let best = -1
  free.forEach((r, i) => {
    if (r.bytes >= bytes && (best < 0 || r.bytes < free[best].bytes)) best = i
  })
  if (best >= 0) return free.splice(best, 1)[0]
  const pages = Math.ceil(bytes / 65536)
  let old: number
  try {
    old = memory.grow(pages)
  } catch {
    throw new RangeError(`the run's jobs need ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory beside the data, past its 4 GiB`)
  }
  return { start: old * 65536, bytes: pages * 65536 }
}

export function releaseRegion(memory: WebAssembly.Memory, region: Region): void {
  freeRegions.get(memory)?.push(region)
}

/** A memory big enough for `bytes` (whole 64 KiB pages). */
export function memoryFor(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / 65536)
  if (pages > 65536) throw new RangeError(`the run needs ${(bytes / 2 ** 30).toFixed(1)} GiB of WebAssembly memory (at most 4 GiB)`)
  return new WebAssembly.Memory({ initial: pages })
}
