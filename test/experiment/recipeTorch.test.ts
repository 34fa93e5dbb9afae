// The recipe preset against PyTorch (../shared/fixtures/experiments_recipe_torch.json, whose
// `protocol` is the preset's 'plain' row order with raw or standardised inputs and 30 or 90 epochs):
// the per-fold 3-seed mean PLCC of every arm within 1e-5 (±0.01 is what the issue asks), on the WebAssembly trainer with one
// worker_thread per core, as archTorch.test.ts does for the arch preset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conductExperiment, type ExperimentResult } from '../../src/experiment/conduct.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { nodeWasmTrainer } from '../../src/node/cpuWorkers.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { loadDemo } from '../helpers/demoTable.ts'
import { expectFoldsTrackTorch, readTorchExperiment } from '../helpers/torchExperiment.ts'
import { outsideUnit } from '../helpers/plccIntervals.ts'
import { reportContract } from '../../src/experiment/report.ts'

const torch = readTorchExperiment('experiments_recipe_torch.json')
const ARMS = ['raw30_nflx', 'raw30_comb', 'std90_nflx', 'std90_comb']
const SEEDS = 3
/** the largest |Δ| of a per-fold seed-mean PLCC this run reached was logged below; the bound is the issue's */
const TOLERANCE = 1e-5
const trainer = nodeWasmTrainer()

let res: ExperimentResult
beforeAll(async () => {
  const [table, evaluator] = await Promise.all([loadDemo(), createNodeEvaluator()])
  const t0 = performance.now()
  res = await conductExperiment(table, presetDesign('recipe', { seeds: SEEDS }), { trainer, evaluator })
  console.log(`recipe preset, ${res.runs.length} models on ${trainer.description}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}, 1_800_000)
afterAll(() => trainer.dispose())

describe('recipe preset vs PyTorch', () => {
  it('the fixture describes the recipe the preset runs', () => {
    expect(torch.protocol).toMatch(/file order/)
    expect(torch.protocol).toMatch(/torch\.randperm\(n, generator=torch\.Generator\(\)\.manual_seed\(seed\)\)/)
    expect(torch.protocol).toMatch(/30 epochs \(raw30_\*\) or 90 \(std90_\*\)/)
    expect(torch.about).toMatch(/mlp_small, Adam 1e-3, batch 256, MSE, seeds 0\.\.2/)
    const d = presetDesign('recipe')
    expect(d.recipe).toBe('plain')
    expect(d.protocol).toEqual({ kind: 'loso' })
    expect(d.arms.map((a) => [a.id, a.scalerMode, a.epochs, a.konvid, a.arch, a.lr, a.batchSize])).toEqual([
      ['raw30_nflx', 'raw', 30, 'none', 'mlp_small', 1e-3, 256],
      ['raw30_comb', 'raw', 30, 'all', 'mlp_small', 1e-3, 256],
      ['std90_nflx', 'standard', 90, 'none', 'mlp_small', 1e-3, 256],
      ['std90_comb', 'standard', 90, 'all', 'mlp_small', 1e-3, 256],
    ])
    expect(Object.keys(torch.runs).sort()).toEqual([...ARMS].sort())
  })

  it(`every arm: per-fold ${SEEDS}-seed mean PLCC within ±${TOLERANCE} of PyTorch`, () => {
    expect(res.failures).toEqual([])
    expect(res.runs).toHaveLength(ARMS.length * 9 * SEEDS)
    let worstAll = 0
    for (const arm of ARMS) {
      const worst = expectFoldsTrackTorch(arm, res.summary.arms[arm], torch.runs[arm], { seeds: SEEDS, tolerance: TOLERANCE })
      worstAll = Math.max(worstAll, worst)
      console.log(`${arm}: worst |Δ| of the per-fold mean PLCC against PyTorch ${worst.toExponential(2)}`)
    }
    console.log(`recipe preset: worst |Δ| over all arms ${worstAll.toExponential(2)}`)
  })

  it('the summary carries the three comparisons: konvid under each recipe, and the recipe on nflx only', () => {
    expect(res.summary.comparisons.map((c) => `${c.b}-${c.a}`)).toEqual(['raw30_comb-raw30_nflx', 'std90_comb-std90_nflx', 'std90_nflx-raw30_nflx'])
    for (const c of res.summary.comparisons) {
      expect(c.p).toBeGreaterThan(0)
      expect(c.p_adjusted!).toBeGreaterThanOrEqual(c.p!)
      expect(c.corrected_t!.p_adjusted).toBeGreaterThanOrEqual(c.corrected_t!.p)
    }
    expect(outsideUnit(reportContract(res.summary))).toEqual([])
  })
})
