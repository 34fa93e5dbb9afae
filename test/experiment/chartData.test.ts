// The charts' data from a summary: forest rows carry the comparisons' numbers, the dot plot has
// every seed and mean at distinct, ordered positions, the dose points are sorted by fraction.
import { describe, expect, it } from 'vitest'
import { dosePoints, foldDots, forestRows } from '../../src/experiment/chartData.ts'
import { summarizeExperiment, type Outcome } from '../../src/experiment/summary.ts'
import { fixture } from './statsFixture.ts'

const { folds, seeds, plcc } = fixture.arms
const LOSS = [900, 100, 20]

function outcomes(arms: string[]): Outcome[] {
  return arms.flatMap((arm, k) =>
    folds.flatMap((fold, f) =>
      seeds.map((seed, s) => ({ arm, fold, seed, plcc: plcc['abc'[k % 3]][f][s], srocc: 0.99, rmse: 4, n: 100, trainLoss: LOSS })),
    ),
  )
}

const summary = summarizeExperiment({
  experiment: 'foxbird',
  arms: ['a', 'b', 'c'].map((id) => ({ id, label: id })),
  outcomes: outcomes(['a', 'b', 'c']).filter((o) => !(o.arm === 'c' && o.fold === folds[8])),
  pooled: [],
  comparisons: [
    { a: 'a', b: 'b' },
    { a: 'a', b: 'c' },
  ],
})

describe('forestRows', () => {
  it('is one row per comparison with its Δ, CI, p and verdict', () => {
    const rows = forestRows(summary)
    expect(rows.map((r) => r.label)).toEqual(['b − a', 'c − a'])
    rows.forEach((r, i) => {
      const c = summary.comparisons[i]
      expect([r.delta, r.lo, r.hi, r.p]).toEqual([c.delta_plcc, c.ci95![0], c.ci95![1], c.p])
      expect(r.lo).toBeLessThan(r.hi)
    })
    expect(rows[0].verdict).toBe('distinguishable')
    expect(rows[1].verdict).toBe('not distinguishable')
  })
})

describe('foldDots', () => {
  const d = foldDots(summary, ['a', 'b', 'c'])
  it('places every seed and every mean once, at ascending x within its fold slot', () => {
    expect(d.folds).toEqual(folds)
    expect([...d.x].sort((p, q) => p - q)).toEqual(d.x)
    for (const id of ['a', 'b', 'c']) {
      const seedsShown = d.seeds[id].filter((v) => v !== null)
      const meansShown = d.means[id].filter((v) => v !== null)
      const nFolds = id === 'c' ? 8 : 9
      expect(seedsShown).toHaveLength(nFolds * seeds.length)
      expect(meansShown).toHaveLength(nFolds)
      expect(meansShown).toEqual(summary.arms[id].folds.map((f) => f.plcc))
    }
    d.x.forEach((x, i) => {
      const shown = ['a', 'b', 'c'].flatMap((id) => [d.seeds[id][i], d.means[id][i]]).some((v) => v !== null)
      expect(shown).toBe(true)
      expect(Math.abs(x - Math.round(x))).toBeLessThan(0.5)
    })
  })
  it('keeps the arms apart: a left of b left of c in every fold', () => {
    const meanX = (id: string) => d.x.filter((_, i) => d.means[id][i] !== null)
    const [a, b, c] = ['a', 'b', 'c'].map(meanX)
    for (let f = 0; f < 8; f++) {
      expect(a[f]).toBeLessThan(b[f])
      expect(b[f]).toBeLessThan(c[f])
      expect(Math.abs(a[f] - f)).toBeLessThan(0.5)
    }
  })
})

describe('dosePoints', () => {
  it('sorts by fraction and spans mean ± population std across folds', () => {
    const s = summarizeExperiment({
      experiment: 'dose',
      arms: ['konvid_0', 'konvid_50', 'konvid_100'].map((id) => ({ id, label: id })),
      outcomes: outcomes(['konvid_0', 'konvid_50', 'konvid_100']),
      pooled: [],
      comparisons: [],
    })
    const pts = dosePoints(s, { konvid_100: 1, konvid_0: 0, konvid_50: 0.5, konvid_10: 0.1 })
    expect(pts.map((p) => [p.arm, p.percent])).toEqual([
      ['konvid_0', 0],
      ['konvid_50', 50],
      ['konvid_100', 100],
    ])
    for (const p of pts) {
      const a = s.arms[p.arm]
      expect(p.mean).toBe(a.mean.plcc)
      expect(p.hi - p.mean).toBeCloseTo(a.std.plcc!, 15)
      expect(p.mean - p.lo).toBeCloseTo(a.std.plcc!, 15)
      expect(p.folds).toEqual(a.folds.map((f) => f.plcc))
      expect(p.lowest).toBe(a.folds.find((f) => f.source === a.worst_fold)!.plcc)
    }
  })
})
