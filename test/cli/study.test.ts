// `vmaf-tiny-lab study` as a subprocess on the demo corpus (CPU, WebAssembly trainer, 1 epoch so it
// is quick): the --json contract of the issue, recomputed here from the written fold models with
// onnxruntime-node; the arm ids of every preset; `loso --study` giving the foxbird preset's numbers;
// --design files; and --registry-out checked by the libvmaf fork's own gate
// (../shared/upstream-tools/validate_model_registry.py with Debian's python3-jsonschema), which
// must also refuse a damaged copy.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { metrics } from '../../src/metrics/index.ts'
import { sharedPath } from '../helpers/shared.ts'
import { demoTable, KONVID, KONVID_SHARDS, NFLX, predictFile, sourceRows, SOURCES } from './demo.ts'
import { lastLine, runCli, type CliRun } from './run.ts'

const PYTHON = '/usr/bin/python3'
const GATE = sharedPath('upstream-tools', 'validate_model_registry.py')
const SCHEMA = sharedPath('upstream-tools', 'registry.schema.json')
const DATA = ['--netflix', NFLX, '--konvid', KONVID, '--device', 'cpu']
/** scipy.stats.t.ppf(0.975, 8): the 95% t quantile for 9 folds */
const T_975_8 = 2.306004135204166

type Scores = { plcc: number; srocc: number; rmse: number }
type Fold = Scores & { source: string; n: number; plcc_seeds: number[]; ci95: { plcc: [number, number] | null }; converged: boolean }
type Arm = { label: string; folds: Fold[]; all: Scores & { n: number }; mean: Scores; std: Scores; ci95: { plcc: [number, number] }; convergence: { converged: number; runs: number; epochs: number | null } }
type Comparison = {
  a: string
  b: string
  delta_plcc: number
  ci95: [number, number]
  delta_rmse: number
  ci95_rmse: [number, number]
  p: number
  p_adjusted: number
  corrected_t: { t: number; df: number; p: number; p_adjusted: number; test_train_ratio: number }
}
type Contract = { experiment: string; arms: Record<string, Arm>; comparisons: Comparison[]; reading: string }

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length
const pstd = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)))
const sstd = (v: number[]) => Math.sqrt((pstd(v) ** 2 * v.length) / (v.length - 1))
const sha256File = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

let tmp: string
let table: FeatureTable
let fox: CliRun
let res: Contract

