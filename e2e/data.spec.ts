// The data path in the real app: files dropped through #file and URLs stream through the data
// worker into the Data panel; bad input is reported by name and never touches what is loaded.
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './appTest.ts'
import { longestFrameGap, watchFrameGaps } from './frameGaps.ts'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { sharedPath } from '../test/helpers/shared.ts'

test.beforeEach(({ page }) => {
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[console error] ${m.text()}`)
  })
})

const panel = (page: Page) => page.getByTestId('data-panel')

async function ready(page: Page, rows: number) {
  try {
    await expect(panel(page)).toHaveAttribute('data-status', 'ready')
    await expect(panel(page)).toHaveAttribute('data-rows', String(rows))
  } catch (e) {
    const msgs = await page.locator('[data-testid=messages] li').allInnerTexts()
    console.log(`data panel messages:\n${msgs.join('\n')}`)
    throw e
  }
}

test('drop nflx_like.zstd.parquet: 10,800 rows, 9 sources of 1,200', async ({ page }) => {
  await page.goto('/')
  await expect(panel(page)).toHaveAttribute('data-status', 'empty')
  await page.setInputFiles('#file', sharedPath('data/nflx_like.zstd.parquet'))
  await ready(page, 10_800)
  await expect(panel(page)).toHaveAttribute('data-sources', '9')
  await expect(page.getByTestId('rows')).toHaveText('10,800')
  const frames = await page.locator('[data-testid=sources] [data-corpus=nflx] .src').evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-source'), e.getAttribute('data-frames')]),
  )
  expect(frames).toEqual(
    ['Harbor', 'Meadow', 'Alpine', 'Blossom', 'Creek', 'Cups', 'Ivy', 'Toonland', 'NightGrain'].map((s) => [s, '1200']),
  )
  await expect(page.locator('[data-testid=features] tr[data-feature=adm2] td')).toHaveCount(4)
  await expect(page.getByTestId('target-histogram').locator('canvas')).toBeVisible()

  // the same file again: said so, nothing doubled
  await page.setInputFiles('#file', sharedPath('data/nflx_like.zstd.parquet'))
  await expect(page.locator('[data-testid=messages] li[data-code=duplicate-file]')).toContainText('nflx_like.zstd.parquet')
  await ready(page, 10_800)
  await expect(panel(page)).toHaveAttribute('data-files', '1')
})

test('demo corpus: 20,072 rows in two corpora; a corrupt file after that keeps them', async ({ page }) => {
  await page.goto('/')
  await page.getByTestId('load-demo').click()
  await ready(page, 20_072)
  await expect(panel(page)).toHaveAttribute('data-corpora', 'nflx,konvid')
  await expect(panel(page)).toHaveAttribute('data-files', '5')
  await expect(page.locator('[data-testid=sources] [data-corpus=konvid] .src')).toHaveCount(340)

  // extra columns: the files are read again with them, same rows
  const extras = page.getByTestId('extras')
  await extras.getByLabel('adm_scale0').check()
  await extras.getByLabel('motion', { exact: true }).check()
  await extras.getByTestId('apply-extras').click()
  await expect(page.locator('[data-testid=features] tr[data-feature=motion]')).toBeVisible()
  await expect(page.locator('[data-testid=features] tr[data-feature=adm_scale0]')).toBeVisible()
  await ready(page, 20_072)
  await expect(panel(page)).toHaveAttribute('data-files', '5')

  await page.setInputFiles('#file', {
    name: 'broken.parquet',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('PAR1 this is not really a parquet file, it was cut short'),
  })
  const err = page.locator('[data-testid=messages] li[data-level=error]')
  await expect(err).toHaveCount(1)
  await expect(err).toContainText('broken.parquet')
  await expect(err).toContainText('truncated')
  await ready(page, 20_072)
  await expect(panel(page)).toHaveAttribute('data-files', '5')

  mkdirSync('test-results', { recursive: true })
  await page.screenshot({ path: resolve('test-results', 'data-panel.png'), fullPage: true })
})

test('pyarrow file without vmaf: clear answer, then load it with mos as the target', async ({ page }) => {
  await page.goto('/')
  await page.setInputFiles('#file', sharedPath('upstream-data/bisect_features.parquet'))
  const err = page.locator('[data-testid=messages] li[data-code=missing-column]')
  await expect(err).toContainText('missing required column "vmaf"')
  await expect(err).toContainText('Columns present: adm2, vif_scale0, vif_scale1, vif_scale2, vif_scale3, motion2, mos, row')
  await err.getByTestId('target-choice').selectOption('mos')
  await err.getByTestId('use-target').click()
  await ready(page, 256)
  await expect(page.locator('[data-testid=features] tr[data-feature=mos]')).toContainText('(target)')
  await expect(page.locator('[data-testid=messages] li[data-code=missing-column]')).toHaveCount(0)
})

test('?data= loads URLs; an unreachable URL is named', async ({ page }) => {
  await page.goto('/?data=demo/konvid_like/part-002.parquet')
  await ready(page, 2_325)
  await expect(panel(page)).toHaveAttribute('data-corpora', 'konvid')
  await page.getByTestId('url-input').fill('http://127.0.0.1:9/nowhere.parquet')
  await page.getByRole('button', { name: 'Load URL' }).click()
  const err = page.locator('[data-testid=messages] li[data-code=unreachable-url]')
  await expect(err).toContainText('http://127.0.0.1:9/nowhere.parquet')
  await expect(err).toContainText('could not be fetched')
  await ready(page, 2_325)
})

test('a very large single row group loads without freezing the page', async ({ page }) => {
  // 1,000,000 rows in ONE row group, written here
  const n = 1_000_000
  const col = (f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i))
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'source', data: Array.from({ length: n }, (_, i) => `s${i % 5}`), type: 'STRING', nullable: false },
      ...['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2'].map((name, j) => ({
        name,
        data: col((i) => ((i * (j + 3)) % 97) / 97),
        type: 'FLOAT' as const,
        nullable: false,
      })),
      { name: 'vmaf', data: col((i) => i % 101), type: 'FLOAT', nullable: false },
    ],
    rowGroupSize: n,
  })
  await page.goto('/')
  // watch the main thread: the longest gap between animation frames while the file loads
  await watchFrameGaps(page)
  await page.setInputFiles('#file', { name: 'one-row-group.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from(buf) })
  // Playwright's own hand-over of the 25 MB file blocks the page once; measure from here
  const before = await longestFrameGap(page)
  console.log(`longest frame gap while Playwright set the file: ${before.toFixed(0)} ms`)
  await expect(page.getByTestId('progress')).toBeVisible()
  // the page answers while the worker decodes
  await page.locator('nav button[data-tab=train]').click()
  await expect(page.locator('section[data-panel=train]')).toBeVisible()
  await page.locator('nav button[data-tab=data]').click()
  await ready(page, n)
  const gap = await longestFrameGap(page, { stop: true })
  console.log(`longest main-thread frame gap while loading 1,000,000 rows in one row group: ${gap.toFixed(0)} ms`)
  expect(gap).toBeLessThan(1_000)
})
