// The Train panel end to end: demo corpus → train → live chart; cancel keeps finished epochs;
// without WebGPU the app says so plainly and trains on the CPU reference.
import { chromium, expect, test, type Page } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../src/node/chromium.ts'

async function loadDemo(page: Page) {
  await page.goto('/?tab=data')
  await page.getByTestId('load-demo').click()
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

test('cancel mid-run keeps the finished epochs and can resume', async ({ page }) => {
  await loadDemo(page)
  await page.locator('form [name=arch]').selectOption('mlp_small')
  await setField(page, 'epochs', '5000')
  await trainButton(page).click()
  await expect.poll(async () => (await losses(page))[0]?.length ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
  await page.locator('[data-panel=train]').getByRole('button', { name: 'Cancel' }).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'cancelled', { timeout: 30_000 })
  const [kept] = await losses(page)
  expect(kept.length).toBeGreaterThanOrEqual(2)
  expect(kept.length).toBeLessThan(5000)
  expect(kept.every(Number.isFinite)).toBe(true)
  await expect(page.getByTestId('model-row')).toHaveAttribute('data-status', 'cancelled')
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
  await loadDemo(page)
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
  await expect(page.getByTestId('train-message')).toContainText(/device was lost after epoch \d+.*Resume continues/)
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

test('without WebGPU it says so plainly and trains on the CPU reference', async ({ baseURL }) => {
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
    await expect(page.getByTestId('train-notice')).toContainText(/WebGPU unavailable: .+ — training on the CPU reference/)
    await expect(page.getByTestId('train-device')).toContainText('CPU reference')
    await setField(page, 'epochs', '3')
    await trainButton(page).click()
    await expect(page.locator('.train')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 })
    const [loss] = await losses(page)
    expect(loss.length).toBe(3)
    expect(loss[2]).toBeLessThan(loss[0])

    // the CPU reference yields to the worker's event loop, so cancel gets through mid-run
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
