// The plain-language reading of an experiment, computed from its summary: how many folds and
// seeds it rests on, which arms did not converge (stated as a result, with what it means for the
// comparisons that involve them), each arm's mean PLCC with its CI and lowest fold, and which
// compared differences stand out from seed and fold noise, judged on Holm-adjusted p-values and
// with the caveat that LOSO folds share their training rows.
import { fmtCorr, fmtP, fmtSigned } from './format.ts'
import { smallestSignFlipP } from './statistics.ts'
import type { ArmResult, ComparisonResult, ExperimentSummary } from './summary.ts'

export const ALPHA = 0.05

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** "3 arms over 9 folds × 5 seeds (135 runs)", counted from what finished. */
export function scopeText(s: ExperimentSummary): string {
  const arms = Object.values(s.arms).filter((a) => a.folds.length)
  const folds = new Set(arms.flatMap((a) => a.folds.map((f) => f.source)))
  const seedCounts = arms.flatMap((a) => a.folds.map((f) => f.seeds.length))
  const runs = seedCounts.reduce((x, y) => x + y, 0)
  const lo = Math.min(...seedCounts)
  const hi = Math.max(...seedCounts)
  const seeds = lo === hi ? plural(lo, 'seed') : `${lo}–${hi} seeds`
  return `${plural(arms.length, 'arm')} over ${plural(folds.size, 'fold')} × ${seeds} (${plural(runs, 'run')})`
}

const inEpochs = (a: ArmResult) => (a.convergence.epochs === null ? '' : ` in ${plural(a.convergence.epochs, 'epoch')}`)

/** "arm raw30_nflx did not converge in 30 epochs (27 of 27 runs; e.g. fold X, seed 0: …)" per arm with unconverged runs. */
export function convergenceText(id: string, a: ArmResult): string | null {
  if (a.unconverged.length === 0) return null
  const u = a.unconverged[0]
  const k = a.unconverged.length
  const n = a.convergence.runs
  const which = k === n ? `none of its ${plural(n, 'run')} converged` : `${k} of ${n} runs did not converge`
  return `arm ${id} did not converge${inEpochs(a)} (${which}; e.g. fold ${u.fold}, seed ${u.seed}: ${u.reason})`
}

/** The convergence result, or null when every run converged. */
export function convergenceWarning(s: ExperimentSummary): string | null {
  const lines = Object.entries(s.arms).flatMap(([id, a]) => convergenceText(id, a) ?? [])
  if (lines.length === 0) return null
  return `${lines.join('; ')}. ${lines.length === 1 ? 'Its' : 'Their'} folds are not ranked and no fold is called an outlier from them; to go further, ${s.arms[Object.keys(s.arms).find((id) => s.arms[id].unconverged.length)!].unconverged[0].hint}`
}

function armText(id: string, a: ArmResult): string {
  const ci = a.ci95.plcc ? ` (Fisher-z mean ${fmtCorr(a.fisher_mean_plcc)}, 95% CI ${fmtCorr(a.ci95.plcc[0])}–${fmtCorr(a.ci95.plcc[1])})` : ''
  const conv = a.unconverged.length ? `, ${a.convergence.converged} of ${a.convergence.runs} runs converged` : ''
  const head = `(${id}) ${a.label}: mean PLCC ${fmtCorr(a.mean.plcc)} ± ${fmtCorr(a.std.plcc)} across ${plural(a.folds.length, 'fold')}${ci}${conv}`
  if (a.folds.length < 2) return head
  if (a.unconverged.length) return `${head}; lowest fold not named`
  const worst = a.folds.find((f) => f.source === a.worst_fold)
  return worst ? `${head}; lowest fold ${worst.source} (${fmtCorr(worst.plcc)})` : head
}

/** The p-values a verdict reads: the Holm-adjusted ones when the summary has them. */
function judgedPs(c: ComparisonResult): number[] {
  const ps = [c.p_adjusted ?? c.p]
  if (c.corrected_t) ps.push(c.corrected_t.p_adjusted)
  return ps.filter((p): p is number => p !== null)
}

