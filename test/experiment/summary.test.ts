// summarizeExperiment on the scipy fixture's synthetic 3-arm, 9-fold, 5-seed experiment: every
// number of the CLI's JSON contract against scipy / numpy / statsmodels, and the reading's refusals.
import { describe, expect, it } from 'vitest'
import { summarizeExperiment, type Outcome, type PooledOutcome, type SummaryInput } from '../../src/experiment/summary.ts'
import { fixture } from './statsFixture.ts'

const { folds, seeds, plcc, summary: scipyArms, p: scipyP } = fixture.arms
const CONVERGED_LOSS = [900, 120, 40, 12]
const FLAT_LOSS = [4012, 3990]
const LABELS: Record<string, string> = { a: 'nflx only', b: 'nflx + konvid', c: 'nflx only, steps-matched' }

function outcomes(arms = ['a', 'b', 'c'], loss = CONVERGED_LOSS): Outcome[] {
  const out: Outcome[] = []
  for (const arm of arms)
    folds.forEach((fold, f) =>
      seeds.forEach((seed, s) => {
        const v = plcc[arm][f][s]
        out.push({ arm, fold, seed, plcc: v, srocc: v - 0.002, rmse: 3 + 50 * (1 - v), n: 1200 + f, nTrain: 9600, trainLoss: loss })
      }),
    )
  return out
}

const pooled = (arm: string): PooledOutcome[] =>
  seeds.map((seed) => ({ arm, seed, plcc: 0.99 - 0.001 * seed, srocc: 0.98, rmse: 4 + seed, n: 10_836 }))

function input(over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    experiment: 'foxbird',
    arms: ['a', 'b', 'c'].map((id) => ({ id, label: LABELS[id] })),
    outcomes: outcomes(),
    pooled: ['a', 'b', 'c'].flatMap(pooled),
    comparisons: [
      { a: 'a', b: 'b' },
      { a: 'a', b: 'c' },
    ],
    ...over,
  }
}

describe('summarizeExperiment: per arm', () => {
  const s = summarizeExperiment(input())
  it.each(['a', 'b', 'c'])("arm %s: fold means over seeds, population std, Fisher's z interval as scipy / numpy", (arm) => {
    const a = s.arms[arm]
    const want = scipyArms[arm]
    expect(a.label).toBe(LABELS[arm])
    expect(a.folds.map((f) => f.source)).toEqual(folds)
    a.folds.forEach((f, i) => {
      expect(f.plcc).toBeCloseTo(want.fold_means[i], 14)
      expect(f.plcc_seeds).toEqual(plcc[arm][i])
      expect(f.seeds).toEqual(seeds)
      expect(f.n).toBe(1200 + i)
      expect(f.srocc).toBeCloseTo(want.fold_means[i] - 0.002, 14)
      expect(f.converged).toBe(true)
    })
    expect(a.mean.plcc).toBeCloseTo(want.mean, 14)
    expect(a.std.plcc).toBeCloseTo(want.std, 14)
    expect(a.ci95.plcc![0]).toBeCloseTo(want.ci95[0], 11)
    expect(a.ci95.plcc![1]).toBeCloseTo(want.ci95[1], 11)
    expect(a.worst_fold).toBe(folds[want.fold_means.indexOf(Math.min(...want.fold_means))])
    expect(a.unconverged).toEqual([])
    expect(a.convergence).toEqual({ converged: 45, runs: 45, epochs: CONVERGED_LOSS.length })
    // the interval's centre, said in the reading beside the arithmetic mean
    expect(a.fisher_mean_plcc).toBeCloseTo(Math.tanh(want.fold_means.map(Math.atanh).reduce((x, y) => x + y, 0) / want.fold_means.length), 14)
    expect(a.fisher_mean_plcc!).toBeGreaterThan(a.ci95.plcc![0])
    expect(a.fisher_mean_plcc!).toBeLessThan(a.ci95.plcc![1])
    expect(s.reading).toContain(`(${arm}) ${LABELS[arm]}: mean PLCC ${a.mean.plcc!.toFixed(4)} ± ${a.std.plcc!.toFixed(4)} across 9 folds (Fisher-z mean ${a.fisher_mean_plcc!.toFixed(4)}, 95% CI ${a.ci95.plcc![0].toFixed(4)}–${a.ci95.plcc![1].toFixed(4)})`)
  })
  it('averages the pooled metrics over seeds', () => {
    const all = s.arms.a.all!
    expect(all.plcc).toBeCloseTo(0.988, 15)
    expect(all.srocc).toBeCloseTo(0.98, 15)
    expect(all.rmse).toBe(6)
    expect(all.n).toBe(10_836)
  })
})

