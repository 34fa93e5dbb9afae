// TrainData from row-major values (fixtures, generated benchmarks): one column per feature.
import type { TrainData } from './contract.ts'

/** The columns of `x` (rows × nFeatures, row-major). */
export function columnsOf(x: ArrayLike<number>, nFeatures: number): Float32Array[] {
  if (x.length % nFeatures !== 0) throw new RangeError(`x has ${x.length} values, not a multiple of ${nFeatures} features`)
  const rows = x.length / nFeatures
  const columns = Array.from({ length: nFeatures }, () => new Float32Array(rows))
  for (let r = 0, i = 0; r < rows; r++) for (let f = 0; f < nFeatures; f++, i++) columns[f][r] = x[i]
  return columns
}

/** Split `x` (rows × nFeatures, row-major) into feature columns, beside the targets `y`. */
export function trainDataFromRows(x: ArrayLike<number>, nFeatures: number, y: Float32Array): TrainData {
  if (x.length !== y.length * nFeatures) throw new RangeError(`x has ${x.length} values, not rows (${y.length}) × features (${nFeatures})`)
  return { columns: columnsOf(x, nFeatures), y }
}

/** The features of `rows` (default all), row-major: rows × columns.length. */
export function rowMajor(data: TrainData, rows?: ArrayLike<number>): Float32Array {
  const nf = data.columns.length
  const n = rows ? rows.length : data.y.length
  const out = new Float32Array(n * nf)
  data.columns.forEach((c, f) => {
    for (let k = 0; k < n; k++) out[k * nf + f] = c[rows ? rows[k] : k]
  })
  return out
}
