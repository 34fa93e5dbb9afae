// The Sweep view of the Experiments tab in the app (headless Chromium, ?trainer=cpu: the
// WebAssembly trainer in Web Workers, onnxruntime-web evaluates), on the demo corpus: a 4-trial
// sweep of a small space with a 3-epoch budget gives the trials, states, epochs, objectives and
// importance that runSweep gives in Node for the same seed (the same trainer's kernels on
// worker_threads, onnxruntime-node); the best trial is the one the pipeline picks; brushing the
// objective axis dims the trials outside the range; the best trial opens in the designer as a
// seeded design, and trains on every row into the model registry.
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './appTest.ts'
import { runSweep, type SweepResult } from '../src/experiment/sweep.ts'
import { checkSpace } from '../src/experiment/sweepSpace.ts'
import { nodeWasmTrainer } from '../src/node/cpuWorkers.ts'
import { createNodeEvaluator } from '../src/node/ortNode.ts'
import { loadDemo } from '../test/helpers/demoTable.ts'

const SPACE = { arch: ['linear', 'mlp_small'], lr: { min: 1e-3, max: 3e-2 }, batchSize: [256, 512], epochs: 3 }
const TRIALS = 4
const SEED = 3
/** float32 predictions of two onnxruntime builds: the objectives agree far below any recipe difference */
const TOL = 1e-5
const SCREENS = resolve('test-results', 'screens')
test.use({ viewport: { width: 1280, height: 800 } })

async function reference(): Promise<SweepResult> {
  const [table, evaluator] = await Promise.all([loadDemo(), createNodeEvaluator()])
  const trainer = nodeWasmTrainer()
  try {
    return await runSweep(table, { trainer, evaluator }, { trials: TRIALS, seed: SEED, space: checkSpace(SPACE) })
  } finally {
    trainer.dispose()
    await evaluator.dispose()
  }
}

async function setSpace(page: Page) {
  await page.getByTestId('sweep-arch').fill(SPACE.arch.join(', '))
  await page.getByTestId('sweep-lr-min').fill(String(SPACE.lr.min))
  await page.getByTestId('sweep-lr-max').fill(String(SPACE.lr.max))
  await page.getByTestId('sweep-batch').fill(SPACE.batchSize.join(', '))
  await page.getByTestId('sweep-epochs').fill(String(SPACE.epochs))
  await page.getByTestId('sweep-trials').fill(String(TRIALS))
  await page.getByTestId('sweep-seed').fill(String(SEED))
}

const rows = (page: Page) =>
  page.getByTestId('sweep-trial').evaluateAll((els) =>
    els.map((e) => ({ id: e.getAttribute('data-id'), state: e.getAttribute('data-state'), epochs: Number(e.getAttribute('data-epochs')), objective: Number(e.getAttribute('data-objective')), dim: e.classList.contains('dim') })),
  )

