// The one pipeline every front end calls: a list of runs (arms × folds × seeds, or one split × seeds)
// is trained together, each finished model is exported to ONNX and evaluated on its test rows as
// soon as its last epoch is reported, and the outcomes come back through callbacks while the others
// still train. Platform-neutral: the trainer and the evaluator are injected (the GPU engine or the
// CPU reference; onnxruntime-web or -node), so the app, the page API and the CLI share it.
//
// Runs that share their feature list train in one trainer.train call (the engine's multi-model
// mode); each distinct feature list is one more call. Cancelling stops training; runs that
// finished are kept (evaluations already queued still complete).
//
// Resume: the pipeline keeps each run's last completed epoch (checkpoint and losses) and its end
// (finished model, or a failure no resume changes) in a ResumeState. Given back as resumeFrom after a
// cancel, a lost device or a trainer that threw, the same runs continue from their checkpoints
// (the loss curves go on), and finished runs are not trained again.
import { gather } from '../data/gather.ts'
import type { TableView } from '../data/table.ts'
import { metrics, type Metrics } from '../metrics/index.ts'
import type { ArchSpec } from '../model/arch.ts'
import { makeJob, tableToTrainData } from '../model/jobs.ts'
import { unflattenParams, type ModelParams } from '../model/params.ts'
import type { Provenance, ScalerMode, SplitRecord, TrainedModel } from '../model/trained.ts'
import type { Checkpoint, EpochEvent, JobStatus, TrainData, Trainer, TrainJob, TrainResult } from '../model/contract.ts'
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

/** A run's model, exported to ONNX. */
export interface ExportedRun {
  /** position in the runs list */
  index: number
  spec: RunSpec
  model: TrainedModel
  onnx: Uint8Array
  steps: number
  /** false: a run stopped by a cancel or a lost device, at its last completed epoch (keepStopped) */
  complete: boolean
}

/** A run trained, exported and evaluated. */
export interface RunOutcome extends ExportedRun {
  /** predictions on the test rows, in valRows order */
  pred: Float32Array
  /** pooled over the test rows */
  metrics: Metrics
  /** the execution provider that evaluated it */
  ep: string
  /** inference time of the evaluation */
  inferenceMs: number
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

/** Where one run stands: enough to continue it, or to know it is over. */
export interface RunState {
  /** the last completed epoch (null: none yet) */
  checkpoint: Checkpoint | null
  /** per completed epoch, over every session */
  trainLoss: number[]
  valLoss: number[]
  /** the finished run's model (exported): a resume does not train it again */
  finished: ExportedRun | null
  /** its evaluation, when it was evaluated */
  outcome: RunOutcome | null
  /** a failure a resume does not change (diverged, evaluation failed) */
  failure: RunFailure | null
}

/** Every run's state, kept by runExperiment as it goes (hand it back as resumeFrom). */
export interface ResumeState {
  runs: RunState[]
  /** wall time of the sessions so far */
  wallMs: number
}

export function resumeState(n: number): ResumeState {
  return { runs: Array.from({ length: n }, () => ({ checkpoint: null, trainLoss: [], valLoss: [], finished: null, outcome: null, failure: null })), wallMs: 0 }
}

/** Runs a resume would train: neither finished nor failed for good. */
export const pendingRuns = (s: ResumeState): number[] => s.runs.flatMap((r, i) => (r.finished || r.failure ? [] : [i]))

export interface RunExperimentOptions {
  signal?: AbortSignal
  /** continue from an earlier call's state on the same runs (it is updated in place); default a fresh one */
  resumeFrom?: ResumeState
  /** export and evaluate runs a cancel or a lost device stopped, at their last completed epoch (default false) */
  keepStopped?: boolean
  /** evaluate each model on its test rows (default true); false: export only (onModel) */
  evaluate?: boolean
  /** a model was exported (before its evaluation) */
  onModel?: (m: ExportedRun) => void
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
  /** in runs order, earlier sessions' included */
  outcomes: RunOutcome[]
  /** every model exported by this call, finished or (keepStopped) stopped */
  models: ExportedRun[]
  failures: RunFailure[]
  cancelled: boolean
  /** some run stopped by a cancel or a lost device: resumeFrom `state` continues it */
  resumable: boolean
  /** the runs' state, to resume from */
  state: ResumeState
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

/** Train, export and evaluate every run; resolves with what finished (also when cancelled). A trainer
 *  that throws rejects the call; the state given as resumeFrom still holds every run's last epoch. */
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
  const state = opts.resumeFrom ?? resumeState(runs.length)
  if (state.runs.length !== runs.length) throw new RangeError(`resumeFrom holds ${state.runs.length} runs, not the ${runs.length} given`)
  const earlierMs = state.wallMs
  const totalSamples = runs.reduce((s, r) => s + runSamples(r), 0)
  const failures: RunFailure[] = state.runs.flatMap((r) => (r.failure ? [r.failure] : []))
  const models: ExportedRun[] = []
  const epochsDone = Uint32Array.from(state.runs, (r, i) => (r.finished ? runs[i].epochs : r.checkpoint?.epoch ?? 0))
  const finishedAt = new Float64Array(runs.length)
  /** runs whose training call answered (a late epoch event changes nothing) */
  const settled = new Set<number>()
  const queued = new Set<number>()
  const jobs: TrainJob[] = new Array(runs.length)
  let doneSamples = runs.reduce((s, r, i) => s + epochsDone[i] * r.rows.trainRows.length, 0)
  const doneAtStart = doneSamples
  let lastProgress = -Infinity
  let queue: Promise<void> = Promise.resolve()

