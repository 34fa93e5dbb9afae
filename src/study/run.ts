// Running a study over injected pieces: a Trainer (GPU engine or CPU reference), an Evaluator
// (onnxruntime-web or -node) and the loaded table. Platform-neutral: the app's store, the harness
// page (tests, bench) and the CLI all call runStudy / runLoso.
//
// Every run of every arm and seed trains in ONE trainer.train call (the engine's multi-model
// mode: all folds at once). A run is exported to ONNX and evaluated on its held-out source as
// soon as its last epoch is reported, so tables fill in while the others still train. Cancelling
// stops training; runs that finished are kept (evaluations already queued still complete).
import { gather } from '../data/gather.ts'
import { CORPORA, type TableView } from '../data/table.ts'
import { metrics } from '../metrics/index.ts'
import { makeJob, tableToTrainData } from '../model/jobs.ts'
import { unflattenParams, type ModelParams } from '../model/params.ts'
import type { TrainedModel } from '../model/trained.ts'
import type { EpochEvent, Trainer, TrainJob, TrainResult } from '../model/contract.ts'
import type { EpChoice, Evaluator } from '../onnx/evaluator.ts'
import { exportOnnx, sidecar } from '../onnx/index.ts'
import { fileSafe, splitRecord } from '../experiment/records.ts'
import { unknownSplit } from '../model/trained.ts'
import { planStudy, plannedArms, studySeeds } from './plan.ts'
import { summarizeStudy } from './stats.ts'
import {
  ARM_LABELS,
  type Arm,
  type FailedRun,
  type FoldRun,
  type PlannedRun,
  type StudyEvent,
  type StudyPlan,
  type StudyResult,
  type StudySettings,
} from './types.ts'

export interface StudyDeps {
  trainer: Trainer
  evaluator: Evaluator
}

export interface RunStudyOptions {
  signal?: AbortSignal
  onEvent?: (ev: StudyEvent) => void
  /** execution provider for the evaluations (default 'auto') */
  ep?: EpChoice
  /** prefix of model ids (default "foxbird") */
  idPrefix?: string
  /** skip the events of every epoch (progress still comes): for headless runs */
  quietEpochs?: boolean
  /** load the evaluator's runtime while training (default true) */
  warmEvaluator?: boolean
}

/** Model id, e.g. "foxbird-a-NightGrain-s0": also the file name of its .onnx and sidecar .json. */
export function modelId(prefix: string, arm: Arm, fold: string, seed: number): string {
  return `${prefix}-${arm}-${fileSafe(fold)}-s${seed}`
}

/** "a_nflx-only/foxbird-a-NightGrain-s0": one folder per arm in the zip. */
export function fileStem(id: string, arm: Arm): string {
  return `${arm}_${ARM_LABELS[arm].replace(/[ ,+]+/g, '-')}/${id}`
}

