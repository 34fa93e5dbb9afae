// The command line as a subprocess (the package's bin) on the demo corpus: train (CPU), loso
// --study (the GPU engine in headless Chromium), eval of the published models, and bad input.
// Outputs are checked against the --json contracts and recomputed here with onnxruntime-node.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSplit } from '../../src/data/splits.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { groupMetrics, groupRows, metrics, type GroupMetrics } from '../../src/metrics/index.ts'
import { sha256Hex } from '../../src/onnx/index.ts'
import { hasChromium } from '../../src/node/chromium.ts'
import { sharedPath } from '../helpers/shared.ts'
import { demoTable, KONVID, NFLX, predictFile as predictOn, sourceRows, SOURCES } from './demo.ts'
import { lastLine, runCli } from './run.ts'

const METRIC_KEYS = ['krocc', 'n', 'plcc', 'rmse', 'srocc']

let tmp: string
let table: FeatureTable
/** the GPU study, started first: it mostly waits on Chromium and shader compiles, the rest overlaps */
let study: ReturnType<typeof runCli> | null = null

const predictFile = (path: string, rows: Uint32Array | null) => predictOn(table, path, rows)

function scoreRows(pred: Float32Array, rows: Uint32Array | null): GroupMetrics {
  const g = groupRows(table, 'source')
  const pick = <T extends Float32Array | Uint32Array>(a: T): T => (rows ? (Float32Array.from(rows, (r) => a[r]) as T) : a)
  const codes = rows ? Uint32Array.from(rows, (r) => g.codes[r]) : g.codes
  return groupMetrics(pred, pick(table.target()), codes, g.names, { notInSummary: g.pooled })
}

