// Running a designed experiment: its schedule goes through the one pipeline (every run trains
// together), each finished run is scored per test group (its fold results, reported as they
// finish), each arm × seed is scored on all of its test rows once its runs are in, and the
// statistics come from summarizeExperiment.
import { gather } from '../data/gather.ts'
import type { TableView } from '../data/table.ts'
import { metrics } from '../metrics/index.ts'
import type { ExperimentDesign } from './design.ts'
import { runExperiment, type ExperimentDeps, type ExperimentProgress, type ResumeState, type RunFailure, type RunOutcome } from './run.ts'
import { scheduleExperiment, type Schedule, type ScheduledRun } from './schedule.ts'
import { summarizeExperiment, type ExperimentSummary, type Outcome, type PooledOutcome } from './summary.ts'
import type { EpChoice } from '../onnx/evaluator.ts'
import type { EpochEvent } from '../model/contract.ts'

export interface ConductOptions {
  /** the design's file, named in a DesignError about what the data cannot support (default its name) */
  file?: string
  signal?: AbortSignal
  /** an earlier result's state: each unfinished run continues from its last completed epoch */
  resumeFrom?: ResumeState
  ep?: EpChoice
  /** fold results of a run that finished (one per test group) */
  onFold?: (outcomes: Outcome[], run: ScheduledRun) => void
  onProgress?: (p: ExperimentProgress) => void
  onPhase?: (message: string) => void
  /** a run's epoch (index: its position in the schedule's runs), for live loss curves */
  onEpoch?: (index: number, ev: EpochEvent) => void
}

export interface ConductedRun {
  scheduled: ScheduledRun
  outcome: RunOutcome
}

export interface ExperimentResult {
  schedule: Schedule
  /** every finished run with its model, in schedule order */
  runs: ConductedRun[]
  outcomes: Outcome[]
  pooled: PooledOutcome[]
  failures: RunFailure[]
  summary: ExperimentSummary
  cancelled: boolean
  /** stopped by a cancel or a lost device: resumeFrom `state` continues it */
  resumable: boolean
  state: ResumeState
  device: string
  wallMs: number
  trainMs: number
  /** ISO time the training started */
  startedAt: string
}

/** One outcome per test group of a finished run. */
function foldOutcomes(run: ScheduledRun, o: RunOutcome, target: Float32Array): Outcome[] {
  const rows = run.spec.rows.valRows
  return run.groups.map((g) => {
    const m = metrics(gather(o.pred, g.positions), gather(target, gather(rows, g.positions)))
    return { arm: run.arm, fold: g.fold, seed: run.seed, plcc: m.plcc, srocc: m.srocc, rmse: m.rmse, n: m.n, nTrain: run.spec.rows.trainRows.length, trainLoss: o.model.training.trainLoss }
  })
}

/** Each arm × seed whose runs all finished, scored on all of their test rows at once. */
function pooledOutcomes(schedule: Schedule, done: readonly ConductedRun[], target: Float32Array): PooledOutcome[] {
  const out: PooledOutcome[] = []
  const byKey = new Map<string, ConductedRun[]>()
  for (const r of done) {
    const key = `${r.scheduled.arm}\n${r.scheduled.seed}`
    byKey.set(key, [...(byKey.get(key) ?? []), r])
  }
  for (const [key, list] of byKey) {
    const [arm, seed] = key.split('\n')
    const planned = schedule.runs.filter((r) => r.arm === arm && r.seed === Number(seed)).length
    if (list.length !== planned) continue
    const pred = Float32Array.from(list.flatMap((r) => Array.from(r.outcome.pred)))
    const y = Float32Array.from(list.flatMap((r) => Array.from(gather(target, r.scheduled.spec.rows.valRows))))
    const m = metrics(pred, y)
    out.push({ arm, seed: Number(seed), plcc: m.plcc, srocc: m.srocc, rmse: m.rmse, n: m.n })
  }
  return out
}

/** Schedule, train, evaluate and summarise `design` on `table`. */
export async function conductExperiment(
  table: TableView,
  design: ExperimentDesign,
  deps: ExperimentDeps,
  opts: ConductOptions = {},
): Promise<ExperimentResult> {
  const schedule = scheduleExperiment(table, design, opts.file)
  const target = table.target()
  const res = await runExperiment(
    table,
    schedule.runs.map((r) => r.spec),
    deps,
    {
      signal: opts.signal,
      resumeFrom: opts.resumeFrom,
      ep: opts.ep,
      onOutcome: (o) => opts.onFold?.(foldOutcomes(schedule.runs[o.index], o, target), schedule.runs[o.index]),
      onProgress: opts.onProgress,
      onPhase: opts.onPhase,
      onEpoch: opts.onEpoch,
    },
  )
  // every finished run, earlier sessions' included, in schedule order
  const done: ConductedRun[] = res.outcomes.map((o) => ({ scheduled: schedule.runs[o.index], outcome: o }))
  const outcomes = done.flatMap((r) => foldOutcomes(r.scheduled, r.outcome, target))
  const pooled = pooledOutcomes(schedule, done, target)
  // folds in the schedule's order, whatever order the runs finished in
  const foldAt = (f: string) => schedule.folds.indexOf(f)
  outcomes.sort((p, q) => foldAt(p.fold) - foldAt(q.fold) || p.seed - q.seed)
  const summary = summarizeExperiment({
    experiment: design.name,
    arms: design.arms.map((a) => ({ id: a.id, label: a.label })),
    outcomes,
    pooled,
    comparisons: design.comparisons,
  })
  return { schedule, runs: done, outcomes, pooled, failures: res.failures, summary, cancelled: res.cancelled, resumable: res.resumable, state: res.state, device: res.device, wallMs: res.wallMs, trainMs: res.trainMs, startedAt: res.startedAt }
}

export interface ResumingOptions extends ConductOptions {
  /** resumes after a lost device, at most (0: none) */
  attempts: number
  /** a lost device stopped these runs; the next attempt (1-based) resumes them */
  onResume?: (lost: RunFailure[], attempt: number) => void
}

/** conductExperiment that, when a lost device stops runs, resumes them from their last completed
 *  epoch (the trainer opens a new device), up to `attempts` times; a cancel is never resumed. */
export async function conductResuming(table: TableView, design: ExperimentDesign, deps: ExperimentDeps, opts: ResumingOptions): Promise<ExperimentResult> {
  let res = await conductExperiment(table, design, deps, opts)
  for (let k = 1; k <= opts.attempts && !res.cancelled; k++) {
    const lost = res.failures.filter((f) => f.status === 'device-lost')
    if (!lost.length) break
    opts.onResume?.(lost, k)
    res = await conductExperiment(table, design, deps, { ...opts, resumeFrom: res.state })
  }
  return res
}
