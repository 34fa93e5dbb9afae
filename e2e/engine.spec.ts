// The WGSL engine in headless Chromium (SwiftShader here), against PyTorch's trajectories and
// against itself (together = alone, determinism, divergence, cancel, device loss, leaks).
// Fixtures are read in Node and handed to the page API page (window.lab, src/pageApi/engine.ts).
import { expect, test, type Page } from '@playwright/test'
import { CANONICAL_FEATURES } from '../src/base/features.ts'
import { makeJob, tableToTrainData } from '../src/model/jobs.ts'
import { makeSplit } from '../src/data/splits.ts'
import { loadDemo } from '../test/helpers/demoTable.ts'
import { plcc } from '../src/metrics/correlation.ts'
import { readJson } from '../test/helpers/shared.ts'
import { flattenFixture, loadTorchFixture } from '../test/helpers/torchFixture.ts'
import { predict } from '../src/model/forward.ts'
import { CpuTrainer } from '../src/model/trainCpu.ts'
import type { TrainData } from '../src/model/contract.ts'
import type { EngineTrainReply, EngineTrainRequest } from '../src/pageApi/engine.ts'
import type { GpuTrainerOptions } from '../src/engine/index.ts'
import { bits, expectTracksTorch, fixtureData, fixtureJob, longFx, mixedJobs, seededJob, worst } from './engineJobs.ts'
import { rowMajor, trainDataFromRows } from '../src/model/trainData.ts'

test.describe.configure({ mode: 'serial' })

let page: Page
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  page.on('pageerror', (e) => console.log('[page error]', e.message))
  await page.goto('/pageApi.html')
  await page.waitForFunction(() => (window as unknown as { lab?: { ready?: boolean } }).lab?.ready === true)
})
test.afterAll(async () => page.close())

function train(req: EngineTrainRequest): Promise<EngineTrainReply> {
  return page.evaluate((r) => (window as any).lab.engineTrain(r), req)
}

const FIXTURES = ['linear', 'mlp_small', 'mlp_medium', 'mlp_large'] as const

for (const disableSmall of [false, true]) {
  for (const name of FIXTURES) {
    if (disableSmall && name !== 'mlp_small') continue
    const kernel = disableSmall ? ' (generic kernel)' : ''
    test(`${name}${kernel}: every step's weights, loss and the first gradient match PyTorch`, async () => {
      const fx = loadTorchFixture(name)
      const options: GpuTrainerOptions = { disableSmall }
      const reply = await train({ data: fixtureData(fx), jobs: [fixtureJob(fx)], options })
      const [res] = reply.results
      expect(res.status, res.message).toBe('done')
      expect(reply.kernels[0]).toBe(name === 'mlp_small' && !disableSmall ? 'small' : 'any')
      expectTracksTorch(reply, fx)
    })
  }
}

test('mlp_small_long: 129 steps over 10,800 rows end within bounds of PyTorch (both kernels)', async () => {
  const fx = loadTorchFixture('mlp_small_long')
  const last = fx.steps[fx.steps.length - 1]
  for (const disableSmall of [false, true]) {
    const reply = await train({ data: fixtureData(fx), jobs: [fixtureJob(fx)], options: { disableSmall }, checkpoints: false })
    const [res] = reply.results
    expect(res.status, res.message).toBe('done')
    expect(res.steps).toBe(129)
    for (const st of fx.steps) {
      const ev = reply.events[st.step - 1]
      expect(Math.abs(ev.trainLoss - st.loss) / st.loss, `loss of step ${st.step}`).toBeLessThanOrEqual(1e-4)
    }
    const w = worst(res.checkpoint!.params, flattenFixture(last.params_after!))
    expect(w.excess, `param ${w.at} is ${w.ours}, torch ${w.torch}`).toBeLessThanOrEqual(0)
  }
})

// ---- the engine against itself ---------------------------------------------------------------

