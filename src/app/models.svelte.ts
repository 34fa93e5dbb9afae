// The model registry: models trained here (addTrainedModel, called by the Train panel) and
// models the user drops (.onnx + optional .onnx.data + optional sidecar .json). Everything is
// written to IndexedDB at once (modelStore.ts) and listed again after a reload or a tab crash.
// The reactive state holds light view entries; the bytes stay in plain records (a $state proxy
// could not be structured-cloned into IndexedDB or a worker).
import { describeWidths } from '../model/arch.ts'
import { CANONICAL_FEATURES } from '../base/features.ts'
import type { TrainedModel } from '../model/trained.ts'
import { sha256Hex } from '../data/sha256.ts'
import { ModelFileError } from '../onnx/errors.ts'
import { modelFeatures, pairExternalData, type OnnxModelSource } from '../onnx/evaluator.ts'
import { exportOnnx } from '../onnx/export.ts'
import { inspectOnnx, type OnnxInfo } from '../onnx/inspect.ts'
import { extractMlp } from '../onnx/mlp.ts'
import { opsOutsideAllowlist } from '../onnx/allowlist.ts'
import { reportJson, reportMarkdown, type EvalReport } from '../onnx/report.ts'
import { parseSidecar, sidecar as makeSidecar, sidecarJson, type Sidecar } from '../onnx/sidecar.ts'
import * as store from './modelStore.ts'
import type { StoredModel, StoredReport } from './modelStore.ts'

export interface ModelEntry {
  id: string
  origin: 'trained' | 'imported'
  name: string
  fileName: string
  addedAt: string
  sha256: string
  inputName: string
  outputName: string
  /** F of the [N, F] input, null when symbolic */
  inputWidth: number | null
  /** feature columns in the model's order: sidecar, else our metadata, else the canonical six */
  features: string[] | null
  ops: string[]
  outsideAllowlist: string[]
  /** values in the initializers */
  params: number
  /** "6→16→8→1 MLP, scaler inside" or the op list for other graphs */
  shape: string
  hasSidecar: boolean
  externalFiles: string[]
  warnings: string[]
}

export interface RegistryMessage {
  id: number
  kind: 'error' | 'warning' | 'info'
  text: string
}

export const registry = $state({
  /** replaced, never mutated in place ($state.raw semantics for the list) */
  list: [] as ModelEntry[],
  /** latest report per model for the data set it was computed on */
  reports: {} as Record<string, StoredReport>,
  messages: [] as RegistryMessage[],
  /** false until IndexedDB was read */
  restored: false,
  persistent: true,
})

const records = new Map<string, StoredModel>()
let nextMessage = 1

export function say(kind: RegistryMessage['kind'], text: string) {
  registry.messages = [...registry.messages, { id: nextMessage++, kind, text }]
}

export function dismiss(id: number) {
  registry.messages = registry.messages.filter((m) => m.id !== id)
}

function describe(info: OnnxInfo, ext: ReadonlyMap<string, Uint8Array>): string {
  try {
    const m = extractMlp(info, ext)
    return `${describeWidths(m.params.widths)} MLP, ${m.scaler ? 'scaler inside' : 'raw features'}`
  } catch {
    return `graph of ${info.nodes.length} nodes: ${info.ops.join(', ')}`
  }
}

function toEntry(r: StoredModel): ModelEntry {
  const info = inspectOnnx(r.onnx, r.fileName)
  const ext = new Map(r.externalData.map((d) => [d.path, d.data]))
  return {
    id: r.id,
    origin: r.origin,
    name: r.name,
    fileName: r.fileName,
    addedAt: r.addedAt,
    sha256: r.sha256,
    inputName: info.inputs[0]?.name ?? '',
    outputName: info.outputs[0]?.name ?? '',
    inputWidth: typeof info.inputs[0]?.shape?.[1] === 'number' ? (info.inputs[0].shape![1] as number) : null,
    features: modelFeatures(info, r.sidecar),
    ops: info.ops,
    outsideAllowlist: opsOutsideAllowlist(info.ops),
    params: info.parameterCount,
    shape: describe(info, ext),
    hasSidecar: r.sidecar !== null,
    externalFiles: r.externalData.map((d) => d.path),
    warnings: r.warnings,
  }
}

function upsert(r: StoredModel) {
  records.set(r.id, r)
  const e = toEntry(r)
  const i = registry.list.findIndex((x) => x.id === r.id)
  registry.list = i >= 0 ? registry.list.map((x, j) => (j === i ? e : x)) : [...registry.list, e]
}

