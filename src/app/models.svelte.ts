// The model registry: models trained here (addTrained, called by the train store) and models the
// user drops (.onnx + optional .onnx.data + optional sidecar .json). Everything is written to
// IndexedDB at once (modelStore.ts) and listed again after a reload or a tab crash. The reactive
// state holds light view entries; the bytes stay in plain records (a $state proxy could not be
// structured-cloned into IndexedDB or a worker). Problems go to the notice queue (area "models").
import { describeWidths, paramCount } from '../model/arch.ts'
import type { SplitRecord, TrainedModel } from '../model/trained.ts'
import { sha256Hex } from '../data/sha256.ts'
import { ModelFileError } from '../onnx/errors.ts'
import { modelFeatures, pairExternalData, type OnnxModelSource } from '../onnx/evaluator.ts'
import { exportOnnx } from '../onnx/export.ts'
import { inspectOnnx, type OnnxInfo } from '../onnx/inspect.ts'
import { extractMlp } from '../onnx/mlp.ts'
import { opsOutsideAllowlist } from '../onnx/allowlist.ts'
import type { EvalReport } from '../onnx/report.ts'
import { parseSidecar, sidecar as makeSidecar, type Sidecar } from '../onnx/sidecar.ts'
import { modelCard, readableName, splitOf, type ModelCard } from './modelCard.ts'
import * as store from './modelStore.ts'
import type { StoredModel, StoredReport } from './modelStore.ts'
import { notices } from './notices.svelte.ts'

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
  /** "6→16→8→1 MLP · 257 weights, scaler inside" or the op list for other graphs */
  shape: string
  hasSidecar: boolean
  externalFiles: string[]
  warnings: string[]
  /** epochs, split, final losses, stopped early… (from the training record or the sidecar) */
  card: ModelCard
}

const stem = (name: string) => name.replace(/\.onnx$/i, '')

function describe(info: OnnxInfo, ext: ReadonlyMap<string, Uint8Array>): string {
  try {
    const m = extractMlp(info, ext)
    const w = m.params.widths
    return `${describeWidths(w)} MLP · ${paramCount(w).toLocaleString('en-US')} weights, ${m.scaler ? 'scaler inside' : 'raw features'}`
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
    shape: describe(info, ext),
    hasSidecar: r.sidecar !== null,
    externalFiles: r.externalData.map((d) => d.path),
    warnings: r.warnings,
    card: modelCard(r.trained, r.sidecar),
  }
}

class ModelRegistry {
  /** replaced, never mutated in place */
  list = $state.raw<ModelEntry[]>([])
  /** latest report per model for the data set it was computed on */
  reports = $state.raw<Record<string, StoredReport>>({})
  /** false until IndexedDB was read */
  restored = $state(false)
  persistent = $state(true)

  private records = new Map<string, StoredModel>()

  record(id: string): StoredModel | null {
    return this.records.get(id) ?? null
  }

  /** Read the saved models and reports (once, at start). */
  async restore(): Promise<void> {
    try {
      const [saved, reports] = await Promise.all([store.listModels(), store.listReports()])
      saved.sort((a, b) => a.addedAt.localeCompare(b.addedAt))
      for (const r of saved) {
        try {
          this.upsert(r)
        } catch (e) {
          notices.say('models', { level: 'warning', text: `a saved model could not be read back: ${(e as Error).message}` })
        }
      }
      this.reports = Object.fromEntries(reports.map((r) => [r.modelId, r]))
    } catch (e) {
      this.persistent = false
      notices.say('models', { level: 'warning', text: `${(e as Error).message}: models will not survive a reload` })
    } finally {
      this.restored = true
    }
  }

  /** Export a trained model (finished, or stopped early at its last completed epoch) and add it;
   *  a model with the same id (the same run, resumed) is replaced. */
  async addTrained(model: TrainedModel): Promise<ModelEntry | null> {
    let onnx: Uint8Array
    try {
      onnx = exportOnnx(model)
    } catch (e) {
      notices.say('models', { level: 'error', subject: model.id, text: `cannot export: ${(e as Error).message}` })
      return null
    }
    const before = this.records.get(model.id)
    const r: StoredModel = {
      id: model.id,
      origin: 'trained',
      // a resumed run replaces its earlier self: its name follows, unless the user renamed it
      name: before?.trained && before.name !== before.trained.id && !before.name.startsWith(readableName(before.trained))
        ? before.name
        : this.uniqueName(readableName(model), model.id),
      fileName: `${model.id}.onnx`,
      addedAt: before?.addedAt ?? new Date().toISOString(),
      onnx,
      sha256: sha256Hex(onnx),
      externalData: [],
      sidecar: makeSidecar(model, onnx),
      // a plain copy: the caller's object may be reactive
      trained: $state.snapshot(model) as TrainedModel,
      warnings: [],
    }
    this.upsert(r)
    await this.persist(r)
    return this.list.find((e) => e.id === r.id) ?? null
  }

