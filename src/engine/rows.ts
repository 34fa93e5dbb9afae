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
 * The zero-padded rows of feature columns (one per feature, equal lengths), as rows of f4 vec4s,
 * in blocks: `block(at, bytes)` returns the padded rows from byte `at` of the whole matrix (whole
 * rows; `at` and `bytes` multiples of the row's bytes) in one scratch array reused from call to call.
 */
export function paddedRowBlocks(columns: readonly Float32Array[], f4: number): (at: number, bytes: number) => Float32Array {
  const w = f4 * 4
  let scratch = new Float32Array(0)
  return (at, bytes) => {
    const first = at / (w * 4)
    const count = bytes / (w * 4)
    if (!Number.isInteger(first) || !Number.isInteger(count)) throw new RangeError(`a block of padded rows must hold whole rows of ${w * 4} bytes (asked: ${bytes} bytes from ${at})`)
    if (scratch.length < count * w) scratch = new Float32Array(count * w)
    const out = scratch.subarray(0, count * w)
    columns.forEach((c, f) => {
      for (let r = 0; r < count; r++) out[r * w + f] = c[first + r]
    })
    return out
  }
}
