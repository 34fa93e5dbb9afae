// Running statistics of a growing FeatureTable: per-column min/mean/max, frames per source, rows per
// corpus, and the target's histogram. While a large file streams in, the Data panel asks for them
// after every few chunks; each call only folds in the rows appended since the last one, so a load
// costs O(rows) in all instead of O(rows) per repaint. A rollback (a file failed half-way) or a
// dropped column starts them over. Sums run in row order in float64, as a single pass would.
import { CORPORA, type CodeArray } from './table.ts'

interface ColumnRun {
  min: number
  max: number
  sum: number
}

export interface StatsSource {
  readonly rows: number
  column(name: string): Float32Array
  sourceCodes(): CodeArray
  corpusCodes(): Uint8Array
}

export class RunningStats {
  /** rows folded in so far */
  private done = 0
  private readonly cols = new Map<string, ColumnRun>()
  private frames = new Uint32Array(0)
  /** per source: its corpus code, -1 none yet, -2 mixed */
  private srcCorpus = new Int16Array(0)
  private readonly perCorpus = new Uint32Array(CORPORA.length)
  private hist: { bins: number; lo: number; hi: number; done: number; counts: Uint32Array } | null = null

  /** Forget everything (rows were rolled back or columns changed). */
  reset(): void {
    this.done = 0
    this.cols.clear()
    this.frames = new Uint32Array(0)
    this.srcCorpus = new Int16Array(0)
    this.perCorpus.fill(0)
    this.hist = null
  }

  /** Fold in rows up to `t.rows` for `columns`, with `sources` source names known. */
  update(t: StatsSource, columns: readonly string[], sources: number): void {
    const n = t.rows
    if (n < this.done || columns.some((c) => !this.cols.has(c) && this.done > 0)) this.reset()
    for (const name of columns) {
      const a = t.column(name)
      const run = this.cols.get(name) ?? { min: Infinity, max: -Infinity, sum: 0 }
      let { min, max, sum } = run
      for (let i = this.done; i < n; i++) {
        const v = a[i]
        if (v < min) min = v
        if (v > max) max = v
        sum += v
      }
      this.cols.set(name, { min, max, sum })
    }
    if (this.frames.length < sources) {
      const f = new Uint32Array(sources)
      f.set(this.frames)
      const c = new Int16Array(sources).fill(-1)
      c.set(this.srcCorpus)
      this.frames = f
      this.srcCorpus = c
    }
    const src = t.sourceCodes()
    const corp = t.corpusCodes()
    for (let i = this.done; i < n; i++) {
      const s = src[i]
      const c = corp[i]
      this.frames[s]++
      this.perCorpus[c]++
      this.srcCorpus[s] = this.srcCorpus[s] === -1 || this.srcCorpus[s] === c ? c : -2
    }
    this.done = n
  }

  column(name: string): { name: string; min: number; mean: number; max: number } {
    const r = this.cols.get(name)
    const n = this.done
    if (!r || !n) return { name, min: NaN, mean: NaN, max: NaN }
    return { name, min: r.min, mean: r.sum / n, max: r.max }
  }

  sources(names: readonly string[]): { name: string; frames: number; corpus: (typeof CORPORA)[number] | 'mixed' }[] {
    return names.map((name, s) => ({ name, frames: this.frames[s] ?? 0, corpus: this.srcCorpus[s] >= 0 ? CORPORA[this.srcCorpus[s]] : 'mixed' }))
  }

  corpora(): { corpus: (typeof CORPORA)[number]; rows: number }[] {
    return CORPORA.map((corpus, c) => ({ corpus, rows: this.perCorpus[c] })).filter((c) => c.rows > 0)
  }

  /**
   * Counts of `values` in `bins` equal-width bins over [lo, hi]: the rows added since the last
   * call with the same bins and range are counted on top of the earlier counts.
   */
  histogram(values: Float32Array, bins: number, lo: number, hi: number): Uint32Array {
    let h = this.hist
    if (!h || h.bins !== bins || h.lo !== lo || h.hi !== hi || h.done > values.length)
      h = this.hist = { bins, lo, hi, done: 0, counts: new Uint32Array(bins) }
    const scale = bins / (hi - lo)
    const counts = h.counts
    for (let i = h.done; i < values.length; i++) {
      const k = Math.floor((values[i] - lo) * scale)
      if (k >= 0 && k <= bins) counts[Math.min(k, bins - 1)]++
    }
    h.done = values.length
    return counts.slice()
  }
}
