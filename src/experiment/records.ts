// The records every front end writes: the TrainedModel of a finished run, the evaluation report,
// the split record, and the one rule for turning names into file names. Pure: no DOM, no Node.
import type { Split } from '../data/splits.ts'
import { CORPORA, type TableView } from '../data/table.ts'
import type { GroupMetrics } from '../metrics/index.ts'
import type { ArchSpec } from '../model/arch.ts'
import type { ModelParams } from '../model/params.ts'
import { splitRecordOf, type SplitRecord } from '../model/splitRecord.ts'
import type { InputFileRef, Provenance, ScalerMode, TrainedModel } from '../model/trained.ts'
import type { TrainJob } from '../model/contract.ts'
import type { EvalReport, UnscoredReport } from '../onnx/report.ts'

/** A name as a file name: runs of anything but letters, digits, "_", "." and "-" become "_"; never empty. */
export function fileSafe(name: string, fallback = 'model'): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || fallback
}

/** The sources of `rows`: their nflx source names, and "konvid" when any is a konvid row (one flag per code, no per-row strings). */
function sourcesOf(table: TableView, rows: Uint32Array): string[] {
  const corpus = table.corpusCodes()
  const src = table.sourceCodes()
  const konvid = CORPORA.indexOf('konvid')
  const seen = new Uint8Array(table.sourceNames.length)
  let anyKonvid = false
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]
    if (corpus[r] === konvid) anyKonvid = true
    else seen[src[r]] = 1
  }
  const out = table.sourceNames.filter((_, c) => seen[c] === 1)
  return anyKonvid ? [...out, 'konvid'] : out
}

/**
 * The structured record of a split: the sources its training rows come from, and the sources its
 * test rows come from that never trained (a konvid clip holdout lists its clips instead).
 */
export function splitRecord(table: TableView, split: Pick<Split, 'trainRows' | 'valRows' | 'description' | 'heldOutKeys'> & { mode: string }): SplitRecord {
  return splitRecordOf({ ...split, trainSources: sourcesOf(table, split.trainRows), testSources: sourcesOf(table, split.valRows) })
}

export interface TrainedModelInput {
  id: string
  job: TrainJob
  params: ModelParams
  steps: number
  arch: ArchSpec
  features: readonly string[]
  seed: number
  scalerMode: ScalerMode
  split: SplitRecord
  inputFiles: readonly InputFileRef[]
  /** every epoch's losses, also those before a resume */
  trainLoss: readonly number[]
  valLoss: readonly number[]
  device: string
  wallMs: number
  createdAt?: Date
  /** which data and experiment run produced it (sidecar and registry) */
  provenance?: Provenance
}

/** The TrainedModel (what export, the registry and the reports take) of a finished job. */
export function trainedModel(o: TrainedModelInput): TrainedModel {
  return {
    id: o.id,
    createdAt: (o.createdAt ?? new Date()).toISOString(),
    arch: { name: o.arch.name, widths: [...o.arch.widths] },
    features: [...o.features],
    params: o.params,
    scaler: o.job.scaler ? { mean: [...o.job.scaler.mean], std: [...o.job.scaler.std] } : null,
    training: {
      seed: o.seed,
      epochs: o.job.epochs,
      batchSize: o.job.batchSize,
      lr: o.job.lr,
      scalerMode: o.scalerMode,
      split: o.split,
      inputFiles: o.inputFiles.map((f) => ({ name: f.name, sha256: f.sha256, rows: f.rows })),
      trainRows: o.job.trainRows.length,
      valRows: o.job.valRows.length,
      steps: o.steps,
      trainLoss: [...o.trainLoss],
      valLoss: [...o.valLoss],
      device: o.device,
      wallMs: Math.round(o.wallMs),
      ...(o.provenance ? { provenance: { ...o.provenance } } : {}),
    },
  }
}

/** A single training run's model id: arch, seed, UTC time to the second, and the run's tag. */
export function timestampedId(arch: string, seed: number, createdAt: Date, tag: string): string {
  return `${arch}-seed${seed}-${createdAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${fileSafe(tag)}`
}

export interface EvalReportInput {
  model: EvalReport['model']
  /** execution provider, with the runtime when it is not the page's (e.g. "cpu (onnxruntime-node)") */
  ep: string
  table: Pick<TableView, 'files'>
  rows: number
  /** how the rows were grouped, e.g. "source (konvid clips pooled)" */
  grouping: string
  inferenceMs: number
  metrics: GroupMetrics
  evaluatedAt?: Date
}

/** The report of one evaluation (JSON and Markdown come from src/onnx/report.ts). */
export function evalReport(o: EvalReportInput): EvalReport {
  return { ...reportHead(o), metrics: o.metrics }
}

/** The report of a model no rows could score (it trained on every row): metrics null, with `reason`. */
export function unscoredReport(o: Omit<EvalReportInput, 'metrics'>, reason: string): UnscoredReport {
  return { ...reportHead(o), metrics: null, metrics_reason: reason }
}

function reportHead(o: Omit<EvalReportInput, 'metrics'>): Omit<EvalReport, 'metrics'> {
  return {
    model: { ...o.model, features: [...o.model.features] },
    ep: o.ep,
    data: { rows: o.rows, files: o.table.files.map((f) => ({ name: f.name, sha256: f.sha256, rows: f.rows })), grouping: o.grouping },
    evaluated_at: (o.evaluatedAt ?? new Date()).toISOString(),
    inference_ms: o.inferenceMs,
  }
}
