// Sinks: where one column of one row group lands, in our columnar form (Float32Array features,
// Uint32Array codes into a local dictionary for strings, Uint8Array corpus codes, Int32Array
// frame index). Two ways in:
//   - the page decoder (pages.ts) hands over what the file stores: a dictionary page once, then per
//     data page either plain values (typed arrays, views of the page) or dictionary indices, plus
//     definition levels for OPTIONAL columns. Strings are never materialised per row and nulls
//     never go through plain JS arrays.
//   - the hyparquet fallback (`write`) hands over decoded values: typed arrays, or JS arrays that
//     may hold null (OPTIONAL columns), bigint (INT64) or strings.
// Every sink marks the rows it cannot keep (null, NaN, ±Inf) in a shared per-row-group mask.
import type { DecodedArray } from 'hyparquet'
import { Dictionary } from './dictionary.ts'
import type { BufferPool } from './pool.ts'
import { CORPORA } from './table.ts'

/** never equal to a decoded value: the "previous row" before the first row */
const NONE = Symbol('none')
const utf8 = new TextDecoder()

export interface BadCount {
  nonFinite: number
  nulls: number
}

/** Rows of one row group that must be dropped, and why, per column. */
export class BadRows {
  readonly mask: Uint8Array
  readonly by: Record<string, BadCount> = {}
  private n = 0
  /** the mask from `pool` when given (zeroed here; it goes back with the batch's other buffers) */
  constructor(readonly rows: number, pool?: BufferPool) {
    this.mask = pool ? new Uint8Array(pool.take(rows), 0, rows).fill(0) : new Uint8Array(rows)
  }
  mark(column: string, row: number, isNull: boolean): void {
    if (!this.mask[row]) this.n++
    this.mask[row] = 1
    const b = (this.by[column] ??= { nonFinite: 0, nulls: 0 })
    if (isNull) b.nulls++
    else b.nonFinite++
  }
  /** rows marked bad */
  count(): number {
    return this.n
  }
}

/**
 * `defs`, when given, has one entry per row of the page (1: a value is stored, 0: null); the
 * values (or indices) then hold only the stored ones. Without `defs` every row has a value.
 */
