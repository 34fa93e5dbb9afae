// Streams parquet sources, one row group at a time, and libvmaf logs (logs/), one clip each, into RowChunks: the heart of the data worker,
// also run in-process by Node (CLI, tests) through ingest.ts. It never throws for bad input: every
// problem becomes a `file-error` event naming the file (and row group / column), and the other
// files of the batch still load. Only the columns the contract needs (plus chosen extras) are read.
//   1. open and check every file (parquetFile.ts), so the loader can reserve rows;
//   2. per file: hash (first for small ones; a large one from the reads that stream it,
//      readHash.ts), then stream its row-group batches (batches.ts) through a FileStream
//      (fileStream.ts), handing chunks to the caller.
// A log (.json, .xml, .csv) is parsed and hashed in step 1, in one streaming pass, and handed over
// as one clip in step 2.
import type { Compressors } from 'hyparquet'
import { chunkParts, rowGroupBatches } from './batches.ts'
import type { BatchResult } from './batchSinks.ts'
import { chunkBuffers, type FileEnd, type FileStart, type RowChunk } from './chunk.ts'
import { BadLogError, DuplicateFileError, EmptyFileError, LoadCancelledError, asDataError, type DataErrorJSON } from './errors.ts'
import { FileStream } from './fileStream.ts'
import { logClip, openLogFile, type LogFile } from './logs/logFile.ts'
import { logFormatOf, sourcePattern, type SourcePattern } from './logs/naming.ts'
import { openParquetFile, type ParquetFile, type ParquetOpenOptions } from './parquetFile.ts'
import { fits, type Placement } from './placement.ts'
import { BufferPool } from './pool.ts'
import { ReadHash } from './readHash.ts'
import type { OpenedSource, SourceInput } from './sources.ts'
import type { Corpus } from './table.ts'

export interface ReadOptions extends ParquetOpenOptions {
  /** corpus tag for files without a `corpus` column (default nflx) */
  corpus?: Corpus
  /** files already loaded: a source with the same sha256 is skipped with a DuplicateFileError */
  known?: readonly { sha256: string; name: string }[]
  compressors?: Compressors
  /** sources up to this size are hashed before streaming, so a duplicate is skipped before any row
   *  is read; larger ones are hashed from the reads that stream them (default 16 MiB) */
  inlineHashBytes?: number
  /** least time between two progress events with only new counts (default 50 ms) */
  progressEveryMs?: number
  /** libvmaf logs: a regular expression whose named group `source` names the clip's source (default: see logs/naming.ts) */
  sourcePattern?: string | null
  /**
   * hand each decoded batch over whole (the caller copies it at once, in this thread), its buffers
   * back to the pool for the next batch; without it a huge batch goes in parts that own copies
   * of their rows, as a transfer to another thread needs (the data worker)
   */
  wholeChunks?: boolean
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
 * The caller's answer to an event. `buffers`: a chunk's buffers, handed back once its rows are
 * copied. `placement`: where the next rows' floats go in the table (placement.ts); given with
 * the plan, each file's start and each chunk; null or absent: into chunk buffers.
 */
export interface EmitReply {
  buffers?: ArrayBuffer[]
  placement?: Placement | null
}

/**
 * Receives the events. The buffers of a chunk are reused for a later row group as soon as emit
 * returns, unless it returns a promise: then they are reused once it resolves to a reply holding
 * them (the data worker's caller hands them back that way after copying the rows). The reader
 * waits for the answers to the plan, a file's start and a chunk before it decodes more rows.
 */
export type Emit = (event: IngestEvent) => EmitReply | Promise<EmitReply | undefined> | void

/** Read every source in order, emitting events; resolves when all are done (or failed). */
export async function readSources(inputs: readonly SourceInput[], opts: ReadOptions, emit: Emit): Promise<void> {
  const run = new ReadRun(opts, emit)
  const files = await run.openAll(inputs)
  for (const file of files) await run.stream(file)
  run.progress.report({ phase: 'done' })
}

/** Progress events: counters at most every `everyMs` (tiny row groups would send thousands), a new phase or file always. */
class ProgressReporter {
  readonly state: Progress = { phase: 'open', file: 0, name: '', rowsDone: 0, rowsTotal: 0, bytesRead: 0, bytesTotal: 0 }
  private last = -Infinity

  constructor(
    private readonly emit: Emit,
    private readonly everyMs: number,
  ) {}