function contract(r: CliRun): Contract {
  expect(r.code, r.stderr).toBe(0)
  expect(r.stdout.trim().split('\n')).toHaveLength(1)
  return JSON.parse(r.stdout) as Contract
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vmaf-study-'))
  ;[table, fox] = await Promise.all([
    demoTable(),
    runCli(['study', '--preset', 'foxbird', ...DATA, '--epochs', '1', '--seeds', '2', '--seed', '1', '--out-dir', join(tmp, 'fox'), '--registry-out', join(tmp, 'registry'), '--json']),
  ])
  res = contract(fox)
}, 120_000)
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('study --preset foxbird --json', () => {
  it('prints exactly the contract: experiment, arms {label, folds, all, mean, std, ci95}, comparisons, reading', () => {
    expect(Object.keys(res)).toEqual(['experiment', 'arms', 'comparisons', 'reading'])
    expect(res.experiment).toBe('foxbird')
    expect(Object.keys(res.arms)).toEqual(['a', 'b', 'c'])
    for (const arm of Object.values(res.arms)) {
      expect(Object.keys(arm)).toEqual(['label', 'folds', 'all', 'mean', 'std', 'ci95', 'convergence'])
      expect(arm.folds.map((f) => f.source)).toEqual(SOURCES)
      for (const f of arm.folds) expect(Object.keys(f)).toEqual(['source', 'plcc', 'srocc', 'rmse', 'n', 'plcc_seeds', 'ci95', 'converged'])
      expect(arm.convergence.runs).toBe(18)
      expect(Object.keys(arm.all).sort()).toEqual(['n', 'plcc', 'rmse', 'srocc'])
      expect(Object.keys(arm.mean).sort()).toEqual(['plcc', 'rmse', 'srocc'])
      expect(Object.keys(arm.std).sort()).toEqual(['plcc', 'rmse', 'srocc'])
      expect(Object.keys(arm.ci95)).toEqual(['plcc'])
    }
    expect(res.arms.b.label).toBe('nflx + konvid')
    expect(res.comparisons.map((c) => `${c.a}-${c.b}`)).toEqual(['a-b', 'a-c', 'c-b'])
    for (const c of res.comparisons) expect(Object.keys(c)).toEqual(['a', 'b', 'delta_plcc', 'ci95', 'delta_rmse', 'ci95_rmse', 'p', 'p_adjusted', 'corrected_t'])
    expect(res.reading).toMatch(/^foxbird: 3 arms over 9 folds × 2 seeds \(54 runs\)/)
  })

  it('fold values are the means over seeds of the fold models, which score their held-out source as reported', async () => {
    for (const [id, arm] of Object.entries(res.arms)) {
      const pooled: { pred: number[]; y: number[] }[] = [1, 2].map(() => ({ pred: [], y: [] }))
      for (const f of arm.folds) {
        expect(f.n).toBe(1200)
        expect(f.plcc_seeds).toHaveLength(2)
        expect(f.plcc).toBeCloseTo(mean(f.plcc_seeds), 12)
        const rows = sourceRows(table, f.source)
        const y = Array.from(rows, (r) => table.target()[r])
        const mine = await Promise.all(
          [1, 2].map(async (seed, k) => {
            const pred = await predictFile(table, join(tmp, 'fox', id, `foxbird-${id}-${f.source}-s${seed}.onnx`), rows)
            pooled[k].pred.push(...pred)
            pooled[k].y.push(...y)
            return metrics(pred, Float32Array.from(y))
          }),
        )
        mine.forEach((m, k) => expect(f.plcc_seeds[k]).toBeCloseTo(m.plcc, 9))
        expect(f.srocc).toBeCloseTo(mean(mine.map((m) => m.srocc)), 9)
        expect(f.rmse).toBeCloseTo(mean(mine.map((m) => m.rmse)), 5)
      }
      // all: every held-out row of the arm, per seed, averaged over seeds
      const all = pooled.map((p) => metrics(Float32Array.from(p.pred), Float32Array.from(p.y)))
      expect(arm.all.n).toBe(10800)
      expect(arm.all.plcc).toBeCloseTo(mean(all.map((m) => m.plcc)), 9)
      expect(arm.all.srocc).toBeCloseTo(mean(all.map((m) => m.srocc)), 9)
      expect(arm.all.rmse).toBeCloseTo(mean(all.map((m) => m.rmse)), 5)
    }
  })

  it("mean and population std across folds, a 95% interval of the mean PLCC on Fisher's z, paired Δs with a bootstrap CI, an exact sign-flip p, the corrected t and Holm", () => {
    for (const arm of Object.values(res.arms)) {
      const plcc = arm.folds.map((f) => f.plcc)
      expect(arm.mean.plcc).toBeCloseTo(mean(plcc), 12)
      expect(arm.std.plcc).toBeCloseTo(pstd(plcc), 12)
      expect(arm.mean.rmse).toBeCloseTo(mean(arm.folds.map((f) => f.rmse)), 9)
      const z = plcc.map(Math.atanh)
      const half = (T_975_8 * sstd(z)) / 3
      expect(arm.ci95.plcc[0]).toBeCloseTo(Math.tanh(mean(z) - half), 9)
      expect(arm.ci95.plcc[1]).toBeCloseTo(Math.tanh(mean(z) + half), 9)
      expect(arm.ci95.plcc[1]).toBeLessThanOrEqual(1)
    }
    // Holm over the three comparisons, step-down by hand
    const holm = (ps: number[]) => {
      const order = ps.map((_, i) => i).sort((i, j) => ps[i] - ps[j])
      const out: number[] = []
      let run = 0
      order.forEach((i, k) => (out[i] = run = Math.max(run, Math.min(1, (ps.length - k) * ps[i]))))
      return out
    }
    const adj = holm(res.comparisons.map((c) => c.p))
    const adjT = holm(res.comparisons.map((c) => c.corrected_t.p))
    for (const c of res.comparisons) {
      const a = res.arms[c.a].folds
      const b = res.arms[c.b].folds
      expect(c.delta_plcc).toBeCloseTo(mean(b.map((f, i) => f.plcc - a[i].plcc)), 12)
      expect(c.ci95[0]).toBeLessThanOrEqual(c.delta_plcc)
      expect(c.ci95[1]).toBeGreaterThanOrEqual(c.delta_plcc)
      // all 2^9 sign patterns of the per-fold mean Δ: p is a whole number of 512ths
      expect(c.p).toBeGreaterThan(0)
      expect(c.p).toBeLessThanOrEqual(1)
      expect(Math.abs(c.p * 512 - Math.round(c.p * 512))).toBeLessThan(1e-9)
    }
    res.comparisons.forEach((c, i) => {
      expect(c.p_adjusted).toBeCloseTo(adj[i], 14)
      expect(c.p_adjusted).toBeGreaterThanOrEqual(c.p)
      expect(c.corrected_t.p_adjusted).toBeCloseTo(adjT[i], 14)
      expect(c.corrected_t.df).toBe(8)
      // nflx-only training rows (8 sources × 1200) against one source's 1200 test rows
      expect(c.corrected_t.test_train_ratio).toBeCloseTo(1200 / 9600, 12)
      expect(c.delta_rmse).toBeCloseTo(mean(res.arms[c.b].folds.map((f, k) => f.rmse - res.arms[c.a].folds[k].rmse)), 9)
    })
  })

  it('loso --study is the foxbird preset: the same numbers, its own JSON and report', async () => {
    const r = await runCli(['loso', '--study', ...DATA, '--epochs', '1', '--seeds', '2', '--seed', '1', '--out-dir', join(tmp, 'loso'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const loso = JSON.parse(r.stdout)
    expect(Object.keys(loso.runs)).toEqual(['a', 'b', 'c'])
    for (const arm of ['a', 'b', 'c']) {
      const folds = loso.runs[arm].folds
      expect(folds.map((f: { source: string }) => f.source)).toEqual(SOURCES)
      folds.forEach((f: Scores & { onnx: string }, i: number) => {
        expect(f.plcc).toBeCloseTo(res.arms[arm].folds[i].plcc, 12)
        expect(f.rmse).toBeCloseTo(res.arms[arm].folds[i].rmse, 9)
        expect(existsSync(f.onnx), f.onnx).toBe(true)
      })
      expect(loso.runs[arm].std.plcc).toBeCloseTo(res.arms[arm].std.plcc, 12)
    }
    expect(loso.runs.b.steps).toBe(Math.ceil(18872 / 256))
    // one pipeline, one reading: loso writes the experiment report that study writes, with the same words
    const report = JSON.parse(readFileSync(loso.report, 'utf8'))
    expect(report.runs.filter((x: { arm: string; fold: string }) => x.arm === 'b' && x.fold === 'NightGrain').map((x: { seed: number }) => x.seed)).toEqual([1, 2])
    expect(report.reading).toBe(res.reading)
    expect(report.experiment).toBe('foxbird')
    expect(readFileSync(loso.report_md, 'utf8')).toContain('NightGrain')
    // and loso's text output prints that reading too
    const text = await runCli(['loso', '--study', ...DATA, '--epochs', '1', '--seeds', '2', '--seed', '1', '--out-dir', join(tmp, 'loso-text')])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(res.reading)
  })
})

describe('study: every preset\'s arm ids, --design files', () => {
  it('arch, cross and dose print their arms and folds', async () => {
    const run = (preset: string) => runCli(['study', '--preset', preset, ...DATA, '--epochs', '1', '--out-dir', join(tmp, preset), '--json'])
    const arch = contract(await run('arch'))
    expect(arch.experiment).toBe('arch')
    expect(Object.keys(arch.arms)).toEqual(['linear', 'mlp_small', 'mlp_medium', 'mlp_large'])
    for (const a of Object.values(arch.arms)) expect(a.folds.map((f) => f.source)).toEqual(SOURCES)
    const cross = contract(await run('cross'))
    expect(Object.keys(cross.arms)).toEqual(['nflx_to_konvid', 'konvid_to_nflx'])
    expect(cross.arms.nflx_to_konvid.folds.map((f) => [f.source, f.n])).toEqual([['konvid', table.rows - 10800]])
    expect(cross.arms.konvid_to_nflx.folds.map((f) => f.source)).toEqual(SOURCES)
    expect(cross.arms.konvid_to_nflx.all.n).toBe(10800)
    const dose = contract(await run('dose'))
    expect(Object.keys(dose.arms)).toEqual(['konvid_0', 'konvid_10', 'konvid_25', 'konvid_50', 'konvid_100'])
    expect(dose.comparisons.map((c) => `${c.a}-${c.b}`)).toEqual(['konvid_0-konvid_10', 'konvid_0-konvid_25', 'konvid_0-konvid_50', 'konvid_0-konvid_100'])
  }, 120_000)

  it('runs a design file, and names the file and the problem of a bad one (exit 1, one line)', async () => {
    const design = {
      name: 'widths',
      arms: [
        { id: 'narrow', label: '8 wide', nflx: 'all', konvid: 'all', arch: 'custom', hidden: [8], epochs: 1, batchSize: 256, lr: 1e-3, scalerMode: 'standard' },
        { id: 'wide', label: '32 wide', nflx: 'all', konvid: 'all', arch: 'custom', hidden: [32], epochs: 1, batchSize: 256, lr: 1e-3, scalerMode: 'standard' },
      ],
      protocol: { kind: 'fixed-source', source: 'NightGrain' },
      seeds: 2,
      comparisons: [{ a: 'narrow', b: 'wide' }],
    }
    writeFileSync(join(tmp, 'design.json'), JSON.stringify(design))
    writeFileSync(join(tmp, 'bad.json'), JSON.stringify({ ...design, protocol: { kind: 'fixed-source', source: 'Tennis' } }))
    const [ok, bad] = await Promise.all([
      runCli(['study', '--design', join(tmp, 'design.json'), ...DATA, '--out-dir', join(tmp, 'design'), '--json']),
      runCli(['study', '--design', join(tmp, 'bad.json'), ...DATA, '--out-dir', join(tmp, 'bad'), '--json']),
    ])
    const d = contract(ok)
    expect(d.experiment).toBe('widths')
    expect(d.arms.wide.folds.map((f) => [f.source, f.plcc_seeds.length])).toEqual([['NightGrain', 2]])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toBe('')
    expect(lastLine(bad.stderr)).toMatch(/^vmaf-tiny-lab study: error: .*bad\.json: the validation source "Tennis" is not in the loaded data/)
  }, 120_000)
})

describe('study --registry-out: what the fork\'s gate accepts', () => {
  const dir = () => join(tmp, 'registry')
  const registry = () => JSON.parse(readFileSync(join(dir(), 'registry.json'), 'utf8'))
  const gate = (path: string) => spawnSync(PYTHON, [GATE, path, '--schema', SCHEMA], { encoding: 'utf8' })

  it('readable ids (arch, experiment, arm, fold, seed), at most 64 characters, the gate\'s pattern; sidecars carry the provenance', () => {
    const reg = registry()
    expect(reg.schema_version).toBe(1)
    const want = ['a', 'b', 'c'].flatMap((arm) => SOURCES.flatMap((s) => [1, 2].map((seed) => `mlp_small-foxbird-${arm}-${s.toLowerCase()}-s${seed}`)))
    const ids = reg.models.map((m: { id: string }) => m.id)
    expect([...ids].sort()).toEqual(want.sort())
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(64)
      expect(id).toMatch(/^[a-z0-9][a-z0-9_-]*$/)
    }
    const files = new Map([NFLX, ...KONVID_SHARDS].map((p) => [sha256File(p), p]))
    for (const m of reg.models as { id: string; onnx: string; sha256: string }[]) {
      expect(m.onnx).toBe(`${m.id}.onnx`)
      expect(sha256File(join(dir(), m.onnx))).toBe(m.sha256)
      const side = JSON.parse(readFileSync(join(dir(), `${m.id}.json`), 'utf8'))
      const [, , arm, , seed] = /^mlp_small-(foxbird)-([abc])-([a-z]+)-s(\d)$/.exec(m.id)!
      expect(side).toMatchObject({ id: m.id, sha256: m.sha256, experiment: 'foxbird', arm, dataset: arm === 'b' ? 'nflx+konvid' : 'nflx' })
      expect(side.training.seed).toBe(Number(seed))
      expect(SOURCES.map((s) => s.toLowerCase())).toContain(side.fold.toLowerCase())
      expect(m.id).toContain(`-${side.fold.toLowerCase()}-`)
      // the input files, each with its real sha256
      expect(side.dataset_files.map((f: { sha256: string }) => files.get(f.sha256))).toEqual([NFLX, ...KONVID_SHARDS])
    }
  })

  it('passes validate_model_registry.py with the JSON schema (python3-jsonschema)', () => {
    const jsonschema = spawnSync(PYTHON, ['-c', 'import jsonschema'])
    if (jsonschema.status !== 0) throw new Error(`${PYTHON} cannot import jsonschema: install Debian python3-jsonschema (npm test does it as root)`)
    const r = gate(join(dir(), 'registry.json'))
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe('OK: 54 registry entries valid against registry.schema.json')
    expect(r.status).toBe(0)
  })

  it('fails on a damaged copy: a bad id, a changed model file, a missing sidecar', () => {
    const bad = join(tmp, 'registry-damaged')
    cpSync(dir(), bad, { recursive: true })
    const reg = registry()
    const [m0, m1, m2] = reg.models as { id: string; onnx: string }[]
    reg.models[0].id = m0.id.toUpperCase()
    writeFileSync(join(bad, 'registry.json'), JSON.stringify(reg, null, 2))
    const onnx = readFileSync(join(bad, m1.onnx))
    onnx[onnx.length - 1] ^= 1
    writeFileSync(join(bad, m1.onnx), onnx)
    rmSync(join(bad, `${m2.id}.json`))
    const r = gate(join(bad, 'registry.json'))
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`FAIL: schema: models/0/id: '${m0.id.toUpperCase()}' does not match`)
    expect(r.stderr).toContain(`FAIL: ${m1.id}: sha256 mismatch`)
    expect(r.stderr).toContain(`FAIL: ${m2.id}: missing sidecar ${m2.id}.json`)
  })
})
