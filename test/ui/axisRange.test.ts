import { describe, expect, it } from 'vitest'
import { paddedRange } from '../../src/ui/chart/axisRange.ts'

describe('paddedRange', () => {
  it('pads a spread of values by the fraction of their span', () => {
    const [lo, hi] = paddedRange(0.9, 0.95, { pad: 0.1, minSpan: 0.001 })
    expect(lo).toBeCloseTo(0.895, 12)
    expect(hi).toBeCloseTo(0.955, 12)
  })

  it('gives one value (a single negative PLCC, as an untrained run has) a span around it', () => {
    const [lo, hi] = paddedRange(-0.6716, -0.6716, { pad: 0.05, minSpan: 0.002, max: 1 })
    expect(hi - lo).toBeCloseTo(0.002 * 1.1, 12)
    expect((lo + hi) / 2).toBeCloseTo(-0.6716, 12)
  })

  it('caps the top at max, never below the values, and keeps a span when the values sit at max', () => {
    expect(paddedRange(0.99, 0.999, { pad: 0.5, minSpan: 0.001, max: 1 })[1]).toBe(1)
    const [lo, hi] = paddedRange(1, 1, { pad: 0.05, minSpan: 0.002, max: 1 })
    expect(hi).toBe(1)
    expect(lo).toBeLessThan(1)
    expect(paddedRange(1.2, 1.3, { pad: 0.1, minSpan: 0.001, max: 1 })[1]).toBe(1.3)
  })

  it('answers a range with a span for values that are not finite', () => {
    const [lo, hi] = paddedRange(Infinity, -Infinity, { pad: 0.05, minSpan: 1 })
    expect(hi).toBeGreaterThan(lo)
  })
})
