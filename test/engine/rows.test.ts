import { describe, expect, it } from 'vitest'
import { padRows, RowPadder } from '../../src/engine/rows.ts'

/** rows × nf features as columns, value = row * 10 + feature + 1 (never 0, so padding shows). */
function columnsOf(rows: number, nf: number): Float32Array[] {
  return Array.from({ length: nf }, (_, f) => Float32Array.from({ length: rows }, (_, r) => r * 10 + f + 1))
}

/** The same rows row-major, through padRows: the reference layout. */
function reference(cols: Float32Array[], f4: number): Float32Array {
  const rows = cols[0].length
  const x = new Float32Array(rows * cols.length)
  cols.forEach((c, f) => c.forEach((v, r) => (x[r * cols.length + f] = v)))
  return padRows(x, cols.length, f4)
}

describe('RowPadder (the feature upload, block by block)', () => {
  for (const [nf, f4, rowsPerBlock] of [
    [6, 2, 3],
    [6, 2, 1000],
    [9, 3, 4],
    [8, 2, 7],
  ] as const)
    it(`${nf} features in ${f4} vec4s, blocks of ${rowsPerBlock} rows, equal the padded matrix`, () => {
      const rows = 23
      const cols = columnsOf(rows, nf)
      const ref = reference(cols, f4)
      const padder = new RowPadder(f4)
      const got = new Float32Array(ref.length)
      for (let r = 0; r < rows; r += rowsPerBlock) {
        const n = Math.min(rowsPerBlock, rows - r)
        const b = padder.pad(cols, r, n)
        expect(b.length).toBe(n * f4 * 4)
        got.set(b, r * f4 * 4)
      }
      expect(got).toEqual(ref)
    })

  it('pads a block of views into the same scratch: a smaller block after a larger one keeps its padding zero', () => {
    const cols = columnsOf(10, 6)
    const ref = reference(cols, 2)
    const padder = new RowPadder(2)
    const big = padder.pad(cols, 0, 10)
    expect(big).toEqual(ref)
    const views = cols.map((c) => c.subarray(7, 10))
    const small = padder.pad(views, 0, 3)
    expect(small.buffer).toBe(big.buffer)
    expect(small).toEqual(ref.subarray(7 * 8, 10 * 8))
  })

  it('refuses more columns than the rows hold', () => {
    expect(() => new RowPadder(1).pad(columnsOf(4, 6), 0, 4)).toThrow(/6 feature columns do not fit rows of 1 vec4s/)
  })
})
