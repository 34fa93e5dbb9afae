// The study tab's statistics in the app (headless Chromium, WebGPU on SwiftShader): a run on the
// demo corpus fills the fold table, the forest plot (Δ with bootstrap CI) and the per-fold dot
// plot, the share link is copied and reads back; a 2-epoch run shows the convergence warning and
// names no outlier. Screenshots at 1280×800 go to test-results/experiments/.
import { expect, test, type Page } from '@playwright/test'

const OUT = 'test-results/experiments'

async function openStudy(page: Page, query = '') {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto(`/?tab=study${query}`)
  await expect(page.getByTestId('study-panel')).toBeVisible()
}

async function runAndWait(page: Page) {
  await page.getByTestId('study-run').click()
  await expect(page.getByTestId('study-panel')).toHaveAttribute('data-status', 'done', { timeout: 600_000 })
}

test('a study fills the fold table, the forest plot and the dot plot; the share link reads back', async ({ page }) => {
  test.setTimeout(900_000)
  await openStudy(page, '&epochs=30&seeds=2')
  await runAndWait(page)

  const results = page.getByTestId('experiment-results')
  await expect(results).toBeVisible()
  // 9 folds × 3 arms, every cell a PLCC
  const table = page.getByTestId('experiment-folds')
  await expect(table.locator('tbody tr')).toHaveCount(9)
  const cells = await table.getByTestId('fold-cell').allInnerTexts()
  expect(cells).toHaveLength(27)
  for (const c of cells) expect(c).toMatch(/^0\.\d{4}$/)
  await expect(table.locator('thead th.arm')).toHaveText(['(a) nflx only', '(b) nflx + konvid', '(c) nflx only, steps-matched'])
  await expect(table.locator('tfoot tr').nth(1)).toContainText('…')

  // the forest plot: three comparisons, drawn, with their numbers in the table below it
  const forest = page.getByTestId('forest-plot')
  await expect(forest).toHaveAttribute('data-rows', '3')
  await expect(forest.locator('canvas')).toHaveCount(1)
  const box = await forest.locator('canvas').boundingBox()
  expect(box!.width).toBeGreaterThan(300)
  const rows = forest.getByTestId('forest-table').locator('tbody tr')
  await expect(rows).toHaveCount(3)
  await expect(rows.first()).toContainText('b − a')
  await expect(rows.first().locator('td').nth(2)).toHaveText(/^[+-]0\.\d{4} … [+-]0\.\d{4}$/)
  await expect(page.getByTestId('fold-dots').locator('canvas')).toHaveCount(1)

  const reading = await page.getByTestId('experiment-reading').innerText()
  expect(reading).toMatch(/^foxbird: 3 arms over 9 folds × 2 seeds \(54 runs\)\./)
  expect(reading).toMatch(/b − a: Δ PLCC [+-]0\.\d{4} \(95% CI/)
  await expect(page.getByTestId('convergence-warning')).toHaveCount(0)

  await page.screenshot({ path: `${OUT}/study-statistics-1280x800.png` })
  await results.scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${OUT}/study-statistics-charts-1280x800.png` })

  // the share link is copied, the address bar stays as it was, and the link reads back
  const before = page.url()
  await page.getByTestId('study-share').click()
  await expect(page.getByTestId('study-share')).toHaveText('Link copied')
  expect(page.url()).toBe(before)
  const link = await page.evaluate(() => navigator.clipboard.readText())
  const q = new URL(link).searchParams
  expect(q.get('tab')).toBe('study')
  expect(q.get('epochs')).toBe('30')
  expect(q.get('seeds')).toBe('2')
  expect(q.get('arms')).toBe('abc')
})

test('an undertrained study shows the convergence warning and names no outlier', async ({ page }) => {
  test.setTimeout(600_000)
  await openStudy(page, '&epochs=2&seeds=1')
  await runAndWait(page)
  const warning = page.getByTestId('convergence-warning')
  await expect(warning).toBeVisible()
  await expect(warning).toContainText('did not converge')
  await expect(warning).toContainText('train for more epochs or raise the learning rate')
  await expect(page.getByTestId('study-outlier-fold')).toHaveCount(0)
  await expect(page.getByTestId('study-reading')).toContainText('no fold is called an outlier')
  await expect(page.getByTestId('experiment-reading')).not.toContainText(/lowest fold [A-Z]/)
  await expect(page.getByTestId('experiment-reading')).toContainText('comparisons from runs that did not converge do not count')
  await expect(page.getByTestId('study-panel')).toContainText('Leave one nflx source out, 9 times')
  await page.getByTestId('experiment-results').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${OUT}/study-undertrained-1280x800.png` })
})
