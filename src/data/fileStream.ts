// Reading one opened parquet file batch by batch: the file, the buffer pool, the read-ahead window
// over small row groups of a Blob, the abort signal and the compressors live here, so each step
// takes only what varies (the batch, the row group).
import { parquetRead, type ColumnData, type ColumnMetaData, type Compressors } from 'hyparquet'
import { compressors as allCompressors } from 'hyparquet-compressors'
import type { RowGroupBatch, RowGroupSpan } from './batches.ts'
import { BatchSinks, type BatchResult } from './batchSinks.ts'
import { LoadCancelledError, asDataError, type DataError } from './errors.ts'
import { decodeChunk } from './pages.ts'
import type { ParquetFile } from './parquetFile.ts'
import type { Placement } from './placement.ts'
import type { BufferPool } from './pool.ts'
import type { ReadHash } from './readHash.ts'
import type { Sink } from './sinks.ts'

/** Called once per decoded column chunk: its compressed bytes, and the rows it completes (for progress). */
export type OnColumn = (bytes: number, rows: number) => void

export interface FileStreamOptions {
  pool: BufferPool
  compressors?: Compressors
  signal?: AbortSignal
  onColumn: OnColumn
  /** hash the file from these reads (a large file: read once, not once more to hash it) */
  hash?: ReadHash | null
}

/** Row groups of a Blob up to this many bytes (needed columns) are read through the window. */
const SMALL_GROUP = 1 << 20
/** Bytes the window reads at once. */
const READ_AHEAD = 4 << 20
/** Reads coalesce column chunks with small gaps between them into runs of bounded size (a single
 *  larger column chunk is a run of its own). */
const MAX_GAP = 1 << 13
const MAX_RUN = 8 << 20

interface ByteRange {
  start: number
  end: number
}

interface ColumnSpan extends ByteRange {
  meta: ColumnMetaData
  /** false: read only for the hash (a column the table does not take) */
  decode: boolean
}

/** Bytes read from the file at byte `at`; `pooled`: they go back to the pool once decoded. */
interface ReadBytes {
  at: number
  bytes: Uint8Array
  pooled: boolean
}

/** Column chunks read in one request. */
interface ColumnRun extends ByteRange {
  cols: ColumnSpan[]
}

/** `cols` (sorted by offset) grouped into runs: gaps of at most MAX_GAP, at most MAX_RUN bytes. */
function columnRuns(cols: readonly ColumnSpan[]): ColumnRun[] {
  const runs: ColumnRun[] = []
  for (const c of cols) {
    const last = runs.at(-1)
    if (last && c.start - last.end <= MAX_GAP && c.end - last.start <= MAX_RUN) {
      last.end = Math.max(last.end, c.end)
      last.cols.push(c)
    } else runs.push({ start: c.start, end: c.end, cols: [c] })
  }
  return runs
}

/** One row group, written at rows `base`… of the batch's sinks. */
interface GroupTarget {
  group: RowGroupSpan
  base: number
  sinks: BatchSinks
}

export class FileStream {
  private readonly pool: BufferPool
  private readonly compressors: Compressors
  private readonly signal?: AbortSignal
  private readonly onColumn: OnColumn
  private readonly hash: ReadHash | null
  /** bytes read ahead for small row groups */
  private window: (ByteRange & { bytes: Uint8Array }) | null = null

  constructor(
    readonly file: ParquetFile,
    opts: FileStreamOptions,
  ) {
    this.pool = opts.pool
    this.compressors = opts.compressors ?? allCompressors
    this.signal = opts.signal
    this.onColumn = opts.onColumn
    this.hash = opts.hash ?? null
  }

  get name(): string {
    return this.file.src.name
  }

  /** Decode consecutive row groups into one chunk (its floats into the table's columns when `place` is given). */
  async readBatch(batch: RowGroupBatch, place: Placement | null = null): Promise<BatchResult> {
    const sinks = new BatchSinks(this.file.schema, batch.rows, this.pool, place)
    try {
      let base = 0
      for (const group of batch.groups) {
        if (this.signal?.aborted) throw new LoadCancelledError(this.name)
        if (this.file.fast) await this.readGroupFast({ group, base, sinks })
        else await this.readGroupHyparquet({ group, base, sinks })
        base += group.rows
        sinks.checkFilled(this.name, group.index, base, group.rows)
      }
    } catch (e) {
      sinks.discard()
      throw e
    }
    return sinks.finish({ index: this.file.index, name: this.name }, batch.groups[0].index)
  }

  /** Give the read-ahead window back to the pool. */
  close(): void {
    if (this.window) this.pool.release([this.window.bytes.buffer as ArrayBuffer])
    this.window = null
  }

  private reportColumn(t: GroupTarget, sink: Sink, bytes: number): void {
    this.onColumn(bytes, t.sinks.countsRows(sink) ? t.group.rows : 0)
  }

