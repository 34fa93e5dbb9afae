// The Evaluator over onnxruntime-node (CPU EP), for tests and the CLI. Same checks, same session
// cache and same output handling as the app's worker (src/onnx/ortEvaluator.ts).
import { readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { existsSync } from 'node:fs'
import { OrtEvaluator, type OrtModule } from '../onnx/ortEvaluator.ts'
import { inspectOnnx } from '../onnx/inspect.ts'
import { pairExternalData, type OnnxModelSource } from '../onnx/evaluator.ts'
import { onnxruntimeNode } from './onDemand.ts'

/** An Evaluator on onnxruntime-node; every request (auto/webgpu/wasm) runs on its CPU EP. */
export async function createNodeEvaluator(): Promise<OrtEvaluator> {
  const ort = onnxruntimeNode() as unknown as OrtModule
  return new OrtEvaluator(ort, {
    chooseEp: ({ requested }) => ({
      providers: ['cpu'],
      label: 'cpu',
      reason: requested === 'auto' ? 'onnxruntime-node: CPU EP' : `onnxruntime-node has no ${requested} EP here: CPU EP`,
    }),
  })
}

/**
 * A model file from disk with the external-data files its initializers reference, looked up
 * beside it (the `location` is relative to the .onnx, as ONNX specifies); `<name>.onnx.data`
 * stands in for a single reference whose file was renamed (see pairExternalData).
 */
export async function readModelFile(path: string): Promise<OnnxModelSource & { warnings: string[] }> {
  const name = basename(path)
  const bytes = new Uint8Array(await readFile(path))
  const info = inspectOnnx(bytes, name)
  if (!info.externalLocations.length) return { name, bytes, externalData: [], warnings: [] }
  const dir = dirname(path)
  const candidates = new Set([...info.externalLocations, `${name}.data`].filter((f) => existsSync(join(dir, f))))
  const files = []
  for (const f of candidates) files.push({ name: f, data: new Uint8Array(await readFile(join(dir, f))) })
  const { externalData, warnings } = pairExternalData(info, name, files)
  return { name, bytes, externalData, warnings }
}
