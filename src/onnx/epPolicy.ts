// Which onnxruntime-web execution provider runs a request. "auto" picks WASM for tiny models:
// a 257–3,073-parameter MLP does almost no arithmetic per row, so WebGPU's dispatch, upload and
// readback cost more than they save. bench/infer.ts (mlp_small, Chromium on SwiftShader, 2 cores):
// 280,000 rows in 24–54 ms on WASM vs ~28 s on WebGPU; 1,000 rows 0.5 ms vs 40–150 ms.
// Larger graphs go to WebGPU when this browser has an adapter (a judgement, not measured here).
import type { EpChoice } from './evaluator.ts'
import type { EpDecision } from './ortEvaluator.ts'

/** At or below this many initializer values a model counts as tiny (our mlp_large has 3,073 weights). */
export const TINY_MODEL_PARAMS = 100_000

export function chooseWebEp(requested: EpChoice, params: number, webgpu: boolean): EpDecision {
  const wasm = (reason: string): EpDecision => ({ providers: ['wasm'], label: 'wasm', reason })
  const gpu = (reason: string): EpDecision => ({ providers: ['webgpu'], label: 'webgpu', reason })
  if (requested === 'wasm') return wasm('chosen in the menu')
  if (requested === 'webgpu')
    return webgpu ? gpu('chosen in the menu') : wasm('WebGPU was chosen, but this browser has no WebGPU adapter')
  if (params <= TINY_MODEL_PARAMS)
    return wasm('auto: a tiny model runs faster on wasm than on webgpu')
  return webgpu
    ? gpu('auto: a larger model runs faster on webgpu')
    : wasm('auto: no WebGPU adapter, wasm')
}