test('several models trained together give exactly the weights each gives alone; same seed → same bits', async () => {
  const data = fixtureData(longFx())
  const jobs = mixedJobs(data, 3)
  const together = await train({ data, jobs, checkpoints: false })
  expect(together.kernels).toEqual(['small', 'small', 'small', 'any', 'any', 'any'])
  const again = await train({ data, jobs, checkpoints: false })
  for (let j = 0; j < jobs.length; j++) {
    const t = together.results[j]
    expect(t.status, t.message).toBe('done')
    expect(t.trainLoss.length).toBe(jobs[j].epochs)
    expect(t.trainLoss.every(Number.isFinite)).toBe(true)
    expect(t.trainLoss.at(-1)!).toBeLessThan(t.trainLoss[0])
    expect(t.valLoss.every(Number.isFinite)).toBe(jobs[j].valRows.length > 0)
    expect(bits(again.results[j].checkpoint!.params)).toEqual(bits(t.checkpoint!.params))
    const alone = await train({ data, jobs: [jobs[j]], checkpoints: false })
    const a = alone.results[0]
    expect(bits(a.checkpoint!.params), `${jobs[j].id} alone vs together`).toEqual(bits(t.checkpoint!.params))
    expect(bits(a.checkpoint!.m)).toEqual(bits(t.checkpoint!.m))
    expect(bits(a.checkpoint!.v)).toEqual(bits(t.checkpoint!.v))
    expect(a.trainLoss).toEqual(t.trainLoss)
    expect(a.valLoss).toEqual(t.valLoss)
  }
})

test('how steps are cut into dispatches, or the rows into upload blocks, does not change a bit (both kernels)', async () => {
  const data = fixtureData(longFx())
  const jobs = [mixedJobs(data, 2)[0], mixedJobs(data, 2)[5]]
  const ref = await train({ data, jobs, checkpoints: false })
  // upload blocks that do not divide the rows, and far smaller than one write
  const cuts: GpuTrainerOptions[] = [{ stepsPerDispatch: 1 }, { stepsPerDispatch: 7 }, { blockRows: 997 }, { blockRows: 3 }]
  for (const options of cuts) {
    const cut = await train({ data, jobs, checkpoints: false, options })
    cut.results.forEach((r, j) => {
      expect(bits(r.checkpoint!.params), `${jobs[j].id}, ${JSON.stringify(options)}`).toEqual(bits(ref.results[j].checkpoint!.params))
      expect(r.trainLoss).toEqual(ref.results[j].trainLoss)
      expect(r.valLoss).toEqual(ref.results[j].valLoss)
    })
  }
})

test('the validation loss is the MSE of gpuPredict over the validation rows, and gpuPredict matches the CPU forward', async () => {
  const data = fixtureData(longFx())
  const jobs = [mixedJobs(data, 2)[0], mixedJobs(data, 2)[5]]
  const reply = await train({ data, jobs, checkpoints: false })
  for (let j = 0; j < jobs.length; j++) {
    const res = reply.results[j]
    const rows = jobs[j].valRows
    const x = rowMajor(data, rows)
    const pred: Float32Array = await page.evaluate(([p, s, xx]) => (window as any).lab.enginePredict(p, s, xx, 6), [res.params, jobs[j].scaler, x] as const)
    const cpu = predict(res.params, jobs[j].scaler, x, 6)
    let sse = 0
    rows.forEach((r, k) => {
      sse += (pred[k] - data.y[r]) ** 2
      expect(Math.abs(pred[k] - cpu[k])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(cpu[k])))
    })
    expect(res.valLoss.at(-1)! / (sse / rows.length)).toBeCloseTo(1, 5)
  }
})

test('a diverging model (lr 1e9) stops with a message naming it and the epoch; the others go on unchanged', async () => {
  const data = fixtureData(longFx())
  const good = seededJob(data, { id: 'steady', widths: [6, 16, 8, 1], seed: 7, epochs: 4 })
  const wild = { ...seededJob(data, { id: 'wild', widths: [6, 16, 8, 1], seed: 8, epochs: 4 }), lr: 1e9 }
  const wildAny = { ...seededJob(data, { id: 'wild-deep', widths: [6, 32, 16, 8, 1], seed: 9, epochs: 4 }), lr: 1e9 }
  const reply = await train({ data, jobs: [good, wild, wildAny], checkpoints: false })
  const [g, w, wa] = reply.results
  expect(g.status).toBe('done')
  for (const [r, label] of [[w, 'model wild'], [wa, 'model wild-deep']] as const) {
    expect(r.status).toBe('diverged')
    expect(r.message).toMatch(new RegExp(`^${label} diverged in epoch \\d`))
    const e = Number(/epoch (\d+)/.exec(r.message!)![1])
    expect(r.trainLoss.length).toBe(e - 1)
    expect(r.checkpoint?.epoch ?? 0).toBe(e - 1)
    expect(Array.from(r.params.layers[0].W).every(Number.isFinite)).toBe(true)
  }
  const alone = await train({ data, jobs: [good], checkpoints: false })
  expect(bits(alone.results[0].checkpoint!.params)).toEqual(bits(g.checkpoint!.params))
})

