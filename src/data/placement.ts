// Where the reader decodes a batch's feature and target values: straight into the table's own
// columns, at the row the table will append them, instead of into chunk buffers that are handed
// over and copied. The table says where (FeatureTable.placement), in its reply to the plan, to
// each file's start and to each chunk; the reader writes there only while the batch fits, and
// the chunk then names the columns it placed instead of carrying them.
//
// In the same thread the placement holds the table's arrays themselves. For the data worker it
// crosses as the shared memory the columns live in (src/base/sharedMemory.ts), which exists where
// the page is cross-origin isolated; elsewhere there is no placement and chunks carry their values.
import { adoptMemory, sharedMemoryOf, type SharedBlock } from '../base/sharedMemory.ts'

export interface Placement {
  /** the table row the next chunk's first row lands on */
  at: number
  /** rows each column holds (the table's capacity) */
  capacity: number
  /** changes whenever the table moves its columns: a chunk placed under another epoch is refused */
  epoch: number
  /** the table's feature and target columns by name, each `capacity` rows long */
  columns: ReadonlyMap<string, Float32Array>
}

/** What a chunk says about the values it placed (its `values` lack those columns). */
export interface PlacedRows {
  /** the table row its first row was written at */
  at: number
  epoch: number
  columns: string[]
}

/** A Placement as it crosses to another thread: the shared memory and where each column starts in it. */
export interface PlacementWire {
  at: number
  capacity: number
  epoch: number
  block: SharedBlock
  /** [column, byte offset in the memory] */
  columns: [string, number][]
}

/** `p` for another thread; null when its columns are not all in one shared memory. */
export function placementToWire(p: Placement): PlacementWire | null {
  let block: SharedBlock | null = null
  const columns: [string, number][] = []
  for (const [name, col] of p.columns) {
    const b = sharedMemoryOf(col)
    if (!b || (block && b.id !== block.id)) return null
    block = b
    columns.push([name, col.byteOffset])
  }
  return block ? { at: p.at, capacity: p.capacity, epoch: p.epoch, block, columns } : null
}

/** The placement a PlacementWire describes, as views of this thread's wrapper of the memory. */
export function placementFromWire(w: PlacementWire): Placement {
  const buffer = adoptMemory(w.block).buffer
  const columns = new Map(w.columns.map(([name, offset]) => [name, new Float32Array(buffer, offset, w.capacity)]))
  return { at: w.at, capacity: w.capacity, epoch: w.epoch, columns }
}

/** Whether a batch of `rows` rows fits the placement from its row on. */
export function fits(p: Placement | null, rows: number): p is Placement {
  return p !== null && p.at + rows <= p.capacity
}