  report(p: Partial<Progress>, force = false): void {
    const s = this.state
    const changed = (p.phase !== undefined && p.phase !== s.phase) || (p.file !== undefined && p.file !== s.file)
    Object.assign(s, p)
    const now = performance.now()
    if (!force && !changed && now - this.last < this.everyMs) return
    this.last = now
    this.emit({ type: 'progress', progress: { ...s } })
  }
}

/** One call of readSources: its options, the shared pool, progress, and the hashes seen so far. */
class ReadRun {
  readonly progress: ProgressReporter
  private readonly pool = new BufferPool()
  /** sha256 → name of the file first loaded with it */
  private readonly seen: Map<string, string>
  private compiled: RegExp | null = null
  /** where the table takes the next rows' floats, from its last answer */
  private placement: Placement | null = null

  constructor(
    private readonly opts: ReadOptions,
    private readonly emit: Emit,
  ) {
    this.progress = new ProgressReporter(emit, opts.progressEveryMs ?? 50)
    this.seen = new Map((opts.known ?? []).map((k) => [k.sha256, k.name]))
  }

  /** Open and check every source (cheap: footers only); the failures are reported, the rest returned. */
  async openAll(inputs: readonly SourceInput[]): Promise<(ParquetFile | LogFile)[]> {
    const files: (ParquetFile | LogFile)[] = []
    for (let index = 0; index < inputs.length; index++) {
      const input = inputs[index]
      this.progress.report({ phase: 'open', file: index, name: input.name })
      try {
        if (this.opts.signal?.aborted) throw new LoadCancelledError(input.name)
        const onOpened = (src: OpenedSource) => {
          for (const text of src.warnings) this.emit({ type: 'warning', file: index, name: src.name, text })
        }
        const format = logFormatOf(input.name)
        if (!format) files.push(await openParquetFile(index, input, { ...this.opts, onOpened }))
        else {
          const onBytes = (bytes: number) => this.progress.report({ bytesRead: this.progress.state.bytesRead + bytes })
          files.push(await openLogFile(index, input, format, { ...this.opts, onOpened, onBytes }))
        }
      } catch (e) {
        this.fail(index, input.name, e)
      }
    }
    await this.answered(this.emit({ type: 'plan', files: files.map((f) => ({ file: f.index, name: f.src.name, bytes: f.src.bytes, rows: f.rows })) }))
    this.progress.report({
      rowsTotal: files.reduce((s, f) => s + f.rows, 0),
      bytesTotal: files.reduce((s, f) => s + f.src.bytes, 0),
    })
    return files
  }

  /**
   * Hash and stream one file. Small files are hashed first, so a duplicate is skipped before any
   * row is read; a large one is hashed from the reads that stream it (readHash.ts: the file is
   * read once) and a duplicate found at the end is rolled back by the loader.
   */
  async stream(file: ParquetFile | LogFile): Promise<void> {
    if ('kind' in file) return this.streamLog(file)
    const { opts, progress } = this
    const name = file.src.name
    let rowGroup: number | undefined
    const hashFirst = file.src.bytes <= (opts.inlineHashBytes ?? 16 << 20)
    const hash = hashFirst ? null : new ReadHash(file.src, this.pool)
    const reader = new FileStream(file, {
      pool: this.pool,
      compressors: opts.compressors,
      signal: opts.signal,
      hash,
      onColumn: (bytes, rows) => progress.report({ bytesRead: progress.state.bytesRead + bytes, rowsDone: progress.state.rowsDone + rows }),
    })
    try {
      if (opts.signal?.aborted) throw new LoadCancelledError(name)
      const sha256 = hashFirst ? await this.hashInLine(file) : ''
      await this.start(file)
      const end: FileEnd = { file: file.index, sha256, rows: 0, excluded: 0, excludedBy: {} }
      for (const batch of rowGroupBatches(file.metadata)) {
        if (opts.signal?.aborted) throw new LoadCancelledError(name)
        progress.report({ phase: 'read', file: file.index, name })
        rowGroup = batch.groups[0].index
        const result = await reader.readBatch(batch, fits(this.placement, batch.rows) ? this.placement : null)
        addCounts(end, batch.rows, result)
        await this.send(result)
      }
      rowGroup = undefined
      if (end.rows === 0) throw new EmptyFileError(name, `all ${file.rows} rows have NaN, Inf or missing values in required columns`)
      if (hash) {
        progress.report({ phase: 'hash', file: file.index, name })
        end.sha256 = await hash.finish()
        this.checkDuplicate(file, end.sha256)
      }
      this.emit({ type: 'file-end', end })
      progress.report({}, true)
    } catch (e) {
      this.fail(file.index, name, e, { rowGroup })
    } finally {
      reader.close()
    }
  }

