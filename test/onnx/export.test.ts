// Our ONNX export: valid for onnx.checker (full_check), only allowlisted ops, deterministic
// bytes, and onnxruntime-node predictions equal to our own float32 forward pass.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { predict } from '../../src/model/forward.ts'
import type { TrainedModel } from '../../src/model/trained.ts'
import {
  ALLOWED_OPS, exportOnnx, extractMlp, inspectOnnx, IR_VERSION, OPSET, parseSidecar, sha256Hex, sidecar, sidecarJson,
} from '../../src/onnx/index.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { demoSample, type DemoRows } from './demo.ts'
import { fixtureModels, trainedModel } from './models.ts'
import { outputScale, runtimeAgreement, TOL } from './tolerance.ts'

const PYTHON = '/usr/bin/python3'

let models: TrainedModel[]
let demo: DemoRows
beforeAll(async () => {
  models = await fixtureModels()
  demo = await demoSample(1000)
})


describe('exportOnnx', () => {
  it('writes the contract graph: names, shapes, opset 17, IR 8, allowlisted ops only', () => {
    for (const m of models) {
      const info = inspectOnnx(exportOnnx(m))
      expect(info.irVersion).toBe(IR_VERSION)
      expect(info.opset).toBe(OPSET)
      expect(info.inputs).toEqual([{ name: 'features', elemType: 1, type: 'float32', shape: ['N', 6] }])
      expect(info.outputs).toEqual([{ name: 'vmaf', elemType: 1, type: 'float32', shape: ['N'] }])
      const hidden = m.params.widths.length - 2
      const body = [...Array(hidden).fill(['Gemm', 'Relu']).flat(), 'Gemm', 'Squeeze']
      expect(info.nodes.map((n) => n.opType)).toEqual(m.scaler ? ['Sub', 'Div', ...body] : body)
      for (const op of info.ops) expect(ALLOWED_OPS.has(op), op).toBe(true)
      expect(info.externalLocations).toEqual([])
      expect(info.metadata['vmaf_tiny.features']).toBe(m.features.join(','))
    }
  })

  it('is deterministic: the same weights give the same bytes, other weights other bytes', () => {
    for (const m of models) {
      const a = exportOnnx(m)
      const copy: TrainedModel = structuredClone(m)
      copy.id = 'another-id'
      copy.createdAt = new Date().toISOString()
      const b = exportOnnx(copy)
      expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true)
      copy.params.layers[0].W[0] = Math.fround(copy.params.layers[0].W[0] + 1e-3)
      expect(sha256Hex(exportOnnx(copy))).not.toBe(sha256Hex(a))
    }
  })

  it('round-trips: the weights and scaler read back are the ones written', () => {
    for (const m of models) {
      const back = extractMlp(inspectOnnx(exportOnnx(m)))
      expect(back.params.widths).toEqual(m.params.widths)
      back.params.layers.forEach((l, i) => {
        expect(l.W).toEqual(m.params.layers[i].W)
        expect(l.b).toEqual(m.params.layers[i].b)
      })
      if (m.scaler) {
        expect(back.scaler!.mean).toEqual(m.scaler.mean.map(Math.fround))
        expect(back.scaler!.std).toEqual(m.scaler.std.map(Math.fround))
      } else expect(back.scaler).toBeNull()
    }
  })

  it('refuses diverged weights and mismatched shapes', () => {
    const m = structuredClone(models[2])
    m.params.layers[1].b[0] = NaN
    expect(() => exportOnnx(m)).toThrow(/NaN/)
    const n = structuredClone(models[2])
    n.features = n.features.slice(1)
    expect(() => exportOnnx(n)).toThrow(/5 feature names for 6 inputs/)
  })

  it('predicts in onnxruntime-node what our forward pass predicts, to 1e-5 on 1,000 demo rows', async () => {
    const ev = await createNodeEvaluator()
    for (const m of models) {
      const out = await ev.run({ name: `${m.id}.onnx`, bytes: exportOnnx(m) }, demo.x, demo.rows, 6)
      expect(out.ep).toBe('cpu')
      const ours = predict(m.params, m.scaler, demo.x, 6)
      const d = runtimeAgreement(out.pred, ours, { scale: outputScale(m, demo.x, demo.rows) })
      expect(d.maxRel, `${m.id}: ort vs forward ${JSON.stringify(d)}`).toBeLessThanOrEqual(TOL)
    }
    await ev.dispose()
  })

  it('passes onnx.checker.check_model(full_check=True) from Debian python3-onnx', (ctx) => {
    const probe = spawnSync(PYTHON, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' })
    if (probe.status !== 0) {
      console.warn(
        `\n!!! SKIPPED: ${PYTHON} cannot import onnx, so the ONNX checker did not run. ` +
          'Install Debian python3-onnx (npm test does it as root). !!!\n',
      )
      ctx.skip()
    }
    const dir = mkdtempSync(join(tmpdir(), 'vmaf-onnx-'))
    const files = models.map((m) => {
      const p = join(dir, `${m.id}.onnx`)
      writeFileSync(p, exportOnnx(m))
      return p
    })
    const script = [
      'import sys, onnx',
      'for p in sys.argv[1:]:',
      '    m = onnx.load(p)',
      '    onnx.checker.check_model(m, full_check=True)',
      '    assert m.ir_version == 8 and m.opset_import[0].version == 17, p',
      '    print("ok", p)',
    ].join('\n')
    const r = spawnSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(models.length)
  })

  it('rejects a broken graph in the checker (the check can fail)', (ctx) => {
    if (spawnSync(PYTHON, ['-c', 'import onnx']).status !== 0) ctx.skip()
    const bytes = exportOnnx(models[2])
    // rename the Gemm op type to an op that does not exist: same length keeps the protobuf valid
    const broken = Buffer.from(bytes)
    const at = broken.indexOf('Gemm')
    broken.write('Gemx', at)
    const dir = mkdtempSync(join(tmpdir(), 'vmaf-onnx-'))
    writeFileSync(join(dir, 'broken.onnx'), broken)
    const r = spawnSync(PYTHON, ['-c', 'import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', join(dir, 'broken.onnx')], { encoding: 'utf8' })
    expect(r.status).not.toBe(0)
  })
})

