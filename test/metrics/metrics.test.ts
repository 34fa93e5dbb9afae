// Metrics against scipy 1.10 (../shared/fixtures/metrics_scipy.json) and against brute force.
import { describe, expect, it } from 'vitest'
import { averageRanks, groupMetrics, krocc, metrics, plcc, rmse, srocc } from '../../src/metrics/index.ts'
import { readJson } from '../helpers/shared.ts'

interface Case {
  name: string
  pred: number[]
  target: number[]
  plcc: number
  srocc: number
  krocc: number
  rmse: number
}
const { cases } = readJson<{ cases: Case[] }>('fixtures', 'metrics_scipy.json')

describe('metrics equal scipy', () => {
  it('has the fixture cases', () => expect(cases.length).toBeGreaterThanOrEqual(6))
  for (const c of cases) {
    it(c.name, () => {
      const m = metrics(c.pred, c.target)
      expect(Math.abs(m.plcc - c.plcc)).toBeLessThan(1e-9)
      expect(Math.abs(m.srocc - c.srocc)).toBeLessThan(1e-9)
      // the O(n log n) tau-b counts pairs exactly, so it meets the tight bound too
      expect(Math.abs(m.krocc - c.krocc)).toBeLessThan(1e-9)
      expect(Math.abs(m.rmse - c.rmse)).toBeLessThan(1e-9 * Math.max(1, c.rmse))
      expect(m.n).toBe(c.pred.length)
    })
  }
})

/** Kendall tau-b by definition, O(n²). */
function tauBrute(x: number[], y: number[]): number {
  let con = 0
  let dis = 0
  let tx = 0
  let ty = 0
  for (let i = 0; i < x.length; i++)
    for (let j = i + 1; j < x.length; j++) {
      const a = Math.sign(x[i] - x[j])
      const b = Math.sign(y[i] - y[j])
      if (a === 0 && b === 0) continue
      if (a === 0) tx++
      else if (b === 0) ty++
      else if (a === b) con++
      else dis++
    }
  return (con - dis) / Math.sqrt((con + dis + tx) * (con + dis + ty))
}

function lcg(seed: number) {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

describe('rank statistics', () => {
  it('average ranks share ties', () => {
    expect(Array.from(averageRanks([3, 1, 3, 2, 3]))).toEqual([4, 1, 4, 2, 4])
  })
  it('tau-b equals the O(n²) definition with heavy ties', () => {
    const r = lcg(7)
    for (const n of [2, 3, 17, 300, 1001]) {
      const x = Array.from({ length: n }, () => Math.floor(r() * 12))
      const y = x.map((v) => Math.floor(v / 2 + r() * 5))
      expect(Math.abs(krocc(x, y) - tauBrute(x, y))).toBeLessThan(1e-12)
    }
  })
  it('non-finite values or too few rows give NaN, lengths must match', () => {
    expect(plcc([1, NaN, 3], [1, 2, 3])).toBeNaN()
    expect(srocc([1], [1])).toBeNaN()
    expect(krocc([1, 1, 1], [1, 2, 3])).toBeNaN()
    expect(plcc([2, 2, 2], [1, 2, 3])).toBeNaN()
    expect(rmse([1, 2], [1, 4])).toBeCloseTo(Math.SQRT2, 14)
    expect(() => plcc([1, 2], [1, 2, 3])).toThrow(/length mismatch/)
  })
})

describe('groupMetrics', () => {
  const r = lcg(3)
  const names = ['A', 'B', 'C', 'empty']
  const n = 600
  const codes = Uint32Array.from({ length: n }, () => Math.floor(r() * 3))
  const target = Float32Array.from({ length: n }, () => r() * 100)
  const pred = Float32Array.from(target, (t, i) => t + (codes[i] + 1) * (r() - 0.5) * 20)
  const g = groupMetrics(pred, target, codes, names)

  it('per source equals the metrics of that source alone', () => {
    expect(Object.keys(g.per_source)).toEqual(['A', 'B', 'C'])
    names.slice(0, 3).forEach((name, code) => {
      const rows = [...codes.keys()].filter((i) => codes[i] === code)
      const m = metrics(rows.map((i) => pred[i]), rows.map((i) => target[i]))
      expect(g.per_source[name]).toEqual(m)
    })
    expect(g.all).toEqual(metrics(pred, target))
  })
  it('mean ± population std across sources', () => {
    const v = Object.values(g.per_source).map((m) => m.plcc)
    const mean = v.reduce((a, b) => a + b) / v.length
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)
    expect(g.mean.plcc).toBeCloseTo(mean, 14)
    expect(g.std.plcc).toBeCloseTo(std, 14)
    expect(g.std.plcc).toBeGreaterThan(0)
  })
  it('rejects codes without a name', () => {
    expect(() => groupMetrics([1, 2], [1, 2], [0, 5], ['A'])).toThrow(/group code 5/)
  })
})

describe('compareModels', () => {
  it('marks the best value per row: highest PLCC/SROCC, lowest RMSE, ties both best', async () => {
    const { compareModels } = await import('../../src/metrics/index.ts')
    const codes = [0, 0, 0, 1, 1, 1]
    const t = [1, 2, 3, 4, 5, 6]
    const good = groupMetrics([1.1, 2, 3, 4, 5, 6.2], t, codes, ['A', 'B'])
    const bad = groupMetrics([3, 2, 1, 4, 5, 6], t, codes, ['A', 'B'])
    const rows = compareModels([good, bad])
    expect(rows.map((r) => r.group)).toEqual(['A', 'B', 'all rows'])
    expect(rows[0].cells.map((c) => c.plcc.best)).toEqual([true, false])
    expect(rows[0].cells.map((c) => c.rmse.best)).toEqual([true, false])
    expect(rows[1].cells.map((c) => c.srocc.best)).toEqual([true, true]) // both rank B perfectly
    expect(rows[1].cells.map((c) => c.rmse.best)).toEqual([false, true])
    expect(compareModels([good])[0].cells[0].plcc.best).toBe(false) // nothing to beat
  })
  it('leaves pooled groups out of the mean ± std', () => {
    const g = groupMetrics([1, 2, 3, 1, 2, 4, 5, 1, 9], [1, 2, 3, 1, 2, 3, 1, 5, 2], [0, 0, 0, 1, 1, 1, 2, 2, 2], ['A', 'B', 'pool'], {
      notInSummary: new Set(['pool']),
    })
    expect(Object.keys(g.per_source)).toEqual(['A', 'B', 'pool'])
    expect(g.mean.plcc).toBeCloseTo((g.per_source.A.plcc + g.per_source.B.plcc) / 2, 14)
  })
})
