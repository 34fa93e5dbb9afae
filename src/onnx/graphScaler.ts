// The feature scaler a graph applies to its input before anything else — Sub(mean) and/or
// Div(std) on the graph input, constants inline or in external data — whatever follows (Gemm
// layers, or the DynamicQuantizeLinear/MatMulInteger of a dynamic-int8 model). Drift checks
// measure the data in this scaler's σ; extractMlp reads its scaler with the same walk.
import type { Scaler } from '../model/scaler.ts'
import { floatValues, type OnnxInfo, type TensorInfo } from './inspect.ts'

export type GraphScaler = { scaler: Scaler; reason?: undefined } | { scaler: null; reason: string }

/** The graph's constant tensors by name: initializers and Constant nodes' values. */
export function graphConstants(info: OnnxInfo): Map<string, TensorInfo> {
  const consts = new Map<string, TensorInfo>(info.initializers.map((t) => [t.name, t]))
  for (const n of info.nodes) {
    const v = n.attributes.value
    if (n.opType === 'Constant' && typeof v === 'object' && !Array.isArray(v)) consts.set(n.outputs[0], { ...v, name: n.outputs[0] })
  }
  return consts
}

export interface InputPrelude {
  /** Sub's constant, null without one */
  mean: Float32Array | null
  /** Div's constant, null without one */
  std: Float32Array | null
  /** the tensor after the prelude: what the first layer reads (the input itself without a scaler) */
  output: string
}

/** The Sub(mean) → Div(std) steps at the graph's (single) input, each optional, with constant operands. */
export function inputPrelude(info: OnnxInfo, consts: ReadonlyMap<string, TensorInfo>, externalData?: ReadonlyMap<string, Uint8Array>): InputPrelude {
  const only = (name: string) => {
    const c = info.nodes.filter((n) => n.opType !== 'Constant' && n.inputs.includes(name))
    return c.length === 1 ? c[0] : null
  }
  const constant = (name: string) => {
    const t = consts.get(name)
    return t ? floatValues(t, externalData) : null
  }
  let x = info.inputs[0].name
  let node = only(x)
  let mean: Float32Array | null = null
  let std: Float32Array | null = null
  if (node?.opType === 'Sub' && node.inputs[0] === x && (mean = constant(node.inputs[1]))) {
    x = node.outputs[0]
    node = only(x)
  }
  if (node?.opType === 'Div' && node.inputs[0] === x && (std = constant(node.inputs[1]))) x = node.outputs[0]
  return { mean, std, output: x }
}

/** The scaler at the graph's input, or null with the reason there is none to read. */
export function graphScaler(info: OnnxInfo, externalData?: ReadonlyMap<string, Uint8Array>): GraphScaler {
  if (info.inputs.length !== 1) return { scaler: null, reason: `the graph has ${info.inputs.length} inputs` }
  const { mean, std } = inputPrelude(info, graphConstants(info), externalData)
  if (!mean && !std) return { scaler: null, reason: 'the graph feeds its input unscaled (no Sub(mean)/Div(std) at the input): a raw-feature model' }
  const F = (mean ?? std)!.length
  if (mean && std && mean.length !== std.length) return { scaler: null, reason: `the input's mean has ${mean.length} values and its std ${std.length}` }
  return { scaler: { mean: Array.from(mean ?? new Float32Array(F)), std: Array.from(std ?? new Float32Array(F).fill(1)) } }
}
