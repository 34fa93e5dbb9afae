// The Evaluator contract both runtimes implement — onnxruntime-web in workers/eval.worker.ts,
// onnxruntime-node in src/node/ortNode.ts — and the checks every model passes before a session
// is created: it must be ONNX, take one float32 [N, F] input with F = the data's feature count,
// give one value per row, and come with every external-data file its initializers reference.
import { CANONICAL_FEATURES } from '../base/features.ts'
import { opsOutsideAllowlist } from './allowlist.ts'
import { IncompatibleModelError } from './errors.ts'
import { inspectOnnx, type OnnxInfo } from './inspect.ts'
import type { Sidecar } from './sidecar.ts'

export type EpChoice = 'auto' | 'webgpu' | 'wasm'

export interface OnnxModelSource {
  /** file name, shown in messages */
  name: string
  bytes: Uint8Array
  /** external weights; `path` equals the `location` written in the .onnx */
  externalData?: { path: string; data: Uint8Array }[]
}

export interface EvalRunOptions {
  ep?: EpChoice
  /** run on exactly `ep`, past the policy's per-model rules (a comparison of EPs needs each one) */
  exactEp?: boolean
}

export interface EvalOutput {
  /** one prediction per row */
  pred: Float32Array
  /** the execution provider that ran: "webgpu", "wasm" or "cpu" (onnxruntime-node) */
  ep: string
  /** why this EP (e.g. "auto: tiny model (257 parameters), wasm is faster") */
  epReason: string
  /** time to create the session (0 when it was cached) */
  sessionMs: number
  inferenceMs: number
}

export interface Evaluator {
  run(model: OnnxModelSource, x: Float32Array, rows: number, nFeatures: number, opts?: EvalRunOptions): Promise<EvalOutput>
}

/** What the runtime needs to feed and read a model, found by checkModel. */
export interface ModelIO {
  info: OnnxInfo
  inputName: string
  outputName: string
  /** F of the [N, F] input, or null when the graph leaves it symbolic */
  inputWidth: number | null
  /** things worth saying that do not stop the evaluation (ops outside the libvmaf allowlist…) */
  warnings: string[]
}

/** Check a model against the data's feature count; throws IncompatibleModelError naming the file. */
export function checkModel(model: OnnxModelSource, nFeatures?: number): ModelIO {
  const info = inspectOnnx(model.bytes, model.name)
  const fail = (why: string) => new IncompatibleModelError(model.name, why)
  if (info.inputs.length !== 1)
    throw fail(`has ${info.inputs.length} inputs (${info.inputs.map((i) => i.name).join(', ')}); a VMAF model takes one [N, F] feature matrix`)
  const input = info.inputs[0]
  if (input.type !== 'float32') throw fail(`input "${input.name}" is ${input.type}, expected float32`)
  if (input.shape && input.shape.length !== 2) throw fail(`input "${input.name}" has rank ${input.shape.length}, expected [N, F]`)
  const w = input.shape?.[1]
  const inputWidth = typeof w === 'number' && w > 0 ? w : null
  if (nFeatures !== undefined && inputWidth !== null && inputWidth !== nFeatures)
    throw fail(`input "${input.name}" takes ${inputWidth} features per row but the data gives ${nFeatures}`)
  const output = info.outputs[0]
  if (output.type !== 'float32') throw fail(`output "${output.name}" is ${output.type}, expected float32`)
  if (output.shape && !(output.shape.length === 1 || (output.shape.length === 2 && output.shape[1] === 1)))
    throw fail(`output "${output.name}" has shape [${output.shape.join(', ')}], expected [N] or [N, 1]`)

  const given = new Map((model.externalData ?? []).map((d) => [d.path, d.data]))
  for (const t of info.initializers) {
    if (!t.external) continue
    const data = given.get(t.external.location)
    if (!data)
      throw fail(`its weights live in the external file "${t.external.location}": add that file together with the .onnx`)
    const end = t.external.offset + (t.external.length >= 0 ? t.external.length : 0)
    if (end > data.length) throw fail(`"${t.external.location}" has ${data.length} bytes but tensor ${t.name} needs ${end}`)
  }
  const warnings: string[] = []
  const outside = opsOutsideAllowlist(info.ops)
  if (outside.length) warnings.push(`uses ops outside the libvmaf tiny-model allowlist: ${outside.join(', ')}`)
  if (info.opset !== 17) warnings.push(`opset ${info.opset} (the libvmaf loader expects 17)`)
  return { info, inputName: input.name, outputName: output.name, inputWidth, warnings }
}

/**
 * The feature columns a model expects, in order: the sidecar's list, else the one our exporter
 * writes into metadata_props, else the canonical six when the width is 6.
 */
export function modelFeatures(info: OnnxInfo, side?: Pick<Sidecar, 'features'> | null): string[] | null {
  if (side?.features?.length) return [...side.features]
  const meta = info.metadata['vmaf_tiny.features']
  if (meta) return meta.split(',')
  const w = info.inputs[0]?.shape?.[1]
  if (w === CANONICAL_FEATURES.length || w === null || typeof w === 'string') return [...CANONICAL_FEATURES]
  return null
}

/**
 * Pair the external-data files a model references (`location`) with the files at hand: by exact
 * name first; a single leftover reference and a single leftover `.data` file are paired with a
 * warning — published models are often renamed without rewriting `location`
 * (vmaf_tiny_v1_medium.onnx points at "mlp_medium_final.onnx.data").
 */
export function pairExternalData(
  info: OnnxInfo,
  modelName: string,
  files: readonly { name: string; data: Uint8Array }[],
): { externalData: { path: string; data: Uint8Array }[]; warnings: string[] } {
  const externalData: { path: string; data: Uint8Array }[] = []
  const warnings: string[] = []
  const unused = [...files]
  const missing: string[] = []
  for (const location of info.externalLocations) {
    const i = unused.findIndex((f) => f.name === location)
    if (i >= 0) externalData.push({ path: location, data: unused.splice(i, 1)[0].data })
    else missing.push(location)
  }
  const leftovers = unused.filter((f) => f.name.endsWith('.data'))
  if (missing.length === 1 && leftovers.length === 1) {
    externalData.push({ path: missing[0], data: leftovers[0].data })
    warnings.push(`${modelName} references "${missing[0]}"; using "${leftovers[0].name}" for it`)
  }
  return { externalData, warnings }
}

export interface CrossCheck {
  webgpu: EvalOutput
  wasm: EvalOutput
  /** largest |webgpu − wasm| over all rows */
  maxAbsDiff: number
}

/** Run the same rows on both EPs and compare. */
export async function crossCheck(ev: Evaluator, model: OnnxModelSource, x: Float32Array, rows: number, nFeatures: number): Promise<CrossCheck> {
  const webgpu = await ev.run(model, x, rows, nFeatures, { ep: 'webgpu', exactEp: true })
  const wasm = await ev.run(model, x, rows, nFeatures, { ep: 'wasm' })
  let maxAbsDiff = 0
  for (let i = 0; i < rows; i++) {
    const d = Math.abs(webgpu.pred[i] - wasm.pred[i])
    maxAbsDiff = d > maxAbsDiff || Number.isNaN(d) ? d : maxAbsDiff
  }
  return { webgpu, wasm, maxAbsDiff }
}