/** distinguishable: the CI excludes 0 and every adjusted p < α; mixed: only some of them say so. */
export function verdictOf(c: ComparisonResult, alpha = ALPHA): 'distinguishable' | 'mixed' | 'not distinguishable' | 'unknown' {
  if (c.delta_plcc === null || c.ci95 === null || c.p === null) return 'unknown'
  const votes = [c.ci95[0] > 0 || c.ci95[1] < 0, ...judgedPs(c).map((p) => p < alpha)]
  return votes.every(Boolean) ? 'distinguishable' : votes.some(Boolean) ? 'mixed' : 'not distinguishable'
}

function pText(c: ComparisonResult): string {
  const adjusted = c.p_adjusted !== null
  const flip = `${adjusted ? 'Holm-adjusted ' : ''}p = ${fmtP(c.p_adjusted ?? c.p)} (sign-flip)`
  return c.corrected_t ? `${flip} and ${fmtP(c.corrected_t.p_adjusted)} (corrected t)` : flip
}

function comparisonText(c: ComparisonResult, s: ExperimentSummary): string {
  const name = `${c.b} − ${c.a}`
  if (c.delta_plcc === null || c.ci95 === null) return `${name}: no fold has both arms yet`
  const rmse = c.delta_rmse === null ? '' : `, Δ RMSE ${fmtSigned(c.delta_rmse, 2)}`
  const nums = `Δ PLCC ${fmtSigned(c.delta_plcc)} (95% CI ${fmtSigned(c.ci95[0])} to ${fmtSigned(c.ci95[1])})${rmse}, ${pText(c)}, ${plural(c.per_fold.length, 'fold')}`
  const v = verdictOf(c)
  const word =
    v === 'distinguishable'
      ? 'distinguishable from seed and fold noise'
      : v === 'mixed'
        ? `borderline: ${c.ci95[0] > 0 || c.ci95[1] < 0 ? 'the CI excludes 0 but not every adjusted p is below' : 'the CI includes 0 although an adjusted p is below'} ${ALPHA}`
        : 'not distinguishable from seed and fold noise'
  const floor = smallestSignFlipP(c.per_fold.length)
  const power = floor >= ALPHA ? ` (with ${plural(c.per_fold.length, 'fold')} the sign-flip test cannot go below p = ${fmtP(floor)})` : ''
  const failed = [c.a, c.b].filter((id) => s.arms[id]?.unconverged.length)
  const caveat = failed.length
    ? ` — ${failed.map((id) => `${id} did not converge${inEpochs(s.arms[id])}`).join(' and ')}, so ${name} measures the recipe as much as the data`
    : c.unconverged
      ? ' — from runs that did not converge, so not a finding'
      : ''
  return `${name}: ${nums}; ${word}${power}${caveat}`
}

const OVERLAP =
  'LOSO folds share most of their training rows, so their Δs are not independent: the sign-flip test treats them as if they were ' +
  'and overstates significance; the corrected t allows for the overlap'

export function experimentReading(s: ExperimentSummary): string {
  const arms = Object.entries(s.arms).filter(([, a]) => a.folds.length)
  if (arms.length === 0) return 'No fold has finished yet.'
  const parts = [`${s.experiment}: ${scopeText(s)}.`]
  const warn = convergenceWarning(s)
  if (warn) parts.push(`${warn[0].toUpperCase()}${warn.slice(1)}.`)
  parts.push(arms.map(([id, a]) => armText(id, a)).join('; ') + '.')
  const comparisons = s.comparisons.map((c) => comparisonText(c, s))
  if (comparisons.length) parts.push(comparisons.join('; ') + '.')
  const tested = s.comparisons.filter((c) => c.p !== null)
  if (tested.length > 1) parts.push(`p-values are Holm-adjusted over the ${tested.length} comparisons.`)
  if (s.comparisons.some((c) => c.corrected_t)) parts.push(`${OVERLAP}.`)
  return parts.join(' ')
}
