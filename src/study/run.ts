// The FoxBird study as a planner over the experiment pipeline (src/experiment/run.ts): planStudy
// gives one run per arm × fold × seed, runExperiment trains them all together and evaluates each
// on its held-out source as it finishes; this module only maps the outcomes to the study's
// FoldRuns and events. The app's store, the page API (tests, bench) and the CLI call runStudy / runLoso.
import { CORPORA, type TableView } from '../data/table.ts'
import { fileSafe, splitRecord } from '../experiment/records.ts'
import { runExperiment, type ExperimentDeps, type RunOutcome, type RunSpec } from '../experiment/run.ts'
import { sidecar } from '../onnx/index.ts'
import type { EpChoice } from '../onnx/evaluator.ts'
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

export type StudyDeps = ExperimentDeps

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

/** The pipeline's run of one planned arm × fold × seed. */
function runSpec(table: TableView, plan: StudyPlan, r: PlannedRun, idPrefix: string): RunSpec {
  const s = plan.settings
  const steps = r.arm === 'c' ? ` (${r.epochs} epochs to match (b)'s optimizer steps)` : ''
  return {
    id: modelId(idPrefix, r.arm, r.fold, r.seed),
    label: r.label,
    arch: plan.arch,
    features: plan.features,
    seed: r.seed,
    rows: r.split,
    split: splitRecord(table, { ...r.split, description: `study arm (${r.arm}) ${ARM_LABELS[r.arm]}${steps}; ${r.split.description}` }),
    epochs: r.epochs,
    batchSize: s.batchSize,
    lr: s.lr,
    scalerMode: s.scalerMode,
    provenance: { experiment: idPrefix, arm: r.arm, fold: r.fold },
  }
}

/** A finished run as the study's tables, reports and zip see it. */
function foldRun(r: PlannedRun, o: RunOutcome): FoldRun {
  const m = o.metrics
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
    steps: o.steps,
    trainRows: r.split.trainRows.length,
    trainLoss: o.model.training.trainLoss,
    valLoss: o.model.training.valLoss,
    pred: o.pred,
    ep: o.ep,
    model: o.model,
    onnx: o.onnx,
    sidecar: sidecar(o.model, o.onnx, m),
    fileStem: fileStem(o.model.id, r.arm),
  }
}

/** Train, export and evaluate every planned run; resolves with what finished (also when cancelled). */
export async function runStudy(
  table: TableView,
  settings: StudySettings,
  deps: StudyDeps,
  opts: RunStudyOptions = {},
): Promise<StudyResult> {
  const emit = opts.onEvent ?? (() => {})
  const plan = planStudy(table, settings)
  emit({ type: 'plan', plan })
  const specs = plan.runs.map((r) => runSpec(table, plan, r, opts.idPrefix ?? 'foxbird'))
  const byIndex = new Map<number, FoldRun>()
  const res = await runExperiment(table, specs, deps, {
    signal: opts.signal,
    ep: opts.ep,
    warmEvaluator: opts.warmEvaluator,
    onEpoch: opts.quietEpochs
      ? undefined
      : (i, ev) => {
          const r = plan.runs[i]
          emit({ type: 'epoch', run: i, arm: r.arm, fold: r.fold, seed: r.seed, epoch: ev.epoch, epochs: r.epochs, trainLoss: ev.trainLoss, valLoss: ev.valLoss })
        },
    onOutcome: (o) => {
      const run = foldRun(plan.runs[o.index], o)
      byIndex.set(o.index, run)
      emit({ type: 'fold', run })
    },
    onProgress: (p) => emit({ type: 'progress', ...p }),
    onPhase: (message) => emit({ type: 'phase', message }),
  })
  const failed: FailedRun[] = res.failures.map((f) => {
    const r = plan.runs[f.index]
    return { arm: r.arm, fold: r.fold, seed: r.seed, status: f.status, message: f.message }
  })
  const ordered = res.outcomes.map((o) => byIndex.get(o.index)!)
  return {
    plan,
    runs: ordered,
    summary: summarizeStudy(plan.folds, plannedArms(plan), studySeeds(settings), ordered),
    cancelled: res.cancelled,
    failed,
    device: res.device,
    wallMs: res.wallMs,
    trainMs: res.trainMs,
    startedAt: res.startedAt,
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
