// The frame_index of a FeatureTable's rows, as runs. Within a run a non-negative frame index counts
// up by one per row and a negative one (-1: the file has none) repeats; any other value starts a
// new run. A run is its first row and that row's value (8 bytes), so a file of consecutive frames
// costs one run per clip. Worst case — every row breaks the run (shuffled or strided frames) — it
// costs twice a plain Int32Array; trim() drops the spare run capacity that growth leaves.
//
// Rows are appended chunk by chunk and truncated to any row count (a rollback), which keeps the
// runs that start before it and ends the last one there, so nothing is rewritten.

/** What the row after a row of value `v` continues its run with. */
function nextInRun(v: number): number {
  return v < 0 ? v : v + 1
}

/** Calls `visit` for every row of `values` that starts a new run, given what the row before it continues with. */
function forEachBreak(values: ArrayLike<number>, next: number, visit: (row: number, value: number) => void): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v !== next) visit(i, v)
    next = nextInRun(v)
  }
}

export class FrameRuns {
  private rows = 0
  private runs = 0
  /** first row of each run */
  private start = new Uint32Array(0)
  /** frame index of each run's first row */
  private first = new Int32Array(0)

  get length(): number {
    return this.rows
  }
  get runCount(): number {
    return this.runs
  }
  /** bytes the runs take */
  get bytes(): number {
    return this.runs * (Uint32Array.BYTES_PER_ELEMENT + Int32Array.BYTES_PER_ELEMENT)
  }
  /** bytes allocated for runs, spare capacity included */
  get allocatedBytes(): number {
    return this.start.byteLength + this.first.byteLength
  }

  /** Append `count` rows: their frame indexes, or -1 each when `values` is null. */
  append(values: ArrayLike<number> | null, count: number): void {
    if (values && values.length !== count) throw new RangeError(`${values.length} frame indexes for ${count} rows`)
    const next = this.nextValue()
    const at = this.rows
    if (!values) {
      if (count > 0 && next !== -1) this.push(at, -1)
    } else {
      let breaks = 0
      forEachBreak(values, next, () => breaks++)
      this.ensure(this.runs + breaks)
      forEachBreak(values, next, (i, v) => this.push(at + i, v))
    }
    this.rows += count
  }

  /** Keep the first `rows` rows. */
  truncate(rows: number): void {
    if (rows >= this.rows) return
    this.runs = this.runsBefore(rows)
    this.rows = rows
  }

  /** Hold exactly the runs there are. */
  trim(): void {
    if (this.start.length === this.runs) return
    this.start = this.start.slice(0, this.runs)
    this.first = this.first.slice(0, this.runs)
  }

  /** A fresh array of the frame indexes of all rows, or of `rows` in that order. */
  values(rows?: ArrayLike<number>): Int32Array {
    return rows ? this.picked(rows) : this.all()
  }

  private all(): Int32Array {
    const out = new Int32Array(this.rows)
    for (let r = 0; r < this.runs; r++) {
      const a = this.start[r]
      const b = r + 1 < this.runs ? this.start[r + 1] : this.rows
      const f = this.first[r]
      if (f < 0) out.fill(f, a, b)
      else for (let i = a; i < b; i++) out[i] = f + (i - a)
    }
    return out
  }

  private picked(rows: ArrayLike<number>): Int32Array {
    const out = new Int32Array(rows.length)
    let run = 0
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]
      if (!(row >= 0 && row < this.rows)) throw new RangeError(`row ${row} of ${this.rows}`)
      // rows in order mostly stay in the run of the row before
      if (!(row >= this.start[run] && (run + 1 === this.runs || row < this.start[run + 1]))) run = this.runsBefore(row + 1) - 1
      const f = this.first[run]
      out[i] = f < 0 ? f : f + (row - this.start[run])
    }
    return out
  }

  /** How many runs start before row `row`. */
  private runsBefore(row: number): number {
    let lo = 0
    let hi = this.runs
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.start[mid] < row) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** What the next appended row would continue the last run with (NaN: no run yet). */
  private nextValue(): number {
    if (this.runs === 0) return NaN
    const last = this.runs - 1
    const f = this.first[last]
    return f < 0 ? f : f + (this.rows - this.start[last])
  }

  private push(row: number, value: number): void {
    this.ensure(this.runs + 1)
    this.start[this.runs] = row
    this.first[this.runs] = value
    this.runs++
  }

  private ensure(runs: number): void {
    if (runs <= this.start.length) return
    const capacity = Math.max(runs, this.start.length + (this.start.length >> 1))
    const start = new Uint32Array(capacity)
    const first = new Int32Array(capacity)
    start.set(this.start.subarray(0, this.runs))
    first.set(this.first.subarray(0, this.runs))
    this.start = start
    this.first = first
  }
}
