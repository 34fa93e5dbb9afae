// The study orchestration end to end in Node: CPU reference trainer + onnxruntime-node evaluator
// on a small hand-made table (the same runStudy the app and the page API call).
import { beforeAll, describe, expect, it } from 'vitest'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { predict } from '../../src/model/forward.ts'
import { metrics } from '../../src/metrics/index.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { Evaluator } from '../../src/onnx/evaluator.ts'
import { runLoso, runStudy } from '../../src/study/run.ts'
import { runJson, studyReportJson, studyReportMarkdown } from '../../src/study/report.ts'
import { studyZip } from '../../src/study/zip.ts'
import { unzipSync, strFromU8 } from 'fflate'
import { DEFAULT_STUDY_SETTINGS, type StudyEvent, type StudySettings } from '../../src/study/types.ts'
import { demoLike } from './fakeTable.ts'

const table = demoLike({ sources: ['Harbor', 'Meadow', 'NightGrain'], clipsPerSource: 4, framesPerClip: 12, konvidClips: 12, konvidFrames: 5 })
const settings: StudySettings = { ...DEFAULT_STUDY_SETTINGS, epochs: 3, batchSize: 16, seeds: 2 }
let evaluator: Evaluator

beforeAll(async () => {
  evaluator = await createNodeEvaluator()
})