describe('sidecar', () => {
  it('is the registry format plus a training block, with the sha256 of the bytes', () => {
    const m = models.find((x) => x.id === 'mlp_small_std')!
    const bytes = exportOnnx(m)
    const s = sidecar(m, bytes)
    expect(s.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(s).toMatchObject({
      id: 'mlp_small_std', kind: 'fr', onnx: 'mlp_small_std.onnx', opset: 17,
      input_name: 'features', input_shape: [-1, 6], output_name: 'vmaf', output_shape: [-1],
      features: m.features, input_mean: m.scaler!.mean, input_std: m.scaler!.std, arch: 'mlp_small', n_params: 257,
    })
    expect(s.training).toMatchObject({ seed: 0, epochs: 3, batch_size: 256, lr: 1e-3, scaler_mode: 'standard', train_rows: 1000 })
    expect(s.training!.final).toEqual({ train_loss: 25, val_loss: null })
    expect(s.training!.input_files[0].sha256).toHaveLength(64)
    expect(parseSidecar(sidecarJson(s), 'x.json')).toEqual(JSON.parse(sidecarJson(s)))
  })

  it('writes the identity scaler for the raw recipe', () => {
    const raw = trainedModel('r', models[3].params, null, 'mlp_small')
    const s = sidecar(raw, exportOnnx(raw))
    expect(s.input_mean).toEqual([0, 0, 0, 0, 0, 0])
    expect(s.input_std).toEqual([1, 1, 1, 1, 1, 1])
    expect(s.training!.scaler_mode).toBe('raw')
  })

  it('parseSidecar names the file and the field when something is wrong', () => {
    expect(() => parseSidecar('{not json', 'a.json')).toThrow(/^a\.json: not JSON/)
    expect(() => parseSidecar('{"id":"x"}', 'b.json')).toThrow(/b\.json: field "features"/)
    expect(() => parseSidecar('{"id":"x","features":["a"],"input_mean":[1,2]}', 'c.json')).toThrow(/c\.json: "input_mean" has 2 values for 1 features/)
  })
})
