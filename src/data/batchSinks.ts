// The sinks one batch of row groups is decoded into (features, extras and target as floats, the
// grouping, key, corpus and frame index columns), and the RowChunk they become once the bad rows
// are dropped. Given a placement (placement.ts), the floats are written straight into the table's
// columns and the chunk names them instead of carrying them. Every other buffer comes from the
// pool and goes back to it when it is not in the chunk.
import type { RowChunk } from './chunk.ts'
import { chunkBuffers } from './chunk.ts'
import { CorruptFileError, UnknownCorpusError } from './errors.ts'
import type { Placement } from './placement.ts'
import type { BufferPool } from './pool.ts'
import type { FileSchema } from './schema.ts'
import { BadRows, CodeSink, CorpusSink, FloatSink, IntSink, compact, compactInPlace, type Sink } from './sinks.ts'

export interface BatchResult {
  chunk: RowChunk
  bad: Record<string, { nonFinite: number; nulls: number }>
  /** pooled buffers not part of the chunk (replaced by compacted copies, or scratch) */
  spare: ArrayBuffer[]
}

export class BatchSinks {
  /** sinks by column name */
  readonly byColumn = new Map<string, Sink>()
  readonly bad: BadRows
  private readonly floats: FloatSink[]
  private readonly source: CodeSink | null
  private readonly key: CodeSink | null
  private readonly corpus: CorpusSink | null
  private readonly frame: IntSink | null
  /** the float sinks writing into the table's columns */
  private readonly placed = new Set<FloatSink>()

  /** `place`: where the floats go in the table (the batch must fit it), else into pooled buffers */
  constructor(schema: FileSchema, rows: number, private readonly pool: BufferPool, private readonly place: Placement | null = null) {
    const s = schema
    this.bad = new BadRows(rows, pool)
    this.floats = [...s.features, ...s.extras, s.target].map((c) => {
      const col = place?.columns.get(c)
      if (!col || !place) return new FloatSink(c, new Float32Array(pool.take(rows * 4), 0, rows))
      const sink = new FloatSink(c, col.subarray(place.at, place.at + rows))
      this.placed.add(sink)
      return sink
    })
    this.source = s.group ? new CodeSink(s.group, rows, pool) : null
    this.key = s.key && s.key !== s.group ? new CodeSink(s.key, rows, pool) : null
    this.corpus = s.corpus ? new CorpusSink(s.corpus, rows, pool) : null
    this.frame = s.frameIndex ? new IntSink(s.frameIndex, rows, pool) : null
    for (const sink of [...this.floats, this.source, this.key, this.corpus, this.frame]) if (sink) this.byColumn.set(sink.column, sink)
  }

  /** whether this sink's column stands for the batch's rows in progress reports (the first feature) */
  countsRows(sink: Sink): boolean {
    return sink === this.floats[0]
  }

  /** Throws CorruptFileError when a column did not deliver all `filled` rows so far. */
  checkFilled(file: string, rowGroup: number, filled: number, groupRows: number): void {
    for (const sink of this.byColumn.values())
      if (sink.filled !== filled)
        throw new CorruptFileError(file, `row group ${rowGroup}: column "${sink.column}" has ${sink.filled + groupRows - filled} values, expected ${groupRows}`, {
          rowGroup,
          column: sink.column,
        })
  }

  /** Give every buffer back to the pool (after a failure). */
  discard(): void {
    this.pool.release(this.pooled())
  }

  /** The kept rows as a chunk, plus the pooled buffers it does not use; throws UnknownCorpusError for unknown corpus tags. */
  finish(file: { index: number; name: string }, rowGroup: number): BatchResult {
    const unknown = this.corpus?.finish() ?? []
    if (unknown.length) throw new UnknownCorpusError(file.name, unknown, rowGroup)
    const { bad, source, key, corpus, frame } = this
    const kept = bad.rows - bad.count()
    const values: Record<string, Float32Array> = {}
    for (const f of this.floats)
      if (this.placed.has(f)) compactInPlace(f.out, bad.mask, kept)
      else values[f.column] = compact(f.out, bad.mask, kept)
    const place = this.place
    const chunk: RowChunk = {
      file: file.index,
      rowGroup,
      rows: kept,
      values,
      placed: place && this.placed.size ? { at: place.at, epoch: place.epoch, columns: [...this.placed].map((f) => f.column) } : null,
      source: source ? { names: source.names, codes: compact(source.codes, bad.mask, kept) } : null,
      key: key ? { names: key.names, codes: compact(key.codes, bad.mask, kept) } : null,
      corpus: corpus ? compact(corpus.codes, bad.mask, kept) : null,
      frameIndex: frame ? compact(frame.out, bad.mask, kept) : null,
    }
    const inChunk = new Set(chunkBuffers(chunk))
    return { chunk, bad: bad.by, spare: this.pooled().filter((b) => !inChunk.has(b)) }
  }

  private pooled(): ArrayBuffer[] {
    const { floats, source, key, corpus, frame } = this
    // the placed floats are the table's own memory, never the pool's
    return [...floats.filter((f) => !this.placed.has(f)).map((f) => f.out), source?.codes, key?.codes, corpus?.codes, frame?.out]
      .filter((a) => a !== undefined)
      .map((a) => a.buffer as ArrayBuffer)
      .concat(corpus ? [corpus.scratch] : [], [this.bad.mask.buffer as ArrayBuffer])
  }
}
