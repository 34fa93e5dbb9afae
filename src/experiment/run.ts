// The one pipeline every front end calls: a list of runs (arms × folds × seeds, or one split × seeds)
// is trained together, each finished model is exported to ONNX and evaluated on its test rows as
// soon as its last epoch is reported, and the outcomes come back through callbacks while the others
// still train. Platform-neutral: the trainer and the evaluator are injected (the GPU engine or the
// CPU reference; onnxruntime-web or -node), so the app, the page API and the CLI share it.
//
// Runs that share their feature list train in one trainer.train call (the engine's multi-model
// mode); each distinct feature list is one more call. Cancelling stops training; runs that
// finished are kept (evaluations already queued still complete).
import { gather } from '../data/gather.ts'
import type { TableView } from '../data/table.ts'
import { metrics, type Metrics } from '../metrics/index.ts'
import type { ArchSpec } from '../model/arch.ts'
import { makeJob, tableToTrainData } from '../model/jobs.ts'
import { unflattenParams, type ModelParams } from '../model/params.ts'
import type { Provenance, ScalerMode, SplitRecord, TrainedModel } from '../model/trained.ts'
import type { EpochEvent, JobStatus, TrainData, Trainer, TrainJob, TrainResult } from '../model/contract.ts'
import type { EpChoice, Evaluator } from '../onnx/evaluator.ts'
import { exportOnnx } from '../onnx/export.ts'
import { trainingDataset } from '../onnx/registry.ts'
import { trainedModel } from './records.ts'

/** The rows one run trains on and is tested on. */
export interface RunRows {
  trainRows: Uint32Array
  /** validation during training and the test rows of the evaluation */
  valRows: Uint32Array
}

/** One model to train, export and evaluate. */
export interface RunSpec {
  /** model id, file-safe: the name of its .onnx and sidecar */
  id: string
  /** shown in charts and messages */
  label: string
  arch: ArchSpec
  features: readonly string[]
  seed: number
  rows: RunRows
  /** what the training record says about the split */
  split: SplitRecord
  epochs: number
  batchSize: number
  lr: number
  scalerMode: ScalerMode
  /** each epoch's order (makeJob's shuffle; default 'dataloader') */
  shuffle?: 'dataloader' | 'randperm'
  /** the experiment, arm and fold that produce it (the dataset is taken from its training rows) */
  provenance?: Omit<Provenance, 'dataset'>
}

/** A run trained, exported and evaluated. */
export interface RunOutcome {
  /** position in the runs list */
  index: number
  spec: RunSpec
  model: TrainedModel
  onnx: Uint8Array
  /** predictions on the test rows, in valRows order */
  pred: Float32Array
  /** pooled over the test rows */
  metrics: Metrics
  /** the execution provider that evaluated it */
  ep: string
  /** inference time of the evaluation */
  inferenceMs: number
  steps: number
}

/** A run that produced no evaluated model: stopped early, diverged, or its evaluation failed. */
export interface RunFailure {
  index: number
  spec: RunSpec
  status: JobStatus | 'eval-failed'
  message: string
}

export interface ExperimentProgress {
  doneSamples: number
  totalSamples: number
  elapsedMs: number
  etaMs: number | null
}

export interface RunExperimentOptions {
  signal?: AbortSignal
  /** execution provider for the evaluations (default 'auto') */
  ep?: EpChoice
  /** load the evaluator's runtime while training (default true) */
  warmEvaluator?: boolean
  onEpoch?: (index: number, ev: EpochEvent) => void
  /** a run finished: exported and evaluated */
  onOutcome?: (o: RunOutcome) => void
  onFailure?: (f: RunFailure) => void
  /** a few times a second at most, and once at the end of training */
  onProgress?: (p: ExperimentProgress) => void
  onPhase?: (message: string) => void
}

export interface ExperimentDeps {
  trainer: Trainer
  evaluator: Evaluator
}

export interface ExperimentResult {
  /** in runs order */
  outcomes: RunOutcome[]
  failures: RunFailure[]
  cancelled: boolean
  device: string
  wallMs: number
  trainMs: number
  startedAt: string
}

/** Training samples of a run: epochs × training rows. */
export const runSamples = (r: RunSpec) => r.epochs * r.rows.trainRows.length

/** Runs grouped by feature list (one trainer.train call each), in first-appearance order. */
function byFeatures(runs: readonly RunSpec[]): number[][] {
  const groups = new Map<string, number[]>()
  runs.forEach((r, i) => {
    const key = r.features.join('\n')
    const g = groups.get(key) ?? []
    if (!groups.has(key)) groups.set(key, g)
    g.push(i)
  })
  return [...groups.values()]
}

function jobOf(r: RunSpec, data: TrainData): TrainJob {
  return makeJob({
    id: r.id,
    label: r.label,
    widths: r.arch.widths,
    seed: r.seed,
    scalerMode: r.scalerMode,
    data,
    trainRows: r.rows.trainRows,
    valRows: r.rows.valRows,
    epochs: r.epochs,
    batchSize: r.batchSize,
    lr: r.lr,
    shuffle: r.shuffle,
  })
}

