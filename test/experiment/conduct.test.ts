// Designed experiments trained for real on the demo corpus (onnxruntime-node evaluates): the
// foxbird preset gives the numbers of its LOSO folds (src/data/splits.ts) trained directly with
// (c) matched to (b)'s optimizer steps, and dose 0 % / 100 % equal foxbird (a) / (b), both on
// the WebAssembly trainer (worker_threads); the cross preset, conducted on the CPU reference,
// matches that trainer run directly on the lab recipe's rows and scored with the JS forward pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { gather } from '../../src/data/gather.ts'
import { conductExperiment, type ExperimentResult } from '../../src/experiment/conduct.ts'
import type { ExperimentDesign } from '../../src/experiment/design.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { metrics } from '../../src/metrics/index.ts'
import { predict } from '../../src/model/forward.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { nodeWasmTrainer } from '../../src/node/cpuWorkers.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { Evaluator } from '../../src/onnx/evaluator.ts'
import type { Trainer } from '../../src/model/contract.ts'
import { losoFolds } from '../../src/data/splits.ts'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { loadDemo } from '../helpers/demoTable.ts'

let table: FeatureTable
let evaluator: Evaluator
const wasm = nodeWasmTrainer()
beforeAll(async () => {
  ;[table, evaluator] = await Promise.all([loadDemo(), createNodeEvaluator()])
})
afterAll(() => wasm.dispose())

const conduct = (d: ExperimentDesign, trainer: Trainer = wasm) => conductExperiment(table, d, { trainer, evaluator })
const plccOf = (r: ExperimentResult, arm: string) =>
  new Map(r.outcomes.filter((o) => o.arm === arm).map((o) => [`${o.fold} ${o.seed}`, o.plcc]))

