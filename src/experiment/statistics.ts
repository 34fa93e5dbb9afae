// The experiment's statistics on plain numbers: mean and population std, the t-interval of a mean,
// the hierarchical paired bootstrap (folds, then seeds within folds) and the exact sign-flip
// permutation test. Each one is checked against scipy / numpy by test/experiment/statistics.test.ts
// on the fixture that scripts/stats_fixtures.py writes.
import { TorchGenerator } from '../base/prng.ts'

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN
  let s = 0
  for (const v of values) s += v
  return s / values.length
}

/** Population std (ddof 0): the spread the tables show. */
export function populationStd(values: readonly number[]): number {
  return Math.sqrt(sumSquares(values) / values.length)
}

/** Sample std (ddof 1): what a t-interval uses. NaN below two values. */
export function sampleStd(values: readonly number[]): number {
  return values.length < 2 ? NaN : Math.sqrt(sumSquares(values) / (values.length - 1))
}

function sumSquares(values: readonly number[]): number {
  const m = mean(values)
  let s = 0
  for (const v of values) s += (v - m) * (v - m)
  return s
}

// ---------------------------------------------------------------------------------------------
// Student's t distribution: CDF through the regularized incomplete beta function, quantile by
// bisection on the CDF (monotone, so it cannot miss), refined to the last bit of a double.

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  x -= 1
  let a = c[0]
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += c[i] / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-16) break
  }
  return h
}

/** I_x(a, b), the regularized incomplete beta function. */
export function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t))
  return t >= 0 ? 1 - tail : tail
}

/** The p-quantile of Student's t with `df` degrees of freedom (0 < p < 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${p}`)
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`)
  if (p === 0.5) return 0
  if (p < 0.5) return -studentTQuantile(1 - p, df)
  let lo = 0
  let hi = 1
  while (studentTCdf(hi, df) < p) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi)
    if (studentTCdf(mid, df) < p) lo = mid
    else hi = mid
  }
  return 0.5 * (lo + hi)
}

/**
 * The two-sided `level` t-interval of the mean of `values`: mean ± t(1 − α/2, n − 1) · s / √n with
 * the sample std s (ddof 1), as scipy.stats.t.interval(level, n − 1, mean, sem) gives. Null below
 * two values (no spread to estimate).
 */
export function tInterval(values: readonly number[], level = 0.95): [number, number] | null {
  const n = values.length
  if (n < 2) return null
  const m = mean(values)
  const half = studentTQuantile(0.5 + level / 2, n - 1) * (sampleStd(values) / Math.sqrt(n))
  return [m - half, m + half]
}

// ---------------------------------------------------------------------------------------------
// Paired Δ: the bootstrap CI and the sign-flip test.

/** numpy.quantile's default ('linear') on an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1)
  const i = Math.floor(pos)
  const frac = pos - i
  return i + 1 < sorted.length ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i]
}

export const BOOTSTRAP_RESAMPLES = 10_000
export const BOOTSTRAP_SEED = 0

export interface BootstrapOptions {
  /** deltas[f][s]: the paired Δ of fold f, seed s (folds may have different seed counts, ≥ 1) */
  deltas: readonly (readonly number[])[]
  resamples?: number
  seed?: number
  level?: number
}

/**
 * The statistic the bootstrap resamples: the mean over folds of each fold's mean over seeds.
 * With every seed of every fold present once, this is the point estimate of the mean Δ.
 */
export function meanOfFoldMeans(deltas: readonly (readonly number[])[]): number {
  return mean(deltas.map(mean))
}

/**
 * The resampled statistics of the hierarchical bootstrap, in draw order. The index stream is
 * documented so that another implementation can replay it: a TorchGenerator (mt19937 seeded like
 * torch.manual_seed / numpy's RandomState(seed)) gives 32-bit draws r; each resample draws F folds
 * f = r mod F, and for each drawn fold its S_f seeds s = r mod S_f, in that order.
 */
export function bootstrapStatistics(opts: BootstrapOptions): Float64Array {
  const { deltas } = opts
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES
  const F = deltas.length
  if (F === 0) throw new RangeError('bootstrap needs at least one fold')
  for (const [i, d] of deltas.entries()) if (d.length === 0) throw new RangeError(`fold ${i} has no paired seeds`)
  const gen = new TorchGenerator(opts.seed ?? BOOTSTRAP_SEED)
  const out = new Float64Array(resamples)
  for (let b = 0; b < resamples; b++) {
    let total = 0
    for (let i = 0; i < F; i++) {
      const fold = deltas[gen.random() % F]
      const S = fold.length
      let sum = 0
      for (let j = 0; j < S; j++) sum += fold[gen.random() % S]
      total += sum / S
    }
    out[b] = total / F
  }
  return out
}

