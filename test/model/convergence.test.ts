import { describe, expect, it } from 'vitest'
import { convergenceOf } from '../../src/model/convergence.ts'

describe('convergenceOf', () => {
  it('passes a run whose loss fell and whose RMSE is small', () => {
    expect(convergenceOf({ trainLoss: [2400, 60, 12, 8], rmse: 3.1 })).toEqual({ converged: true, reason: '', hint: '' })
  })
  it('flags a flat loss, naming first and last', () => {
    const c = convergenceOf({ trainLoss: [4100, 3990], rmse: 4 })
    expect(c.converged).toBe(false)
    expect(c.reason).toContain('4100 → 3990 over 2 epochs')
    expect(c.hint).toMatch(/more epochs/)
  })
  it('flags an RMSE above 10 VMAF points even when the loss fell', () => {
    const c = convergenceOf({ trainLoss: [5000, 1900], rmse: 43.9 })
    expect(c.converged).toBe(false)
    expect(c.reason).toBe('RMSE 43.9 is above 10 VMAF points')
  })
  it('does not judge the loss of a single epoch', () => {
    expect(convergenceOf({ trainLoss: [900] }).converged).toBe(true)
  })
  it('flags non-finite predictions', () => {
    expect(convergenceOf({ trainLoss: [10, 1], rmse: NaN }).converged).toBe(false)
  })
})
