// The Evaluate panel end to end, through the UI: demo corpus → train mlp_small → export →
// evaluate on WebGPU → per-source table; drop vmaf_tiny_v2 (+ sidecar) → comparison table; a
// corrupt .onnx → clear error with earlier results kept; reload → models still listed.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './appTest.ts'
import { inspectOnnx } from '../src/onnx/index.ts'
import { sharedPath } from '../test/helpers/shared.ts'

/** Open a model card's downloads menu and pick one of its items. */
async function pick(model: Locator, item: string) {
  await model.getByTestId('downloads').click()
  await model.getByTestId(item).click()
}

const upstream = (f: string) => sharedPath('upstream-models', f)

async function loadDemo(page: Page) {
  await page.goto('/?tab=data')
  await page.getByTestId('load-demo').click()
}

async function openEval(page: Page) {
  await page.locator('[data-tab=eval]').click()
  await expect(page.getByTestId('model-list')).toHaveAttribute('data-restored', 'true')
}

async function trainSmall(page: Page) {
  await page.locator('[data-tab=train]').click()
  await expect(page.getByTestId('train-data')).toHaveAttribute('data-loading', 'false', { timeout: 60_000 })
  await page.locator('form [name=arch]').selectOption('mlp_small')
  await page.locator('form [name=epochs]').fill('3')
  await page.locator('[data-panel=train] form button[type=submit]').click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 })
}

function sourceRows(page: Page) {
  return page.getByTestId('eval-result').getByTestId('source-row')
}