/** Train, export and evaluate every run; resolves with what finished (also when cancelled). */
export async function runExperiment(
  table: TableView,
  runs: readonly RunSpec[],
  deps: ExperimentDeps,
  opts: RunExperimentOptions = {},
): Promise<ExperimentResult> {
  const now = () => performance.now()
  const t0 = now()
  const startedAt = new Date().toISOString()
  const target = table.target()
  const totalSamples = runs.reduce((s, r) => s + runSamples(r), 0)
  const outcomes: (RunOutcome | undefined)[] = new Array(runs.length)
  const failures: RunFailure[] = []
  const losses = runs.map(() => ({ train: [] as number[], val: [] as number[] }))
  const epochsDone = new Uint32Array(runs.length)
  const finishedAt = new Float64Array(runs.length)
  const queued = new Set<number>()
  const jobs: TrainJob[] = new Array(runs.length)
  let doneSamples = 0
  let lastProgress = -Infinity
  let queue: Promise<void> = Promise.resolve()

  const progress = (force = false) => {
    const t = now()
    if (!opts.onProgress || (!force && t - lastProgress < 100)) return
    lastProgress = t
    const elapsedMs = t - t0
    opts.onProgress({ doneSamples, totalSamples, elapsedMs, etaMs: doneSamples > 0 ? (elapsedMs * (totalSamples - doneSamples)) / doneSamples : null })
  }
  const fail = (f: RunFailure) => {
    failures.push(f)
    opts.onFailure?.(f)
  }

  const evaluate = async (i: number, params: ModelParams, steps: number) => {
    const spec = runs[i]
    try {
      const model = trainedModel({
        id: spec.id,
        job: jobs[i],
        params,
        steps,
        arch: spec.arch,
        features: spec.features,
        seed: spec.seed,
        scalerMode: spec.scalerMode,
        split: spec.split,
        inputFiles: table.files,
        trainLoss: losses[i].train,
        valLoss: losses[i].val,
        device: deps.trainer.description,
        wallMs: finishedAt[i] - t0,
        provenance: { dataset: trainingDataset(table, spec.rows.trainRows), ...spec.provenance },
      })
      const onnx = exportOnnx(model)
      const rows = spec.rows.valRows
      const x = table.matrix(spec.features, rows)
      const out = await deps.evaluator.run({ name: `${model.id}.onnx`, bytes: onnx }, x, rows.length, spec.features.length, { ep: opts.ep ?? 'auto' })
      const outcome: RunOutcome = { index: i, spec, model, onnx, pred: out.pred, metrics: metrics(out.pred, gather(target, rows)), ep: out.ep, inferenceMs: out.inferenceMs, steps }
      outcomes[i] = outcome
      opts.onOutcome?.(outcome)
    } catch (e) {
      fail({ index: i, spec, status: 'eval-failed', message: `${spec.label}: ${(e as Error).message}` })
    }
  }
  const enqueue = (i: number, params: ModelParams, steps: number) => {
    if (queued.has(i)) return
    queued.add(i)
    finishedAt[i] = now()
    queue = queue.then(() => evaluate(i, params, steps))
  }

  const trainGroup = async (members: number[]): Promise<TrainResult[]> => {
    const data = tableToTrainData(table, runs[members[0]].features)
    for (const i of members) jobs[i] = jobOf(runs[i], data)
    if (opts.warmEvaluator !== false && members === groups[0]) warmUp(deps.evaluator, runs[members[0]], jobs[members[0]], data, opts.ep)
    const onEpoch = (ev: EpochEvent) => {
      const i = members[ev.job]
      const r = runs[i]
      losses[i].train.push(ev.trainLoss)
      losses[i].val.push(ev.valLoss)
      doneSamples += (ev.epoch - epochsDone[i]) * r.rows.trainRows.length
      epochsDone[i] = ev.epoch
      opts.onEpoch?.(i, ev)
      // the last epoch's checkpoint holds the final weights: evaluate now, while the others train
      if (ev.epoch === r.epochs && ev.checkpoint && ev.checkpoint.params.length)
        enqueue(i, unflattenParams(r.arch.widths, ev.checkpoint.params), ev.checkpoint.step)
      progress(ev.epoch === r.epochs)
    }
    return deps.trainer.train(data, members.map((i) => jobs[i]), { onEpoch, signal: opts.signal })
  }

  const groups = byFeatures(runs)
  opts.onPhase?.(`training ${runs.length} model${runs.length === 1 ? '' : 's'} on ${deps.trainer.description}`)
  const tTrain = now()
  let cancelled = false
  for (const members of groups) {
    if (opts.signal?.aborted) break
    let results: TrainResult[]
    try {
      results = await trainGroup(members)
    } catch (e) {
      // a trainer that throws loses nothing that already finished
      await queue
      throw e
    }
    results.forEach((res, k) => {
      const i = members[k]
      if (res.status === 'done') enqueue(i, res.params, res.steps)
      else fail({ index: i, spec: runs[i], status: res.status, message: res.message ?? `${runs[i].label}: ${res.status}` })
      if (res.status === 'cancelled') cancelled = true
    })
  }
  const trainMs = now() - tTrain
  progress(true)
  opts.onPhase?.('evaluating the last models')
  await queue
  cancelled ||= opts.signal?.aborted === true
  opts.onPhase?.(cancelled ? 'cancelled: kept the runs that finished' : 'done')
  return {
    outcomes: outcomes.filter((o): o is RunOutcome => o !== undefined),
    failures,
    cancelled,
    device: deps.trainer.description,
    wallMs: now() - t0,
    trainMs,
    startedAt,
  }
}

/** Start the evaluator's runtime (wasm compile, first session) while the models train: one row
 *  through the first run's untrained model; its result is not used. */
function warmUp(evaluator: Evaluator, spec: RunSpec, job: TrainJob, data: TrainData, ep: EpChoice = 'auto'): void {
  const model = trainedModel({
    id: 'warm-up', job, params: job.init, steps: 0, arch: spec.arch, features: spec.features, seed: spec.seed,
    scalerMode: spec.scalerMode, split: spec.split, inputFiles: [], trainLoss: [], valLoss: [], device: '', wallMs: 0,
  })
  evaluator.run({ name: 'warm-up.onnx', bytes: exportOnnx(model) }, data.x.subarray(0, spec.features.length), 1, spec.features.length, { ep }).catch(() => {})
}
