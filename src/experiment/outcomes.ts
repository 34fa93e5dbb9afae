// One trained and evaluated run (arm × fold × seed) and how the summary groups and judges them.
import { convergenceOf } from '../model/convergence.ts'

/** One trained and evaluated run: arm × fold × seed, scored on the fold's test rows. */
export interface Outcome {
  arm: string
  /** the fold's name (the held-out source, or the protocol's test set) */
  fold: string
  seed: number
  plcc: number
  srocc: number
  rmse: number
  /** test rows */
  n: number
  /** training rows of the run, when known (the corrected t-test's n_train) */
  nTrain?: number
  /** per-epoch mean training loss, first epoch first */
  trainLoss: readonly number[]
}

/** One seed of one arm scored on all of the arm's test rows at once. */
export interface PooledOutcome {
  arm: string
  seed: number
  plcc: number
  srocc: number
  rmse: number
  n: number
}

/** Outcomes grouped by fold, folds in order of first arrival, seeds ascending within a fold. */
export function byFold<T extends { fold: string; seed: number }>(outcomes: readonly T[]): Map<string, T[]> {
  const folds = new Map<string, T[]>()
  for (const o of outcomes) {
    const list = folds.get(o.fold) ?? []
    if (!folds.has(o.fold)) folds.set(o.fold, list)
    const at = list.findIndex((x) => x.seed === o.seed)
    if (at >= 0) list[at] = o
    else list.push(o)
  }
  for (const list of folds.values()) list.sort((p, q) => p.seed - q.seed)
  return folds
}

/** The run's convergence: its loss curve, and whether its held-out predictions scored at all. */
export function runConvergence(o: Pick<Outcome, 'trainLoss'> & Partial<Pick<Outcome, 'plcc' | 'rmse'>>) {
  const scored = o.rmse === undefined || Number.isFinite(o.rmse)
  return convergenceOf({ trainLoss: o.trainLoss, predictionsFinite: scored })
}

