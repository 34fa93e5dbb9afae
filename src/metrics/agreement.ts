// How far two prediction vectors of the same rows lie apart: two runtimes on one model, or a
// quantised model against its float original. Relative differences divide by a per-row scale:
// the model's output scale (`outputScale`, the magnitude of the last layer's sum) when the graph is
// a plain MLP, else max(1, |b|). Everything is summed in float64.
import type { ModelParams } from '../model/params.ts'
import type { Scaler } from '../model/scaler.ts'

export interface Agreement {
  /** largest |a - b| */
  maxAbs: number
  /** largest |a - b| / scale */
  maxRel: number
  /** mean |a - b| */
  meanAbs: number
}

export interface AgreementOptions {
  /** per-row divisor for maxRel; max(1, |b|) when absent */
  scale?: ArrayLike<number>
}

/** The differences of `a` from `b`; NaN everywhere as soon as one row differs by NaN (a NaN never agrees). */
export function runtimeAgreement(a: ArrayLike<number>, b: ArrayLike<number>, opts: AgreementOptions = {}): Agreement {
  if (a.length !== b.length) throw new RangeError(`${a.length} vs ${b.length} predictions`)
  if (opts.scale && opts.scale.length !== a.length) throw new RangeError(`${opts.scale.length} scales for ${a.length} predictions`)
  let maxAbs = 0
  let maxRel = 0
  let sum = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    if (!(d <= Infinity)) return { maxAbs: NaN, maxRel: NaN, meanAbs: NaN }
    maxAbs = Math.max(maxAbs, d)
    maxRel = Math.max(maxRel, d / (opts.scale ? opts.scale[i] : Math.max(1, Math.abs(b[i]))))
    sum += d
  }
  return { maxAbs, maxRel, meanAbs: a.length ? sum / a.length : 0 }
}

/**
 * Per row: max(1, Σ|W_last · h| + |b_last|) with h the ReLU'd hidden activations (float64): the
 * magnitude a float32 runtime rounds at in the last layer, where its terms may cancel.
 */
export function outputScale(m: { params: ModelParams; scaler: Scaler | null }, x: Float32Array, rows: number): Float64Array {
  const F = m.params.widths[0]
  const L = m.params.layers.length
  if (x.length < rows * F) throw new RangeError(`x has ${x.length} values, fewer than ${rows} rows × ${F} features`)
  const out = new Float64Array(rows)
  for (let r = 0; r < rows; r++) {
    let h = Array.from(x.subarray(r * F, (r + 1) * F), (v, j) => (m.scaler ? (v - m.scaler.mean[j]) / m.scaler.std[j] : v))
    for (let l = 0; l + 1 < L; l++) {
      const { W, b } = m.params.layers[l]
      h = Array.from(b, (bo, o) => {
        let s = bo
        for (let i = 0; i < h.length; i++) s += W[o * h.length + i] * h[i]
        return Math.max(0, s)
      })
    }
    const { W, b } = m.params.layers[L - 1]
    let s = Math.abs(b[0])
    for (let i = 0; i < h.length; i++) s += Math.abs(W[i] * h[i])
    out[r] = Math.max(1, s)
  }
  return out
}
