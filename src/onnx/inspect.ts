// Reads enough of an ONNX file to judge it without a runtime: input/output names, types and
// shapes, opsets, the ops used, and the initializers — with their external-data references
// (`location`, offset, length) — so a dropped model can be checked before it is loaded and
// published weights can be pulled out and re-exported through our writer.
import { asFloats, asInt, asInts, asString, readFields, ProtoDecodeError, type Field } from './proto.ts'
import {
  Attribute, AttributeType, DATA_LOCATION_EXTERNAL, DATA_TYPE_NAMES, DataType, Dim, Graph, Model, Node,
  OpsetId, Shape, StringEntry, Tensor, TensorType, Type, ValueInfo,
} from './schema.ts'
import { OnnxFormatError } from './errors.ts'

export interface ExternalRef {
  location: string
  offset: number
  /** -1 when the file does not say (then: to the end of the data file) */
  length: number
}

export interface TensorInfo {
  name: string
  dataType: number
  /** e.g. "float32", "int8" */
  type: string
  dims: number[]
  /** element count */
  size: number
  external: ExternalRef | null
  /** inline payload: raw_data, or the typed field re-encoded little-endian */
  raw: Uint8Array | null
  /** float_data / int32_data / int64_data, when the tensor uses them instead of raw_data */
  listed: number[] | null
}

export type Dimension = number | string | null

export interface ValueInfo {
  name: string
  elemType: number
  type: string
  /** null when the graph gives no shape; a string is a symbolic dimension */
  shape: Dimension[] | null
}

export type AttributeValue = number | string | number[] | TensorInfo

export interface NodeInfo {
  opType: string
  domain: string
  name: string
  inputs: string[]
  outputs: string[]
  attributes: Record<string, AttributeValue>
}

export interface OnnxInfo {
  irVersion: number
  opsets: { domain: string; version: number }[]
  /** version of the default ("" / ai.onnx) opset, 0 when absent */
  opset: number
  producer: string
  graphName: string
  /** real inputs (initializers listed as inputs by old exporters are left out) */
  inputs: ValueInfo[]
  outputs: ValueInfo[]
  nodes: NodeInfo[]
  /** distinct op types, in order of first use */
  ops: string[]
  initializers: TensorInfo[]
  /** distinct external-data file names the initializers reference */
  externalLocations: string[]
  metadata: Record<string, string>
  /** elements in all initializers */
  parameterCount: number
}

function group(fields: Field[]): Map<number, Field[]> {
  const m = new Map<number, Field[]>()
  for (const f of fields) {
    const list = m.get(f.field)
    if (list) list.push(f)
    else m.set(f.field, [f])
  }
  return m
}

const str = (m: Map<number, Field[]>, n: number, dflt = '') => {
  const f = m.get(n)
  return f ? asString(f[f.length - 1]) : dflt
}
const int = (m: Map<number, Field[]>, n: number, dflt = 0) => {
  const f = m.get(n)
  return f ? asInt(f[f.length - 1]) : dflt
}
const msgs = (m: Map<number, Field[]>, n: number) => (m.get(n) ?? []).map((f) => group(readFields(f.data ?? new Uint8Array())))

function readTensor(m: Map<number, Field[]>): TensorInfo {
  const dims = (m.get(Tensor.dims) ?? []).flatMap(asInts)
  const dataType = int(m, Tensor.dataType)
  let external: ExternalRef | null = null
  if (int(m, Tensor.dataLocation) === DATA_LOCATION_EXTERNAL) {
    const kv: Record<string, string> = {}
    for (const e of msgs(m, Tensor.externalData)) kv[str(e, StringEntry.key)] = str(e, StringEntry.value)
    external = { location: kv.location ?? '', offset: Number(kv.offset ?? 0), length: kv.length === undefined ? -1 : Number(kv.length) }
  }
  const rawField = m.get(Tensor.rawData)
  let listed: number[] | null = null
  if (m.has(Tensor.floatData)) listed = m.get(Tensor.floatData)!.flatMap(asFloats)
  else if (m.has(Tensor.int32Data)) listed = m.get(Tensor.int32Data)!.flatMap(asInts)
  else if (m.has(Tensor.int64Data)) listed = m.get(Tensor.int64Data)!.flatMap(asInts)
  return {
    name: str(m, Tensor.name),
    dataType,
    type: DATA_TYPE_NAMES[dataType] ?? `type ${dataType}`,
    dims,
    size: dims.reduce((a, b) => a * b, 1),
    external,
    raw: rawField ? rawField[rawField.length - 1].data! : null,
    listed,
  }
}

function readValueInfo(m: Map<number, Field[]>): ValueInfo {
  const name = str(m, ValueInfo.name)
  const type = msgs(m, ValueInfo.type)[0]
  const tensor = type && msgs(type, Type.tensorType)[0]
  if (!tensor) return { name, elemType: 0, type: 'not a tensor', shape: null }
  const elemType = int(tensor, TensorType.elemType)
  const shapeMsg = msgs(tensor, TensorType.shape)[0]
  const shape = shapeMsg
    ? msgs(shapeMsg, Shape.dim).map((d): Dimension => (d.has(Dim.value) ? int(d, Dim.value) : d.has(Dim.param) ? str(d, Dim.param) : null))
    : null
  return { name, elemType, type: DATA_TYPE_NAMES[elemType] ?? `type ${elemType}`, shape }
}

