// Training data that threads share instead of copying: feature columns and targets that live in
// one shared WebAssembly.Memory (src/base/sharedMemory.ts), which every WebAssembly trainer
// worker imports as its own memory (each grows it by the room its jobs need, src/cpu/runner.ts).
// A table loaded into shared memory (src/data/featureTable.ts) gives its columns as they are;
// other data are copied into a new shared memory once. Where memory cannot be shared the data
// stay ordinary arrays, copied to each worker.
import { adoptMemory, sharedFloatArrays, sharedMemoryOf, type SharedBlock } from '../base/sharedMemory.ts'
import type { TrainData } from './contract.ts'

/** A shared memory's data, as posted to a worker (the memory itself travels, not a copy). */
export interface SharedTrainData extends SharedBlock {
  /** byte offsets of each feature column and of the targets inside the memory */
  columns: number[]
  y: number
  rows: number
}

/** The views over a shared memory's data, in the thread that received it. */
function attachSharedData(s: SharedTrainData): TrainData {
  const buffer = adoptMemory(s).buffer
  return { columns: s.columns.map((o) => new Float32Array(buffer, o, s.rows)), y: new Float32Array(buffer, s.y, s.rows) }
}

/** Where `data` lives when every column and the targets are in one shared memory; else null. */
export function sharedDataOf(data: TrainData): SharedTrainData | null {
  const owner = sharedMemoryOf(data.y)
  if (!owner || data.columns.some((c) => sharedMemoryOf(c)?.memory !== owner.memory)) return null
  return { id: owner.id, memory: owner.memory, columns: data.columns.map((c) => c.byteOffset), y: data.y.byteOffset, rows: data.y.length }
}

/** A copy of `data` in a new shared memory (null where memory cannot be shared). */
export function sharedCopy(data: TrainData): TrainData | null {
  const arrays = sharedFloatArrays([...data.columns.map((c) => c.length), data.y.length])
  if (!arrays) return null
  data.columns.forEach((c, f) => arrays[f].set(c))
  arrays[data.columns.length].set(data.y)
  return { columns: arrays.slice(0, data.columns.length), y: arrays[data.columns.length] }
}

/** A thread's view of data posted to it: a shared memory's, attached here, or arrays of its own. */
export function receivedTrainData(d: SharedTrainData | TrainData): TrainData {
  return 'memory' in d ? attachSharedData(d) : d
}
