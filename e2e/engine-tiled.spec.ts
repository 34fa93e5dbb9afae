// The tiled kernel (shaders/train_tiled.wgsl: parameters in workgroup memory, samples across lanes),
// which the engine picks on real GPUs. Here it runs on SwiftShader, forced with generic: 'tiled':
// against PyTorch's trajectories, against the 'any' kernel (it sums every gradient in the same
// order, so the weights are bit-identical here), and against itself (together = alone, same seed →
// same bits, however steps are cut into dispatches).
import { expect, test, type Page } from '@playwright/test'
import type { EngineTrainReply, EngineTrainRequest } from '../src/pageApi/engine.ts'
import type { GpuTrainerOptions } from '../src/engine/index.ts'
import { loadTorchFixture } from '../test/helpers/torchFixture.ts'
import { bits, expectTracksTorch, fixtureData, fixtureJob, longFx, mixedJobs, seededJob } from './engineJobs.ts'

test.describe.configure({ mode: 'serial' })

/** The tiled kernel for every model (the small kernel off), 64 lanes as on a GPU. */
const TILED: GpuTrainerOptions = { generic: 'tiled', tiledWorkgroup: 64, disableSmall: true }
/** The generic kernel shaped for software adapters, for the bit-for-bit comparison. */
const ANY: GpuTrainerOptions = { generic: 'any', disableSmall: true }

let page: Page
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  page.on('pageerror', (e) => console.log('[page error]', e.message))
  await page.goto('/pageApi.html')
  await page.waitForFunction(() => (window as unknown as { lab?: { ready?: boolean } }).lab?.ready === true)
})
test.afterAll(async () => page.close())

/** Two loss curves of the same length, every value finite, each within 1e-5 (relative) of the other's. */
function expectLossesClose(a: number[], b: number[], what: string) {
  expect(a.length, what).toBe(b.length)
  expect(a.length, what).toBeGreaterThan(0)
  a.forEach((l, e) => {
    expect(Number.isFinite(l) && Number.isFinite(b[e]), `${what}, epoch ${e}: ${l} vs ${b[e]}`).toBe(true)
    expect(Math.abs(l - b[e]), `${what}, epoch ${e}`).toBeLessThanOrEqual(1e-5 * Math.abs(b[e]))
  })
}

function train(req: EngineTrainRequest): Promise<EngineTrainReply> {
  return page.evaluate((r) => (window as any).lab.engineTrain(r), req)
}

for (const name of ['linear', 'mlp_small', 'mlp_medium', 'mlp_large'] as const) {
  test(`${name} (tiled kernel): every step's weights, loss and the first gradient match PyTorch`, async () => {
    const fx = loadTorchFixture(name)
    const reply = await train({ data: fixtureData(fx), jobs: [fixtureJob(fx)], options: TILED })
    const [res] = reply.results
    expect(res.status, res.message).toBe('done')
    expect(reply.kernels[0]).toBe('tiled')
    expectTracksTorch(reply, fx)
  })
}

test('tiled = any kernel bit for bit; together = alone; same seed → same bits', async () => {
  const data = fixtureData(longFx())
  const jobs = mixedJobs(data, 2)
  const tiled = await train({ data, jobs, checkpoints: false, options: TILED })
  expect(tiled.kernels).toEqual(jobs.map(() => 'tiled'))
  const any = await train({ data, jobs, checkpoints: false, options: ANY })
  expect(any.kernels).toEqual(jobs.map(() => 'any'))
  const again = await train({ data, jobs, checkpoints: false, options: TILED })
  for (let j = 0; j < jobs.length; j++) {
    const t = tiled.results[j]
    expect(t.status, t.message).toBe('done')
    expect(bits(t.checkpoint!.params), `${jobs[j].id}: tiled vs any`).toEqual(bits(any.results[j].checkpoint!.params))
    expect(bits(t.checkpoint!.m)).toEqual(bits(any.results[j].checkpoint!.m))
    expect(bits(t.checkpoint!.v)).toEqual(bits(any.results[j].checkpoint!.v))
    // losses are summed in another order (sample order, or lane partials over 64 lanes instead of 4):
    // float32 rounding apart. A job without validation rows has no validation loss (NaN, the
    // trainers' contract); every other loss must be a number, so a NaN fails here.
    expectLossesClose(t.trainLoss, any.results[j].trainLoss, `${jobs[j].id} train loss`)
    if (jobs[j].valRows.length === 0) expect([...t.valLoss, ...any.results[j].valLoss].every(Number.isNaN), `${jobs[j].id}: no validation rows`).toBe(true)
    else expectLossesClose(t.valLoss, any.results[j].valLoss, `${jobs[j].id} validation loss`)
    expect(bits(again.results[j].checkpoint!.params)).toEqual(bits(t.checkpoint!.params))
    expect(again.results[j].trainLoss).toEqual(t.trainLoss)
  }
  for (const j of [0, 3, 5]) {
    const alone = await train({ data, jobs: [jobs[j]], checkpoints: false, options: TILED })
    expect(bits(alone.results[0].checkpoint!.params), `${jobs[j].id} alone vs together`).toEqual(bits(tiled.results[j].checkpoint!.params))
    expect(alone.results[0].trainLoss).toEqual(tiled.results[j].trainLoss)
  }
})

test('tiled: how steps are cut into dispatches does not change a bit', async () => {
  const data = fixtureData(longFx())
  const jobs = [mixedJobs(data, 2)[3], mixedJobs(data, 2)[5]]
  const ref = await train({ data, jobs, checkpoints: false, options: TILED })
  for (const stepsPerDispatch of [1, 7]) {
    const cut = await train({ data, jobs, checkpoints: false, options: { ...TILED, stepsPerDispatch } })
    cut.results.forEach((r, j) => {
      expect(bits(r.checkpoint!.params), `${jobs[j].id}, ${stepsPerDispatch} steps per dispatch`).toEqual(bits(ref.results[j].checkpoint!.params))
      expect(r.trainLoss).toEqual(ref.results[j].trainLoss)
    })
  }
})

test('a model too big for the workgroup memory trains on the any kernel in the same run', async () => {
  const data = fixtureData(longFx())
  const big = { ...seededJob(data, { id: 'wide', widths: [6, 128, 128, 1], seed: 3, epochs: 1 }), trainRows: Uint32Array.from({ length: 512 }, (_, i) => i) }
  const small = seededJob(data, { id: 'medium', widths: [6, 64, 32, 1], seed: 4, epochs: 1 })
  const reply = await train({ data, jobs: [big, small], checkpoints: false, options: TILED })
  expect(reply.kernels).toEqual(['any', 'tiled'])
  reply.results.forEach((r) => expect(r.status, r.message).toBe('done'))
})
