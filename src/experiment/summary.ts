// An experiment's outcomes → the numbers a reviewer reads, in the CLI's JSON shape (`study --json`):
// per arm the per-fold means over seeds, the metrics pooled over all test rows, the mean and
// population std across folds and a 95% t-interval of the mean PLCC; per compared pair the paired
// Δ PLCC with a hierarchical bootstrap CI and an exact sign-flip p; and the computed reading.
// Convergence of every run is judged by src/model/convergence.ts on its training curve, so the
// reading never presents an unconverged run as a finding. The RMSE it is given is the training
// RMSE (√ of the last epoch's training MSE), not the held-out one: a held-out fold that generalises
// badly (the outlier a LOSO study is looking for) is a finding, not a run that failed to train.
import { convergenceOf } from '../model/convergence.ts'
import { experimentReading } from './reading.ts'
import { mean, meanOfFoldMeans, pairedBootstrapCi, populationStd, signFlipPValue, tInterval } from './statistics.ts'

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
  /** every seed's run converged (src/model/convergence.ts) */
  converged: boolean
}

export interface Unconverged {
  fold: string
  seed: number
  reason: string
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
  /** 95% t-interval of the mean PLCC over folds (t with folds − 1 df, sample std); null below 2 folds */
  ci95: { plcc: [number, number] | null }
  /** fold with the lowest mean PLCC (null before any fold) */
  worst_fold: string | null
  /** runs that did not converge, with the reason */
  unconverged: Unconverged[]
}

export interface ComparisonResult {
  a: string
  b: string
  /** mean over paired folds of the per-fold mean over seeds of PLCC(b) − PLCC(a); null without pairs */
  delta_plcc: number | null
  /** 95% percentile bootstrap CI (folds resampled, seeds within folds; BOOTSTRAP_SEED) */
  ci95: [number, number] | null
  /** two-sided exact sign-flip test on the per-fold mean Δ */
  p: number | null
  /** folds with at least one (fold, seed) pair in both arms, with their mean Δ */
  per_fold: { source: string; delta_plcc: number; pairs: number }[]
  /** some paired run did not converge */
  unconverged: boolean
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
  'Fold values are means over seeds; mean and std are across folds (std: population, ddof 0); the CI of an arm is a 95% ' +
  't-interval of the mean PLCC over folds (sample std, folds − 1 df). Δ PLCC is paired over (fold, seed); its 95% CI is a ' +
  'percentile bootstrap (10,000 resamples of folds, then seeds within each fold; fixed seed) and p is an exact two-sided ' +
  'sign-flip permutation test on the per-fold mean Δ (all 2^folds sign patterns).'

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null)
const SCORE_KEYS = ['plcc', 'srocc', 'rmse'] as const

function scoresOf(rows: readonly { plcc: number | null; srocc: number | null; rmse: number | null }[], pick: (v: number[]) => number): Scores {
  const out = {} as Scores
  for (const k of SCORE_KEYS) out[k] = rows.length ? finite(pick(rows.map((r) => r[k] ?? NaN))) : null
  return out
}

/** Outcomes grouped by fold, folds in order of first arrival, seeds ascending within a fold. */
function byFold<T extends { fold: string; seed: number }>(outcomes: readonly T[]): Map<string, T[]> {
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

/** The run's convergence: its loss curve and its training RMSE. */
export function runConvergence(o: Pick<Outcome, 'trainLoss'>) {
  const last = [...o.trainLoss].reverse().find((l) => Number.isFinite(l))
  return convergenceOf({ trainLoss: o.trainLoss, ...(last === undefined ? {} : { rmse: Math.sqrt(last) }) })
}

function foldResult(source: string, runs: readonly Outcome[], unconverged: ReadonlySet<Outcome>): FoldResult {
  return {
    source,
    ...scoresOf(runs, mean),
    n: runs[0].n,
    plcc_seeds: runs.map((r) => r.plcc),
    seeds: runs.map((r) => r.seed),
    converged: runs.every((r) => !unconverged.has(r)),
  }
}

function armResult(label: string, outcomes: readonly Outcome[], pooled: readonly PooledOutcome[]): ArmResult {
  const unconverged: Unconverged[] = []
  const failed = new Set<Outcome>()
  for (const o of outcomes) {
    const c = runConvergence(o)
    if (!c.converged) {
      unconverged.push({ fold: o.fold, seed: o.seed, reason: c.reason })
      failed.add(o)
    }
  }
  const folds = [...byFold(outcomes)].map(([source, runs]) => foldResult(source, runs, failed))
  const foldPlcc = folds.map((f) => f.plcc ?? NaN)
  let worst: FoldResult | null = null
  for (const f of folds) if (f.plcc !== null && (worst === null || f.plcc < worst.plcc!)) worst = f
  const ci = tInterval(foldPlcc)
  return {
    label,
    folds,
    all: pooled.length ? { ...scoresOf(pooled, mean), n: pooled[0].n } : null,
    mean: scoresOf(folds, mean),
    std: scoresOf(folds, populationStd),
    ci95: { plcc: ci && ci.every(Number.isFinite) ? ci : null },
    worst_fold: worst?.source ?? null,
    unconverged,
  }
}

/** Per fold shared by both arms: the paired Δ PLCC of every seed present in both. */
export function pairedDeltas(a: readonly Outcome[], b: readonly Outcome[]): { source: string; deltas: number[]; unconverged: boolean }[] {
  const foldsB = byFold(b)
  const out: { source: string; deltas: number[]; unconverged: boolean }[] = []
  for (const [source, runsA] of byFold(a)) {
    const runsB = foldsB.get(source)
    if (!runsB) continue
    const deltas: number[] = []
    let unconverged = false
    for (const ra of runsA) {
      const rb = runsB.find((r) => r.seed === ra.seed)
      if (!rb || !Number.isFinite(ra.plcc) || !Number.isFinite(rb.plcc)) continue
      deltas.push(rb.plcc - ra.plcc)
      for (const r of [ra, rb]) if (!runConvergence(r).converged) unconverged = true
    }
    if (deltas.length) out.push({ source, deltas, unconverged })
  }
  return out
}

function comparisonResult(a: string, b: string, outcomes: readonly Outcome[]): ComparisonResult {
  const folds = pairedDeltas(
    outcomes.filter((o) => o.arm === a),
    outcomes.filter((o) => o.arm === b),
  )
  if (folds.length === 0) return { a, b, delta_plcc: null, ci95: null, p: null, per_fold: [], unconverged: false }
  const deltas = folds.map((f) => f.deltas)
  return {
    a,
    b,
    delta_plcc: meanOfFoldMeans(deltas),
    ci95: pairedBootstrapCi({ deltas }),
    p: signFlipPValue(deltas.map(mean)),
    per_fold: folds.map((f) => ({ source: f.source, delta_plcc: mean(f.deltas), pairs: f.deltas.length })),
    unconverged: folds.some((f) => f.unconverged),
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
  const comparisons = input.comparisons.map((c) => comparisonResult(c.a, c.b, input.outcomes))
  const summary: ExperimentSummary = { experiment: input.experiment, arms, comparisons, reading: '', methods: METHODS }
  summary.reading = experimentReading(summary)
  return summary
}
