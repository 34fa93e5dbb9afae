// The Evaluator over onnxruntime-node (CPU EP), for tests and the CLI. Same checks, same session
// cache and same output handling as the app's worker (src/onnx/ortEvaluator.ts).
import { readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { existsSync } from 'node:fs'
import { OrtEvaluator, type OrtModule } from '../onnx/ortEvaluator.ts'
import { inspectOnnx } from '../onnx/inspect.ts'
import type { OnnxModelSource } from '../onnx/evaluator.ts'

let ortPromise: Promise<OrtModule> | null = null

function loadOrt(): Promise<OrtModule> {
  ortPromise ??= import('onnxruntime-node').then((m) => (m.default ?? m) as unknown as OrtModule)
  return ortPromise
}

/** An Evaluator on onnxruntime-node; every request (auto/webgpu/wasm) runs on its CPU EP. */
export async function createNodeEvaluator(): Promise<OrtEvaluator> {
  const ort = await loadOrt()
  return new OrtEvaluator(ort, {
    chooseEp: (requested) => ({
      providers: ['cpu'],
      label: 'cpu',
      reason: requested === 'auto' ? 'onnxruntime-node: CPU EP' : `onnxruntime-node has no ${requested} EP here: CPU EP`,
    }),
  })
}

/**
 * A model file from disk with the external-data files its initializers reference, looked up
 * beside it (the `location` is relative to the .onnx, as ONNX specifies).
 */
export async function readModelFile(path: string): Promise<OnnxModelSource> {
  const bytes = new Uint8Array(await readFile(path))
  const info = inspectOnnx(bytes, basename(path))
  const externalData = []
  for (const location of info.externalLocations) {
    const p = join(dirname(path), location)
    if (existsSync(p)) externalData.push({ path: location, data: new Uint8Array(await readFile(p)) })
  }
  return { name: basename(path), bytes, externalData }
}
