// The loaded rows, columnar: a Float32Array per feature and for the target, dictionary codes for
// sources, clip keys and corpora. It grows shard by shard: the loader reserves the rows a batch of
// files announces in their metadata (one allocation, no doubling), then appends row-group chunks.
// A file's rows are contiguous, so a file that fails half-way is rolled back exactly.
//
// Accessors return views of length `rows` over the backing arrays (no copies); they stay valid
// until the next append, reserve or rollback, so consumers read them after loading settles.
import type { CodedStrings, FileEnd, FileStart, RowChunk } from './chunk.ts'
import { sharedFloatArrays } from '../base/sharedMemory.ts'
import { Dictionary } from './dictionary.ts'
import { DEFAULT_TARGET, FEATURES } from './schema.ts'
import { RunningStats } from './tableStats.ts'
import { CORPORA, type Corpus, type LoadedFile, type TableView } from './table.ts'

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
  private src = new Uint32Array(0)
  private key = new Uint32Array(0)
  private corp = new Uint8Array(0)
  private fidx = new Int32Array(0)
  private readonly srcDict = new Dictionary()
  private readonly keyDict = new Dictionary()
  private readonly loaded: LoadedFile[] = []
  private features: string[]
  private extrasSeen: string[] | null = null
  private cached: { version: number; summary: TableSummary } | null = null
  private readonly running = new RunningStats()
  /** bumped on every change */
  version = 0

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
    return this.srcDict.names
  }
  get keyNames(): readonly string[] {
    return this.keyDict.names
  }
  /** bytes held for the loaded rows (features, target, codes, frame index) */
  get loadedBytes(): number {
    return this.n * (4 * this.cols.size + 4 + 4 + 1 + 4)
  }
  /** bytes allocated, including reserved capacity */
  get allocatedBytes(): number {
    return this.cap * (4 * this.cols.size + 4 + 4 + 1 + 4)
  }

  feature(name: string): Float32Array {
    if (name === this.targetName || !this.features.includes(name))
      throw new RangeError(`no feature "${name}" (loaded: ${this.features.join(', ')})`)
    return this.cols.get(name)!.subarray(0, this.n)
  }
  target(): Float32Array {
    return this.cols.get(this.targetName)!.subarray(0, this.n)
  }
  sourceCodes(): Uint32Array {
    return this.src.subarray(0, this.n)
  }
  corpusCodes(): Uint8Array {
    return this.corp.subarray(0, this.n)
  }
  keyCodes(): Uint32Array {
    return this.key.subarray(0, this.n)
  }
  frameIndex(): Int32Array {
    return this.fidx.subarray(0, this.n)
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
    const grow = <T extends Float32Array | Uint32Array | Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(need)
      b.set(a.subarray(0, this.n))
      return b
    }
    const names = [...this.cols.keys()]
    const fresh = this.newFloatColumns(names.length, need)
    names.forEach((name, i) => {
      const b = fresh[i]
      b.set(this.cols.get(name)!.subarray(0, this.n))
      this.cols.set(name, b)
    })
    this.src = grow(this.src, (k) => new Uint32Array(k))
    this.key = grow(this.key, (k) => new Uint32Array(k))
    this.corp = grow(this.corp, (k) => new Uint8Array(k))
    this.fidx = grow(this.fidx, (k) => new Int32Array(k))
    this.cap = need
  }

  /** `count` float columns of `rows` each: in one new shared memory when asked for and possible. */
  private newFloatColumns(count: number, rows: number): Float32Array[] {
    const shared = this.columnMemory === 'shared' ? sharedFloatArrays(new Array<number>(count).fill(rows)) : null
    return shared ?? Array.from({ length: count }, () => new Float32Array(rows))
  }

  /** Release reserved capacity that was not used (e.g. after bad rows or a skipped file). */
  trim(): void {
    if (this.cap === this.n) return
    const shrink = <T extends Float32Array | Uint32Array | Uint8Array | Int32Array>(a: T): T => a.slice(0, this.n) as T
    // shared columns stay where they are: the pages past the rows were never written, so they
    // hold no memory, and a copy would lose the sharing
    if (this.columnMemory === 'own') for (const [name, a] of this.cols) this.cols.set(name, shrink(a))
    this.src = shrink(this.src)
    this.key = shrink(this.key)
    this.corp = shrink(this.corp)
    this.fidx = shrink(this.fidx)
    this.cap = this.n
  }

  beginFile(start: FileStart): FileMark {
    if (start.target !== this.targetName)
      throw new Error(`${start.name}: target "${start.target}" does not match the table's "${this.targetName}"`)
    return {
      rowStart: this.n,
      sources: this.srcDict.names.length,
      keys: this.keyDict.names.length,
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

  append(mark: FileMark, chunk: RowChunk): void {
    const m = chunk.rows
    if (m === 0) return
    this.reserve(m)
    const at = this.n
    for (const name of [...this.features, this.targetName]) {
      const v = chunk.values[name]
      if (!v || v.length !== m) throw new Error(`${mark.start.name}: chunk lacks column "${name}"`)
      this.cols.get(name)!.set(v, at)
    }
    const src = this.src.subarray(at, at + m)
    const key = this.key.subarray(at, at + m)
    if (chunk.source) recode(chunk.source, this.srcDict, src)
    else src.fill(this.srcDict.code(mark.start.singleSource ?? mark.start.name))
    // the clip key falls back to the source
    const keySrc = chunk.key ?? chunk.source
    if (keySrc) recode(keySrc, this.keyDict, key)
    else key.fill(this.keyDict.code(mark.start.singleSource ?? mark.start.name))
    if (chunk.corpus) this.corp.set(chunk.corpus, at)
    else this.corp.fill(CORPORA.indexOf(mark.start.corpusTag ?? 'nflx'), at, at + m)
    if (chunk.frameIndex) this.fidx.set(chunk.frameIndex, at)
    else this.fidx.fill(-1, at, at + m)
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
    this.srcDict.truncate(mark.sources)
    this.keyDict.truncate(mark.keys)
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
      { rows: this.n, column: (c) => this.cols.get(c)!, sourceCodes: () => this.src, corpusCodes: () => this.corp },
      columns,
      this.srcDict.names.length,
    )
    const summary: TableSummary = {
      rows: this.n,
      features: this.features.map((f) => stats.column(f)),
      target: stats.column(this.targetName),
      sources: stats.sources(this.srcDict.names),
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

function recode(strings: CodedStrings, dict: Dictionary, out: Uint32Array): void {
  const map = new Uint32Array(strings.names.length)
  for (let i = 0; i < map.length; i++) map[i] = dict.code(strings.names[i])
  const codes = strings.codes
  for (let i = 0; i < codes.length; i++) out[i] = map[codes[i]]
}
