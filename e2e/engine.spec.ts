// The WGSL engine in headless Chromium (SwiftShader here), against PyTorch's trajectories and
// against itself (together = alone, determinism, divergence, cancel, device loss, leaks).
// Fixtures are read in Node and handed to the harness page (window.lab, src/harness/engine.ts).
import { expect, test, type Page } from '@playwright/test'
import { flattenFixture, loadTorchFixture, type TorchFixture } from '../test/helpers/torchFixture.ts'
import { initParams } from '../src/model/init.ts'
import { fitScaler } from '../src/model/scaler.ts'
import { unflattenParams } from '../src/model/params.ts'
import type { TrainData, TrainJob } from '../src/model/trainer.ts'
import type { EngineTrainReply, EngineTrainRequest } from '../src/harness/engine.ts'
import type { GpuTrainerOptions } from '../src/engine/index.ts'

test.describe.configure({ mode: 'serial' })

let page: Page
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  page.on('pageerror', (e) => console.log('[page error]', e.message))
  await page.goto('/harness.html')
  await page.waitForFunction(() => (window as unknown as { lab?: { ready?: boolean } }).lab?.ready === true)
})
test.afterAll(async () => page.close())

function train(req: EngineTrainRequest): Promise<EngineTrainReply> {
  return page.evaluate((r) => (window as any).lab.engineTrain(r), req)
}

// ---- PyTorch fixtures -------------------------------------------------------------------------

function fixtureData(fx: TorchFixture): TrainData {
  return { x: Float32Array.from(fx.x.flat()), y: Float32Array.from(fx.y), nFeatures: fx.widths[0] }
}

/** Replays the fixture: its init and scaler, one "epoch" per recorded batch (a checkpoint per step). */
function fixtureJob(fx: TorchFixture, id = fx.arch): TrainJob {
  const n = fx.x.length
  return {
    id,
    label: id,
    widths: fx.widths,
    init: unflattenParams(fx.widths, Float32Array.from(flattenFixture(fx.init))),
    scaler: fx.scaler,
    trainRows: Uint32Array.from({ length: n }, (_, i) => i),
    valRows: new Uint32Array(0),
    epochs: fx.batches.length,
    batchSize: fx.batch_size,
    lr: fx.lr,
    order: { kind: 'explicit', epochs: fx.batches.map((b) => Uint32Array.from(b)) },
  }
}

/** Largest violation of |a − b| ≤ 1e-5 or ≤ 1e-4·|b| (≤ 0 means within bounds), and where. */
function worst(ours: ArrayLike<number>, torch: ArrayLike<number>): { excess: number; at: number; ours: number; torch: number } {
  expect(ours.length).toBe(torch.length)
  let w = { excess: -Infinity, at: -1, ours: NaN, torch: NaN }
  for (let i = 0; i < torch.length; i++) {
    const d = Math.abs(ours[i] - torch[i])
    const excess = Math.min(d - 1e-5, d - 1e-4 * Math.abs(torch[i]))
    if (!(excess <= w.excess)) w = { excess, at: i, ours: ours[i], torch: torch[i] }
  }
  return w
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
      expect(reply.events.length).toBe(fx.steps.length)
      for (const st of fx.steps) {
        const ev = reply.events[st.step - 1]
        expect(ev.checkpoint.step).toBe(st.step)
        expect(Math.abs(ev.trainLoss - st.loss) / st.loss, `loss of step ${st.step}`).toBeLessThanOrEqual(1e-4)
        if (st.params_after) {
          const w = worst(ev.checkpoint.params, flattenFixture(st.params_after))
          expect(w.excess, `step ${st.step}: param ${w.at} is ${w.ours}, torch ${w.torch}`).toBeLessThanOrEqual(0)
        }
      }
      // Adam's first step: m = (1 − β1)·g, so g = m / 0.1
      const g = Array.from(reply.events[0].checkpoint.m, (m) => m / 0.1)
      const wg = worst(g, flattenFixture(fx.grads_step1))
      expect(wg.excess, `grad ${wg.at} is ${wg.ours}, torch ${wg.torch}`).toBeLessThanOrEqual(0)
      expect(reply.memoryAfter.buffers).toBe(0)
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
