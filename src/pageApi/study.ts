// window.lab functions of the experiment area, for Playwright tests, bench/loso.ts and bench/gpu.ts:
// a designed experiment (a preset, by default foxbird, or a whole design) conducted through the one
// pipeline (conductExperiment) on the GPU engine (CPU reference on request), with ONNX export and
// the onnxruntime-web evaluation worker — driven from Node with plain JSON in and out.
import { webEvaluator } from '../../workers/evalClient.ts'
import { ingestSources, type SourceInput } from '../data/ingest.ts'
import { resampleTable } from '../data/resample.ts'
import type { TableView } from '../data/table.ts'
import { conductExperiment } from '../experiment/conduct.ts'
import { DEMO_FILES } from '../experiment/demo.ts'
import { checkDesign, type ExperimentDesign } from '../experiment/design.ts'
import { openTrainer } from '../experiment/openTrainer.ts'
import { presetDesign, type PresetName, type PresetOptions } from '../experiment/presets.ts'
import { conductedReportJson, experimentReportMarkdown, type ExperimentReportJson } from '../experiment/report.ts'
import { runSamples } from '../experiment/run.ts'
import type { ExperimentSummary } from '../experiment/summary.ts'
import { gpuTrainer } from '../engine/index.ts'
import { stepsPerEpoch, type Trainer } from '../model/contract.ts'
import type { EpChoice } from '../onnx/evaluator.ts'

export interface StudyRunRequest extends PresetOptions {
  /** parquet URLs relative to the page (default: the demo corpus) */
  dataUrls?: string[]
  /** a preset (default foxbird, shaped by the PresetOptions fields) or a whole design (checked; they are then ignored) */
  design?: PresetName | ExperimentDesign
  /** 'webgpu' (default): the WGSL engine; 'cpu': the CPU reference */
  trainer?: 'webgpu' | 'cpu'
  ep?: EpChoice
  /** resample the loaded rows (with replacement, seeded) to this many rows first: benchmarks */
  resampleRows?: number
  resampleSeed?: number
}

export interface StudyRunOutput {
  device: string
  trainer: Trainer['kind']
  loadMs: number
  wallMs: number
  trainMs: number
  rows: number
  folds: string[]
  /** per arm, per fold: the epochs it trained (steps-matched arms differ per fold) */
  epochs: Record<string, Record<string, number>>
  totalSamples: number
  totalSteps: number
  cancelled: boolean
  /** ms from the start until each arm's first / last fold result */
  armTimes: Record<string, { first: number; last: number }>
  /** one per fold result (arm × fold × seed), in the schedule's fold order */
  runs: { arm: string; fold: string; seed: number; plcc: number; srocc: number; rmse: number; n: number; epochs: number; steps: number; trainRows: number; ep: string; finalTrainLoss: number | null }[]
  failed: { arm: string; fold: string; seed: number; status: string; message: string }[]
  summary: ExperimentSummary
  report: ExperimentReportJson
  markdown: string
}

const tables = new Map<string, Promise<TableView>>()
let controller: AbortController | null = null
let gpu: Promise<Trainer> | null = null

function loadTable(urls: string[]): Promise<TableView> {
  const key = urls.join('\n')
  let t = tables.get(key)
  if (!t) {
    // the app's reader over HTTP range requests, in-process (no worker needed here)
    const sources: SourceInput[] = urls.map((u) => ({ kind: 'url', name: u, url: new URL(u, document.baseURI).href }))
    t = ingestSources(sources, { strict: true }).then((r) => r.table)
    tables.set(key, t)
    t.catch(() => tables.delete(key))
  }
  return t
}

async function pickTrainer(kind: 'webgpu' | 'cpu'): Promise<Trainer> {
  if (kind === 'cpu') return (await openTrainer('cpu', { openGpu: gpuTrainer })).trainer
  gpu ??= openTrainer('gpu', { openGpu: gpuTrainer }).then(
    (o) => o.trainer,
    (e: Error) => {
      gpu = null
      throw new Error(`no GPU trainer: ${e.message}`)
    },
  )
  return gpu
}

function designOf(req: StudyRunRequest): ExperimentDesign {
  const d = req.design ?? 'foxbird'
  return typeof d === 'string' ? presetDesign(d, req) : checkDesign(d, 'the requested design')
}

/** Conduct the experiment (every arm × fold × seed) and return its numbers; progress goes to the console. */
export async function studyRun(req: StudyRunRequest = {}): Promise<StudyRunOutput> {
  const t0 = performance.now()
  let table = await loadTable(req.dataUrls ?? [...DEMO_FILES])
  if (req.resampleRows) table = resampleTable(table, req.resampleRows, req.resampleSeed ?? 0)
  const loadMs = performance.now() - t0
  const design = designOf(req)
  const trainer = await pickTrainer(req.trainer ?? 'webgpu')
  controller = new AbortController()
  const start = performance.now()
  const armTimes: StudyRunOutput['armTimes'] = {}
  let lastLog = 0
  try {
    const res = await conductExperiment(
      table,
      design,
      { trainer, evaluator: webEvaluator },
      {
        signal: controller.signal,
        ep: req.ep,
        onFold: (_outs, run) => {
          const at = performance.now() - start
          const a = (armTimes[run.arm] ??= { first: at, last: at })
          a.last = at
        },
        onProgress: (p) => {
          if (performance.now() - lastLog < 5000) return
          lastLog = performance.now()
          console.log(`[study] ${((100 * p.doneSamples) / p.totalSamples).toFixed(0)}% after ${(p.elapsedMs / 1000).toFixed(1)} s`)
        },
        onPhase: (m) => console.log(`[study] ${m}`),
      },
    )
    const { schedule } = res
    const report = conductedReportJson(res, table.files)
    const runOf = (arm: string, fold: string, seed: number) =>
      res.runs.find((r) => r.scheduled.arm === arm && r.scheduled.seed === seed && r.scheduled.groups.some((g) => g.fold === fold))!
    return {
      device: res.device,
      trainer: trainer.kind,
      loadMs,
      wallMs: res.wallMs,
      trainMs: res.trainMs,
      rows: table.rows,
      folds: schedule.folds,
      epochs: schedule.epochs,
      totalSamples: schedule.runs.reduce((n, r) => n + runSamples(r.spec), 0),
      totalSteps: schedule.runs.reduce((n, r) => n + r.spec.epochs * stepsPerEpoch(r.spec.rows.trainRows.length, r.spec.batchSize), 0),
      cancelled: res.cancelled,
      armTimes,
      runs: res.outcomes.map((o) => {
        const { scheduled, outcome } = runOf(o.arm, o.fold, o.seed)
        return {
          arm: o.arm,
          fold: o.fold,
          seed: o.seed,
          plcc: o.plcc,
          srocc: o.srocc,
          rmse: o.rmse,
          n: o.n,
          epochs: scheduled.spec.epochs,
          steps: outcome.steps,
          trainRows: scheduled.spec.rows.trainRows.length,
          ep: outcome.ep,
          finalTrainLoss: o.trainLoss.at(-1) ?? null,
        }
      }),
      failed: res.failures.map((f) => {
        const s = schedule.runs[f.index]
        return { arm: s.arm, fold: s.fold, seed: s.seed, status: f.status, message: f.message }
      }),
      summary: res.summary,
      report,
      markdown: experimentReportMarkdown(report),
    }
  } finally {
    controller = null
  }
}

/** Cancel the running studyRun (it resolves with what finished). */
export function studyCancel(): void {
  controller?.abort()
}
