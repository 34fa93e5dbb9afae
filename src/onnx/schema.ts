// Field numbers and enums of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto)
// that the writer and the reader use.

export const Model = { irVersion: 1, producerName: 2, producerVersion: 3, domain: 4, modelVersion: 5, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 } as const
export const OpsetId = { domain: 1, version: 2 } as const
export const StringEntry = { key: 1, value: 2 } as const
export const Graph = { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12, valueInfo: 13 } as const
export const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, docString: 6, domain: 7 } as const
export const Attribute = { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, type: 20 } as const
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const
export const Tensor = { dims: 1, dataType: 2, floatData: 4, int32Data: 5, int64Data: 7, name: 8, rawData: 9, doubleData: 10, externalData: 13, dataLocation: 14 } as const
export const ValueInfo = { name: 1, type: 2 } as const
export const Type = { tensorType: 1 } as const
export const TensorType = { elemType: 1, shape: 2 } as const
export const Shape = { dim: 1 } as const
export const Dim = { value: 1, param: 2 } as const

export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const

export const DATA_TYPE_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
}

export const DATA_LOCATION_EXTERNAL = 1

/** The IR version that goes with opset 17 (onnx 1.12); Debian's python3-onnx checker accepts up to 8. */
export const IR_VERSION = 8
export const OPSET = 17
