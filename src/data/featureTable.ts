// The loaded rows, columnar: a Float32Array per feature and for the target, dictionary codes for
// sources, clip keys and corpora. It grows shard by shard: the loader reserves the rows a batch of
// files announces in their metadata (one allocation, no doubling), then appends row-group chunks.
// A file's rows are contiguous, so a file that fails half-way is rolled back exactly.
//
// Source and clip-key codes are 16-bit while their dictionaries fit (codeColumn.ts); frame_index
// is held as runs of consecutive frames (frameRuns.ts).
//
// The reader may write a batch's feature and target values straight into the columns past the
// loaded rows (placement(), src/data/placement.ts); its chunk then names those columns, and
// append checks they were written where the rows go, in the columns the table still has.
//
// Accessors return views of length `rows` over the backing arrays (no copies); they stay valid
// until the next append, reserve or rollback, so consumers read them after loading settles.
// frameIndex() is the exception: it decodes the runs into a fresh array on every call.
import type { FileEnd, FileStart, RowChunk } from './chunk.ts'
import { sharedFloatArrays } from '../base/sharedMemory.ts'
import { CodeColumn } from './codeColumn.ts'
import type { Placement } from './placement.ts'
import { FrameRuns } from './frameRuns.ts'
import { DEFAULT_TARGET, FEATURES } from './schema.ts'
import { RunningStats } from './tableStats.ts'
import { CORPORA, type CodeArray, type Corpus, type LoadedFile, type TableView } from './table.ts'

export interface ColumnSummary {
  name: string
  min: number
  mean: number
  max: number
}

export interface TableSummary {
  rows: number
  features: ColumnSummary[]
  target: ColumnSummary
  sources: { name: string; frames: number; corpus: Corpus | 'mixed' }[]
  corpora: { corpus: Corpus; rows: number }[]
}

/** Position to roll a table back to when a file fails half-way. */
export interface FileMark {
  readonly rowStart: number
  readonly sources: number
  readonly keys: number
  readonly files: number
  start: FileStart
}

export interface FeatureTableOptions {
  /** 'shared': the feature and target columns live in one shared WebAssembly memory, where this
   *  context can share memory, so the WebAssembly trainer's workers read them in place
   *  (src/model/sharedData.ts) instead of a copy; 'own' (default): ordinary arrays */
  columns?: 'shared' | 'own'
}

export class FeatureTable implements TableView {
  private n = 0
  private cap = 0
  private readonly cols = new Map<string, Float32Array>()
  private readonly src = new CodeColumn()
  private readonly key = new CodeColumn()
  private corp = new Uint8Array(0)
  private readonly frames = new FrameRuns()
  private readonly loaded: LoadedFile[] = []
  private features: string[]
  private extrasSeen: string[] | null = null
  private cached: { version: number; summary: TableSummary } | null = null
  private readonly running = new RunningStats()
  /** bumped on every change */
  version = 0
  /** bumped whenever the float columns move (a new allocation, a trim of own columns) */
  private columnsEpoch = 0

  private readonly columnMemory: 'shared' | 'own'

  constructor(
    readonly targetName: string = DEFAULT_TARGET,
    extras: readonly string[] = [],
    opts: FeatureTableOptions = {},
  ) {
    this.columnMemory = opts.columns ?? 'own'
    this.features = [...FEATURES, ...extras.filter((e) => !FEATURES.includes(e) && e !== targetName)]
    for (const f of [...this.features, targetName]) this.cols.set(f, new Float32Array(0))
  }

  get rows(): number {
    return this.n
  }
  get featureNames(): readonly string[] {
    return this.features
  }
  /** the loaded extra features (featureNames after the canonical six) */
  get extras(): readonly string[] {
    return this.features.slice(FEATURES.length)
  }
  /** numeric columns present in every loaded file that could be loaded as extra features */
  get extrasAvailable(): readonly string[] {
    return this.extrasSeen ?? []
  }
  get files(): readonly LoadedFile[] {
    return this.loaded
  }
  get sourceNames(): readonly string[] {
    return this.src.names
  }
  get keyNames(): readonly string[] {
    return this.key.names
  }
  /** bytes held for the loaded rows (features, target, codes at their width, frame runs) */
  get loadedBytes(): number {
    return this.n * this.bytesPerRow() + this.frames.bytes
  }
  /** bytes allocated, including reserved capacity */
  get allocatedBytes(): number {
    return this.cap * this.bytesPerRow() + this.frames.allocatedBytes
  }
  /** bytes per row of the per-row columns (all but the frame runs) */
  private bytesPerRow(): number {
    return Float32Array.BYTES_PER_ELEMENT * this.cols.size + this.src.bytesPerRow + this.key.bytesPerRow + Uint8Array.BYTES_PER_ELEMENT
  }

