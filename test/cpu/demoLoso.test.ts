// The demo study's per-seed tracking of PyTorch, on the WebAssembly trainer: its float32 sums run
// in another order than the CPU reference's float64 ones, so this holds it to the same bounds
// test/model/demoLoso.test.ts holds the reference to (mlp_small, 30 epochs, NightGrain held out).
import { describe, expect, it } from 'vitest'
import { WasmTrainer } from '../../src/cpu/trainer.ts'
import { makeSplit } from '../../src/data/splits.ts'
import { plcc } from '../../src/metrics/correlation.ts'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { predict } from '../../src/model/forward.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import { readJson } from '../helpers/shared.ts'
import { loadDemo } from '../helpers/demoTable.ts'

describe('demo corpus, holdout NightGrain, mlp_small 30 epochs (WebAssembly trainer)', () => {
  it("seed 0 lies inside PyTorch's five-seed range ± 0.01, and every seed tracks PyTorch's same seed within 0.005", async () => {
    const table = await loadDemo(['nflx_like.parquet'])
    const split = makeSplit(table, { mode: 'netflix-only', holdoutSource: 'NightGrain' })
    const data = tableToTrainData(table, CANONICAL_FEATURES)
    const nf = data.columns.length
    const jobs = [0, 1, 2, 3, 4].map((seed) =>
      makeJob({
        id: `s${seed}`, label: `fold NightGrain seed ${seed}`, widths: [nf, 16, 8, 1], seed, scalerMode: 'standard', data,
        trainRows: split.trainRows, valRows: split.valRows, epochs: 30, batchSize: 256, lr: 1e-3,
      }),
    )
    const results = await new WasmTrainer({ workers: 0 }).train(data, jobs)
    const target = Array.from(split.valRows, (r) => data.y[r])
    const ours = results.map((res, j) => {
      expect(res.status).toBe('done')
      const pred = predict(res.params, jobs[j].scaler, table.matrix(CANONICAL_FEATURES, split.valRows), nf)
      let sse = 0
      split.valRows.forEach((r, k) => (sse += Math.fround(pred[k] - data.y[r]) ** 2))
      // its validation loss is the MSE of the reference's float64-summed predictions, to float32 rounding
      expect(Math.abs(res.valLoss[29] / (sse / split.valRows.length) - 1)).toBeLessThan(1e-6)
      return plcc(pred, target)
    })
    const torch: number[] = readJson('fixtures', 'loso_torch_demo.json').runs.a.NightGrain.map((m: { plcc: number }) => m.plcc)
    console.log(
      `NightGrain held-out PLCC, WebAssembly seeds 0..4: ${ours.map((v) => v.toFixed(4)).join(' ')}\n` +
        `                          PyTorch     seeds 0..4: ${torch.map((v) => v.toFixed(4)).join(' ')}`,
    )
    expect(ours[0]).toBeGreaterThanOrEqual(Math.min(...torch) - 0.01)
    expect(ours[0]).toBeLessThanOrEqual(Math.max(...torch) + 0.01)
    ours.forEach((v, s) => expect(Math.abs(v - torch[s])).toBeLessThan(0.005))
  })
})
