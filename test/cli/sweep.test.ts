// `vmaf-tiny-lab sweep` as a subprocess on the demo corpus (CPU, WebAssembly trainer, a 3-epoch
// budget so it is quick): the --json contract exactly, the same trials as <out-dir>/sweep.json;
// --final-out's model, which onnxruntime-node loads and whose predictions are the best recipe
// trained here on every row with the same trainer; bad flags and a bad space file.
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { SWEEP_PARAMS, type SweepParams } from '../../src/experiment/sweepSpace.ts'
import { predict } from '../../src/model/forward.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import { nodeWasmTrainer } from '../../src/node/cpuWorkers.ts'
import { demoTable, KONVID, NFLX, predictFile } from './demo.ts'
import { lastLine, runCli, type CliRun } from './run.ts'

const DATA = ['--netflix', NFLX, '--konvid', KONVID, '--device', 'cpu']
const SPACE = { arch: ['linear', 'mlp_small'], lr: { min: 1e-3, max: 3e-2 }, batchSize: [256, 512], epochs: 3 }

type Trial = { id: string; params: SweepParams; objective: number | null; state: string; epochs: number }
type Contract = { trials: Trial[]; best: { id: string; params: SweepParams; objective: number }; importance: Record<string, number | null> }

let tmp: string
let table: FeatureTable
let run: CliRun
let res: Contract

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vmaf-sweep-'))
  writeFileSync(join(tmp, 'space.json'), JSON.stringify(SPACE))
  ;[table, run] = await Promise.all([
    demoTable(),
    runCli(['sweep', '--trials', '5', '--space', join(tmp, 'space.json'), '--seed', '2', ...DATA, '--out-dir', join(tmp, 'out'), '--final-out', join(tmp, 'final'), '--json']),
  ])
  expect(run.code, run.stderr).toBe(0)
  expect(run.stdout.trim().split('\n')).toHaveLength(1)
  res = JSON.parse(run.stdout)
}, 180_000)
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('sweep --json', () => {
  it('prints exactly {trials: [{id, params, objective, state, epochs}], best: {id, params, objective}, importance}', () => {
    expect(Object.keys(res)).toEqual(['trials', 'best', 'importance'])
    expect(res.trials.map((t) => t.id)).toEqual(['t00', 't01', 't02', 't03', 't04'])
    for (const t of res.trials) {
      expect(Object.keys(t)).toEqual(['id', 'params', 'objective', 'state', 'epochs'])
      expect(Object.keys(t.params)).toEqual(['arch', 'hidden', 'lr', 'batchSize', 'scaler', 'konvid'])
      expect(SPACE.arch).toContain(t.params.arch)
      expect(['complete', 'pruned', 'failed']).toContain(t.state)
      expect([1, 2, 3]).toContain(t.epochs)
      expect(t.state === 'complete').toBe(t.epochs === 3)
    }
    expect(Object.keys(res.best)).toEqual(['id', 'params', 'objective'])
    const complete = res.trials.filter((t) => t.state === 'complete')
    const best = complete.reduce((a, b) => (b.objective! > a.objective! ? b : a))
    expect(res.best).toEqual({ id: best.id, params: best.params, objective: best.objective })
    expect(Object.keys(res.importance)).toEqual([...SWEEP_PARAMS])
    // progress per round and rung on stderr
    expect(run.stderr).toMatch(/round 1\/2, 1 epochs: 4 trials × 9 folds in [\d.]+ s; best here t0\d [\d.]+; 2 go on, 2 stop here/)
    expect(run.stderr).toMatch(/round 2\/2, 1 epochs: 1 trial × 9 folds/)
  })

  it('<out-dir>/sweep.json holds the same trials with every rung\'s value', () => {
    const full = JSON.parse(readFileSync(join(tmp, 'out', 'sweep.json'), 'utf8'))
    expect(full.objective).toBe('mean-plcc')
    expect(full.rungEpochs).toEqual([1, 2, 3])
    full.trials.forEach((t: Trial & { rungs: { epochs: number; objective: number }[] }, i: number) => {
      expect({ id: t.id, params: t.params, objective: t.objective, state: t.state, epochs: t.epochs }).toEqual(res.trials[i])
      expect(t.rungs.at(-1)).toEqual({ epochs: t.epochs, objective: t.objective })
    })
  })

  it('--final-out: <id>.onnx + sidecar of the best recipe trained on every row, which onnxruntime-node loads', async () => {
    const dir = join(tmp, 'final')
    const id = `sweep-${res.best.id}-all-s2`
    expect(readdirSync(dir).sort()).toEqual([`${id}.json`, `${id}.onnx`])
    const onnx = join(dir, `${id}.onnx`)
    const side = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'))
    const p = res.best.params
    expect(side).toMatchObject({ id, onnx: `${id}.onnx`, sha256: createHash('sha256').update(readFileSync(onnx)).digest('hex'), features: [...CANONICAL_FEATURES], experiment: 'sweep', arm: res.best.id, fold: 'all' })
    expect(side.widths).toEqual([6, ...p.hidden, 1])
    const rows = p.konvid ? table.rows : 10800
    expect(side.training).toMatchObject({ epochs: 3, lr: p.lr, batch_size: p.batchSize, scaler_mode: p.scaler, seed: 2, train_rows: rows, val_rows: 0 })
    expect(side.training.split_record).toMatchObject({ mode: 'none', held_out_sources: [] })
    const session = await ort.InferenceSession.create(onnx)
    expect([session.inputNames, session.outputNames]).toEqual([['features'], ['vmaf']])
    await session.release()
    // the same recipe trained here on the same rows with the same trainer predicts what the file does
    const features = [...CANONICAL_FEATURES]
    const data = tableToTrainData(table, features)
    const all = Uint32Array.from({ length: table.rows }, (_, i) => i)
    const trainRows = p.konvid ? all : all.filter((r) => table.corpusCodes()[r] === 0)
    const job = makeJob({ id, label: id, widths: [6, ...p.hidden, 1], seed: 2, scalerMode: p.scaler, data, trainRows, valRows: new Uint32Array(0), epochs: 3, batchSize: p.batchSize, lr: p.lr })
    const wasm = nodeWasmTrainer()
    try {
      const [direct] = await wasm.train(data, [job])
      const mine = predict(direct.params, job.scaler, table.matrix(features), features.length)
      const theirs = await predictFile(table, onnx, null)
      let worst = 0
      for (let i = 0; i < mine.length; i++) worst = Math.max(worst, Math.abs(mine[i] - theirs[i]))
      expect(worst).toBeLessThan(1e-3)
    } finally {
      wasm.dispose()
    }
  }, 120_000)
})

