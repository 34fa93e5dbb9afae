// The Train panel's settings → jobs over the demo corpus (loaded with the app's own ingest):
// input features, every validation split mode, and an 8-feature model through export and ORT.
import { asyncBufferFromFile } from 'hyparquet'
import { beforeAll, describe, expect, it } from 'vitest'
import { ingestSources } from '../../src/data/ingest.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { CORPORA } from '../../src/data/table.ts'
import { initParams } from '../../src/model/init.ts'
import { trainedModel } from '../../src/experiment/records.ts'
import { predict } from '../../src/model/forward.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { checkModel } from '../../src/onnx/evaluator.ts'
import { exportOnnx, parseSidecar, sidecarJson, sidecar, sidecarSplit } from '../../src/onnx/index.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import {
  TRAIN_SPLIT_MODES,
  parseHidden,
  parseSeeds,
  trainPlan,
  trainRun,
  splitInventory,
  splitUnavailable,
  splitUses,
  trainingFeatures,
  type TrainSettings,
} from '../../src/experiment/trainRun.ts'
import { runExperiment } from '../../src/experiment/run.ts'
import { flattenParams } from '../../src/model/params.ts'
import { sharedPath } from '../helpers/shared.ts'
import { DEMO_FILES } from '../helpers/demoTable.ts'

const SIX = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2']
const ROWS = 20072
const NFLX_ROWS = 10800

const base: TrainSettings = {
  arch: 'mlp_small',
  hidden: '32,16',
  epochs: 30,
  batchSize: 256,
  lr: 1e-3,
  seeds: '0',
  scalerMode: 'standard',
  features: null,
  split: 'netflix-source',
  holdout: 'NightGrain',
  konvidFraction: 0.1,
}

async function load(files: readonly string[], extras: string[] = []): Promise<FeatureTable> {
  const sources = await Promise.all(
    files.map(async (f) => ({ kind: 'buffer' as const, name: f, file: await asyncBufferFromFile(sharedPath('data', f)) })),
  )
  return (await ingestSources(sources, { strict: true, extras })).table
}

let table: FeatureTable // the demo corpus
let extended: FeatureTable // the same with two extra columns loaded
let nflxOnly: FeatureTable
let konvidOnly: FeatureTable
beforeAll(async () => {
  ;[table, extended, nflxOnly, konvidOnly] = await Promise.all([
    load(DEMO_FILES),
    load(DEMO_FILES, ['adm_scale0', 'motion']),
    load(DEMO_FILES.slice(0, 1)),
    load(DEMO_FILES.slice(1)),
  ])
})

const corpusOf = (t: FeatureTable, rows: Uint32Array) => {
  const codes = t.corpusCodes()
  return new Set(Array.from(rows, (r) => CORPORA[codes[r]]))
}

