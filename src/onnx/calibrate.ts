// Activation ranges for static quantisation: the float forward pass of an MLP over calibration
// rows, recording what enters each Gemm (the scaled features, then each hidden ReLU output).
// minmax takes the extremes; percentile takes the given percentile of |x| (clipping rare outliers).
import type { ModelParams } from '../model/params.ts'
import type { Scaler } from '../model/scaler.ts'

export type CalibrationMethod = 'minmax' | 'percentile'
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile']

export interface ActivationRange {
  min: number
  max: number
}

export interface CalibrationInput {
  params: ModelParams
  scaler: Scaler | null
  /** row-major [rows, F] */
  x: Float32Array
  rows: number
  method: CalibrationMethod
  /** for percentile: e.g. 99.99 */
  percentile?: number
}

export class CalibrationError extends Error {
  override name = 'CalibrationError'
}

/** One range per Gemm of the MLP, in layer order; each range contains 0. */
export function gemmInputRanges(c: CalibrationInput): ActivationRange[] {
  const { widths, layers } = c.params
  if (c.rows === 0) throw new CalibrationError('no calibration rows')
  if (c.x.length !== c.rows * widths[0]) throw new CalibrationError(`x has ${c.x.length} values for ${c.rows} × ${widths[0]}`)
  let h = scaledInput(c)
  const ranges: ActivationRange[] = []
  for (let l = 0; l < layers.length; l++) {
    ranges.push(rangeOf(h, c.method, c.percentile ?? 99.99))
    if (l + 1 < layers.length) h = denseRelu(h, c.rows, widths[l], widths[l + 1], layers[l])
  }
  return ranges
}

function scaledInput(c: CalibrationInput): Float32Array {
  if (!c.scaler) return c.x
  const F = c.params.widths[0]
  const out = new Float32Array(c.x.length)
  const mean = Float32Array.from(c.scaler.mean)
  const std = Float32Array.from(c.scaler.std)
  for (let i = 0; i < out.length; i++) out[i] = Math.fround(c.x[i] - mean[i % F]) / std[i % F]
  return out
}

function denseRelu(h: Float32Array, rows: number, nIn: number, nOut: number, layer: { W: ArrayLike<number>; b: ArrayLike<number> }): Float32Array {
  const out = new Float32Array(rows * nOut)
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < nOut; o++) {
      let s = layer.b[o]
      for (let i = 0; i < nIn; i++) s += layer.W[o * nIn + i] * h[r * nIn + i]
      out[r * nOut + o] = s > 0 ? s : 0
    }
  return out
}

function rangeOf(v: Float32Array, method: CalibrationMethod, percentile: number): ActivationRange {
  let min = 0
  let max = 0
  if (method === 'minmax') {
    for (let i = 0; i < v.length; i++) {
      if (v[i] < min) min = v[i]
      if (v[i] > max) max = v[i]
    }
    return { min, max }
  }
  if (!(percentile > 50 && percentile <= 100)) throw new CalibrationError(`percentile must be in (50, 100], got ${percentile}`)
  const sorted = Float32Array.from(v).sort()
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((q / 100) * (sorted.length - 1))))]
  return { min: Math.min(0, at(100 - percentile)), max: Math.max(0, at(percentile)) }
}
