// `crosscheck` and the drift check of `eval`, as subprocesses on the demo corpus. crosscheck's
// numbers are recomputed here (onnxruntime-node straight, our forward pass, runtimeAgreement); the
// drift of a model whose scaler was fitted on the demo corpus is nothing there, and exactly the
// shifted feature on a copy of the corpus shifted by 2σ in one feature.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { tableToParquet } from '../../src/data/toParquet.ts'
import { outputScale, runtimeAgreement } from '../../src/metrics/agreement.ts'
import { archSpec } from '../../src/model/arch.ts'
import { predict } from '../../src/model/forward.ts'
import { initParams } from '../../src/model/init.ts'
import { fitScaler } from '../../src/model/scaler.ts'
import { exportOnnx, extractMlp, graphScaler, inspectOnnx } from '../../src/onnx/index.ts'
import { sharedPath } from '../helpers/shared.ts'
import { trainedModel, v2Model } from '../onnx/models.ts'
import { demoTable, KONVID, NFLX, predictFile } from './demo.ts'
import { lastLine, runCli } from './run.ts'

const DEMO = ['--netflix', NFLX, '--konvid', KONVID]
const F = CANONICAL_FEATURES.length
const upstream = (f: string) => sharedPath('upstream-models', f)

let tmp: string
let table: FeatureTable
/** mlp_small with a scaler fitted on every demo row: a model trained on the demo corpus */
let small: string
let v2: string
let raw: string

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vmaf-crosscheck-'))
  table = await demoTable()
  const all = Uint32Array.from({ length: table.rows }, (_, i) => i)
  const scaler = fitScaler(CANONICAL_FEATURES.map((f) => table.feature(f)), all)
  const widths = archSpec('mlp_small', F).widths
  const write = (name: string, bytes: Uint8Array) => (writeFileSync(join(tmp, name), bytes), join(tmp, name))
  small = write('mlp_small_demo.onnx', exportOnnx(trainedModel('mlp_small_demo', initParams(widths, 5), scaler, 'mlp_small')))
  raw = write('mlp_small_raw.onnx', exportOnnx(trainedModel('mlp_small_raw', initParams(widths, 6), null, 'mlp_small')))
  v2 = write('vmaf_tiny_v2_reexport.onnx', exportOnnx(v2Model()))
})

afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** What crosscheck should report for an MLP file: onnxruntime-node vs our forward, recomputed here. */
async function expectedMlp(path: string) {
  const x = table.matrix(CANONICAL_FEATURES)
  const mlp = extractMlp(inspectOnnx(readFileSync(path)))
  return runtimeAgreement(await predictFile(table, path, null), predict(mlp.params, mlp.scaler, x, F), { scale: outputScale(mlp, x, table.rows) })
}

