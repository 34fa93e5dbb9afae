// The sweep's search space and its proposals, without training: a space file is checked key by key
// (the error names the file and the key), the default covers the published ladder, the random
// draws are numpy's RandomState draws (the same mt19937, the same 53-bit doubles), a seed gives the
// same proposals and another seed others, and TPE moves towards the good observations.
import { describe, expect, it } from 'vitest'
import { NAMED_ARCHS } from '../../src/model/arch.ts'
import { proposeTpe, randomParams, splitObservations, SweepRng, type Observation } from '../../src/experiment/sweepPropose.ts'
import { checkSpace, DEFAULT_SPACE, paramsProblem, SpaceError, sweepParams, type SweepSpace } from '../../src/experiment/sweepSpace.ts'

/** numpy 1.24: np.random.RandomState(0).random_sample(4) and RandomState(7).random_sample(3) */
const NUMPY_0 = [0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969]
const NUMPY_7 = [0.07630828937395717, 0.7799187922401146, 0.4384092314408935]

const errorOf = (raw: unknown) => {
  try {
    checkSpace(raw, 'my-space.json')
  } catch (e) {
    expect(e).toBeInstanceOf(SpaceError)
    return (e as SpaceError).message
  }
  throw new Error('checkSpace accepted it')
}

describe('checkSpace', () => {
  it('the default covers the published ladder at the reference recipe', () => {
    for (const a of Object.keys(NAMED_ARCHS)) expect(DEFAULT_SPACE.arch).toContain(a)
    expect(DEFAULT_SPACE.lr.min).toBeLessThan(1e-3)
    expect(DEFAULT_SPACE.lr.max).toBeGreaterThan(1e-3)
    expect(DEFAULT_SPACE.batchSize).toContain(256)
    expect(DEFAULT_SPACE.epochs).toBe(30)
    expect(DEFAULT_SPACE.scaler).toContain('standard')
    expect(DEFAULT_SPACE.konvid).toEqual([true, false])
    expect(checkSpace({})).toEqual(DEFAULT_SPACE)
  })

  it('keys left out take the default; given ones replace it', () => {
    const s = checkSpace({ arch: ['mlp_small', [24, 12]], lr: { min: 1e-3, max: 1e-3 }, epochs: 6 }, 'x.json')
    expect(s).toEqual({ ...DEFAULT_SPACE, arch: ['mlp_small', [24, 12]], lr: { min: 1e-3, max: 1e-3 }, epochs: 6 })
  })

  it('names the file and the key of what is wrong', () => {
    expect(errorOf([])).toBe('my-space.json: (top level): a search space is a JSON object')
    expect(errorOf({ archs: ['linear'] })).toMatch(/^my-space\.json: archs: unknown key \(the keys are arch, lr, batchSize, epochs, scaler, konvid\)$/)
    expect(errorOf({ arch: [] })).toBe('my-space.json: arch: must be a non-empty list')
    expect(errorOf({ arch: ['mlp_tiny'] })).toMatch(/^my-space\.json: arch: \[0\] "mlp_tiny" is not an architecture/)
    expect(errorOf({ arch: ['linear', [32, 0]] })).toMatch(/^my-space\.json: arch: \[1\] custom widths must be 1 to 4 whole numbers from 1 to 128, got \[32,0\]$/)
    expect(errorOf({ arch: ['linear', 'linear'] })).toBe('my-space.json: arch: repeats an architecture')
    expect(errorOf({ lr: 0.001 })).toMatch(/^my-space\.json: lr: must be \{ "min": lo, "max": hi \}/)
    expect(errorOf({ lr: { min: 0, max: 1e-2 } })).toBe('my-space.json: lr: learning rate must be above 0 and below 10, got 0')
    expect(errorOf({ lr: { min: 1e-2, max: 1e-3 } })).toBe('my-space.json: lr: min 0.01 is above max 0.001')
    expect(errorOf({ batchSize: [256, 0] })).toBe('my-space.json: batchSize: [1] batch size must be a whole number from 1 to 65,536, got 0')
    expect(errorOf({ batchSize: ['256'] })).toBe('my-space.json: batchSize: [0] "256" is not a number')
    expect(errorOf({ epochs: 2.5 })).toBe('my-space.json: epochs: epochs must be a whole number from 1 to 100,000, got 2.5')
    expect(errorOf({ epochs: '30' })).toBe('my-space.json: epochs: must be a whole number')
    expect(errorOf({ scaler: ['minmax'] })).toBe('my-space.json: scaler: [0] must be "standard" or "raw", got "minmax"')
    expect(errorOf({ konvid: ['yes'] })).toBe('my-space.json: konvid: [0] must be true or false, got "yes"')
    expect(errorOf({ konvid: [true, true] })).toBe('my-space.json: konvid: repeats a choice')
  })

  it('paramsProblem: a recipe outside the space says which value', () => {
    const p = sweepParams('mlp_small', { lr: 1e-3, batchSize: 256, scaler: 'standard', konvid: true })
    expect(p.hidden).toEqual([16, 8])
    expect(paramsProblem(p, DEFAULT_SPACE)).toBeNull()
    expect(paramsProblem({ ...p, batchSize: 100 }, DEFAULT_SPACE)).toBe('batch size 100 is not in the space (128, 256, 512)')
    expect(paramsProblem(sweepParams([8], { ...p }), DEFAULT_SPACE)).toMatch(/^architecture custom:8 is not in the space/)
  })
})

