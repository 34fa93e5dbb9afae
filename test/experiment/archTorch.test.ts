// The arch preset against PyTorch (../shared/fixtures/experiments_arch_torch.json, whose `protocol`
// is the preset's 'plain' recipe): the per-fold 5-seed mean PLCC of every arm within ±0.01, and the
// linear arm flagged as not converged (its RMSE stays near 65 VMAF points after 30 epochs).
// The default suite runs linear and mlp_small (90 models on the CPU reference); ARCH_TORCH=all adds
// mlp_medium and mlp_large (90 more, minutes on the CPU reference).
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { conductExperiment, type ExperimentResult } from '../../src/experiment/conduct.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { sharedPath } from '../helpers/shared.ts'
import { loadDemo } from '../study/demoTable.ts'

type Scores = { plcc: number; srocc: number; rmse: number; n: number }
const torch = JSON.parse(readFileSync(sharedPath('fixtures', 'experiments_arch_torch.json'), 'utf8')) as {
  protocol: string
  runs: Record<string, Record<string, Scores[]>>
}
const ARMS = process.env.ARCH_TORCH === 'all' ? ['linear', 'mlp_small', 'mlp_medium', 'mlp_large'] : ['linear', 'mlp_small']
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length

let table: FeatureTable
let res: ExperimentResult
beforeAll(async () => {
  table = await loadDemo()
  const design = presetDesign('arch', { seeds: 5 })
  const arms = design.arms.filter((a) => ARMS.includes(a.id))
  res = await conductExperiment(
    table,
    { ...design, arms, comparisons: design.comparisons.filter((c) => ARMS.includes(c.a) && ARMS.includes(c.b)) },
    { trainer: new CpuTrainer({ sliceMs: 0 }), evaluator: await createNodeEvaluator() },
  )
}, 1_800_000)

describe(`arch preset vs PyTorch (${ARMS.join(', ')})`, () => {
  it('the fixture describes the plain recipe the preset runs', () => {
    expect(torch.protocol).toMatch(/rows in file order \(nflx then konvid\)/)
    expect(torch.protocol).toMatch(/torch\.randperm with a torch\.Generator seeded with the same seed/)
    expect(presetDesign('arch').recipe).toBe('plain')
  })

  it('every arm: per-fold 5-seed mean PLCC within ±0.01 of PyTorch', () => {
    expect(res.failures).toEqual([])
    for (const arm of ARMS) {
      const folds = res.summary.arms[arm].folds
      expect(folds).toHaveLength(9)
      for (const f of folds) {
        const ref = mean(torch.runs[arm][f.source].map((r) => r.plcc))
        expect(f.plcc_seeds).toHaveLength(5)
        expect(Math.abs(f.plcc! - ref), `${arm} ${f.source}: ${f.plcc} vs torch ${ref}`).toBeLessThanOrEqual(0.01)
      }
    }
  })

  it('linear does not converge (RMSE far above 10 VMAF points, as in PyTorch); the reading says so', () => {
    const linear = res.summary.arms.linear
    expect(linear.unconverged).toHaveLength(45)
    for (const f of linear.folds) expect(f.rmse!).toBeGreaterThan(40)
    expect(mean(Object.values(torch.runs.linear).flat().map((r) => r.rmse))).toBeGreaterThan(40)
    expect(res.summary.reading).toMatch(/linear/)
    expect(res.summary.reading).toMatch(/did not converge/)
    expect(res.summary.arms.mlp_small.unconverged).toEqual([])
  })
})