function expectOneErrorLine(stderr: string, command: string) {
  expect(lastLine(stderr)).toMatch(new RegExp(`^vmaf-tiny-lab ${command}: error: \\S`))
  expect(stderr.split('\n').filter((l) => l.includes('error')).length).toBe(1)
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vmaf-cli-'))
  if (hasChromium())
    study = runCli(['loso', '--study', '--netflix', NFLX, '--konvid', KONVID, '--epochs', '2', '--device', 'gpu', '--out-dir', join(tmp, 'study'), '--json'], { timeoutMs: 240_000 })
  table = await demoTable()
})

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('vmaf-tiny-lab train (CPU, WebAssembly)', () => {
  it('writes ONNX + sidecar + reports per model; the JSON contract holds and its metrics are the ONNX predictions on the validation rows', async () => {
    const out = join(tmp, 'train')
    const r = await runCli([
      'train', '--netflix', NFLX, '--konvid', KONVID, '--model-arch', 'linear,mlp_small', '--seed', '3', '--seeds', '2', '--epochs', '3',
      '--val-mode', 'netflix-source-and-konvid-holdout', '--val-source', 'NightGrain', '--konvid-val-fraction', '0.2',
      '--device', 'cpu', '--out-dir', out, '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    const res = JSON.parse(r.stdout)
    expect(Object.keys(res)).toEqual(['models'])
    expect(res.models).toHaveLength(4)
    expect(res.models.map((m: { arch: string; seed: number }) => `${m.arch}/${m.seed}`)).toEqual(['linear/3', 'linear/4', 'mlp_small/3', 'mlp_small/4'])

    const split = makeSplit(table, { mode: 'netflix-source-and-konvid-holdout', holdoutSource: 'NightGrain', konvidFraction: 0.2, seed: 3 })
    const konvidVal = split.valRows.length - 1200
    expect(konvidVal).toBeGreaterThan(1000)
    for (const m of res.models) {
      for (const k of ['id', 'onnx', 'sidecar', 'metrics']) expect(m).toHaveProperty(k)
      for (const f of [m.onnx, m.sidecar, m.report, m.report_md]) expect(existsSync(f), f).toBe(true)
      expect(Object.keys(m.metrics).sort()).toEqual(['all', 'per_source'])
      expect(Object.keys(m.metrics.per_source)).toEqual(['NightGrain', 'konvid (all clips)'])
      for (const v of [...Object.values(m.metrics.per_source), m.metrics.all]) expect(Object.keys(v as object).sort()).toEqual(METRIC_KEYS)
      expect(m.metrics.per_source.NightGrain.n).toBe(1200)
      expect(m.metrics.per_source['konvid (all clips)'].n).toBe(konvidVal)
      expect(m.metrics.all.n).toBe(split.valRows.length)

      // the written model, run here on the same validation rows, gives the reported numbers
      const pred = await predictFile(m.onnx, split.valRows)
      const mine = scoreRows(pred, split.valRows)
      for (const [name, v] of Object.entries(mine.per_source))
        for (const k of ['plcc', 'srocc', 'krocc', 'rmse'] as const) expect(m.metrics.per_source[name][k]).toBeCloseTo(v[k], 9)
      expect(m.metrics.all.plcc).toBeCloseTo(mine.all.plcc, 9)

      const side = JSON.parse(readFileSync(m.sidecar, 'utf8'))
      expect(side.sha256).toBe(sha256Hex(new Uint8Array(readFileSync(m.onnx))))
      expect(side.training.seed).toBe(m.seed)
      expect(side.training.epochs).toBe(3)
      expect(side.training.split).toContain('NightGrain')
      expect(side.training.val_rows).toBe(split.valRows.length)
      expect(readFileSync(m.report_md, 'utf8')).toContain(`| NightGrain | ${m.metrics.per_source.NightGrain.plcc.toFixed(4)} |`)
    }
    expect(r.stderr).toContain('CPU WebAssembly SIMD')
  })
})

describe('vmaf-tiny-lab loso (CPU, WebAssembly)', () => {
  it('sweeps the combined corpus when konvid is loaded: {"runs":{"loso":RUN}}, seed means per fold', async () => {
    const r = await runCli(['loso', '--netflix', NFLX, '--konvid', KONVID, '--epochs', '1', '--seed', '3', '--seeds', '2', '--device', 'cpu', '--out-dir', join(tmp, 'loso'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const res = JSON.parse(r.stdout)
    expect(Object.keys(res.runs)).toEqual(['loso'])
    const run = res.runs.loso
    expect(run.arm).toBe('b')
    expect(run.steps).toBe(Math.ceil(18872 / 256))
    expect(run.folds.map((f: { source: string }) => f.source)).toEqual(SOURCES)
    const report = JSON.parse(readFileSync(res.report, 'utf8'))
    for (const f of run.folds) {
      // the experiment report's runs of arm b on this fold, one per seed
      const seeds = report.runs.filter((x: { arm: string; fold: string }) => x.arm === 'b' && x.fold === f.source)
      expect(seeds.map((s: { seed: number }) => s.seed)).toEqual([3, 4])
      expect(f.plcc).toBeCloseTo((seeds[0].plcc + seeds[1].plcc) / 2, 12)
      expect(f.onnx).toMatch(/loso-b-.*-s3\.onnx$/) // the first seed's model
      expect(existsSync(f.onnx)).toBe(true)
    }
    const mean = run.folds.reduce((s: number, f: { plcc: number }) => s + f.plcc, 0) / 9
    expect(run.mean.plcc).toBeCloseTo(mean, 12)
  })
})

describe('vmaf-tiny-lab eval', () => {
  it('scores the published vmaf_tiny_v2 per source with onnxruntime-node (ep reported)', async () => {
    const model = sharedPath('upstream-models/vmaf_tiny_v2.onnx')
    const r = await runCli(['eval', '--model', model, '--netflix', NFLX, '--konvid', KONVID, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const res = JSON.parse(r.stdout)
    expect(res.model).toBe(model)
    expect(res.ep).toBe('cpu')
    expect(Object.keys(res.metrics).sort()).toEqual(['all', 'per_source'])
    expect(Object.keys(res.metrics.per_source)).toEqual([...SOURCES, 'konvid (all clips)'])
    expect(res.metrics.all.n).toBe(table.rows)
    const mine = scoreRows(await predictFile(model, null), null)
    for (const s of SOURCES) expect(res.metrics.per_source[s].plcc).toBeCloseTo(mine.per_source[s].plcc, 9)
    expect(res.metrics.per_source.Harbor.plcc).toBeGreaterThan(0.999)
    expect(r.stderr).toContain('vmaf_tiny_v2.json') // its sidecar was read
  })

  it('loads vmaf_tiny_v1 with its external .onnx.data, and says which file is missing without it', async () => {
    const model = sharedPath('upstream-models/vmaf_tiny_v1.onnx')
    copyFileSync(model, join(tmp, 'v1-alone.onnx'))
    const [ok, missing] = await Promise.all([
      runCli(['eval', '--model', model, '--netflix', NFLX, '--json']),
      runCli(['eval', '--model', join(tmp, 'v1-alone.onnx'), '--netflix', NFLX, '--json']),
    ])
    expect(ok.code, ok.stderr).toBe(0)
    const res = JSON.parse(ok.stdout)
    expect(Object.keys(res.metrics.per_source)).toEqual(SOURCES)
    expect(res.metrics.per_source.Harbor.plcc).toBeGreaterThan(0.98)
    expect(missing.code).toBe(1)
    expect(missing.stdout).toBe('')
    expectOneErrorLine(missing.stderr, 'eval')
    expect(lastLine(missing.stderr)).toContain('vmaf_tiny_v1.onnx.data')
  })
})

describe('bad input: exit code ≠ 0, one line on stderr, nothing on stdout', () => {
  const cases: { name: string; args: () => string[]; code: number; says: RegExp; env?: Record<string, string> }[] = [
    { name: 'missing file', args: () => ['train', '--netflix', join(tmp, 'nope.parquet'), '--device', 'cpu'], code: 1, says: /nope\.parquet: no such file/ },
    { name: 'corrupt parquet', args: () => ['train', '--netflix', join(tmp, 'corrupt.parquet'), '--device', 'cpu'], code: 1, says: /corrupt\.parquet: not a parquet file/ },
    { name: 'missing column', args: () => ['train', '--netflix', sharedPath('upstream-data/bisect_features.parquet'), '--device', 'cpu'], code: 1, says: /bisect_features\.parquet: missing required column "vmaf"/ },
    { name: 'unknown arch', args: () => ['train', '--model-arch', 'mlp_huge', '--netflix', NFLX, '--device', 'cpu'], code: 2, says: /unknown --model-arch "mlp_huge"/ },
    { name: 'bad --val-source', args: () => ['train', '--val-source', 'Tennis', '--netflix', NFLX, '--device', 'cpu'], code: 2, says: /"Tennis" is not in the loaded data; the nflx sources are Harbor, / },
    { name: 'bad flag value', args: () => ['loso', '--epochs', '0'], code: 2, says: /--epochs must be a whole number/ },
    { name: 'broken onnx', args: () => ['eval', '--model', join(tmp, 'broken.onnx'), '--netflix', NFLX], code: 1, says: /broken\.onnx: not an ONNX model/ },
    { name: 'no Chromium for --device gpu', args: () => ['train', '--netflix', NFLX, '--epochs', '1', '--device', 'gpu'], code: 3, says: /Chromium not found.*apt-get install -y chromium.*--device cpu/, env: { CHROMIUM_PATH: '/nonexistent/chromium' } },
  ]
  beforeAll(() => {
    writeFileSync(join(tmp, 'corrupt.parquet'), Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))
    writeFileSync(join(tmp, 'broken.onnx'), readFileSync(sharedPath('upstream-models/vmaf_tiny_v2.onnx')).subarray(0, 600))
  })
  for (const c of cases)
    it.concurrent(c.name, async () => {
      const r = await runCli([...c.args(), '--json'], { env: c.env })
      expect(r.code, r.stderr).toBe(c.code)
      expect(r.stdout).toBe('')
      expectOneErrorLine(r.stderr, c.args()[0])
      expect(lastLine(r.stderr)).toMatch(c.says)
    })

  it.concurrent('--device auto falls back to the CPU with a notice when there is no Chromium', async () => {
    const r = await runCli(['train', '--netflix', NFLX, '--epochs', '1', '--device', 'auto', '--out-dir', join(tmp, 'auto'), '--json'], {
      env: { CHROMIUM_PATH: '/nonexistent/chromium' },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/warning: WebGPU unavailable: Chromium not found.* — training on the CPU WebAssembly SIMD \(\d+ workers?\) instead/)
    expect(JSON.parse(r.stdout).models[0].device).toMatch(/^CPU WebAssembly SIMD \(\d+ workers?\)$/)
  })

  it.concurrent('without --device, auto is the default: no Chromium falls back to the CPU, and the notice says auto was the default', async () => {
    const r = await runCli(['train', '--netflix', NFLX, '--epochs', '1', '--out-dir', join(tmp, 'default'), '--json'], {
      env: { CHROMIUM_PATH: '/nonexistent/chromium' },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/warning: WebGPU unavailable: Chromium not found.* — training on the CPU WebAssembly SIMD \(\d+ workers?\) instead \(--device auto \(the default; --device gpu\|cpu forces one\)\)/)
    expect(JSON.parse(r.stdout).models[0].device).toMatch(/^CPU WebAssembly SIMD \(\d+ workers?\)$/)
  })
})

describe.skipIf(!hasChromium())('vmaf-tiny-lab loso --study (GPU engine in headless Chromium)', () => {
  it('runs (a), (b), (c) with 9 folds each; steps of (c) match (b); fold models reproduce their metrics', async () => {
    const r = await study!
    expect(r.code, r.stderr).toBe(0)
    const res = JSON.parse(r.stdout)
    expect(res.device).toContain('WebGPU')
    expect(Object.keys(res.runs)).toEqual(['a', 'b', 'c'])
    for (const arm of ['a', 'b', 'c']) {
      const run = res.runs[arm]
      expect(run.folds.map((f: { source: string }) => f.source)).toEqual(SOURCES)
      for (const f of run.folds) {
        for (const k of ['source', 'plcc', 'srocc', 'rmse', 'n', 'onnx']) expect(f).toHaveProperty(k)
        expect(f.n).toBe(1200)
        expect(existsSync(f.onnx), f.onnx).toBe(true)
      }
      expect(Object.keys(run.mean).sort()).toEqual(['plcc', 'rmse', 'srocc'])
      expect(Object.keys(run.std).sort()).toEqual(['plcc', 'rmse', 'srocc'])
    }
    // 9,600 nflx training rows per fold (a); + 9,272 konvid rows (b); batch 256, 2 epochs
    const perEpochA = Math.ceil(9600 / 256)
    expect(res.runs.a.steps).toBe(2 * perEpochA)
    expect(res.runs.b.steps).toBe(2 * Math.ceil(18872 / 256))
    expect(Math.abs(res.runs.c.steps - res.runs.b.steps)).toBeLessThanOrEqual(perEpochA / 2)
    for (const f of [res.report, res.report_md]) expect(existsSync(f)).toBe(true)

    // a fold model written by the GPU run scores its held-out source as reported
    const fold = res.runs.b.folds.find((f: { source: string }) => f.source === 'NightGrain')
    const rows = sourceRows(table, 'NightGrain')
    const m = metrics(await predictFile(fold.onnx, rows), Float32Array.from(rows, (i) => table.target()[i]))
    expect(fold.plcc).toBeCloseTo(m.plcc, 9)
    expect(fold.rmse).toBeCloseTo(m.rmse, 6)
  }, 300_000)
})
