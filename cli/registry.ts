// --registry-out DIR (train, study): every model as <id>.onnx + <id>.json and a registry.json,
// through src/onnx/registry.ts (ids the fork's gate accepts).
import { join, resolve } from 'node:path'
import type { RunOutcome } from '../src/experiment/run.ts'
import { sidecar } from '../src/onnx/sidecar.ts'
import { REGISTRY_FILE, writeRegistry } from '../src/onnx/registry.ts'
import { writeOut } from './output.ts'

/** Write the registry of `outcomes` under `dir`; returns the registry.json path. */
export function writeRegistryDir(dir: string, outcomes: readonly Pick<RunOutcome, 'model' | 'onnx' | 'metrics'>[]): string {
  const files = writeRegistry({ models: outcomes.map((o) => ({ onnx: o.onnx, sidecar: sidecar(o.model, o.onnx, o.metrics.n ? o.metrics : undefined) })) })
  for (const [name, bytes] of Object.entries(files)) writeOut(join(dir, name), bytes)
  return resolve(dir, REGISTRY_FILE)
}
