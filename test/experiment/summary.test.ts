// summarizeExperiment on the scipy fixture's synthetic 3-arm, 9-fold, 5-seed experiment: every
// number of the CLI's JSON contract against scipy / numpy, and the reading's refusals.
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
        out.push({ arm, fold, seed, plcc: v, srocc: v - 0.002, rmse: 3 + 50 * (1 - v), n: 1200 + f, trainLoss: loss })
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
  it.each(['a', 'b', 'c'])('arm %s: fold means over seeds, population std, t-interval as scipy', (arm) => {
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
  it('pairs only (fold, seed)s present in both arms', () => {
    const partial = input({ outcomes: outcomes().filter((o) => !(o.arm === 'b' && (o.fold === folds[0] || o.seed === 4))) })
    const c = summarizeExperiment(partial).comparisons[0]
    expect(c.per_fold.map((f) => f.source)).toEqual(folds.slice(1))
    expect(c.per_fold.every((f) => f.pairs === 4)).toBe(true)
  })
  it('gives nulls, not numbers, for arms without common folds', () => {
    const c = summarizeExperiment(input({ outcomes: outcomes(['a']) })).comparisons[0]
    expect(c).toMatchObject({ delta_plcc: null, ci95: null, p: null, per_fold: [] })
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
    expect(r).toMatch(/b − a: Δ PLCC \+0\.0091 \(95% CI \+0\.0028 to \+0\.0204, p = 0\.00391, 9 folds\), distinguishable from seed and fold noise/)
    expect(r).toMatch(/c − a: .*p = 0\.37.*not distinguishable/)
    expect(r).toContain('With 2 comparisons, a Bonferroni bar of p < 0.0250 is passed by b − a')
    expect(r).not.toMatch(/did not converge/)
  })
  it('refuses to rank folds or call an outlier from runs that did not converge', () => {
    const twoFolds = new Set(folds.slice(0, 2))
    const under = outcomes(['a', 'b'], FLAT_LOSS).filter((o) => twoFolds.has(o.fold) && o.seed === 0)
    const s = summarizeExperiment(input({ outcomes: under, arms: input().arms.slice(0, 2), comparisons: [{ a: 'a', b: 'b' }] }))
    expect(s.arms.a.unconverged).toHaveLength(2)
    expect(s.arms.a.folds.every((f) => !f.converged)).toBe(true)
    expect(s.comparisons[0].unconverged).toBe(true)
    expect(s.reading).toMatch(/^foxbird: 2 arms over 2 folds × 1 seed \(4 runs\)\./)
    expect(s.reading).toContain('4 of 4 runs did not converge')
    expect(s.reading).toContain('the training loss barely moved (4012 → 3990 over 2 epochs)')
    expect(s.reading).toContain('no fold is called an outlier')
    expect(s.reading).not.toMatch(/lowest fold [A-Z]/)
    expect(s.reading).toContain('with 2 folds the sign-flip test cannot go below p = 0.50')
    expect(s.reading).toContain('not a finding')
    expect(s.reading).not.toContain('With 1 comparisons')
  })
  it('flags a training RMSE above 10 VMAF points even when the loss fell', () => {
    const bad = outcomes(['a']).map((o) => (o.fold === folds[3] ? { ...o, trainLoss: [900, 400, 150] } : o))
    const s = summarizeExperiment(input({ outcomes: bad, comparisons: [] }))
    expect(s.arms.a.unconverged.map((u) => u.fold)).toEqual(seeds.map(() => folds[3]))
    expect(s.reading).toContain('RMSE 12.2 is above 10 VMAF points')
    expect(s.reading).toContain('lowest fold not named')
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
