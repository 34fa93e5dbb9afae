// Evaluation state: runs registry models on the loaded rows in the eval worker, keeps each model's
// predictions for every row, and derives the metrics on the rows asked for — the rows the model did
// not train on (its split's held-out rows), or all rows — for the tables and the scatter. Each
// report is saved with the registry. One evaluation at a time; errors name the model file, go to
// the notice queue and leave earlier results in place.
import type { CodeArray, TableView } from '../data/table.ts'
import { sha256Hex } from '../data/sha256.ts'
import { groupMetrics, groupRows, type GroupMetrics, type Grouping } from '../metrics/index.ts'
import type { EpChoice } from '../onnx/evaluator.ts'
import { evalReport } from '../experiment/records.ts'
import { modelDrift, type ModelDrift } from '../experiment/drift.ts'
import { driftLine } from '../metrics/drift.ts'
import { inspectOnnx } from '../onnx/inspect.ts'
import type { OnnxModelSource } from '../onnx/evaluator.ts'
import type { EvalEnv } from '../../workers/eval.worker.ts'
import { evalWorker } from '../../workers/evalClient.ts'
import { models, type ModelEntry } from './models.svelte.ts'
import { notices } from './notices.svelte.ts'
import { rowScope, type RowScope, type ScopeName } from '../experiment/rowScope.ts'
import { againstReference, floatReference, type FloatReference } from '../experiment/crossRuntime.ts'
import { runtimeAgreement, type Agreement } from '../metrics/agreement.ts'

export interface EvalResult {
  modelId: string
  name: string
  ep: string
  epReason: string
  sessionMs: number
  inferenceMs: number
  grouping: Grouping
  /** metrics on every loaded row */
  all: GroupMetrics
  /** the rows the model did not train on, per its split; null when its split is unknown */
  scope: RowScope
  /** metrics on scope's held-out rows (null: unknown split, or no held-out rows loaded) */
  heldOut: GroupMetrics | null
  /** the loaded files' key the predictions belong to (data.contents.filesKey) */
  filesKey: string
  /** every loaded row's features in σ of the model's scaler (null, with the reason, without one) */
  drift: ModelDrift
  at: string
}

export interface CrossCheckResult {
  modelId: string
  rows: number
  /** what the runtimes were compared with (null: no float forward for this graph, see `reason`) */
  reference: FloatReference['what'] | null
  reason: string | null
  /** per onnxruntime-web EP that ran: its differences from the reference (null without one) */
  runs: { ep: string; inferenceMs: number; agreement: Agreement | null }[]
  /** WASM against WebGPU, when both ran */
  betweenEps: Agreement | null
  /** the largest |difference| of any runtime from the reference (else between the EPs) */
  maxAbsDiff: number
  /** why WebGPU did not run, when it did not */
  webgpuNote: string | null
}

/** Predictions and targets of the latest run per model, for the scatter (kept out of $state). */
export interface Points {
  pred: Float32Array
  target: Float32Array
  codes: CodeArray
  names: string[]
  pooled: Set<string>
  /** 1 where the model did not train on the row (all 1 when its split is unknown) */
  heldOut: Uint8Array
}

/** Identifies the loaded data set in saved reports: the sha256s of its files. */
export function dataKey(table: TableView): string {
  return sha256Hex(new TextEncoder().encode(table.files.map((f) => f.sha256).join(','))).slice(0, 16)
}

function featuresFor(e: ModelEntry, table: TableView): string[] {
  const want = e.features
  if (!want) throw new Error(`${e.fileName}: the graph takes ${e.inputWidth} features and no sidecar says which; drop its .json too`)
  const missing = want.filter((f) => !table.featureNames.includes(f))
  if (missing.length) throw new Error(`${e.fileName}: needs column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the loaded data lacks`)
  return want
}

