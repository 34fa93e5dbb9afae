// The Train panel end to end: demo corpus → train → live chart; cancel keeps finished epochs;
// extra columns train as features and reach the exported model; the validation split modes;
// the Experiments tab and the Train tab share one worker without running into each other; auto says which
// engine it picked and why; without WebGPU the app says so plainly and trains on the WebAssembly trainer.
import { mkdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium, type Locator, type Page } from '@playwright/test'
import { expect, test } from './appTest.ts'
import { chromiumArgs, chromiumPath } from '../src/node/chromium.ts'
import { inspectOnnx } from '../src/onnx/inspect.ts'

/** Open a model card's downloads menu and pick one of its items. */
async function pick(model: Locator, item: string) {
  await model.getByTestId('downloads').click()
  await model.getByTestId(item).click()
}

const SIX = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2']

async function loadDemo(page: Page, extras: string[] = [], query = '') {
  await page.goto(`/?tab=data${query}`)
  await page.getByTestId('load-demo').click()
  if (extras.length) {
    // the Data tab reads the files again with the extra columns checked
    const data = page.getByTestId('data-panel')
    await expect(data).toHaveAttribute('data-rows', '20072', { timeout: 120_000 })
    await expect(data).toHaveAttribute('data-status', 'ready')
    for (const e of extras) await page.getByTestId('extras').getByLabel(e, { exact: true }).check()
    await page.getByTestId('apply-extras').click()
    for (const e of extras) await expect(page.locator(`[data-testid=features] tr[data-feature=${e}]`)).toBeVisible({ timeout: 60_000 })
  }
  await page.locator('[data-tab=train]').click()
  // the panel reports the rows once the whole demo corpus (10,800 nflx + 9,272 konvid rows) is in
  const info = page.getByTestId('train-data')
  await expect
    .poll(async () => `${await info.getAttribute('data-loading')} ${await info.getAttribute('data-rows')}`, { timeout: 120_000 })
    .toBe('false 20072')
}

const trainButton = (page: Page) => page.locator('[data-panel=train] form').getByRole('button', { name: 'Train' })

async function setField(page: Page, name: string, value: string) {
  await page.locator(`form [name=${name}]`).fill(value)
}

async function losses(page: Page): Promise<number[][]> {
  return page.getByTestId('model-row').evaluateAll((rows) => rows.map((r) => JSON.parse(r.getAttribute('data-train-loss') ?? '[]')))
}

test('trains mlp_small on the demo corpus with a live loss chart', async ({ page }) => {
  await loadDemo(page)
  await page.locator('form [name=arch]').selectOption('mlp_small')
  await setField(page, 'epochs', '4')
  await trainButton(page).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 })

  await expect(page.getByTestId('train-device')).not.toContainText('Starting')
  // auto says which engine it picked for mlp_small on this adapter and why, and the run trained there
  const notice = page.getByTestId('train-notice')
  await expect(notice).toContainText(/^mlp_small on (a software adapter|a GPU \(.+\)): the (CPU trainer|WebGPU engine)/)
  const said = (await notice.textContent()) ?? ''
  if (/: the CPU trainer is \d+\.\d× faster/.test(said)) await expect(page.getByTestId('train-device')).toContainText('CPU WebAssembly SIMD')
  else await expect(page.getByTestId('train-device')).toContainText('WebGPU')
  // the page is cross-origin isolated: the train worker got the Data tab's shared memory, not a copy
  await expect(page.getByTestId('train-device')).toHaveAttribute('data-rows-from', 'shared memory')
  const [loss] = await losses(page)
  expect(loss.length).toBe(4)
  expect(loss.every(Number.isFinite)).toBe(true)
  expect(loss[3]).toBeLessThan(loss[0])
  // train + validation (NightGrain-style holdout is the default) points drawn
  expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBe(8)
  await expect(page.getByTestId('loss-chart').locator('canvas')).toBeVisible()
  await expect(page.getByTestId('model-row')).toHaveAttribute('data-status', 'done')
  await expect(page.getByTestId('trained-count')).toContainText('1 trained model')
  // the finished model went to the registry (Evaluate tab)
  await expect(page.locator('[data-testid=model-item][data-origin=trained][data-model-id^="mlp_small-seed0-"]')).toHaveCount(1)
})

