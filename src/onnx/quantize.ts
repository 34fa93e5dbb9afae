// Static int8 quantisation of a tiny MLP in the QDQ format (S8S8): every Gemm reads
// DequantizeLinear(QuantizeLinear(x)) — per-tensor int8 activations, scale and zero point from
// the calibration rows (calibrate.ts) — and DequantizeLinear of its int8 weight, symmetric per
// output channel (axis 0 of the [out, in] weight, zero point 0) — and its bias as int32 on the
// accumulator's grid (scale input × weight scale), as onnxruntime's own static QDQ writes it, so
// a runtime that fuses the Gemm to integer math computes what the graph says. Scaler and Squeeze stay
// float32, so the graph is the exporter's plus QuantizeLinear/DequantizeLinear, the two ops the
// fork's loader allows for quantised models (allowlist.ts). Written with the exporter's writer.
import type { ModelParams } from '../model/params.ts'
import type { Scaler } from '../model/scaler.ts'
import { gemmInputRanges, type ActivationRange, type CalibrationMethod } from './calibrate.ts'
import { ExportError, float32Raw, gemmChain, mlpMetadata, scalerPrelude, writeContractModel, type Init, type NodeSpec } from './export.ts'
import { DataType } from './schema.ts'

/** The registry's quant_mode for a statically calibrated model (registry.schema.json enum). */
export const QUANT_MODE = 'static'
/** What the graph holds, in words the sidecar records. */
export const QUANT_FORMAT = 'QDQ S8S8: per-tensor int8 activations (calibrated), per-channel symmetric int8 weights (axis 0), int32 bias (scale input × weight)'

const Q_MIN = -128
const Q_MAX = 127

export interface QuantizeInput {
  params: ModelParams
  scaler: Scaler | null
  features: readonly string[]
  archName?: string
  /** calibration rows, row-major [rows, F] raw features */
  x: Float32Array
  rows: number
  method: CalibrationMethod
  percentile?: number
}

/** One Gemm's quantisation: what the graph stores for it. */
export interface QuantLayer {
  input: { scale: number; zeroPoint: number; range: ActivationRange }
  /** per output channel */
  weightScale: Float32Array
  /** [out, in], int8 */
  weight: Int8Array
  /** int32 bias on the accumulator's grid: scale input.scale × weightScale[o], zero point 0 */
  bias: Int32Array
  biasScale: Float32Array
}

export interface QuantizedModel {
  bytes: Uint8Array
  layers: QuantLayer[]
  /** op types in the graph, sorted */
  ops: string[]
}

/** Round half to even, as QuantizeLinear does. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v)
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** Asymmetric int8 for a range that contains 0: scale over 255 steps, zero point inside [-128, 127]. */
export function activationParams(range: ActivationRange): { scale: number; zeroPoint: number } {
  const span = range.max - range.min
  const scale = Math.fround(span > 0 ? span / (Q_MAX - Q_MIN) : 1)
  const zeroPoint = Math.min(Q_MAX, Math.max(Q_MIN, roundHalfEven(Q_MIN - range.min / scale)))
  return { scale, zeroPoint }
}

/** Symmetric per-output-channel int8 of a [out, in] weight: scale max|w|/127, values in [-127, 127]. */
export function channelWeights(W: ArrayLike<number>, nOut: number, nIn: number): { scale: Float32Array; q: Int8Array } {
  const scale = new Float32Array(nOut)
  const q = new Int8Array(nOut * nIn)
  for (let o = 0; o < nOut; o++) {
    let m = 0
    for (let i = 0; i < nIn; i++) m = Math.max(m, Math.abs(W[o * nIn + i]))
    scale[o] = m > 0 ? m / Q_MAX : 1
    for (let i = 0; i < nIn; i++) q[o * nIn + i] = Math.min(Q_MAX, Math.max(-Q_MAX, roundHalfEven(W[o * nIn + i] / scale[o])))
  }
  return { scale, q }
}

