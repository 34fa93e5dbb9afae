// One dictionary-coded column of a FeatureTable (sources, clip keys): the names in first-seen order
// and a code per row. The codes are a Uint16Array while every code fits 16 bits and a Uint32Array
// once the dictionary outgrows that (the loaded rows are copied across once); a rollback that
// shrinks the dictionary back narrows them again, so the width always follows the dictionary.
import type { CodedStrings } from './chunk.ts'
import { Dictionary } from './dictionary.ts'
import type { CodeArray } from './table.ts'

/** names a 16-bit code can tell apart */
const NARROW_NAMES = 1 << 16

/** A code array of `length` rows wide enough for a dictionary of `names` names. */
function codeArray(names: number, length: number): CodeArray {
  return names > NARROW_NAMES ? new Uint32Array(length) : new Uint16Array(length)
}

export class CodeColumn {
  private readonly dict = new Dictionary()
  private codes: CodeArray = new Uint16Array(0)

  get names(): readonly string[] {
    return this.dict.names
  }
  /** bytes per row of the array the codes are held in now */
  get bytesPerRow(): number {
    return this.codes.BYTES_PER_ELEMENT
  }
  /** the codes of the first `rows` rows: a view, valid until the next write, reserve or trim */
  view(rows: number): CodeArray {
    return this.codes.subarray(0, rows)
  }

  /** Room for `capacity` rows in all, keeping the first `rows`. */
  reserve(capacity: number, rows: number): void {
    if (capacity > this.codes.length) this.codes = this.copied(capacity, rows, this.names.length)
  }
  /** Hold exactly `rows` rows. */
  trim(rows: number): void {
    if (this.codes.length !== rows) this.codes = this.codes.slice(0, rows)
  }

  /** Code rows at…at+codes of `strings` (a chunk's local dictionary) into this column's names. */
  setCoded(at: number, strings: CodedStrings): void {
    const map = new Uint32Array(strings.names.length)
    for (let i = 0; i < map.length; i++) map[i] = this.dict.code(strings.names[i])
    this.fit(at)
    const out = this.codes.subarray(at, at + strings.codes.length)
    const local = strings.codes
    for (let i = 0; i < out.length; i++) out[i] = map[local[i]]
  }
  /** Rows at…at+count all named `name`. */
  setName(at: number, count: number, name: string): void {
    const code = this.dict.code(name)
    this.fit(at)
    this.codes.fill(code, at, at + count)
  }

  /** Forget the names past the first `names` (a rollback); the first `rows` rows are kept. */
  truncate(names: number, rows: number): void {
    this.dict.truncate(names)
    this.fit(rows)
  }

  /** Widen (or narrow) the codes to the dictionary's width, keeping the first `rows` rows. */
  private fit(rows: number): void {
    const wide = this.names.length > NARROW_NAMES
    if (wide !== (this.codes instanceof Uint32Array)) this.codes = this.copied(this.codes.length, rows, this.names.length)
  }
  private copied(length: number, rows: number, names: number): CodeArray {
    const out = codeArray(names, length)
    out.set(this.codes.subarray(0, rows))
    return out
  }
}
