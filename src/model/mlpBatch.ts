// The CPU reference's arithmetic: one batch of a ReLU MLP at a time, layer by layer, over
// preallocated buffers (no allocation per step). Both training (forward + MSE + backward) and
// prediction use it, so they share one forward pass.
//
// Precision: activations are stored as float32 (the model is float32, as in PyTorch and the
// WGSL engine); each dot product is summed in float64 before it is rounded, which keeps the
// result within float32 rounding of PyTorch's. Gradients are summed over the batch in float64
// and rounded to float32 once, before Adam.
import { layerOffsets } from './params.ts'
import type { Scaler } from './scaler.ts'

export class MlpBatch {
  readonly widths: readonly number[]
  readonly capacity: number
  /** acts[0]: standardised inputs; acts[l + 1]: layer l's output (after ReLU, except the last) */
  readonly acts: Float32Array[]
  /** dz[l]: dLoss/d(pre-activation) of layer l's output */
  private readonly dz: Float64Array[]
  /** gradient in torch parameter order, summed in float64 */
  readonly grad: Float64Array
  private readonly offs: { w: number; b: number }[]
  private readonly target: Float32Array
  private readonly mean: Float64Array
  private readonly std: Float64Array
  private readonly scaled: boolean

  constructor(widths: readonly number[], capacity: number, scaler: Scaler | null) {
    this.widths = [...widths]
    this.capacity = capacity
    this.acts = widths.map((w) => new Float32Array(capacity * w))
    this.dz = widths.slice(1).map((w) => new Float64Array(capacity * w))
    this.offs = layerOffsets(widths)
    const last = this.offs[this.offs.length - 1]
    this.grad = new Float64Array(last.b + widths[widths.length - 1])
    this.target = new Float32Array(capacity)
    const f = widths[0]
    this.mean = Float64Array.from(scaler ? scaler.mean : new Array(f).fill(0))
    this.std = Float64Array.from(scaler ? scaler.std : new Array(f).fill(1))
    this.scaled = scaler !== null
  }

  /**
   * Gather `count` rows into the input buffer, standardised: (x − mean) / std in float64, then
   * rounded to float32 — how the reference recipe fed its inputs. Row k is
   * `rows[order[start + k]]` (order may be null: then `rows[start + k]`). `x` is row-major
   * (rows × features) or one column per feature (TrainData's columns).
   */
  load(
    x: Float32Array | readonly Float32Array[],
    y: Float32Array | null,
    rows: ArrayLike<number> | null,
    order: ArrayLike<number> | null,
    start: number,
    count: number,
  ): void {
    const nf = this.widths[0]
    const a = this.acts[0]
    const mean = this.mean
    const std = this.std
    const t = this.target
    const columns = Array.isArray(x) ? (x as readonly Float32Array[]) : null
    const flat = x as Float32Array
    for (let k = 0; k < count; k++) {
      const p = order ? order[start + k] : start + k
      const r = rows ? rows[p] : p
      const dst = k * nf
      for (let f = 0; f < nf; f++) {
        const v = columns ? columns[f][r] : flat[r * nf + f]
        a[dst + f] = this.scaled ? (v - mean[f]) / std[f] : v
      }
      if (y) t[k] = y[r]
    }
  }

  /** Forward pass over the first `count` loaded rows; returns the output buffer (count valid). */
  forward(params: Float32Array, count: number): Float32Array {
    const L = this.offs.length
    for (let l = 0; l < L; l++) {
      const n = this.widths[l]
      const m = this.widths[l + 1]
      const a = this.acts[l]
      const z = this.acts[l + 1]
      const wo = this.offs[l].w
      const bo = this.offs[l].b
      const relu = l + 1 < L
      for (let s = 0; s < count; s++) {
        const ai = s * n
        const zo = s * m
        for (let o = 0; o < m; o++) {
          let acc = params[bo + o]
          const w = wo + o * n
          for (let i = 0; i < n; i++) acc += params[w + i] * a[ai + i]
          z[zo + o] = relu && acc < 0 ? 0 : acc
        }
      }
    }
    return this.acts[L]
  }

  /**
   * MSE (mean over `count`) of the last forward pass against the loaded targets, and its
   * gradient into `grad`. Returns the loss (float64 sum of float32 residuals squared / count).
   */
  backward(params: Float32Array, count: number): number {
    const L = this.offs.length
    const pred = this.acts[L]
    const t = this.target
    const top = this.dz[L - 1]
    let sse = 0
    const scale = 2 / count
    for (let s = 0; s < count; s++) {
      const d = Math.fround(pred[s] - t[s])
      sse += d * d
      top[s] = d * scale
    }
    const grad = this.grad
    grad.fill(0)
    for (let l = L - 1; l >= 0; l--) {
      const n = this.widths[l]
      const m = this.widths[l + 1]
      const a = this.acts[l]
      const dzl = this.dz[l]
      const wo = this.offs[l].w
      const bo = this.offs[l].b
      const below = l > 0 ? this.dz[l - 1] : null
      if (below) below.fill(0, 0, count * n)
      for (let s = 0; s < count; s++) {
        const ai = s * n
        const zo = s * m
        for (let o = 0; o < m; o++) {
          const d = dzl[zo + o]
          if (d === 0) continue // a ReLU that is off passes no gradient
          grad[bo + o] += d
          const w = wo + o * n
          for (let i = 0; i < n; i++) grad[w + i] += d * a[ai + i]
          if (below) for (let i = 0; i < n; i++) below[ai + i] += params[w + i] * d
        }
        if (below) for (let i = 0; i < n; i++) if (a[ai + i] <= 0) below[ai + i] = 0
      }
    }
    return sse / count
  }
}

/**
 * Loss and gradient of one batch (`rows` of x/y) at `params` — what a training step computes
 * before Adam. Allocates; for tests and tools, not the training loop.
 */
export function batchLossAndGradient(
  widths: readonly number[],
  params: Float32Array,
  scaler: Scaler | null,
  x: Float32Array | readonly Float32Array[],
  y: Float32Array,
  rows: ArrayLike<number>,
): { loss: number; grad: Float32Array } {
  const b = new MlpBatch(widths, rows.length, scaler)
  b.load(x, y, rows, null, 0, rows.length)
  b.forward(params, rows.length)
  const loss = b.backward(params, rows.length)
  return { loss, grad: Float32Array.from(b.grad) }
}
