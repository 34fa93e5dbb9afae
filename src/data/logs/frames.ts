// The frames of one libvmaf log as they are parsed: a frame number and a value per column (the
// lab's column names, see metricColumns). A metric missing from some frames reads NaN there, so
// those rows are excluded and counted like NaN rows of a parquet file.
import { metricColumns } from './naming.ts'

export class LogFrames {
  readonly frameNums: number[] = []
  private readonly columns = new Map<string, number[]>()
  /** raw metric names → column names, per distinct list of names (usually one per file) */
  private readonly mappings = new Map<string, (string | undefined)[]>()
  private lastNames: readonly string[] | null = null
  private lastMapping: (string | undefined)[] = []

  get count(): number {
    return this.frameNums.length
  }

  /** column names in first-seen order */
  get names(): string[] {
    return [...this.columns.keys()]
  }

  /** One frame: `values[i]` is the metric `names[i]` (libvmaf's spelling). */
  add(frameNum: number, names: readonly string[], values: ArrayLike<number>): void {
    const mapping = this.mappingOf(names)
    const row = this.frameNums.length
    this.frameNums.push(frameNum)
    for (let i = 0; i < mapping.length; i++) {
      const name = mapping[i]
      if (name === undefined) continue
      let col = this.columns.get(name)
      if (!col) this.columns.set(name, (col = new Array<number>(row).fill(NaN)))
      col.push(values[i])
    }
    for (const col of this.columns.values()) if (col.length === row) col.push(NaN)
  }

  /** A column as float32 (the precision of the lab's table), or null when no frame has it. */
  column(name: string): Float32Array | null {
    const col = this.columns.get(name)
    return col ? Float32Array.from(col) : null
  }

  private mappingOf(names: readonly string[]): (string | undefined)[] {
    if (names === this.lastNames) return this.lastMapping
    const sig = names.join('\u0000')
    let m = this.mappings.get(sig)
    if (!m) {
      const map = metricColumns(names)
      m = names.map((n) => map.get(n))
      this.mappings.set(sig, m)
    }
    this.lastNames = names
    this.lastMapping = m
    return m
  }
}

/** A parser fed the log's text piece by piece; `end` reports what an incomplete log lacks. */
export interface LogParser {
  push(text: string): void
  end(): void
}
