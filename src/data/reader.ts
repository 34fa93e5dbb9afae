// Streams parquet sources, one row group at a time, into RowChunks: the heart of the data worker,
// also run in-process by Node (CLI, tests) through ingest.ts. It never throws for bad input: every
// problem becomes a `file-error` event naming the file (and row group / column), and the other
// files of the batch still load. Only the columns the contract needs (plus chosen extras) are read.
import {
  parquetMetadataAsync,
  parquetRead,
  type AsyncBuffer,
  type ColumnData,
  type ColumnMetaData,
  type Compressors,
  type FileMetaData,
} from 'hyparquet'
import { compressors as allCompressors } from 'hyparquet-compressors'
import { chunkBuffers, type FileEnd, type FileStart, type RowChunk } from './chunk.ts'
import { BadRows, CodeSink, CorpusSink, FloatSink, IntSink, compact, type Sink } from './convert.ts'
import {
  CorruptFileError,
  DataError,
  DuplicateFileError,
  EmptyFileError,
  LoadCancelledError,
  NotParquetError,
  TruncatedFileError,
  UnknownCorpusError,
  asDataError,
  type DataErrorJSON,
} from './errors.ts'
import { decodeChunk, fastDecodable } from './pages.ts'
import { BufferPool } from './pool.ts'
import { detectSchema, type FileSchema } from './schema.ts'
import { openSource, type OpenOptions, type OpenedSource, type SourceInput } from './sources.ts'
import type { Corpus } from './table.ts'

export interface ReadOptions extends OpenOptions {
  /** target column (default `vmaf`) */
  target?: string
  /** extra numeric columns to load as features */
  extras?: readonly string[]
  /** corpus tag for files without a `corpus` column (default nflx) */
  corpus?: Corpus
  /** files already loaded: a source with the same sha256 is skipped with a DuplicateFileError */
  known?: readonly { sha256: string; name: string }[]
  compressors?: Compressors
  /** hash a large Blob/URL source on another thread while its rows stream (the data worker passes one) */
  hashInBackground?: (input: Exclude<SourceInput, { kind: 'buffer' }>) => Promise<string>
  /** sources up to this size are hashed before streaming, in line (default 16 MiB) */
  inlineHashBytes?: number
  /** least time between two progress events with only new counts (default 50 ms) */
  progressEveryMs?: number
  /** 'auto' (default): our page decoder where it applies, else hyparquet's reader; 'hyparquet': always hyparquet's */
  decoder?: 'auto' | 'hyparquet'
}

export interface Progress {
  phase: 'open' | 'hash' | 'read' | 'done'
  /** index of the file being worked on */
  file: number
  name: string
  rowsDone: number
  rowsTotal: number
  /** parquet bytes read (only the needed columns) */
  bytesRead: number
  /** bytes of the files in the batch */
  bytesTotal: number
}

export type IngestEvent =
  | { type: 'plan'; files: { file: number; name: string; bytes: number; rows: number }[] }
  | { type: 'file-start'; start: FileStart }
  | { type: 'chunk'; chunk: RowChunk }
  | { type: 'progress'; progress: Progress }
  | { type: 'file-end'; end: FileEnd }
  | { type: 'file-error'; file: number; error: DataErrorJSON }
  | { type: 'warning'; file: number; name: string; text: string }

/**
 * Receives the events. The buffers of a chunk are reused for a later row group as soon as emit
 * returns, unless it returns a promise: then they are reused once it resolves to them (the data
 * worker's caller hands them back that way after copying the rows).
 */
export type Emit = (event: IngestEvent) => unknown

const MAGIC = 0x31524150 // "PAR1" little-endian

interface Prepared {
  index: number
  input: SourceInput
  src: OpenedSource
  metadata: FileMetaData
  schema: FileSchema
  rows: number
  /** every needed column chunk can go through our page decoder */
  fast: boolean
  /** needed columns that are OPTIONAL (have definition levels) */
  optional: Set<string>
}

