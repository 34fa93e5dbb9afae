// One row group's worth of rows, columnar, as the reader hands it to a FeatureTable: plain typed
// arrays (transferable from a worker without copying) and string columns as local dictionaries
// (names once, a code per row), so no per-row strings cross the worker boundary.
import type { PlacedRows } from './placement.ts'
import type { Corpus } from './table.ts'

export interface CodedStrings {
  names: string[]
  codes: Uint32Array
}

export interface RowChunk {
  /** index of the file within the load batch */
  file: number
  rowGroup: number
  /** rows kept (bad rows already removed) */
  rows: number
  /** features (canonical, then extras) and the target, each of length `rows`; the placed ones are absent */
  values: Record<string, Float32Array>
  /** the columns already written into the table's own columns (placement.ts) */
  placed?: PlacedRows | null
  /** null: the file has no grouping column (one source, named in the file-start event) */
  source: CodedStrings | null
  /** null: the clip key is the source */
  key: CodedStrings | null
  /** codes into CORPORA; null: every row carries the file's corpus tag */
  corpus: Uint8Array | null
  /** null: the file has no frame_index column */
  frameIndex: Int32Array | null
}

/** What the reader found out about one file before streaming its rows. */
export interface FileStart {
  file: number
  name: string
  bytes: number
  /** rows in the file's metadata (before excluding bad rows) */
  rows: number
  rowGroups: number
  target: string
  /** features and extras that this file's chunks carry, in table order */
  features: string[]
  extrasAvailable: string[]
  /** corpus tag of rows without a corpus column; null when the file has one */
  corpusTag: Corpus | null
  /** source name used for every row when the file has no grouping column */
  singleSource: string | null
  /** which column the sources come from (null: the whole file) */
  group: string | null
}

export interface FileEnd {
  file: number
  /** hex sha256 of the whole file */
  sha256: string
  rows: number
  excluded: number
  /** bad values per column: NaN/Inf in numeric columns, nulls anywhere */
  excludedBy: Record<string, { nonFinite: number; nulls: number }>
}

/** All array buffers of a chunk, to pass as transferables. */
export function chunkBuffers(c: RowChunk): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>()
  const add = (a: ArrayBufferView | null | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer)
  }
  for (const v of Object.values(c.values)) add(v)
  add(c.source?.codes)
  add(c.key?.codes)
  add(c.corpus)
  add(c.frameIndex)
  return [...out]
}
