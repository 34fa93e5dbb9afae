// An experiment's outcomes → the numbers a reviewer reads, in the CLI's JSON shape (`study --json`):
// per arm the per-fold means over seeds, the metrics pooled over all test rows, the mean and
// population std across folds and 95% intervals of PLCC on Fisher's z; per compared pair the paired
// Δ PLCC with a hierarchical bootstrap CI (on Δz, mapped back), Δ RMSE, an exact sign-flip p and
// the corrected resampled t, both Holm-adjusted over the design's comparisons; and the reading.
// Convergence of every run is judged by src/model/convergence.ts on its training-loss curve alone:
// a held-out fold that generalises badly (the outlier a LOSO study is looking for) is a finding,
// not a run that failed to train.
import { MIN_WINDOW, MOVED_RATIO, TAIL_RATE_TOLERANCE } from '../model/convergence.ts'
import { ALPHA, experimentReading } from './reading.ts'
import { comparisonResult, type ComparisonResult } from './comparison.ts'
import { byFold, runConvergence, type Outcome, type PooledOutcome } from './outcomes.ts'
import { fisherTInterval, fisherZ, holmAdjust, mean, populationStd } from './statistics.ts'

export type { ComparisonResult } from './comparison.ts'
export { runConvergence, type Outcome, type PooledOutcome } from './outcomes.ts'

export interface SummaryInput {
  experiment: string
  arms: readonly { id: string; label: string }[]
  outcomes: readonly Outcome[]
  pooled: readonly PooledOutcome[]
  /** pairs to compare: Δ = b − a */
  comparisons: readonly { a: string; b: string }[]
}

export interface Scores {
  plcc: number | null
  srocc: number | null
  rmse: number | null
}

export interface FoldResult extends Scores {
  source: string
  n: number
  /** PLCC per seed, in `seeds` order */
  plcc_seeds: number[]
  seeds: number[]
  /** 95% interval of the fold's mean PLCC over seeds, on Fisher's z; null below 2 seeds */
  ci95: { plcc: [number, number] | null }
  /** every seed's run converged (src/model/convergence.ts) */
  converged: boolean
}

export interface Unconverged {
  fold: string
  seed: number
  reason: string
  hint: string
}

export interface ArmResult {
  label: string
  /** folds in the order their first outcome arrived */
  folds: FoldResult[]
  /** pooled metrics averaged over seeds; null until a pooled outcome exists */
  all: (Scores & { n: number }) | null
  /** mean across folds of the per-fold means */
  mean: Scores
  /** population std (ddof 0) across folds of the per-fold means */
  std: Scores
  /** 95% interval of the mean PLCC over folds: t-interval of atanh(fold PLCC) (folds − 1 df), mapped back with tanh; null below 2 folds */
  ci95: { plcc: [number, number] | null }
  /** tanh of the mean atanh(fold PLCC): the centre of ci95.plcc (it can differ from mean.plcc when a fold is far below the others) */
  fisher_mean_plcc: number | null
  /** how many of the arm's runs converged */
  convergence: { converged: number; runs: number; epochs: number | null }
  /** fold with the lowest mean PLCC (null before any fold) */
  worst_fold: string | null
  /** runs that did not converge, with the reason */
  unconverged: Unconverged[]
}

export interface ExperimentSummary {
  experiment: string
  arms: Record<string, ArmResult>
  comparisons: ComparisonResult[]
  reading: string
  /** how the numbers were computed, in words (for reports) */
  methods: string
}

export const METHODS =
  "Fold values are means over seeds; mean and std are across folds (std: population, ddof 0). Every CI of a PLCC is on Fisher's z: " +
  'the 95% t-interval of the mean of atanh(PLCC) (over folds for an arm, over seeds for a fold; sample std), mapped back with tanh, ' +
  'so it stays inside [−1, 1]. Δ PLCC and Δ RMSE are paired over (fold, seed); their 95% CIs are percentile bootstraps ' +
  '(10,000 resamples of folds, then seeds within each fold; fixed seed) of the mean Δ. A Δ PLCC is a difference, not a correlation, ' +
  "and the percentile bootstrap needs no normal approximation: every resampled value is a mean of observed paired differences, so the " +
  "CI's ends lie between the smallest and the largest per-fold mean Δ; unlike a t-interval it cannot reach past what was observed. " +
  'p is an exact two-sided sign-flip permutation test on the per-fold mean Δ PLCC (all 2^folds sign patterns); beside it, the ' +
  'Nadeau–Bengio corrected resampled t-test (variance × (1/folds + n_test/n_train), n_train the smaller arm\'s, folds − 1 df). ' +
  'LOSO folds share most of their training rows, so their Δs are not independent: the sign-flip test, which treats them as ' +
  'exchangeable, overstates significance, and the corrected t is the conservative one. Both p are Holm-adjusted over the ' +
  `design's comparisons (p_adjusted); a Δ is called distinguishable when its CI excludes 0 and both adjusted p are below ${ALPHA}. ` +
  `A run converged when its training loss fell to at most ${MOVED_RATIO} × its first epoch's and, over the last tenth of its epochs ` +
  `(at least ${MIN_WINDOW}), fell at no more than ${TAIL_RATE_TOLERANCE} × its average rate over the run (src/model/convergence.ts).`

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null)
const finiteCi = (ci: [number, number] | null): [number, number] | null => (ci && ci.every(Number.isFinite) ? ci : null)
const SCORE_KEYS = ['plcc', 'srocc', 'rmse'] as const

