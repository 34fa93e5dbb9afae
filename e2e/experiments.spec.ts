// The Experiments tab in the app (headless Chromium, WebGPU on SwiftShader), on the demo corpus:
//  - the dose preset, one click, edited, run: the fold table (arm colours, the values of the JSON
//    report), the forest plot, the per-fold dots, the dose chart, the loss charts, the downloads
//    (report, models, registry), and the share link (copied; opened in a new page it restores the
//    design; a damaged one gets a message), and the predicted-vs-VMAF scatter (a fold's n points per
//    arm in the arm's colour, a toggle per arm hides its points);
//  - foxbird undertrained (2 epochs): the convergence warning, no fold named as the outlier.
// Screenshots at 1280×800 go to test-results/screens/ (with the demo spec's).
import { mkdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './appTest.ts'
import { strFromU8, unzipSync } from 'fflate'
import { ARM_COLORS } from '../src/ui/experiment/armColors.ts'

const SCREENS = resolve('test-results', 'screens')
test.use({ viewport: { width: 1280, height: 800 } })

test.beforeEach(async ({ context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
})

async function shot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true })
  await page.screenshot({ path: resolve(SCREENS, `${name}.png`) })
}

async function open(page: Page, query = '?tab=experiments') {
  await page.goto(`/${query}`)
  await expect(page.getByTestId('experiments-panel')).toBeVisible()
}

async function runAndWait(page: Page) {
  const panel = page.getByTestId('experiments-panel')
  await page.getByTestId('experiments-run').click()
  await expect(panel).toHaveAttribute('data-status', /running|loading-data/, { timeout: 60_000 })
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 600_000 })
}

async function downloadBytes(page: Page, testid: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()])
  return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) }
}

/** The arm ids in the designer's table, in order. */
const armIds = (page: Page) => page.getByTestId('arm-id').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))

