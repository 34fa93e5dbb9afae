// Which onnxruntime-web execution provider runs a request. "auto" picks WASM for tiny models:
// a 257–3,073-parameter MLP does almost no arithmetic per row, so WebGPU's dispatch, upload and
// readback cost more than they save. bench/infer.ts (mlp_small, Chromium on SwiftShader, 2 cores):
// 280,000 rows in 24–54 ms on WASM vs ~28 s on WebGPU; 1,000 rows 0.5 ms vs 40–150 ms.
// Larger graphs go to WebGPU when this browser has an adapter (a judgement, not measured here).
// A static QDQ int8 model (QuantizeLinear/DequantizeLinear, what `quantize` writes) never goes to
// WebGPU unless a request asks for exactly that EP (the cross-check does, to show the difference):
// onnxruntime-web's WebGPU EP scored our QDQ exports whole VMAF points away from their WASM run
// and from our QDQ forward on SwiftShader (e2e/crossruntime.spec.ts measures it), so its numbers
// cannot be trusted for an evaluation.
import type { EpChoice } from './evaluator.ts'
import type { EpDecision } from './ortEvaluator.ts'

/** What the policy reads of a model. */
export interface EpModel {
  /** values in the model's initializers */
  params: number
  /** the op types the graph uses */
  ops: readonly string[]
}

export interface EpRequest {
  requested: EpChoice
  /** run on exactly the requested EP, whatever the model (for comparisons of EPs) */
  exact?: boolean
  /** this browser has a WebGPU adapter */
  webgpu: boolean
}

/** A static QDQ int8 graph: the ops `quantize` adds around each Gemm. */
export const isStaticQdq = (ops: readonly string[]): boolean => ops.includes('QuantizeLinear') && ops.includes('DequantizeLinear')

/** At or below this many initializer values a model counts as tiny (our mlp_large has 3,073 weights). */
export const TINY_MODEL_PARAMS = 100_000

export function chooseWebEp(req: EpRequest, model: EpModel): EpDecision {
  const { requested, webgpu } = req
  const wasm = (reason: string): EpDecision => ({ providers: ['wasm'], label: 'wasm', reason })
  const gpu = (reason: string): EpDecision => ({ providers: ['webgpu'], label: 'webgpu', reason })
  if (requested === 'wasm') return wasm('chosen in the menu')
  if (requested === 'webgpu' && !webgpu) return wasm('WebGPU was chosen, but this browser has no WebGPU adapter')
  if (requested === 'webgpu' && req.exact) return gpu('chosen in the menu')
  if (isStaticQdq(model.ops))
    return wasm(`a static int8 (QDQ) model: onnxruntime-web's WebGPU EP was measured far off on these${requested === 'webgpu' ? ', so not WebGPU although it was chosen' : ''}; the cross-check shows it`)
  if (requested === 'webgpu') return gpu('chosen in the menu')
  const { params } = model
  if (params <= TINY_MODEL_PARAMS)
    return wasm('auto: a tiny model runs faster on wasm than on webgpu')
  return webgpu
    ? gpu('auto: a larger model runs faster on webgpu')
    : wasm('auto: no WebGPU adapter, wasm')
}