/** Train, export and evaluate every planned run; resolves with what finished (also when cancelled). */
export async function runStudy(
  table: TableView,
  settings: StudySettings,
  deps: StudyDeps,
  opts: RunStudyOptions = {},
): Promise<StudyResult> {
  const now = () => performance.now()
  const t0 = now()
  const startedAt = new Date().toISOString()
  const emit = opts.onEvent ?? (() => {})
  const plan = planStudy(table, settings)
  emit({ type: 'plan', plan })

  const data = tableToTrainData(table, plan.features)
  const target = table.target()
  const jobs: TrainJob[] = plan.runs.map((r) =>
    makeJob({
      id: r.id,
      label: r.label,
      widths: plan.widths,
      seed: r.seed,
      scalerMode: settings.scalerMode,
      data,
      trainRows: r.split.trainRows,
      valRows: r.split.valRows,
      epochs: r.epochs,
      batchSize: settings.batchSize,
      lr: settings.lr,
    }),
  )

  const runs: FoldRun[] = []
  const failed: FailedRun[] = []
  const trainLoss = plan.runs.map(() => [] as number[])
  const valLoss = plan.runs.map(() => [] as number[])
  const epochsDone = new Uint32Array(plan.runs.length)
  const queued = new Set<number>()
  const finishedAt = new Float64Array(plan.runs.length)
  let doneSamples = 0
  let queue: Promise<void> = Promise.resolve()
  let lastProgress = -Infinity

  const progress = (force = false) => {
    const t = now()
    if (!force && t - lastProgress < 100) return
    lastProgress = t
    const elapsedMs = t - t0
    const etaMs = doneSamples > 0 ? (elapsedMs * (plan.totalSamples - doneSamples)) / doneSamples : null
    emit({ type: 'progress', doneSamples, totalSamples: plan.totalSamples, elapsedMs, etaMs })
  }

  const evaluate = async (i: number, params: ModelParams, steps: number) => {
    const r = plan.runs[i]
    try {
      const run = await exportAndEvaluate(table, target, plan, r, jobs[i], params, {
        steps,
        trainLoss: trainLoss[i],
        valLoss: valLoss[i],
        device: deps.trainer.description,
        wallMs: finishedAt[i] - t0,
        evaluator: deps.evaluator,
        ep: opts.ep ?? 'auto',
        idPrefix: opts.idPrefix ?? 'foxbird',
      })
      runs.push(run)
      emit({ type: 'fold', run })
    } catch (e) {
      failed.push({ arm: r.arm, fold: r.fold, seed: r.seed, status: 'eval-failed', message: `${r.label}: ${(e as Error).message}` })
    }
  }
  const enqueue = (i: number, params: ModelParams, steps: number) => {
    if (queued.has(i)) return
    queued.add(i)
    finishedAt[i] = now()
    queue = queue.then(() => evaluate(i, params, steps))
  }

  const onEpoch = (ev: EpochEvent) => {
    const i = ev.job
    const r = plan.runs[i]
    trainLoss[i].push(ev.trainLoss)
    valLoss[i].push(ev.valLoss)
    doneSamples += (ev.epoch - epochsDone[i]) * r.split.trainRows.length
    epochsDone[i] = ev.epoch
    if (!opts.quietEpochs)
      emit({ type: 'epoch', run: i, arm: r.arm, fold: r.fold, seed: r.seed, epoch: ev.epoch, epochs: r.epochs, trainLoss: ev.trainLoss, valLoss: ev.valLoss })
    // the last epoch's checkpoint holds the final weights: evaluate now, while the others train
    if (ev.epoch === r.epochs && ev.checkpoint && ev.checkpoint.params.length)
      enqueue(i, unflattenParams(plan.widths, ev.checkpoint.params), ev.checkpoint.step)
    progress(ev.epoch === r.epochs)
  }

  // start the evaluator's runtime (wasm compile, first session) while the models train: one row
  // through the first job's untrained model; its result is not used
  if (jobs.length && opts.warmEvaluator !== false) {
    const first = jobs[0]
    const warm = exportOnnx(placeholderModel(plan, first))
    deps.evaluator
      .run({ name: 'warm-up.onnx', bytes: warm }, data.x.subarray(0, plan.features.length), 1, plan.features.length, { ep: opts.ep ?? 'auto' })
      .catch(() => {})
  }
  emit({ type: 'phase', message: `training ${plan.runs.length} models on ${deps.trainer.description}` })
  const tTrain = now()
  let results: TrainResult[] = []
  try {
    results = await deps.trainer.train(data, jobs, { onEpoch, signal: opts.signal })
  } catch (e) {
    // a trainer that throws loses nothing that already finished
    await queue
    throw e
  }
  const trainMs = now() - tTrain
  results.forEach((res, i) => {
    const r = plan.runs[i]
    if (res.status === 'done') enqueue(i, res.params, res.steps)
    else failed.push({ arm: r.arm, fold: r.fold, seed: r.seed, status: res.status, message: res.message ?? `${r.label}: ${res.status}` })
  })
  progress(true)
  emit({ type: 'phase', message: 'evaluating the last models' })
  await queue

  runs.sort((p, q) => order(plan, p) - order(plan, q))
  const seeds = studySeeds(settings)
  const summary = summarizeStudy(plan.folds, plannedArms(plan), seeds, runs)
  const cancelled = opts.signal?.aborted === true || results.some((r) => r.status === 'cancelled')
  emit({ type: 'phase', message: cancelled ? 'cancelled: kept the runs that finished' : 'done' })
  return {
    plan,
    runs,
    summary,
    cancelled,
    failed,
    device: deps.trainer.description,
    wallMs: now() - t0,
    trainMs,
    startedAt,
  }
}