  feature(name: string): Float32Array {
    if (name === this.targetName || !this.features.includes(name))
      throw new RangeError(`no feature "${name}" (loaded: ${this.features.join(', ')})`)
    return this.cols.get(name)!.subarray(0, this.n)
  }
  target(): Float32Array {
    return this.cols.get(this.targetName)!.subarray(0, this.n)
  }
  sourceCodes(): CodeArray {
    return this.src.view(this.n)
  }
  corpusCodes(): Uint8Array {
    return this.corp.subarray(0, this.n)
  }
  keyCodes(): CodeArray {
    return this.key.view(this.n)
  }
  frameIndex(rows?: ArrayLike<number>): Int32Array {
    return this.frames.values(rows)
  }

  matrix(features: readonly string[], rows?: ArrayLike<number>): Float32Array {
    const cols = features.map((f) => this.feature(f))
    const nf = cols.length
    const count = rows ? rows.length : this.n
    const out = new Float32Array(count * nf)
    for (let f = 0; f < nf; f++) {
      const c = cols[f]
      if (rows) for (let i = 0; i < count; i++) out[i * nf + f] = c[rows[i]]
      else for (let i = 0; i < count; i++) out[i * nf + f] = c[i]
    }
    return out
  }

  // ---- growth -------------------------------------------------------------------------------

  /** Make room for `more` rows beyond those loaded, in one allocation. */
  reserve(more: number): void {
    const need = this.n + more
    if (need <= this.cap) return
    const names = [...this.cols.keys()]
    const fresh = this.newFloatColumns(names.length, need)
    names.forEach((name, i) => {
      const b = fresh[i]
      b.set(this.cols.get(name)!.subarray(0, this.n))
      this.cols.set(name, b)
    })
    this.columnsEpoch++
    this.src.reserve(need, this.n)
    this.key.reserve(need, this.n)
    const corp = new Uint8Array(need)
    corp.set(this.corp.subarray(0, this.n))
    this.corp = corp
    this.cap = need
  }

  /** `count` float columns of `rows` each: in one new shared memory when asked for and possible. */
  private newFloatColumns(count: number, rows: number): Float32Array[] {
    const shared = this.columnMemory === 'shared' ? sharedFloatArrays(new Array<number>(count).fill(rows)) : null
    return shared ?? Array.from({ length: count }, () => new Float32Array(rows))
  }

  /** Release reserved capacity that was not used (e.g. after bad rows or a skipped file). */
  trim(): void {
    this.trimFrameRuns()
    if (this.cap === this.n) return
    // shared columns stay where they are: the pages past the rows were never written, so they
    // hold no memory, and a copy would lose the sharing
    if (this.columnMemory === 'own') {
      for (const [name, a] of this.cols) this.cols.set(name, a.slice(0, this.n))
      this.columnsEpoch++
    }
    this.src.trim(this.n)
    this.key.trim(this.n)
    this.corp = this.corp.slice(0, this.n)
    this.cap = this.n
  }

  /** Release the frame runs' spare capacity only (a copy of the runs, not of the row columns). */
  trimFrameRuns(): void {
    this.frames.trim()
  }

  beginFile(start: FileStart): FileMark {
    if (start.target !== this.targetName)
      throw new Error(`${start.name}: target "${start.target}" does not match the table's "${this.targetName}"`)
    return {
      rowStart: this.n,
      sources: this.src.names.length,
      keys: this.key.names.length,
      files: this.loaded.length,
      start,
    }
  }

  /** Drop an extra feature (a newly loaded file lacks it, so it is no longer present in all files). */
  dropFeature(name: string): void {
    if (FEATURES.includes(name) || !this.features.includes(name)) return
    this.features = this.features.filter((f) => f !== name)
    this.cols.delete(name)
    this.touch()
  }

  /** Where the next rows' feature and target values can be written in place (placement.ts). */
  placement(): Placement {
    const columns = new Map([...this.features, this.targetName].map((name) => [name, this.cols.get(name)!]))
    return { at: this.n, capacity: this.cap, epoch: this.columnsEpoch, columns }
  }

