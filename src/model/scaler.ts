// StandardScaler fitted on training rows only: mean and population std (ddof 0), accumulated in
// float64; a constant feature (std 0) gets std 1, as sklearn does.

export interface Scaler {
  mean: number[]
  std: number[]
}

/** Fit over the rows listed in `rows` of the feature columns `columns`. */
export function fitScaler(columns: readonly ArrayLike<number>[], rows: ArrayLike<number>): Scaler {
  const n = rows.length
  if (n === 0) throw new Error('cannot fit a scaler on zero rows')
  const mean = columns.map((c) => {
    let s = 0
    for (let i = 0; i < n; i++) s += c[rows[i]]
    return s / n
  })
  // Second pass on the centred values: no catastrophic cancellation for large offsets.
  const std = columns.map((c, f) => {
    let m2 = 0
    for (let i = 0; i < n; i++) {
      const d = c[rows[i]] - mean[f]
      m2 += d * d
    }
    const sd = Math.sqrt(m2 / n)
    return sd > 10 * Number.EPSILON ? sd : 1
  })
  return { mean, std }
}
