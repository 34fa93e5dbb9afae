// Ops the libvmaf fork's tiny-model loader accepts (the ONNX contract, ARCHITECTURE.md; a subset
// of the fork's libvmaf/src/dnn/op_allowlist.c). Our float exports use only Sub, Div, Gemm, Relu
// and Squeeze; the int8 export (quantize.ts) adds QuantizeLinear/DequantizeLinear, which the fork
// lists for QDQ post-training quantisation. Models from elsewhere are checked against the whole
// list and get a warning (not a refusal) for anything outside it.
export const ALLOWED_OPS: ReadonlySet<string> = new Set([
  'Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze',
  'Add', 'Sub', 'Mul', 'Div', 'Gemm', 'MatMul', 'Relu', 'Constant',
  'QuantizeLinear', 'DequantizeLinear',
])

export function opsOutsideAllowlist(ops: Iterable<string>): string[] {
  return [...new Set(ops)].filter((op) => !ALLOWED_OPS.has(op)).sort()
}