describe('sweep: bad flags and space files', () => {
  it('exit 2 without --trials or with a bad objective; exit 1 naming the space file and its key', async () => {
    writeFileSync(join(tmp, 'bad.json'), JSON.stringify({ ...SPACE, batchSize: [256, -1] }))
    const [noTrials, badObjective, badSpace, missing] = await Promise.all([
      runCli(['sweep', ...DATA]),
      runCli(['sweep', '--trials', '3', '--objective', 'median-plcc', ...DATA]),
      runCli(['sweep', '--trials', '3', '--space', join(tmp, 'bad.json'), ...DATA]),
      runCli(['sweep', '--trials', '3', '--space', join(tmp, 'nope.json'), ...DATA]),
    ])
    expect(noTrials.code).toBe(2)
    expect(lastLine(noTrials.stderr)).toBe('vmaf-tiny-lab sweep: error: give --trials N (see vmaf-tiny-lab sweep --help)')
    expect(badObjective.code).toBe(2)
    expect(lastLine(badObjective.stderr)).toMatch(/--objective must be one of mean-plcc, worst-plcc, mean-rmse; got "median-plcc"/)
    expect(badSpace.code).toBe(1)
    expect(badSpace.stdout).toBe('')
    expect(lastLine(badSpace.stderr)).toBe(`vmaf-tiny-lab sweep: error: ${join(tmp, 'bad.json')}: batchSize: [1] batch size must be a whole number from 1 to 65,536, got -1`)
    expect(missing.code).toBe(1)
    expect(lastLine(missing.stderr)).toBe(`vmaf-tiny-lab sweep: error: ${join(tmp, 'nope.json')}: no such file`)
  }, 120_000)
})
