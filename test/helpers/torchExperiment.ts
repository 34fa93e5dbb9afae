// The PyTorch LOSO experiment fixtures (../shared/fixtures/experiments_*_torch.json) and the one
// comparison every preset-vs-PyTorch test makes: an arm's per-fold seed-mean PLCC against the
// mean over PyTorch's seeds on the same fold.
import { expect } from 'vitest'
import type { ArmResult } from '../../src/experiment/summary.ts'
import { readJson } from './shared.ts'

export type TorchScores = { plcc: number; srocc: number; rmse: number; n: number }

export interface TorchExperiment {
  protocol: string
  about?: string
  /** arm → fold → one entry per seed */
  runs: Record<string, Record<string, TorchScores[]>>
}

export const readTorchExperiment = (file: string) => readJson<TorchExperiment>('fixtures', file)

export const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length

/**
 * Asserts that the arm has PyTorch's folds, `seeds` seeds on each, fold values that are the seed
 * means, and a seed-mean PLCC within `tolerance` of PyTorch's on every fold; returns the worst |Δ|.
 */
export function expectFoldsTrackTorch(arm: string, ours: ArmResult, torch: Record<string, TorchScores[]>, o: { seeds: number; tolerance: number }): number {
  expect(ours.folds.map((f) => f.source).sort()).toEqual(Object.keys(torch).sort())
  let worst = 0
  for (const f of ours.folds) {
    const ref = mean(torch[f.source].map((r) => r.plcc))
    expect(f.plcc_seeds).toHaveLength(o.seeds)
    expect(f.plcc).toBeCloseTo(mean(f.plcc_seeds), 12)
    const d = Math.abs(f.plcc! - ref)
    worst = Math.max(worst, d)
    expect(d, `${arm} ${f.source}: ${f.plcc} vs torch ${ref}`).toBeLessThanOrEqual(o.tolerance)
  }
  return worst
}