/** Read every source in order, emitting events; resolves when all are done (or failed). */
export async function readSources(inputs: readonly SourceInput[], opts: ReadOptions, emit: Emit): Promise<void> {
  const signal = opts.signal
  const pool = new BufferPool()
  const inFlight: Promise<void>[] = []
  const progress: Progress = { phase: 'open', file: 0, name: '', rowsDone: 0, rowsTotal: 0, bytesRead: 0, bytesTotal: 0 }
  // counters are reported at most every `progressEveryMs` (a file of tiny row groups would
  // otherwise send thousands of messages); a new phase or file always is
  const every = opts.progressEveryMs ?? 50
  let lastReport = -Infinity
  const report = (p: Partial<Progress>, force = false) => {
    const changed = (p.phase !== undefined && p.phase !== progress.phase) || (p.file !== undefined && p.file !== progress.file)
    Object.assign(progress, p)
    const now = performance.now()
    if (!force && !changed && now - lastReport < every) return
    lastReport = now
    emit({ type: 'progress', progress: { ...progress } })
  }
  const fail = (index: number, name: string, e: unknown, where?: { rowGroup?: number; column?: string }) => {
    const err = signal?.aborted ? new LoadCancelledError(name) : asDataError(name, e, where)
    emit({ type: 'file-error', file: index, error: err.toJSON() })
  }

  // 1. Open every source and check its footer and schema (cheap), so the loader can reserve rows.
  const prepared: Prepared[] = []
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index]
    report({ phase: 'open', file: index, name: input.name })
    try {
      if (signal?.aborted) throw new LoadCancelledError(input.name)
      const src = await openSource(input, opts)
      for (const w of src.warnings) emit({ type: 'warning', file: index, name: src.name, text: w })
      const metadata = await readFooter(src.name, src.file)
      const schema = detectSchema(metadata, src.name, { target: opts.target, extras: opts.extras })
      const rows = Number(metadata.num_rows)
      if (rows === 0) throw new EmptyFileError(src.name)
      checkChunkBounds(src.name, metadata, src.file.byteLength)
      prepared.push({ index, input, src, metadata, schema, rows, ...decoderFor(metadata, schema, opts.decoder) })
    } catch (e) {
      fail(index, input.name, e)
    }
  }
  emit({
    type: 'plan',
    files: prepared.map((p) => ({ file: p.index, name: p.src.name, bytes: p.src.bytes, rows: p.rows })),
  })
  report({
    rowsTotal: prepared.reduce((s, p) => s + p.rows, 0),
    bytesTotal: prepared.reduce((s, p) => s + p.src.bytes, 0),
  })

  // 2. Hash and stream row group by row group. Small files are hashed first, so a duplicate is
  // skipped before any row is read; large ones are hashed on another thread while they stream
  // (when the caller offers one) and a duplicate found at the end is rolled back.
  const seen = new Map((opts.known ?? []).map((k) => [k.sha256, k.name]))
  const checkDuplicate = (p: Prepared, sha256: string) => {
    const first = seen.get(sha256)
    if (first !== undefined) {
      progress.rowsTotal -= p.rows
      throw new DuplicateFileError(p.src.name, sha256, first)
    }
    seen.set(sha256, p.src.name)
  }
  for (const p of prepared) {
    const name = p.src.name
    let rowGroup: number | undefined
    const ahead: ReadWindow = { start: 0, end: 0, bytes: null }
    try {
      if (signal?.aborted) throw new LoadCancelledError(name)
      let sha256 = ''
      let pending: Promise<string> | null = null
      if (opts.hashInBackground && p.input.kind !== 'buffer' && p.src.bytes > (opts.inlineHashBytes ?? 16 << 20)) {
        pending = opts.hashInBackground(p.input)
        pending.catch(() => {}) // awaited below; do not report it as unhandled meanwhile
      } else {
        report({ phase: 'hash', file: p.index, name })
        sha256 = await p.src.sha256()
        checkDuplicate(p, sha256)
      }

      const s = p.schema
      const start: FileStart = {
        file: p.index,
        name,
        bytes: p.src.bytes,
        rows: p.rows,
        rowGroups: p.metadata.row_groups.length,
        target: s.target,
        features: [...s.features, ...s.extras],
        extrasAvailable: s.extrasAvailable,
        corpusTag: s.corpus ? null : (opts.corpus ?? 'nflx'),
        singleSource: s.group ? null : baseName(name),
        group: s.group,
      }
      emit({ type: 'file-start', start })
      if (!s.group)
        emit({
          type: 'warning',
          file: p.index,
          name,
          text: `no "source" or "key" column: all its rows form one source, "${start.singleSource}"`,
        })

      const end: FileEnd = { file: p.index, sha256, rows: 0, excluded: 0, excludedBy: {} }
      const groups = p.metadata.row_groups
      let groupStart = 0
      for (let g = 0; g < groups.length; ) {
        if (signal?.aborted) throw new LoadCancelledError(name)
        report({ phase: 'read', file: p.index, name })
        // consecutive small row groups travel as one chunk of up to BATCH_ROWS rows
        const batch: Group[] = []
        let batchRows = 0
        do {
          const rows = Number(groups[g].num_rows)
          batch.push({ index: g, start: groupStart, rows })
          batchRows += rows
          groupStart += rows
          g++
        } while (g < groups.length && batchRows + Number(groups[g].num_rows) <= BATCH_ROWS)
        rowGroup = batch[0].index
        const chunk = await readRowGroups(p, batch, opts.compressors, pool, ahead, signal, (bytes, rows) =>
          report({ bytesRead: progress.bytesRead + bytes, rowsDone: progress.rowsDone + rows }),
        )
        end.rows += chunk.chunk.rows
        end.excluded += batchRows - chunk.chunk.rows
        for (const [col, b] of Object.entries(chunk.bad)) {
          const acc = (end.excludedBy[col] ??= { nonFinite: 0, nulls: 0 })
          acc.nonFinite += b.nonFinite
          acc.nulls += b.nulls
        }
        // a huge row group goes out in parts, so the caller never copies it in one long task
        const parts = chunk.chunk.rows > MAX_CHUNK_ROWS ? splitChunk(chunk.chunk, MAX_CHUNK_ROWS) : [chunk.chunk]
        if (parts.length > 1) chunk.spare.push(...chunkBuffers(chunk.chunk))
        for (const part of parts) {
          if (!part.rows) continue
          const buffers = chunkBuffers(part)
          const back = emit({ type: 'chunk', chunk: part })
          if (back instanceof Promise) {
            inFlight.push(
              back.then(
                (returned) => void (Array.isArray(returned) && pool.release(returned)),
                () => {},
              ),
            )
            // at most one chunk on its way to the caller while the next one decodes
            if (inFlight.length > 1) await inFlight.shift()
          } else pool.release(buffers)
        }
        pool.release(chunk.spare)
      }
      rowGroup = undefined
      if (end.rows === 0)
        throw new EmptyFileError(name, `all ${p.rows} rows have NaN, Inf or missing values in required columns`)
      if (pending) {
        report({ phase: 'hash', file: p.index, name })
        end.sha256 = await pending
        checkDuplicate(p, end.sha256)
      }
      emit({ type: 'file-end', end })
      report({}, true)
    } catch (e) {
      fail(p.index, name, e, { rowGroup })
    } finally {
      ahead.release?.()
    }
  }
  report({ phase: 'done' })
}

