// The main-thread handle on the one evaluation worker (workers/eval.worker.ts), created on first
// use and kept for the page's life. Used by the app (eval.svelte.ts) and the page API (src/pageApi).
import { lazyWorker } from './lazyWorker.ts'
import type { EvalWorkerApi } from './eval.worker.ts'
import type { EvalOutput, EvalRunOptions, Evaluator, OnnxModelSource } from '../src/onnx/evaluator.ts'

export const evalWorker = lazyWorker<EvalWorkerApi>(
  () => new Worker(new URL('./eval.worker.ts', import.meta.url), { type: 'module', name: 'eval' }),
)

/** The worker as an Evaluator (what src/experiment and the page API expect). */
export const webEvaluator: Evaluator = {
  run(model: OnnxModelSource, x: Float32Array, rows: number, nFeatures: number, opts?: EvalRunOptions): Promise<EvalOutput> {
    return evalWorker().run(model, x, rows, nFeatures, opts)
  },
}