export interface Sink {
  readonly column: string
  /** rows received so far (to check each column delivered the whole row group) */
  filled: number
  /** a dictionary page: the column chunk's distinct values, as readPlain returns them */
  setDictionary(values: DecodedArray): void
  /** dictionary-encoded values for rows offset…offset+rows */
  writeIndexed(idx: Uint32Array, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void
  /** plain-encoded values (a typed array, or byte arrays for BYTE_ARRAY) for rows offset… */
  writePlain(values: DecodedArray, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void
  /** values already decoded by hyparquet (fallback path) */
  write(piece: DecodedArray, offset: number, bad: BadRows): void
  /** optional: `rows` plain little-endian 4-byte values (FLOAT or INT32), no nulls, at any alignment */
  writeBytes?(bytes: Uint8Array, type: 'FLOAT' | 'INT32', offset: number, rows: number, bad: BadRows): void
  /** optional: plain BYTE_ARRAY values as the page stores them (each a u32 length, then its bytes),
   *  from the start of `bytes`, for rows offset…offset+rows; returns the bytes read */
  writeByteArrays?(bytes: Uint8Array, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): number
}

/** Copy 4-byte little-endian values into `out` at `offset` (Float32Array and Int32Array share the layout). */
function copyWords(out: Float32Array | Int32Array, bytes: Uint8Array, offset: number, rows: number): void {
  new Uint8Array(out.buffer, out.byteOffset + offset * 4, rows * 4).set(bytes)
}

/**
 * out[offset + i] for the `rows` rows of a page: the next stored value (through `dict` when the
 * values are dictionary indices) where a value is stored, `missing` where the row is null.
 */
function place(
  out: Float32Array | Int32Array,
  values: ArrayLike<number>,
  dict: ArrayLike<number> | null,
  offset: number,
  rows: number,
  defs: Uint8Array | null,
  missing: number,
): void {
  let j = 0
  if (dict) for (let i = 0; i < rows; i++) out[offset + i] = !defs || defs[i] ? dict[values[j++]] : missing
  else if (!defs) out.set(values, offset) // Float32: a copy; Float64/Int32: converted
  else for (let i = 0; i < rows; i++) out[offset + i] = defs[i] ? values[j++] : missing
}

/** Dictionary or plain values as numbers (bigint → number). */
function numbers(values: DecodedArray): ArrayLike<number> {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Float64Array.from(values, Number)
  if (Array.isArray(values)) return values.map((v) => (typeof v === 'bigint' ? Number(v) : v))
  return values as ArrayLike<number>
}

/** Copy 4-byte little-endian values of `type` into a fresh, aligned typed array. */
function words(bytes: Uint8Array, type: 'FLOAT' | 'INT32', rows: number): Float32Array | Int32Array {
  const out = type === 'FLOAT' ? new Float32Array(rows) : new Int32Array(rows)
  new Uint8Array(out.buffer).set(bytes)
  return out
}

/**
 * Numbers into a typed column (FloatSink, IntSink): dictionary or plain values, bigint → number,
 * null rows written as `missing`. After each write `accept` sees the rows just placed.
 */
abstract class NumericSink<T extends Float32Array | Int32Array> implements Sink {
  filled = 0
  private dict: ArrayLike<number> = []
  constructor(
    readonly column: string,
    readonly out: T,
    private readonly word: 'FLOAT' | 'INT32',
    private readonly missing: number,
  ) {}

  /** check the rows offset…offset+rows just written, then count them */
  protected abstract accept(offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void

  setDictionary(values: DecodedArray): void {
    const typed = new (this.out.constructor as new (n: number) => T)(values.length)
    typed.set(numbers(values))
    this.dict = typed
  }

  writeIndexed(idx: Uint32Array, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void {
    place(this.out, idx, this.dict, offset, rows, defs, this.missing)
    this.accept(offset, rows, defs, bad)
  }

  writePlain(values: DecodedArray, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void {
    place(this.out, numbers(values), null, offset, rows, defs, this.missing)
    this.accept(offset, rows, defs, bad)
  }

  writeBytes(bytes: Uint8Array, type: 'FLOAT' | 'INT32', offset: number, rows: number, bad: BadRows): void {
    if (type !== this.word) return this.writePlain(words(bytes, type, rows), offset, rows, null, bad)
    copyWords(this.out, bytes, offset, rows)
    this.accept(offset, rows, null, bad)
  }

  write(piece: DecodedArray, offset: number, bad: BadRows): void {
    const n = piece.length
    if (!Array.isArray(piece)) return this.writePlain(piece, offset, n, null, bad)
    // OPTIONAL or dictionary-decoded by hyparquet: plain values that may be null
    const defs = new Uint8Array(n)
    const present: number[] = []
    for (let i = 0; i < n; i++) {
      const v: unknown = piece[i]
      if (v !== null && v !== undefined) {
        defs[i] = 1
        present.push(typeof v === 'number' ? v : Number(v))
      }
    }
    this.writePlain(present, offset, n, defs, bad)
  }
}

/** Features and the target: null, NaN and ±Inf rows are marked bad. */
export class FloatSink extends NumericSink<Float32Array> {
  /** `out`: a pooled buffer of the batch's rows, or the table's own rows a placement gives (placement.ts) */
  constructor(column: string, out: Float32Array) {
    super(column, out, 'FLOAT', NaN)
  }

  protected accept(offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void {
    const out = this.out
    // x - x is 0 for every finite float and NaN for NaN and ±Inf (also catches float64 overflow to Inf)
    for (let i = 0; i < rows; i++) {
      const x = out[offset + i]
      if (x - x !== 0) bad.mark(this.column, offset + i, defs !== null && defs[i] === 0)
    }
    this.filled += rows
  }
}

/** Strings (or integer ids) coded against a local dictionary of names. */
export class CodeSink implements Sink {
  private readonly dict = new Dictionary()
  readonly codes: Uint32Array
  filled = 0
  private remap: Uint32Array = new Uint32Array(0)
  constructor(
    readonly column: string,
    rows: number,
    pool?: BufferPool,
  ) {
    this.codes = pool ? new Uint32Array(pool.take(rows * 4), 0, rows) : new Uint32Array(rows)
  }

  /** the local dictionary: codes index into it */
  get names(): string[] {
    return this.dict.names
  }

  private code(name: string): number {
    return this.dict.code(name)
  }

  setDictionary(values: DecodedArray): void {
    const n = values.length
    this.remap = new Uint32Array(n)
    for (let k = 0; k < n; k++) this.remap[k] = this.code(asName(values[k]))
  }

  writeIndexed(idx: Uint32Array, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void {
    const codes = this.codes
    const remap = this.remap
    if (!defs) for (let i = 0; i < rows; i++) codes[offset + i] = remap[idx[i]]
    else {
      let j = 0
      for (let i = 0; i < rows; i++) {
        if (defs[i]) codes[offset + i] = remap[idx[j++]]
        else bad.mark(this.column, offset + i, true)
      }
    }
    this.filled += rows
  }

  writePlain(values: DecodedArray, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void {
    let j = 0
    for (let i = 0; i < rows; i++) {
      if (defs && !defs[i]) bad.mark(this.column, offset + i, true)
      else this.codes[offset + i] = this.code(asName(values[j++]))
    }
    this.filled += rows
  }

  /**
   * Plain strings read in place: a value whose bytes equal the previous row's (a clip's frames, one
   * after another) takes its code again, so only a change is decoded, and no row makes an object.
   */
  writeByteArrays(bytes: Uint8Array, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): number {
    const lengths = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const codes = this.codes
    let at = 0
    let last = -1
    let lastLength = -1
    let lastCode = 0
    for (let i = 0; i < rows; i++) {
      if (defs && !defs[i]) {
        bad.mark(this.column, offset + i, true)
        continue
      }
      if (at + 4 > bytes.length) throw new Error(`a plain BYTE_ARRAY page ends before row ${i + 1} of its ${rows}`)
      const length = lengths.getUint32(at, true)
      const start = at + 4
      at = start + length
      if (at > bytes.length) throw new Error(`a plain BYTE_ARRAY page ends inside the value of row ${i + 1} of its ${rows}`)
      if (length !== lastLength || !sameBytes(bytes, start, last, length)) {
        lastCode = this.code(utf8.decode(bytes.subarray(start, at)))
        last = start
        lastLength = length
      }
      codes[offset + i] = lastCode
    }
    this.filled += rows
    return at
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
        lastCode = this.code(typeof v === 'string' ? v : String(v))
        last = v
      }
      codes[offset + i] = lastCode
    }
    this.filled += arr.length
  }
}

/** Whether bytes[a…a+n) equal bytes[b…b+n) (b < 0: nothing to compare with). */
function sameBytes(bytes: Uint8Array, a: number, b: number, n: number): boolean {
  if (b < 0) return false
  for (let k = 0; k < n; k++) if (bytes[a + k] !== bytes[b + k]) return false
  return true
}

function asName(v: unknown): string {
  if (v instanceof Uint8Array) return utf8.decode(v)
  return typeof v === 'string' ? v : String(v)
}

/** The `corpus` column: codes into CORPORA; values outside it are collected for an error. */
export class CorpusSink implements Sink {
  private readonly strings: CodeSink
  readonly codes: Uint8Array
  constructor(
    readonly column: string,
    rows: number,
    pool?: BufferPool,
  ) {
    this.strings = new CodeSink(column, rows, pool)
    this.codes = pool ? new Uint8Array(pool.take(rows), 0, rows) : new Uint8Array(rows)
  }
  /** the buffer of the intermediate name codes, free again after finish() */
  get scratch(): ArrayBuffer {
    return this.strings.codes.buffer as ArrayBuffer
  }
  get filled(): number {
    return this.strings.filled
  }
  setDictionary(values: DecodedArray): void {
    this.strings.setDictionary(values)
  }
  writeIndexed(idx: Uint32Array, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void {
    this.strings.writeIndexed(idx, offset, rows, defs, bad)
  }
  writePlain(values: DecodedArray, offset: number, rows: number, defs: Uint8Array | null, bad: BadRows): void {
    this.strings.writePlain(values, offset, rows, defs, bad)
  }
  write(piece: DecodedArray, offset: number, bad: BadRows): void {
    this.strings.write(piece, offset, bad)
  }
  /** Map the collected names to corpus codes; returns the names that are not corpora. */
  finish(): string[] {
    const names = this.strings.names
    const map = Uint8Array.from(names, (n) => Math.max(0, (CORPORA as readonly string[]).indexOf(n)))
    const c = this.strings.codes
    for (let i = 0; i < c.length; i++) this.codes[i] = map[c[i]]
    return names.filter((n) => !(CORPORA as readonly string[]).includes(n))
  }
}

/** frame_index: nulls are not fatal, -1 means "unknown" as for files without the column. */
export class IntSink extends NumericSink<Int32Array> {
  constructor(column: string, rows: number, pool?: BufferPool) {
    super(column, pool ? new Int32Array(pool.take(rows * 4), 0, rows) : new Int32Array(rows), 'INT32', -1)
  }

  protected accept(_offset: number, rows: number): void {
    this.filled += rows
  }
}

/** Keep only the rows whose mask is 0, moved to the front of `a` itself; returns that prefix. */
export function compactInPlace(a: Float32Array, mask: Uint8Array, kept: number): Float32Array {
  if (kept === a.length) return a
  let j = 0
  for (let i = 0; i < a.length; i++) if (mask[i] === 0) a[j++] = a[i]
  return a.subarray(0, kept)
}

/** Keep only the rows whose mask is 0 (returns the input when nothing is dropped; the copy is not pooled). */
export function compact<T extends Float32Array | Uint32Array | Uint8Array | Int32Array>(a: T, mask: Uint8Array, kept: number): T {
  if (kept === a.length) return a
  const out = new (a.constructor as new (n: number) => T)(kept)
  let j = 0
  for (let i = 0; i < a.length; i++) if (mask[i] === 0) out[j++] = a[i]
  return out
}
