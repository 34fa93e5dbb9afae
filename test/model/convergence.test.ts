// The loss-curve convergence rule on real curves (lossCurves.json: CPU trainer runs on the demo
// corpus, see its `about`) and on small synthetic ones, at the target's own scale and scaled by 1/100.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { convergenceOf, tailRate, tailWindow, TAIL_RATE_TOLERANCE } from '../../src/model/convergence.ts'

const curves: Record<'raw30_nflx' | 'std90_nflx' | 'linear', number[]> = JSON.parse(readFileSync(new URL('./lossCurves.json', import.meta.url), 'utf8'))
/** the loss of a target scaled by 1/100: MSE scales by 1e-4 */
const scaled = (l: readonly number[]) => l.map((v) => v * 1e-4)

describe('convergenceOf on real curves', () => {
  it.each([
    ['std90_nflx', true],
    ['raw30_nflx', true],
    ['linear', false],
  ] as const)('%s: converged %s, the same with the target scaled by 1/100', (arm, want) => {
    const c = convergenceOf({ trainLoss: curves[arm] })
    expect(c.converged).toBe(want)
    expect(convergenceOf({ trainLoss: scaled(curves[arm]) }).converged).toBe(want)
    expect(tailRate(scaled(curves[arm]))).toBeCloseTo(tailRate(curves[arm])!, 10)
  })
  it('flags the 2-epoch run of the converged recipe, at either scale', () => {
    for (const loss of [curves.std90_nflx.slice(0, 2), scaled(curves.std90_nflx.slice(0, 2))]) {
      const c = convergenceOf({ trainLoss: loss })
      expect(c.converged).toBe(false)
      expect(c.reason).toMatch(/barely moved|still falling/)
      expect(c.hint).toMatch(/more epochs/)
    }
  })
  it('names the linear arm as barely moved, with first and last', () => {
    expect(convergenceOf({ trainLoss: curves.linear }).reason).toBe('the training loss barely moved (5032 → 4413 over 30 epochs)')
  })
  it('the flattened curve sits far below the tolerance and a 10-epoch prefix of it does not', () => {
    expect(tailRate(curves.std90_nflx)!).toBeLessThan(TAIL_RATE_TOLERANCE / 10)
    const early = curves.std90_nflx.slice(0, 10)
    const c = convergenceOf({ trainLoss: early })
    expect(c.converged).toBe(false)
    expect(c.reason).toMatch(/^the training loss was still falling over its last 2 epochs at \d+% of its average rate \(2911 → 1544, 10 epochs in all\)$/)
  })
})

describe('convergenceOf: the rule', () => {
  it('windows are a tenth of the epochs, at least 2, at most all but the first', () => {
    expect([2, 3, 10, 30, 31, 90].map(tailWindow)).toEqual([1, 2, 2, 3, 4, 9])
  })
  it('a straight-line decline has tail rate 1 and is not converged', () => {
    const line = Array.from({ length: 20 }, (_, i) => 100 - 4 * i)
    expect(tailRate(line)).toBeCloseTo(1, 12)
    expect(convergenceOf({ trainLoss: line }).converged).toBe(false)
  })
  it('a single epoch, no epoch, a non-finite loss or non-finite predictions are not converged', () => {
    expect(convergenceOf({ trainLoss: [900] }).reason).toMatch(/one epoch/)
    expect(convergenceOf({ trainLoss: [] }).converged).toBe(false)
    expect(convergenceOf({ trainLoss: [10, NaN, 1] }).reason).toBe('the training loss is not finite (epoch 2)')
    expect(convergenceOf({ trainLoss: curves.std90_nflx, predictionsFinite: false }).reason).toBe('its predictions are not finite')
  })
  it('a loss that rose is not converged', () => {
    expect(convergenceOf({ trainLoss: [1, 2, 3, 4] }).converged).toBe(false)
  })
})
