// Ops the libvmaf fork's tiny-model loader accepts (the ONNX contract, ARCHITECTURE.md).
// Our exports use only Sub, Div, Gemm, Relu and Squeeze; models from elsewhere are checked
// against the whole list and get a warning (not a refusal) for anything outside it.
export const ALLOWED_OPS: ReadonlySet<string> = new Set([
  'Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze',
  'Add', 'Sub', 'Mul', 'Div', 'Gemm', 'MatMul', 'Relu', 'Constant',
])

export function opsOutsideAllowlist(ops: Iterable<string>): string[] {
  return [...new Set(ops)].filter((op) => !ALLOWED_OPS.has(op)).sort()
}