test('a small sweep in the app equals runSweep in Node for the same seed; brush, promote to a design and to a final model', async ({ page }) => {
  test.setTimeout(240_000)
  const ref = reference()
  await page.goto('/?tab=experiments&trainer=cpu')
  await page.getByTestId('view-sweep').click()
  await setSpace(page)
  await expect(page.getByTestId('sweep-problem')).toHaveCount(0)
  const panel = page.getByTestId('sweep-panel')
  await page.getByTestId('sweep-run').click()
  await expect(panel).toHaveAttribute('data-status', /running|loading-data/)
  // live: trials show as running before the sweep ends
  await expect(page.locator('[data-testid="sweep-trial"][data-state="running"]').first()).toBeVisible({ timeout: 60_000 })
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 180_000 })

  const r = await ref
  const got = await rows(page)
  console.log(`app: ${JSON.stringify(got)}\nnode: ${JSON.stringify(r.trials.map((t) => ({ id: t.id, state: t.state, epochs: t.epochs, objective: t.objective })))}`)
  expect(got.map((t) => [t.id, t.state, t.epochs])).toEqual(r.trials.map((t) => [t.id, t.state, t.epochs]))
  expect(r.trials.some((t) => t.state === 'pruned')).toBe(true)
  for (const [i, t] of r.trials.entries()) expect(Math.abs(got[i].objective - t.objective!), t.id).toBeLessThanOrEqual(TOL)
  const best = page.getByTestId('sweep-best')
  await expect(best).toHaveAttribute('data-id', r.best!.id)
  expect(Math.abs(Number(await best.getAttribute('data-objective')) - r.best!.objective)).toBeLessThanOrEqual(TOL)
  for (const [k, v] of Object.entries(r.importance)) {
    const shown = await page.locator(`[data-testid="sweep-importance"] [data-param="${k}"]`).getAttribute('data-value')
    if (v === null) expect(shown, k).toBe('')
    else expect(Math.abs(Number(shown) - v), k).toBeLessThanOrEqual(1e-3)
  }
  // the best-so-far line ends at the best objective
  const curve = (await page.getByTestId('sweep-best-chart').getAttribute('data-best'))!.split(' ')
  expect(Math.abs(Number(curve.at(-1)) - r.best!.objective)).toBeLessThanOrEqual(TOL)

  // brush the top quarter of the objective axis: only trials in that range stay lit
  const axis = page.getByTestId('sweep-brush-axis')
  await axis.scrollIntoViewIfNeeded()
  const box = (await axis.boundingBox())!
  // from a quarter down to past the top (the pointer is captured, the range clamps at the top)
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.25)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2, box.y - 10, { steps: 4 })
  await page.mouse.up()
  const brush = (await page.getByTestId('sweep-parallel').getAttribute('data-brush'))!.split(' ').map(Number)
  const [lo, hi] = [Math.min(...brush), Math.max(...brush)]
  const objs = got.map((t) => t.objective)
  expect(hi).toBeCloseTo(Math.max(...objs), 9)
  expect(lo).toBeGreaterThan(Math.min(...objs))
  mkdirSync(SCREENS, { recursive: true })
  await page.getByTestId('sweep-panel').screenshot({ path: resolve(SCREENS, 'sweep.png') })
  const after = await rows(page)
  expect(after.map((t) => t.dim)).toEqual(after.map((t) => !(t.objective >= lo && t.objective <= hi)))
  expect(after.some((t) => t.dim)).toBe(true)

  // promote to a design: the designer opens it, 5 seeds, the best recipe against the default
  await page.getByTestId('sweep-to-design').click()
  await expect(page.getByTestId('experiments-view')).toHaveAttribute('data-view', 'design')
  await expect(page.getByTestId('design-name')).toHaveValue(`sweep-${r.best!.id}`)
  await expect(page.getByTestId('experiments-intro')).toContainText('5 seeds')

  // the final model: every row trains, it lands in the registry with no rows held out
  await page.getByTestId('view-sweep').click()
  await page.getByTestId('sweep-to-model').click()
  await expect(panel).toHaveAttribute('data-final', 'done', { timeout: 60_000 })
  await page.locator('[data-tab=eval]').click()
  const card = page.locator(`[data-testid="model-item"][data-model-id^="sweep-${r.best!.id}-all"]`)
  await expect(card).toHaveCount(1)
  await expect(card.getByTestId('card-split')).toHaveText('no rows held out')
  await expect(card.getByTestId('card-epochs')).toContainText(`${SPACE.epochs} epochs`)
  // and it is still the same model after a reload (IndexedDB)
  await page.reload()
  await page.locator('[data-tab=eval]').click()
  await expect(page.getByTestId('model-list')).toHaveAttribute('data-restored', 'true')
  await expect(card.getByTestId('card-split')).toHaveText('no rows held out')
  await expect(card.getByTestId('card-epochs')).toHaveText(`${SPACE.epochs} epochs`)
})

test('Cancel stops a sweep: the status says so, the progress was shown, the trials measured so far stay', async ({ page }) => {
  await page.goto('/?tab=experiments&trainer=cpu')
  await page.getByTestId('view-sweep').click()
  await setSpace(page)
  await page.getByTestId('sweep-epochs').fill('60')
  await page.getByTestId('sweep-trials').fill('8')
  const panel = page.getByTestId('sweep-panel')
  await page.getByTestId('sweep-run').click()
  await expect(page.locator('[data-testid="sweep-trial"][data-state="running"]').first()).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('sweep-phase')).toContainText('round 1 of 2: 4 trials to 20 epochs')
  await page.getByTestId('sweep-cancel').click()
  await expect(panel).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 })
  await expect(page.getByTestId('sweep-phase')).toContainText('cancelled')
  await expect(page.getByTestId('sweep-trial')).toHaveCount(4)
  await expect(page.locator('[data-testid="sweep-trial"][data-state="running"]')).toHaveCount(0)
  await expect(page.locator('[data-testid="sweep-trial"][data-state="cancelled"]')).toHaveCount(4)
  await expect(page.getByTestId('sweep-run')).toBeEnabled()
})
