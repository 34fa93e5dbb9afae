// The study's arithmetic, on plain numbers: steps matching, per-fold seed means, the spread
// across folds, the std ratio, the outlier fold and the per-fold deltas.
//
// Conventions (the same in the UI, the reports and the CLI):
//  - a fold's score is the mean over its finished seeds; its std is the population std over seeds;
//  - an arm's mean ± std is over folds of those seed means, std = population std (ddof 0), as the
//    issue's 0.0112 / 0.0025 / 0.0093 spreads of PyTorch's fixture are;
//  - the outlier is the fold of (a) with the lowest seed-mean PLCC; seeds whose own worst fold is
//    another one are listed, so the UI can say when seeds disagree.
import { meanStd } from '../metrics/index.ts'
import { stepsPerEpoch } from '../model/contract.ts'
import type { Arm, ArmSummary, FoldDelta, FoldRun, FoldSummary, Outlier, Scores, StudySummary } from './types.ts'
import { ARM_LABELS } from './types.ts'
import { studyReading } from './reading.ts'

/** What the summaries read from a run (tests build these by hand). */
export type RunScores = Pick<FoldRun, 'arm' | 'fold' | 'seed' | 'status' | 'plcc' | 'srocc' | 'rmse' | 'n' | 'epochs' | 'steps'>

const SCORE_KEYS = ['plcc', 'srocc', 'rmse'] as const

/**
 * Epochs for the steps-matched control: (a)'s training rows get as many optimizer steps as (b)'s
 * got in `epochsB` epochs, rounded to whole epochs — round(steps_b / steps_per_epoch_a).
 */
export function stepsMatchedEpochs(trainRowsA: number, trainRowsB: number, epochsB: number, batchSize: number): number {
  const stepsB = epochsB * stepsPerEpoch(trainRowsB, batchSize)
  return Math.max(1, Math.round(stepsB / stepsPerEpoch(trainRowsA, batchSize)))
}

function scoresOf(values: readonly Scores[], pick: 'mean' | 'std'): Scores {
  const out = {} as Scores
  for (const k of SCORE_KEYS) out[k] = meanStd(values.map((v) => v[k]))[pick]
  return out
}

/** Seed mean ± std of one fold of one arm over its finished runs (null when none finished). */
export function summarizeFold(fold: string, runs: readonly RunScores[]): FoldSummary | null {
  const done = runs.filter((r) => r.status === 'done').sort((p, q) => p.seed - q.seed)
  if (done.length === 0) return null
  const perSeed = done.map((r) => ({ seed: r.seed, plcc: r.plcc, srocc: r.srocc, rmse: r.rmse }))
  return {
    fold,
    n: done[0].n,
    seeds: done.map((r) => r.seed),
    perSeed,
    mean: scoresOf(perSeed, 'mean'),
    std: scoresOf(perSeed, 'std'),
    epochs: done[0].epochs,
    steps: done[0].steps,
  }
}

/** Lowest PLCC (first in fold order on ties); null for an empty list. */
function lowest<T>(items: readonly T[], plcc: (t: T) => number): T | null {
  let best: T | null = null
  for (const it of items) if (best === null || plcc(it) < plcc(best)) best = it
  return best
}

/** One arm over `folds` × `seeds`: fold summaries, mean ± std across folds, worst fold. */
export function summarizeArm(arm: Arm, folds: readonly string[], seeds: readonly number[], runs: readonly RunScores[]): ArmSummary {
  const mine = runs.filter((r) => r.arm === arm)
  const summaries = folds.map((f) => summarizeFold(f, mine.filter((r) => r.fold === f)))
  const finished = summaries.filter((s): s is FoldSummary => s !== null)
  const means = finished.map((s) => s.mean)
  const worstBySeed: { seed: number; fold: string }[] = []
  for (const seed of seeds) {
    const bySeed = folds.map((f) => mine.find((r) => r.fold === f && r.seed === seed && r.status === 'done'))
    if (bySeed.some((r) => !r)) continue
    worstBySeed.push({ seed, fold: lowest(bySeed as RunScores[], (r) => r.plcc)!.fold })
  }
  const steps: Record<string, number> = {}
  for (const s of finished) steps[s.fold] = s.steps
  return {
    arm,
    label: ARM_LABELS[arm],
    folds: summaries,
    mean: scoresOf(means, 'mean'),
    std: scoresOf(means, 'std'),
    worst: lowest(finished, (s) => s.mean.plcc)?.fold ?? null,
    worstBySeed,
    complete: finished.length === folds.length && finished.every((s) => s.seeds.length === seeds.length),
    steps,
  }
}

function diff(x: FoldSummary | null | undefined, y: FoldSummary | null | undefined): Scores | null {
  if (!x || !y) return null
  return { plcc: x.mean.plcc - y.mean.plcc, srocc: x.mean.srocc - y.mean.srocc, rmse: x.mean.rmse - y.mean.rmse }
}

/** The outlier fold of (a) (by seed mean) with its scores in (b) and (c). */
export function findOutlier(arms: Partial<Record<Arm, ArmSummary>>): Outlier | null {
  const a = arms.a
  if (!a?.worst) return null
  const idx = a.folds.findIndex((f) => f?.fold === a.worst)
  const at = (arm: Arm) => arms[arm]?.folds[idx]?.mean ?? null
  return {
    fold: a.worst,
    before: a.folds[idx]!.mean,
    afterData: at('b'),
    afterSteps: at('c'),
    disagreeing: a.worstBySeed.filter((w) => w.fold !== a.worst),
  }
}

const ratio = (num: number | undefined, den: number | undefined) =>
  num !== undefined && den !== undefined && Number.isFinite(num) && Number.isFinite(den) && den > 0 ? num / den : null

/** Everything the tables, the call-out and the reports show, from the runs that finished. */
export function summarizeStudy(
  folds: readonly string[],
  arms: readonly Arm[],
  seeds: readonly number[],
  runs: readonly RunScores[],
): StudySummary {
  const summaries: Partial<Record<Arm, ArmSummary>> = {}
  for (const arm of arms) summaries[arm] = summarizeArm(arm, folds, seeds, runs)
  const deltas: FoldDelta[] = folds.map((fold, i) => {
    const f = (arm: Arm) => summaries[arm]?.folds[i]
    return { fold, ba: diff(f('b'), f('a')), ca: diff(f('c'), f('a')), bc: diff(f('b'), f('c')) }
  })
  const meanOf = (pick: (d: FoldDelta) => Scores | null): number | null => {
    const v = deltas.map(pick).filter((s): s is Scores => s !== null).map((s) => s.plcc)
    return v.length ? v.reduce((a, x) => a + x, 0) / v.length : null
  }
  const summary: StudySummary = {
    folds: [...folds],
    arms: summaries,
    stdRatio: ratio(summaries.a?.std.plcc, summaries.b?.std.plcc),
    stdRatioSteps: ratio(summaries.a?.std.plcc, summaries.c?.std.plcc),
    outlier: findOutlier(summaries),
    deltas,
    meanDeltaPlcc: { ba: meanOf((d) => d.ba), ca: meanOf((d) => d.ca), bc: meanOf((d) => d.bc) },
    reading: '',
  }
  summary.reading = studyReading(summary)
  return summary
}
