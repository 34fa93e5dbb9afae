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

/** The compiled module for `widths` at batch size `batch` (compiled once per thread). */
export function compiledKernel(widths: readonly number[], batch: number): Promise<CompiledKernel> {
  const key = `${widths.join(',')}|${batch}`
  let k = cache.get(key)
  if (!k) {
    const { layout, bytes } = kernelSource(widths, batch)
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
  private at = 64

  take(bytes: number): number {
    const o = this.at
    this.at += Math.ceil(Math.max(bytes, 1) / 16) * 16
    return o
  }

  get size(): number {
    return this.at
  }
}

/** A memory big enough for `bytes` (whole 64 KiB pages). */
export function memoryFor(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / 65536)
  if (pages > 65536) throw new RangeError(`the run needs ${(bytes / 2 ** 30).toFixed(1)} GiB of WebAssembly memory (at most 4 GiB)`)
  return new WebAssembly.Memory({ initial: pages })
}
