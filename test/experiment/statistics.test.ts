// The experiment statistics against scipy / numpy: stats_scipy.json is written by
// scripts/stats_fixtures.py (run it with /usr/bin/python3 to regenerate).
import { describe, expect, it } from 'vitest'
import {
  bootstrapStatistics,
  correctedResampledT,
  fisherTInterval,
  holmAdjust,
  meanOfFoldMeans,
  pairedBootstrapCi,
  populationStd,
  signFlipPValue,
  smallestSignFlipP,
  studentTQuantile,
  tInterval,
} from '../../src/experiment/statistics.ts'
import { TorchGenerator } from '../../src/base/prng.ts'
import { fixture } from './statsFixture.ts'

const diff = (x: readonly number[], y: readonly number[]) => x.map((v, i) => v - y[i])

describe('the index stream', () => {
  it("is numpy's RandomState(0) mt19937 raw output", () => {
    const gen = new TorchGenerator(0)
    expect(fixture.raw_draws_seed0.map(() => gen.random())).toEqual(fixture.raw_draws_seed0)
  })
})

describe('Student t', () => {
  // scipy 1.10's t.ppf is good to ~1e-8 relative; the 40-digit mpmath root is the tight check
  it.each(fixture.t_quantiles)('quantile p=$p df=$df equals the exact root and scipy.stats.t.ppf', ({ p, df, q, q_exact }) => {
    const got = studentTQuantile(p, df)
    expect(Math.abs(got - q_exact) / q_exact).toBeLessThan(1e-13)
    expect(Math.abs(got - q) / q).toBeLessThan(2e-8)
    expect(studentTQuantile(1 - p, df)).toBe(-got)
  })
  it.each(fixture.t_intervals)('95% interval of $values.length values equals scipy.stats.t.interval', ({ values, ci95 }) => {
    const ci = tInterval(values)!
    expect(ci[0]).toBeCloseTo(ci95[0], 11)
    expect(ci[1]).toBeCloseTo(ci95[1], 11)
  })
  it('has no interval below two values', () => {
    expect(tInterval([0.99])).toBeNull()
    expect(tInterval([])).toBeNull()
  })
})

describe('exact sign-flip test', () => {
  it.each(fixture.sign_flip)('$name: p equals scipy.stats.permutation_test', ({ x, y, p }) => {
    expect(signFlipPValue(diff(x, y))).toBe(p)
  })
  it('gives p = 1 for one fold, and 2/2^F for all-positive folds', () => {
    expect(signFlipPValue([0.01])).toBe(1)
    expect(signFlipPValue(Array(9).fill(0.01))).toBe(smallestSignFlipP(9))
    expect(smallestSignFlipP(9)).toBe(2 / 512)
  })
  it('refuses more folds than it can enumerate', () => {
    expect(() => signFlipPValue(Array(21).fill(0.01))).toThrow(/21 folds/)
  })
})

describe('hierarchical paired bootstrap', () => {
  it.each(fixture.bootstrap)('$name: resamples and CI equal the numpy replay', ({ deltas, seed, ci95, first_statistics, mean_statistic }) => {
    const statistics = bootstrapStatistics({ deltas, seed, resamples: fixture.resamples })
    for (const [i, v] of first_statistics.entries()) expect(statistics[i]).toBeCloseTo(v, 14)
    expect(statistics.reduce((a, v) => a + v, 0) / statistics.length).toBeCloseTo(mean_statistic, 13)
    const ci = pairedBootstrapCi({ deltas, seed, resamples: fixture.resamples })
    expect(ci[0]).toBeCloseTo(ci95[0], 13)
    expect(ci[1]).toBeCloseTo(ci95[1], 13)
    expect(ci[0]).toBeLessThanOrEqual(meanOfFoldMeans(deltas))
    expect(ci[1]).toBeGreaterThanOrEqual(meanOfFoldMeans(deltas))
  })
  it('is reproducible and depends on its seed', () => {
    const { deltas } = fixture.bootstrap[0]
    expect(pairedBootstrapCi({ deltas })).toEqual(pairedBootstrapCi({ deltas }))
    expect(pairedBootstrapCi({ deltas, seed: 1 })).not.toEqual(pairedBootstrapCi({ deltas, seed: 0 }))
  })
  it('names a fold without seeds', () => {
    expect(() => pairedBootstrapCi({ deltas: [[0.1], []] })).toThrow(/fold 1/)
  })
})

describe('population std', () => {
  it('is ddof 0, as numpy.std', () => {
    for (const s of Object.values(fixture.arms.summary)) expect(populationStd(s.fold_means)).toBeCloseTo(s.std, 15)
  })
})

describe("Fisher's z interval of a mean correlation", () => {
  it.each(fixture.fisher_intervals)('$values.length values: equals numpy tanh of the scipy t-interval of arctanh', ({ values, ci95 }) => {
    const ci = fisherTInterval(values)!
    // scipy's t.ppf is good to ~1e-8 relative, which 1 df (t ≈ 12.7) carries into the ends
    const digits = values.length === 2 ? 7 : 11
    expect(ci[0]).toBeCloseTo(ci95[0], digits)
    expect(ci[1]).toBeCloseTo(ci95[1], digits)
    expect(ci[0]).toBeGreaterThanOrEqual(-1)
    expect(ci[1]).toBeLessThanOrEqual(1)
  })
  it('stays inside [−1, 1] where the plain t-interval of the same values does not', () => {
    const values = fixture.fisher_intervals.at(-1)!.values
    expect(tInterval(values)![1]).toBeGreaterThan(1)
    expect(fisherTInterval(values)![1]).toBeLessThan(1)
  })
})

describe('Nadeau–Bengio corrected resampled t-test', () => {
  it.each(fixture.corrected_t)('$deltas.length folds, ratio $ratio: t and p equal scipy.stats.t', ({ deltas, ratio, t, df, p }) => {
    const got = correctedResampledT({ deltas, testTrainRatio: ratio })!
    expect(got.t).toBeCloseTo(t, 12)
    expect(got.df).toBe(df)
    expect(got.p).toBeCloseTo(p, 12)
    expect(got.p).toBeGreaterThan(correctedResampledT({ deltas, testTrainRatio: 0 })!.p)
  })
  it('has no test below two folds or without spread', () => {
    expect(correctedResampledT({ deltas: [0.01], testTrainRatio: 0.1 })).toBeNull()
    expect(correctedResampledT({ deltas: [0.01, 0.01], testTrainRatio: 0.1 })).toBeNull()
  })
})

describe('Holm adjustment', () => {
  it.each(fixture.holm)('$p: equals statsmodels multipletests(holm), and p_adjusted ≥ p', ({ p, p_adjusted }) => {
    const got = holmAdjust(p)
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(p_adjusted[i], 14)
      expect(v!).toBeGreaterThanOrEqual(p[i])
    })
  })
  it('keeps nulls where no test was made', () => {
    expect(holmAdjust([0.01, null, 0.02])).toEqual([0.02, null, 0.02])
  })
})
