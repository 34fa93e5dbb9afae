// The plain-language reading of an experiment, computed from its summary: how many folds and
// seeds it rests on, each arm's mean PLCC with its CI and lowest fold, which compared differences
// stand out from seed and fold noise (with a word on multiple comparisons), and, instead of any
// outlier call, a warning when runs did not converge.
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

/** The convergence warning, or null when every run converged. */
export function convergenceWarning(s: ExperimentSummary): string | null {
  const all = Object.values(s.arms).flatMap((a) => a.unconverged)
  if (all.length === 0) return null
  const total = Object.values(s.arms).reduce((n, a) => n + a.folds.reduce((m, f) => m + f.seeds.length, 0), 0)
  return (
    `${all.length} of ${total} runs did not converge (for example fold ${all[0].fold}, seed ${all[0].seed}: ${all[0].reason}); ` +
    'train for more epochs or raise the learning rate. Their folds are not ranked, and no fold is called an outlier from them'
  )
}

function armText(id: string, a: ArmResult): string {
  const ci = a.ci95.plcc ? ` (95% CI ${fmtCorr(a.ci95.plcc[0])}–${fmtCorr(a.ci95.plcc[1])})` : ''
  const head = `(${id}) ${a.label}: mean PLCC ${fmtCorr(a.mean.plcc)} ± ${fmtCorr(a.std.plcc)} across ${plural(a.folds.length, 'fold')}${ci}`
  if (a.folds.length < 2) return head
  if (a.unconverged.length) return `${head}; lowest fold not named (${plural(a.unconverged.length, 'run')} did not converge)`
  const worst = a.folds.find((f) => f.source === a.worst_fold)
  return worst ? `${head}; lowest fold ${worst.source} (${fmtCorr(worst.plcc)})` : head
}

/** distinguishable: the CI excludes 0 and p < α; mixed: only one of them says so. */
export function verdictOf(c: ComparisonResult, alpha = ALPHA): 'distinguishable' | 'mixed' | 'not distinguishable' | 'unknown' {
  if (c.delta_plcc === null || c.ci95 === null || c.p === null) return 'unknown'
  const ciExcludes = c.ci95[0] > 0 || c.ci95[1] < 0
  const small = c.p < alpha
  return ciExcludes && small ? 'distinguishable' : ciExcludes || small ? 'mixed' : 'not distinguishable'
}

function comparisonText(c: ComparisonResult): string {
  const name = `${c.b} − ${c.a}`
  if (c.delta_plcc === null || c.ci95 === null) return `${name}: no fold has both arms yet`
  const nums = `Δ PLCC ${fmtSigned(c.delta_plcc)} (95% CI ${fmtSigned(c.ci95[0])} to ${fmtSigned(c.ci95[1])}, p = ${fmtP(c.p)}, ${plural(c.per_fold.length, 'fold')})`
  const v = verdictOf(c)
  const word =
    v === 'distinguishable'
      ? 'distinguishable from seed and fold noise'
      : v === 'mixed'
        ? `borderline: ${c.ci95[0] > 0 || c.ci95[1] < 0 ? `the CI excludes 0 but p ≥ ${ALPHA}` : `p < ${ALPHA} but the CI includes 0`}`
        : 'not distinguishable from seed and fold noise'
  const floor = smallestSignFlipP(c.per_fold.length)
  const power = floor >= ALPHA ? ` (with ${plural(c.per_fold.length, 'fold')} the sign-flip test cannot go below p = ${fmtP(floor)})` : ''
  const caveat = c.unconverged ? ' — from runs that did not converge, so not a finding' : ''
  return `${name}: ${nums}, ${word}${power}${caveat}`
}

function multipleText(cs: readonly ComparisonResult[]): string | null {
  const tested = cs.filter((c) => c.p !== null)
  if (tested.length < 2) return null
  const bar = ALPHA / tested.length
  const pass = tested.filter((c) => c.p! < bar && !c.unconverged).map((c) => `${c.b} − ${c.a}`)
  const skipped = tested.some((c) => c.unconverged)
  return (
    `With ${tested.length} comparisons, a Bonferroni bar of p < ${fmtP(bar)} is passed by ` +
    (pass.length ? pass.join(', ') : 'none of them') +
    (skipped ? ' (comparisons from runs that did not converge do not count)' : '')
  )
}

export function experimentReading(s: ExperimentSummary): string {
  const arms = Object.entries(s.arms).filter(([, a]) => a.folds.length)
  if (arms.length === 0) return 'No fold has finished yet.'
  const parts = [`${s.experiment}: ${scopeText(s)}.`]
  const warn = convergenceWarning(s)
  if (warn) parts.push(`${warn}.`)
  parts.push(arms.map(([id, a]) => armText(id, a)).join('; ') + '.')
  const comparisons = s.comparisons.map(comparisonText)
  if (comparisons.length) parts.push(comparisons.join('; ') + '.')
  const multiple = multipleText(s.comparisons)
  if (multiple) parts.push(`${multiple}.`)
  return parts.join(' ')
}
