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

/** Feature columns (one per feature, equal lengths) → rows of f4 vec4 (zero-padded). */
export function padColumns(columns: readonly Float32Array[], f4: number): Float32Array {
  const w = f4 * 4
  const rows = columns.length ? columns[0].length : 0
  const out = new Float32Array(rows * w)
  columns.forEach((c, f) => {
    for (let r = 0; r < rows; r++) out[r * w + f] = c[r]
  })
  return out
}