describe('conductExperiment', () => {
  it('foxbird preset: the study plan\'s numbers for the same seeds; fold results arrive before the end', async () => {
    const design = presetDesign('foxbird', { seeds: 2, epochs: 2 })
    const folds: string[] = []
    const res = await conductExperiment(table, design, { trainer: wasm, evaluator }, { onFold: (o) => folds.push(...o.map((x) => x.fold)) })
    expect(res.failures).toEqual([])
    expect(res.outcomes).toHaveLength(54)
    expect(folds).toHaveLength(54)
    // the LOSO folds trained directly on the same trainer and scored with the JS forward pass: (a)
    // and (c) on the nflx rows of the other sources, (b) with every konvid row too; (c) trains as
    // many optimizer steps as (b), to within half of one of its own epochs
    const splits = { a: losoFolds(table, { withKonvid: false }), b: losoFolds(table, { withKonvid: true }) }
    const steps = (rows: number, epochs: number) => epochs * Math.ceil(rows / 256)
    const features = [...CANONICAL_FEATURES]
    const data = tableToTrainData(table, features)
    const planned = res.schedule.runs.map((s) => {
      const fold = splits[s.arm === 'b' ? 'b' : 'a'].find((f) => f.name === s.fold)!
      const epochs = s.arm === 'c' ? s.spec.epochs : 2
      return { s, fold, epochs }
    })
    for (const p of planned.filter((q) => q.s.arm === 'c')) {
      const b = planned.find((q) => q.s.arm === 'b' && q.s.fold === p.s.fold)!
      expect(Math.abs(steps(p.fold.trainRows.length, p.epochs) - steps(b.fold.trainRows.length, 2))).toBeLessThanOrEqual(Math.ceil(p.fold.trainRows.length / 256) / 2)
    }
    const jobs = planned.map(({ s, fold, epochs }) =>
      makeJob({ id: s.spec.id, label: s.spec.id, widths: [6, 16, 8, 1], seed: s.seed, scalerMode: 'standard', data, trainRows: fold.trainRows, valRows: fold.valRows, epochs, batchSize: 256, lr: 1e-3 }),
    )
    const direct = await wasm.train(data, jobs)
    const ours = new Map(res.runs.map((r) => [`${r.scheduled.arm} ${r.scheduled.fold} ${r.scheduled.seed}`, r]))
    planned.forEach(({ s, fold, epochs }, k) => {
      const run = ours.get(`${s.arm} ${s.fold} ${s.seed}`)!
      expect([...run.scheduled.spec.rows.trainRows]).toEqual([...fold.trainRows])
      expect(run.scheduled.spec.epochs).toBe(epochs)
      const m = metrics(predict(direct[k].params, jobs[k].scaler, table.matrix(features, fold.valRows), features.length), gather(table.target(), fold.valRows))
      expect(plccOf(res, s.arm).get(`${s.fold} ${s.seed}`)).toBeCloseTo(m.plcc, 5)
    })
    // pooled: every arm × seed on all 10,800 nflx rows
    expect(res.pooled).toHaveLength(6)
    expect(res.pooled.every((p) => p.n === 10800)).toBe(true)
    expect(Object.keys(res.summary.arms)).toEqual(['a', 'b', 'c'])
    expect(res.summary.comparisons.map((c) => `${c.a}-${c.b}`)).toEqual(['a-b', 'a-c', 'c-b'])
    // the models carry where they came from
    const m = res.runs[0].outcome.model
    expect(m.training.provenance).toEqual({ dataset: 'nflx', experiment: 'foxbird', arm: 'a', fold: res.runs[0].scheduled.fold })
  }, 300_000)

  it('dose: 0 % equals foxbird (a) and 100 % equals (b), run for run', async () => {
    const dose = presetDesign('dose', { seeds: 2, epochs: 2 })
    const fox = presetDesign('foxbird', { seeds: 2, epochs: 2 })
    const d = await conduct({ ...dose, arms: dose.arms.filter((a) => a.id === 'konvid_0' || a.id === 'konvid_100'), comparisons: [{ a: 'konvid_0', b: 'konvid_100' }] })
    const f = await conduct({ ...fox, arms: fox.arms.slice(0, 2), comparisons: [] })
    expect(d.outcomes).toHaveLength(36)
    expect(f.outcomes).toHaveLength(36)
    expect(plccOf(d, 'konvid_0')).toEqual(plccOf(f, 'a'))
    expect(plccOf(d, 'konvid_100')).toEqual(plccOf(f, 'b'))
  }, 300_000)

  it('cross: the same numbers as the CPU reference trainer run directly on the lab recipe\'s rows, scored with the JS forward pass', async () => {
    const design = presetDesign('cross', { seeds: 2, firstSeed: 5, epochs: 3 })
    const res = await conduct(design, new CpuTrainer({ sliceMs: 0 }))
    expect(res.failures).toEqual([])
    expect(res.runs).toHaveLength(4)
    const features = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2']
    const data = tableToTrainData(table, features)
    const corpus = table.corpusCodes()
    const all = [...Array(table.rows).keys()]
    // the lab recipe's order, written out here: nflx rows by source name, konvid rows by clip key, each in table order
    const by = (name: (r: number) => string, rows: number[]) => Uint32Array.from([...rows].sort((p, q) => (name(p) < name(q) ? -1 : name(p) > name(q) ? 1 : p - q)))
    const nflx = by((r) => table.sourceNames[table.sourceCodes()[r]], all.filter((r) => corpus[r] === 0))
    const konvid = by((r) => table.keyNames[table.keyCodes()[r]], all.filter((r) => corpus[r] === 1))
    for (const [arm, train, test] of [['nflx_to_konvid', nflx, konvid], ['konvid_to_nflx', konvid, nflx]] as const) {
      for (const seed of [5, 6]) {
        const run = res.runs.find((r) => r.scheduled.arm === arm && r.scheduled.seed === seed)!
        expect([...run.scheduled.spec.rows.trainRows]).toEqual([...train])
        const job = makeJob({ id: arm, label: arm, widths: [6, 16, 8, 1], seed, scalerMode: 'standard', data, trainRows: train, valRows: new Uint32Array(0), epochs: 3, batchSize: 256, lr: 1e-3 })
        const [direct] = await new CpuTrainer({ sliceMs: 0 }).train(data, [job])
        const ref = metrics(predict(direct.params, job.scaler, table.matrix(features, test), 6), gather(table.target(), test))
        const pooled = res.pooled.find((p) => p.arm === arm && p.seed === seed)!
        expect(pooled.n).toBe(test.length)
        expect(pooled.plcc).toBeCloseTo(ref.plcc, 6)
        expect(pooled.srocc).toBeCloseTo(ref.srocc, 4)
        expect(pooled.rmse).toBeCloseTo(ref.rmse, 3)
      }
    }
    const k2n = res.summary.arms.konvid_to_nflx
    expect(k2n.folds).toHaveLength(9)
    expect(k2n.folds.every((f) => f.n === 1200 && f.plcc_seeds.length === 2)).toBe(true)
    expect(k2n.all?.n).toBe(10800)
    expect(res.summary.arms.nflx_to_konvid.folds.map((f) => f.source)).toEqual(['konvid'])
  }, 300_000)
})
