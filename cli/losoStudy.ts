// `loso` through the designer: the FoxBird study is the foxbird preset (arms a, b, c) and a plain
// sweep is its arm a or b alone, conducted by conductExperiment like `study`. The result is then
// seen as the study's StudyResult (planStudy's plan, FoldRuns, summarizeStudy) so that loso's
// report, arm folders and JSON stay what they were.
import type { ExperimentResult } from '../src/experiment/conduct.ts'
import type { ExperimentDesign } from '../src/experiment/design.ts'
import { presetDesign } from '../src/experiment/presets.ts'
import { sidecar } from '../src/onnx/index.ts'
import { plannedArms, studySeeds } from '../src/study/plan.ts'
import { summarizeStudy } from '../src/study/stats.ts'
import { fileStem, type Arm, type FailedRun, type FoldRun, type StudyPlan, type StudyResult, type StudySettings } from '../src/study/types.ts'

/** The foxbird preset with the study settings' recipe, only the settings' arms, named `name`. */
export function losoDesign(settings: StudySettings, name: 'foxbird' | 'loso'): ExperimentDesign {
  const preset = presetDesign('foxbird', { seeds: settings.seeds, firstSeed: settings.firstSeed ?? 0, epochs: settings.epochs })
  const picked = (id: string) => settings.arms.includes(id as Arm)
  const arms = preset.arms.filter((a) => picked(a.id)).map((a) => ({
    ...a,
    arch: settings.arch,
    hidden: settings.hidden,
    features: settings.features,
    batchSize: settings.batchSize,
    lr: settings.lr,
    scalerMode: settings.scalerMode,
  }))
  return { ...preset, name, arms, comparisons: preset.comparisons.filter((c) => picked(c.a) && picked(c.b)) }
}

const key = (arm: string, fold: string, seed: number) => `${arm}\n${fold}\n${seed}`

/** The conducted design as the study's result; throws when a run is not the plan's (other rows or epochs). */
export function asStudyResult(plan: StudyPlan, res: ExperimentResult): StudyResult {
  const at = new Map(plan.runs.map((r, i) => [key(r.arm, r.fold, r.seed), i]))
  const planned = (arm: string, fold: string, seed: number) => {
    const i = at.get(key(arm, fold, seed))
    if (i === undefined) throw new Error(`the run ${arm} · ${fold} · seed ${seed} is not in the study's plan`)
    return { i, r: plan.runs[i] }
  }
  const runs = res.runs.map(({ scheduled: s, outcome: o }) => {
    const { i, r } = planned(s.arm, s.fold, s.seed)
    if (r.epochs !== s.spec.epochs || r.split.trainRows.length !== s.spec.rows.trainRows.length)
      throw new Error(`${s.spec.id}: ${s.spec.epochs} epochs on ${s.spec.rows.trainRows.length} rows, the study plans ${r.epochs} on ${r.split.trainRows.length}`)
    const m = o.metrics
    const run: FoldRun = {
      arm: r.arm, fold: r.fold, seed: r.seed, status: 'done',
      plcc: m.plcc, srocc: m.srocc, krocc: m.krocc, rmse: m.rmse, n: m.n,
      epochs: r.epochs, steps: o.steps, trainRows: r.split.trainRows.length,
      trainLoss: o.model.training.trainLoss, valLoss: o.model.training.valLoss,
      pred: o.pred, ep: o.ep, model: o.model, onnx: o.onnx,
      sidecar: sidecar(o.model, o.onnx, m),
      fileStem: fileStem(o.model.id, r.arm),
    }
    return { i, run }
  })
  // the study's order (seed, arm, fold), whatever order the schedule has
  const ordered = runs.sort((p, q) => p.i - q.i).map((x) => x.run)
  const failed: FailedRun[] = res.failures.map((f) => {
    const s = res.schedule.runs[f.index]
    const { r } = planned(s.arm, s.fold, s.seed)
    return { arm: r.arm, fold: r.fold, seed: r.seed, status: f.status, message: f.message }
  })
  return {
    plan,
    runs: ordered,
    failed,
    summary: summarizeStudy(plan.folds, plannedArms(plan), studySeeds(plan.settings), ordered),
    cancelled: res.cancelled,
    device: res.device,
    wallMs: res.wallMs,
    trainMs: res.trainMs,
    startedAt: res.startedAt,
  }
}