describe('trainRun', () => {
  it('holds out the source for validation; every other row trains', () => {
    const plan = trainRun(base, table)
    expect(plan.features).toEqual(SIX)
    expect(plan.arch.widths).toEqual([6, 16, 8, 1])
    const [job] = plan.jobs
    const codes = table.sourceCodes()
    const night = table.sourceNames.indexOf('NightGrain')
    const nightRows = codes.filter((c) => c === night).length
    expect(nightRows).toBeGreaterThan(0)
    expect(job.valRows.length).toBe(nightRows)
    expect(job.trainRows.length).toBe(ROWS - nightRows)
    expect([...job.valRows].every((r) => codes[r] === night)).toBe(true)
    expect(job.init).toEqual(initParams([6, 16, 8, 1], 0))
    expect(job.scaler).not.toBeNull()
    expect(plan.data.columns.map((c) => c.length)).toEqual(new Array(6).fill(ROWS))
    expect(plan.split.description).toMatch(/^netflix-source: .*validated on nflx source NightGrain/)
    // the structured record: 8 nflx sources + konvid trained, NightGrain never seen
    expect(plan.split.mode).toBe('netflix-source')
    expect(plan.split.heldOutSources).toEqual(['NightGrain'])
    expect(plan.split.trainSources).toHaveLength(9)
    expect(plan.split.trainSources).toContain('konvid')
    expect(plan.split.trainSources).not.toContain('NightGrain')
    expect(plan.split.heldOutKeys).toBeUndefined()
  })

  it('one job per seed, labelled; custom widths; raw scaler; no validation split', () => {
    const plan = trainRun({ ...base, arch: 'custom', hidden: '12, 4', seeds: '3-5', scalerMode: 'raw', split: 'none' }, table)
    expect(plan.jobs.map((j) => j.label)).toEqual(['custom seed 3', 'custom seed 4', 'custom seed 5'])
    expect(plan.jobs.map((j) => j.order)).toEqual([3, 4, 5].map((seed) => ({ kind: 'seeded', seed })))
    expect(plan.arch.widths).toEqual([6, 12, 4, 1])
    expect(plan.jobs.every((j) => j.scaler === null && j.valRows.length === 0 && j.trainRows.length === ROWS)).toBe(true)
    expect(plan.split.description).toBe('all 20,072 rows train; no validation rows')
    expect(plan.split).toMatchObject({ mode: 'none', heldOutSources: [] })
    expect(plan.split.trainSources).toHaveLength(10)
  })

  it('refuses bad settings with a plain message', () => {
    expect(() => trainRun({ ...base, epochs: 0 }, table)).toThrow(/epochs must be a whole number/)
    expect(() => trainRun({ ...base, lr: -1 }, table)).toThrow(/learning rate/)
    expect(() => trainRun({ ...base, batchSize: 2.5 }, table)).toThrow(/batch size/)
    expect(() => trainRun({ ...base, arch: 'custom', hidden: '500' }, table)).toThrow(/hidden widths must be integers in 1..128/)
    expect(() => trainRun({ ...base, holdout: 'Nowhere' }, table)).toThrow(/Nowhere/)
    expect(() => trainRun({ ...base, split: 'konvid-holdout', konvidFraction: 1.5 }, table)).toThrow(/between 0 and 1/)
  })
})

describe('input features', () => {
  it('default: the canonical six plus the extras the user loaded, in table order', () => {
    expect(trainingFeatures(table)).toEqual(SIX)
    expect(trainingFeatures(extended)).toEqual([...SIX, 'adm_scale0', 'motion'])
    const plan = trainRun(base, extended)
    expect(plan.features).toEqual([...SIX, 'adm_scale0', 'motion'])
    expect(plan.arch.widths).toEqual([8, 16, 8, 1])
    expect(plan.data.columns).toHaveLength(8)
    expect(plan.jobs[0].scaler!.mean).toHaveLength(8)
    expect(plan.jobs[0].init).toEqual(initParams([8, 16, 8, 1], 0))
    // column 7 of the training data is the table's `motion` column itself (no copy)
    const motion = extended.feature('motion')
    expect(plan.data.columns[7].buffer).toBe(motion.buffer)
    expect(plan.data.columns[7]).toEqual(motion)
  })

  it('a pick keeps the table order, whatever order it was made in', () => {
    const plan = trainRun({ ...base, arch: 'linear', features: ['motion', 'adm2', 'vif_scale3'] }, extended)
    expect(plan.features).toEqual(['adm2', 'vif_scale3', 'motion'])
    expect(plan.arch.widths).toEqual([3, 1])
    const adm2 = extended.feature('adm2')
    expect(plan.data.columns[0][10]).toBe(adm2[10])
  })

  it('at least one feature, and only loaded ones', () => {
    expect(() => trainRun({ ...base, features: [] }, extended)).toThrow(/pick at least one input feature/)
    expect(() => trainRun({ ...base, features: ['adm2', 'motion'] }, table)).toThrow(/motion not in the loaded data/)
  })

  it('an 8-feature model exports with 8 inputs, its sidecar lists them, and ORT predicts what we do', async () => {
    const plan = trainRun({ ...base, epochs: 1 }, extended)
    const [result] = await new CpuTrainer().train(plan.data, plan.jobs)
    expect(result.status).toBe('done')
    const model = trainedModel({
      id: 'm8', job: plan.jobs[0], params: result.params, steps: result.steps, arch: plan.arch, features: plan.features, seed: 0, scalerMode: 'standard', split: plan.split,
      inputFiles: extended.files, trainLoss: [], valLoss: [], device: 'CPU reference (JS)', wallMs: 0,
    })
    const bytes = exportOnnx(model)
    const io = checkModel({ name: 'm8.onnx', bytes }, 8)
    expect(io.inputWidth).toBe(8)
    const side = parseSidecar(sidecarJson(sidecar(model, bytes)), 'm8.json')
    expect(side.features).toEqual([...SIX, 'adm_scale0', 'motion'])
    expect(side.training?.split).toBe(plan.split.description)
    // the split record survives the sidecar round trip
    expect(sidecarSplit(side)).toEqual(plan.split)

    const x = extended.matrix(side.features)
    const ours = predict(model.params, model.scaler, x, 8)
    const { pred } = await (await createNodeEvaluator()).run({ name: 'm8.onnx', bytes }, x, ROWS, 8)
    let worst = 0
    for (let r = 0; r < ROWS; r++) worst = Math.max(worst, Math.abs(pred[r] - ours[r]))
    expect(worst).toBeLessThan(1e-3)
  })
})

