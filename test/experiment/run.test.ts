// The pipeline end to end in Node (what the app, the page API and the CLI all call): a design
// conducted on a small hand-made table with the CPU reference trainer and onnxruntime-node — every
// arm × fold × seed trained, exported, evaluated (the ONNX scores agree with the JS forward pass),
// fold results before training ends, the report and the models zip with the same numbers, the
// same seed giving the same models, and a cancel keeping what finished.
import { strFromU8, unzipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import { gather } from '../../src/data/gather.ts'
import { modelsZip } from '../../src/experiment/bundle.ts'
import { conductExperiment } from '../../src/experiment/conduct.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { conductedReportJson, experimentReportJson, experimentReportMarkdown, reportContract } from '../../src/experiment/report.ts'
import type { ExperimentProgress } from '../../src/experiment/run.ts'
import { metrics } from '../../src/metrics/index.ts'
import { predict } from '../../src/model/forward.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { Evaluator } from '../../src/onnx/evaluator.ts'
import { demoLike } from '../helpers/fakeTable.ts'

// 3 nflx sources × 4 clips × 12 frames (48 rows each) + 12 konvid clips
const table = demoLike({ sources: ['Harbor', 'Meadow', 'NightGrain'], clipsPerSource: 4, framesPerClip: 12, konvidClips: 12, konvidFrames: 5 })
const design = presetDesign('foxbird', { seeds: 2, epochs: 3, recipe: { batchSize: 16 } })
let evaluator: Evaluator

beforeAll(async () => {
  evaluator = await createNodeEvaluator()
})

describe('conductExperiment (CPU trainer + onnxruntime-node)', () => {
  it('trains, exports and evaluates every arm × fold × seed, with fold results before training ends', async () => {
    const events: string[] = []
    const progress: ExperimentProgress[] = []
    const res = await conductExperiment(
      table,
      design,
      { trainer: new CpuTrainer({ sliceMs: 0 }), evaluator },
      { onEpoch: () => events.push('epoch'), onFold: () => events.push('fold'), onProgress: (p) => progress.push(p) },
    )
    expect(res.cancelled).toBe(false)
    expect(res.failures).toEqual([])
    expect(res.runs).toHaveLength(3 * 3 * 2)
    const trainRowsA = 96
    const konvidRows = table.corpusCodes().filter((c) => c === 1).length
    expect(konvidRows).toBeGreaterThan(48)
    const trainRowsB = trainRowsA + konvidRows
    // (c) trains as many optimizer steps as (b): round(3 × ⌈rows_b / 16⌉ / ⌈96 / 16⌉) epochs
    expect(res.schedule.epochs.c.NightGrain).toBe(Math.round((3 * Math.ceil(trainRowsB / 16)) / Math.ceil(trainRowsA / 16)))
    const features = [...res.runs[0].scheduled.spec.features]
    for (const { scheduled, outcome } of res.runs) {
      const rows = scheduled.spec.rows
      expect(rows.trainRows.length).toBe(scheduled.arm === 'b' ? trainRowsB : trainRowsA)
      expect(outcome.metrics.n).toBe(48)
      expect(outcome.onnx.length).toBeGreaterThan(200)
      // the ONNX evaluation agrees with the JS forward pass of the same weights
      const js = predict(outcome.model.params, outcome.model.scaler, table.matrix(features, rows.valRows), features.length)
      const m = metrics(js, gather(table.target(), rows.valRows))
      expect(outcome.metrics.plcc).toBeCloseTo(m.plcc, 5)
      expect(outcome.metrics.rmse).toBeCloseTo(m.rmse, 3)
      expect(outcome.model.training.trainLoss).toHaveLength(scheduled.spec.epochs)
      expect(outcome.steps).toBe(scheduled.spec.epochs * Math.ceil(rows.trainRows.length / 16))
      expect(outcome.model.training.split?.description).toContain(scheduled.fold)
    }
    // progress only grows and ends at every run's epochs × training rows
    const total = res.runs.reduce((n, r) => n + r.scheduled.spec.epochs * r.scheduled.spec.rows.trainRows.length, 0)
    expect(progress.at(-1)!.doneSamples).toBe(total)
    for (let i = 1; i < progress.length; i++) expect(progress[i].doneSamples).toBeGreaterThanOrEqual(progress[i - 1].doneSamples)
    expect(events.indexOf('fold')).toBeLessThan(events.lastIndexOf('epoch'))

    // the statistics cover every fold and seed; the report and the zip carry the same numbers
    const s = res.summary
    for (const id of ['a', 'b', 'c']) {
      expect(s.arms[id].folds.map((f) => f.source)).toEqual(['Harbor', 'Meadow', 'NightGrain'])
      expect(s.arms[id].folds.every((f) => f.seeds.length === 2)).toBe(true)
    }
    const json = experimentReportJson({ design, summary: s, runs: res.runs, failures: [], files: [], device: res.device, wallMs: res.wallMs, cancelled: false, planned: res.schedule.runs.length })
    expect(json.arms.a.folds[2].plcc).toBe(s.arms.a.folds[2].plcc)
    expect(conductedReportJson(res, [])).toEqual({ ...json, wall_s: res.wallMs / 1000 })
    // the CLI's `study --json`: exactly the contract's fields, the same from the report as from the summary
    const contract = reportContract(json)
    expect(contract).toEqual(reportContract(s))
    expect(Object.keys(contract)).toEqual(['experiment', 'arms', 'comparisons', 'reading'])
    expect(Object.keys(contract.arms.c)).toEqual(['label', 'folds', 'all', 'mean', 'std', 'ci95', 'convergence'])
    expect(Object.keys(contract.arms.c.folds[0])).toEqual(['source', 'plcc', 'srocc', 'rmse', 'n', 'plcc_seeds', 'ci95', 'converged'])
    expect(contract.comparisons.map((c) => Object.keys(c))).toEqual(Array(3).fill(['a', 'b', 'delta_plcc', 'ci95', 'delta_rmse', 'ci95_rmse', 'p', 'p_adjusted', 'corrected_t']))
    expect(contract.arms.b.folds[1]).toMatchObject({ source: 'Meadow', plcc: s.arms.b.folds[1].plcc, n: 48 })
    expect(contract.comparisons[0].p).toBe(json.comparisons[0].p)
    expect(json.runs).toHaveLength(18)
    const md = experimentReportMarkdown(json)
    for (const id of ['a', 'b', 'c']) for (const f of s.arms[id].folds) expect(md).toContain(f.plcc!.toFixed(4))
    expect(md).toContain(s.reading)
    const files = unzipSync(modelsZip(res.runs, json, new Date('2026-12-01T00:00:00Z')))
    expect(Object.keys(files).filter((n) => n.endsWith('.onnx'))).toHaveLength(18)
    const b = res.runs.find((r) => r.scheduled.arm === 'b' && r.scheduled.fold === 'Harbor' && r.scheduled.seed === 0)!
    expect(b.outcome.model.id).toBe('foxbird-b-Harbor-s0')
    expect(files['foxbird/b/foxbird-b-Harbor-s0.onnx']).toEqual(b.outcome.onnx)
    expect(JSON.parse(strFromU8(files['foxbird/b/foxbird-b-Harbor-s0.json'])).onnx).toBe('foxbird-b-Harbor-s0.onnx')
    expect(JSON.parse(strFromU8(files['foxbird/report.json'])).reading).toBe(s.reading)
  })

  it('is deterministic: the same seed gives the same models', async () => {
    const one = presetDesign('foxbird', { seeds: 1, epochs: 3, recipe: { batchSize: 16 }, arms: ['a'] })
    const r1 = await conductExperiment(table, one, { trainer: new CpuTrainer(), evaluator })
    const r2 = await conductExperiment(table, one, { trainer: new CpuTrainer(), evaluator })
    expect(r1.runs).toHaveLength(3)
    expect(r1.outcomes.map((o) => o.plcc)).toEqual(r2.outcomes.map((o) => o.plcc))
    expect(r1.runs.map((r) => r.outcome.onnx)).toEqual(r2.runs.map((r) => r.outcome.onnx))
  })

  it('cancel keeps what finished', async () => {
    const ctrl = new AbortController()
    // (a) finishes after 2 epochs, (b) would train 60: a cancel at (a)'s first fold result stops (b)
    const d = presetDesign('foxbird', { seeds: 2, epochs: 60, recipe: { batchSize: 16 }, arms: ['a', 'b'] })
    d.arms[0] = { ...d.arms[0], epochs: 2 }
    const res = await conductExperiment(table, d, { trainer: new CpuTrainer({ sliceMs: 1 }), evaluator }, { onFold: () => ctrl.abort(), signal: ctrl.signal })
    expect(res.cancelled).toBe(true)
    expect(res.runs.length).toBeGreaterThan(0)
    expect(res.runs.length).toBeLessThan(res.schedule.runs.length)
    expect(res.outcomes.every((o) => Number.isFinite(o.plcc))).toBe(true)
    expect(res.failures.some((f) => f.status === 'cancelled')).toBe(true)
    expect(new Set(res.runs.map((r) => r.scheduled.arm))).toEqual(new Set(['a']))
  })
})
