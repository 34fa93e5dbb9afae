// Float32 arrays that threads share instead of copying: views into one shared WebAssembly.Memory,
// which a WebAssembly trainer's workers import as their own memory (src/cpu). The loaded table
// keeps its columns in such a memory (src/data/featureTable.ts) and training reads them in place
// (src/model/sharedData.ts). Shared memory exists where SharedArrayBuffer does: in Node, and in a
// cross-origin-isolated page; elsewhere `sharedFloatArrays` returns null and callers keep
// ordinary arrays.

const PAGE = 65536
/** 4 GiB: the most a 32-bit WebAssembly memory can address (reserved, not committed) */
const MAX_PAGES = 65536
/** where the first array starts: address 0 is never data */
const BASE = 64

/** A shared memory as it travels to another thread (the memory itself, not a copy). */
export interface SharedBlock {
  /** names the memory across threads (each message brings a new wrapper of it) */
  id: string
  memory: WebAssembly.Memory
}

const owners = new WeakMap<ArrayBufferLike, SharedBlock>()
/** the wrapper this thread first got for each memory, so later messages find their views again */
const seen = new Map<string, WeakRef<WebAssembly.Memory>>()

/** Whether this context can share memory between threads. */
export function canShareMemory(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated
  return typeof SharedArrayBuffer !== 'undefined' && isolated !== false
}

const align16 = (n: number) => Math.ceil(n / 16) * 16

/** Byte offsets of float32 arrays of `lengths` laid out one after another (16-byte aligned), and the end. */
function layout(lengths: readonly number[]): { offsets: number[]; end: number } {
  let at = BASE
  const offsets = lengths.map((n) => {
    const o = at
    at = align16(at + 4 * n)
    return o
  })
  return { offsets, end: at }
}

/** New float32 arrays of `lengths` (zeroed), all in one new shared memory; null where memory cannot be shared or 4 GiB would not hold them. */
export function sharedFloatArrays(lengths: readonly number[]): Float32Array[] | null {
  if (!canShareMemory()) return null
  const { offsets, end } = layout(lengths)
  const pages = Math.ceil(end / PAGE)
  if (pages > MAX_PAGES) return null
  const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true })
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  const buffer = adoptMemory({ id, memory }).buffer
  return offsets.map((o, i) => new Float32Array(buffer, o, lengths[i]))
}

/** This thread's wrapper for a memory posted to it (the first it got for the id, while alive); its current buffer is registered. */
export function adoptMemory(b: SharedBlock): WebAssembly.Memory {
  let memory = seen.get(b.id)?.deref()
  if (!memory) {
    for (const [id, ref] of seen) if (!ref.deref()) seen.delete(id)
    seen.set(b.id, new WeakRef(b.memory))
    memory = b.memory
  }
  owners.set(memory.buffer, { id: b.id, memory })
  return memory
}

/** The shared memory `a` is a view of (one this module made or adopted in this thread), else null. */
export function sharedMemoryOf(a: ArrayBufferView): SharedBlock | null {
  return owners.get(a.buffer) ?? null
}

/**
 * `n` zeroed u32s on a SharedArrayBuffer where this context can share memory, else an ordinary
 * array: posting a shared one to a worker hands over the memory, not a copy (the split's row lists).
 */
export function shareableUint32(n: number): Uint32Array {
  return canShareMemory() ? new Uint32Array(new SharedArrayBuffer(4 * n)) : new Uint32Array(n)
}

const sharedCopies = new WeakMap<Uint32Array, Uint32Array>()

/** `a` itself when it is on a SharedArrayBuffer (or nothing can be shared here), else one shared copy of it per array. */
export function sharedUint32(a: Uint32Array): Uint32Array {
  // canShareMemory first: where SharedArrayBuffer does not exist, naming it would throw
  if (!canShareMemory() || a.buffer instanceof SharedArrayBuffer) return a
  let copy = sharedCopies.get(a)
  if (!copy) {
    copy = shareableUint32(a.length)
    copy.set(a)
    sharedCopies.set(a, copy)
  }
  return copy
}