describe('validation splits', () => {
  it('every mode the demo corpus allows builds a split that says what it did', () => {
    const inv = splitInventory(table)
    expect(inv).toEqual({ nflxSources: 9, konvidClips: 340 })
    for (const mode of TRAIN_SPLIT_MODES) expect(splitUnavailable(mode, inv)).toBeNull()

    const kh = trainRun({ ...base, split: 'konvid-holdout', konvidFraction: 0.2 }, table)
    const [job] = kh.jobs
    expect(corpusOf(table, job.valRows)).toEqual(new Set(['konvid']))
    expect(kh.split.description).toMatch(/^konvid-holdout: trained on all 9 nflx sources \+ the other 272 konvid clips .*validated on 68 of 340 konvid clips \(20%, seed 0, whole clips\)/)
    // no clip on both sides
    const keys = table.keyCodes()
    const valKeys = new Set(Array.from(job.valRows, (r) => keys[r]))
    expect([...job.trainRows].some((r) => table.corpusCodes()[r] === 1 && valKeys.has(keys[r]))).toBe(false)
    expect(job.trainRows.length + job.valRows.length).toBe(ROWS)
    // a clip holdout: konvid still trains, its held-out clips are listed
    expect(kh.split.heldOutSources).toEqual([])
    expect(kh.split.trainSources).toContain('konvid')
    expect(kh.split.heldOutKeys).toHaveLength(68)
    expect(kh.split.heldOutKeys).toEqual(table.keyNames.filter((k) => valKeys.has(table.keyNames.indexOf(k))).sort())

    const both = trainRun({ ...base, split: 'netflix-source-and-konvid-holdout' }, table)
    expect(corpusOf(table, both.jobs[0].valRows)).toEqual(new Set(['nflx', 'konvid']))
    expect(both.split.description).toMatch(/validated on nflx source NightGrain \+ 34 of 340 konvid clips/)

    const nf = trainRun({ ...base, split: 'netflix-only' }, table)
    expect(corpusOf(table, nf.jobs[0].trainRows)).toEqual(new Set(['nflx']))
    expect(nf.jobs[0].trainRows.length + nf.jobs[0].valRows.length).toBe(NFLX_ROWS)
    expect(nf.split.description).toMatch(/konvid rows omitted/)

    const ko = trainRun({ ...base, split: 'konvid-only' }, table)
    expect(corpusOf(table, ko.jobs[0].trainRows)).toEqual(new Set(['konvid']))
    expect(corpusOf(table, ko.jobs[0].valRows)).toEqual(new Set(['konvid']))
    expect(ko.split.description).toMatch(/nflx rows omitted/)
  })

  it('the konvid holdout follows the first seed, like the reference trainer --seed', () => {
    const held = (seeds: string) => trainRun({ ...base, split: 'konvid-holdout', seeds }, table).jobs[0].valRows
    expect([...held('4,5')]).toEqual([...held('4')])
    expect([...held('4')]).not.toEqual([...held('0')])
  })

  it('modes the loaded corpora cannot serve are unavailable, with the reason', () => {
    const nflx = splitInventory(nflxOnly)
    expect(nflx).toEqual({ nflxSources: 9, konvidClips: 0 })
    expect(splitUnavailable('netflix-source', nflx)).toBeNull()
    expect(splitUnavailable('netflix-only', nflx)).toBeNull()
    expect(splitUnavailable('konvid-holdout', nflx)).toBe('needs konvid rows: none are loaded')
    expect(splitUnavailable('konvid-only', nflx)).toMatch(/needs at least 2 konvid clips/)
    expect(splitUnavailable('netflix-source-and-konvid-holdout', nflx)).toBe('needs both corpora: no konvid rows are loaded')

    const konvid = splitInventory(konvidOnly)
    expect(konvid).toEqual({ nflxSources: 0, konvidClips: 340 })
    expect(splitUnavailable('netflix-source', konvid)).toBe('needs nflx rows: none are loaded')
    expect(splitUnavailable('netflix-only', konvid)).toMatch(/needs at least 2 nflx sources.*0 loaded/)
    expect(splitUnavailable('netflix-source-and-konvid-holdout', konvid)).toBe('needs both corpora: no nflx rows are loaded')
    expect(splitUnavailable('konvid-holdout', konvid)).toBeNull()
    expect(splitUnavailable('none', konvid)).toBeNull()
    // and makeSplit agrees: the unavailable ones do not build
    expect(() => trainRun({ ...base, split: 'konvid-holdout' }, nflxOnly)).toThrow(/no konvid rows are loaded/)
    expect(() => trainRun({ ...base, split: 'netflix-source' }, konvidOnly)).toThrow(/no nflx rows are loaded/)
  })

  it('which settings each mode uses', () => {
    expect(splitUses('netflix-source')).toEqual({ source: true, fraction: false })
    expect(splitUses('konvid-holdout')).toEqual({ source: false, fraction: true })
    expect(splitUses('netflix-source-and-konvid-holdout')).toEqual({ source: true, fraction: true })
    expect(splitUses('netflix-only')).toEqual({ source: true, fraction: false })
    expect(splitUses('konvid-only')).toEqual({ source: false, fraction: true })
    expect(splitUses('none')).toEqual({ source: false, fraction: false })
  })
})

