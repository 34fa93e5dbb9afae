// Training data that threads share instead of copying: the features and targets written once
// into a shared WebAssembly.Memory, which every WebAssembly trainer worker imports as its own
// memory (each grows it by the room its jobs need, src/cpu/runner.ts). Shared memory exists
// where SharedArrayBuffer does: in Node, and in a cross-origin-isolated page; elsewhere
// `sharedTrainData` returns null and the data stay ordinary arrays, copied to each worker.
import type { TrainData } from './contract.ts'

const PAGE = 65536
/** 4 GiB: the most a 32-bit WebAssembly memory can address (reserved, not committed) */
const MAX_PAGES = 65536
/** where the features start: address 0 is never a row */
const DATA_BASE = 64

/** A shared memory's data, as posted to a worker (the memory itself travels, not a copy). */
export interface SharedTrainData {
  /** names the memory across threads (each message brings a new wrapper of it) */
  id: string
  memory: WebAssembly.Memory
  /** byte offsets of the features and the targets inside the memory */
  x: number
  y: number
  rows: number
  nFeatures: number
}

const owners = new WeakMap<ArrayBufferLike, { id: string; memory: WebAssembly.Memory }>()
/** the wrapper this thread first got for each memory, so its later runs find their regions again */
const seen = new Map<string, WeakRef<WebAssembly.Memory>>()

/** Whether this context can share memory between threads. */
export function canShareMemory(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated
  return typeof SharedArrayBuffer !== 'undefined' && isolated !== false
}

const align16 = (n: number) => Math.ceil(n / 16) * 16

/** Room for `rows` × `nFeatures` features and `rows` targets in a new shared memory; null where memory cannot be shared. */
export function sharedTrainData(rows: number, nFeatures: number): TrainData | null {
  if (!canShareMemory()) return null
  const yAt = align16(DATA_BASE + 4 * rows * nFeatures)
  const bytes = yAt + 4 * rows
  const pages = Math.ceil(bytes / PAGE)
  if (pages > MAX_PAGES) return null
  const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true })
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  return attachSharedData({ id, memory, x: DATA_BASE, y: yAt, rows, nFeatures })
}

/** The memory wrapper this thread uses for `s` (the first it got, while alive). */
function knownMemory(s: SharedTrainData): WebAssembly.Memory {
  const known = seen.get(s.id)?.deref()
  if (known) return known
  for (const [id, ref] of seen) if (!ref.deref()) seen.delete(id)
  seen.set(s.id, new WeakRef(s.memory))
  return s.memory
}

/** The views over a shared memory's data (in the thread that received it), registered for `sharedDataOf`. */
export function attachSharedData(s: SharedTrainData): TrainData {
  const memory = knownMemory(s)
  const buffer = memory.buffer
  owners.set(buffer, { id: s.id, memory })
  return { x: new Float32Array(buffer, s.x, s.rows * s.nFeatures), y: new Float32Array(buffer, s.y, s.rows), nFeatures: s.nFeatures }
}

/** Where `data` lives when it is a shared memory's (both arrays in one memory); else null. */
export function sharedDataOf(data: TrainData): SharedTrainData | null {
  const owner = owners.get(data.x.buffer)
  if (!owner || data.y.buffer !== data.x.buffer) return null
  return { ...owner, x: data.x.byteOffset, y: data.y.byteOffset, rows: data.y.length, nFeatures: data.nFeatures }
}

/** A thread's view of data posted to it: a shared memory's, attached here, or arrays of its own. */
export function receivedTrainData(d: SharedTrainData | TrainData): TrainData {
  return 'memory' in d ? attachSharedData(d) : d
}