async function persist(r: StoredModel) {
  if (!registry.persistent) return
  try {
    await store.putModel(r)
  } catch (e) {
    say('warning', `${r.fileName} could not be saved for later (${(e as Error).message}); it stays until this tab closes`)
  }
}

/** Read the saved models and reports (once, at start). */
export async function restore(): Promise<void> {
  try {
    const [saved, reports] = await Promise.all([store.listModels(), store.listReports()])
    saved.sort((a, b) => a.addedAt.localeCompare(b.addedAt))
    for (const r of saved) {
      try {
        upsert(r)
      } catch (e) {
        say('warning', `a saved model could not be read back: ${(e as Error).message}`)
      }
    }
    registry.reports = Object.fromEntries(reports.map((r) => [r.modelId, r]))
  } catch (e) {
    registry.persistent = false
    say('warning', `${(e as Error).message}: models will not survive a reload`)
  } finally {
    registry.restored = true
  }
}

/** Export a freshly trained model and add it (the Train panel calls this). */
export async function addTrainedModel(model: TrainedModel): Promise<ModelEntry | null> {
  let onnx: Uint8Array
  try {
    onnx = exportOnnx(model)
  } catch (e) {
    say('error', `${model.id}: cannot export — ${(e as Error).message}`)
    return null
  }
  const r: StoredModel = {
    id: model.id,
    origin: 'trained',
    name: model.id,
    fileName: `${model.id}.onnx`,
    addedAt: new Date().toISOString(),
    onnx,
    sha256: sha256Hex(onnx),
    externalData: [],
    sidecar: makeSidecar(model, onnx),
    // a plain copy: the caller's object may be reactive
    trained: $state.snapshot(model) as TrainedModel,
    warnings: [],
  }
  upsert(r)
  await persist(r)
  return registry.list.find((e) => e.id === r.id) ?? null
}

const stem = (name: string) => name.replace(/\.onnx$/i, '')

/**
 * Add dropped files: each .onnx with the .onnx.data files it references and its sidecar
 * (`<stem>.json`, or a .json whose "onnx" field names it, or the only .json dropped with the only
 * .onnx). Problems are reported per file; good files are added regardless.
 */
export async function importModelFiles(files: readonly File[]): Promise<ModelEntry[]> {
  const read = async (f: File) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })
  const onnxFiles = files.filter((f) => /\.onnx$/i.test(f.name))
  const dataFiles = await Promise.all(files.filter((f) => /\.data$/i.test(f.name)).map(read))
  const jsonFiles = files.filter((f) => /\.json$/i.test(f.name))
  const sidecars: { name: string; side: Sidecar }[] = []
  for (const f of jsonFiles) {
    try {
      sidecars.push({ name: f.name, side: parseSidecar(await f.text(), f.name) })
    } catch (e) {
      say('error', (e as Error).message)
    }
  }
  for (const f of files)
    if (!/\.(onnx|data|json)$/i.test(f.name)) say('error', `${f.name}: not a model file (expected .onnx, .onnx.data or .json)`)
  if (!onnxFiles.length && (dataFiles.length || jsonFiles.length)) say('error', 'no .onnx file among the dropped files')

  const added: ModelEntry[] = []
  for (const f of onnxFiles) {
    try {
      const bytes = new Uint8Array(await f.arrayBuffer())
      const info = inspectOnnx(bytes, f.name)
      const { externalData, warnings } = pairExternalData(info, f.name, dataFiles)
      const missing = info.externalLocations.filter((l) => !externalData.some((d) => d.path === l))
      if (missing.length)
        throw new ModelFileError(f.name, `its weights live in the external file "${missing.join('", "')}": drop that file together with the .onnx`)
      const side =
        sidecars.find((s) => s.name === `${stem(f.name)}.json`)?.side ??
        sidecars.find((s) => s.side.onnx === f.name)?.side ??
        (onnxFiles.length === 1 && sidecars.length === 1 ? sidecars[0].side : null)
      const sha256 = sha256Hex(bytes)
      if (side?.sha256 && side.sha256 !== sha256) warnings.push(`sidecar ${side.id}.json lists sha256 ${side.sha256.slice(0, 12)}…, the file has ${sha256.slice(0, 12)}…`)
      const w = info.inputs[0]?.shape?.[1]
      if (side && typeof w === 'number' && side.features.length !== w)
        warnings.push(`the sidecar lists ${side.features.length} features, the graph takes ${w}`)
      const r: StoredModel = {
        id: `imported-${sha256.slice(0, 16)}`,
        origin: 'imported',
        name: side?.id ?? stem(f.name),
        fileName: f.name,
        addedAt: new Date().toISOString(),
        onnx: bytes,
        sha256,
        externalData,
        sidecar: side,
        trained: null,
        warnings,
      }
      upsert(r)
      await persist(r)
      added.push(registry.list.find((e) => e.id === r.id)!)
      for (const w of warnings) say('warning', `${f.name}: ${w}`)
    } catch (e) {
      say('error', e instanceof ModelFileError ? e.message : `${f.name}: ${(e as Error).message}`)
    }
  }
  return added
}

