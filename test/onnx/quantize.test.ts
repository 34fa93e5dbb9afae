// The int8 export (src/onnx/quantize.ts) of an mlp_small trained on the demo corpus (CPU
// reference, NightGrain held out): only allowlisted ops, valid for onnx.checker (full_check),
// onnxruntime-node's int8 output equal to the QDQ math done by hand from the file's own int8
// weights and scales, and a PLCC drop within the default budget on the held-out source.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { makeSplit, type Split } from '../../src/data/splits.ts'
import { splitRecord } from '../../src/experiment/records.ts'
import { DEFAULT_MAX_PLCC_DROP, quantizeAndGate, quantRows, type QuantizeRunResult } from '../../src/experiment/quantizeRun.ts'
import { plcc } from '../../src/metrics/correlation.ts'
import { predict } from '../../src/model/forward.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import type { ModelParams } from '../../src/model/params.ts'
import type { Scaler } from '../../src/model/scaler.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { ALLOWED_OPS, buildMlpOnnx, floatValues, inspectOnnx, type TensorInfo } from '../../src/onnx/index.ts'
import { activationParams, roundHalfEven } from '../../src/onnx/quantize.ts'
import { loadDemo } from '../helpers/demoTable.ts'

const PYTHON = '/usr/bin/python3'
const features = [...CANONICAL_FEATURES]

let table: FeatureTable
let split: Split
let params: ModelParams
let scaler: Scaler | null
let fp32: Uint8Array
let run: QuantizeRunResult
let int8Pred: Float32Array
let gateX: Float32Array

beforeAll(async () => {
  table = await loadDemo(['nflx_like.parquet'])
  split = makeSplit(table, { mode: 'netflix-only', holdoutSource: 'NightGrain' })
  const data = tableToTrainData(table, features)
  const job = makeJob({
    id: 'q', label: 'mlp_small', widths: [6, 16, 8, 1], seed: 0, scalerMode: 'standard', data,
    trainRows: split.trainRows, valRows: split.valRows, epochs: 30, batchSize: 256, lr: 1e-3,
  })
  const [res] = await new CpuTrainer().train(data, [job])
  if (res.status !== 'done') throw new Error(`training failed: ${res.status}`)
  params = res.params
  scaler = job.scaler
  fp32 = buildMlpOnnx({ params, scaler, features, archName: 'mlp_small' })
  const evaluator = await createNodeEvaluator()
  const rows = quantRows(table, splitRecord(table, split))
  run = await quantizeAndGate({
    table, model: { name: 'm.onnx', bytes: fp32 }, mlp: { params, scaler }, features, rows, method: 'minmax', maxPlccDrop: DEFAULT_MAX_PLCC_DROP, evaluator,
  })
  gateX = table.matrix(features, split.valRows)
  int8Pred = (await evaluator.run({ name: 'm.int8.onnx', bytes: run.quantized.bytes }, gateX, split.valRows.length, 6)).pred
  await evaluator.dispose()
}, 120_000)

const int8Values = (t: TensorInfo) => new Int8Array(t.raw!.buffer.slice(t.raw!.byteOffset, t.raw!.byteOffset + t.raw!.byteLength))

/** The QDQ forward pass by hand, from the tensors in the int8 file: quantize, dequantize, float Gemm. */
function handQdq(bytes: Uint8Array, x: Float32Array, rows: number): Float32Array {
  const info = inspectOnnx(bytes)
  const t = new Map(info.initializers.map((i) => [i.name, i]))
  const f = (name: string) => floatValues(t.get(name)!)
  const mean = f('scaler.mean')
  const std = f('scaler.std')
  const widths = params.widths
  const out = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    let h = Float32Array.from({ length: 6 }, (_, j) => Math.fround(Math.fround(x[r * 6 + j] - mean[j]) / std[j]))
    for (let l = 0; l + 1 < widths.length; l++) {
      const s = f(`fc${l}.input_scale`)[0]
      const zp = int8Values(t.get(`fc${l}.input_zero_point`)!)[0]
      const xdq = h.map((v) => Math.fround((Math.min(127, Math.max(-128, roundHalfEven(Math.fround(v / s)) + zp)) - zp) * s))
      const wq = int8Values(t.get(`fc${l}.weight_quantized`)!)
      const ws = f(`fc${l}.weight_scale`)
      const bs = f(`fc${l}.bias_scale`)
      const bq = new Int32Array(t.get(`fc${l}.bias_quantized`)!.raw!.slice().buffer)
      const b = Float32Array.from(bq, (v, o) => Math.fround(v * bs[o]))
      const [nIn, nOut] = [widths[l], widths[l + 1]]
      h = Float32Array.from({ length: nOut }, (_, o) => {
        let acc = b[o]
        for (let i = 0; i < nIn; i++) acc += Math.fround(wq[o * nIn + i] * ws[o]) * xdq[i]
        return l + 2 < widths.length ? Math.max(0, acc) : acc
      })
    }
    out[r] = h[0]
  }
  return out
}

