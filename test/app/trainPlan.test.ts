// The Train panel's settings → jobs over the demo corpus (loaded with the app's own ingest).
import { beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { initParams } from '../../src/model/init.ts'
import { parseHidden, parseSeeds, planRun, type TrainSettings } from '../../src/app/trainPlan.ts'
import { loadDemo } from '../study/demoTable.ts'

const base: TrainSettings = {
  arch: 'mlp_small', hidden: '32,16', epochs: 30, batchSize: 256, lr: 1e-3, seeds: '0', scalerMode: 'standard', holdout: 'NightGrain',
}

let table: FeatureTable
beforeAll(async () => {
  table = await loadDemo()
})

describe('planRun', () => {
  it('holds out the source for validation; every other row trains', () => {
    const plan = planRun(base, table)
    expect(plan.features).toEqual(['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2'])
    expect(plan.arch.widths).toEqual([6, 16, 8, 1])
    const [job] = plan.jobs
    const codes = table.sourceCodes()
    const night = table.sourceNames.indexOf('NightGrain')
    const nightRows = codes.filter((c) => c === night).length
    expect(nightRows).toBeGreaterThan(0)
    expect(job.valRows.length).toBe(nightRows)
    expect(job.trainRows.length).toBe(20072 - nightRows)
    expect([...job.valRows].every((r) => codes[r] === night)).toBe(true)
    expect(job.init).toEqual(initParams([6, 16, 8, 1], 0))
    expect(job.scaler).not.toBeNull()
    expect(plan.data.x.length).toBe(20072 * 6)
    expect(plan.split).toMatch(/NightGrain/)
  })

  it('one job per seed, labelled; custom widths; raw scaler; no holdout', () => {
    const plan = planRun({ ...base, arch: 'custom', hidden: '12, 4', seeds: '3-5', scalerMode: 'raw', holdout: '' }, table)
    expect(plan.jobs.map((j) => j.label)).toEqual(['custom seed 3', 'custom seed 4', 'custom seed 5'])
    expect(plan.jobs.map((j) => j.order)).toEqual([3, 4, 5].map((seed) => ({ kind: 'seeded', seed })))
    expect(plan.arch.widths).toEqual([6, 12, 4, 1])
    expect(plan.jobs.every((j) => j.scaler === null && j.valRows.length === 0 && j.trainRows.length === 20072)).toBe(true)
  })

  it('refuses bad settings with a plain message', () => {
    expect(() => planRun({ ...base, epochs: 0 }, table)).toThrow(/epochs must be a whole number/)
    expect(() => planRun({ ...base, lr: -1 }, table)).toThrow(/learning rate/)
    expect(() => planRun({ ...base, batchSize: 2.5 }, table)).toThrow(/batch size/)
    expect(() => planRun({ ...base, arch: 'custom', hidden: '500' }, table)).toThrow(/hidden widths must be integers in 1..128/)
    expect(() => planRun({ ...base, holdout: 'Nowhere' }, table)).toThrow(/Nowhere/)
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
})
