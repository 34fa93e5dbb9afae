// The cross-runtime reference: a plain MLP's float forward and our int8 export's QDQ forward each
// agree with onnxruntime-node on demo rows; a dynamic-int8 graph (published v4) has none.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { againstReference, DISAGREE_VMAF, disagreeing, floatReference, type FloatReference } from '../../src/experiment/crossRuntime.ts'
import { quantRows, quantizeAndGate } from '../../src/experiment/quantizeRun.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { extractMlp, inspectOnnx, parseSidecar } from '../../src/onnx/index.ts'
import type { OrtEvaluator } from '../../src/onnx/ortEvaluator.ts'
import { loadDemo } from '../helpers/demoTable.ts'
import { sharedPath } from '../helpers/shared.ts'

const upstream = (f: string) => new Uint8Array(readFileSync(sharedPath('upstream-models', f)))
const FEATURES = parseSidecar(readFileSync(sharedPath('upstream-models', 'vmaf_tiny_v2.json'), 'utf8'), 'v2.json').features
let table: FeatureTable
let node: OrtEvaluator
let x: Float32Array

beforeAll(async () => {
  ;[table, node] = await Promise.all([loadDemo(), createNodeEvaluator()])
  x = table.matrix(FEATURES)
}, 60_000)
afterAll(() => node.dispose())

const ref = (bytes: Uint8Array) => floatReference({ info: inspectOnnx(bytes), x, rows: table.rows }) as FloatReference

describe('floatReference', () => {
  it('a plain MLP (vmaf_tiny_v2): our float forward, within float32 rounding of onnxruntime-node', async () => {
    const bytes = upstream('vmaf_tiny_v2.onnx')
    const r = ref(bytes)
    expect(r.what).toBe('float forward')
    const d = againstReference((await node.run({ name: 'v2.onnx', bytes }, x, table.rows, 6)).pred, r)
    expect(d.maxRel).toBeLessThan(1e-5)
    expect(d.maxAbs).toBeGreaterThanOrEqual(0)
  })

  it('our int8 export: the QDQ forward, close to onnxruntime-node and not the float model', async () => {
    const bytes = upstream('vmaf_tiny_v2.onnx')
    const info = inspectOnnx(bytes)
    const run = await quantizeAndGate({
      table, model: { name: 'v2.onnx', bytes }, mlp: extractMlp(info), features: FEATURES, rows: quantRows(table, null), method: 'minmax', maxPlccDrop: 1, evaluator: node,
    })
    const r = ref(run.quantized.bytes)
    expect(r.what).toBe('QDQ float forward')
    const int8 = (await node.run({ name: 'v2.int8.onnx', bytes: run.quantized.bytes }, x, table.rows, 6)).pred
    const d = againstReference(int8, r)
    // the same rounding but another summation order: a last-place difference may flip one rounding step
    expect(d.meanAbs).toBeLessThan(1e-4)
    const fp = againstReference(int8, ref(bytes))
    expect(fp.meanAbs).toBeGreaterThan(10 * d.meanAbs)
  }, 60_000)

  it('a dynamic-int8 graph has no float forward and says why', () => {
    const r = floatReference({ info: inspectOnnx(upstream('vmaf_tiny_v4.int8.onnx')), x, rows: table.rows })
    expect('reason' in r && r.reason).toMatch(/neither a plain MLP .* nor an int8 export of this lab/)
  })
})

describe('disagreeing', () => {
  it('names the runtimes past a VMAF point (and NaN), not those within it or without a reference', () => {
    const a = (maxAbs: number) => ({ maxAbs, maxRel: 0, meanAbs: 0 })
    expect(disagreeing([{ ep: 'wasm', agreement: a(DISAGREE_VMAF) }, { ep: 'webgpu', agreement: a(DISAGREE_VMAF + 1e-9) }])).toEqual(['webgpu'])
    expect(disagreeing([{ ep: 'wasm', agreement: a(NaN) }, { ep: 'webgpu', agreement: null }])).toEqual(['wasm'])
  })
})
