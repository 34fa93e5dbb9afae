// Our float forward pass of the int8 graph quantize.ts writes (static QDQ S8S8), read back from the
// file's own tensors: per Gemm, the input quantised and dequantised (QuantizeLinear: round half to
// even, saturate to int8), the per-channel int8 weight and the int32 bias dequantised, then the float
// Gemm (ReLU between layers), each step rounded to float32 as the ops define it. The reference a
// cross-runtime check compares onnxruntime with for such a model. Graphs of another shape: null.
import { roundHalfEven } from './quantize.ts'
import { floatValues, type OnnxInfo, type TensorInfo } from './inspect.ts'
import { graphScaler } from './graphScaler.ts'

const bytesOf = (t: TensorInfo) => t.raw!.buffer.slice(t.raw!.byteOffset, t.raw!.byteOffset + t.raw!.byteLength)

interface QdqLayer {
  inScale: number
  inZero: number
  /** dequantised weight [out, in] */
  W: Float32Array
  b: Float32Array
  nIn: number
  nOut: number
}

/** The layers of our int8 graph (fc0, fc1, … with their named tensors), or null when it is not one. */
function qdqLayers(info: OnnxInfo): QdqLayer[] | null {
  const t = new Map(info.initializers.map((i) => [i.name, i]))
  const layers: QdqLayer[] = []
  for (let l = 0; t.has(`fc${l}.weight_quantized`); l++) {
    const get = (k: string) => t.get(`fc${l}.${k}`)
    const [wq, ws, bq, bs, s, zp] = ['weight_quantized', 'weight_scale', 'bias_quantized', 'bias_scale', 'input_scale', 'input_zero_point'].map(get)
    if (!wq || !ws || !bq || !bs || !s || !zp || !wq.raw || !bq.raw || !zp.raw || wq.dims.length !== 2) return null
    const [nOut, nIn] = wq.dims
    const q = new Int8Array(bytesOf(wq))
    const wScale = floatValues(ws)
    const bScale = floatValues(bs)
    const bInt = new Int32Array(bytesOf(bq))
    const W = Float32Array.from(q, (v, i) => Math.fround(v * wScale[Math.floor(i / nIn)]))
    const b = Float32Array.from(bInt, (v, o) => Math.fround(v * bScale[o]))
    layers.push({ inScale: floatValues(s)[0], inZero: new Int8Array(bytesOf(zp))[0], W, b, nIn, nOut })
  }
  return layers.length && layers.at(-1)!.nOut === 1 ? layers : null
}

/** Whether the graph is an int8 export of ours that qdqPredict can run. */
export const isOurQdq = (info: OnnxInfo) => info.ops.includes('QuantizeLinear') && qdqLayers(info) !== null

/** The QDQ graph's predictions for row-major `x` [rows, F], or null when the graph is no int8 export of ours. */
export function qdqPredict(info: OnnxInfo, x: Float32Array, rows: number): Float32Array | null {
  const layers = qdqLayers(info)
  if (!layers) return null
  const sc = graphScaler(info).scaler
  const F = layers[0].nIn
  const out = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    let h = Float32Array.from({ length: F }, (_, j) => (sc ? Math.fround(Math.fround(x[r * F + j] - sc.mean[j]) / sc.std[j]) : x[r * F + j]))
    layers.forEach((L, l) => {
      const xdq = h.map((v) => Math.fround((Math.min(127, Math.max(-128, roundHalfEven(Math.fround(v / L.inScale)) + L.inZero)) - L.inZero) * L.inScale))
      h = Float32Array.from({ length: L.nOut }, (_, o) => {
        let acc = L.b[o]
        for (let i = 0; i < L.nIn; i++) acc += L.W[o * L.nIn + i] * xdq[i]
        return l + 1 < layers.length ? Math.max(0, acc) : acc
      })
    })
    out[r] = h[0]
  }
  return out
}