/** The percentile bootstrap CI of the mean Δ (folds resampled, seeds resampled within folds). */
export function pairedBootstrapCi(opts: BootstrapOptions): [number, number] {
  const level = opts.level ?? 0.95
  const stats = bootstrapStatistics(opts).sort()
  return [quantileSorted(stats, (1 - level) / 2), quantileSorted(stats, (1 + level) / 2)]
}

/** The most folds the exact test enumerates (2^20 sign patterns). */
export const MAX_EXACT_FOLDS = 20

/**
 * Two-sided p-value of the exact sign-flip permutation test on per-fold mean Δs: the share of
 * the 2^F sign patterns (the observed one included) whose mean is at least as far from 0 as the
 * observed mean. Means count as ties within max(1e-14, 1e-14·|observed|), scipy.stats.permutation_test's
 * tolerance.
 */
export function signFlipPValue(foldDeltas: readonly number[]): number {
  const F = foldDeltas.length
  if (F === 0) throw new RangeError('the sign-flip test needs at least one fold')
  if (F > MAX_EXACT_FOLDS) throw new RangeError(`the exact sign-flip test enumerates 2^F patterns; ${F} folds is more than ${MAX_EXACT_FOLDS}`)
  const observed = Math.abs(mean(foldDeltas))
  const bar = observed - Math.max(1e-14, 1e-14 * observed)
  let extreme = 0
  const patterns = 2 ** F
  for (let mask = 0; mask < patterns; mask++) {
    let s = 0
    for (let i = 0; i < F; i++) s += mask & (1 << i) ? -foldDeltas[i] : foldDeltas[i]
    if (Math.abs(s / F) >= bar) extreme++
  }
  return extreme / patterns
}

/** The smallest p-value the exact test can give with F folds (the observed pattern and its mirror). */
export function smallestSignFlipP(folds: number): number {
  return Math.min(1, 2 / 2 ** folds)
}

// ---------------------------------------------------------------------------------------------
// Correlations on Fisher's z, the corrected resampled t-test, Holm's adjustment.

/** Fisher's z of a correlation, clamped just inside ±1 so that a perfect fold stays finite. */
export function fisherZ(r: number): number {
  const c = Math.max(-1 + 1e-15, Math.min(1 - 1e-15, r))
  return Math.atanh(c)
}

/**
 * The `level` interval of a mean correlation: the t-interval of the mean of z = atanh(r), mapped
 * back with tanh, so it stays inside [−1, 1]. Null below two values.
 */
export function fisherTInterval(correlations: readonly number[], level = 0.95): [number, number] | null {
  const ci = tInterval(correlations.map(fisherZ), level)
  return ci && [Math.tanh(ci[0]), Math.tanh(ci[1])]
}

export interface CorrectedTInput {
  /** the per-fold Δ */
  deltas: readonly number[]
  /** test rows over training rows of a fold (n_test / n_train) */
  testTrainRatio: number
}

/**
 * Nadeau and Bengio's corrected resampled t-test: t = mean / √((1/J + n_test/n_train) · s²) with
 * J folds and the sample variance s² (ddof 1), two-sided on J − 1 df. The n_test/n_train term
 * inflates the variance for the training rows the folds share. Null below two folds or without spread.
 */
export function correctedResampledT(opts: CorrectedTInput): { t: number; df: number; p: number } | null {
  const J = opts.deltas.length
  if (J < 2) return null
  const s = sampleStd(opts.deltas)
  if (!(s > 0)) return null
  const t = mean(opts.deltas) / Math.sqrt((1 / J + opts.testTrainRatio) * s * s)
  return { t, df: J - 1, p: 2 * studentTCdf(-Math.abs(t), J - 1) }
}

/** Holm's step-down adjusted p-values, in the order given (nulls stay null), as statsmodels' multipletests(method='holm'). */
export function holmAdjust(ps: readonly (number | null)[]): (number | null)[] {
  const idx = ps.flatMap((p, i) => (p === null ? [] : [i])).sort((i, j) => ps[i]! - ps[j]! || i - j)
  const m = idx.length
  const out: (number | null)[] = ps.map(() => null)
  let running = 0
  idx.forEach((i, k) => {
    running = Math.max(running, Math.min(1, (m - k) * ps[i]!))
    out[i] = running
  })
  return out
}