/** The points on the rows where `keep` is 1. */
function subset(p: Points, keep: Uint8Array): Points {
  let n = 0
  for (let i = 0; i < keep.length; i++) n += keep[i]
  const pred = new Float32Array(n)
  const target = new Float32Array(n)
  const codes = new Uint32Array(n)
  for (let i = 0, k = 0; i < keep.length; i++)
    if (keep[i]) {
      pred[k] = p.pred[i]
      target[k] = p.target[i]
      codes[k++] = p.codes[i]
    }
  return { ...p, pred, target, codes, heldOut: new Uint8Array(n).fill(1) }
}

/** Metrics on the rows where `keep` is 1 (null when there are none). */
function metricsOn(p: Points, keep: Uint8Array): GroupMetrics | null {
  const s = subset(p, keep)
  return s.pred.length ? groupMetrics(s.pred, s.target, s.codes, s.names, { notInSummary: s.pooled }) : null
}

/** The drift of the loaded rows from the model's scaler; a warning in the queue when it breaks the rule. */
function checkDrift(name: string, src: OnnxModelSource, features: string[], table: TableView): ModelDrift {
  const externalData = new Map((src.externalData ?? []).map((d) => [d.path, d.data]))
  const d = modelDrift({ info: inspectOnnx(src.bytes, src.name), externalData, features, table })
  const line = d.drift && driftLine(d.drift)
  if (line) notices.say('eval', { level: 'warning', text: `${name}: ${line}`, subject: src.name })
  return d
}

class EvalStore {
  env = $state.raw<EvalEnv | null>(null)
  envError = $state<string | null>(null)
  ep = $state<EpChoice>('auto')
  grouping = $state<Grouping>('source')
  /** which rows the tables show: the held-out rows of each model (the honest default), or all */
  rows = $state<ScopeName>('held-out')
  /** the state of the last request */
  status = $state<'idle' | 'running' | 'done' | 'error'>('idle')
  /** what is running now, e.g. "vmaf_tiny_v2 on webgpu" */
  activity = $state('')
  results = $state.raw<Record<string, EvalResult>>({})
  crossChecks = $state.raw<Record<string, CrossCheckResult>>({})

  /** kept out of $state (large typed arrays); `results` changes whenever one of these does */
  private points = new Map<string, Points>()

  pointsOf(modelId: string): Points | null {
    return this.points.get(modelId) ?? null
  }

  /** The points the scatter shows under the current row switch. */
  shownPoints(modelId: string): Points | null {
    const p = this.points.get(modelId)
    const r = this.results[modelId]
    if (!p || !r) return null
    return this.rows === 'all' || r.scope.kind === 'unknown' ? p : subset(p, p.heldOut)
  }

  /** The metrics the tables show for a result under the current row switch. */
  shown(r: EvalResult): GroupMetrics | null {
    return this.rows === 'all' || r.scope.kind === 'unknown' ? r.all : r.heldOut
  }

  /** Load onnxruntime-web in the worker ahead of time (the panel calls this when it is first shown). */
  async warmUp(): Promise<EvalEnv | null> {
    if (this.env) return this.env
    try {
      this.env = await evalWorker().env()
      this.envError = null
    } catch (e) {
      this.envError = `onnxruntime-web could not start: ${(e as Error).message}`
    }
    return this.env
  }