/** The footer, with the bad-file cases told apart: not parquet at all, or cut short. */
async function readFooter(name: string, file: AsyncBuffer): Promise<FileMetaData> {
  const n = file.byteLength
  if (n === 0) throw new NotParquetError(name, 'the file is empty (0 bytes), not a parquet file')
  const head = new DataView(await file.slice(0, Math.min(4, n)))
  const startsOk = n >= 4 && head.getUint32(0, true) === MAGIC
  const tail = n >= 8 ? new DataView(await file.slice(n - 8, n)) : null
  const endsOk = !!tail && tail.getUint32(4, true) === MAGIC
  if (!startsOk && !endsOk) throw new NotParquetError(name, 'not a parquet file (it does not start or end with the "PAR1" marker)')
  if (!endsOk || n < 12)
    throw new TruncatedFileError(name, `the file is truncated: it starts like parquet but its footer is missing (${n} bytes)`)
  const metaLen = tail!.getUint32(0, true)
  if (metaLen + 12 > n)
    throw new TruncatedFileError(name, `the file is truncated or corrupt: its footer claims ${metaLen} bytes of metadata but the file has ${n}`)
  try {
    return await parquetMetadataAsync(file)
  } catch (e) {
    throw new CorruptFileError(name, `the parquet footer could not be parsed: ${e instanceof Error ? e.message : e}`)
  }
}

