// StandardScaler fitted on training rows only: mean and population std (ddof 0), accumulated in
// float64; a constant feature (std 0) gets std 1, as sklearn does.

export interface Scaler {
  mean: number[]
  std: number[]
}

/** Fit over the rows listed in `rows` of a row-major matrix `x` with `nFeatures` columns. */
export function fitScaler(x: Float32Array, nFeatures: number, rows: ArrayLike<number>): Scaler {
  const n = rows.length
  if (n === 0) throw new Error('cannot fit a scaler on zero rows')
  const mean = new Float64Array(nFeatures)
  for (let i = 0; i < n; i++) {
    const o = rows[i] * nFeatures
    for (let f = 0; f < nFeatures; f++) mean[f] += x[o + f]
  }
  for (let f = 0; f < nFeatures; f++) mean[f] /= n
  // Second pass on the centred values: no catastrophic cancellation for large offsets.
  const m2 = new Float64Array(nFeatures)
  for (let i = 0; i < n; i++) {
    const o = rows[i] * nFeatures
    for (let f = 0; f < nFeatures; f++) {
      const d = x[o + f] - mean[f]
      m2[f] += d * d
    }
  }
  const std = Array.from(m2, (s) => {
    const sd = Math.sqrt(s / n)
    return sd > 10 * Number.EPSILON ? sd : 1
  })
  return { mean: Array.from(mean), std }
}