/** Delete a model and its reports: from IndexedDB first, so what the list shows is what a reload finds. */
export async function removeModel(id: string): Promise<void> {
  if (registry.persistent) {
    try {
      await store.deleteModel(id)
    } catch (e) {
      say('warning', `could not delete the stored copy, so the model stays listed: ${(e as Error).message}`)
      return
    }
  }
  records.delete(id)
  registry.list = registry.list.filter((e) => e.id !== id)
  const { [id]: _gone, ...rest } = registry.reports
  registry.reports = rest
}

/** What the evaluator needs to run a model. */
export function modelSource(id: string): OnnxModelSource {
  const r = records.get(id)
  if (!r) throw new Error(`model ${id} is not in the registry`)
  return { name: r.fileName, bytes: r.onnx, externalData: r.externalData }
}

export async function saveReport(modelId: string, dataKey: string, report: EvalReport): Promise<void> {
  // a plain copy: parts of the report may come from reactive state, which IndexedDB cannot clone
  const r: StoredReport = { key: `${modelId}|${dataKey}`, modelId, dataKey, report: $state.snapshot(report) as EvalReport }
  registry.reports = { ...registry.reports, [modelId]: r }
  if (registry.persistent) await store.putReport(r).catch((e) => say('warning', `report not saved: ${(e as Error).message}`))
}

// ---- files to save (the Evaluate panel turns them into downloads) -------------------------

export interface SavedFile {
  name: string
  content: Uint8Array | string
  type: string
}

/** The .onnx and its external-data files. */
export function onnxFiles(id: string): SavedFile[] {
  const r = records.get(id)
  if (!r) return []
  return [
    { name: r.fileName, content: r.onnx, type: 'application/octet-stream' },
    ...r.externalData.map((d) => ({ name: d.path, content: d.data, type: 'application/octet-stream' })),
  ]
}

/** The sidecar: ours for trained models (with the latest metrics), the dropped one (or a minimal one from the graph) otherwise. */
export function sidecarOf(id: string): Sidecar | null {
  const r = records.get(id)
  if (!r) return null
  // a trained model's sidecar carries the metrics of its latest evaluation
  const rep = registry.reports[id]
  if (r.trained && rep) return makeSidecar(r.trained, r.onnx, $state.snapshot(rep.report.metrics))
  if (r.sidecar) return r.sidecar
  const e = registry.list.find((x) => x.id === id)!
  const F = e.inputWidth ?? e.features?.length ?? CANONICAL_FEATURES.length
  return {
    id: r.name, kind: 'fr', onnx: r.fileName, opset: inspectOnnx(r.onnx, r.fileName).opset, sha256: r.sha256,
    input_name: e.inputName, input_shape: [-1, F], output_name: e.outputName, output_shape: [-1],
    features: e.features ?? [], n_params: e.params, notes: `written by vmaf-tiny-lab from the graph of ${r.fileName}`,
  }
}

export function sidecarFile(id: string): SavedFile | null {
  const s = sidecarOf(id)
  return s ? { name: `${stem(records.get(id)!.fileName)}.json`, content: sidecarJson(s), type: 'application/json' } : null
}

/** The latest report as JSON or Markdown (the same numbers). */
export function reportFile(id: string, format: 'json' | 'md'): SavedFile | null {
  const r = registry.reports[id]
  if (!r) return null
  const base = `${stem(records.get(id)?.fileName ?? id)}.report`
  const report = $state.snapshot(r.report) as EvalReport
  return format === 'json'
    ? { name: `${base}.json`, content: reportJson(report), type: 'application/json' }
    : { name: `${base}.md`, content: reportMarkdown(report), type: 'text/markdown' }
}

if (typeof window !== 'undefined') void restore()
