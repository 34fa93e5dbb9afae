// `vmaf-tiny-lab quantize` as a subprocess: an mlp_small trained by `train --device cpu` on the demo
// corpus (NightGrain held out) becomes an int8 QDQ model whose --json numbers are recomputed here
// from the written files with onnxruntime-node on the held-out rows; its sidecar and registry carry
// the fork's quant fields and pass the fork's gate (validate_model_registry.py); a model that misses
// the budget, a damaged file and a graph that is not a tiny MLP are refused, naming the file.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { plcc, rmse } from '../../src/metrics/correlation.ts'
import { ALLOWED_OPS } from '../../src/onnx/allowlist.ts'
import { sharedPath } from '../helpers/shared.ts'
import { demoTable, KONVID, NFLX, predictFile, sourceRows } from './demo.ts'
import { lastLine, runCli, type CliRun } from './run.ts'

const PYTHON = '/usr/bin/python3'
const GATE = sharedPath('upstream-tools', 'validate_model_registry.py')
const SCHEMA = sharedPath('upstream-tools', 'registry.schema.json')
const DATA = ['--netflix', NFLX, '--konvid', KONVID]
const sha256File = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const gate = (registry: string) => spawnSync(PYTHON, [GATE, registry, '--schema', SCHEMA], { encoding: 'utf8' })

type QuantJson = { onnx: string; sha256: string; quant_mode: string; plcc_drop: number; rmse_delta: number; ops: string[]; sidecar: string; gate_rows: number; gate_rows_held_out: boolean; rows: string; registry?: string }

let tmp: string
let table: FeatureTable
let model: string
let run: CliRun
let res: QuantJson

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vmaf-quant-cli-'))
  const trained = await runCli(['train', ...DATA, '--device', 'cpu', '--epochs', '30', '--val-mode', 'netflix-source', '--val-source', 'NightGrain', '--out-dir', join(tmp, 'train'), '--json', '--quiet'])
  if (trained.code !== 0) throw new Error(`train failed: ${trained.stderr}`)
  model = JSON.parse(trained.stdout).models[0].onnx
  run = await runCli(['quantize', '--model', model, ...DATA, '--out', join(tmp, 'int8', 'm.int8.onnx'), '--registry-out', join(tmp, 'registry'), '--json'])
  if (run.code !== 0) throw new Error(`quantize failed: ${run.stderr}`)
  res = JSON.parse(run.stdout)
  table = await demoTable()
}, 240_000)

afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('vmaf-tiny-lab quantize', () => {
  it('prints the JSON contract: the int8 file, its sha256, quant_mode and allowlisted QDQ ops', () => {
    expect(Object.keys(res).slice(0, 6)).toEqual(['onnx', 'sha256', 'quant_mode', 'plcc_drop', 'rmse_delta', 'ops'])
    expect(res.sha256).toBe(sha256File(res.onnx))
    expect(res.quant_mode).toBe('static')
    expect(res.ops).toEqual(['DequantizeLinear', 'Div', 'Gemm', 'QuantizeLinear', 'Relu', 'Squeeze', 'Sub'])
    for (const op of res.ops) expect(ALLOWED_OPS.has(op), op).toBe(true)
    expect(res.gate_rows_held_out).toBe(true)
    expect(res.rows).toMatch(/calibrated on the 18872 rows the model trained on, gated on the 1200 rows its split held out/)
  })

  it('reports the PLCC drop and RMSE change that the files give on the held-out source, within the default budget', async () => {
    const rows = sourceRows(table, 'NightGrain')
    expect(res.gate_rows).toBe(rows.length)
    const y = Float32Array.from(rows, (r) => table.target()[r])
    const fp = await predictFile(table, model, rows)
    const q = await predictFile(table, res.onnx, rows)
    expect(res.plcc_drop).toBeCloseTo(plcc(fp, y) - plcc(q, y), 9)
    expect(res.rmse_delta).toBeCloseTo(rmse(q, y) - rmse(fp, y), 6)
    expect(res.plcc_drop).toBeLessThanOrEqual(0.002)
  })

  it('writes a sidecar with the fork\'s quant fields and what calibrated and gated it', () => {
    const side = JSON.parse(readFileSync(res.sidecar, 'utf8'))
    expect(res.sidecar).toBe(join(tmp, 'int8', 'm.int8.json'))
    expect(side).toMatchObject({ quant_mode: 'static', int8_sha256: res.sha256, quant_accuracy_budget_plcc: 0.002 })
    expect(side.quant_calibration_set).toMatch(/^minmax over 18872 rows of .*nflx_like\.parquet/)
    expect(side.quantization).toMatchObject({ int8_onnx: 'm.int8.onnx', calibration_rows: 18872, gate_rows: 1200, gate_rows_held_out: true, plcc_drop: res.plcc_drop })
    expect(side.training.split_record.held_out_sources).toEqual(['NightGrain'])
  })

  it("passes the fork's registry gate with the int8 file beside the float one, and fails when the int8 file changes", () => {
    const dir = join(tmp, 'registry')
    const reg = JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8'))
    const [entry] = reg.models
    expect(entry).toMatchObject({ quant_mode: 'static', int8_sha256: res.sha256, quant_accuracy_budget_plcc: 0.002 })
    expect(sha256File(join(dir, `${entry.id}.int8.onnx`))).toBe(res.sha256)
    expect(sha256File(join(dir, entry.onnx))).toBe(sha256File(model))
    if (spawnSync(PYTHON, ['-c', 'import jsonschema']).status !== 0) throw new Error(`${PYTHON} cannot import jsonschema: install Debian python3-jsonschema`)
    const ok = gate(join(dir, 'registry.json'))
    expect(ok.stderr).toBe('')
    expect(ok.stdout.trim()).toBe('OK: 1 registry entries valid against registry.schema.json')
    const int8 = join(dir, `${entry.id}.int8.onnx`)
    const bytes = readFileSync(int8)
    bytes[bytes.length - 1] ^= 1
    writeFileSync(int8, bytes)
    const bad = gate(join(dir, 'registry.json'))
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/int8_sha256 mismatch/)
  })

  it('refuses a model that misses the budget with the numbers, and writes nothing', async () => {
    const out = join(tmp, 'refused', 'm.int8.onnx')
    const r = await runCli(['quantize', '--model', model, ...DATA, '--out', out, '--calibration', 'percentile', '--percentile', '60', '--quiet'])
    expect(r.code).toBe(1)
    expect(lastLine(r.stderr)).toMatch(/NightGrain\.onnx: refused, int8 misses the budget: PLCC -?0\.\d+ → -?0\.\d+ \(drop \d\.\d+e[-+]\d+, budget 0\.002\), RMSE .* on 1200 gate rows/)
    expect(existsSync(out)).toBe(false)
  })

  it('refuses a damaged file and a graph that is not a tiny MLP, naming the file', async () => {
    const broken = join(tmp, 'broken.onnx')
    writeFileSync(broken, readFileSync(model).subarray(0, 100))
    const a = await runCli(['quantize', '--model', broken, '--quiet'])
    expect(a.code).toBe(1)
    expect(lastLine(a.stderr)).toMatch(/error: broken\.onnx: not an ONNX model/)
    const b = await runCli(['quantize', '--model', sharedPath('upstream-models', 'vmaf_tiny_v4.int8.onnx'), '--out', join(tmp, 'v4.int8.onnx'), '--quiet'])
    expect(b.code).toBe(1)
    expect(lastLine(b.stderr)).toMatch(/error: vmaf_tiny_v4\.int8\.onnx: not a tiny MLP the quantizer handles \(no Gemm after the input \(found DynamicQuantizeLinear\)\)/)
  })

  it('without a sidecar: gates on a seeded fraction of whole clips and says so', async () => {
    mkdirSync(join(tmp, 'bare'))
    const bare = join(tmp, 'bare', 'm.onnx')
    copyFileSync(model, bare)
    const r = await runCli(['quantize', '--model', bare, ...DATA, '--json', '--quiet'])
    expect(r.code).toBe(0)
    const j: QuantJson = JSON.parse(r.stdout)
    expect(j.gate_rows_held_out).toBe(false)
    expect(j.rows).toMatch(/^no split record: calibrated on all given rows but a seeded \d+ of \d+ clips \(20%, seed 0, whole clips\) held back for the gate/)
    expect(readdirSync(join(tmp, 'bare')).sort()).toEqual(['m.int8.json', 'm.int8.onnx', 'm.onnx'])
  })
})