test('cancel: the run stops at once with the last checkpoint; resume after a device loss ends bit-identical', async () => {
  const data = fixtureData(longFx())
  const jobs = mixedJobs(data, 6).slice(2, 5)
  const full = await train({ data, jobs })
  // Cancel after epoch 2: every job keeps a checkpoint equal to the uninterrupted run's at that epoch.
  const cancelled = await train({ data, jobs: jobs.map((j) => ({ ...j, epochs: 400 })), cancelAfterEpoch: 2 })
  for (const r of cancelled.results) {
    expect(r.status).toBe('cancelled')
    expect(r.message).toMatch(/cancelled after epoch \d+/)
    const cp = r.checkpoint!
    expect(cp.epoch).toBeGreaterThanOrEqual(2)
    expect(cp.epoch).toBeLessThan(10) // stopped within a few epochs of the request, not after 400
    const ref = full.events.find((e) => e.job === cancelled.results.indexOf(r) && e.epoch === cp.epoch)
    if (ref) expect(bits(cp.params)).toEqual(bits(ref.checkpoint.params))
  }
  expect(cancelled.memoryAfter.buffers).toBe(0)
  console.log(`cancel: train() returned ${cancelled.cancelMs?.toFixed(1)} ms after abort()`)

  // Cancel while the rows are uploaded (108 blocks of 100 rows): the upload stops within a few blocks, no epoch runs.
  const early = await train({ data, jobs, options: { blockRows: 100 }, cancelAfterBlocks: 5 })
  expect(early.blocksAsked).toBeGreaterThanOrEqual(5)
  expect(early.blocksAsked).toBeLessThan(10)
  expect(early.events).toHaveLength(0)
  for (const r of early.results) expect(r.status).toBe('cancelled')
  expect(early.memoryAfter.buffers).toBe(0)

  // Device loss after epoch 2, then resume on a new device: the same final weights, bit for bit.
  const lost = await train({ data, jobs, loseDeviceAfterEpoch: 2 })
  for (const r of lost.results) {
    expect(r.status).toBe('device-lost')
    expect(r.message).toMatch(/device was lost after epoch \d/)
    expect(r.checkpoint!.epoch).toBeGreaterThanOrEqual(2)
  }
  const resumed = await train({ data, jobs, resume: lost.results.map((r) => r.checkpoint) })
  resumed.results.forEach((r, j) => {
    expect(r.status, r.message).toBe('done')
    const done = lost.results[j].checkpoint!.epoch
    expect(r.trainLoss).toEqual(full.results[j].trainLoss.slice(done))
    expect(bits(r.checkpoint!.params)).toEqual(bits(full.results[j].checkpoint!.params))
    expect(bits(r.checkpoint!.v)).toEqual(bits(full.results[j].checkpoint!.v))
    expect(r.steps).toBe(full.results[j].steps)
  })
})

test('20 consecutive runs leave no GPU buffer behind', async () => {
  const data = fixtureData(loadTorchFixture('mlp_small'))
  const jobs = mixedJobs(data, 1)
  for (let i = 0; i < 20; i++) {
    const reply = await train({ data, jobs, checkpoints: false })
    expect(reply.results.every((r) => r.status === 'done')).toBe(true)
    expect(reply.memoryAfter).toEqual({ buffers: 0, bytes: 0 })
  }
})

// ---- the recipe on real data ---------------------------------------------------------------------

