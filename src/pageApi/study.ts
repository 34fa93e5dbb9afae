// window.lab functions of the study area, for Playwright tests, bench/loso.ts and the CLI: the
// app's study path — the GPU engine (CPU reference on request), the splits, ONNX export and the
// onnxruntime-web evaluation worker — driven from Node with plain JSON in and out.
import { webEvaluator } from '../../workers/evalClient.ts'
import { DEMO_FILES } from '../experiment/demo.ts'
import { ingestSources, type SourceInput } from '../data/ingest.ts'
import type { TableView } from '../data/table.ts'
import { openTrainer } from '../experiment/openTrainer.ts'
import type { Trainer } from '../model/contract.ts'
import type { EpChoice } from '../onnx/evaluator.ts'
import { gpuTrainer } from '../engine/index.ts'
import { resampleTable } from '../study/resample.ts'
import { studyReportJson, studyReportMarkdown, type StudyReportJson } from '../study/report.ts'
import { runStudy } from '../study/run.ts'
import { DEFAULT_STUDY_SETTINGS, type Arm, type StudyEvent, type StudySettings, type StudySummary } from '../study/types.ts'


export interface StudyRunRequest {
  /** parquet URLs relative to the page (default: the demo corpus) */
  dataUrls?: string[]
  settings?: Partial<StudySettings>
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
  epochsC: Record<string, number>
  totalSamples: number
  totalSteps: number
  cancelled: boolean
  /** ms from the start until each arm's first / last model was evaluated */
  armTimes: Partial<Record<Arm, { first: number; last: number }>>
  runs: { arm: Arm; fold: string; seed: number; plcc: number; srocc: number; rmse: number; n: number; epochs: number; steps: number; trainRows: number; ep: string; finalTrainLoss: number | null }[]
  failed: { arm: Arm; fold: string; seed: number; status: string; message: string }[]
  summary: StudySummary
  report: StudyReportJson
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

/** Run the study (all arms, all seeds) and return its numbers; progress goes to the console. */
export async function studyRun(req: StudyRunRequest = {}): Promise<StudyRunOutput> {
  const t0 = performance.now()
  let table = await loadTable(req.dataUrls ?? [...DEMO_FILES])
  if (req.resampleRows) table = resampleTable(table, req.resampleRows, req.resampleSeed ?? 0)
  const loadMs = performance.now() - t0
  const trainer = await pickTrainer(req.trainer ?? 'webgpu')
  const settings: StudySettings = { ...DEFAULT_STUDY_SETTINGS, ...req.settings }
  controller = new AbortController()
  const start = performance.now()
  const armTimes: StudyRunOutput['armTimes'] = {}
  let lastLog = 0
  const onEvent = (ev: StudyEvent) => {
    if (ev.type === 'fold') {
      const at = performance.now() - start
      const a = (armTimes[ev.run.arm] ??= { first: at, last: at })
      a.last = at
    } else if (ev.type === 'progress' && performance.now() - lastLog > 5000) {
      lastLog = performance.now()
      console.log(`[study] ${((100 * ev.doneSamples) / ev.totalSamples).toFixed(0)}% after ${(ev.elapsedMs / 1000).toFixed(1)} s`)
    } else if (ev.type === 'phase') console.log(`[study] ${ev.message}`)
  }
  try {
    const res = await runStudy(table, settings, { trainer, evaluator: webEvaluator }, { signal: controller.signal, onEvent, ep: req.ep, quietEpochs: true })
    const report = studyReportJson(res)
    return {
      device: res.device,
      trainer: trainer.kind,
      loadMs,
      wallMs: res.wallMs,
      trainMs: res.trainMs,
      rows: table.rows,
      folds: res.plan.folds,
      epochsC: res.plan.epochsC,
      totalSamples: res.plan.totalSamples,
      totalSteps: res.plan.totalSteps,
      cancelled: res.cancelled,
      armTimes,
      runs: res.runs.map((r) => ({
        arm: r.arm,
        fold: r.fold,
        seed: r.seed,
        plcc: r.plcc,
        srocc: r.srocc,
        rmse: r.rmse,
        n: r.n,
        epochs: r.epochs,
        steps: r.steps,
        trainRows: r.trainRows,
        ep: r.ep,
        finalTrainLoss: r.trainLoss.at(-1) ?? null,
      })),
      failed: res.failed,
      summary: res.summary,
      report,
      markdown: studyReportMarkdown(report),
    }
  } finally {
    controller = null
  }
}

/** Cancel the running studyRun (it resolves with what finished). */
export function studyCancel(): void {
  controller?.abort()
}
