import { describe, expect, it } from 'vitest'
import { checkDesign } from '../../src/experiment/design.ts'
import type { SweepTrial } from '../../src/experiment/sweep.ts'
import { DEFAULT_SPACE, sweepParams } from '../../src/experiment/sweepSpace.ts'
import { bestSoFar, brushRange, DEFAULT_RECIPE, formOfSpace, inBrush, objectiveRange, parallelAxes, promotedDesign, spaceOfForm } from '../../src/experiment/sweepView.ts'

const p = (arch: 'linear' | 'mlp_small' | number[], lr = 1e-3) => sweepParams(arch, { lr, batchSize: 256, scaler: 'standard', konvid: true })
const trial = (id: string, state: SweepTrial['state'], objective: number | null, params = p('mlp_small')): SweepTrial =>
  ({ id, round: 0, params, objective, state, epochs: 3, rungs: [{ epochs: 1, objective }] })

describe('the space form', () => {
  it('reads the default space back from its own form', () => {
    expect(spaceOfForm(formOfSpace(DEFAULT_SPACE))).toEqual({ space: DEFAULT_SPACE, error: null })
  })
  it('turns AxB into custom widths and names the field that is wrong', () => {
    const f = { ...formOfSpace(DEFAULT_SPACE), arch: 'linear, 32x16', batchSize: '64' }
    expect(spaceOfForm(f).space).toMatchObject({ arch: ['linear', [32, 16]], batchSize: [64] })
    expect(spaceOfForm({ ...f, arch: 'mlp_huge' }).error).toMatch(/^the search space: arch: \[0\] "mlp_huge" is not an architecture/)
    expect(spaceOfForm({ ...f, batchSize: '64, x' }).error).toMatch(/^the search space: batchSize: \[1\] "x" is not a number/)
    expect(spaceOfForm({ ...f, scaler: { standard: false, raw: false } }).error).toMatch(/scaler: must be a non-empty list/)
    expect(spaceOfForm({ ...f, lrMin: 0.1, lrMax: 0.01 }).error).toMatch(/lr: min 0.1 is above max 0.01/)
  })
})

describe('best so far', () => {
  it('takes only full-budget trials, per objective direction', () => {
    const ts = [trial('t0', 'pruned', 0.9), trial('t1', 'complete', 0.7), trial('t2', 'failed', null), trial('t3', 'complete', 0.8), trial('t4', 'complete', 0.75)]
    expect(bestSoFar(ts, 'mean-plcc')).toEqual([null, 0.7, 0.7, 0.8, 0.8])
    expect(bestSoFar(ts, 'mean-rmse')).toEqual([null, 0.7, 0.7, 0.7, 0.7])
  })
})

describe('parallel coordinates and the brush', () => {
  const ts = [trial('t0', 'complete', 0.6, p('linear', 1e-4)), trial('t1', 'complete', 0.8, p([32, 16], 1e-2)), trial('t2', 'failed', null)]
  it('places choices evenly, lr on a log scale, the objective over its range', () => {
    const axes = parallelAxes(DEFAULT_SPACE, ts, 'mean-plcc')
    expect(axes.map((a) => a.key)).toEqual(['arch', 'lr', 'batchSize', 'scaler', 'konvid', 'objective'])
    const at = (k: string, t: SweepTrial) => axes.find((a) => a.key === k)!.at(t)
    expect(at('arch', ts[0])).toBe(0)
    expect(at('arch', ts[1])).toBe(1)
    expect(at('lr', ts[0])).toBe(0)
    expect(at('lr', ts[1])).toBe(1)
    expect(at('lr', trial('x', 'complete', 0.7, p('linear', 1e-3)))).toBeCloseTo(0.5, 12)
    expect(at('batchSize', ts[0])).toBe(0.5)
    expect(at('objective', ts[0])).toBe(0)
    expect(at('objective', ts[1])).toBe(1)
    expect(at('objective', ts[2])).toBeNull()
  })
  it('brushes a range in objective units; a failed trial is never inside one', () => {
    expect(objectiveRange(ts)).toEqual([0.6, 0.8])
    const b = brushRange([0.6, 0.8], 0.75, 0.25)
    expect(b[0]).toBeCloseTo(0.65, 12)
    expect(b[1]).toBeCloseTo(0.75, 12)
    expect(ts.map((t) => inBrush(t, b))).toEqual([false, false, false])
    expect(ts.map((t) => inBrush(t, [0.55, 0.7]))).toEqual([true, false, false])
    expect(ts.map((t) => inBrush(t, null))).toEqual([true, true, true])
    expect(brushRange([0.6, 0.8], -1, 2)).toEqual([0.6, 0.8])
  })
})

describe('the promoted design', () => {
  it('puts the best recipe against the default one, LOSO, with seeds', () => {
    const d = promotedDesign({ id: 't07', params: p([32, 16], 3e-3) }, { epochs: 30, seeds: 5, firstSeed: 2 })
    expect(checkDesign(d, 'x')).toEqual(d)
    expect(d).toMatchObject({ name: 'sweep-t07', protocol: { kind: 'loso' }, seeds: 5, firstSeed: 2, recipe: 'lab', comparisons: [{ a: 'default', b: 'best' }] })
    expect(d.arms.map((a) => [a.id, a.arch, a.hidden, a.lr, a.epochs, a.konvid])).toEqual([
      ['default', 'mlp_small', undefined, 1e-3, 30, 'all'],
      ['best', 'custom', [32, 16], 3e-3, 30, 'all'],
    ])
  })
  it('is one arm when the best is the default recipe', () => {
    const d = promotedDesign({ id: 't00', params: DEFAULT_RECIPE }, { epochs: 10, seeds: 3, firstSeed: 0 })
    expect(d.arms.map((a) => a.id)).toEqual(['best'])
    expect(d.comparisons).toEqual([])
  })
})
