// The records every front end writes: trainedModel, the timestamped id, fileSafe, evalReport, the
// split record and its sidecar round trip (old sidecars read as "unknown", bad ones are refused).
import { beforeAll, describe, expect, it } from 'vitest'
import { evalReport, fileSafe, splitRecord, timestampedId, trainedModel } from '../../src/experiment/records.ts'
import { losoFolds, makeSplit } from '../../src/data/splits.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { makeJob } from '../../src/model/jobs.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { exportOnnx, parseSidecar, sidecar, sidecarJson, sidecarSplit, SidecarError } from '../../src/onnx/index.ts'
import { loadDemo } from '../helpers/demoTable.ts'
import { trainDataFromRows } from '../../src/model/trainData.ts'

const x = Float32Array.from({ length: 40 * 2 }, (_, i) => (i % 2 ? 100 + i : i / 10))
const y = Float32Array.from({ length: 40 }, (_, i) => 50 + i)
const data = trainDataFromRows(x, 2, y)
const trainRows = Uint32Array.from({ length: 30 }, (_, i) => i)
const valRows = Uint32Array.from({ length: 10 }, (_, i) => 30 + i)
const split = { mode: 'custom', description: 'rows 30..39 held out', trainSources: ['A'], heldOutSources: ['B'] }

let table: FeatureTable
beforeAll(async () => {
  table = await loadDemo()
})

describe('trainedModel', () => {
  it('records how the model was made', async () => {
    const job = makeJob({ id: 'a', label: 'tiny', widths: [2, 4, 1], seed: 7, data, trainRows, valRows, epochs: 2, batchSize: 8, lr: 1e-2, scalerMode: 'standard' })
    const [result] = await new CpuTrainer().train(data, [job])
    const createdAt = new Date('2025-01-02T03:04:05.678Z')
    const m = trainedModel({
      id: timestampedId('custom', 7, createdAt, job.id), job, params: result.params, steps: result.steps,
      arch: { name: 'custom', widths: [2, 4, 1] }, features: ['f0', 'f1'], seed: 7, scalerMode: 'standard',
      split, inputFiles: [{ name: 'a.parquet', sha256: 'ab', rows: 40 }],
      trainLoss: result.trainLoss, valLoss: result.valLoss, device: 'CPU reference (JS)', wallMs: 12.4, createdAt,
    })
    expect(m.id).toBe('custom-seed7-20250102T030405-a')
    expect(m.createdAt).toBe('2025-01-02T03:04:05.678Z')
    expect(m.params).toBe(result.params)
    expect(m.scaler).toEqual(job.scaler)
    expect(m.training).toMatchObject({
      seed: 7, epochs: 2, batchSize: 8, lr: 1e-2, scalerMode: 'standard', trainRows: 30, valRows: 10,
      steps: 2 * Math.ceil(30 / 8), device: 'CPU reference (JS)', wallMs: 12, split,
    })
    expect(m.training.trainLoss).toEqual(result.trainLoss)
    expect(m.training.inputFiles).toEqual([{ name: 'a.parquet', sha256: 'ab', rows: 40 }])

    // the sidecar carries the split record and reads it back
    const side = parseSidecar(sidecarJson(sidecar(m, exportOnnx(m))), 'm.json')
    expect(side.training?.split).toBe('rows 30..39 held out')
    expect(side.training?.split_record).toEqual({ mode: 'custom', train_sources: ['A'], held_out_sources: ['B'] })
    expect(sidecarSplit(side)).toEqual(split)
  })
})

describe('fileSafe', () => {
  it('one rule for file names', () => {
    expect(fileSafe('NightGrain')).toBe('NightGrain')
    expect(fileSafe('Tennis + konvid 10%')).toBe('Tennis_konvid_10')
    expect(fileSafe('  /../x  ')).toBe('.._x')
    expect(fileSafe('%%', 'split')).toBe('split')
  })
})

describe('splitRecord', () => {
  it('loso fold: the other sources (+ konvid) train, the fold is held out', () => {
    const [fold] = losoFolds(table, { withKonvid: true })
    const r = splitRecord(table, fold)
    expect(r.mode).toBe('loso')
    expect(r.heldOutSources).toEqual([fold.heldOutSource])
    expect(r.trainSources).toHaveLength(9)
    expect(r.trainSources).toContain('konvid')
    expect(r.heldOutKeys).toBeUndefined()
  })

  it('nflx + konvid clip holdout lists the source and the clips', () => {
    const s = makeSplit(table, { mode: 'netflix-source-and-konvid-holdout', holdoutSource: 'Creek', konvidFraction: 0.1, seed: 3 })
    const r = splitRecord(table, s)
    expect(r.heldOutSources).toEqual(['Creek'])
    expect(r.heldOutKeys).toEqual(s.heldOutKeys)
    expect(r.heldOutKeys).toHaveLength(34)
  })
})

describe('sidecarSplit', () => {
  const base = { id: 'm', features: ['adm2'] }
  it('a sidecar without a record reads as unknown', () => {
    expect(sidecarSplit(parseSidecar(JSON.stringify(base)))).toMatchObject({ mode: 'unknown', trainSources: [], heldOutSources: [] })
    const old = parseSidecar(JSON.stringify({ ...base, training: { split: 'loso fold Tennis' } }))
    expect(sidecarSplit(old)).toMatchObject({ mode: 'unknown', description: expect.stringContaining('loso fold Tennis') })
  })

  it('a damaged record is refused, naming the file and the field', () => {
    const bad = (split_record: unknown) => () => parseSidecar(JSON.stringify({ ...base, training: { split: 's', split_record } }), 'x.json')
    expect(bad({ mode: 'loso', train_sources: 'A', held_out_sources: [] })).toThrow(SidecarError)
    expect(bad({ mode: 'loso', train_sources: 'A', held_out_sources: [] })).toThrow(/x\.json.*train_sources/)
    expect(bad({ train_sources: [], held_out_sources: [] })).toThrow(/mode/)
    expect(bad({ mode: 'loso', train_sources: [], held_out_sources: [], held_out_keys: [1] })).toThrow(/held_out_keys/)
  })
})

describe('evalReport', () => {
  it('the report of one evaluation', () => {
    const metrics = { per_source: {}, all: { plcc: 1, srocc: 1, krocc: 1, rmse: 0, n: 2 }, mean: { plcc: 1, srocc: 1, krocc: 1, rmse: 0, n: 0 }, std: { plcc: 0, srocc: 0, krocc: 0, rmse: 0, n: 0 } }
    const r = evalReport({
      model: { id: 'm', name: 'm.onnx', sha256: 'ff', input_name: 'features', output_name: 'vmaf', features: ['adm2'] },
      ep: 'wasm', table: { files: [{ name: 'a.parquet', sha256: 'ab', rows: 2, bytes: 9, excludedRows: 0, corpus: 'nflx', rowStart: 0 }] },
      rows: 2, grouping: 'source', inferenceMs: 1.5, metrics: metrics as never, evaluatedAt: new Date('2025-01-01T00:00:00Z'),
    })
    expect(r).toEqual({
      model: { id: 'm', name: 'm.onnx', sha256: 'ff', input_name: 'features', output_name: 'vmaf', features: ['adm2'] },
      ep: 'wasm', data: { rows: 2, files: [{ name: 'a.parquet', sha256: 'ab', rows: 2 }], grouping: 'source' },
      evaluated_at: '2025-01-01T00:00:00.000Z', inference_ms: 1.5, metrics,
    })
  })
})