test('extra columns train as features: an 8-feature model exports, lists its features and evaluates', async ({ page }) => {
  await loadDemo(page, ['adm_scale0', 'motion'])
  const eight = [...SIX, 'adm_scale0', 'motion']
  // every loaded feature is ticked by default: the user loaded the extras to use them
  await expect(page.getByTestId('feature-picker')).toHaveAttribute('data-picked', eight.join(','))
  await page.locator('form [name=arch]').selectOption('mlp_small')
  await expect(page.getByTestId('arch-line')).toHaveText('8→16→8→1 · 289 parameters')
  // at least one feature: none ticked disables Train, with the reason
  const picker = page.getByTestId('feature-picker')
  for (const f of eight) await picker.locator(`input[value=${f}]`).uncheck()
  await expect(page.getByTestId('arch-line')).toHaveText('pick at least one input feature')
  await expect(trainButton(page)).toBeDisabled()
  for (const f of eight) await picker.locator(`input[value=${f}]`).check()
  await expect(picker).toHaveAttribute('data-picked', eight.join(','))

  await setField(page, 'epochs', '2')
  await trainButton(page).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 })
  await expect(page.getByTestId('run-info')).toHaveAttribute('data-features', eight.join(','))
  expect((await losses(page))[0]).toHaveLength(2)
  mkdirSync('test-results', { recursive: true })
  await page.screenshot({ path: resolve('test-results', 'train-panel.png'), fullPage: true })

  // the registry entry, the .onnx and its sidecar all take the 8 columns
  await page.locator('[data-tab=eval]').click()
  const model = page.locator('[data-testid=model-item][data-origin=trained][data-model-id^="mlp_small-seed0-"]')
  await expect(model).toHaveCount(1, { timeout: 30_000 })
  await expect(model).toContainText('8→16→8→1 MLP')
  await expect(model).toContainText(`features: ${eight.join(', ')}`)
  const [onnxDl] = await Promise.all([page.waitForEvent('download'), pick(model, 'download-onnx')])
  expect(inspectOnnx(readFileSync(await onnxDl.path()), 'm.onnx').inputs[0]).toMatchObject({ name: 'features', shape: ['N', 8] })
  const [sideDl] = await Promise.all([page.waitForEvent('download'), pick(model, 'download-sidecar')])
  const side = JSON.parse(readFileSync(await sideDl.path(), 'utf8'))
  expect(side).toMatchObject({ features: eight, input_shape: [-1, 8], arch: 'mlp_small' })
  expect(side.training.split).toMatch(/^netflix-source: /)
  // the Train tab trains through runExperiment: only the pipeline records the training rows' dataset
  // and the input files (the sidecar's provenance)
  expect(side).toMatchObject({ dataset: 'nflx+konvid' })
  expect(side.dataset_files.map((f: { rows: number }) => f.rows).reduce((a: number, b: number) => a + b, 0)).toBe(20072)
  // and it evaluates on the loaded data, fed the sidecar's 8 columns (2 epochs: the PLCC itself is
  // not yet meaningful — test/app/trainPlan.test.ts checks ORT against our forward pass)
  await model.getByTestId('evaluate-model').click()
  await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(model.getByTestId('model-last-report')).toHaveText(/PLCC -?[01]\.\d{3} on all 20,072 rows/)
})

test('a konvid-holdout run says which clips validate', async ({ page }) => {
  await loadDemo(page)
  await page.locator('form [name=split]').selectOption('konvid-holdout')
  await expect(page.locator('form [name=holdout]')).toHaveCount(0)
  await setField(page, 'konvid-fraction', '0.2')
  const described =
    /^konvid-holdout: trained on all 9 nflx sources \+ the other 272 konvid clips \([\d,]+ rows\), validated on 68 of 340 konvid clips \(20%, seed 0, whole clips\)/
  await expect(page.getByTestId('split-description')).toHaveText(described)
  await setField(page, 'epochs', '1')
  await trainButton(page).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 })
  await expect(page.getByTestId('run-split')).toHaveText(described)
  const val = await page.getByTestId('model-row').locator('td').nth(4).innerText()
  expect(Number(val)).toBeGreaterThan(0)
})

test('cancel mid-run keeps the finished epochs and can resume', async ({ page }) => {
  await loadDemo(page)
  // mlp_large: 5000 epochs of mlp_small take the WebAssembly trainer (auto's pick here) only ~15 s,
  // which a loaded machine can spend before the Cancel click lands
  await page.locator('form [name=arch]').selectOption('mlp_large')
  await setField(page, 'epochs', '5000')
  await trainButton(page).click()
  await expect.poll(async () => (await losses(page))[0]?.length ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
  // the Experiments tab shares the train worker: it waits its turn instead of cancelling this run
  await page.locator('[data-tab=experiments]').click()
  await expect(page.getByTestId('experiments-run')).toBeDisabled()
  await expect(page.getByTestId('experiments-trainer-busy')).toContainText('the Train tab is training on this device')
  await page.locator('[data-tab=train]').click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'training')
  await page.locator('[data-panel=train]').getByRole('button', { name: 'Cancel' }).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'cancelled', { timeout: 30_000 })
  const [kept] = await losses(page)
  expect(kept.length).toBeGreaterThanOrEqual(2)
  expect(kept.length).toBeLessThan(5000)
  expect(kept.every(Number.isFinite)).toBe(true)
  await expect(page.getByTestId('model-row')).toHaveAttribute('data-status', 'cancelled')
  await page.locator('[data-tab=experiments]').click()
  await expect(page.getByTestId('experiments-run')).toBeEnabled() // the worker is free again
  await page.locator('[data-tab=train]').click()
  expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(2 * kept.length)

  // resume continues from the last completed epoch, then cancel again
  await page.locator('[data-panel=train]').getByRole('button', { name: 'Resume' }).click()
  await expect.poll(async () => (await losses(page))[0].length, { timeout: 60_000 }).toBeGreaterThan(kept.length)
  await page.locator('[data-panel=train]').getByRole('button', { name: 'Cancel' }).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'cancelled', { timeout: 30_000 })
  const [after] = await losses(page)
  expect(after.slice(0, kept.length)).toEqual(kept)
})

