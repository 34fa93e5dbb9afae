// TrainedModel → ONNX bytes the libvmaf tiny-model loader accepts (the ONNX contract, ARCHITECTURE.md):
// opset 17, IR 8, input `features` float32 [N, F], output `vmaf` float32 [N], graph
// Sub(mean) → Div(std) → (Gemm → Relu)* → Gemm → Squeeze, weights inline.
// Deterministic: the bytes depend only on the weights, scaler, features and architecture — no
// ids, names or times — so identical weights give identical bytes and sha256.
import type { ModelParams } from '../model/params.ts'
import type { Scaler } from '../model/scaler.ts'
import type { TrainedModel } from '../model/trained.ts'
import { describeWidths } from '../model/arch.ts'
import { ProtoWriter } from './proto.ts'
import {
  Attribute, AttributeType, DataType, Dim, Graph, IR_VERSION, Model, Node, OPSET, OpsetId, Shape,
  StringEntry, Tensor, TensorType, Type, ValueInfo,
} from './schema.ts'

export const INPUT_NAME = 'features'
export const OUTPUT_NAME = 'vmaf'
export const PRODUCER = 'vmaf-tiny-lab'
export const PRODUCER_VERSION = '1'

export class ExportError extends Error {
  override name = 'ExportError'
}

export interface MlpGraph {
  params: ModelParams
  /** null: the raw recipe, no Sub/Div */
  scaler: Scaler | null
  features: readonly string[]
  /** written into metadata_props, e.g. "mlp_small" */
  archName?: string
}

/** An initializer: raw little-endian bytes of `type` (DataType) with `dims`. */
export type Init = { name: string; dims: number[]; type: number; raw: Uint8Array }
/** A node with integer attributes only (all our graphs need). */
export type NodeSpec = { op: string; name: string; inputs: string[]; outputs: string[]; ints?: Record<string, number> }

export function float32Raw(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true)
  return out
}

export function int64Raw(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8)
  const view = new DataView(out.buffer)
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true))
  return out
}

function check(g: MlpGraph) {
  const { widths, layers } = g.params
  const F = widths[0]
  if (widths.length < 2 || widths[widths.length - 1] !== 1)
    throw new ExportError(`widths ${describeWidths(widths)} must end in one output unit`)
  if (layers.length !== widths.length - 1) throw new ExportError(`${layers.length} layers for widths ${describeWidths(widths)}`)
  if (g.features.length !== F) throw new ExportError(`${g.features.length} feature names for ${F} inputs`)
  layers.forEach((l, i) => {
    if (l.W.length !== widths[i] * widths[i + 1] || l.b.length !== widths[i + 1])
      throw new ExportError(`layer ${i}: W has ${l.W.length} and b ${l.b.length} values for ${widths[i]}→${widths[i + 1]}`)
  })
  if (g.scaler && (g.scaler.mean.length !== F || g.scaler.std.length !== F))
    throw new ExportError(`scaler has ${g.scaler.mean.length} means and ${g.scaler.std.length} stds for ${F} features`)
  const all = [...layers.flatMap((l) => [...l.W, ...l.b]), ...(g.scaler ? [...g.scaler.mean, ...g.scaler.std] : [])]
  if (!all.every(Number.isFinite)) throw new ExportError('weights or scaler contain NaN/Inf: the model diverged')
  if (g.scaler?.std.some((s) => Math.fround(s) === 0)) throw new ExportError('scaler std contains 0')
}

/**
 * The scaler at the graph's input, (x − mean) / std as Sub and Div, appended to `graph`; returns
 * the name of the tensor the first Gemm reads (the input itself without a scaler). The float
 * export and the int8 graph share it, so the scaler reads back the same from both.
 */
export function scalerPrelude(scaler: Scaler | null, graph: { nodes: NodeSpec[]; inits: Init[] }): string {
  if (!scaler) return INPUT_NAME
  const F = scaler.mean.length
  graph.inits.push({ name: 'scaler.mean', dims: [F], type: DataType.FLOAT, raw: float32Raw(scaler.mean) })
  graph.inits.push({ name: 'scaler.std', dims: [F], type: DataType.FLOAT, raw: float32Raw(scaler.std) })
  graph.nodes.push({ op: 'Sub', name: 'scaler_sub', inputs: [INPUT_NAME, 'scaler.mean'], outputs: ['centered'] })
  graph.nodes.push({ op: 'Div', name: 'scaler_div', inputs: ['centered', 'scaler.std'], outputs: ['scaled'] })
  return 'scaled'
}

/** Nodes and initializers of the MLP, in graph order. */
function mlpGraph(g: MlpGraph): { nodes: NodeSpec[]; inits: Init[] } {
  const { widths, layers } = g.params
  const nodes: NodeSpec[] = []
  const inits: Init[] = []
  const x = scalerPrelude(g.scaler, { nodes, inits })
  gemmChain({ nodes, inits }, { layers: layers.length, input: x }, (i) => {
    const w = `fc${i}.weight`
    const b = `fc${i}.bias`
    inits.push({ name: w, dims: [widths[i + 1], widths[i]], type: DataType.FLOAT, raw: float32Raw(layers[i].W) })
    inits.push({ name: b, dims: [widths[i + 1]], type: DataType.FLOAT, raw: float32Raw(layers[i].b) })
    return { weight: w, bias: b }
  })
  return { nodes, inits }
}

