// onnxruntime-web in the app's eval worker (through pageApi.html): our exports and the published
// vmaf_tiny models load on the WebGPU and the WASM EP and agree with onnxruntime-node and with
// our forward pass on 1,000 demo rows.
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { predict } from '../src/model/forward.ts'
import { exportOnnx, extractMlp, inspectOnnx } from '../src/onnx/index.ts'
import type { EvalOutput, OnnxModelSource } from '../src/onnx/evaluator.ts'
import { createNodeEvaluator, readModelFile } from '../src/node/ortNode.ts'
import { sharedPath } from '../test/helpers/shared.ts'
import { demoSample } from '../test/onnx/demo.ts'
import { fixtureModels } from '../test/onnx/models.ts'
import { agreement, outputScale, TOL } from '../test/onnx/tolerance.ts'

type Lab = Record<string, (...a: any[]) => Promise<any>>

async function harness(page: Page) {
  await page.goto('/pageApi.html')
  await page.waitForFunction(() => (window as any).lab?.ready === true)
  const env = await page.evaluate(() => ((window as any).lab as Lab).evalEnv())
  expect(env.webgpu, `no WebGPU adapter in the worker: ${env.adapter}`).toBe(true)
  return env
}

function runWeb(page: Page, model: OnnxModelSource, x: Float32Array, rows: number, ep: string): Promise<EvalOutput> {
  return page.evaluate((req) => ((window as any).lab as Lab).evalRun(req), { model, x, rows, nFeatures: 6, ep })
}

test('our exports run on ort-web WebGPU and WASM and equal our CPU and GPU forward passes', async ({ page }) => {
  await harness(page)
  const demo = await demoSample(1000)
  for (const m of await fixtureModels()) {
    if (!['mlp_small_std', 'mlp_large_raw', 'vmaf_tiny_v2_reexport'].includes(m.id)) continue
    const model = { name: `${m.id}.onnx`, bytes: exportOnnx(m) }
    const ours = predict(m.params, m.scaler, demo.x, 6)
    // the engine's WGSL forward pass (gpuPredict), in the same page
    const gpu: Float32Array = await page.evaluate(
      ([params, scaler, x]) => ((window as any).lab as Lab).enginePredict(params, scaler, x, 6),
      [m.params, m.scaler, demo.x] as const,
    )
    const scale = outputScale(m, demo.x, demo.rows)
    for (const ep of ['webgpu', 'wasm']) {
      const out = await runWeb(page, model, demo.x, demo.rows, ep)
      expect(out.ep).toBe(ep)
      const cpu = agreement(out.pred, ours, scale)
      const wgsl = agreement(out.pred, gpu, scale)
      console.log(`${m.id} ${ep}: vs CPU forward ${JSON.stringify(cpu)}, vs gpuPredict ${JSON.stringify(wgsl)}`)
      expect(cpu.maxRel, `${m.id} on ${ep} vs predict`).toBeLessThanOrEqual(TOL)
      expect(wgsl.maxRel, `${m.id} on ${ep} vs gpuPredict`).toBeLessThanOrEqual(TOL)
    }
  }
})

test('published vmaf_tiny models agree across onnxruntime-node, ort-web WASM and ort-web WebGPU', async ({ page }) => {
  await harness(page)
  const demo = await demoSample(1000)
  const node = await createNodeEvaluator()
  for (const file of ['vmaf_tiny_v1.onnx', 'vmaf_tiny_v2.onnx', 'vmaf_tiny_v3.onnx', 'vmaf_tiny_v4.onnx', 'vmaf_tiny_v4.int8.onnx']) {
    const src = await readModelFile(sharedPath('upstream-models', file))
    const model: OnnxModelSource = { name: src.name, bytes: src.bytes, externalData: src.externalData }
    const ref = await node.run(model, demo.x, demo.rows, 6)
    const info = inspectOnnx(src.bytes, file)
    // the int8 graph is no plain MLP: compare it relative to the value itself
    const scale = file.includes('int8') ? undefined : outputScale(extractMlp(info, new Map(src.externalData!.map((d) => [d.path, d.data]))), demo.x, demo.rows)
    for (const ep of ['wasm', 'webgpu']) {
      const out = await runWeb(page, model, demo.x, demo.rows, ep)
      expect(out.ep).toBe(ep)
      const d = agreement(out.pred, ref.pred, scale)
      console.log(`${file} ${ep} vs onnxruntime-node: ${JSON.stringify(d)}`)
      expect(d.maxRel, `${file} on ${ep}`).toBeLessThanOrEqual(TOL)
    }
  }
  await node.dispose()
})

test('auto picks wasm for a tiny model and says so; broken models get a message naming the file', async ({ page }) => {
  await harness(page)
  const v2 = new Uint8Array(readFileSync(sharedPath('upstream-models', 'vmaf_tiny_v2.onnx')))
  const x = Float32Array.of(0.95, 0.7, 0.9, 0.95, 0.97, 4.0)
  const out = await page.evaluate((req) => ((window as any).lab as Lab).evalRun(req), { model: { name: 'vmaf_tiny_v2.onnx', bytes: v2 }, x, rows: 1, nFeatures: 6 })
  expect(out.ep).toBe('wasm')
  expect(out.epReason).toBe('auto: a tiny model runs faster on wasm than on webgpu')
  expect(out.pred[0]).toBeCloseTo(86.9254, 4)
  const err = (model: OnnxModelSource, nFeatures = 6) =>
    page.evaluate((req) => ((window as any).lab as Lab).evalRunError(req), { model, x: new Float32Array(nFeatures), rows: 1, nFeatures })
  expect(await err({ name: 'junk.onnx', bytes: new TextEncoder().encode('not a model at all') })).toMatchObject({
    message: expect.stringMatching(/^junk\.onnx: not an ONNX model/),
  })
  const v1 = new Uint8Array(readFileSync(sharedPath('upstream-models', 'vmaf_tiny_v1.onnx')))
  expect((await err({ name: 'vmaf_tiny_v1.onnx', bytes: v1 }))!.message).toMatch(/external file "vmaf_tiny_v1\.onnx\.data"/)
  expect((await err({ name: 'vmaf_tiny_v2.onnx', bytes: v2 }, 5))!.message).toMatch(/takes 6 features per row but the data gives 5/)
  // and the worker still works afterwards
  const again = await page.evaluate((req) => ((window as any).lab as Lab).evalRun(req), { model: { name: 'v2', bytes: v2 }, x, rows: 1, nFeatures: 6, ep: 'webgpu' })
  expect(again.pred[0]).toBeCloseTo(86.9254, 4)
})