/** Position of a run in the plan (arm, seed, fold order). */
function order(plan: StudyPlan, run: FoldRun): number {
  return plan.runs.findIndex((r) => r.arm === run.arm && r.fold === run.fold && r.seed === run.seed)
}

/** The exporter only needs the graph: architecture, features, scaler and weights. */
function placeholderModel(plan: StudyPlan, job: TrainJob): TrainedModel {
  return {
    id: 'warm-up',
    createdAt: new Date(0).toISOString(),
    arch: { name: plan.arch.name, widths: [...plan.arch.widths] },
    features: [...plan.features],
    params: job.init,
    scaler: job.scaler,
    training: {
      seed: 0, epochs: 0, batchSize: job.batchSize, lr: job.lr, scalerMode: plan.settings.scalerMode, split: unknownSplit(), inputFiles: [],
      trainRows: 0, valRows: 0, steps: 0, trainLoss: [], valLoss: [], device: '', wallMs: 0,
    },
  }
}

interface EvalContext {
  steps: number
  trainLoss: number[]
  valLoss: number[]
  device: string
  wallMs: number
  evaluator: Evaluator
  ep: EpChoice
  idPrefix: string
}

async function exportAndEvaluate(
  table: TableView,
  target: Float32Array,
  plan: StudyPlan,
  r: PlannedRun,
  job: TrainJob,
  params: ModelParams,
  ctx: EvalContext,
): Promise<FoldRun> {
  const s = plan.settings
  const model: TrainedModel = {
    id: modelId(ctx.idPrefix, r.arm, r.fold, r.seed),
    createdAt: new Date().toISOString(),
    arch: { name: plan.arch.name, widths: [...plan.arch.widths] },
    features: [...plan.features],
    params,
    scaler: job.scaler,
    training: {
      seed: r.seed,
      epochs: r.epochs,
      batchSize: s.batchSize,
      lr: s.lr,
      scalerMode: s.scalerMode,
      split: splitRecord(table, {
        ...r.split,
        description: `study arm (${r.arm}) ${ARM_LABELS[r.arm]}${r.arm === 'c' ? ` (${r.epochs} epochs to match (b)'s optimizer steps)` : ''}; ${r.split.description}`,
      }),
      inputFiles: table.files.map((f) => ({ name: f.name, sha256: f.sha256, rows: f.rows })),
      trainRows: r.split.trainRows.length,
      valRows: r.split.valRows.length,
      steps: ctx.steps,
      trainLoss: [...ctx.trainLoss],
      valLoss: [...ctx.valLoss],
      device: ctx.device,
      wallMs: Math.round(ctx.wallMs),
    },
  }
  const onnx = exportOnnx(model)
  const x = table.matrix(plan.features, r.split.valRows)
  const y = gather(target, r.split.valRows)
  const out = await ctx.evaluator.run({ name: `${model.id}.onnx`, bytes: onnx }, x, r.split.valRows.length, plan.features.length, { ep: ctx.ep })
  const m = metrics(out.pred, y)
  return {
    arm: r.arm,
    fold: r.fold,
    seed: r.seed,
    status: 'done',
    plcc: m.plcc,
    srocc: m.srocc,
    krocc: m.krocc,
    rmse: m.rmse,
    n: m.n,
    epochs: r.epochs,
    steps: ctx.steps,
    trainRows: r.split.trainRows.length,
    trainLoss: model.training.trainLoss,
    valLoss: model.training.valLoss,
    pred: out.pred,
    ep: out.ep,
    model,
    onnx,
    sidecar: sidecar(model, onnx, m),
    fileStem: fileStem(model.id, r.arm),
  }
}

/**
 * A single leave-one-source-out sweep on the loaded data: on the combined corpus when konvid rows
 * are loaded (arm b), else on nflx only (arm a). Same machinery as the study.
 */
export async function runLoso(
  table: TableView,
  settings: Omit<StudySettings, 'arms'> & { withKonvid?: boolean },
  deps: StudyDeps,
  opts: RunStudyOptions = {},
): Promise<StudyResult & { arm: Arm }> {
  const nflx = CORPORA.indexOf('nflx')
  const konvid = table.corpusCodes().some((c) => c !== nflx)
  const arm: Arm = (settings.withKonvid ?? konvid) ? 'b' : 'a'
  const res = await runStudy(table, { ...settings, arms: [arm] }, deps, { idPrefix: 'loso', ...opts })
  return { ...res, arm }
}