// The needed columns are top-level leaves (detectSchema only accepts plain numeric and string
// columns), so they are flat: the page decoder applies unless an encoding is outside its set.
function decoderFor(metadata: FileMetaData, schema: FileSchema, choice: ReadOptions['decoder']): { fast: boolean; optional: Set<string> } {
  const needed = new Set(schema.read)
  const optional = new Set(schema.columns.filter((c) => c.nullable && needed.has(c.name)).map((c) => c.name))
  const fast =
    choice !== 'hyparquet' &&
    metadata.row_groups.every((rg) =>
      rg.columns.every((c) => !c.meta_data || !needed.has(c.meta_data.path_in_schema[0]) || fastDecodable(c.meta_data)),
    )
  return { fast, optional }
}

/** Every column chunk must lie before the footer; otherwise the file lost bytes in the middle. */
function checkChunkBounds(name: string, metadata: FileMetaData, bytes: number): void {
  metadata.row_groups.forEach((rg, g) => {
    for (const c of rg.columns) {
      const m = c.meta_data
      if (!m) continue
      const start = Number(m.dictionary_page_offset || m.data_page_offset)
      if (start + Number(m.total_compressed_size) > bytes)
        throw new TruncatedFileError(
          name,
          `the file is truncated: column "${m.path_in_schema.join('.')}" of row group ${g} extends past the end of the file`,
          { rowGroup: g, column: m.path_in_schema[0] },
        )
    }
  })
}

interface GroupResult {
  chunk: RowChunk
  bad: Record<string, { nonFinite: number; nulls: number }>
  /** pooled buffers not part of the chunk (replaced by compacted copies, or scratch) */
  spare: ArrayBuffer[]
}

type OnColumn = (bytes: number, rows: number) => void

/** Rows per chunk when consecutive row groups are small (one message and one append per chunk). */
const BATCH_ROWS = 65_536
/** Larger row groups are handed over in parts of this many rows. */
const MAX_CHUNK_ROWS = 131_072

/** Copies of rows [a, a + size) of a chunk, for each a (the parts own their buffers). */
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

interface Group {
  index: number
  /** first row of the row group in the file */
  start: number
  rows: number
}

/** Decode consecutive row groups into one chunk. */
async function readRowGroups(
  p: Prepared,
  groups: Group[],
  compressors: Compressors | undefined,
  pool: BufferPool,
  ahead: ReadWindow,
  signal: AbortSignal | undefined,
  onColumn: OnColumn,
): Promise<GroupResult> {
  const s = p.schema
  const name = p.src.name
  const rowGroup = groups[0].index
  const rows = groups.reduce((t, g) => t + g.rows, 0)
  const bad = new BadRows(rows)
  const floats = [...s.features, ...s.extras, s.target].map((c) => new FloatSink(c, rows, pool))
  const source = s.group ? new CodeSink(s.group, rows, pool) : null
  const key = s.key && s.key !== s.group ? new CodeSink(s.key, rows, pool) : null
  const corpus = s.corpus ? new CorpusSink(s.corpus, rows, pool) : null
  const frame = s.frameIndex ? new IntSink(s.frameIndex, rows, pool) : null
  const pooled = () =>
    [...floats.map((f) => f.out), source?.codes, key?.codes, corpus?.codes, frame?.out]
      .filter((a) => a !== undefined)
      .map((a) => a.buffer as ArrayBuffer)
      .concat(corpus ? [corpus.scratch] : [])
  const sinks = new Map<string, Sink>()
  for (const sink of [...floats, source, key, corpus, frame]) if (sink) sinks.set(sink.column, sink)
  const first = floats[0]

  const comp = compressors ?? allCompressors
  try {
    let base = 0
    for (const g of groups) {
      if (signal?.aborted) throw new LoadCancelledError(name)
      const reportColumn = (sink: Sink, bytes: number) => onColumn(bytes, sink === first ? g.rows : 0)
      const at = { rowGroup: g.index, rows: g.rows, base }
      if (p.fast) await readGroupFast(p, at, sinks, bad, comp, pool, ahead, reportColumn)
      else await readGroupHyparquet(p, at, g.start, sinks, bad, comp, reportColumn)
      base += g.rows
      for (const sink of sinks.values())
        if (sink.filled !== base)
          throw new CorruptFileError(name, `row group ${g.index}: column "${sink.column}" has ${sink.filled + g.rows - base} values, expected ${g.rows}`, {
            rowGroup: g.index,
            column: sink.column,
          })
    }
  } catch (e) {
    pool.release(pooled())
    throw e
  }

  const unknown = corpus?.finish() ?? []
  if (unknown.length) throw new UnknownCorpusError(name, unknown, rowGroup)

  const kept = rows - bad.count()
  const values: Record<string, Float32Array> = {}
  for (const f of floats) values[f.column] = compact(f.out, bad.mask, kept)
  const all = pooled()
  const chunk: RowChunk = {
    file: p.index,
    rowGroup,
    rows: kept,
    values,
    source: source ? { names: source.names, codes: compact(source.codes, bad.mask, kept) } : null,
    key: key ? { names: key.names, codes: compact(key.codes, bad.mask, kept) } : null,
    corpus: corpus ? compact(corpus.codes, bad.mask, kept) : null,
    frameIndex: frame ? compact(frame.out, bad.mask, kept) : null,
  }
  const inChunk = new Set(chunkBuffers(chunk))
  return { chunk, bad: bad.by, spare: all.filter((b) => !inChunk.has(b)) }
}

