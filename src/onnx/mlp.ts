// Recognises the tiny-MLP graph shape — optional Sub(mean)/Div(std), then Gemm (→ Relu)* with
// a final Gemm, then an optional Squeeze/Reshape/Flatten/Identity — and pulls out its weights
// and scaler. Used to describe dropped models and to re-export published weights through our
// writer (vmaf_tiny_v2 → exportOnnx → same predictions).
import type { ModelParams } from '../model/params.ts'
import type { Scaler } from '../model/scaler.ts'
import { graphConstants, inputPrelude } from './graphScaler.ts'
import { floatValues, type NodeInfo, type OnnxInfo } from './inspect.ts'

export class NotAnMlpError extends Error {
  override name = 'NotAnMlpError'
}

export interface ExtractedMlp {
  params: ModelParams
  scaler: Scaler | null
  inputName: string
  outputName: string
}

const TAIL_OPS = new Set(['Squeeze', 'Reshape', 'Flatten', 'Identity'])

export function extractMlp(info: OnnxInfo, externalData?: ReadonlyMap<string, Uint8Array>): ExtractedMlp {
  const consts = graphConstants(info)
  const value = (name: string) => {
    const t = consts.get(name)
    if (!t) throw new NotAnMlpError(`${name} is not a constant`)
    return floatValues(t, externalData)
  }
  const consumers = (name: string) => info.nodes.filter((n) => n.opType !== 'Constant' && n.inputs.includes(name))
  const next = (name: string): NodeInfo | null => {
    const c = consumers(name)
    if (c.length > 1) throw new NotAnMlpError(`${name} feeds ${c.length} nodes`)
    return c[0] ?? null
  }

  if (info.inputs.length !== 1) throw new NotAnMlpError(`${info.inputs.length} graph inputs`)
  const inputName = info.inputs[0].name
  const { mean, std, output } = inputPrelude(info, consts, externalData)
  let x = output
  let node = next(x)
  const widths: number[] = []
  const layers: ModelParams['layers'] = []
  while (node?.opType === 'Gemm') {
    const { transA = 0, transB = 0, alpha = 1, beta = 1 } = node.attributes as Record<string, number>
    if (transA || alpha !== 1 || beta !== 1 || node.inputs[0] !== x) throw new NotAnMlpError('Gemm with transA/alpha/beta')
    const Wt = consts.get(node.inputs[1])
    if (!Wt || Wt.dims.length !== 2) throw new NotAnMlpError(`Gemm weight ${node.inputs[1]} is not a 2-D constant`)
    const [out, inp] = transB ? Wt.dims : [Wt.dims[1], Wt.dims[0]]
    const raw = value(node.inputs[1])
    const W = transB ? raw : transpose(raw, inp, out)
    const b = node.inputs[2] ? value(node.inputs[2]) : new Float32Array(out)
    if (b.length !== out) throw new NotAnMlpError(`bias of ${node.name} has ${b.length} values for ${out} units`)
    if (widths.length === 0) widths.push(inp)
    else if (widths[widths.length - 1] !== inp) throw new NotAnMlpError(`layer widths do not chain at ${node.name}`)
    widths.push(out)
    layers.push({ W, b })
    x = node.outputs[0]
    node = next(x)
    if (node?.opType === 'Relu') {
      x = node.outputs[0]
      node = next(x)
    } else break
  }
  if (layers.length === 0) throw new NotAnMlpError(`no Gemm after the input (found ${node?.opType ?? 'nothing'})`)
  while (node && TAIL_OPS.has(node.opType)) {
    x = node.outputs[0]
    node = next(x)
  }
  if (node) throw new NotAnMlpError(`unexpected ${node.opType} after the last layer`)
  if (widths[widths.length - 1] !== 1) throw new NotAnMlpError(`the last layer has ${widths[widths.length - 1]} outputs`)
  const F = widths[0]
  let scaler: Scaler | null = null
  if (mean || std) {
    const m = mean ?? new Float32Array(F)
    const s = std ?? new Float32Array(F).fill(1)
    if (m.length !== F || s.length !== F) throw new NotAnMlpError('scaler length does not match the input width')
    scaler = { mean: Array.from(m), std: Array.from(s) }
  }
  return { params: { widths, layers }, scaler, inputName, outputName: x }
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c]
  return t
}