/** What one Gemm reads: its input (after anything `layer` put before it), weight and bias tensors. */
export type GemmOperands = { input?: string; weight: string; bias: string }

/**
 * The MLP's body, appended to `graph`: Gemm `fc<i>` (→ Relu) per layer, then Squeeze to [N]. `layer(i, x)`
 * adds layer i's initializers (and any nodes before its Gemm, reading `x`) and names the Gemm's
 * operands; the float export and the int8 graph differ only there.
 */
export function gemmChain(graph: { nodes: NodeSpec[]; inits: Init[] }, o: { layers: number; input: string }, layer: (i: number, x: string) => GemmOperands): void {
  let x = o.input
  for (let i = 0; i < o.layers; i++) {
    const g = layer(i, x)
    // W is [out][in] (torch layout), so y = x·Wᵀ + b is Gemm with transB = 1
    graph.nodes.push({ op: 'Gemm', name: `fc${i}`, inputs: [g.input ?? x, g.weight, g.bias], outputs: [`fc${i}`], ints: { transB: 1 } })
    x = `fc${i}`
    if (i + 1 < o.layers) {
      graph.nodes.push({ op: 'Relu', name: `relu${i}`, inputs: [x], outputs: [`relu${i}`] })
      x = `relu${i}`
    }
  }
  graph.inits.push({ name: 'squeeze.axes', dims: [1], type: DataType.INT64, raw: int64Raw([1]) })
  graph.nodes.push({ op: 'Squeeze', name: 'squeeze', inputs: [x, 'squeeze.axes'], outputs: [OUTPUT_NAME] })
}

function writeValueInfo(w: ProtoWriter, name: string, dims: (number | string)[]) {
  w.string(ValueInfo.name, name)
  w.message(ValueInfo.type, (t) =>
    t.message(Type.tensorType, (tt) => {
      tt.varint(TensorType.elemType, DataType.FLOAT)
      tt.message(TensorType.shape, (s) => {
        for (const d of dims)
          s.message(Shape.dim, (dw) => (typeof d === 'number' ? dw.varint(Dim.value, d) : dw.string(Dim.param, d)))
      })
    }),
  )
}

/** The metadata_props of an MLP graph: features, widths, scaler, arch. */
export function mlpMetadata(g: MlpGraph): [string, string][] {
  const metadata: [string, string][] = [
    ['vmaf_tiny.features', g.features.join(',')],
    ['vmaf_tiny.widths', g.params.widths.join(',')],
    ['vmaf_tiny.scaler', g.scaler ? 'standard' : 'raw'],
  ]
  if (g.archName) metadata.push(['vmaf_tiny.arch', g.archName])
  return metadata
}

/** ONNX bytes for an MLP (with or without scaler), independent of where the weights came from. */
export function buildMlpOnnx(g: MlpGraph): Uint8Array {
  check(g)
  const { nodes, inits } = mlpGraph(g)
  return writeContractModel({ nodes, inits, inputWidth: g.params.widths[0], metadata: mlpMetadata(g) })
}

export interface ContractModel {
  nodes: readonly NodeSpec[]
  inits: readonly Init[]
  /** F of the input `features` [N, F] */
  inputWidth: number
  metadata: readonly [string, string][]
}

/** The model file of the ONNX contract (opset 17, IR 8, `features` [N, F] → `vmaf` [N]) around `nodes`. */
export function writeContractModel({ nodes, inits, inputWidth: F, metadata }: ContractModel): Uint8Array {
  const m = new ProtoWriter()
  m.varint(Model.irVersion, IR_VERSION)
  m.string(Model.producerName, PRODUCER)
  m.string(Model.producerVersion, PRODUCER_VERSION)
  m.message(Model.graph, (gw) => {
    for (const n of nodes)
      gw.message(Graph.node, (nw) => {
        for (const i of n.inputs) nw.string(Node.input, i)
        for (const o of n.outputs) nw.string(Node.output, o)
        nw.string(Node.name, n.name)
        nw.string(Node.opType, n.op)
        for (const [k, v] of Object.entries(n.ints ?? {}))
          nw.message(Node.attribute, (a) => a.string(Attribute.name, k).varint(Attribute.i, v).varint(Attribute.type, AttributeType.INT))
      })
    gw.string(Graph.name, 'vmaf_tiny')
    for (const t of inits)
      gw.message(Graph.initializer, (tw) => {
        tw.packedVarints(Tensor.dims, t.dims)
        tw.varint(Tensor.dataType, t.type)
        tw.string(Tensor.name, t.name)
        tw.bytes(Tensor.rawData, t.raw)
      })
    gw.message(Graph.input, (v) => writeValueInfo(v, INPUT_NAME, ['N', F]))
    gw.message(Graph.output, (v) => writeValueInfo(v, OUTPUT_NAME, ['N']))
  })
  m.message(Model.opsetImport, (o) => o.string(OpsetId.domain, '').varint(OpsetId.version, OPSET))
  for (const [key, value] of metadata)
    m.message(Model.metadataProps, (e) => e.string(StringEntry.key, key).string(StringEntry.value, value))
  return m.finish()
}

/** The ONNX file of a trained model: same weights → same bytes. */
export function exportOnnx(model: TrainedModel): Uint8Array {
  return buildMlpOnnx({ params: model.params, scaler: model.scaler, features: model.features, archName: model.arch.name })
}
