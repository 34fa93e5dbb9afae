// The whole recipe on real data: mlp_small, 30 epochs, NightGrain held out, standard scaler,
// seed 0 on the CPU reference. Our seed draws a different model than PyTorch's seed 0 would
// for the same rows order, so the held-out PLCC is compared with PyTorch's spread over five
// seeds (../shared/fixtures/loso_torch_demo.json), widened by 0.01 as issue 3 asks.
import { readFileSync } from 'node:fs'
import { parquetReadObjects } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { CANONICAL_FEATURES } from '../../src/model/arch.ts'
import { predict } from '../../src/model/forward.ts'
import { makeJob } from '../../src/model/jobs.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { plcc } from '../../src/metrics/correlation.ts'
import { readJson, sharedPath } from '../helpers/shared.ts'

async function readNflx() {
  const buf = readFileSync(sharedPath('data', 'nflx_like.parquet'))
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
  const rows = (await parquetReadObjects({ file, columns: ['source', ...CANONICAL_FEATURES, 'vmaf'] })) as Record<string, number | string>[]
  const nf = CANONICAL_FEATURES.length
  const x = new Float32Array(rows.length * nf)
  const y = new Float32Array(rows.length)
  rows.forEach((r, i) => {
    CANONICAL_FEATURES.forEach((f, k) => (x[i * nf + k] = r[f] as number))
    y[i] = r.vmaf as number
  })
  return { x, y, nf, source: rows.map((r) => r.source as string) }
}

describe('demo corpus, holdout NightGrain, mlp_small 30 epochs', () => {
  // Finding (see the report of issue 3): on this fold the outcome is bimodal in the shuffle
  // order — about 1 in 4 orders ends near PLCC 0.885 (train MSE ≈ 57), the rest near 0.93 (≈ 84),
  // while the other folds barely depend on it. Our seed 0 (torch's init and DataLoader order for
  // rows in file order) lands in the 0.885 mode, PyTorch's seed 0 in the other; seeds 1–4 agree
  // with PyTorch's to ≤ 0.001. So the test asks the five seeds, not seed 0 alone, to sit in
  // PyTorch's range.
  it("the held-out PLCC of seeds 0..4 lies within PyTorch's five-seed range ± 0.01 (at least 4 of 5)", async () => {
    const { x, y, nf, source } = await readNflx()
    const data = { x, y, nFeatures: nf }
    const idx = [...source.keys()]
    const trainRows = Uint32Array.from(idx.filter((i) => source[i] !== 'NightGrain'))
    const valRows = Uint32Array.from(idx.filter((i) => source[i] === 'NightGrain'))
    expect(trainRows.length + valRows.length).toBe(10800)
    const seeds = [0, 1, 2, 3, 4]
    const jobs = seeds.map((seed) =>
      makeJob({
        id: `s${seed}`, label: `fold NightGrain seed ${seed}`, widths: [nf, 16, 8, 1], seed, scalerMode: 'standard', data,
        trainRows, valRows, epochs: 30, batchSize: 256, lr: 1e-3,
      }),
    )
    const results = await new CpuTrainer().train(data, jobs)
    const target = Array.from(valRows, (r) => y[r])
    const ours = results.map((res, j) => {
      expect(res.status).toBe('done')
      const pred = predict(res.params, jobs[j].scaler, x, nf, valRows)
      // the validation loss the trainer reports is the MSE of these predictions
      let sse = 0
      valRows.forEach((r, k) => (sse += Math.fround(pred[k] - y[r]) ** 2))
      expect(res.valLoss[29]).toBeCloseTo(sse / valRows.length, 9)
      return plcc(pred, target)
    })
    const torch: number[] = readJson('fixtures', 'loso_torch_demo.json').runs.a.NightGrain.map((m: { plcc: number }) => m.plcc)
    const lo = Math.min(...torch) - 0.01
    const hi = Math.max(...torch) + 0.01
    console.log(
      `NightGrain held-out PLCC, CPU reference seeds 0..4: ${ours.map((v) => v.toFixed(4)).join(' ')}\n` +
        `                          PyTorch     seeds 0..4: ${torch.map((v) => v.toFixed(4)).join(' ')}`,
    )
    expect(ours.filter((v) => v >= lo && v <= hi).length).toBeGreaterThanOrEqual(4)
  })
})
