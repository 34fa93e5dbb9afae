// The read side of the loaded data, as the trainer, splits, evaluation and UI see it.
// src/data/featureTable.ts implements it (columnar, growing shard by shard).

export type Corpus = 'nflx' | 'konvid'
export const CORPORA: readonly Corpus[] = ['nflx', 'konvid']

/** Dictionary codes per row: 16-bit while the dictionary fits, 32-bit past that. */
export type CodeArray = Uint16Array | Uint32Array

export interface LoadedFile {
  /** file name or URL as the user gave it */
  name: string
  /** hex sha256 of the file's bytes */
  sha256: string
  bytes: number
  /** rows kept (bad rows excluded) */
  rows: number
  /** rows excluded because a feature or the target was NaN/Inf or null */
  excludedRows: number
  /** corpus tag: from the file's `corpus` column when present, else chosen by the user */
  corpus: Corpus | 'mixed'
  /** first row of this file in the table; its rows are contiguous */
  rowStart: number
}

export interface TableView {
  readonly rows: number
  /** every numeric feature column present in all files: the canonical six first, then extras */
  readonly featureNames: readonly string[]
  /** name of the target column (normally `vmaf`) */
  readonly targetName: string
  readonly files: readonly LoadedFile[]

  /** one feature column, length `rows` */
  feature(name: string): Float32Array
  /** the target per row */
  target(): Float32Array
  /** grouping per row: codes into sourceNames (the `source` column, else `key`) */
  sourceCodes(): CodeArray
  readonly sourceNames: readonly string[]
  /** corpus per row: codes into CORPORA */
  corpusCodes(): Uint8Array
  /** clip key per row (`key` column, else the source): codes into keyNames */
  keyCodes(): CodeArray
  readonly keyNames: readonly string[]
  /** frame_index per row (-1 when the file has none): all rows, or just `rows` in that order.
   *  Allocates a fresh array on every call (the table may store it compactly), so call it once
   *  per pass, not per row. */
  frameIndex(rows?: ArrayLike<number>): Int32Array

  /** rows × features.length, row-major; all rows, or just `rows` in that order */
  matrix(features: readonly string[], rows?: ArrayLike<number>): Float32Array
}