  /** Add the int8 model quantised from model `from` (its sidecar carries the quant fields); replaces an earlier one. */
  async addQuantized(from: string, o: { bytes: Uint8Array; sidecar: Sidecar }): Promise<ModelEntry | null> {
    const src = this.records.get(from)
    if (!src) return null
    const id = `${from}-int8`
    const r: StoredModel = {
      id,
      origin: src.origin,
      name: this.uniqueName(`${src.name} · int8`, id),
      fileName: `${stem(src.fileName)}.int8.onnx`,
      addedAt: this.records.get(id)?.addedAt ?? new Date().toISOString(),
      onnx: o.bytes,
      sha256: sha256Hex(o.bytes),
      externalData: [],
      sidecar: $state.snapshot(o.sidecar) as Sidecar,
      trained: null,
      warnings: [],
    }
    this.upsert(r)
    await this.persist(r)
    return this.list.find((e) => e.id === id) ?? null
  }

  /**
   * Add dropped files: each .onnx with the .onnx.data files it references and its sidecar
   * (`<stem>.json`, or a .json whose "onnx" field names it, or the only .json dropped with the only
   * .onnx). Problems are reported per file; good files are added regardless.
   */
  async importFiles(files: readonly File[]): Promise<ModelEntry[]> {
    const mark = notices.mark()
    const read = async (f: File) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })
    const onnxFiles = files.filter((f) => /\.onnx$/i.test(f.name))
    const dataFiles = await Promise.all(files.filter((f) => /\.data$/i.test(f.name)).map(read))
    const jsonFiles = files.filter((f) => /\.json$/i.test(f.name))
    const error = (text: string) => notices.say('models', { level: 'error', text })
    const sidecars: { name: string; side: Sidecar }[] = []
    for (const f of jsonFiles) {
      try {
        sidecars.push({ name: f.name, side: parseSidecar(await f.text(), f.name) })
      } catch (e) {
        error((e as Error).message)
      }
    }
    for (const f of files) if (!/\.(onnx|data|json)$/i.test(f.name)) error(`${f.name}: not a model file (expected .onnx, .onnx.data or .json)`)
    if (!onnxFiles.length && (dataFiles.length || jsonFiles.length)) error('no .onnx file among the dropped files')

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
        if (side && typeof w === 'number' && side.features.length !== w) warnings.push(`the sidecar lists ${side.features.length} features, the graph takes ${w}`)
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
        this.upsert(r)
        await this.persist(r)
        added.push(this.list.find((e) => e.id === r.id)!)
        for (const w of warnings) notices.say('models', { level: 'warning', subject: f.name, text: w })
      } catch (e) {
        error(e instanceof ModelFileError ? e.message : `${f.name}: ${(e as Error).message}`)
      }
    }
    notices.settle('models', mark)
    return added
  }

  /** Give a model another name (shown in lists, tables and reports; the files keep theirs). */
  async rename(id: string, name: string): Promise<void> {
    const r = this.records.get(id)
    const clean = name.trim()
    if (!r || !clean || clean === r.name) return
    const next = { ...r, name: clean }
    this.upsert(next)
    await this.persist(next)
  }

  /** Delete a model and its reports: from IndexedDB first, so what the list shows is what a reload finds. */
  async remove(id: string): Promise<void> {
    if (this.persistent) {
      try {
        await store.deleteModel(id)
      } catch (e) {
        notices.say('models', { level: 'warning', text: `could not delete the stored copy, so the model stays listed: ${(e as Error).message}` })
        return
      }
    }
    this.records.delete(id)
    this.list = this.list.filter((e) => e.id !== id)
    const { [id]: _gone, ...rest } = this.reports
    this.reports = rest
  }

  /** What the evaluator needs to run a model. */
  source(id: string): OnnxModelSource {
    const r = this.records.get(id)
    if (!r) throw new Error(`model ${id} is not in the registry`)
    return { name: r.fileName, bytes: r.onnx, externalData: r.externalData }
  }

  /** The split the model was trained with, from its sidecar (null: unknown, e.g. an imported model without one). */
  splitOf(id: string): SplitRecord | null {
    const r = this.records.get(id)
    return r ? splitOf(r.trained, r.sidecar) : null
  }

  async saveReport(modelId: string, dataKey: string, report: EvalReport): Promise<void> {
    // a plain copy: parts of the report may come from reactive state, which IndexedDB cannot clone
    const r: StoredReport = { key: `${modelId}|${dataKey}`, modelId, dataKey, report: $state.snapshot(report) as EvalReport }
    this.reports = { ...this.reports, [modelId]: r }
    if (this.persistent)
      await store.putReport(r).catch((e) => notices.say('models', { level: 'warning', text: `report not saved: ${(e as Error).message}` }))
  }

  private uniqueName(name: string, self: string): string {
    const taken = new Set(this.list.filter((e) => e.id !== self).map((e) => e.name))
    if (!taken.has(name)) return name
    let k = 2
    while (taken.has(`${name} (${k})`)) k++
    return `${name} (${k})`
  }

  private upsert(r: StoredModel): void {
    const e = toEntry(r)
    this.records.set(r.id, r)
    const i = this.list.findIndex((x) => x.id === r.id)
    this.list = i >= 0 ? this.list.map((x, j) => (j === i ? e : x)) : [...this.list, e]
  }

  private async persist(r: StoredModel): Promise<void> {
    if (!this.persistent) return
    try {
      await store.putModel(r)
    } catch (e) {
      notices.say('models', { level: 'warning', subject: r.fileName, text: `could not be saved for later (${(e as Error).message}); it stays until this tab closes` })
    }
  }
}

export const models = new ModelRegistry()

if (typeof window !== 'undefined') void models.restore()