async function plccs(page: Page): Promise<number[]> {
  return sourceRows(page).locator('[data-metric=plcc]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))
}

test('published models: evaluate on WebGPU, compare, broken files get clear errors, reload keeps them', async ({ page }) => {
  await loadDemo(page)
  await openEval(page)
  await page.getByTestId('model-file-input').setInputFiles([upstream('vmaf_tiny_v2.onnx'), upstream('vmaf_tiny_v2.json')])
  const v2 = page.locator('[data-testid=model-item][data-name=vmaf_tiny_v2]')
  await expect(v2).toContainText('features: adm2, vif_scale0, vif_scale1, vif_scale2, vif_scale3, motion2 (sidecar)')
  await expect(v2).toContainText('6→16→8→1 MLP · 257 weights, scaler inside')
  await expect(v2.getByTestId('evaluate-model')).toBeEnabled({ timeout: 60_000 }) // enabled once the demo has loaded

  await page.getByTestId('ep-select').selectOption('webgpu')
  await v2.getByTestId('evaluate-model').click()
  await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('ep-ran')).toHaveText('webgpu')
  await expect(sourceRows(page)).toHaveCount(9)
  const v2plcc = await plccs(page)
  expect(v2plcc.every((p) => Number.isFinite(p) && p > 0.5)).toBe(true)
  await expect(page.getByTestId('eval-scatter').locator('canvas')).toBeVisible()
  // the demo corpus lies off v2's training data in adm2 (its scaler's σ): a warning naming it, not motion2
  const drift = page.locator('[data-testid=eval-messages] li[data-level=warning]').filter({ hasText: "vmaf_tiny_v2: the data drifts from the model's training data" })
  await expect(drift).toBeVisible()
  await expect(drift).toContainText(/adm2: mean -\d\.\d\dσ from the model's training mean, \d+\.\d% of rows beyond 3σ/)
  await expect(drift).not.toContainText('motion2')

  // v1 with its external data and no sidecar (input/score names read from the graph), auto EP
  await page.getByTestId('ep-select').selectOption('auto')
  await page.getByTestId('model-file-input').setInputFiles([upstream('vmaf_tiny_v1.onnx'), upstream('vmaf_tiny_v1.onnx.data')])
  const v1 = page.locator('[data-testid=model-item][data-name=vmaf_tiny_v1]')
  await expect(v1).toContainText('external data: vmaf_tiny_v1.onnx.data')
  await v1.getByTestId('evaluate-model').click()
  await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('ep-ran')).toHaveText('wasm') // auto: tiny model
  await expect(page.getByTestId('compare-model')).toHaveCount(2)
  await expect(page.getByTestId('compare-row')).toHaveCount(11) // 9 sources + konvid pooled + all rows
  expect(await page.getByTestId('compare-row').first().locator('td.best[data-metric=plcc]').count()).toBeGreaterThanOrEqual(1)

  // cross-check: both EPs, tiny difference
  await v2.getByTestId('crosscheck-model').click()
  await expect(page.getByTestId('crosscheck-result')).toBeVisible({ timeout: 60_000 })
  expect(Number(await page.getByTestId('crosscheck-result').getAttribute('data-max-abs-diff'))).toBeLessThan(1e-3)

  // broken inputs: clear errors naming the file; everything shown before stays
  await page.getByTestId('model-file-input').setInputFiles({ name: 'corrupt.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a model, just text') })
  await expect(page.locator('[data-testid=eval-messages] li[data-level=error]').filter({ hasText: 'corrupt.onnx: not an ONNX model' })).toBeVisible()
  await page.getByTestId('model-file-input').setInputFiles([upstream('vmaf_tiny_v1_medium.onnx')])
  await expect(page.locator('[data-testid=eval-messages] li[data-level=error]').filter({ hasText: 'vmaf_tiny_v1_medium.onnx: its weights live in the external file "mlp_medium_final.onnx.data"' })).toBeVisible()
  await expect(page.getByTestId('model-item')).toHaveCount(2)
  await expect(page.getByTestId('compare-model')).toHaveCount(2)
  await expect(sourceRows(page)).toHaveCount(9)

  // downloads: report JSON and Markdown carry the same numbers
  const [json] = await Promise.all([page.waitForEvent('download'), pick(v2, 'download-report-json')])
  const [md] = await Promise.all([page.waitForEvent('download'), pick(v2, 'download-report-md')])
  const report = JSON.parse(readFileSync(await json.path(), 'utf8'))
  const text = readFileSync(await md.path(), 'utf8')
  expect(report.ep).toBe('webgpu')
  expect(Object.keys(report.metrics.per_source)).toHaveLength(10)
  expect(text).toContain(`| Harbor | ${report.metrics.per_source.Harbor.plcc.toFixed(4)} |`)

  // reload: the models come back from IndexedDB with their saved reports
  await page.reload()
  await openEval(page)
  await expect(page.getByTestId('model-item')).toHaveCount(2)
  await expect(v2.getByTestId('model-last-report')).toContainText(`PLCC ${report.metrics.all.plcc.toFixed(3)}`)
  await v2.getByRole('button', { name: /vmaf_tiny_v2/ }).click()
  await expect(page.getByTestId('saved-report').getByTestId('source-row')).toHaveCount(9)

  // delete is permanent too
  await page.locator('[data-testid=model-item][data-name=vmaf_tiny_v1]').getByTestId('delete-model').click()
  await expect(page.getByTestId('model-item')).toHaveCount(1)
  await page.reload()
  await openEval(page)
  await expect(page.getByTestId('model-item')).toHaveCount(1)
  await expect(v2).toBeVisible()
})