describe('vmaf-tiny-lab crosscheck', () => {
  it('our exports (mlp_small, the v2 re-export) on onnxruntime-node agree with our float forward to 1e-4 relative', async () => {
    for (const path of [small, v2]) {
      const r = await runCli(['crosscheck', '--model', path, ...DEMO, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const res = JSON.parse(r.stdout)
      expect(Object.keys(res)).toEqual(['model', 'runtime', 'ep', 'cpu', 'against', 'max_abs', 'max_rel', 'mean_abs', 'rows'])
      expect(res).toMatchObject({ model: path, runtime: 'onnxruntime-node', ep: 'cpu', against: { model: path, runtime: 'float forward' }, rows: table.rows })
      const want = await expectedMlp(path)
      expect(res.max_abs).toBe(want.maxAbs)
      expect(res.max_rel).toBe(want.maxRel)
      expect(res.mean_abs).toBeCloseTo(want.meanAbs, 12)
      expect(res.max_rel, path).toBeLessThanOrEqual(1e-4)
    }
  })

  it('the dynamic-int8 v4 against fp32 v4 (--reference): finite differences, the rows, and the CPU flags', async () => {
    const r = await runCli(['crosscheck', '--model', upstream('vmaf_tiny_v4.int8.onnx'), '--reference', upstream('vmaf_tiny_v4.onnx'), ...DEMO, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const res = JSON.parse(r.stdout)
    expect(res.against).toEqual({ model: upstream('vmaf_tiny_v4.onnx'), runtime: 'float forward' })
    expect(res.rows).toBe(table.rows)
    for (const k of ['max_abs', 'max_rel', 'mean_abs']) expect(Number.isFinite(res[k]), k).toBe(true)
    // quantisation error is there on every CPU; how large depends on the CPU (VNNI or not)
    expect(res.max_abs).toBeGreaterThan(1e-3)
    expect(Object.keys(res.cpu.flags)).toEqual(['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni'])
    if (process.platform === 'linux' && process.arch === 'x64') for (const v of Object.values(res.cpu.flags)) expect(typeof v).toBe('boolean')
    const x = table.matrix(CANONICAL_FEATURES)
    const v4 = extractMlp(inspectOnnx(readFileSync(upstream('vmaf_tiny_v4.onnx'))))
    const want = runtimeAgreement(await predictFile(table, upstream('vmaf_tiny_v4.int8.onnx'), null), predict(v4.params, v4.scaler, x, F), { scale: outputScale(v4, x, table.rows) })
    expect(res.max_abs).toBe(want.maxAbs)
  })

  it('a graph that is no MLP, without --reference, is refused (exit 2) and told what to give', async () => {
    const r = await runCli(['crosscheck', '--model', upstream('vmaf_tiny_v4.int8.onnx'), '--netflix', NFLX])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(lastLine(r.stderr)).toMatch(/^vmaf-tiny-lab crosscheck: error: vmaf_tiny_v4\.int8\.onnx is no plain MLP .* give --reference FP32\.onnx/)
  })
})

describe('vmaf-tiny-lab eval: drift from the model\'s scaler', () => {
  it('a model fitted on the demo corpus: no drift on it; a raw model: drift null with the reason', async () => {
    const [fit, unscaled] = await Promise.all([runCli(['eval', '--model', small, ...DEMO, '--json']), runCli(['eval', '--model', raw, ...DEMO, '--json'])])
    expect(fit.code, fit.stderr).toBe(0)
    const d = JSON.parse(fit.stdout).drift
    expect(d.features.map((f: { name: string }) => f.name)).toEqual(CANONICAL_FEATURES)
    for (const f of d.features) expect(Math.abs(f.mean_sigma)).toBeLessThan(1e-4)
    expect(d.warnings).toEqual([])
    expect(fit.stderr).not.toContain('drift')
    expect(unscaled.code, unscaled.stderr).toBe(0)
    const u = JSON.parse(unscaled.stdout)
    expect(u.drift).toBe(null)
    expect(u.drift_reason).toMatch(/no Sub\(mean\)\/Div\(std\) at the input/)
    expect(unscaled.stderr).toContain('drift: not measured: the graph feeds its input unscaled')
  })

  it('the demo corpus shifted by 2σ in motion2 warns about motion2 alone, on stderr and in --json', async () => {
    const { scaler } = graphScaler(inspectOnnx(readFileSync(small)))
    const j = CANONICAL_FEATURES.indexOf('motion2')
    const moved = Float32Array.from(table.feature('motion2'), (v) => v + 2 * scaler!.std[j])
    const shifted: FeatureTable = Object.assign(Object.create(table), { feature: (n: string) => (n === 'motion2' ? moved : table.feature(n)) })
    const file = join(tmp, 'demo_motion2_plus_2sigma.parquet')
    writeFileSync(file, new Uint8Array(tableToParquet(shifted)))
    const r = await runCli(['eval', '--model', small, '--data', file, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const d = JSON.parse(r.stdout).drift
    expect(d.features[j].mean_sigma).toBeCloseTo(2, 4)
    expect(d.warnings).toHaveLength(1)
    expect(d.warnings[0]).toMatch(/^motion2: mean \+2\.00σ from the model's training mean/)
    const lines = r.stderr.split('\n').filter((l) => l.includes('drift'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^warning: drift: .*motion2: mean \+2\.00σ/)
    for (const f of CANONICAL_FEATURES.filter((f) => f !== 'motion2')) expect(lines[0]).not.toContain(f)
  })
})