/** One row group, written at rows `at.base`… of the sinks. */
interface At {
  rowGroup: number
  rows: number
  base: number
}

/** Our page decoder (pages.ts): fetch the needed column chunks (adjacent ones together), decode each. */
async function readGroupFast(
  p: Prepared,
  at: At,
  sinks: Map<string, Sink>,
  bad: BadRows,
  compressors: Compressors,
  pool: BufferPool,
  ahead: ReadWindow,
  onColumn: (sink: Sink, bytes: number) => void,
): Promise<void> {
  const name = p.src.name
  const rowGroup = at.rowGroup
  const cols = p.metadata.row_groups[rowGroup].columns
    .map((c) => c.meta_data!)
    .filter((m) => sinks.has(m.path_in_schema[0]))
    .map((m) => {
      const start = Number(m.dictionary_page_offset || m.data_page_offset)
      return { meta: m, start, end: start + Number(m.total_compressed_size) }
    })
    .sort((a, b) => a.start - b.start)
  const src = p.src
  const span = { start: cols[0].start, end: cols[cols.length - 1].end }
  let runs: { start: number; end: number }[]
  let buffers: Uint8Array[]
  let pooled = false
  try {
    if (src.readInto && span.end - span.start <= SMALL_GROUP) {
      // small row groups of a Blob: one read covers this and the next ones, unneeded columns
      // included (each read is a round trip to the browser's blob store, whatever its size;
      // URLs keep reading only the needed columns)
      if (!ahead.bytes || span.start < ahead.start || span.end > ahead.end) {
        ahead.release?.()
        const end = Math.max(span.end, Math.min(span.start + READ_AHEAD, dataEnd(p)))
        const bytes = await src.readInto(span.start, end, pool.take(end - span.start))
        Object.assign(ahead, { start: span.start, end, bytes })
        ahead.release = () => pool.release([bytes.buffer as ArrayBuffer])
      }
      runs = [{ start: ahead.start, end: ahead.end }]
      buffers = [ahead.bytes!]
    } else {
      // large ones: one read per run of chunks with gaps of at most 8 KiB between them (as hyparquet), up to 32 MiB
      runs = []
      for (const c of cols) {
        const last = runs.at(-1)
        if (last && c.start - last.end <= 1 << 13 && c.end - last.start <= 1 << 25) last.end = Math.max(last.end, c.end)
        else runs.push({ start: c.start, end: c.end })
      }
      // Blobs are read into pooled memory (returned to the pool below); other sources allocate
      pooled = !!src.readInto
      buffers = await Promise.all(
        runs.map(async (r) =>
          src.readInto ? src.readInto(r.start, r.end, pool.take(r.end - r.start)) : new Uint8Array(await src.file.slice(r.start, r.end)),
        ),
      )
    }
  } catch (e) {
    throw asDataError(name, e, { rowGroup })
  }
  try {
    decodeColumns(p, at, cols, runs, buffers, sinks, bad, compressors, onColumn)
  } finally {
    if (pooled) pool.release(buffers.map((b) => b.buffer as ArrayBuffer))
  }
}

