// runtimeAgreement and outputScale on hand-computed vectors and a two-layer model whose last-layer
// terms cancel; a NaN never agrees; mismatched lengths are refused.
import { describe, expect, it } from 'vitest'
import { outputScale, runtimeAgreement } from '../../src/metrics/agreement.ts'

describe('runtimeAgreement', () => {
  it('max and mean |a - b|, relative to max(1, |b|) by default', () => {
    const d = runtimeAgreement([80, 0.5, 10], [80.5, 0.25, 10])
    expect(d.maxAbs).toBe(0.5)
    // rows: 0.5/80.5, 0.25/1 (|b| < 1 → 1), 0
    expect(d.maxRel).toBe(0.25)
    expect(d.meanAbs).toBeCloseTo(0.75 / 3, 15)
  })

  it('relative to a given per-row scale', () => {
    const d = runtimeAgreement([1, 2], [1.5, 2], { scale: [100, 1] })
    expect(d).toEqual({ maxAbs: 0.5, maxRel: 0.005, meanAbs: 0.25 })
  })

  it('NaN anywhere gives NaN; no rows give zeros; lengths must match', () => {
    expect(runtimeAgreement([1, NaN], [1, 2])).toEqual({ maxAbs: NaN, maxRel: NaN, meanAbs: NaN })
    expect(runtimeAgreement([1, 2], [Infinity, 2]).maxAbs).toBe(Infinity)
    expect(runtimeAgreement([], [])).toEqual({ maxAbs: 0, maxRel: 0, meanAbs: 0 })
    expect(() => runtimeAgreement([1], [1, 2])).toThrow('1 vs 2 predictions')
    expect(() => runtimeAgreement([1], [1], { scale: [1, 1] })).toThrow('2 scales for 1 predictions')
  })
})

describe('outputScale', () => {
  // 2 → 2 → 1: hidden h = relu(W1·z + b1), output W2·h + b2, z = (x - mean) / std
  const params = {
    widths: [2, 2, 1],
    layers: [
      { W: Float32Array.of(1, 0, 0, 1), b: Float32Array.of(0, 0) },
      { W: Float32Array.of(90, -90), b: Float32Array.of(0.5) },
    ],
  }
  it('is Σ|w·h| + |b| of the last layer, at least 1, after the scaler', () => {
    const x = Float32Array.of(3, 1, -1, -1, 0.001, 0)
    const s = outputScale({ params, scaler: { mean: [1, -1], std: [2, 1] } }, x, 3)
    // z = (1, 2) → 90 + 180 + 0.5; z = (-1, 0) → relu 0 → 0.5 → 1; z = (-0.4995, 1) → 90 + 0.5
    expect(Array.from(s)).toEqual([270.5, 1, 90.5])
    const raw = outputScale({ params, scaler: null }, x, 1)
    expect(raw[0]).toBe(270 + 90 + 0.5)
  })

  it('refuses too few values', () => {
    expect(() => outputScale({ params, scaler: null }, new Float32Array(3), 2)).toThrow('x has 3 values, fewer than 2 rows × 2 features')
  })
})