/** Quantise the MLP on its calibration rows; throws ExportError for weights it cannot write. */
export function quantizeMlp(o: QuantizeInput): QuantizedModel {
  const { widths, layers } = o.params
  if (o.features.length !== widths[0]) throw new ExportError(`${o.features.length} feature names for ${widths[0]} inputs`)
  const all = layers.flatMap((l) => [...l.W, ...l.b])
  if (!all.every(Number.isFinite)) throw new ExportError('weights contain NaN/Inf')
  const ranges = gemmInputRanges({ params: o.params, scaler: o.scaler, x: o.x, rows: o.rows, method: o.method, percentile: o.percentile })
  const quant: QuantLayer[] = layers.map((l, i) => {
    const w = channelWeights(l.W, widths[i + 1], widths[i])
    const input = { ...activationParams(ranges[i]), range: ranges[i] }
    const biasScale = w.scale.map((ws) => input.scale * ws)
    const bias = Int32Array.from(l.b, (b, o) => roundHalfEven(b / biasScale[o]))
    return { input, weightScale: w.scale, weight: w.q, bias, biasScale }
  })
  const { nodes, inits } = qdqGraph(o, quant)
  const bytes = writeContractModel({
    nodes,
    inits,
    inputWidth: widths[0],
    metadata: [...mlpMetadata({ params: o.params, scaler: o.scaler, features: o.features, archName: o.archName }), ['vmaf_tiny.quant', QUANT_FORMAT]],
  })
  return { bytes, layers: quant, ops: [...new Set(nodes.map((n) => n.op))].sort() }
}

const int8Raw = (v: Int8Array) => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength))

function qdqGraph(o: QuantizeInput, quant: QuantLayer[]): { nodes: NodeSpec[]; inits: Init[] } {
  const { widths, layers } = o.params
  const nodes: NodeSpec[] = []
  const inits: Init[] = []
  const x = scalerPrelude(o.scaler, { nodes, inits })
  gemmChain({ nodes, inits }, { layers: layers.length, input: x }, (i, x) => {
    const q = quant[i]
    const p = `fc${i}`
    inits.push({ name: `${p}.input_scale`, dims: [], type: DataType.FLOAT, raw: float32Raw([q.input.scale]) })
    inits.push({ name: `${p}.input_zero_point`, dims: [], type: DataType.INT8, raw: int8Raw(Int8Array.of(q.input.zeroPoint)) })
    inits.push({ name: `${p}.weight_quantized`, dims: [widths[i + 1], widths[i]], type: DataType.INT8, raw: int8Raw(q.weight) })
    inits.push({ name: `${p}.weight_scale`, dims: [widths[i + 1]], type: DataType.FLOAT, raw: float32Raw(q.weightScale) })
    inits.push({ name: `${p}.weight_zero_point`, dims: [widths[i + 1]], type: DataType.INT8, raw: new Uint8Array(widths[i + 1]) })
    inits.push({ name: `${p}.bias_quantized`, dims: [widths[i + 1]], type: DataType.INT32, raw: new Uint8Array(q.bias.buffer.slice(0)) })
    inits.push({ name: `${p}.bias_scale`, dims: [widths[i + 1]], type: DataType.FLOAT, raw: float32Raw(q.biasScale) })
    inits.push({ name: `${p}.bias_zero_point`, dims: [widths[i + 1]], type: DataType.INT32, raw: new Uint8Array(4 * widths[i + 1]) })
    const scaleZp = [`${p}.input_scale`, `${p}.input_zero_point`]
    nodes.push({ op: 'QuantizeLinear', name: `${p}_input_q`, inputs: [x, ...scaleZp], outputs: [`${p}.input_q`] })
    nodes.push({ op: 'DequantizeLinear', name: `${p}_input_dq`, inputs: [`${p}.input_q`, ...scaleZp], outputs: [`${p}.input_dq`] })
    nodes.push({
      op: 'DequantizeLinear', name: `${p}_weight_dq`, inputs: [`${p}.weight_quantized`, `${p}.weight_scale`, `${p}.weight_zero_point`], outputs: [`${p}.weight_dq`], ints: { axis: 0 },
    })
    nodes.push({
      op: 'DequantizeLinear', name: `${p}_bias_dq`, inputs: [`${p}.bias_quantized`, `${p}.bias_scale`, `${p}.bias_zero_point`], outputs: [`${p}.bias_dq`], ints: { axis: 0 },
    })
    return { input: `${p}.input_dq`, weight: `${p}.weight_dq`, bias: `${p}.bias_dq` }
  })
  return { nodes, inits }
}