const SMALL_GROUP = 1 << 20
const READ_AHEAD = 4 << 20

/** Bytes read ahead for small row groups (per file). */
interface ReadWindow {
  start: number
  end: number
  bytes: Uint8Array | null
  release?: () => void
}

/** Where the column data ends: the footer follows it. */
function dataEnd(p: Prepared): number {
  const n = p.src.file.byteLength
  let end = 0
  for (const rg of p.metadata.row_groups)
    for (const c of rg.columns) {
      const m = c.meta_data
      if (m) end = Math.max(end, Number(m.dictionary_page_offset || m.data_page_offset) + Number(m.total_compressed_size))
    }
  return Math.min(end || n, n)
}

function decodeColumns(
  p: Prepared,
  at: At,
  cols: { meta: ColumnMetaData; start: number; end: number }[],
  runs: { start: number; end: number }[],
  buffers: Uint8Array[],
  sinks: Map<string, Sink>,
  bad: BadRows,
  compressors: Compressors,
  onColumn: (sink: Sink, bytes: number) => void,
): void {
  const name = p.src.name
  for (const c of cols) {
    const column = c.meta.path_in_schema[0]
    const k = runs.findIndex((r) => r.start <= c.start && c.end <= r.end)
    const bytes = buffers[k].subarray(c.start - runs[k].start, c.end - runs[k].start)
    const sink = sinks.get(column)!
    try {
      const spec = { type: c.meta.type, optional: p.optional.has(column), codec: c.meta.codec, compressors, reusePages: compressors === allCompressors }
      decodeChunk(bytes, spec, at.rows, at.base, sink, bad)
    } catch (e) {
      throw asDataError(name, e, { rowGroup: at.rowGroup, column })
    }
    onColumn(sink, c.end - c.start)
  }
}

/** hyparquet's reader, for files our page decoder does not cover. */
async function readGroupHyparquet(
  p: Prepared,
  at: At,
  groupStart: number,
  sinks: Map<string, Sink>,
  bad: BadRows,
  compressors: Compressors,
  onColumn: (sink: Sink, bytes: number) => void,
): Promise<void> {
  const name = p.src.name
  const { rowGroup, rows } = at
  const sizes = new Map<string, number>()
  for (const c of p.metadata.row_groups[rowGroup].columns)
    if (c.meta_data) sizes.set(c.meta_data.path_in_schema[0], Number(c.meta_data.total_compressed_size))
  // hyparquet calls onChunk from a promise callback that swallows exceptions: keep the first one
  let failure: DataError | null = null
  const done = new Map<string, number>()
  const onChunk = (c: ColumnData) => {
    if (failure) return
    const sink = sinks.get(c.columnName)
    if (!sink) return
    try {
      const offset = c.rowStart - groupStart
      if (offset < 0 || offset + c.columnData.length > rows)
        throw new Error(`page rows ${c.rowStart}..${c.rowEnd} outside the row group`)
      const before = sink.filled
      sink.write(c.columnData, at.base + offset, bad)
      done.set(c.columnName, (done.get(c.columnName) ?? 0) + sink.filled - before)
      if (done.get(c.columnName) === rows) onColumn(sink, sizes.get(c.columnName) ?? 0)
    } catch (e) {
      failure = asDataError(name, e, { rowGroup, column: c.columnName })
    }
  }
  try {
    await parquetRead({
      file: p.src.file,
      metadata: p.metadata,
      columns: p.schema.read,
      rowStart: groupStart,
      rowEnd: groupStart + rows,
      compressors,
      onChunk,
    })
  } catch (e) {
    throw asDataError(name, e, { rowGroup })
  }
  if (failure) throw failure
}

/** "data/run_07.parquet" → "run_07" (also for URLs). */
export function baseName(name: string): string {
  const last = name.split(/[?#]/)[0].split(/[\\/]/).filter(Boolean).pop() ?? name
  return last.replace(/\.parquet$/i, '') || name
}
