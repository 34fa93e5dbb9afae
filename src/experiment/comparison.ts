// One compared pair of arms (Δ = b − a), paired over (fold, seed): Δ PLCC and Δ RMSE with their
// hierarchical percentile-bootstrap CIs (why a bootstrap of Δ PLCC is sound: METHODS), the exact
// sign-flip p and the Nadeau–Bengio corrected resampled t on the per-fold mean Δ PLCC. The Holm
// adjustment over a design's comparisons is applied by the summary, which sees all of them.
import { byFold, runConvergence, type Outcome } from './outcomes.ts'
import { bootstrapStatistics, correctedResampledT, mean, meanOfFoldMeans, quantileSorted, signFlipPValue } from './statistics.ts'

export interface ComparisonResult {
  a: string
  b: string
  /** mean over paired folds of the per-fold mean over seeds of PLCC(b) − PLCC(a); null without pairs */
  delta_plcc: number | null
  /** 95% percentile bootstrap CI of Δ PLCC (folds resampled, then seeds within folds; BOOTSTRAP_SEED) */
  ci95: [number, number] | null
  /** mean paired Δ RMSE (b − a), the effect in the target's units */
  delta_rmse: number | null
  /** 95% percentile bootstrap CI of Δ RMSE (the same resampling) */
  ci95_rmse: [number, number] | null
  /** two-sided exact sign-flip test on the per-fold mean Δ PLCC */
  p: number | null
  /** p Holm-adjusted over the design's comparisons (≥ p) */
  p_adjusted: number | null
  /** Nadeau–Bengio corrected resampled t on the per-fold mean Δ PLCC, with its Holm-adjusted p */
  corrected_t: { t: number; df: number; p: number; p_adjusted: number; test_train_ratio: number } | null
  /** folds with at least one (fold, seed) pair in both arms, with their mean Δ */
  per_fold: { source: string; delta_plcc: number; delta_rmse: number; pairs: number }[]
  /** some paired run did not converge */
  unconverged: boolean
}

interface PairedFold {
  source: string
  plcc: number[]
  rmse: number[]
  nTest: number
  nTrain: number | null
  unconverged: boolean
}

/** Per fold shared by both arms: the paired Δs of every seed present in both. */
export function pairedDeltas(a: readonly Outcome[], b: readonly Outcome[]): PairedFold[] {
  const foldsB = byFold(b)
  const out: PairedFold[] = []
  for (const [source, runsA] of byFold(a)) {
    const runsB = foldsB.get(source)
    if (!runsB) continue
    const f: PairedFold = { source, plcc: [], rmse: [], nTest: runsA[0].n, nTrain: null, unconverged: false }
    for (const ra of runsA) {
      const rb = runsB.find((r) => r.seed === ra.seed)
      if (!rb || !Number.isFinite(ra.plcc) || !Number.isFinite(rb.plcc)) continue
      f.plcc.push(rb.plcc - ra.plcc)
      f.rmse.push(rb.rmse - ra.rmse)
      // the smaller training set of the two arms: the larger n_test/n_train, the more conservative test
      for (const r of [ra, rb]) if (r.nTrain !== undefined) f.nTrain = f.nTrain === null ? r.nTrain : Math.min(f.nTrain, r.nTrain)
      for (const r of [ra, rb]) if (!runConvergence(r).converged) f.unconverged = true
    }
    if (f.plcc.length) out.push(f)
  }
  return out
}

function percentileCi(stats: Float64Array): [number, number] {
  const sorted = stats.sort()
  return [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)]
}

/** n_test / n_train averaged over the folds (null when a fold lacks its training count). */
function testTrainRatio(folds: readonly PairedFold[]): number | null {
  if (folds.some((f) => f.nTrain === null || !(f.nTrain > 0))) return null
  return mean(folds.map((f) => f.nTest)) / mean(folds.map((f) => f.nTrain!))
}

export function comparisonResult(a: string, b: string, outcomes: readonly Outcome[]): ComparisonResult {
  const folds = pairedDeltas(
    outcomes.filter((o) => o.arm === a),
    outcomes.filter((o) => o.arm === b),
  )
  const none = { delta_plcc: null, ci95: null, delta_rmse: null, ci95_rmse: null, p: null, p_adjusted: null, corrected_t: null }
  if (folds.length === 0) return { a, b, ...none, per_fold: [], unconverged: false }
  const foldMeans = folds.map((f) => mean(f.plcc))
  const ratio = testTrainRatio(folds)
  const t = ratio === null ? null : correctedResampledT({ deltas: foldMeans, testTrainRatio: ratio })
  return {
    a,
    b,
    delta_plcc: mean(foldMeans),
    ci95: percentileCi(bootstrapStatistics({ deltas: folds.map((f) => f.plcc) })),
    delta_rmse: meanOfFoldMeans(folds.map((f) => f.rmse)),
    ci95_rmse: percentileCi(bootstrapStatistics({ deltas: folds.map((f) => f.rmse) })),
    p: signFlipPValue(foldMeans),
    p_adjusted: null,
    corrected_t: t && { ...t, p_adjusted: t.p, test_train_ratio: ratio! },
    per_fold: folds.map((f, i) => ({ source: f.source, delta_plcc: foldMeans[i], delta_rmse: mean(f.rmse), pairs: f.plcc.length })),
    unconverged: folds.some((f) => f.unconverged),
  }
}