  const progress = (force = false) => {
    const t = now()
    if (!opts.onProgress || (!force && t - lastProgress < 100)) return
    lastProgress = t
    const session = t - t0
    const own = doneSamples - doneAtStart
    // this session's rate; before its first epoch, the earlier sessions'
    const rate = own > 0 ? session / own : doneAtStart > 0 && earlierMs > 0 ? earlierMs / doneAtStart : null
    opts.onProgress({ doneSamples, totalSamples, elapsedMs: earlierMs + session, etaMs: rate === null ? null : rate * (totalSamples - doneSamples) })
  }
  const fail = (f: RunFailure, final: boolean) => {
    failures.push(f)
    if (final) state.runs[f.index].failure = f
    opts.onFailure?.(f)
  }

  const exported = (i: number, params: ModelParams, steps: number, complete: boolean): ExportedRun => {
    const spec = runs[i]
    const { trainLoss, valLoss } = state.runs[i]
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
      trainLoss: trainLoss.slice(0, epochsDone[i]),
      valLoss: valLoss.slice(0, epochsDone[i]),
      device: deps.trainer.description,
      wallMs: earlierMs + finishedAt[i] - t0,
      provenance: { dataset: trainingDataset(table, spec.rows.trainRows), ...spec.provenance },
    })
    return { index: i, spec, model, onnx: exportOnnx(model), steps, complete }
  }

  const evaluate = async (i: number, params: ModelParams, steps: number, complete: boolean) => {
    const spec = runs[i]
    try {
      const m = exported(i, params, steps, complete)
      models.push(m)
      if (complete) state.runs[i].finished = m
      opts.onModel?.(m)
      if (opts.evaluate === false) return
      const rows = spec.rows.valRows
      const x = table.matrix(spec.features, rows)
      const out = await deps.evaluator.run({ name: `${m.model.id}.onnx`, bytes: m.onnx }, x, rows.length, spec.features.length, { ep: opts.ep ?? 'auto' })
      const outcome: RunOutcome = { ...m, pred: out.pred, metrics: metrics(out.pred, gather(target, rows)), ep: out.ep, inferenceMs: out.inferenceMs }
      if (complete) state.runs[i].outcome = outcome
      opts.onOutcome?.(outcome)
    } catch (e) {
      fail({ index: i, spec, status: 'eval-failed', message: `${spec.label}: ${(e as Error).message}` }, complete)
    }
  }
  const enqueue = (i: number, params: ModelParams, steps: number, complete = true) => {
    if (complete && queued.has(i)) return
    if (complete) queued.add(i)
    finishedAt[i] = now()
    queue = queue.then(() => evaluate(i, params, steps, complete))
  }

  const onEpochOf = (members: number[]) => (ev: EpochEvent) => {
    const i = members[ev.job]
    const r = runs[i]
    const st = state.runs[i]
    // by epoch number: an event that arrives after the run's result (or twice) changes nothing
    if (settled.has(i) || ev.epoch <= epochsDone[i]) return
    st.trainLoss[ev.epoch - 1] = ev.trainLoss
    st.valLoss[ev.epoch - 1] = ev.valLoss
    st.checkpoint = ev.checkpoint
    doneSamples += (ev.epoch - epochsDone[i]) * r.rows.trainRows.length
    epochsDone[i] = ev.epoch
    opts.onEpoch?.(i, ev)
    // the last epoch's checkpoint holds the final weights: evaluate now, while the others train
    if (ev.epoch === r.epochs && ev.checkpoint && ev.checkpoint.params.length)
      enqueue(i, unflattenParams(r.arch.widths, ev.checkpoint.params), ev.checkpoint.step)
    progress(ev.epoch === r.epochs)
  }

  /** The result is the record: its losses (this session's epochs) and its checkpoint. */
  const settle = (i: number, res: TrainResult) => {
    settled.add(i)
    const st = state.runs[i]
    if (res.checkpoint) st.checkpoint = res.checkpoint
    const end = res.checkpoint?.epoch ?? epochsDone[i]
    const start = Math.max(0, end - res.trainLoss.length)
    st.trainLoss.splice(start, Infinity, ...res.trainLoss)
    st.valLoss.splice(start, Infinity, ...res.valLoss)
    doneSamples += (end - epochsDone[i]) * runs[i].rows.trainRows.length
    epochsDone[i] = end
  }

  const trainGroup = async (members: number[], first: boolean): Promise<TrainResult[]> => {
    const data = tableToTrainData(table, runs[members[0]].features)
    for (const i of members) jobs[i] = jobOf(runs[i], data)
    if (opts.warmEvaluator !== false && opts.evaluate !== false && first) warmUp(deps.evaluator, runs[members[0]], jobs[members[0]], data, opts.ep)
    const resume = members.map((i) => state.runs[i].checkpoint)
    return deps.trainer.train(data, members.map((i) => jobs[i]), {
      onEpoch: onEpochOf(members),
      signal: opts.signal,
      ...(resume.some((c) => c) ? { resume } : {}),
    })
  }

  const pending = pendingRuns(state)
  const groups = byFeatures(pending.map((i) => runs[i])).map((g) => g.map((k) => pending[k]))
  opts.onPhase?.(`training ${pending.length} model${pending.length === 1 ? '' : 's'} on ${deps.trainer.description}`)
  const tTrain = now()
  let cancelled = false
  let resumable = false
  try {
    for (const members of groups) {
      if (opts.signal?.aborted) break
      let results: TrainResult[]
      try {
        results = await trainGroup(members, members === groups[0])
      } catch (e) {
        // a trainer that throws loses nothing that already finished
        await queue
        throw e
      }
      results.forEach((res, k) => {
        const i = members[k]
        settle(i, res)
        const stopped = res.status === 'cancelled' || res.status === 'device-lost'
        if (res.status === 'done') enqueue(i, res.params, res.steps)
        else fail({ index: i, spec: runs[i], status: res.status, message: res.message ?? `${runs[i].label}: ${res.status}` }, !stopped)
        if (stopped && opts.keepStopped && res.checkpoint && res.checkpoint.epoch > 0) enqueue(i, res.params, res.steps, false)
        if (res.status === 'cancelled') cancelled = true
        resumable ||= stopped
      })
    }
  } finally {
    state.wallMs = earlierMs + now() - t0
  }
  const trainMs = now() - tTrain
  progress(true)
  opts.onPhase?.('evaluating the last models')
  await queue
  state.wallMs = earlierMs + now() - t0
  cancelled ||= opts.signal?.aborted === true
  resumable ||= cancelled && pendingRuns(state).length > 0
  opts.onPhase?.(cancelled ? 'cancelled: kept the runs that finished' : 'done')
  return {
    outcomes: state.runs.flatMap((r) => (r.outcome ? [r.outcome] : [])),
    models,
    failures,
    cancelled,
    resumable,
    state,
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
  evaluator.run({ name: 'warm-up.onnx', bytes: exportOnnx(model) }, Float32Array.from(data.columns, (c) => c[0]), 1, spec.features.length, { ep }).catch(() => {})
}
