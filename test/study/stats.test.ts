import { describe, expect, it } from 'vitest'
import { stepsMatchedEpochs, summarizeArm, summarizeFold, summarizeStudy, type RunScores } from '../../src/study/stats.ts'
import { fmtSigned } from '../../src/experiment/format.ts'
import type { Arm } from '../../src/study/types.ts'
import { readJson } from '../helpers/shared.ts'

interface TorchFold {
  plcc: number
  srocc: number
  rmse: number
}
const torch = readJson<{ runs: Record<Arm, Record<string, TorchFold[]>>; epochs_c: Record<string, number> }>(
  'fixtures',
  'loso_torch_demo.json',
)
const FOLDS = Object.keys(torch.runs.a)
const SEEDS = [0, 1, 2, 3, 4]

/** PyTorch's fixture as if our runs had produced it. */
function torchRuns(arms: Arm[] = ['a', 'b', 'c'], seeds = SEEDS): RunScores[] {
  const out: RunScores[] = []
  for (const arm of arms)
    for (const fold of FOLDS)
      for (const seed of seeds) {
        const r = torch.runs[arm][fold][seed]
        out.push({ arm, fold, seed, status: 'done', ...r, n: 1200, epochs: arm === 'c' ? 58 : 30, steps: 0 })
      }
  return out
}

const run = (arm: Arm, fold: string, seed: number, plcc: number, status: RunScores['status'] = 'done'): RunScores => ({
  arm,
  fold,
  seed,
  status,
  plcc,
  srocc: plcc - 0.01,
  rmse: 10 * (1 - plcc),
  n: 100,
  epochs: 30,
  steps: 1140,
})

describe('steps matching', () => {
  it('gives the fixture’s 58 epochs on the demo corpus (9,600 vs 18,872 training rows, batch 256, 30 epochs)', () => {
    expect(stepsMatchedEpochs(9600, 9600 + 9272, 30, 256)).toBe(58)
    for (const e of Object.values(torch.epochs_c)) expect(e).toBe(58)
  })

  it('rounds steps_b / steps_per_epoch_a', () => {
    expect(stepsMatchedEpochs(100, 200, 10, 10)).toBe(20) // 10 × 20 steps / 10
    expect(stepsMatchedEpochs(100, 270, 7, 30)).toBe(16) // 7 × 9 / 4 = 15.75
    expect(stepsMatchedEpochs(100, 270, 5, 30)).toBe(11) // 5 × 9 / 4 = 11.25
  })

  it('never asks for zero epochs', () => {
    expect(stepsMatchedEpochs(10_000, 10, 1, 256)).toBe(1)
  })
})