describe('summarizeExperiment: comparisons', () => {
  const s = summarizeExperiment(input())
  it.each([
    ['b_minus_a', 0],
    ['c_minus_a', 1],
  ] as const)('%s: Δ, bootstrap CI and sign-flip p as numpy / scipy', (name, k) => {
    const c = s.comparisons[k]
    const boot = fixture.bootstrap.find((b) => b.name === name)!
    expect(boot.seed).toBe(0)
    const perFold = boot.deltas.map((d) => d.reduce((x, y) => x + y, 0) / d.length)
    expect(c.delta_plcc).toBeCloseTo(perFold.reduce((x, y) => x + y, 0) / perFold.length, 14)
    expect(c.ci95![0]).toBeCloseTo(boot.ci95[0], 13)
    expect(c.ci95![1]).toBeCloseTo(boot.ci95[1], 13)
    expect(c.p).toBe(scipyP[name])
    expect(c.per_fold.map((f) => f.pairs)).toEqual(folds.map(() => 5))
  })
  it.each([
    ['b_minus_a', 0],
    ['c_minus_a', 1],
  ] as const)('%s: Holm-adjusted p as statsmodels, corrected t as scipy.stats.t, Δ RMSE', (name, k) => {
    const c = s.comparisons[k]
    expect(c.p_adjusted).toBeCloseTo(fixture.arms.p_adjusted[name], 14)
    expect(c.p_adjusted!).toBeGreaterThanOrEqual(c.p!)
    const t = fixture.arms.corrected_t[name]
    expect(c.corrected_t!.test_train_ratio).toBeCloseTo(fixture.arms.test_train_ratio, 15)
    expect(c.corrected_t!.t).toBeCloseTo(t.t, 12)
    expect(c.corrected_t!.p).toBeCloseTo(t.p, 12)
    expect(c.corrected_t!.p_adjusted).toBeCloseTo(fixture.arms.corrected_t_adjusted[name], 12)
    // the outcomes' RMSE is 3 + 50 (1 − PLCC), so Δ RMSE = −50 Δ PLCC
    expect(c.delta_rmse).toBeCloseTo(-50 * c.delta_plcc!, 10)
    expect(c.ci95_rmse![0]).toBeLessThanOrEqual(c.delta_rmse!)
    expect(c.ci95_rmse![1]).toBeGreaterThanOrEqual(c.delta_rmse!)
  })
  it('pairs only (fold, seed)s present in both arms', () => {
    const partial = input({ outcomes: outcomes().filter((o) => !(o.arm === 'b' && (o.fold === folds[0] || o.seed === 4))) })
    const c = summarizeExperiment(partial).comparisons[0]
    expect(c.per_fold.map((f) => f.source)).toEqual(folds.slice(1))
    expect(c.per_fold.every((f) => f.pairs === 4)).toBe(true)
  })
  it('gives nulls, not numbers, for arms without common folds', () => {
    const c = summarizeExperiment(input({ outcomes: outcomes(['a']) })).comparisons[0]
    expect(c).toMatchObject({ delta_plcc: null, ci95: null, p: null, p_adjusted: null, corrected_t: null, delta_rmse: null, per_fold: [] })
  })
  it('rejects unknown arms by name', () => {
    expect(() => summarizeExperiment(input({ comparisons: [{ a: 'a', b: 'z' }] }))).toThrow(/"z"/)
  })
})