  /** Evaluate the given models, one after the other; each one that fails says why and the rest go on. */
  async evaluate(table: TableView, filesKey: string, modelIds: readonly string[]): Promise<void> {
    if (this.status === 'running') return
    this.status = 'running'
    const mark = notices.mark()
    let failed = false
    const groups = groupRows(table, this.grouping)
    const target = table.target()
    const key = dataKey(table)
    // models reading the same features share one row-major copy (it is cloned, not moved, to the worker)
    const matrices = new Map<string, Float32Array>()
    for (const id of modelIds) {
      const e = models.list.find((m) => m.id === id)
      if (!e) continue
      this.activity = `${e.name} on ${this.ep}`
      try {
        const features = featuresFor(e, table)
        let x = matrices.get(features.join())
        if (!x) matrices.set(features.join(), (x = table.matrix(features)))
        const src = models.source(id)
        const out = await evalWorker().run(src, x, table.rows, features.length, { ep: this.ep })
        const drift = checkDrift(e.name, src, features, table)
        const scope = rowScope(models.splitOf(id), table)
        const p: Points = { pred: out.pred, target, codes: groups.codes, names: groups.names, pooled: groups.pooled, heldOut: scope.heldOut }
        const all = groupMetrics(out.pred, target, groups.codes, groups.names, { notInSummary: groups.pooled })
        const heldOut = scope.kind === 'unknown' ? null : metricsOn(p, scope.heldOut)
        this.points.set(id, p)
        const at = new Date().toISOString()
        this.results = {
          ...this.results,
          [id]: {
            modelId: id, name: e.name, ep: out.ep, epReason: out.epReason, sessionMs: out.sessionMs, inferenceMs: out.inferenceMs,
            grouping: this.grouping, all, scope, heldOut, filesKey, drift, at,
          },
        }
        const report = evalReport({
          model: { id: e.name, name: e.fileName, sha256: e.sha256, input_name: e.inputName, output_name: e.outputName, features },
          ep: out.ep,
          table,
          rows: table.rows,
          grouping: this.grouping,
          inferenceMs: out.inferenceMs,
          metrics: all,
          evaluatedAt: new Date(at),
        })
        await models.saveReport(id, key, report)
      } catch (err) {
        failed = true
        notices.say('eval', { level: 'error', text: (err as Error).message })
      }
    }
    this.activity = ''
    this.status = failed ? 'error' : 'done'
    notices.settle('eval', mark)
    if (!this.env) void this.warmUp()
  }

  /** Run one model on onnxruntime-web's WASM EP (and WebGPU when there is an adapter) and compare
   *  each with our float forward pass of the same graph (src/experiment/crossRuntime.ts). */
  async crossCheck(table: TableView, modelId: string): Promise<void> {
    const e = models.list.find((m) => m.id === modelId)
    if (!e || this.status === 'running') return
    this.status = 'running'
    const mark = notices.mark()
    try {
      const features = featuresFor(e, table)
      const src = models.source(modelId)
      const x = table.matrix(features)
      const env = await this.warmUp()
      const eps = env?.webgpu ? (['wasm', 'webgpu'] as const) : (['wasm'] as const)
      this.activity = `cross-check of ${e.name}: ${eps.join(' and ')} against our float forward`
      const ref = floatReference({ info: inspectOnnx(src.bytes, src.name), externalData: new Map((src.externalData ?? []).map((d) => [d.path, d.data])), x, rows: table.rows })
      const outs = []
      for (const ep of eps) outs.push(await evalWorker().run(src, x, table.rows, features.length, { ep, exactEp: true }))
      const runs = outs.map((o) => ({ ep: o.ep, inferenceMs: o.inferenceMs, agreement: 'pred' in ref ? againstReference(o.pred, ref) : null }))
      const betweenEps = outs.length === 2 ? runtimeAgreement(outs[0].pred, outs[1].pred) : null
      const diffs = runs.flatMap((r) => (r.agreement ? [r.agreement.maxAbs] : []))
      this.crossChecks = {
        ...this.crossChecks,
        [modelId]: {
          modelId, rows: table.rows, reference: 'pred' in ref ? ref.what : null, reason: 'reason' in ref ? ref.reason : null, runs, betweenEps,
          maxAbsDiff: diffs.length ? Math.max(...diffs) : (betweenEps?.maxAbs ?? NaN),
          webgpuNote: env?.webgpu ? null : `no WebGPU adapter (${env?.adapter ?? this.envError ?? 'unknown'}): WASM only`,
        },
      }
      this.status = 'done'
    } catch (err) {
      notices.say('eval', { level: 'error', text: (err as Error).message })
      this.status = 'error'
    } finally {
      this.activity = ''
      notices.settle('eval', mark)
    }
  }

  /** Forget a deleted model's results. */
  forget(modelId: string): void {
    const { [modelId]: _r, ...results } = this.results
    const { [modelId]: _c, ...checks } = this.crossChecks
    this.points.delete(modelId)
    this.results = results
    this.crossChecks = checks
  }
}

export const evaluation = new EvalStore()
