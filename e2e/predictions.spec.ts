// Per-frame predictions out of the Evaluate panel: after evaluating two published models on the
// demo corpus, the parquet download has one row per loaded frame with one predicted column per
// model, equal to onnxruntime-node's predictions of the same models on the same rows (computed
// here, independently of the page); the CSV download has the same rows.
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './appTest.ts'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { ingestSources } from '../src/data/ingest.ts'
import { createNodeEvaluator, readModelFile } from '../src/node/ortNode.ts'
import { sharedPath } from '../test/helpers/shared.ts'

const upstream = (f: string) => sharedPath('upstream-models', f)
const DEMO = ['nflx_like.parquet', 'konvid_like/part-000.parquet', 'konvid_like/part-001.parquet', 'konvid_like/part-002.parquet', 'konvid_like/part-003.parquet']

async function downloaded(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])
  return { name: dl.suggestedFilename(), bytes: readFileSync((await dl.path())!) }
}

/** onnxruntime-node's predictions of a model on the demo corpus, loaded in Node in the app's order. */
async function nodePredictions(model: string): Promise<{ keys: string[]; pred: Float32Array }> {
  const sources = await Promise.all(DEMO.map(async (f) => ({ kind: 'buffer' as const, name: `demo/${f}`, file: await asyncBufferFromFile(`public/demo/${f}`) })))
  const { table } = await ingestSources(sources)
  const ev = await createNodeEvaluator()
  try {
    const out = await ev.run(await readModelFile(model), table.matrix(table.featureNames.slice(0, 6)), table.rows, 6)
    const frames = table.frameIndex()
    const keys = Array.from(table.keyCodes(), (k, i) => `${table.keyNames[k]}#${frames[i]}`)
    return { keys, pred: out.pred }
  } finally {
    await ev.dispose()
  }
}

test('Evaluate downloads per-frame predictions of the compared models as parquet and CSV', async ({ page }) => {
  await page.goto('/?tab=data')
  await page.getByTestId('load-demo').click()
  await expect(page.getByTestId('data-panel')).toHaveAttribute('data-rows', '20072', { timeout: 120_000 })
  await page.locator('[data-tab=eval]').click()
  await page.getByTestId('model-file-input').setInputFiles([upstream('vmaf_tiny_v2.onnx'), upstream('vmaf_tiny_v2.json'), upstream('vmaf_tiny_v3.onnx'), upstream('vmaf_tiny_v3.json')])
  await expect(page.getByTestId('evaluate-all')).toBeEnabled({ timeout: 60_000 })
  await page.getByTestId('ep-select').selectOption('wasm')
  await page.getByTestId('evaluate-all').click()
  await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 120_000 })

  const pq = await downloaded(page, 'predictions-parquet')
  expect(pq.name).toBe('predictions.parquet')
  const rows = await parquetReadObjects({ file: new Uint8Array(pq.bytes).buffer })
  expect(rows).toHaveLength(20_072)
  expect(Object.keys(rows[0])).toEqual(['source', 'key', 'frame_index', 'vmaf', 'predicted_vmaf_tiny_v2', 'predicted_vmaf_tiny_v3'])
  for (const [col, model] of [['predicted_vmaf_tiny_v2', 'vmaf_tiny_v2.onnx'], ['predicted_vmaf_tiny_v3', 'vmaf_tiny_v3.onnx']]) {
    const ref = await nodePredictions(upstream(model))
    const at = new Map(ref.keys.map((k, i) => [k, i]))
    let worst = 0
    for (const r of rows) {
      const i = at.get(`${r.key}#${r.frame_index}`)
      expect(i, `${r.key} frame ${r.frame_index}`).toBeDefined()
      worst = Math.max(worst, Math.abs(r[col] - ref.pred[i!]))
    }
    expect(worst, col).toBeLessThan(1e-3)
  }

  const csv = await downloaded(page, 'predictions-csv')
  expect(csv.name).toBe('predictions.csv')
  const lines = csv.bytes.toString('utf8').trimEnd().split('\n')
  expect(lines[0]).toBe('source,key,frame_index,vmaf,predicted_vmaf_tiny_v2,predicted_vmaf_tiny_v3')
  expect(lines).toHaveLength(20_073)
  const [source, key, frame, , p2] = lines[1].split(',')
  expect([source, key, Number(frame)]).toEqual([rows[0].source, rows[0].key, rows[0].frame_index])
  expect(Math.fround(Number(p2))).toBe(rows[0].predicted_vmaf_tiny_v2)
})
