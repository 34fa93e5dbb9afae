// Turns what hyparquet decodes into our columnar form, piece by piece as pages arrive:
//   REQUIRED FLOAT      → a Float32Array view of the page: copied as is, then scanned for NaN/Inf
//   DOUBLE / INT32      → typed arrays, converted element-wise
//   INT64               → BigInt64Array: Number() per value
//   OPTIONAL, or dictionary-encoded numbers → plain JS arrays that may hold null
//   strings             → arrays of (dictionary-shared) string references: coded against a local
//                         dictionary, comparing with the previous row first since rows come sorted
// Every sink marks rows it cannot keep (null, NaN, ±Inf) in a shared per-row-group mask.
import type { DecodedArray } from 'hyparquet'
import { CORPORA } from './table.ts'

/** never equal to a decoded value: the "previous row" before the first row */
const NONE = Symbol('none')

export interface BadCount {
  nonFinite: number
  nulls: number
}

/** Rows of one row group that must be dropped, and why, per column. */
export class BadRows {
  readonly mask: Uint8Array
  readonly by: Record<string, BadCount> = {}
  constructor(readonly rows: number) {
    this.mask = new Uint8Array(rows)
  }
  mark(column: string, row: number, isNull: boolean): void {
    this.mask[row] = 1
    const b = (this.by[column] ??= { nonFinite: 0, nulls: 0 })
    if (isNull) b.nulls++
    else b.nonFinite++
  }
  count(): number {
    let n = 0
    for (let i = 0; i < this.rows; i++) n += this.mask[i]
    return n
  }
}

export interface Sink {
  readonly column: string
  /** values received so far (to check each column delivered the whole row group) */
  filled: number
  write(piece: DecodedArray, offset: number, bad: BadRows): void
}

export class FloatSink implements Sink {
  readonly out: Float32Array
  filled = 0
  constructor(
    readonly column: string,
    rows: number,
  ) {
    this.out = new Float32Array(rows)
  }

  write(piece: DecodedArray, offset: number, bad: BadRows): void {
    const n = piece.length
    const out = this.out
    if (Array.isArray(piece)) {
      // OPTIONAL or dictionary-decoded: plain values that may be null
      for (let i = 0; i < n; i++) {
        const v: unknown = piece[i]
        if (v === null || v === undefined) {
          out[offset + i] = NaN
          bad.mark(this.column, offset + i, true)
          continue
        }
        const x = (out[offset + i] = typeof v === 'number' ? v : Number(v))
        if (x - x !== 0) bad.mark(this.column, offset + i, false)
      }
    } else {
      if (piece instanceof BigInt64Array || piece instanceof BigUint64Array) {
        for (let i = 0; i < n; i++) out[offset + i] = Number(piece[i])
      } else {
        out.set(piece as ArrayLike<number>, offset) // Float32: a copy; Float64/Int32: converted
      }
      // x - x is 0 for every finite float and NaN for NaN and ±Inf (also catches float64 overflow to Inf)
      for (let i = offset, end = offset + n; i < end; i++) {
        const x = out[i]
        if (x - x !== 0) bad.mark(this.column, i, false)
      }
    }
    this.filled += n
  }
}

export class CodeSink implements Sink {
  readonly names: string[] = []
  private readonly index = new Map<string, number>()
  readonly codes: Uint32Array
  filled = 0
  constructor(
    readonly column: string,
    rows: number,
  ) {
    this.codes = new Uint32Array(rows)
  }

  write(piece: DecodedArray, offset: number, bad: BadRows): void {
    const arr = piece as ArrayLike<unknown>
    const codes = this.codes
    let last: unknown = NONE
    let lastCode = 0
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i]
      if (v !== last) {
        if (v === null || v === undefined) {
          bad.mark(this.column, offset + i, true)
          codes[offset + i] = 0
          continue
        }
        const s = typeof v === 'string' ? v : String(v)
        let c = this.index.get(s)
        if (c === undefined) {
          c = this.names.length
          this.names.push(s)
          this.index.set(s, c)
        }
        last = v
        lastCode = c
      }
      codes[offset + i] = lastCode
    }
    this.filled += arr.length
  }
}

export class CorpusSink implements Sink {
  readonly codes: Uint8Array
  readonly unknown = new Set<string>()
  filled = 0
  constructor(
    readonly column: string,
    rows: number,
  ) {
    this.codes = new Uint8Array(rows)
  }

  write(piece: DecodedArray, offset: number, bad: BadRows): void {
    const arr = piece as ArrayLike<unknown>
    let last: unknown = NONE
    let lastCode = 0
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i]
      if (v !== last) {
        if (v === null || v === undefined) {
          bad.mark(this.column, offset + i, true)
          continue
        }
        const c = (CORPORA as readonly unknown[]).indexOf(v)
        if (c < 0) this.unknown.add(String(v))
        last = v
        lastCode = Math.max(c, 0)
      }
      this.codes[offset + i] = lastCode
    }
    this.filled += arr.length
  }
}

export class IntSink implements Sink {
  readonly out: Int32Array
  filled = 0
  constructor(
    readonly column: string,
    rows: number,
  ) {
    this.out = new Int32Array(rows)
  }

  write(piece: DecodedArray, offset: number): void {
    const n = piece.length
    if (piece instanceof Int32Array) this.out.set(piece, offset)
    else {
      // nulls in an optional frame_index are not fatal: -1 means "unknown", as for files without it
      const arr = piece as ArrayLike<unknown>
      for (let i = 0; i < n; i++) {
        const v = arr[i]
        this.out[offset + i] = v === null || v === undefined ? -1 : Number(v)
      }
    }
    this.filled += n
  }
}

/** Keep only the rows whose mask is 0 (returns the input when nothing is dropped). */
export function compact<T extends Float32Array | Uint32Array | Uint8Array | Int32Array>(a: T, mask: Uint8Array, kept: number): T {
  if (kept === a.length) return a
  const out = new (a.constructor as new (n: number) => T)(kept)
  let j = 0
  for (let i = 0; i < a.length; i++) if (mask[i] === 0) out[j++] = a[i]
  return out
}
