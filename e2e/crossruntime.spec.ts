// The cross-runtime check in the Evaluate tab, on the demo corpus: vmaf_tiny_v2 (fp32) on
// onnxruntime-web WASM and WebGPU against our float forward pass — the largest difference is
// reported and within float32 rounding of the output scale; its int8 export (the Quantize button)
// against our QDQ forward pass — WASM agrees with it, and an EP that does not (onnxruntime-web's
// WebGPU EP on this static QDQ graph, on SwiftShader) is measured and named in a warning.
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './appTest.ts'
import { DISAGREE_VMAF } from '../src/experiment/crossRuntime.ts'
import { openEvalWithV2 as open } from './evalWithV2.ts'
import { TOL } from '../test/onnx/tolerance.ts'


async function check(page: Page, card: Locator) {
  await expect(card.getByTestId('crosscheck-model')).toBeEnabled({ timeout: 60_000 })
  await card.getByTestId('crosscheck-model').click()
  const r = page.getByTestId('crosscheck-result')
  await expect(page.getByTestId('eval-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  const eps = await r.getByTestId('crosscheck-ep').evaluateAll((els) =>
    els.map((e) => ({ ep: e.getAttribute('data-ep'), maxAbs: Number(e.getAttribute('data-max-abs')), maxRel: Number(e.getAttribute('data-max-rel')), meanAbs: Number(e.getAttribute('data-mean-abs')) })),
  )
  return { reference: await r.getAttribute('data-reference'), max: Number(await r.getAttribute('data-max-abs-diff')), eps }
}

test('cross-runtime: fp32 v2 agrees with our float forward on WASM and WebGPU; its int8 export is checked against our QDQ forward', async ({ page }) => {
  await open(page)
  const v2 = page.locator('[data-testid=model-item][data-name=vmaf_tiny_v2]')
  const fp = await check(page, v2)
  console.log(`fp32: ${JSON.stringify(fp)}`)
  expect(fp.reference).toBe('float forward')
  expect(fp.eps.map((e) => e.ep)).toEqual(['wasm', 'webgpu'])
  for (const e of fp.eps) expect(e.maxRel, e.ep!).toBeLessThanOrEqual(TOL)
  expect(fp.max).toBe(Math.max(...fp.eps.map((e) => e.maxAbs)))
  expect(fp.max).toBeGreaterThanOrEqual(0)

  // the int8 model from the Quantize button
  await v2.getByTestId('quantize-model').click()
  await expect(v2.getByTestId('quant-result')).toHaveAttribute('data-passed', 'true', { timeout: 60_000 })
  const int8 = page.locator(`[data-testid=model-item][data-model-id="${await v2.getByTestId('quant-result').getAttribute('data-int8-id')}"]`)
  const q = await check(page, int8)
  console.log(`int8: ${JSON.stringify(q)}`)
  expect(q.reference).toBe('QDQ float forward')
  expect(Number.isFinite(q.max)).toBe(true)
  // WASM runs the QDQ graph as our forward pass does (a rounding step may flip on a row); the int8
  // graph itself lies far further from the float model (test/experiment/crossRuntime.test.ts)
  const wasm = q.eps.find((e) => e.ep === 'wasm')!
  expect(wasm.meanAbs).toBeLessThan(1e-4)
  // every EP's difference is measured; one past a VMAF point is named in a warning, and only those
  const off = q.eps.filter((e) => !(e.maxAbs <= DISAGREE_VMAF)).map((e) => e.ep)
  const warn = page.getByTestId('crosscheck-disagree')
  if (off.length) await expect(warn).toHaveAttribute('data-eps', off.join(' '))
  else await expect(warn).toHaveCount(0)
  await expect(page.getByTestId('crosscheck-disagree')).toHaveCount(off.length ? 1 : 0)
  expect(q.max).toBe(Math.max(...q.eps.map((e) => e.maxAbs)))
  // the fp32 model has no such warning
  await v2.getByTestId('crosscheck-model').click()
  await expect(page.getByTestId('crosscheck-result')).toHaveAttribute('data-reference', 'float forward')
  await expect(warn).toHaveCount(0)
})