describe('fold and arm summaries', () => {
  it('mean and population std over seeds', () => {
    const f = summarizeFold('X', [run('a', 'X', 1, 0.9), run('a', 'X', 0, 0.8), run('a', 'X', 2, 0.7, 'cancelled')])!
    expect(f.seeds).toEqual([0, 1])
    expect(f.mean.plcc).toBeCloseTo(0.85, 12)
    expect(f.std.plcc).toBeCloseTo(0.05, 12)
    expect(summarizeFold('X', [run('a', 'X', 0, 0.9, 'cancelled')])).toBeNull()
  })

  it('reproduce the issue’s spreads from PyTorch’s fixture: 0.0112 (a), 0.0025 (b), 0.0093 (c)', () => {
    const s = summarizeStudy(FOLDS, ['a', 'b', 'c'], SEEDS, torchRuns())
    expect(s.arms.a!.std.plcc).toBeCloseTo(0.01125, 5)
    expect(s.arms.b!.std.plcc).toBeCloseTo(0.00246, 5)
    expect(s.arms.c!.std.plcc).toBeCloseTo(0.00928, 5)
    expect(s.arms.a!.mean.plcc).toBeCloseTo(0.97716, 5)
    expect(s.stdRatio).toBeCloseTo(4.572, 2)
    expect(s.arms.a!.mean.plcc).toBeLessThan(s.arms.c!.mean.plcc)
    expect(s.arms.c!.mean.plcc).toBeLessThan(s.arms.b!.mean.plcc)
    expect(s.arms.a!.complete).toBe(true)
  })

  it('judge the outlier on the seed mean and list the seeds that disagree', () => {
    const s = summarizeStudy(FOLDS, ['a', 'b', 'c'], SEEDS, torchRuns())
    expect(s.outlier!.fold).toBe('NightGrain')
    expect(s.arms.a!.worst).toBe('NightGrain')
    // per seed, PyTorch's own worst fold of (a), computed from the fixture
    const expected = SEEDS.map((seed) => {
      let best = FOLDS[0]
      for (const f of FOLDS) if (torch.runs.a[f][seed].plcc < torch.runs.a[best][seed].plcc) best = f
      return { seed, fold: best }
    })
    expect(s.arms.a!.worstBySeed).toEqual(expected)
    expect(s.outlier!.disagreeing).toEqual(expected.filter((e) => e.fold !== 'NightGrain'))
    expect(s.outlier!.disagreeing.map((d) => d.fold)).toContain('Creek')
    expect(s.outlier!.afterData!.plcc).toBeGreaterThan(s.outlier!.afterSteps!.plcc)
  })

  it('seed 0 alone: one seed, no disagreement possible', () => {
    const s = summarizeStudy(FOLDS, ['a', 'b'], [0], torchRuns(['a', 'b'], [0]))
    expect(s.outlier!.fold).toBe('NightGrain')
    expect(s.outlier!.disagreeing).toEqual([])
    expect(s.arms.a!.folds[0]!.std.plcc).toBe(0)
  })

  it('partial results: unfinished folds are null and left out of mean ± std', () => {
    const runs = [run('a', 'A', 0, 0.9), run('a', 'B', 0, 0.8), run('a', 'C', 0, 0.1, 'cancelled')]
    const arm = summarizeArm('a', ['A', 'B', 'C'], [0], runs)
    expect(arm.folds[2]).toBeNull()
    expect(arm.complete).toBe(false)
    expect(arm.mean.plcc).toBeCloseTo(0.85, 12)
    expect(arm.worst).toBe('B')
    expect(arm.worstBySeed).toEqual([]) // seed 0 has not finished every fold
  })

  it('deltas per fold: b − a, c − a, b − c on the seed means', () => {
    const runs = [run('a', 'A', 0, 0.9), run('b', 'A', 0, 0.95), run('c', 'A', 0, 0.93), run('a', 'B', 0, 0.8)]
    const s = summarizeStudy(['A', 'B'], ['a', 'b', 'c'], [0], runs)
    expect(s.deltas[0].ba!.plcc).toBeCloseTo(0.05, 12)
    expect(s.deltas[0].ca!.plcc).toBeCloseTo(0.03, 12)
    expect(s.deltas[0].bc!.plcc).toBeCloseTo(0.02, 12)
    expect(s.deltas[1].ba).toBeNull()
    // the mean Δ counts only folds where both sides finished
    expect(s.meanDeltaPlcc.ba).toBeCloseTo(0.05, 12)
    expect(s.meanDeltaPlcc.bc).toBeCloseTo(0.02, 12)
    const none = summarizeStudy(['A'], ['a'], [0], [run('a', 'A', 0, 0.9)])
    expect(none.meanDeltaPlcc).toEqual({ ba: null, ca: null, bc: null })
  })
})

describe('the reading', () => {
  it('is computed from the numbers: PyTorch’s fixture reads as mostly compute on the mean, data on the spread', () => {
    const s = summarizeStudy(FOLDS, ['a', 'b', 'c'], SEEDS, torchRuns())
    expect(s.reading).toContain('0.9772')
    expect(s.reading).toContain('0.9958')
    expect(s.reading).toContain('4.6×')
    expect(s.reading).toMatch(/about 80% of the mean gain is extra optimizer steps/)
    expect(s.reading).toMatch(/only 1\.2×/)
    expect(s.reading).toMatch(/NightGrain goes 0\.9537 → 0\.9780 with more steps, 0\.9929 with konvid/)
    expect(s.reading.split('\n')).toHaveLength(1)
  })

  it('changes with the numbers', () => {
    // konvid does nothing; extra steps everything
    const runs = [
      run('a', 'A', 0, 0.9), run('a', 'B', 0, 0.8),
      run('b', 'A', 0, 0.95), run('b', 'B', 0, 0.93),
      run('c', 'A', 0, 0.96), run('c', 'B', 0, 0.94),
    ]
    const s = summarizeStudy(['A', 'B'], ['a', 'b', 'c'], [0], runs)
    expect(s.reading).toMatch(/as much as \(b\): the mean gain is extra optimizer steps, not data/)
    const worse = summarizeStudy(['A', 'B'], ['a', 'b'], [0], [run('a', 'A', 0, 0.9), run('a', 'B', 0, 0.8), run('b', 'A', 0, 0.85), run('b', 'B', 0, 0.7)])
    expect(worse.reading).toMatch(/does not raise mean PLCC/)
    expect(worse.reading).toMatch(/run the steps-matched control/)
    expect(summarizeStudy(['A'], ['a'], [0], []).reading).toBe('No fold has finished yet.')
  })

  it('formats signed deltas', () => {
    expect(fmtSigned(0.01234)).toBe('+0.0123')
    expect(fmtSigned(-0.01234)).toBe('-0.0123')
    expect(fmtSigned(-0.00001)).toBe('0.0000')
  })
})