test('train → export → evaluate on WebGPU; compare with vmaf_tiny_v2; corrupt file; reload', async ({ page }) => {
  await loadDemo(page)
  await trainSmall(page)

  // the trained model is in the registry (the Train panel adds it); export = its .onnx download
  await openEval(page)
  const trained = page.locator('[data-testid=model-item][data-origin=trained]').first()
  await expect(trained).toBeVisible({ timeout: 30_000 })
  const trainedId = await trained.getAttribute('data-model-id')
  const download = page.waitForEvent('download')
  await pick(trained, 'download-onnx')
  const onnxPath = await (await download).path()
  const info = inspectOnnx(readFileSync(onnxPath), 'download.onnx')
  expect(info.inputs[0]).toMatchObject({ name: 'features', shape: ['N', 6] })
  expect(info.outputs[0]).toMatchObject({ name: 'vmaf', shape: ['N'] })
  expect(info.ops).toEqual(['Sub', 'Div', 'Gemm', 'Relu', 'Squeeze'])

  // evaluate on the WebGPU EP
  await page.getByTestId('ep-select').selectOption('webgpu')
  await trained.getByTestId('evaluate-model').click()
  await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('ep-ran')).toHaveText('webgpu')
  // a model trained here is scored on the rows it did not train on: the held-out source only
  await expect(page.getByTestId('eval-scope')).toHaveAttribute('data-scope', 'held-out')
  await expect(sourceRows(page)).toHaveCount(1)
  await expect(sourceRows(page).first()).toHaveAttribute('data-role', 'held out')
  await page.getByTestId('eval-rows').getByLabel('all rows').check()
  await expect(page.getByTestId('eval-scope')).toHaveAttribute('data-scope', 'all')
  await expect(sourceRows(page)).toHaveCount(9)
  await expect(sourceRows(page).locator('xpath=self::*[@data-role="in training"]')).toHaveCount(8)
  const first = await plccs(page)
  expect(first).toHaveLength(9)
  expect(first.every(Number.isFinite)).toBe(true)
  await expect(page.getByTestId('eval-scatter').locator('canvas')).toBeVisible()

  // its sidecar: registry format + training block with the metrics just computed
  const [sideDl] = await Promise.all([page.waitForEvent('download'), pick(trained, 'download-sidecar')])
  const side = JSON.parse(readFileSync(await sideDl.path(), 'utf8'))
  expect(side).toMatchObject({ id: trainedId, kind: 'fr', opset: 17, input_name: 'features', input_shape: [-1, 6], output_name: 'vmaf', arch: 'mlp_small', n_params: 257 })
  expect(side.sha256).toBe(createHash('sha256').update(readFileSync(onnxPath)).digest('hex'))
  expect(side.training).toMatchObject({ epochs: 3, scaler_mode: 'standard' })
  expect(side.training.input_files.map((f: { name: string }) => f.name)).toContain('demo/nflx_like.parquet')
  expect(side.training.metrics.per_source.Harbor.plcc).toBeCloseTo(first[0], 12)

  // drop vmaf_tiny_v2.onnx + its sidecar, evaluate it: both models in the comparison table
  await page.getByTestId('model-file-input').setInputFiles([upstream('vmaf_tiny_v2.onnx'), upstream('vmaf_tiny_v2.json')])
  const v2 = page.locator('[data-testid=model-item][data-name=vmaf_tiny_v2]')
  await expect(v2).toBeVisible()
  await expect(v2).toContainText('features: adm2, vif_scale0, vif_scale1, vif_scale2, vif_scale3, motion2 (sidecar)')
  await v2.getByTestId('evaluate-model').click()
  await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('compare-model')).toHaveCount(2)
  await expect(page.getByTestId('compare-table').locator(`[data-model-id="${trainedId}"]`).first()).toBeVisible()
  await expect(page.getByTestId('compare-table').getByText('vmaf_tiny_v2')).toBeVisible()
  // one best PLCC per row
  const rows = page.getByTestId('compare-row')
  await expect(rows).toHaveCount(11) // 9 sources + konvid pooled + all rows
  expect(await rows.first().locator('td.best[data-metric=plcc]').count()).toBeGreaterThanOrEqual(1)

  // a corrupt .onnx: clear error naming the file; the results stay
  await page.getByTestId('model-file-input').setInputFiles({ name: 'corrupt.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a model, just text') })
  await expect(page.locator('[data-testid=eval-messages] li[data-level=error]').filter({ hasText: 'corrupt.onnx: not an ONNX model' })).toBeVisible()
  await expect(page.getByTestId('compare-model')).toHaveCount(2)
  await expect(sourceRows(page)).toHaveCount(9)
  await expect(page.getByTestId('model-item')).toHaveCount(2)

  // reload: both models still listed, with their saved reports
  await page.reload()
  await openEval(page)
  await expect(page.getByTestId('model-item')).toHaveCount(2)
  await expect(page.locator(`[data-testid=model-item][data-model-id="${trainedId}"]`)).toBeVisible()
  await expect(v2.getByTestId('model-last-report')).toContainText('PLCC')
})
