// Prediction with a trained model on the CPU: the same float32 forward pass (and the same
// input standardisation) as training, in chunks so memory stays flat for any row count.
import { MlpBatch } from './mlpBatch.ts'
import { flattenParams, type ModelParams } from './params.ts'
import type { Scaler } from './scaler.ts'

const CHUNK = 4096

/**
 * Predictions for the rows of a row-major matrix `x` (`nFeatures` columns): all rows, or just
 * `rows` (indices into x) in that order. `scaler` null feeds the features unscaled.
 */
export function predict(
  params: ModelParams,
  scaler: Scaler | null,
  x: Float32Array,
  nFeatures: number,
  rows?: ArrayLike<number>,
): Float32Array {
  if (params.widths[0] !== nFeatures)
    throw new RangeError(`the model takes ${params.widths[0]} features, the data has ${nFeatures}`)
  if (x.length % nFeatures !== 0) throw new RangeError(`x has ${x.length} values, not a multiple of ${nFeatures} features`)
  const n = rows ? rows.length : x.length / nFeatures
  const flat = flattenParams(params)
  const out = new Float32Array(n)
  const batch = new MlpBatch(params.widths, Math.min(CHUNK, Math.max(n, 1)), scaler)
  for (let start = 0; start < n; start += batch.capacity) {
    const count = Math.min(batch.capacity, n - start)
    batch.load(x, null, rows ?? null, null, start, count)
    out.set(batch.forward(flat, count).subarray(0, count), start)
  }
  return out
}
