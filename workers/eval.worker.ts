// Evaluation worker: ONE long-lived worker holding onnxruntime-web, so its wasm is fetched
// and compiled once. `import('onnxruntime-web')` (the JSEP build) is the one variant that gives
// both the WebGPU and the WASM EP from a single import; it loads on first use.
// A thin comlink adapter: model checks, EP choice and session caching live in src/onnx.
import * as Comlink from 'comlink'
import { crossCheck, type CrossCheck, type EvalOutput, type EvalRunOptions, type OnnxModelSource } from '../src/onnx/evaluator.ts'
import { chooseWebEp } from '../src/onnx/epPolicy.ts'
import { OrtEvaluator, type OrtModule } from '../src/onnx/ortEvaluator.ts'

export interface EvalEnv {
  webgpu: boolean
  /** "vendor architecture" of the adapter, or why there is none */
  adapter: string
  /** wasm threads ORT uses (1 unless cross-origin isolated with spare cores) */
  threads: number
  /** ms to import onnxruntime-web and ask for an adapter (its wasm compiles with the first session) */
  loadMs: number
}

let ready: Promise<{ evaluator: OrtEvaluator; env: EvalEnv }> | null = null

async function adapterInfo(): Promise<{ ok: boolean; text: string }> {
  if (!('gpu' in navigator) || !navigator.gpu) return { ok: false, text: 'no navigator.gpu in this browser' }
  try {
    const a = await navigator.gpu.requestAdapter()
    if (!a) return { ok: false, text: 'navigator.gpu.requestAdapter() returned null' }
    return { ok: true, text: [a.info.vendor, a.info.architecture].filter(Boolean).join(' ') || 'WebGPU adapter' }
  } catch (e) {
    return { ok: false, text: `requestAdapter failed: ${(e as Error).message}` }
  }
}

function init() {
  ready ??= (async () => {
    const t0 = performance.now()
    const [ort, gpu] = await Promise.all([import('onnxruntime-web'), adapterInfo()])
    ort.env.logLevel = 'error'
    // ORT's own default, made explicit so the UI can say it: threads need cross-origin isolation
    ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, Math.ceil((navigator.hardwareConcurrency || 1) / 2)) : 1
    const evaluator = new OrtEvaluator(ort as unknown as OrtModule, {
      chooseEp: (request, model) => chooseWebEp({ ...request, webgpu: gpu.ok }, model),
    })
    const env: EvalEnv = { webgpu: gpu.ok, adapter: gpu.text, threads: ort.env.wasm.numThreads, loadMs: performance.now() - t0 }
    return { evaluator, env }
  })()
  ready.catch(() => (ready = null))
  return ready
}

const api = {
  async env(): Promise<EvalEnv> {
    return (await init()).env
  },
  async run(model: OnnxModelSource, x: Float32Array, rows: number, nFeatures: number, opts?: EvalRunOptions): Promise<EvalOutput> {
    const out = await (await init()).evaluator.run(model, x, rows, nFeatures, opts)
    return Comlink.transfer(out, [out.pred.buffer])
  },
  async crossCheck(model: OnnxModelSource, x: Float32Array, rows: number, nFeatures: number): Promise<CrossCheck> {
    const out = await crossCheck((await init()).evaluator, model, x, rows, nFeatures)
    return Comlink.transfer(out, [out.webgpu.pred.buffer, out.wasm.pred.buffer])
  },
  /** drop every cached session (frees GPU memory) */
  async release(): Promise<void> {
    if (ready) await (await ready).evaluator.dispose()
  },
}

export type EvalWorkerApi = typeof api
Comlink.expose(api)