/** "#d9480f" → "rgb(217, 72, 15)", as computed styles give colours */
const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`

const DOSE_ARMS = ['konvid_0', 'konvid_10', 'konvid_25', 'konvid_50', 'konvid_100']

interface ReportJson {
  experiment: string
  arms: Record<string, { folds: { source: string; plcc: number; n: number }[]; mean: { plcc: number }; worst_fold: string | null }>
  comparisons: { a: string; b: string; delta_plcc: number; ci95: [number, number]; p: number }[]
  runs: { id: string; arm: string }[]
  design: { arms: { id: string }[]; seeds: number }
}

test('the dose preset runs in the app: tables, forest plot, dose chart, downloads and the share link', async ({ page, context }) => {
  test.setTimeout(900_000)
  await open(page)
  await page.getByTestId('preset-dose').click()
  const arms = page.getByTestId('arms-table').locator('tbody tr')
  await expect(arms).toHaveCount(5)
  await expect.poll(() => armIds(page)).toEqual(DOSE_ARMS)
  await runAndWait(page)
  await page.evaluate(() => window.scrollTo(0, 0))
  await shot(page, 'experiments')

  await expect(page.getByTestId('experiments-intro')).toHaveText(/^Leave one nflx source out, 9 times \(.+\): 5 arms × 9 folds × 1 seed = 45 models\.$/)
  await expect(page.getByTestId('experiments-count')).toHaveText('45 models, 45 fold results')
  await expect(page.getByTestId('convergence-warning')).toHaveCount(0)
  const reading = await page.getByTestId('experiment-reading').innerText()
  expect(reading).toMatch(/^dose: 5 arms over 9 folds × 1 seed \(45 runs\)\./)

  // the report's numbers are the page's numbers
  const json = await downloadBytes(page, 'experiments-download-json')
  expect(json.name).toBe('dose-report.json')
  const report = JSON.parse(json.bytes.toString('utf8')) as ReportJson
  expect(Object.keys(report.arms)).toEqual(DOSE_ARMS)
  expect(report.runs).toHaveLength(45)
  expect(report.experiment).toBe('dose')

  const table = page.getByTestId('experiment-folds')
  const header = table.locator('thead th.arm')
  await expect(header).toHaveCount(5)
  await expect(table.locator('tbody tr')).toHaveCount(9)
  const folds = await table.locator('tbody tr td:first-child').allInnerTexts()
  expect(folds).toEqual(report.arms.konvid_0.folds.map((f) => f.source))
  for (const [k, arm] of DOSE_ARMS.entries()) {
    const cells = await table.locator('tbody tr').locator(`td:nth-child(${k + 2})`).allInnerTexts()
    expect(cells, arm).toEqual(report.arms[arm].folds.map((f) => f.plcc.toFixed(4)))
  }
  // one colour per arm: the table header, the loss chart and the designer's swatch
  for (const [k, arm] of DOSE_ARMS.entries()) {
    const colour = rgb(ARM_COLORS[k])
    await expect(header.nth(k)).toHaveCSS('border-bottom-color', colour)
    await expect(page.getByTestId('loss-charts').locator(`figure[data-arm="${arm}"] figcaption i`)).toHaveCSS('background-color', colour)
    await expect(arms.nth(k).locator('td.id i')).toHaveCSS('background-color', colour)
  }
  await expect(page.getByTestId('loss-charts').locator('canvas')).toHaveCount(5)
  expect(await page.getByTestId('loss-charts').getAttribute('data-range')).toMatch(/^\d\S* \d\S*$/)

  // the forest plot: one row per comparison, with the report's Δ and CI
  const forest = page.getByTestId('forest-plot')
  await expect(forest).toHaveAttribute('data-rows', '4')
  await expect(forest.locator('canvas')).toHaveCount(1)
  expect((await forest.locator('canvas').boundingBox())!.width).toBeGreaterThan(300)
  const rows = forest.getByTestId('forest-table').locator('tbody tr')
  await expect(rows).toHaveCount(4)
  const signed = (v: number) => (v >= 0 ? `+${v.toFixed(4)}` : v.toFixed(4))
  for (const [i, c] of report.comparisons.entries()) {
    await expect(rows.nth(i).locator('td').nth(0)).toHaveText(`${c.b} − ${c.a}`)
    await expect(rows.nth(i).locator('td').nth(1)).toHaveText(signed(c.delta_plcc))
    await expect(rows.nth(i).locator('td').nth(2)).toHaveText(`${signed(c.ci95[0])} … ${signed(c.ci95[1])}`)
  }
  await expect(page.getByTestId('fold-dots').locator('canvas')).toHaveCount(1)
  await expect(page.getByTestId('dose-chart').locator('canvas')).toHaveCount(1)

  await page.getByTestId('experiment-results').scrollIntoViewIfNeeded()
  await shot(page, 'experiments-dose-results')

  // predicted vs VMAF on one fold: every arm in its table colour with the fold's n points; a toggle hides an arm
  const scatter = page.getByTestId('fold-scatter')
  const pick = page.getByTestId('scatter-fold')
  await expect(pick.locator('option')).toHaveText(folds)
  await expect(scatter).toHaveAttribute('data-fold', folds[0])
  await pick.selectOption(folds[4])
  await expect(scatter).toHaveAttribute('data-fold', folds[4])
  await expect(scatter).toHaveAttribute('data-seed', '0')
  const toggles = scatter.getByTestId('scatter-arm')
  await expect(toggles).toHaveCount(5)
  const nOf = (arm: string) => report.arms[arm].folds.find((f) => f.source === folds[4])!.n
  for (const [k, arm] of DOSE_ARMS.entries()) {
    await expect(toggles.nth(k)).toHaveAttribute('data-arm', arm)
    await expect(toggles.nth(k)).toHaveAttribute('data-drawn', String(nOf(arm)))
    await expect(toggles.nth(k)).toContainText(`${nOf(arm).toLocaleString('en-US')} points`)
    await expect(toggles.nth(k).locator('i')).toHaveCSS('background-color', rgb(ARM_COLORS[k]))
  }
  expect(nOf('konvid_0')).toBeGreaterThan(100)
  const canvas = scatter.locator('canvas')
  await expect(canvas).toHaveCount(1)
  const box = (await canvas.boundingBox())!
  expect(box.width / box.height).toBeGreaterThan(0.85)
  expect(box.width / box.height).toBeLessThan(1.2)
  // pixels in an arm's exact colour: the dots drawn on the canvas
  const pixels = (hex: string) =>
    canvas.evaluate((c: HTMLCanvasElement, rgbHex) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(rgbHex.slice(i, i + 2), 16))
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b && d[i + 3] === 255) n++
      return n
    }, hex)
  const last = DOSE_ARMS.length - 1
  expect(await pixels(ARM_COLORS[last])).toBeGreaterThan(50)
  await toggles.nth(last).click()
  await expect(toggles.nth(last)).toHaveAttribute('aria-pressed', 'false')
  await expect(toggles.nth(last)).toHaveAttribute('data-drawn', '0')
  await expect.poll(() => pixels(ARM_COLORS[last])).toBe(0)
  for (const k of [0, 1, 2, 3]) await expect(toggles.nth(k)).toHaveAttribute('data-drawn', String(nOf(DOSE_ARMS[k])))
  await scatter.scrollIntoViewIfNeeded()
  await shot(page, 'experiments-scatter')
  await toggles.nth(last).click()
  await expect(toggles.nth(last)).toHaveAttribute('data-drawn', String(nOf(DOSE_ARMS[last])))
  await expect.poll(() => pixels(ARM_COLORS[last])).toBeGreaterThan(50)

  // the models and the registry export
  const zip = await downloadBytes(page, 'experiments-download-zip')
  expect(zip.name).toBe('dose-models.zip')
  const models = Object.keys(unzipSync(zip.bytes)).filter((n) => n.endsWith('.onnx'))
  expect(models).toHaveLength(45)
  expect(models).toContain(`dose/konvid_25/${report.runs.find((r) => r.arm === 'konvid_25')!.id}.onnx`)
  const reg = unzipSync((await downloadBytes(page, 'experiments-download-registry')).bytes)
  const registry = JSON.parse(strFromU8(reg['registry.json'])) as { schema_version: number; models: { id: string; onnx: string }[] }
  expect(registry.schema_version).toBe(1)
  expect(registry.models).toHaveLength(45)
  for (const m of registry.models) {
    expect(m.id).toMatch(/^[a-z0-9][a-z0-9_-]*$/)
    expect(m.id.length).toBeLessThanOrEqual(64)
    expect(reg[m.onnx]).toBeDefined()
    expect(JSON.parse(strFromU8(reg[`${m.id}.json`])).id).toBe(m.id)
  }

  // edit the design, copy its link (the address bar stays), open it in a new page: the same design
  await page.getByTestId('design-seeds').fill('3')
  await page.getByTestId('design-first-seed').fill('2')
  await arms.nth(3).getByTestId('arm-epochs').fill('20')
  await arms.nth(2).getByTestId('arm-konvid-percent').fill('30')
  await arms.nth(2).getByTestId('arm-konvid-percent').blur()
  const before = page.url()
  await page.getByTestId('experiments-share').click()
  await expect(page.getByTestId('experiments-share')).toHaveText('Link copied')
  const link = await page.evaluate(() => navigator.clipboard.readText())
  expect(page.url()).toBe(before)
  await expect(page.getByTestId('experiments-share-url')).toHaveValue(link)
  expect(new URL(link).searchParams.get('tab')).toBe('experiments')
  expect(link.length).toBeLessThan(1500)

  const other = await context.newPage()
  await other.goto(link)
  await expect(other.getByTestId('experiments-panel')).toBeVisible()
  const otherArms = other.getByTestId('arms-table').locator('tbody tr')
  await expect.poll(() => armIds(other)).toEqual(DOSE_ARMS)
  await expect(other.getByTestId('design-seeds')).toHaveValue('3')
  await expect(other.getByTestId('design-first-seed')).toHaveValue('2')
  await expect(otherArms.nth(3).getByTestId('arm-epochs')).toHaveValue('20')
  await expect(otherArms.nth(2).getByTestId('arm-konvid-percent')).toHaveValue('30')
  await expect(otherArms.nth(0).getByTestId('arm-epochs')).toHaveValue('30')
  await expect(other.getByTestId('design-protocol')).toHaveValue('loso')
  await expect(other.getByTestId('preset-dose')).toHaveClass(/active/)
  await expect(other.getByTestId('experiments-messages')).toHaveCount(0)

  // a damaged link: one character of the design changed
  const url = new URL(link)
  const value = url.searchParams.get('design')!
  const at = Math.floor(value.length / 2)
  url.searchParams.set('design', value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1))
  const damaged = await context.newPage()
  await damaged.goto(url.href)
  const message = damaged.getByTestId('experiments-messages').getByTestId('notice')
  await expect(message).toHaveCount(1)
  await expect(message).toHaveAttribute('data-level', 'error')
  await expect(message).toContainText('the design in the link is damaged')
  await expect(message).toContainText('the designer keeps the foxbird preset')
  await expect.poll(() => armIds(damaged)).toEqual(['a', 'b', 'c'])
})

test('an undertrained foxbird run shows the convergence warning and names no outlier fold', async ({ page }) => {
  test.setTimeout(600_000)
  await open(page)
  await expect(page.getByTestId('preset-foxbird')).toHaveClass(/active/)
  const epochs = page.getByTestId('arm-epochs')
  await expect(epochs).toHaveCount(2) // (c) matches (b)'s steps
  await epochs.nth(0).fill('2')
  await epochs.nth(1).fill('2')
  await page.getByTestId('design-seeds').fill('2')
  await runAndWait(page)

  await expect(page.getByTestId('experiments-intro')).toHaveText(/^Leave one nflx source out, 9 times \(.+\): 3 arms × 9 folds × 2 seeds = 54 models\.$/)
  const warning = page.getByTestId('convergence-warning')
  await expect(warning).toContainText(/^arm a did not converge in 2 epochs \(none of its 18 runs converged; e\.g\. fold \w+, seed \d: the training loss/)
  await expect(warning).toContainText('train for more epochs or raise the learning rate')
  const table = page.getByTestId('experiment-folds')
  await expect(table.getByTestId('fold-cell')).toHaveCount(27)
  await expect(table.locator('td.worst')).toHaveCount(0)
  await expect(page.getByTestId('experiment-reading')).not.toContainText(/lowest fold [A-Z]/)
  await expect(page.getByTestId('experiment-reading')).toContainText('lowest fold not named')
  await expect(table.getByTestId('arm-convergence').locator('td').nth(1)).toHaveText('0 of 18')
  await expect(page.getByTestId('experiments-count')).toContainText(/c trains \d+ epochs/)
  // two seeds: the scatter has a seed picker, and each arm shows the fold's rows for the seed picked
  const scatter = page.getByTestId('fold-scatter')
  await expect(page.getByTestId('scatter-seed').locator('option')).toHaveText(['0', '1'])
  await page.getByTestId('scatter-seed').selectOption('1')
  await expect(scatter).toHaveAttribute('data-seed', '1')
  const drawn = await scatter.getByTestId('scatter-arm').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-drawn'))))
  expect(drawn).toHaveLength(3)
  expect(drawn[0]).toBeGreaterThan(100)
  expect(new Set(drawn).size).toBe(1)
  await page.getByTestId('experiment-results').scrollIntoViewIfNeeded()
  await shot(page, 'experiments-undertrained')
})

test('a cancelled run resumes: finished runs are kept, the others continue to the end', async ({ page }) => {
  test.setTimeout(600_000)
  await open(page)
  const epochs = page.getByTestId('arm-epochs')
  await expect(epochs).toHaveCount(2) // (c) matches (b)'s steps
  await epochs.nth(0).fill('2')
  await epochs.nth(1).fill('400')
  await page.getByTestId('design-seeds').fill('1')
  const panel = page.getByTestId('experiments-panel')
  const count = page.getByTestId('experiments-count')
  await page.getByTestId('experiments-run').click()
  // (b) and (c) train hundreds of epochs: a cancel at a few percent lands mid-run
  const pct = page.getByTestId('experiments-progress').locator('.pct')
  await expect.poll(async () => parseFloat((await pct.textContent()) ?? '0'), { timeout: 300_000 }).toBeGreaterThanOrEqual(3)
  await page.getByTestId('experiments-cancel').click()
  await expect(panel).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 })
  const kept = Number(/(\d+) fold results/.exec((await count.textContent()) ?? '')![1])
  expect(kept).toBeLessThan(27)
  await expect(page.getByTestId('experiments-progress')).toContainText(`cancelled: kept ${kept} of 27 models`)
  await page.getByTestId('experiments-resume').click()
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 600_000 })
  await expect(count).toContainText('27 models, 27 fold results')
  await expect(page.getByTestId('experiment-folds').getByTestId('fold-cell')).toHaveCount(27)
  await expect(page.getByTestId('experiments-resume')).toHaveCount(0)
})