describe('proposals', () => {
  it('SweepRng draws numpy RandomState(seed).random_sample()', () => {
    const r0 = new SweepRng(0)
    for (const v of NUMPY_0) expect(r0.uniform()).toBe(v)
    const r7 = new SweepRng(7)
    for (const v of NUMPY_7) expect(r7.uniform()).toBe(v)
  })

  it('random recipes: same seed → same, another seed → others; every one in the space; lr log-uniform', () => {
    const draw = (seed: number, n: number) => {
      const rng = new SweepRng(seed)
      return Array.from({ length: n }, () => randomParams(DEFAULT_SPACE, rng))
    }
    expect(draw(3, 20)).toEqual(draw(3, 20))
    expect(draw(4, 20)).not.toEqual(draw(3, 20))
    const many = draw(11, 4000)
    for (const p of many.slice(0, 200)) expect(paramsProblem(p, DEFAULT_SPACE)).toBeNull()
    // log-uniform on [1e-4, 1e-2]: a quarter below 10^-3.5, half below 10^-3, three quarters below 10^-2.5
    for (const [q, share] of [[-3.5, 0.25], [-3, 0.5], [-2.5, 0.75]] as const) expect(many.filter((p) => Math.log10(p.lr) < q).length / many.length).toBeCloseTo(share, 1)
    // every architecture about equally often
    for (const a of ['linear', 'mlp_small', 'mlp_medium', 'mlp_large', 'custom']) expect(many.filter((p) => p.arch === a).length / many.length).toBeCloseTo(0.2, 1)
  })

  it('splits observations at the γ-quantile (at least one good)', () => {
    const obs = [5, 1, 4, 2, 3, 6, 8, 7].map((loss, i) => ({ params: sweepParams('linear', { lr: 1e-3 * (i + 1), batchSize: 256, scaler: 'standard', konvid: true }), loss }))
    const { good, bad } = splitObservations(obs, 0.25)
    expect(good.map((o) => o.loss)).toEqual([1, 2])
    expect(bad.map((o) => o.loss)).toEqual([3, 4, 5, 6, 7, 8])
    expect(splitObservations(obs.slice(0, 2), 0.25).good.map((o) => o.loss)).toEqual([1])
  })

  it('TPE proposes near the good recipes: their architecture, konvid and learning rates', () => {
    const space: SweepSpace = { ...DEFAULT_SPACE, lr: { min: 1e-5, max: 1e-1 } }
    const obs: Observation[] = []
    const rng = new SweepRng(5)
    // good: mlp_medium with konvid at lr ≈ 3e-3; bad: everything else, lr anywhere
    for (let i = 0; i < 8; i++) obs.push({ params: sweepParams('mlp_medium', { lr: 3e-3 * (1 + 0.1 * i), batchSize: 256, scaler: 'standard', konvid: true }), loss: i })
    for (let i = 0; i < 24; i++) {
      const p = randomParams(space, rng)
      obs.push({ params: { ...p, konvid: false, arch: 'linear', hidden: [] }, loss: 100 + i })
    }
    const a = proposeTpe(space, obs, new SweepRng(1), 12)
    expect(a).toEqual(proposeTpe(space, obs, new SweepRng(1), 12))
    expect(a).not.toEqual(proposeTpe(space, obs, new SweepRng(2), 12))
    expect(a.filter((p) => p.arch === 'mlp_medium').length).toBeGreaterThanOrEqual(10)
    expect(a.every((p) => p.konvid)).toBe(true)
    const decades = a.map((p) => Math.abs(Math.log10(p.lr) - Math.log10(3e-3)))
    expect(decades.filter((d) => d < 1).length).toBeGreaterThanOrEqual(10)
    for (const p of a) expect(p.lr >= space.lr.min && p.lr <= space.lr.max).toBe(true)
  })
})
