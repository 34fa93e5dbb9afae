// makeJob: the glue between settings, data and the trainers.
import { describe, expect, it } from 'vitest'
import { initParams } from '../../src/model/init.ts'
import { makeJob } from '../../src/model/jobs.ts'
import { fitScaler } from '../../src/model/scaler.ts'
import { trainDataFromRows } from '../../src/model/trainData.ts'

const x = Float32Array.from({ length: 40 * 2 }, (_, i) => (i % 2 ? 100 + i : i / 10))
const y = Float32Array.from({ length: 40 }, (_, i) => 50 + i)
const data = trainDataFromRows(x, 2, y)
const trainRows = Uint32Array.from({ length: 30 }, (_, i) => i)
const valRows = Uint32Array.from({ length: 10 }, (_, i) => 30 + i)
const base = { id: 'a', label: 'tiny', widths: [2, 4, 1], seed: 7, data, trainRows, valRows, epochs: 2, batchSize: 8, lr: 1e-2 }

describe('makeJob', () => {
  it('seeds the init and the order, fits the scaler on training rows only', () => {
    const job = makeJob({ ...base, scalerMode: 'standard' })
    expect(job.init).toEqual(initParams([2, 4, 1], 7))
    expect(job.order).toEqual({ kind: 'seeded', seed: 7 })
    expect(job.scaler).toEqual(fitScaler(data.columns, trainRows))
    expect(job.scaler).not.toEqual(fitScaler(data.columns, Uint32Array.from({ length: 40 }, (_, i) => i)))
  })

  it('raw mode has no scaler', () => {
    expect(makeJob({ ...base, scalerMode: 'raw' }).scaler).toBeNull()
  })
})
