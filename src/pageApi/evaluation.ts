// window.lab functions of the evaluation area, for Playwright tests, bench/infer.ts and the CLI:
// the same worker the app uses, driven with bytes and matrices passed from Node (Playwright
// serialises typed arrays).
import { evalWorker } from '../../workers/evalClient.ts'
import type { EpChoice, OnnxModelSource } from '../onnx/evaluator.ts'

export interface EvalRunRequest {
  model: OnnxModelSource
  x: Float32Array
  rows: number
  nFeatures: number
  ep?: EpChoice
}

/** Which EPs the worker has (loads onnxruntime-web on first call). */
export function evalEnv() {
  return evalWorker().env()
}

/**
 * One inference run; the result's `ep` says which EP ran. `wallMs` is the time seen by the page,
 * including the copy of the rows to the worker and of the predictions back.
 */
export async function evalRun(r: EvalRunRequest) {
  const t0 = performance.now()
  const out = await evalWorker().run(r.model, r.x, r.rows, r.nFeatures, { ep: r.ep ?? 'auto' })
  return { ...out, wallMs: performance.now() - t0 }
}

/** WebGPU and WASM on the same rows, with the max |difference|. */
export function evalCrossCheck(r: EvalRunRequest) {
  return evalWorker().crossCheck(r.model, r.x, r.rows, r.nFeatures)
}

/** Drop the worker's cached sessions (the next run measures a cold session again). */
export function evalRelease() {
  return evalWorker().release()
}

/** An error from the worker as the caller sees it (name + message). */
export async function evalRunError(r: EvalRunRequest): Promise<{ name: string; message: string } | null> {
  try {
    await evalRun(r)
    return null
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message }
  }
}
