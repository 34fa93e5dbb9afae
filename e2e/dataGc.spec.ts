// A dropped file read while the workers collect garbage all the time (issue 12: a 10M-row load
// stalled forever). Chromium 156 can leave a pending BYOB read of a Blob stream waiting for good when
// a GC runs meanwhile; a 10M-row load collects garbage constantly, so it stalled in most runs. Here
// Chromium is started with --expose-gc and every worker of the page calls gc() every 10 ms while a
// file of many row groups (written to disk, so the File is backed by it like a real drop) loads.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { expect, test } from './appTest.ts'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { chromiumArgs, chromiumPath } from '../src/node/chromium.ts'

test.use({ launchOptions: { executablePath: chromiumPath(), args: [...chromiumArgs(), '--js-flags=--expose-gc'] } })

const ROWS = 1_200_000
const GROUP = 60_000

function writeFile(dir: string): string {
  // pseudo-random values (a fixed LCG), so the column chunks do not compress away
  let s = 12345
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32
  const col = () => Float32Array.from({ length: ROWS }, next)
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'source', data: Array.from({ length: ROWS }, (_, i) => `s${Math.floor(i / 40_000)}`), type: 'STRING', nullable: false },
      ...['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2'].map((name) => ({ name, data: col(), type: 'FLOAT' as const, nullable: false })),
      { name: 'vmaf', data: Float32Array.from({ length: ROWS }, () => 100 * next()), type: 'FLOAT', nullable: false },
    ],
    rowGroupSize: GROUP,
  })
  mkdirSync(dir, { recursive: true })
  const path = resolve(dir, 'gc-many-groups.parquet')
  writeFileSync(path, Buffer.from(buf))
  return path
}

test('a multi-row-group file loads, its sha256 taken from the same reads, while the data worker collects garbage every 10 ms', async ({ page }, info) => {
  test.setTimeout(240_000)
  const path = writeFile(info.outputDir)
  const gcWorkers: string[] = []
  page.on('worker', (w) => {
    w.evaluate(() => {
      const g = (globalThis as unknown as { gc?: () => void }).gc
      if (!g) return false
      setInterval(g, 10)
      return true
    })
      .then((on) => on && gcWorkers.push(w.url()))
      .catch(() => {})
  })
  await page.goto('/?tab=data')
  const panel = page.getByTestId('data-panel')
  await panel.waitFor()
  const t0 = Date.now()
  await page.setInputFiles('#file', path)
  await expect(panel).toHaveAttribute('data-status', 'ready', { timeout: 180_000 })
  console.log(`${ROWS.toLocaleString('en-US')} rows in ${ROWS / GROUP} row groups under gc() every 10 ms: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  await expect(panel).toHaveAttribute('data-rows', String(ROWS))
  await expect(panel).toHaveAttribute('data-sources', String(ROWS / 40_000))
  // the pressure was really there: the data worker collected garbage throughout
  expect(gcWorkers.some((u) => u.includes('data.worker'))).toBe(true)
  await expect(page.locator('[data-testid=messages] li')).toHaveCount(0)
  // larger than the in-line hash limit: hashed from the reads that streamed its rows
  expect(statSync(path).size).toBeGreaterThan(16 << 20)
  await expect(page.locator('[data-testid=files] td.mono:not(.name)')).toHaveAttribute('title', createHash('sha256').update(readFileSync(path)).digest('hex'))
})
