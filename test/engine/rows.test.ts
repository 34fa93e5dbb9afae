import { describe, expect, it } from 'vitest'
import { padRows, paddedRowBlocks } from '../../src/engine/rows.ts'

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

describe('paddedRowBlocks (the feature upload, block by block)', () => {
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
      const block = paddedRowBlocks(cols, f4)
      const rowBytes = f4 * 16
      const got = new Float32Array(ref.length)
      for (let r = 0; r < rows; r += rowsPerBlock) {
        const n = Math.min(rowsPerBlock, rows - r)
        const b = block(r * rowBytes, n * rowBytes)
        expect(b.length).toBe(n * f4 * 4)
        got.set(b, r * f4 * 4)
      }
      expect(got).toEqual(ref)
    })

  it('refuses a block that is not whole rows', () => {
    const block = paddedRowBlocks(columnsOf(4, 6), 2)
    expect(() => block(0, 40)).toThrow(/whole rows of 32 bytes/)
    expect(() => block(16, 32)).toThrow(/whole rows/)
  })
})
