// The data worker decodes feature and target values straight into the page's shared table
// columns (src/data/placement.ts) instead of handing chunk buffers over to be copied: every row
// must arrive that way in the cross-origin-isolated page, and the table must be byte for byte the
// one the reader builds in the page itself.
import { expect, test } from './appTest.ts'
import type { IngestRun } from '../src/pageApi/ingest.ts'

test('the data worker writes every row in place, and the table equals the in-page one', async ({ page }) => {
  await page.goto('/pageApi.html')
  await page.waitForFunction(() => (window as unknown as { lab?: { ready?: boolean } }).lab?.ready === true)
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
  await page.evaluate((u) => (window as any).lab.ingestPrepare(u), '/demo/nflx_like.parquet')
  const run = (mode: 'page' | 'worker') => page.evaluate((m) => (window as any).lab.ingestRun(m) as Promise<IngestRun>, mode)
  const worker = await run('worker')
  const inPage = await run('page')
  expect(worker.errors).toEqual([])
  expect(worker.rows).toBe(10_800)
  expect(worker.placedRows).toBe(worker.rows)
  expect(inPage.rows).toBe(worker.rows)
  expect(worker.columnsSha256).toBe(inPage.columnsSha256)
})
