// Running a designed experiment: its schedule goes through the one pipeline (every run trains
// together), each finished run is scored per test group (its fold results, reported as they
// finish), each arm × seed is scored on all of its test rows once its runs are in, and the
// statistics come from summarizeExperiment.
import { gather } from '../data/gather.ts'
import type { TableView } from '../data/table.ts'
import { metrics } from '../metrics/index.ts'
import type { ExperimentDesign } from './design.ts'
import { runExperiment, type ExperimentDeps, type ExperimentProgress, type RunFailure, type RunOutcome } from './run.ts'
import { scheduleExperiment, type Schedule, type ScheduledRun } from './schedule.ts'
import { summarizeExperiment, type ExperimentSummary, type Outcome, type PooledOutcome } from './summary.ts'
import type { EpChoice } from '../onnx/evaluator.ts'
import type { EpochEvent } from '../model/contract.ts'

export interface ConductOptions {
  /** the design's file, named in a DesignError about what the data cannot support (default its name) */
  file?: string
  signal?: AbortSignal
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
  const outcomes: Outcome[] = []
  const done: ConductedRun[] = []
  const res = await runExperiment(
    table,
    schedule.runs.map((r) => r.spec),
    deps,
    {
      signal: opts.signal,
      ep: opts.ep,
      onOutcome: (o) => {
        const scheduled = schedule.runs[o.index]
        const folds = foldOutcomes(scheduled, o, target)
        outcomes.push(...folds)
        done.push({ scheduled, outcome: o })
        opts.onFold?.(folds, scheduled)
      },
      onProgress: opts.onProgress,
      onPhase: opts.onPhase,
      onEpoch: opts.onEpoch,
    },
  )
  done.sort((p, q) => p.outcome.index - q.outcome.index)
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
  return { schedule, runs: done, outcomes, pooled, failures: res.failures, summary, cancelled: res.cancelled, device: res.device, wallMs: res.wallMs, trainMs: res.trainMs, startedAt: res.startedAt }
}
