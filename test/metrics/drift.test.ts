// The drift rule on hand-computed columns (mean in σ, share beyond 3σ, the two limits, a subset of
// rows) and on the demo corpus against a scaler fitted on it: nothing warns, until one feature is
// shifted by 2σ, and then exactly that one does.
import { beforeAll, describe, expect, it } from 'vitest'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { driftLine, featureDrift } from '../../src/metrics/drift.ts'
import { fitScaler, type Scaler } from '../../src/model/scaler.ts'
import { demoTable } from '../cli/demo.ts'

const unit = (F: number): Scaler => ({ mean: new Array(F).fill(0), std: new Array(F).fill(1) })

describe('featureDrift', () => {
  it('mean in σ of the scaler and the share of rows beyond 3σ, per feature', () => {
    // a: mean 2.5, sd 2 → (2.5 - 0.5) / 2 = 1; rows beyond 0.5 ± 6: 10 → 1 of 4
    // b: mean 0.1 → 0.1σ; |x| > 3: 3.5 and -3.5 → 2 of 4
    const d = featureDrift({ columns: [[0, 0, 0, 10], [3.5, -3.5, 0, 0.4]], names: ['a', 'b'], scaler: { mean: [0.5, 0], std: [2, 1] } })
    expect(d.features).toEqual([
      { name: 'a', mean_sigma: 1, beyond_3sigma: 0.25 },
      { name: 'b', mean_sigma: 0.1, beyond_3sigma: 0.5 },
    ])
    // a: exactly 1σ does not warn (the rule is "> 1σ"), 25% beyond 3σ does
    expect(d.warnings).toEqual(['a: 25.0% of rows beyond 3σ', 'b: 50.0% of rows beyond 3σ'])
  })

  it('a mean shift alone warns, with its sign; exactly 3σ away is not beyond', () => {
    const d = featureDrift({ columns: [[-1.5, -1.5, -1.5, -1.5], [3, -3, 0, 0]], names: ['low', 'edge'], scaler: unit(2) })
    expect(d.features.map((f) => f.beyond_3sigma)).toEqual([0, 0])
    expect(d.warnings).toEqual(["low: mean -1.50σ from the model's training mean"])
    expect(driftLine(d)).toBe("the data drifts from the model's training data (mean > 1σ off or > 5.0% of rows beyond 3σ): low: mean -1.50σ from the model's training mean")
    expect(driftLine({ features: d.features, warnings: [] })).toBe(null)
  })

  it('measures only the given rows', () => {
    const d = featureDrift({ columns: [[9, 0, 1, 9]], names: ['x'], scaler: unit(1), rows: Uint32Array.of(1, 2) })
    expect(d.features).toEqual([{ name: 'x', mean_sigma: 0.5, beyond_3sigma: 0 }])
  })

  it('refuses mismatched lengths, no rows and a std that is not positive', () => {
    expect(() => featureDrift({ columns: [[1]], names: ['a', 'b'], scaler: unit(1) })).toThrow('drift: 1 columns, 2 names, a scaler of 1 means and 1 stds')
    expect(() => featureDrift({ columns: [[]], names: ['a'], scaler: unit(1) })).toThrow('drift: no rows to measure')
    expect(() => featureDrift({ columns: [[1]], names: ['a'], scaler: { mean: [0], std: [0] } })).toThrow("drift: the scaler's std of a is 0, not a positive number")
  })
})

describe('the demo corpus against a scaler fitted on it', () => {
  let table: FeatureTable
  let scaler: Scaler
  beforeAll(async () => {
    table = await demoTable()
    scaler = fitScaler(CANONICAL_FEATURES.map((f) => table.feature(f)), Uint32Array.from({ length: table.rows }, (_, i) => i))
  })
  const columns = (): ArrayLike<number>[] => CANONICAL_FEATURES.map((f) => table.feature(f))

  it('warns about nothing', () => {
    const d = featureDrift({ columns: columns(), names: CANONICAL_FEATURES, scaler })
    expect(d.warnings).toEqual([])
    for (const f of d.features) expect(Math.abs(f.mean_sigma)).toBeLessThan(1e-6)
  })

  it('shifted by 2σ in vif_scale1, warns about vif_scale1 alone', () => {
    const j = CANONICAL_FEATURES.indexOf('vif_scale1')
    const cols = columns()
    cols[j] = Float64Array.from(cols[j], (v) => v + 2 * scaler.std[j])
    const d = featureDrift({ columns: cols, names: CANONICAL_FEATURES, scaler })
    expect(d.features[j].mean_sigma).toBeCloseTo(2, 6)
    expect(d.warnings).toHaveLength(1)
    expect(d.warnings[0]).toMatch(/^vif_scale1: mean \+2\.00σ from the model's training mean/)
  })
})