describe('the reading', () => {
  it('counts folds and seeds, names lowest folds, and says which Δs stand out', () => {
    const r = summarizeExperiment(input()).reading
    expect(r).toMatch(/^foxbird: 3 arms over 9 folds × 5 seeds \(135 runs\)\./)
    expect(r).toContain(`lowest fold ${folds[3]}`)
    expect(r).toMatch(/b − a: Δ PLCC \+0\.0091 \(95% CI \+0\.0028 to \+0\.0204\), Δ RMSE -0\.45, Holm-adjusted p = 0\.00781 \(sign-flip\) and 0\.59 \(corrected t\), 9 folds; borderline/)
    expect(r).toMatch(/c − a: .*p = 0\.37 \(sign-flip\).*not distinguishable/)
    expect(r).toContain('p-values are Holm-adjusted over the 2 comparisons')
    expect(r).toContain('LOSO folds share most of their training rows')
    expect(r).not.toMatch(/Bonferroni|did not converge/)
  })
  it('refuses to rank folds or call an outlier from runs that did not converge', () => {
    const twoFolds = new Set(folds.slice(0, 2))
    const under = outcomes(['a', 'b'], FLAT_LOSS).filter((o) => twoFolds.has(o.fold) && o.seed === 0)
    const s = summarizeExperiment(input({ outcomes: under, arms: input().arms.slice(0, 2), comparisons: [{ a: 'a', b: 'b' }] }))
    expect(s.arms.a.unconverged).toHaveLength(2)
    expect(s.arms.a.folds.every((f) => !f.converged)).toBe(true)
    expect(s.comparisons[0].unconverged).toBe(true)
    expect(s.reading).toMatch(/^foxbird: 2 arms over 2 folds × 1 seed \(4 runs\)\./)
    expect(s.arms.a.convergence).toEqual({ converged: 0, runs: 2, epochs: 2 })
    expect(s.reading).toContain('Arm a did not converge in 2 epochs (none of its 2 runs converged; e.g. fold S0, seed 0: the training loss barely moved (4012 → 3990 over 2 epochs))')
    expect(s.reading).toContain('no fold is called an outlier')
    expect(s.reading).not.toMatch(/lowest fold [A-Z]/)
    expect(s.reading).toContain('with 2 folds the sign-flip test cannot go below p = 0.50')
    expect(s.reading).toContain('a did not converge in 2 epochs and b did not converge in 2 epochs, so b − a measures the recipe as much as the data')
    expect(s.reading).not.toContain('Holm-adjusted over the 1')
  })
  it('counts per arm how many runs converged, and still names the converged arms\' lowest fold', () => {
    const still = outcomes(['a', 'b']).map((o) => (o.arm === 'a' && o.fold === folds[3] ? { ...o, trainLoss: [900, 700, 500, 300] } : o))
    const s = summarizeExperiment(input({ outcomes: still, arms: input().arms.slice(0, 2), comparisons: [{ a: 'a', b: 'b' }] }))
    expect(s.arms.a.unconverged.map((u) => u.fold)).toEqual(seeds.map(() => folds[3]))
    expect(s.arms.a.convergence).toEqual({ converged: 40, runs: 45, epochs: 4 })
    expect(s.arms.a.unconverged[0].reason).toMatch(/^the training loss was still falling over its last 2 epochs at 100% of its average rate/)
    expect(s.reading).toContain('Arm a did not converge in 4 epochs (5 of 45 runs did not converge')
    expect(s.reading).toContain('40 of 45 runs converged; lowest fold not named')
    expect(s.reading).toContain(`(b) nflx + konvid: mean PLCC`)
    expect(s.reading).toMatch(/b − a: .*a did not converge in 4 epochs, so b − a measures the recipe as much as the data/)
  })
  it('a non-finite held-out score is a run that did not converge', () => {
    const nan = outcomes(['a']).map((o) => (o.fold === folds[0] && o.seed === 0 ? { ...o, rmse: NaN } : o))
    expect(summarizeExperiment(input({ outcomes: nan, comparisons: [] })).arms.a.unconverged).toEqual([{ fold: folds[0], seed: 0, reason: 'its predictions are not finite', hint: 'train for more epochs or raise the learning rate' }])
  })
  it('every CI of a PLCC lies inside [−1, 1], also where a plain t-interval would leave it', () => {
    const s = summarizeExperiment(input())
    for (const a of Object.values(s.arms)) {
      for (const ci of [a.ci95.plcc, ...a.folds.map((f) => f.ci95.plcc)]) {
        expect(ci![0]).toBeGreaterThanOrEqual(-1)
        expect(ci![1]).toBeLessThanOrEqual(1)
      }
    }
  })
  it('names a badly generalising fold: a held-out RMSE above 10 from a run that trained is a finding', () => {
    const outlier = outcomes(['a']).map((o) => (o.fold === folds[3] ? { ...o, rmse: 14 } : o))
    const s = summarizeExperiment(input({ outcomes: outlier, comparisons: [] }))
    expect(s.arms.a.unconverged).toEqual([])
    expect(s.reading).toContain(`lowest fold ${folds[3]}`)
  })
  it('says when nothing has finished', () => {
    expect(summarizeExperiment(input({ outcomes: [], pooled: [] })).reading).toBe('No fold has finished yet.')
  })
})
