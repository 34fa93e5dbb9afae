// How close two prediction vectors must be: 1e-5 relative to the magnitude of the last layer's
// sum, Σ|w·h| + |b| (at least 1), computed in float64 from the model's weights.
// Why not 1e-5 absolute: at VMAF ≈ 100 one float32 ulp is 7.6e-6, and where the last layer's
// terms cancel (output 0.8 from terms summing to 180 in magnitude) a float32 runtime is exact
// only to an ulp of 180 (1.5e-5). Runtimes that sum in another order (MLAS with FMA, WASM SIMD,
// WGSL, our loop) differ by that much; a real bug differs by orders of magnitude more.
import type { ExtractedMlp } from '../../src/onnx/index.ts'

export const TOL = 1e-5

export interface Agreement {
  /** largest |a - b| */
  maxAbs: number
  /** largest |a - b| / scale */
  maxRel: number
}

/** Per row: max(1, Σ|W_last · h| + |b_last|) with h the ReLU'd hidden activations (float64). */
export function outputScale(m: Pick<ExtractedMlp, 'params' | 'scaler'>, x: Float32Array, rows: number): Float64Array {
  const F = m.params.widths[0]
  const L = m.params.layers.length
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

export function agreement(a: ArrayLike<number>, b: ArrayLike<number>, scale?: ArrayLike<number>): Agreement {
  if (a.length !== b.length) throw new RangeError(`${a.length} vs ${b.length} predictions`)
  let maxAbs = 0
  let maxRel = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    if (!(d <= Infinity)) return { maxAbs: NaN, maxRel: NaN } // a NaN never agrees
    maxAbs = Math.max(maxAbs, d)
    maxRel = Math.max(maxRel, d / (scale ? scale[i] : Math.max(1, Math.abs(b[i]))))
  }
  return { maxAbs, maxRel }
}
