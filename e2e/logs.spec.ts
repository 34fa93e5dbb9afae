// libvmaf logs in the real app: a folder of logs picked through #folder streams through the data
// worker (one clip per log, sources from the file names), the source rule is previewed and changed,
// a broken log is named and leaves the rows, "Save as parquet" gives one file that loads back the
// same, and a 100,000-frame log is parsed in the worker while the page keeps painting.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './appTest.ts'
import { longestFrameGap, watchFrameGaps } from './frameGaps.ts'
import { sharedPath } from '../test/helpers/shared.ts'

const panel = (page: Page) => page.getByTestId('data-panel')

async function ready(page: Page, rows: number) {
  try {
    await expect(panel(page)).toHaveAttribute('data-status', 'ready')
    await expect(panel(page)).toHaveAttribute('data-rows', String(rows))
  } catch (e) {
    console.log(`data panel messages:\n${(await page.locator('[data-testid=messages] li').allInnerTexts()).join('\n')}`)
    throw e
  }
}

async function sources(page: Page): Promise<[string | null, string | null][]> {
  return page
    .locator('[data-testid=sources] .src')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-source'), e.getAttribute('data-frames')] as [string | null, string | null]))
}

test('a folder of XML logs: 864 frames of 3 sources; pattern, bad log, save as parquet and load it back', async ({ page }) => {
  await page.goto('/')
  await page.setInputFiles('#folder', sharedPath('data/libvmaf_logs/xml'))
  await ready(page, 864)
  await expect(panel(page)).toHaveAttribute('data-files', '18')
  expect((await sources(page)).sort()).toEqual([['Fractal', '288'], ['Gears', '288'], ['Plasma', '288']])

  // the rule, previewed on the loaded logs, then a pattern: sources by encode resolution
  const rule = page.getByTestId('source-rule')
  await expect(rule).toContainText('18 libvmaf logs')
  await expect(page.getByTestId('source-preview').locator('tbody tr').first()).toContainText('Fractal')
  await page.getByTestId('source-pattern').fill('__(\\d+x\\d+)__')
  await expect(page.getByTestId('source-pattern-error')).toContainText('no named group')
  await expect(page.getByTestId('apply-source-pattern')).toBeDisabled()
  await page.getByTestId('source-pattern').fill('__(?<source>\\d+x\\d+)__')
  await expect(page.getByTestId('source-preview').locator('tbody tr').first()).toContainText('320x180')
  await page.getByTestId('apply-source-pattern').click()
  await expect.poll(async () => (await sources(page)).sort()).toEqual([['320x180', '432'], ['640x360', '432']])
  await ready(page, 864)

  // a truncated JSON log: named, with the problem; the rows stay
  const json = readFileSync(sharedPath('data/libvmaf_logs/json/Gears__640x360__crf22.json'), 'utf8')
  await page.setInputFiles('#file', { name: 'Broken__x.json', mimeType: 'application/json', buffer: Buffer.from(json.slice(0, 3000)) })
  const err = page.locator('[data-testid=messages] li[data-code=bad-log]')
  await expect(err).toContainText('Broken__x.json')
  await expect(err).toContainText('truncated')
  await ready(page, 864)

  // save as parquet, then a fresh page loads that one file: the same rows and sources
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-parquet').click()])
  const saved = await download.path()
  await page.goto('/')
  await page.setInputFiles('#file', { name: 'saved.parquet', mimeType: 'application/octet-stream', buffer: readFileSync(saved) })
  await ready(page, 864)
  expect((await sources(page)).sort()).toEqual([['320x180', '432'], ['640x360', '432']])
})

test('a 100,000-frame JSON log is parsed in the worker without freezing the page', async ({ page }) => {
  const n = 100_000
  const frames: string[] = []
  for (let i = 0; i < n; i++) {
    const v = (k: number) => (((i * (k + 3)) % 997) / 997).toFixed(6)
    frames.push(
      `    {\n      "frameNum": ${i},\n      "metrics": {\n        "integer_adm2": ${v(0)},\n        "integer_vif_scale0": ${v(1)},\n` +
        `        "integer_vif_scale1": ${v(2)},\n        "integer_vif_scale2": ${v(3)},\n        "integer_vif_scale3": ${v(4)},\n` +
        `        "integer_motion2": ${v(5)},\n        "psnr_y": ${(30 + (i % 20)).toFixed(6)},\n        "vmaf": ${(i % 101).toFixed(6)}\n      }\n    }`,
    )
  }
  const body = `{\n  "version": "test",\n  "fps": 1.0,\n  "frames": [\n${frames.join(',\n')}\n  ],\n  "pooled_metrics": {\n  },\n  "aggregate_metrics": {\n  }\n}\n`
  await page.goto('/')
  await watchFrameGaps(page)
  // from a file on disk: a buffer would be handed to the page as base64 and decoded on its main thread
  const path = join(mkdtempSync(join(tmpdir(), 'vmaf-logs-')), 'Long__clip.json')
  writeFileSync(path, body)
  await page.setInputFiles('#file', path)
  const before = await longestFrameGap(page)
  console.log(`longest frame gap while Playwright set the ${(body.length / 1e6).toFixed(0)} MB log: ${before.toFixed(0)} ms`)
  await ready(page, n)
  expect(await sources(page)).toEqual([['Long', String(n)]])
  const gap = await longestFrameGap(page, { stop: true })
  console.log(`longest main-thread frame gap while parsing a ${n.toLocaleString('en-US')}-frame log: ${gap.toFixed(0)} ms`)
  expect(gap).toBeLessThan(1_000)
})

test('json/, xml/, csv/ and json_extra/ folders: 864 frames each, and the whole-table means of the manifest', async ({ page }) => {
  const manifest = JSON.parse(readFileSync(sharedPath('data/libvmaf_logs/manifest.json'), 'utf8')) as {
    files: { format: string; frames: number; means: Record<string, number> }[]
  }
  const columns: [string, string][] = [['integer_adm2', 'adm2'], ['integer_vif_scale0', 'vif_scale0'], ['integer_motion2', 'motion2'], ['vmaf', 'vmaf']]
  for (const folder of ['json', 'xml', 'csv', 'json_extra']) {
    await page.goto('/')
    await page.setInputFiles('#folder', sharedPath('data/libvmaf_logs', folder))
    await ready(page, 864)
    expect((await sources(page)).sort(), folder).toEqual([['Fractal', '288'], ['Gears', '288'], ['Plasma', '288']])
    const entries = manifest.files.filter((f) => f.format === folder)
    for (const [metric, column] of columns) {
      // every log has 48 frames: the table's mean is the mean of the logs' means
      const mean = entries.reduce((s, f) => s + f.means[metric] * f.frames, 0) / entries.reduce((s, f) => s + f.frames, 0)
      const shown = await page.locator(`[data-testid=features] tr[data-feature=${column}] td`).nth(2).innerText()
      const decimals = shown.split('.')[1]?.length ?? 0
      expect(Math.abs(Number(shown) - mean), `${folder} ${column}: ${shown} vs ${mean}`).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9)
    }
  }
})
