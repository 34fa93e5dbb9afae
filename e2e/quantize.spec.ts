// The model card's Quantize button (Evaluate tab) on the demo corpus: vmaf_tiny_v2 (dropped with
// its sidecar) quantised to static int8 in the page (onnxruntime-web WASM) has the gate rows, PLCC
// drop and RMSE change that quantRows + quantizeAndGate — what `vmaf-tiny-lab quantize` runs — give
// in Node with onnxruntime-node on the same model and rows; it lands in the registry as an int8
// model whose sidecar carries the registry's quant fields; a budget below its drop refuses it with
// the numbers and adds nothing.
import { readFileSync } from 'node:fs'
import { expect, test } from './appTest.ts'
import { quantizeAndGate, quantRows, type QuantizeRunResult } from '../src/experiment/quantizeRun.ts'
import { createNodeEvaluator, readModelFile } from '../src/node/ortNode.ts'
import { extractMlp, inspectOnnx, parseSidecar, sidecarSplit } from '../src/onnx/index.ts'
import { openEvalWithV2 as open, upstream } from './evalWithV2.ts'
import { loadDemo } from '../test/helpers/demoTable.ts'

const TOL = 1e-5

async function reference(): Promise<{ run: QuantizeRunResult; calibration: number }> {
  const [table, evaluator, src] = await Promise.all([loadDemo(), createNodeEvaluator(), readModelFile(upstream('vmaf_tiny_v2.onnx'))])
  const side = parseSidecar(readFileSync(upstream('vmaf_tiny_v2.json'), 'utf8'), 'vmaf_tiny_v2.json')
  const info = inspectOnnx(src.bytes, src.name)
  const rows = quantRows(table, sidecarSplit(side))
  try {
    const run = await quantizeAndGate({
      table, model: src, mlp: extractMlp(info), features: side.features, archName: side.arch, rows, method: 'minmax', maxPlccDrop: 0.002, evaluator,
    })
    return { run, calibration: rows.calibration.length }
  } finally {
    await evaluator.dispose()
  }
}

test('Quantize on a model card: the CLI pipeline\'s numbers, an int8 model with quant fields, and a refusal past the budget', async ({ page }) => {
  const ref = reference()
  await open(page)
  const v2 = page.locator('[data-testid=model-item][data-name=vmaf_tiny_v2]')
  await expect(v2.getByTestId('quantize-model')).toBeEnabled({ timeout: 60_000 })
  const { run } = await ref
  const g = run.gate
  console.log(`node: ${JSON.stringify(g)}`)
  expect(g.passed).toBe(true)

  // a budget below the drop is refused with the numbers; nothing is added
  expect(g.plccDrop, 'the test needs a model whose int8 drops in PLCC').toBeGreaterThan(0)
  await page.getByTestId('quant-budget').fill(String(g.plccDrop / 2))
  await v2.getByTestId('quantize-model').click()
  const result = v2.getByTestId('quant-result')
  await expect(result).toHaveAttribute('data-passed', 'false', { timeout: 60_000 })
  await expect(page.getByTestId('eval-messages')).toContainText('refused, int8 misses the budget: PLCC')
  await expect(page.getByTestId('model-item')).toHaveCount(1)

  // the default budget passes: the same gate as the pipeline in Node
  await page.getByTestId('quant-budget').fill('0.002')
  await v2.getByTestId('quantize-model').click()
  await expect(result).toHaveAttribute('data-passed', 'true', { timeout: 60_000 })
  const num = async (a: string) => Number(await result.getAttribute(a))
  console.log(`app: drop ${await num('data-plcc-drop')}, rmse Δ ${await num('data-rmse-delta')}, rows ${await num('data-gate-rows')}`)
  expect(await num('data-gate-rows')).toBe(g.rows)
  expect(Math.abs((await num('data-plcc-drop')) - g.plccDrop)).toBeLessThanOrEqual(TOL)
  expect(Math.abs((await num('data-rmse-delta')) - g.rmseDelta)).toBeLessThanOrEqual(TOL)

  // the int8 model in the registry: its card says so, its sidecar carries the registry's quant fields, the bytes are the int8 graph
  const int8 = page.locator(`[data-testid=model-item][data-model-id="${await result.getAttribute('data-int8-id')}"]`)
  await expect(int8).toHaveCount(1)
  await expect(int8.getByTestId('card-quant')).toContainText('int8 (static QDQ)')
  await int8.getByTestId('downloads').click()
  const [d] = await Promise.all([page.waitForEvent('download'), int8.getByTestId('download-sidecar').click()])
  const side = JSON.parse(readFileSync((await d.path())!, 'utf8'))
  expect(d.suggestedFilename()).toBe('vmaf_tiny_v2.int8.json')
  expect(side).toMatchObject({ quant_mode: 'static', quant_accuracy_budget_plcc: 0.002, features: ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2'] })
  expect(side.int8_sha256).toMatch(/^[0-9a-f]{64}$/)
  expect(side.quant_calibration_set).toContain(`minmax over ${(await ref).calibration} rows`)
  expect(Math.abs(side.quantization.plcc_drop - g.plccDrop)).toBeLessThanOrEqual(TOL)
  await int8.getByTestId('downloads').click()
  const [o] = await Promise.all([page.waitForEvent('download'), int8.getByTestId('download-onnx').click()])
  const bytes = new Uint8Array(readFileSync((await o.path())!))
  expect(o.suggestedFilename()).toBe('vmaf_tiny_v2.int8.onnx')
  expect([...inspectOnnx(bytes).ops].sort()).toEqual(run.quantized.ops)
  expect(bytes).toEqual(run.quantized.bytes)
})
