// The feature matrix as the kernels read it: each row padded with zeros to whole vec4s.

/** Rows of nFeatures floats → rows of f4 vec4 (zero-padded). Returns x itself when no padding is needed. */
export function padRows(x: Float32Array, nFeatures: number, f4: number): Float32Array {
  const w = f4 * 4
  if (w === nFeatures) return x
  const rows = x.length / nFeatures
  const out = new Float32Array(rows * w)
  for (let r = 0; r < rows; r++) out.set(x.subarray(r * nFeatures, (r + 1) * nFeatures), r * w)
  return out
}

/**
 * Rows of feature columns (one array per feature) as zero-padded rows of f4 vec4s, in one scratch
 * array reused from call to call: no padded copy of a whole matrix is ever made. The padding
 * lanes are never written, so they stay zero across calls.
 */
export class RowPadder {
  private scratch = new Float32Array(0)

  constructor(private readonly f4: number) {}

  /** Rows [first, first + count) of `columns`, padded; valid until the next call. */
  pad(columns: readonly Float32Array[], first: number, count: number): Float32Array {
    const w = this.f4 * 4
    if (columns.length > w) throw new RangeError(`${columns.length} feature columns do not fit rows of ${this.f4} vec4s`)
    if (this.scratch.length < count * w) this.scratch = new Float32Array(count * w)
    const out = this.scratch.subarray(0, count * w)
    columns.forEach((c, f) => {
      for (let r = 0; r < count; r++) out[r * w + f] = c[first + r]
    })
    return out
  }
}