describe('parsing', () => {
  it('seeds: single, list, range', () => {
    expect(parseSeeds('7')).toEqual([7])
    expect(parseSeeds(' 0, 2 ,4')).toEqual([0, 2, 4])
    expect(parseSeeds('0-4')).toEqual([0, 1, 2, 3, 4])
    expect(() => parseSeeds('')).toThrow(/at least one seed/)
    expect(() => parseSeeds('a')).toThrow(/not a whole number/)
    expect(() => parseSeeds('1,1')).toThrow(/repeat/)
    expect(() => parseSeeds('0-99')).toThrow(/at most 32/)
  })

  it('hidden widths', () => {
    expect(parseHidden('64,32')).toEqual([64, 32])
    expect(parseHidden('64 32 16')).toEqual([64, 32, 16])
    expect(parseHidden('64x32')).toEqual([64, 32])
    expect(() => parseHidden('')).toThrow(/needs hidden widths/)
    expect(() => parseHidden('8,a2')).toThrow(/not a whole number/)
  })

  it('trainPlan: the Train tab\'s runs through runExperiment train the very jobs trainRun builds', async () => {
    const settings = { ...base, epochs: 1, seeds: '0,1', split: 'netflix-source' as const }
    const plan = trainPlan(settings, table, new Date('2026-12-01T00:00:00Z'))
    const old = trainRun(settings, table)
    expect(plan.specs.map((r) => r.label)).toEqual(old.jobs.map((j) => j.label))
    expect(plan.specs.map((r) => r.id)).toEqual(['0', '1'].map((s) => `mlp_small-seed${s}-20261201T000000-${plan.specs[0].id.split('-').at(-1)}`))
    expect(plan.split).toEqual(old.split)
    const direct = await new CpuTrainer().train(old.data, old.jobs)
    const evaluator = await createNodeEvaluator()
    const res = await runExperiment(table, plan.specs, { trainer: new CpuTrainer(), evaluator }, { evaluate: false })
    await evaluator.dispose()
    expect(res.outcomes).toEqual([])
    expect(res.models.map((m) => m.complete)).toEqual([true, true])
    res.models.sort((a, b) => a.index - b.index)
    res.models.forEach((m, k) => {
      expect(flattenParams(m.model.params)).toEqual(flattenParams(direct[k].params))
      expect(m.model.training.trainLoss).toEqual(direct[k].trainLoss)
      expect(m.onnx).toEqual(exportOnnx(m.model))
    })
  })
})
