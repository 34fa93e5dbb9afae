// The demo as a room sees it, at 1280×800: load the demo corpus, train with a held-out source, and
// Evaluate shows the held-out rows only with that source marked, then all rows when asked (and says
// so); the Train button is on screen without scrolling. Then offline: a page loaded once reloads
// with the network gone, loads the demo corpus, trains and evaluates. Screenshots of every tab go
// to test-results/screens/.
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './appTest.ts'

const SCREENS = resolve('test-results', 'screens')
test.use({ viewport: { width: 1280, height: 800 } })

async function shot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true })
  await page.screenshot({ path: resolve(SCREENS, `${name}.png`) })
}

async function loadDemo(page: Page) {
  await page.locator('[data-tab=data]').click()
  await page.getByTestId('load-demo').click()
  const panel = page.getByTestId('data-panel')
  await expect(panel).toHaveAttribute('data-rows', '20072', { timeout: 120_000 })
  await expect(panel).toHaveAttribute('data-status', 'ready')
}

const trainButton = (page: Page) => page.locator('[data-panel=train] form').getByRole('button', { name: 'Train' })

async function train(page: Page, o: { epochs: number; holdout?: string; seeds?: string }) {
  await page.locator('[data-tab=train]').click()
  await expect(page.getByTestId('train-data')).toHaveAttribute('data-loading', 'false')
  await page.locator('form [name=split]').selectOption('netflix-source')
  if (o.holdout) await page.locator('form [name=holdout]').selectOption(o.holdout)
  await page.locator('form [name=epochs]').fill(String(o.epochs))
  await page.locator('form [name=seeds]').fill(o.seeds ?? '0')
  await trainButton(page).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'done', { timeout: 180_000 })
}

const sourceRows = (page: Page) => page.getByTestId('eval-result').locator('[data-testid=source-row], [data-testid=pooled-row]')

test('held-out source: Evaluate shows only its rows, marked, then all rows on request; Train is above the fold', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('intro')).toContainText('VMAF')
  await expect(page.getByTestId('intro')).toContainText('FoxBird')
  await loadDemo(page)
  await expect(page.getByTestId('feature-histograms')).toHaveAttribute('data-count', '6')
  await shot(page, 'data')

  await page.locator('[data-tab=train]').click()
  await expect(trainButton(page)).toBeInViewport({ ratio: 1 })
  await train(page, { epochs: 30, holdout: 'NightGrain', seeds: '0,1' })
  await expect(trainButton(page)).toBeInViewport({ ratio: 1 })
  await expect(page.getByTestId('run-split')).toContainText('NightGrain')
  await expect(page.getByTestId('train-progress')).toHaveText(/^done: 30 epochs × 2 models in [\d.]+ (ms|s)/)
  await shot(page, 'train')

  await page.locator('[data-tab=eval]').click()
  const trained = page.locator('[data-testid=model-item][data-origin=trained]')
  await expect(trained).toHaveCount(2)
  const model = trained.first()
  await expect(model.getByTestId('card-split')).toHaveText('NightGrain held out')
  await expect(model.getByTestId('card-epochs')).toHaveText('30 epochs')
  // readable names that tell the two apart
  expect(await trained.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual([
    'mlp_small · 30 epochs · NightGrain held out · seed 0',
    'mlp_small · 30 epochs · NightGrain held out · seed 1',
  ])
  await page.getByTestId('evaluate-all').click()
  await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })

  // the default: only the rows it did not train on, the source marked as held out
  const scope = page.getByTestId('eval-scope')
  await expect(scope).toHaveAttribute('data-scope', 'held-out')
  await expect(scope).toContainText('Held-out rows only: the 1,200 rows this model did not train on (NightGrain held out)')
  await expect(sourceRows(page)).toHaveCount(1)
  await expect(sourceRows(page).first()).toHaveAttribute('data-source', 'NightGrain')
  await expect(sourceRows(page).first()).toHaveAttribute('data-role', 'held out')
  await expect(page.getByTestId('compare-model')).toHaveCount(2)
  await expect(page.getByTestId('compare-caption')).toContainText('the 1,200 rows these models did not train on')
  await expect(model.getByTestId('card-heldout-plcc')).toHaveText(/^held-out PLCC 0\.\d{3}$/)
  await shot(page, 'eval')

  // all rows: it says so, and every other source is marked as trained on
  await page.getByTestId('eval-rows').getByLabel('all rows').check()
  await expect(scope).toHaveAttribute('data-scope', 'all')
  await expect(scope).toContainText('All 20,072 rows, including the rows this model trained on')
  await expect(sourceRows(page)).toHaveCount(10) // 9 nflx sources + the pooled konvid clips
  const roles = await sourceRows(page).evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-source'), r.getAttribute('data-role')]))
  for (const [source, role] of roles) expect(role, source!).toBe(source === 'NightGrain' ? 'held out' : 'in training')
  await expect(page.getByTestId('compare-caption')).toContainText('all 20,072 rows')
  await shot(page, 'eval-all-rows')

  await page.locator('[data-tab=experiments]').click()
  await shot(page, 'experiments')
})

test.describe('offline', () => {
  test.use({ serviceWorkers: 'allow' })

  test('loaded once, it reloads without a network, loads the demo corpus, trains and evaluates', async ({ page, context }) => {
    test.setTimeout(300_000)
    await page.goto('/')
    // the service worker is active once it has cached the app, onnxruntime-web and the demo corpus
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready
      if (!reg.active) throw new Error('no active service worker')
    })
    await context.setOffline(true)
    try {
      await page.reload()
      await expect(page.getByRole('heading', { name: 'vmaf-tiny-lab' })).toBeVisible()
      expect(await page.evaluate(() => !!navigator.serviceWorker.controller && crossOriginIsolated)).toBe(true)
      await loadDemo(page)
      // the static host's range-request notes never show for the bundled demo
      await expect(page.locator('[data-testid=messages] li[data-level=warning]')).toHaveCount(0)
      await train(page, { epochs: 3 })
      await page.locator('[data-tab=eval]').click()
      const model = page.locator('[data-testid=model-item][data-origin=trained]')
      await model.getByTestId('evaluate-model').click()
      await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
      await expect(page.getByTestId('eval-scope')).toHaveAttribute('data-scope', 'held-out')
      await expect(page.locator('[data-testid=eval-messages] li[data-level=error]')).toHaveCount(0)
    } finally {
      await context.setOffline(false)
    }
  })
})
