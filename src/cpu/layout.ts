// Where one job's state lives inside the WebAssembly memory, relative to the job's base address.
// Activations and gradients are stored feature-major (one row of `stride` samples per unit), so
// the kernels read four consecutive samples with one SIMD load.
import { paramCount } from '../model/arch.ts'
import { layerOffsets } from '../model/params.ts'

/** Samples processed per SIMD tile: every batch is padded (with zeros) to a multiple of this. */
export const SAMPLE_TILE = 16

export const roundUp = (n: number, k: number) => Math.ceil(n / k) * k

export interface JobLayout {
  widths: readonly number[]
  batch: number
  /** samples per activation row: the batch padded to whole tiles */
  stride: number
  params: number
  /** parameters padded to whole vec4 */
  paramsPadded: number
  // byte offsets from the job's base (header: the targets' address at 4)
  /** the address of each feature column (i32 each) */
  columns: number
  mean: number
  std: number
  weights: number
  adamM: number
  adamV: number
  grad: number
  /** acts[0] the standardised inputs, acts[l + 1] layer l's output (after ReLU but the last) */
  acts: number[]
  /** dz[l]: the loss gradient with respect to layer l's pre-activation output */
  dz: number[]
  target: number
  /** per layer, byte offsets of W and b inside the weights (and grad, m, v) block */
  layers: { w: number; b: number }[]
  bytes: number
}

/** The layout for an architecture and batch size; a pure function of both. */
export function jobLayout(widths: readonly number[], batch: number): JobLayout {
  const stride = roundUp(batch, SAMPLE_TILE)
  const params = paramCount(widths)
  const paramsPadded = roundUp(params, 4)
  let at = 16
  const take = (bytes: number) => {
    const o = at
    at += roundUp(bytes, 16)
    return o
  }
  const nf = widths[0]
  const columns = take(4 * nf)
  const mean = take(8 * nf)
  const std = take(8 * nf)
  const weights = take(4 * paramsPadded)
  const adamM = take(4 * paramsPadded)
  const adamV = take(4 * paramsPadded)
  const grad = take(4 * paramsPadded)
  const acts = widths.map((w) => take(4 * w * stride))
  const dz = widths.slice(1).map((w) => take(4 * w * stride))
  const target = take(4 * stride)
  const layers = layerOffsets(widths).map(({ w, b }) => ({ w: 4 * w, b: 4 * b }))
  return { widths: [...widths], batch, stride, params, paramsPadded, columns, mean, std, weights, adamM, adamV, grad, acts, dz, target, layers, bytes: at }
}