test("demo corpus, NightGrain held out, mlp_small 30 epochs: seed 0 inside PyTorch's seed range ± 0.01, each seed near PyTorch's", async () => {
  // The app's own path: ingest → split (rows ordered like the reference frame) → jobs → engine.
  const table = await loadDemo(['nflx_like.parquet'])
  const split = makeSplit(table, { mode: 'netflix-only', holdoutSource: 'NightGrain' })
  const data = tableToTrainData(table, CANONICAL_FEATURES)
  const nf = data.columns.length
  const { trainRows, valRows } = split
  // All five seeds in one run (one workgroup each), as a LOSO sweep would.
  const jobs = [0, 1, 2, 3, 4].map((seed) =>
    makeJob({ id: `s${seed}`, label: `fold NightGrain seed ${seed}`, widths: [nf, 16, 8, 1], seed, scalerMode: 'standard',
      data, trainRows, valRows, epochs: 30, batchSize: 256, lr: 1e-3 }),
  )
  const reply = await train({ data, jobs, checkpoints: false })
  const target = Array.from(valRows, (r) => data.y[r])
  const ours = reply.results.map((res, j) => {
    expect(res.status, res.message).toBe('done')
    return plcc(predict(res.params, jobs[j].scaler, rowMajor(data, valRows), nf), target)
  })
  const torch: number[] = readJson('fixtures', 'loso_torch_demo.json').runs.a.NightGrain.map((m: { plcc: number }) => m.plcc)
  const lo = Math.min(...torch) - 0.01
  const hi = Math.max(...torch) + 0.01
  console.log(`NightGrain held-out PLCC, WGSL engine seeds 0..4: ${ours.map((v) => v.toFixed(4)).join(' ')}\n` +
    `                                PyTorch seeds 0..4: ${torch.map((v) => v.toFixed(4)).join(' ')} → range [${lo.toFixed(4)}, ${hi.toFixed(4)}]`)
  expect(ours[0]).toBeGreaterThanOrEqual(lo)
  expect(ours[0]).toBeLessThanOrEqual(hi)
  // Our init and shuffle replay torch's RNG stream, so each seed tracks PyTorch's same seed.
  ours.forEach((v, s) => expect(Math.abs(v - torch[s])).toBeLessThan(0.005))
})

test('odd shapes (3 and 9 features, batches of 1, 7 and 300, one hidden layer, 4 hidden layers) follow the CPU reference', async () => {
  const fx = longFx()
  const rows = 600
  const make = (nf: number): TrainData => {
    const x = new Float32Array(rows * nf)
    for (let r = 0; r < rows; r++) for (let f = 0; f < nf; f++) x[r * nf + f] = fx.x[r][f % 6] * (1 + f / 7)
    return trainDataFromRows(x, nf, Float32Array.from(fx.y.slice(0, rows)))
  }
  const cases: { nf: number; hidden: number[]; batch: number; epochs: number }[] = [
    { nf: 3, hidden: [16, 8], batch: 7, epochs: 1 }, // small kernel, one input vec4
    { nf: 6, hidden: [16, 8], batch: 1, epochs: 1 },
    { nf: 9, hidden: [16, 8], batch: 300, epochs: 3 }, // too many features for the small kernel
    { nf: 6, hidden: [10], batch: 64, epochs: 2 },
    { nf: 3, hidden: [5, 7, 6, 3], batch: 33, epochs: 2 },
  ]
  for (const c of cases) {
    const data = make(c.nf)
    const widths = [c.nf, ...c.hidden, 1]
    const job = { ...seededJob(data, { id: `${c.nf}f-${c.hidden.join('x')}-b${c.batch}`, widths, seed: 11, epochs: c.epochs, fold: 1 }), batchSize: c.batch }
    const gpu = (await train({ data, jobs: [job], checkpoints: false })).results[0]
    const [cpu] = await new CpuTrainer().train(data, [job])
    expect(gpu.status, gpu.message).toBe('done')
    expect(gpu.steps).toBe(cpu.steps)
    const w = worst(gpu.checkpoint!.params, cpu.checkpoint!.params)
    expect(w.excess, `${job.id}: param ${w.at} is ${w.ours}, CPU ${w.torch}`).toBeLessThanOrEqual(0)
    gpu.trainLoss.forEach((l, e) => expect(Math.abs(l / cpu.trainLoss[e] - 1), `${job.id} train loss`).toBeLessThan(1e-4))
    gpu.valLoss.forEach((l, e) => expect(Math.abs(l / cpu.valLoss[e] - 1), `${job.id} val loss`).toBeLessThan(1e-4))
  }
})

test('a job with no epochs left is done at once, and bad jobs are refused with a message naming them', async () => {
  const data = fixtureData(loadTorchFixture('mlp_small'))
  const job = seededJob(data, { id: 'idle', widths: [6, 16, 8, 1], seed: 1, epochs: 0 })
  const reply = await train({ data, jobs: [job] })
  expect(reply.results[0].status).toBe('done')
  expect(reply.results[0].steps).toBe(0)
  const bad = { ...seededJob(data, { id: 'wide', widths: [6, 200, 1], seed: 1, epochs: 1 }) }
  await expect(train({ data, jobs: [bad] })).rejects.toThrow(/model wide: every width must be an integer in 1\.\.128/)
})
