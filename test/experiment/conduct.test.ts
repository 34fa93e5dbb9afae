// Designed experiments trained for real (CPU reference + onnxruntime-node) on the demo corpus:
// the foxbird preset gives the study's numbers, dose 0 % / 100 % equal foxbird (a) / (b), and the
// cross preset matches the CPU reference trainer run directly with the JS forward pass.
import { beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { gather } from '../../src/data/gather.ts'
import { conductExperiment, type ExperimentResult } from '../../src/experiment/conduct.ts'
import type { ExperimentDesign } from '../../src/experiment/design.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { metrics } from '../../src/metrics/index.ts'
import { predict } from '../../src/model/forward.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { Evaluator } from '../../src/onnx/evaluator.ts'
import { runStudy } from '../../src/study/run.ts'
import { DEFAULT_STUDY_SETTINGS } from '../../src/study/types.ts'
import { loadDemo } from '../study/demoTable.ts'

let table: FeatureTable
let evaluator: Evaluator
beforeAll(async () => {
  ;[table, evaluator] = await Promise.all([loadDemo(), createNodeEvaluator()])
})

const conduct = (d: ExperimentDesign) => conductExperiment(table, d, { trainer: new CpuTrainer({ sliceMs: 0 }), evaluator })
const plccOf = (r: ExperimentResult, arm: string) =>
  new Map(r.outcomes.filter((o) => o.arm === arm).map((o) => [`${o.fold} ${o.seed}`, o.plcc]))

describe('conductExperiment', () => {
  it('foxbird preset: the study\'s numbers for the same seeds; fold results arrive before the end', async () => {
    const design = presetDesign('foxbird', { seeds: 2, epochs: 2 })
    const folds: string[] = []
    const res = await conductExperiment(table, design, { trainer: new CpuTrainer({ sliceMs: 0 }), evaluator }, { onFold: (o) => folds.push(...o.map((x) => x.fold)) })
    const study = await runStudy(table, { ...DEFAULT_STUDY_SETTINGS, epochs: 2, seeds: 2 }, { trainer: new CpuTrainer({ sliceMs: 0 }), evaluator })
    expect(res.failures).toEqual([])
    expect(res.outcomes).toHaveLength(54)
    expect(folds).toHaveLength(54)
    for (const run of study.runs) expect(plccOf(res, run.arm).get(`${run.fold} ${run.seed}`)).toBe(run.plcc)
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
    const [d, f] = await Promise.all([
      conduct({ ...dose, arms: dose.arms.filter((a) => a.id === 'konvid_0' || a.id === 'konvid_100'), comparisons: [{ a: 'konvid_0', b: 'konvid_100' }] }),
      conduct({ ...fox, arms: fox.arms.slice(0, 2), comparisons: [] }),
    ])
    expect(d.outcomes).toHaveLength(36)
    expect(plccOf(d, 'konvid_0')).toEqual(plccOf(f, 'a'))
    expect(plccOf(d, 'konvid_100')).toEqual(plccOf(f, 'b'))
  }, 300_000)

  it('cross: the same numbers as the CPU reference trainer run directly and scored with the JS forward pass', async () => {
    const design = presetDesign('cross', { seeds: 1, epochs: 3 })
    const res = await conduct(design)
    expect(res.failures).toEqual([])
    const features = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2']
    const data = tableToTrainData(table, features)
    const corpus = table.corpusCodes()
    const nflx = Uint32Array.from([...Array(table.rows).keys()].filter((r) => corpus[r] === 0))
    const konvid = Uint32Array.from([...Array(table.rows).keys()].filter((r) => corpus[r] === 1))
    for (const [arm, train, test] of [['nflx_to_konvid', nflx, konvid], ['konvid_to_nflx', konvid, nflx]] as const) {
      const run = res.runs.find((r) => r.scheduled.arm === arm)!
      // the reference: the same seed, the training rows in the lab's order, trained and predicted directly
      const rows = run.scheduled.spec.rows.trainRows
      expect(new Set(rows)).toEqual(new Set(train))
      const job = makeJob({ id: arm, label: arm, widths: [6, 16, 8, 1], seed: 0, scalerMode: 'standard', data, trainRows: rows, valRows: new Uint32Array(0), epochs: 3, batchSize: 256, lr: 1e-3 })
      const [direct] = await new CpuTrainer({ sliceMs: 0 }).train(data, [job])
      const pred = predict(direct.params, job.scaler, table.matrix(features, test), 6)
      const y = gather(table.target(), test)
      const pooled = res.pooled.find((p) => p.arm === arm)!
      const sorted = (a: Uint32Array) => [...a].sort((p, q) => p - q)
      expect(sorted(run.scheduled.spec.rows.valRows)).toEqual(sorted(test))
      const ref = metrics(pred, gather(y, Uint32Array.from(run.scheduled.spec.rows.valRows, (r) => test.indexOf(r))))
      expect(pooled.plcc).toBeCloseTo(ref.plcc, 5)
      expect(pooled.rmse).toBeCloseTo(ref.rmse, 3)
    }
    const k2n = res.summary.arms.konvid_to_nflx
    expect(k2n.folds).toHaveLength(9)
    expect(k2n.all?.n).toBe(10800)
    expect(res.summary.arms.nflx_to_konvid.folds.map((f) => f.source)).toEqual(['konvid'])
  }, 300_000)
})