describe('quantizeMlp: static int8 QDQ', () => {
  it('calibrates on the rows the split trained on and gates on the rows it held out', () => {
    const rows = quantRows(table, splitRecord(table, split))
    expect([...rows.calibration]).toEqual([...split.trainRows].sort((a, b) => a - b))
    expect([...rows.gate]).toEqual([...split.valRows].sort((a, b) => a - b))
    expect(rows.gateHeldOut).toBe(true)
  })

  it('writes Q/DQ around each Gemm input and a per-channel DQ weight, with allowlisted ops only', () => {
    const info = inspectOnnx(run.quantized.bytes)
    for (const op of info.ops) expect(ALLOWED_OPS.has(op), op).toBe(true)
    const layer = ['QuantizeLinear', 'DequantizeLinear', 'DequantizeLinear', 'DequantizeLinear', 'Gemm']
    expect(info.nodes.map((n) => n.opType)).toEqual(['Sub', 'Div', ...layer, 'Relu', ...layer, 'Relu', ...layer, 'Squeeze'])
    const wdq = info.nodes.filter((n) => n.opType === 'DequantizeLinear' && n.inputs[0].endsWith('weight_quantized'))
    expect(wdq.map((n) => n.attributes.axis)).toEqual([0, 0, 0])
    const b0 = info.initializers.find((i) => i.name === 'fc0.bias_quantized')!
    expect([b0.type, ...b0.dims]).toEqual(['int32', 16])
    const w0 = info.initializers.find((i) => i.name === 'fc0.weight_quantized')!
    expect([w0.type, ...w0.dims]).toEqual(['int8', 16, 6])
    expect(info.initializers.find((i) => i.name === 'fc0.weight_scale')!.dims).toEqual([16])
  })

  it('passes onnx.checker.check_model(full_check=True)', () => {
    const probe = spawnSync(PYTHON, ['-c', 'import onnx'])
    if (probe.status !== 0) throw new Error(`${PYTHON} cannot import onnx: install Debian python3-onnx (npm test does it as root)`)
    const dir = mkdtempSync(join(tmpdir(), 'vmaf-int8-'))
    writeFileSync(join(dir, 'm.int8.onnx'), run.quantized.bytes)
    const r = spawnSync(PYTHON, ['-c', 'import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")', join(dir, 'm.int8.onnx')], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe('ok')
  })

  it("onnxruntime-node's int8 output equals the QDQ math by hand to 1e-4 on the held-out rows", () => {
    const ref = handQdq(run.quantized.bytes, gateX, split.valRows.length)
    let worst = 0
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(int8Pred[i] - ref[i]) / Math.max(1, Math.abs(ref[i])))
    console.log(`int8: ORT vs hand QDQ, largest relative difference ${worst.toExponential(2)} over ${ref.length} rows`)
    expect(worst).toBeLessThanOrEqual(1e-4)
    // and the int8 model is not the float one: quantisation moved the predictions
    const float = predict(params, scaler, gateX, 6)
    expect(Math.max(...Array.from(float, (v, i) => Math.abs(v - int8Pred[i])))).toBeGreaterThan(1e-3)
  })

  it('drops PLCC on the held-out source by at most the default budget, computed from the predictions', () => {
    const y = Float32Array.from(split.valRows, (r) => table.target()[r])
    expect(run.gate.rows).toBe(split.valRows.length)
    expect(run.gate.int8.plcc).toBeCloseTo(plcc(int8Pred, y), 12)
    expect(run.gate.plccDrop).toBeCloseTo(run.gate.fp32.plcc - plcc(int8Pred, y), 12)
    console.log(`NightGrain: fp32 PLCC ${run.gate.fp32.plcc.toFixed(6)}, int8 ${run.gate.int8.plcc.toFixed(6)}, RMSE Δ ${run.gate.rmseDelta.toFixed(4)}`)
    expect(run.gate.plccDrop).toBeLessThanOrEqual(DEFAULT_MAX_PLCC_DROP)
    expect(run.gate.passed).toBe(true)
  })

  it('rounds half to even and keeps 0 exact in the activation grid', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([-2, -2, -0, 0, 2, 2, 2, -3])
    for (const range of [{ min: 0, max: 7.3 }, { min: -1.2, max: 3.4 }, { min: -5, max: 0 }]) {
      const { scale, zeroPoint } = activationParams(range)
      expect((roundHalfEven(0 / scale) + zeroPoint - zeroPoint) * scale).toBe(0)
      expect(roundHalfEven(range.max / scale) + zeroPoint).toBeLessThanOrEqual(127)
      expect(roundHalfEven(range.min / scale) + zeroPoint).toBeGreaterThanOrEqual(-128)
    }
  })
})