  append(mark: FileMark, chunk: RowChunk): void {
    const m = chunk.rows
    if (m === 0) return
    const placed = chunk.placed
    if (placed && (placed.at !== this.n || placed.epoch !== this.columnsEpoch || placed.at + m > this.cap))
      throw new Error(`${mark.start.name}: rows were written in place at row ${placed.at} (columns ${placed.epoch}), but the table takes them at row ${this.n} (columns ${this.columnsEpoch}, room for ${this.cap - this.n})`)
    this.reserve(m)
    const at = this.n
    for (const name of [...this.features, this.targetName]) {
      if (placed?.columns.includes(name)) continue
      const v = chunk.values[name]
      if (!v || v.length !== m) throw new Error(`${mark.start.name}: chunk lacks column "${name}"`)
      this.cols.get(name)!.set(v, at)
    }
    for (const s of [chunk.source, chunk.key])
      if (s && s.codes.length !== m) throw new Error(`${mark.start.name}: chunk has ${s.codes.length} codes for ${m} rows`)
    if (chunk.frameIndex && chunk.frameIndex.length !== m)
      throw new Error(`${mark.start.name}: chunk has ${chunk.frameIndex.length} frame indexes for ${m} rows`)
    const whole = mark.start.singleSource ?? mark.start.name
    if (chunk.source) this.src.setCoded(at, chunk.source)
    else this.src.setName(at, m, whole)
    // the clip key falls back to the source
    const keySrc = chunk.key ?? chunk.source
    if (keySrc) this.key.setCoded(at, keySrc)
    else this.key.setName(at, m, whole)
    if (chunk.corpus) this.corp.set(chunk.corpus, at)
    else this.corp.fill(CORPORA.indexOf(mark.start.corpusTag ?? 'nflx'), at, at + m)
    this.frames.append(chunk.frameIndex, m)
    this.n += m
    this.touch()
  }

  commitFile(mark: FileMark, end: FileEnd): LoadedFile {
    const rows = this.n - mark.rowStart
    let corpus: LoadedFile['corpus'] = mark.start.corpusTag ?? 'nflx'
    if (!mark.start.corpusTag) {
      const c = this.corp
      const first = c[mark.rowStart]
      let same = true
      for (let i = mark.rowStart + 1; i < this.n && same; i++) same = c[i] === first
      corpus = same ? CORPORA[first] : 'mixed'
    }
    const file: LoadedFile = {
      name: mark.start.name,
      sha256: end.sha256,
      bytes: mark.start.bytes,
      rows,
      excludedRows: end.excluded,
      corpus,
      rowStart: mark.rowStart,
    }
    this.loaded.push(file)
    this.extrasSeen = this.extrasSeen
      ? this.extrasSeen.filter((e) => mark.start.extrasAvailable.includes(e))
      : [...mark.start.extrasAvailable]
    this.touch()
    return file
  }

  /** Forget everything appended since `mark` (the file failed or was cancelled). */
  rollback(mark: FileMark): void {
    this.n = mark.rowStart
    this.src.truncate(mark.sources, this.n)
    this.key.truncate(mark.keys, this.n)
    this.frames.truncate(this.n)
    this.loaded.length = mark.files
    this.running.reset()
    this.touch()
  }

  // ---- summaries (for the data panel) -------------------------------------------------------

  summary(): TableSummary {
    if (this.cached?.version === this.version) return this.cached.summary
    const columns = [...this.features, this.targetName]
    const stats = this.running
    stats.update(
      { rows: this.n, column: (c) => this.cols.get(c)!, sourceCodes: () => this.src.view(this.n), corpusCodes: () => this.corp },
      columns,
      this.src.names.length,
    )
    const summary: TableSummary = {
      rows: this.n,
      features: this.features.map((f) => stats.column(f)),
      target: stats.column(this.targetName),
      sources: stats.sources(this.src.names),
      corpora: stats.corpora(),
    }
    this.cached = { version: this.version, summary }
    return summary
  }

  /** Counts of the target in `bins` equal-width bins over [lo, hi] (default: the target's range). */
  histogram(bins: number, lo?: number, hi?: number): { edges: Float64Array; counts: Uint32Array } {
    const s = this.summary().target
    const a = lo ?? (Number.isFinite(s.min) ? s.min : 0)
    let b = hi ?? (Number.isFinite(s.max) ? s.max : 1)
    if (b <= a) b = a + 1
    const edges = new Float64Array(bins + 1)
    for (let i = 0; i <= bins; i++) edges[i] = a + ((b - a) * i) / bins
    return { edges, counts: this.running.histogram(this.target(), bins, a, b) }
  }

  private touch(): void {
    this.version++
  }
}