function scoresOf(rows: readonly { plcc: number | null; srocc: number | null; rmse: number | null }[], pick: (v: number[]) => number): Scores {
  const out = {} as Scores
  for (const k of SCORE_KEYS) out[k] = rows.length ? finite(pick(rows.map((r) => r[k] ?? NaN))) : null
  return out
}

function foldResult(source: string, runs: readonly Outcome[], unconverged: ReadonlySet<Outcome>): FoldResult {
  return {
    source,
    ...scoresOf(runs, mean),
    n: runs[0].n,
    plcc_seeds: runs.map((r) => r.plcc),
    seeds: runs.map((r) => r.seed),
    ci95: { plcc: finiteCi(fisherTInterval(runs.map((r) => r.plcc))) },
    converged: runs.every((r) => !unconverged.has(r)),
  }
}

function armResult(label: string, outcomes: readonly Outcome[], pooled: readonly PooledOutcome[]): ArmResult {
  const unconverged: Unconverged[] = []
  const failed = new Set<Outcome>()
  for (const o of outcomes) {
    const c = runConvergence(o)
    if (!c.converged) {
      unconverged.push({ fold: o.fold, seed: o.seed, reason: c.reason, hint: c.hint })
      failed.add(o)
    }
  }
  const folds = [...byFold(outcomes)].map(([source, runs]) => foldResult(source, runs, failed))
  const foldPlcc = folds.map((f) => f.plcc ?? NaN)
  let worst: FoldResult | null = null
  for (const f of folds) if (f.plcc !== null && (worst === null || f.plcc < worst.plcc!)) worst = f
  const epochs = [...new Set(outcomes.map((o) => o.trainLoss.length))]
  return {
    label,
    folds,
    all: pooled.length ? { ...scoresOf(pooled, mean), n: pooled[0].n } : null,
    mean: scoresOf(folds, mean),
    std: scoresOf(folds, populationStd),
    ci95: { plcc: finiteCi(fisherTInterval(foldPlcc)) },
    fisher_mean_plcc: folds.length ? finite(Math.tanh(mean(foldPlcc.map(fisherZ)))) : null,
    worst_fold: worst?.source ?? null,
    unconverged,
    convergence: { converged: outcomes.length - failed.size, runs: outcomes.length, epochs: epochs.length === 1 ? epochs[0] : null },
  }
}

/** The experiment's statistics from the outcomes that exist so far (any subset is fine). */
export function summarizeExperiment(input: SummaryInput): ExperimentSummary {
  const known = new Set(input.arms.map((a) => a.id))
  for (const o of input.outcomes) if (!known.has(o.arm)) throw new RangeError(`outcome for unknown arm "${o.arm}"`)
  for (const c of input.comparisons)
    for (const id of [c.a, c.b]) if (!known.has(id)) throw new RangeError(`comparison names unknown arm "${id}"`)
  const arms: Record<string, ArmResult> = {}
  for (const { id, label } of input.arms)
    arms[id] = armResult(
      label,
      input.outcomes.filter((o) => o.arm === id),
      input.pooled.filter((p) => p.arm === id),
    )
  const comparisons = withHolm(input.comparisons.map((c) => comparisonResult(c.a, c.b, input.outcomes)))
  const summary: ExperimentSummary = { experiment: input.experiment, arms, comparisons, reading: '', methods: METHODS }
  summary.reading = experimentReading(summary)
  return summary
}

/** Each comparison's p and corrected-t p, Holm-adjusted over all of the design's comparisons. */
function withHolm(cs: ComparisonResult[]): ComparisonResult[] {
  const p = holmAdjust(cs.map((c) => c.p))
  const t = holmAdjust(cs.map((c) => c.corrected_t?.p ?? null))
  return cs.map((c, i) => ({ ...c, p_adjusted: p[i], corrected_t: c.corrected_t && { ...c.corrected_t, p_adjusted: t[i]! } }))
}
