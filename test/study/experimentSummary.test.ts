// The FoxBird study through the generic statistics: PyTorch's 5-seed demo runs as the study's runs;
// the per-arm numbers equal the study's own summary, and the three comparisons are b − a, c − a, b − c.
import { describe, expect, it } from 'vitest'
import { studyExperimentSummary } from '../../src/study/experimentSummary.ts'
import { summarizeStudy } from '../../src/study/stats.ts'
import type { Arm, FoldRun, StudyPlan } from '../../src/study/types.ts'
import { readJson } from '../helpers/shared.ts'

const torch = readJson<{ runs: Record<Arm, Record<string, { plcc: number; srocc: number; rmse: number }[]>> }>('fixtures', 'loso_torch_demo.json')
const FOLDS = Object.keys(torch.runs.a)
const SEEDS = [0, 1, 2, 3, 4]
const runs = (['a', 'b', 'c'] as Arm[]).flatMap((arm) =>
  FOLDS.flatMap((fold) =>
    SEEDS.map((seed) => ({ arm, fold, seed, status: 'done', ...torch.runs[arm][fold][seed], n: 1200, epochs: 30, steps: 0, trainLoss: [3000, 40, 9] }) as unknown as FoldRun),
  ),
)
const plan = { folds: FOLDS, arms: ['a', 'b', 'c'].map((arm) => ({ arm, enabled: true })), runs: [], settings: { seeds: 5, arms: ['a', 'b', 'c'] } } as unknown as StudyPlan

describe('studyExperimentSummary', () => {
  const s = studyExperimentSummary(plan, runs, new Float32Array(0))
  const own = summarizeStudy(FOLDS, ['a', 'b', 'c'], SEEDS, runs)
  it.each(['a', 'b', 'c'] as Arm[])('arm %s: fold means, mean and std equal the study summary', (arm) => {
    const mine = s.arms[arm]
    const theirs = own.arms[arm]!
    expect(mine.folds.map((f) => f.source)).toEqual(FOLDS)
    mine.folds.forEach((f, i) => expect(f.plcc).toBeCloseTo(theirs.folds[i]!.mean.plcc, 15))
    expect(mine.mean.plcc).toBeCloseTo(theirs.mean.plcc, 15)
    expect(mine.std.plcc).toBeCloseTo(theirs.std.plcc, 15)
    expect(mine.worst_fold).toBe(theirs.worst)
  })
  it('compares b − a, c − a and b − c, with the study’s mean Δ', () => {
    expect(s.comparisons.map((c) => `${c.b} − ${c.a}`)).toEqual(['b − a', 'c − a', 'b − c'])
    expect(s.comparisons[0].delta_plcc).toBeCloseTo(own.meanDeltaPlcc.ba!, 14)
    expect(s.comparisons[1].delta_plcc).toBeCloseTo(own.meanDeltaPlcc.ca!, 14)
    expect(s.comparisons[2].delta_plcc).toBeCloseTo(own.meanDeltaPlcc.bc!, 14)
    // konvid lifts every fold in PyTorch's runs: the exact test's smallest p for 9 folds
    expect(s.comparisons[0].p).toBe(2 / 512)
  })
})