test('a lost GPU device is reported and the run resumes from the last completed epoch', async ({ page }) => {
  // on SwiftShader auto trains on the WebAssembly trainer (faster there): force the GPU engine
  await loadDemo(page, [], '&trainer=gpu')
  await expect(page.getByTestId('train-device')).toContainText('WebGPU', { timeout: 60_000 })
  await page.locator('form [name=arch]').selectOption('mlp_small')
  await setField(page, 'epochs', '5000')
  await trainButton(page).click()
  await expect.poll(async () => (await losses(page))[0]?.length ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
  // what a driver reset does: the train worker's GPUDevice is destroyed under the running engine
  const workers = page.workers().filter((w) => w.url().includes('train.worker'))
  expect(workers.length).toBeGreaterThan(0)
  for (const w of workers)
    await w.evaluate(() => {
      const proto = GPUDevice.prototype
      const original = proto.createCommandEncoder
      proto.createCommandEncoder = function (this: GPUDevice, d?: GPUCommandEncoderDescriptor) {
        proto.createCommandEncoder = original
        this.destroy()
        return original.call(this, d)
      }
    })
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'interrupted', { timeout: 60_000 })
  await expect(page.getByTestId('train-messages')).toContainText(/device was lost after epoch \d+.*Resume continues/)
  await expect(page.getByTestId('model-row')).toHaveAttribute('data-status', 'device-lost')
  const [kept] = await losses(page)
  expect(kept.length).toBeGreaterThanOrEqual(2)

  // Resume asks for a new device and continues where the last completed epoch left off
  await page.locator('[data-panel=train]').getByRole('button', { name: 'Resume' }).click()
  await expect.poll(async () => (await losses(page))[0].length, { timeout: 60_000 }).toBeGreaterThan(kept.length + 1)
  await expect(page.getByTestId('train-device')).toContainText('WebGPU')
  await page.locator('[data-panel=train]').getByRole('button', { name: 'Cancel' }).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'cancelled', { timeout: 30_000 })
  const [after] = await losses(page)
  expect(after.slice(0, kept.length)).toEqual(kept)
  expect(after.every(Number.isFinite)).toBe(true)
})

test('without WebGPU it says so plainly and trains on the WebAssembly CPU trainer', async ({ baseURL }) => {
  // a browser of its own: the same Chromium without --enable-unsafe-webgpu has no adapter
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: chromiumArgs().filter((a) => a !== '--enable-unsafe-webgpu'),
    headless: true,
  })
  try {
    const page = await browser.newPage({ baseURL })
    page.on('pageerror', (e) => console.log('[pageerror]', e.message))
    await loadDemo(page)
    await expect(page.getByTestId('train-notice')).toContainText(/WebGPU unavailable: .+ — training on the CPU WebAssembly SIMD \(\d+ workers?\) instead/)
    await expect(page.getByTestId('train-device')).toContainText('CPU WebAssembly SIMD')
    await setField(page, 'epochs', '3')
    await trainButton(page).click()
    await expect(page.locator('.train')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 })
    const [loss] = await losses(page)
    expect(loss.length).toBe(3)
    expect(loss[2]).toBeLessThan(loss[0])

    // the WebAssembly trainer's workers look for a cancel between slices, so it gets through mid-run
    await page.locator('form [name=arch]').selectOption('mlp_large') // long enough to cancel on any trainer
    await setField(page, 'epochs', '5000')
    await trainButton(page).click()
    await expect.poll(async () => (await losses(page))[0]?.length ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
    await page.locator('[data-panel=train]').getByRole('button', { name: 'Cancel' }).click()
    await expect(page.locator('.train')).toHaveAttribute('data-phase', 'cancelled', { timeout: 10_000 })
    expect((await losses(page))[0].length).toBeLessThan(5000)
  } finally {
    await browser.close()
  }
})
