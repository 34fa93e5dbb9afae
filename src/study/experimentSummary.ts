// The FoxBird study through the generic experiment statistics: its runs as outcomes, its arms, the
// three comparisons (b − a: what konvid adds; c − a: what extra steps alone add; b − c: konvid at
// equal compute) and each arm × seed pooled over all held-out rows.
import { gather } from '../data/gather.ts'
import { pooledOutcomes } from '../experiment/pooled.ts'
import { summarizeExperiment, type ExperimentSummary } from '../experiment/summary.ts'
import { plannedArms } from './plan.ts'
import { ARM_LABELS, type FoldRun, type StudyPlan } from './types.ts'

export const FOXBIRD_COMPARISONS = [
  { a: 'a', b: 'b' },
  { a: 'a', b: 'c' },
  { a: 'c', b: 'b' },
] as const

/** The summary of the runs that finished; `target` is the table's target column. */
export function studyExperimentSummary(plan: StudyPlan, runs: readonly FoldRun[], target: Float32Array): ExperimentSummary {
  const arms = plannedArms(plan)
  const parts = runs.flatMap((r) => {
    const planned = plan.runs.find((p) => p.arm === r.arm && p.fold === r.fold && p.seed === r.seed)
    return planned ? [{ arm: r.arm, seed: r.seed, pred: r.pred, truth: gather(target, planned.split.valRows) }] : []
  })
  return summarizeExperiment({
    experiment: 'foxbird',
    arms: arms.map((id) => ({ id, label: ARM_LABELS[id] })),
    outcomes: runs,
    pooled: pooledOutcomes(parts),
    comparisons: FOXBIRD_COMPARISONS.filter((c) => arms.includes(c.a) && arms.includes(c.b)),
  })
}