  /**
   * Our page decoder (pages.ts): fetch the needed column chunks (adjacent ones together), decode
   * each. While the file is hashed from these reads, the other columns are read along too, so the
   * hash finds no gap to read on its own while nothing else is read.
   */
  private async readGroupFast(t: GroupTarget): Promise<void> {
    const rowGroup = t.group.index
    const cols: ColumnSpan[] = this.file.metadata.row_groups[rowGroup].columns
      .map((c) => c.meta_data!)
      .map((m) => {
        const start = Number(m.dictionary_page_offset || m.data_page_offset)
        return { meta: m, start, end: start + Number(m.total_compressed_size), decode: t.sinks.byColumn.has(m.path_in_schema[0]) }
      })
      // a column read only for the hash joins the runs unless it alone would exceed one: the hash
      // then reads it itself, a piece at a time, instead of into one large buffer
      .filter((c) => c.decode || (this.hash && c.end - c.start <= MAX_RUN))
      .sort((a, b) => a.start - b.start)
    const span = { start: cols[0].start, end: cols[cols.length - 1].end }
    if (this.file.src.readInto && span.end - span.start <= SMALL_GROUP) {
      const read = await this.guard(t, () => this.readThroughWindow(span))
      for (const c of cols) if (c.decode) this.decodeColumn(t, c, read)
      return
    }
    // one run of neighbouring column chunks at a time, the next one read while this one decodes:
    // a large row group's compressed bytes are never all held at once
    const runs = columnRuns(cols)
    let next = this.guard(t, () => this.readRun(runs[0]))
    for (let i = 0; i < runs.length; i++) {
      const read = await next
      if (i + 1 < runs.length) {
        next = this.guard(t, () => this.readRun(runs[i + 1]))
        // a failed read-ahead is reported when its turn comes (or dropped with the group)
        next.catch(() => {})
      }
      try {
        for (const c of runs[i].cols) if (c.decode) this.decodeColumn(t, c, read)
      } finally {
        if (read.pooled) this.pool.release([read.bytes.buffer as ArrayBuffer])
      }
    }
  }

  /** `read()`, its failure named after this file and row group. */
  private async guard<T>(t: GroupTarget, read: () => Promise<T>): Promise<T> {
    try {
      return await read()
    } catch (e) {
      throw asDataError(this.name, e, { rowGroup: t.group.index })
    }
  }

  // Small row groups of a Blob: one read covers this and the next ones, unneeded columns included
  // (each read is a round trip to the browser's blob store, whatever its size; URLs keep reading
  // only the needed columns).
  private async readThroughWindow(span: ByteRange): Promise<ReadBytes> {
    let w = this.window
    if (!w || span.start < w.start || span.end > w.end) {
      this.close()
      const end = Math.max(span.end, Math.min(span.start + READ_AHEAD, this.file.dataEnd))
      const bytes = await this.file.src.readInto!(span.start, end, this.pool.take(end - span.start))
      w = this.window = { start: span.start, end, bytes }
      await this.hash?.cover(span.start, bytes)
    }
    return { at: w.start, bytes: w.bytes, pooled: false }
  }

  // Large row groups: one read per run of chunks with small gaps between them. Sources that read
  // into memory (Blobs, Node files) use pooled buffers (returned after decoding); others allocate.
  private async readRun(run: ColumnRun): Promise<ReadBytes> {
    const src = this.file.src
    const bytes = src.readInto ? await src.readInto(run.start, run.end, this.pool.take(run.end - run.start)) : new Uint8Array(await src.file.slice(run.start, run.end))
    // reads complete one after another (the next is asked for once this one is here), so the hash sees them in order
    await this.hash?.cover(run.start, bytes)
    return { at: run.start, bytes, pooled: !!src.readInto }
  }

  private decodeColumn(t: GroupTarget, c: ColumnSpan, read: ReadBytes): void {
    const column = c.meta.path_in_schema[0]
    const bytes = read.bytes.subarray(c.start - read.at, c.end - read.at)
    const sink = t.sinks.byColumn.get(column)!
    try {
      const spec = {
        type: c.meta.type,
        optional: this.file.optional.has(column),
        codec: c.meta.codec,
        compressors: this.compressors,
        reusePages: this.compressors === allCompressors,
      }
      decodeChunk(bytes, spec, t.group.rows, t.base, sink, t.sinks.bad)
    } catch (e) {
      throw asDataError(this.name, e, { rowGroup: t.group.index, column })
    }
    this.reportColumn(t, sink, c.end - c.start)
  }

  /** hyparquet's reader, for files our page decoder does not cover. */
  private async readGroupHyparquet(t: GroupTarget): Promise<void> {
    const { index: rowGroup, rows, start: groupStart } = t.group
    const sizes = new Map<string, number>()
    for (const c of this.file.metadata.row_groups[rowGroup].columns)
      if (c.meta_data) sizes.set(c.meta_data.path_in_schema[0], Number(c.meta_data.total_compressed_size))
    // hyparquet calls onChunk from a promise callback that swallows exceptions: keep the first one
    let failure: DataError | null = null
    const done = new Map<string, number>()
    const onChunk = (c: ColumnData) => {
      if (failure) return
      const sink = t.sinks.byColumn.get(c.columnName)
      if (!sink) return
      try {
        const offset = c.rowStart - groupStart
        if (offset < 0 || offset + c.columnData.length > rows) throw new Error(`page rows ${c.rowStart}..${c.rowEnd} outside the row group`)
        const before = sink.filled
        sink.write(c.columnData, t.base + offset, t.sinks.bad)
        done.set(c.columnName, (done.get(c.columnName) ?? 0) + sink.filled - before)
        if (done.get(c.columnName) === rows) this.reportColumn(t, sink, sizes.get(c.columnName) ?? 0)
      } catch (e) {
        failure = asDataError(this.name, e, { rowGroup, column: c.columnName })
      }
    }
    try {
      await parquetRead({
        file: this.file.src.file,
        metadata: this.file.metadata,
        columns: this.file.schema.read,
        rowStart: groupStart,
        rowEnd: groupStart + rows,
        compressors: this.compressors,
        onChunk,
      })
    } catch (e) {
      throw asDataError(this.name, e, { rowGroup })
    }
    if (failure) throw failure
  }
}