function readAttribute(m: Map<number, Field[]>): [string, AttributeValue] {
  const name = str(m, Attribute.name)
  switch (int(m, Attribute.type)) {
    case AttributeType.FLOAT:
      return [name, asFloats(m.get(Attribute.f)![0])[0]]
    case AttributeType.INT:
      return [name, int(m, Attribute.i)]
    case AttributeType.STRING:
      return [name, str(m, Attribute.s)]
    case AttributeType.TENSOR:
      return [name, readTensor(msgs(m, Attribute.t)[0])]
    case AttributeType.FLOATS:
      return [name, (m.get(Attribute.floats) ?? []).flatMap(asFloats)]
    case AttributeType.INTS:
      return [name, (m.get(Attribute.ints) ?? []).flatMap(asInts)]
    default:
      return [name, NaN] // graphs and sparse tensors: not needed for the models we load
  }
}

/** Decode the model; throws OnnxFormatError (naming `file`) when the bytes are not ONNX. */
export function inspectOnnx(bytes: Uint8Array, file = 'model.onnx'): OnnxInfo {
  let info: OnnxInfo
  try {
    info = decode(bytes)
  } catch (e) {
    // random bytes can also trip the typed accessors: any decoding failure means "not ONNX"
    const why = e instanceof ProtoDecodeError ? e.message : 'malformed protobuf'
    throw new OnnxFormatError(file, `not an ONNX model (${why})`)
  }
  if (info.irVersion <= 0) throw new OnnxFormatError(file, 'not an ONNX model (no IR version)')
  if (info.nodes.length === 0) throw new OnnxFormatError(file, 'not an ONNX model (no graph nodes)')
  if (info.inputs.length === 0 || info.outputs.length === 0)
    throw new OnnxFormatError(file, 'the graph declares no input or no output')
  return info
}

function decode(bytes: Uint8Array): OnnxInfo {
  const model = group(readFields(bytes))
  const graph = msgs(model, Model.graph)[0] ?? new Map<number, Field[]>()
  const initializers = msgs(graph, Graph.initializer).map(readTensor)
  const initNames = new Set(initializers.map((t) => t.name))
  const nodes: NodeInfo[] = msgs(graph, Graph.node).map((n) => ({
    opType: str(n, Node.opType),
    domain: str(n, Node.domain),
    name: str(n, Node.name),
    inputs: (n.get(Node.input) ?? []).map(asString),
    outputs: (n.get(Node.output) ?? []).map(asString),
    attributes: Object.fromEntries(msgs(n, Node.attribute).map(readAttribute)),
  }))
  const opsets = msgs(model, Model.opsetImport).map((o) => ({ domain: str(o, OpsetId.domain), version: int(o, OpsetId.version) }))
  const metadata: Record<string, string> = {}
  for (const e of msgs(model, Model.metadataProps)) metadata[str(e, StringEntry.key)] = str(e, StringEntry.value)
  return {
    irVersion: int(model, Model.irVersion),
    opsets,
    opset: opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0,
    producer: [str(model, Model.producerName), str(model, Model.producerVersion)].filter(Boolean).join(' '),
    graphName: str(graph, Graph.name),
    inputs: msgs(graph, Graph.input).map(readValueInfo).filter((v) => !initNames.has(v.name)),
    outputs: msgs(graph, Graph.output).map(readValueInfo),
    nodes,
    ops: [...new Set(nodes.map((n) => n.opType))],
    initializers,
    externalLocations: [...new Set(initializers.flatMap((t) => (t.external ? [t.external.location] : [])))],
    metadata,
    parameterCount: initializers.reduce((a, t) => a + t.size, 0),
  }
}

/**
 * The values of a float32 tensor, from its inline data or from `externalData` (file name →
 * bytes, the name being the tensor's `location`). Throws naming the tensor when data is missing.
 */
export function floatValues(t: TensorInfo, externalData?: ReadonlyMap<string, Uint8Array>): Float32Array {
  if (t.dataType !== DataType.FLOAT) throw new Error(`tensor ${t.name} is ${t.type}, not float32`)
  if (t.listed) return Float32Array.from(t.listed)
  let raw = t.raw
  if (t.external) {
    const data = externalData?.get(t.external.location)
    if (!data) throw new Error(`tensor ${t.name} lives in ${t.external.location}, which was not given`)
    const len = t.external.length >= 0 ? t.external.length : data.length - t.external.offset
    if (t.external.offset + len > data.length)
      throw new Error(`tensor ${t.name}: ${t.external.location} has ${data.length} bytes, needs ${t.external.offset + len}`)
    raw = data.subarray(t.external.offset, t.external.offset + len)
  }
  if (!raw) return new Float32Array(t.size) // no data fields: all zeros, as onnx does
  if (raw.length !== t.size * 4) throw new Error(`tensor ${t.name}: ${raw.length} bytes for ${t.size} float32 values`)
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  return Float32Array.from({ length: t.size }, (_, i) => view.getFloat32(i * 4, true))
}