  /** A parsed log: one clip, one chunk. */
  private async streamLog(file: LogFile): Promise<void> {
    const name = file.src.name
    try {
      if (this.opts.signal?.aborted) throw new LoadCancelledError(name)
      this.checkDuplicate(file, file.sha256)
      const clip = logClip(file, { ...this.opts, sourcePattern: this.sourcePattern(name) })
      await this.answered(this.emit({ type: 'file-start', start: clip.start }))
      await this.send({ chunk: clip.chunk, bad: clip.excludedBy, spare: [] })
      const end: FileEnd = { file: file.index, sha256: file.sha256, rows: clip.chunk.rows, excluded: clip.excluded, excludedBy: clip.excludedBy }
      if (end.rows === 0) throw new EmptyFileError(name, `all ${file.rows} frames have NaN or Inf values in required metrics`)
      this.emit({ type: 'file-end', end })
      this.progress.report({ phase: 'read', file: file.index, name, rowsDone: this.progress.state.rowsDone + file.rows }, true)
    } catch (e) {
      this.fail(file.index, name, e)
    }
  }

  /** The user's source pattern, compiled once; an invalid one fails the file naming it. */
  private sourcePattern(file: string): SourcePattern {
    const text = this.opts.sourcePattern
    if (!text) return null
    try {
      return (this.compiled ??= sourcePattern(text))
    } catch (e) {
      throw new BadLogError(file, 'malformed', e instanceof Error ? e.message : String(e))
    }
  }

  private async hashInLine(file: ParquetFile): Promise<string> {
    this.progress.report({ phase: 'hash', file: file.index, name: file.src.name })
    const sha256 = await file.src.sha256()
    this.checkDuplicate(file, sha256)
    return sha256
  }

  private checkDuplicate(file: ParquetFile | LogFile, sha256: string): void {
    const first = this.seen.get(sha256)
    if (first !== undefined) {
      this.progress.state.rowsTotal -= file.rows
      throw new DuplicateFileError(file.src.name, sha256, first)
    }
    this.seen.set(sha256, file.src.name)
  }

  private async start(file: ParquetFile): Promise<void> {
    const s = file.schema
    const name = file.src.name
    const start: FileStart = {
      file: file.index,
      name,
      bytes: file.src.bytes,
      rows: file.rows,
      rowGroups: file.metadata.row_groups.length,
      target: s.target,
      features: [...s.features, ...s.extras],
      extrasAvailable: s.extrasAvailable,
      corpusTag: s.corpus ? null : (this.opts.corpus ?? 'nflx'),
      singleSource: s.group ? null : baseName(name),
      group: s.group,
    }
    await this.answered(this.emit({ type: 'file-start', start }))
    if (!s.group)
      this.emit({ type: 'warning', file: file.index, name, text: `no "source" or "key" column: all its rows form one source, "${start.singleSource}"` })
  }

  /** Hand a batch's chunk (in parts when huge) to the caller; its buffers return to the pool when the caller is done. */
  private async send(result: BatchResult): Promise<void> {
    const parts = this.opts.wholeChunks ? [result.chunk] : chunkParts(result.chunk)
    if (parts.length > 1) result.spare.push(...chunkBuffers(result.chunk))
    for (const part of parts) {
      if (!part.rows) continue
      const buffers = chunkBuffers(part)
      const back = this.emit({ type: 'chunk', chunk: part })
      if (back instanceof Promise) {
        // the next batch decodes once this chunk's buffers are back: one set of batch buffers
        // circulates, reused through the pool, instead of fresh ones while the last is away
        const reply = await this.answered(back)
        if (reply?.buffers) this.pool.release(reply.buffers)
      } else {
        this.pool.release(buffers)
        await this.answered(back)
      }
    }
    this.pool.release(result.spare)
  }

  /** Take the placement from the caller's answer (a failed answer, or one without it: none). */
  private async answered(back: ReturnType<Emit>): Promise<EmitReply | null> {
    const reply = back instanceof Promise ? await back.catch(() => null) : back
    this.placement = reply?.placement ?? null
    return reply ?? null
  }

  private fail(index: number, name: string, e: unknown, where?: { rowGroup?: number; column?: string }): void {
    const err = this.opts.signal?.aborted ? new LoadCancelledError(name) : asDataError(name, e, where)
    this.emit({ type: 'file-error', file: index, error: err.toJSON() })
  }
}

/** Add a batch's kept and excluded rows to the file's totals. */
function addCounts(end: FileEnd, batchRows: number, result: BatchResult): void {
  end.rows += result.chunk.rows
  end.excluded += batchRows - result.chunk.rows
  for (const [col, b] of Object.entries(result.bad)) {
    const acc = (end.excludedBy[col] ??= { nonFinite: 0, nulls: 0 })
    acc.nonFinite += b.nonFinite
    acc.nulls += b.nulls
  }
}

/** "data/run_07.parquet" → "run_07" (also for URLs). */
export function baseName(name: string): string {
  const last = name.split(/[?#]/)[0].split(/[\\/]/).filter(Boolean).pop() ?? name
  return last.replace(/\.parquet$/i, '') || name
}
