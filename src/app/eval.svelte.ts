// Evaluation state: runs registry models on the loaded rows in the eval worker, computes the
// metrics, keeps the latest result per model (for the tables and the scatter) and saves each
// report with the registry. One evaluation at a time; errors name the model file and leave
// earlier results in place.
import type { TableView } from '../data/table.ts'
import { sha256Hex } from '../data/sha256.ts'
import { groupMetrics, groupRows, type GroupMetrics, type Grouping } from '../metrics/index.ts'
import type { EpChoice } from '../onnx/evaluator.ts'
import { evalReport } from '../experiment/records.ts'
import type { EvalEnv } from '../../workers/eval.worker.ts'
import { evalWorker } from '../../workers/evalClient.ts'
import { modelSource, registry, saveReport, type ModelEntry } from './models.svelte.ts'

export interface EvalResult {
  modelId: string
  name: string
  ep: string
  epReason: string
  sessionMs: number
  inferenceMs: number
  rows: number
  grouping: Grouping
  metrics: GroupMetrics
  /** the table version the predictions belong to */
  dataVersion: number
  at: string
}

export interface CrossCheckResult {
  modelId: string
  maxAbsDiff: number
  webgpu: { ep: string; inferenceMs: number }
  wasm: { ep: string; inferenceMs: number }
  rows: number
}

/** Predictions and targets of the latest run per model, for the scatter (kept out of $state). */
export interface Points {
  pred: Float32Array
  target: Float32Array
  codes: Uint32Array
  names: string[]
  pooled: Set<string>
}

export const evaluation = $state({
  env: null as EvalEnv | null,
  envError: null as string | null,
  ep: 'auto' as EpChoice,
  grouping: 'source' as Grouping,
  /** 'idle' | 'running' | 'done' | 'error' — the state of the last request */
  status: 'idle' as 'idle' | 'running' | 'done' | 'error',
  /** what is running now, e.g. "vmaf_tiny_v2 on webgpu" */
  activity: '',
  results: {} as Record<string, EvalResult>,
  crossChecks: {} as Record<string, CrossCheckResult>,
  errors: [] as { id: number; text: string }[],
  /** bumped whenever `points` changes */
  pointsVersion: 0,
})

const points = new Map<string, Points>()
let nextError = 1

export function pointsOf(modelId: string): Points | null {
  return points.get(modelId) ?? null
}

/** Show an error in the Evaluate panel's messages. */
export function fail(text: string) {
  evaluation.errors = [...evaluation.errors, { id: nextError++, text }]
}

export function dismissError(id: number) {
  evaluation.errors = evaluation.errors.filter((e) => e.id !== id)
}

/** Load onnxruntime-web in the worker ahead of time (the panel calls this when it is first shown). */
export async function warmUp(): Promise<EvalEnv | null> {
  if (evaluation.env) return evaluation.env
  try {
    evaluation.env = await evalWorker().env()
    evaluation.envError = null
  } catch (e) {
    evaluation.envError = `onnxruntime-web could not start: ${(e as Error).message}`
  }
  return evaluation.env
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

/** Evaluate the given models, one after the other; each one that fails says why and the rest go on. */
export async function evaluate(table: TableView, version: number, modelIds: readonly string[]): Promise<void> {
  if (evaluation.status === 'running') return
  evaluation.status = 'running'
  let failed = false
  const groups = groupRows(table, evaluation.grouping)
  const target = table.target()
  const key = dataKey(table)
  // models reading the same features share one row-major copy (it is cloned, not moved, to the worker)
  const matrices = new Map<string, Float32Array>()
  for (const id of modelIds) {
    const e = registry.list.find((m) => m.id === id)
    if (!e) continue
    evaluation.activity = `${e.name} on ${evaluation.ep}`
    try {
      const features = featuresFor(e, table)
      let x = matrices.get(features.join())
      if (!x) matrices.set(features.join(), (x = table.matrix(features)))
      const out = await evalWorker().run(modelSource(id), x, table.rows, features.length, { ep: evaluation.ep })
      const metrics = groupMetrics(out.pred, target, groups.codes, groups.names, { notInSummary: groups.pooled })
      points.set(id, { pred: out.pred, target, codes: groups.codes, names: groups.names, pooled: groups.pooled })
      const at = new Date().toISOString()
      evaluation.results = {
        ...evaluation.results,
        [id]: {
          modelId: id, name: e.name, ep: out.ep, epReason: out.epReason, sessionMs: out.sessionMs,
          inferenceMs: out.inferenceMs, rows: table.rows, grouping: evaluation.grouping, metrics, dataVersion: version, at,
        },
      }
      evaluation.pointsVersion++
      const report = evalReport({
        model: { id: e.name, name: e.fileName, sha256: e.sha256, input_name: e.inputName, output_name: e.outputName, features },
        ep: out.ep,
        table,
        rows: table.rows,
        grouping: evaluation.grouping,
        inferenceMs: out.inferenceMs,
        metrics,
        evaluatedAt: new Date(at),
      })
      await saveReport(id, key, report)
    } catch (err) {
      failed = true
      fail((err as Error).message)
    }
  }
  evaluation.activity = ''
  evaluation.status = failed ? 'error' : 'done'
  if (!evaluation.env) void warmUp()
}

/** Run one model on both EPs and report the largest difference. */
export async function crossCheck(table: TableView, modelId: string): Promise<void> {
  const e = registry.list.find((m) => m.id === modelId)
  if (!e || evaluation.status === 'running') return
  evaluation.status = 'running'
  evaluation.activity = `cross-check of ${e.name}: webgpu and wasm`
  try {
    const features = featuresFor(e, table)
    const r = await evalWorker().crossCheck(modelSource(modelId), table.matrix(features), table.rows, features.length)
    evaluation.crossChecks = {
      ...evaluation.crossChecks,
      [modelId]: {
        modelId, maxAbsDiff: r.maxAbsDiff, rows: table.rows,
        webgpu: { ep: r.webgpu.ep, inferenceMs: r.webgpu.inferenceMs },
        wasm: { ep: r.wasm.ep, inferenceMs: r.wasm.inferenceMs },
      },
    }
    evaluation.status = 'done'
  } catch (err) {
    fail((err as Error).message)
    evaluation.status = 'error'
  } finally {
    evaluation.activity = ''
  }
}

/** Forget a deleted model's results. */
export function forget(modelId: string) {
  const { [modelId]: _r, ...results } = evaluation.results
  const { [modelId]: _c, ...checks } = evaluation.crossChecks
  evaluation.results = results
  evaluation.crossChecks = checks
  points.delete(modelId)
  evaluation.pointsVersion++
}
