// Pooled metrics: each (arm, seed) over the concatenation of its folds' test rows, scored with the
// metrics that test/metrics checks against scipy (the "small" case split across two folds here).
import { describe, expect, it } from 'vitest'
import { pooledOutcomes } from '../../src/experiment/pooled.ts'
import { readJson } from '../helpers/shared.ts'

const cases = readJson<{ cases: { name: string; pred: number[]; target: number[]; plcc: number; srocc: number; rmse: number }[] }>('fixtures', 'metrics_scipy.json').cases
const f32 = (v: number[]) => Float32Array.from(v)

describe('pooledOutcomes', () => {
  it('scores the concatenated folds per arm and seed, as scipy does on the whole', () => {
    const c = cases.find((x) => x.name === 'ties_in_both')!
    const parts = [
      { arm: 'a', seed: 0, pred: f32(c.pred.slice(0, 3)), truth: f32(c.target.slice(0, 3)) },
      { arm: 'b', seed: 0, pred: f32(c.pred), truth: f32(c.target) },
      { arm: 'a', seed: 0, pred: f32(c.pred.slice(3)), truth: f32(c.target.slice(3)) },
    ]
    const out = pooledOutcomes(parts)
    expect(out.map((o) => [o.arm, o.seed, o.n])).toEqual([
      ['a', 0, c.pred.length],
      ['b', 0, c.pred.length],
    ])
    for (const o of out) {
      expect(o.plcc).toBeCloseTo(c.plcc, 6)
      expect(o.srocc).toBeCloseTo(c.srocc, 6)
      expect(o.rmse).toBeCloseTo(c.rmse, 5)
    }
  })
  it('names the arm and seed whose predictions do not match their rows', () => {
    expect(() => pooledOutcomes([{ arm: 'b', seed: 3, pred: f32([1, 2]), truth: f32([1]) }])).toThrow(/arm b, seed 3: 2 predictions for 1 rows/)
  })
})