describe('runStudy (CPU trainer + onnxruntime-node)', () => {
  it('trains, exports and evaluates every arm × seed × fold, filling folds in before training ends', async () => {
    const events: StudyEvent[] = []
    const res = await runStudy(table, settings, { trainer: new CpuTrainer({ sliceMs: 0 }), evaluator }, { onEvent: (e) => events.push(e) })
    expect(res.cancelled).toBe(false)
    expect(res.failed).toEqual([])
    expect(res.runs).toHaveLength(3 * 2 * 3)
    // (c) trains longer than (a) to match (b)'s steps: 96 vs 96 + 72 rows, batch 16
    expect(res.plan.epochsC.NightGrain).toBe(Math.round((3 * Math.ceil(168 / 16)) / Math.ceil(96 / 16)))
    for (const run of res.runs) {
      expect(run.n).toBe(48)
      expect(run.onnx.length).toBeGreaterThan(200)
      // the ONNX evaluation agrees with the JS forward pass of the same weights
      const split = res.plan.runs.find((r) => r.arm === run.arm && r.fold === run.fold && r.seed === run.seed)!.split
      const x = table.matrix(res.plan.features, split.valRows)
      const js = predict(run.model.params, run.model.scaler, x, res.plan.features.length)
      const y = Float32Array.from(split.valRows, (r) => table.target()[r])
      const m = metrics(js, y)
      expect(run.plcc).toBeCloseTo(m.plcc, 5)
      expect(run.rmse).toBeCloseTo(m.rmse, 3)
      expect(run.trainLoss).toHaveLength(run.epochs)
      expect(run.steps).toBe(run.epochs * Math.ceil(run.trainRows / 16))
      expect(run.sidecar.training!.split).toContain(run.fold)
    }
    const progress = events.filter((e) => e.type === 'progress')
    const last = progress.at(-1)!
    expect(last.doneSamples).toBe(res.plan.totalSamples)
    for (let i = 1; i < progress.length; i++) expect(progress[i].doneSamples).toBeGreaterThanOrEqual(progress[i - 1].doneSamples)
    const firstFold = events.findIndex((e) => e.type === 'fold')
    const lastEpoch = events.findLastIndex((e) => e.type === 'epoch')
    expect(firstFold).toBeLessThan(lastEpoch)
    const s = res.summary
    expect(s.arms.a!.complete && s.arms.b!.complete && s.arms.c!.complete).toBe(true)
    expect(s.arms.a!.folds.every((f) => f!.seeds.length === 2)).toBe(true)
    expect(s.outlier).not.toBeNull()
    expect(s.reading.length).toBeGreaterThan(40)

    // reports: the JSON and the Markdown carry the same numbers
    const json = studyReportJson(res)
    expect(json.arms.a!.loso_per_fold.NightGrain.plcc).toBe(s.arms.a!.folds[2]!.mean.plcc)
    expect(json.arms.c!.epochs_per_fold.NightGrain).toBe(res.plan.epochsC.NightGrain)
    expect(json.comparison.std_ratio_a_over_b).toBe(s.stdRatio)
    expect(json.data.files).toEqual([])
    const md = studyReportMarkdown(json)
    if (process.env.PRINT_MD) console.log(md)
    for (const arm of ['a', 'b', 'c'] as const)
      for (const f of s.arms[arm]!.folds) expect(md).toContain(f!.mean.plcc.toFixed(4))
    expect(md).toContain(`${s.arms.a!.mean.plcc.toFixed(4)} ± ${s.arms.a!.std.plcc.toFixed(4)}`)
    expect(md).toContain(s.reading)
    expect(md).toContain('## Per seed (PLCC)')
    // the zip holds every model with its sidecar, and the reports
    const files = unzipSync(studyZip(res))
    const names = Object.keys(files)
    expect(names.filter((n) => n.endsWith('.onnx'))).toHaveLength(18)
    expect(names).toContain('foxbird-study/a_nflx-only/foxbird-a-NightGrain-s1.onnx')
    expect(names).toContain('foxbird-study/c_nflx-only-steps-matched/foxbird-c-NightGrain-s0.json')
    const side = JSON.parse(strFromU8(files['foxbird-study/b_nflx-konvid/foxbird-b-Harbor-s0.json']))
    expect(side.onnx).toBe('foxbird-b-Harbor-s0.onnx')
    expect(files['foxbird-study/b_nflx-konvid/foxbird-b-Harbor-s0.onnx']).toEqual(res.runs.find((r) => r.arm === 'b' && r.fold === 'Harbor' && r.seed === 0)!.onnx)
    expect(JSON.parse(strFromU8(files['foxbird-study/report.json'])).comparison.reading).toBe(s.reading)
    // the CLI's per-sweep shape
    const rj = runJson(res, 'b', (r) => `/tmp/${r.model.id}.onnx`)
    expect(rj.folds.map((f) => f.source)).toEqual(['Harbor', 'Meadow', 'NightGrain'])
    expect(rj.folds[0].onnx).toBe('/tmp/foxbird-b-Harbor-s0.onnx')
    expect(rj.mean.plcc).toBe(s.arms.b!.mean.plcc)
    expect(rj.steps).toBe(3 * Math.ceil(168 / 16))
  })

  it('is deterministic: the same seed gives the same models', async () => {
    const one = { ...settings, seeds: 1, arms: ['a' as const] }
    const r1 = await runStudy(table, one, { trainer: new CpuTrainer(), evaluator })
    const r2 = await runStudy(table, one, { trainer: new CpuTrainer(), evaluator })
    expect(r1.runs.map((r) => r.plcc)).toEqual(r2.runs.map((r) => r.plcc))
    expect(r1.runs.map((r) => r.onnx)).toEqual(r2.runs.map((r) => r.onnx))
  })

  it('cancel keeps what finished', async () => {
    const ctrl = new AbortController()
    const res = await runStudy(
      table,
      { ...settings, epochs: 40, arms: ['a', 'c'] },
      { trainer: new CpuTrainer({ sliceMs: 1 }), evaluator },
      { onEvent: (e) => e.type === 'fold' && ctrl.abort(), signal: ctrl.signal },
    )
    expect(res.cancelled).toBe(true)
    expect(res.runs.length).toBeGreaterThan(0)
    expect(res.runs.length).toBeLessThan(res.plan.runs.length)
    expect(res.runs.every((r) => r.status === 'done' && Number.isFinite(r.plcc))).toBe(true)
    expect(res.failed.some((f) => f.status === 'cancelled')).toBe(true)
    expect(res.summary.arms.c!.complete).toBe(false)
  })

  it('runLoso sweeps the combined corpus when konvid is loaded, nflx only otherwise', async () => {
    const res = await runLoso(table, { ...settings, seeds: 1 }, { trainer: new CpuTrainer(), evaluator })
    expect(res.arm).toBe('b')
    expect(res.runs.map((r) => r.fold)).toEqual(['Harbor', 'Meadow', 'NightGrain'])
    expect(res.runs[0].trainRows).toBe(96 + 72)
    const nflx = await runLoso(table, { ...settings, seeds: 1, withKonvid: false }, { trainer: new CpuTrainer(), evaluator })
    expect(nflx.arm).toBe('a')
    expect(nflx.runs[0].trainRows).toBe(96)
  })
})
