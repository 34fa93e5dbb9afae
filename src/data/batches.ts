// How a file's row groups travel: consecutive small row groups are batched into one chunk (one
// message and one append per chunk), and a huge one is handed over in parts, so the caller never
// copies it in one long task.
import type { FileMetaData } from 'hyparquet'
import type { RowChunk } from './chunk.ts'

/** Rows per chunk when consecutive row groups are small. */
export const BATCH_ROWS = 65_536
/** Larger row groups are handed over in parts of this many rows. */
export const MAX_CHUNK_ROWS = 1_048_576

/** One row group of a batch. */
export interface RowGroupSpan {
  index: number
  /** first row of the row group in the file */
  start: number
  rows: number
}

/** Consecutive row groups decoded into one chunk. */
export interface RowGroupBatch {
  groups: RowGroupSpan[]
  rows: number
}

/** The file's row groups, in order, batched up to BATCH_ROWS rows (a larger row group stands alone). */
export function rowGroupBatches(metadata: FileMetaData): RowGroupBatch[] {
  const all = metadata.row_groups
  const batches: RowGroupBatch[] = []
  let start = 0
  for (let g = 0; g < all.length; ) {
    const batch: RowGroupBatch = { groups: [], rows: 0 }
    do {
      const rows = Number(all[g].num_rows)
      batch.groups.push({ index: g, start, rows })
      batch.rows += rows
      start += rows
      g++
    } while (g < all.length && batch.rows + Number(all[g].num_rows) <= BATCH_ROWS)
    batches.push(batch)
  }
  return batches
}

/** The chunk in parts of at most MAX_CHUNK_ROWS rows: itself when it fits or its values are already placed in the table, else copies that own their buffers. */
export function chunkParts(c: RowChunk): RowChunk[] {
  return c.rows > MAX_CHUNK_ROWS && !c.placed ? splitChunk(c, MAX_CHUNK_ROWS) : [c]
}

/** Copies of rows [a, a + size) of a chunk, for each a. */
function splitChunk(c: RowChunk, size: number): RowChunk[] {
  const parts: RowChunk[] = []
  for (let a = 0; a < c.rows; a += size) {
    const b = Math.min(c.rows, a + size)
    const values: Record<string, Float32Array> = {}
    for (const [k, v] of Object.entries(c.values)) values[k] = v.slice(a, b)
    parts.push({
      ...c,
      rows: b - a,
      values,
      source: c.source && { names: c.source.names, codes: c.source.codes.slice(a, b) },
      key: c.key && { names: c.key.names, codes: c.key.codes.slice(a, b) },
      corpus: c.corpus && c.corpus.slice(a, b),
      frameIndex: c.frameIndex && c.frameIndex.slice(a, b),
    })
  }
  return parts
}
