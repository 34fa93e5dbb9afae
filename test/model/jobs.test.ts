// makeJob / toTrainedModel: the glue between settings, data and the trainers.
import { describe, expect, it } from 'vitest'
import { initParams } from '../../src/model/init.ts'
import { makeJob, toTrainedModel } from '../../src/model/jobs.ts'
import { fitScaler } from '../../src/model/scaler.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'

const x = Float32Array.from({ length: 40 * 2 }, (_, i) => (i % 2 ? 100 + i : i / 10))
const y = Float32Array.from({ length: 40 }, (_, i) => 50 + i)
const data = { x, y, nFeatures: 2 }
const trainRows = Uint32Array.from({ length: 30 }, (_, i) => i)
const valRows = Uint32Array.from({ length: 10 }, (_, i) => 30 + i)
const base = { id: 'a', label: 'tiny', widths: [2, 4, 1], seed: 7, data, trainRows, valRows, epochs: 2, batchSize: 8, lr: 1e-2 }

describe('makeJob', () => {
  it('seeds the init and the order, fits the scaler on training rows only', () => {
    const job = makeJob({ ...base, scalerMode: 'standard' })
    expect(job.init).toEqual(initParams([2, 4, 1], 7))
    expect(job.order).toEqual({ kind: 'seeded', seed: 7 })
    expect(job.scaler).toEqual(fitScaler(x, 2, trainRows))
    expect(job.scaler).not.toEqual(fitScaler(x, 2, Uint32Array.from({ length: 40 }, (_, i) => i)))
  })

  it('raw mode has no scaler', () => {
    expect(makeJob({ ...base, scalerMode: 'raw' }).scaler).toBeNull()
  })
})

describe('toTrainedModel', () => {
  it('records how the model was made', async () => {
    const job = makeJob({ ...base, scalerMode: 'standard' })
    const [result] = await new CpuTrainer().train(data, [job])
    const m = toTrainedModel({
      job, result, arch: { name: 'custom', widths: [2, 4, 1] }, features: ['f0', 'f1'], seed: 7, scalerMode: 'standard',
      split: 'rows 30..39 held out', inputFiles: [{ name: 'a.parquet', sha256: 'ab', rows: 40 }],
      trainLoss: result.trainLoss, valLoss: result.valLoss, device: 'CPU reference (JS)', wallMs: 12.4,
      createdAt: new Date('2025-01-02T03:04:05.678Z'),
    })
    expect(m.id).toBe('custom-seed7-20250102T030405-a')
    expect(m.createdAt).toBe('2025-01-02T03:04:05.678Z')
    expect(m.params).toBe(result.params)
    expect(m.scaler).toEqual(job.scaler)
    expect(m.training).toMatchObject({
      seed: 7, epochs: 2, batchSize: 8, lr: 1e-2, scalerMode: 'standard', trainRows: 30, valRows: 10,
      steps: 2 * Math.ceil(30 / 8), device: 'CPU reference (JS)', wallMs: 12,
    })
    expect(m.training.trainLoss).toEqual(result.trainLoss)
    expect(m.training.inputFiles).toEqual([{ name: 'a.parquet', sha256: 'ab', rows: 40 }])
  })
})
