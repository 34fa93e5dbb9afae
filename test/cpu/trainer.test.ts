// The WebAssembly trainer's guarantees beyond parity: the Trainer contract as the CPU reference
// keeps it (jobs independent, seeded runs reproducible, divergence, cancel, resume, bad input),
// and the same bits whatever the number of workers and wherever a job lands.
import { afterAll, describe, expect, it } from 'vitest'
import { placeJobs, WasmTrainer } from '../../src/cpu/trainer.ts'
import { initParams } from '../../src/model/init.ts'
import { makeJob } from '../../src/model/jobs.ts'
import { flattenParams } from '../../src/model/params.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import type { Checkpoint, TrainData, TrainJob, TrainResult } from '../../src/model/contract.ts'
import { nodeWasmTrainer } from '../../src/node/cpuWorkers.ts'
import { loadTorchFixture } from '../helpers/torchFixture.ts'
import { trainDataFromRows } from '../../src/model/trainData.ts'

const iota = (n: number) => Uint32Array.from({ length: n }, (_, i) => i)

// Seeded jobs on the long fixture's 10,800 rows: 9,000 train / 1,800 validation, four architectures.
function seededJobs(epochs = 3): { data: TrainData; jobs: TrainJob[] } {
  const fx = loadTorchFixture('mlp_small_long')
  const data = trainDataFromRows(fx.x.flat(), 6, Float32Array.from(fx.y))
  const trainRows = iota(9000)
  const valRows = Uint32Array.from({ length: 1800 }, (_, i) => 9000 + i)
  const common = { data, trainRows, valRows, epochs, batchSize: 256, lr: 1e-3, scalerMode: 'standard' as const }
  const jobs = [
    makeJob({ ...common, id: 'a', label: 'mlp_small seed 0', widths: [6, 16, 8, 1], seed: 0 }),
    makeJob({ ...common, id: 'b', label: 'linear seed 1', widths: [6, 1], seed: 1, scalerMode: 'raw', batchSize: 100 }),
    makeJob({ ...common, id: 'c', label: 'mlp_medium seed 2', widths: [6, 64, 32, 1], seed: 2, trainRows: iota(4000) }),
    makeJob({ ...common, id: 'd', label: 'mlp_large seed 3', widths: [6, 64, 32, 16, 1], seed: 3, trainRows: iota(3000), batchSize: 77 }),
  ]
  return { data, jobs }
}

function expectSameResult(a: TrainResult, b: TrainResult) {
  expect(a.status).toBe(b.status)
  expect(flattenParams(a.params)).toEqual(flattenParams(b.params))
  expect(a.trainLoss).toEqual(b.trainLoss)
  expect(a.valLoss).toEqual(b.valLoss)
  expect(a.steps).toBe(b.steps)
}

const pools: WasmTrainer[] = []
const pool = (workers: number) => {
  const t = nodeWasmTrainer({ workers })
  pools.push(t)
  return t
}
afterAll(() => pools.forEach((t) => t.dispose()))

describe('WasmTrainer', () => {
  it('gives the same bits with 0, 1, 2 and 3 workers, and each job trained alone equals it trained with others', async () => {
    const { data, jobs } = seededJobs()
    const here = await new WasmTrainer({ workers: 0 }).train(data, jobs)
    for (const w of [1, 2, 3]) {
      const events: number[] = []
      const res = await pool(w).train(data, jobs, { onEpoch: (ev) => events.push(ev.job) })
      res.forEach((r, j) => expectSameResult(r, here[j]))
      expect(events.sort()).toEqual(jobs.flatMap((_, j) => [j, j, j]))
    }
    for (let j = 0; j < jobs.length; j++) expectSameResult((await new WasmTrainer({ workers: 0 }).train(data, [jobs[j]]))[0], here[j])
    for (const r of here) {
      expect(r.status).toBe('done')
      expect(r.valLoss.every(Number.isFinite)).toBe(true)
      expect(r.trainLoss[2]).toBeLessThan(r.trainLoss[0])
    }
    expect(here[0].steps).toBe(3 * Math.ceil(9000 / 256))
    expect(here[1].steps).toBe(3 * 90)
  })

  it('tracks the CPU reference: the same seeded runs end within float32 rounding of it', async () => {
    const { data, jobs } = seededJobs(3)
    const ours = await new WasmTrainer({ workers: 0 }).train(data, jobs)
    const ref = await new CpuTrainer().train(data, jobs)
    ours.forEach((r, j) => {
      const a = flattenParams(r.params)
      const b = flattenParams(ref[j].params)
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(b[i]))
      r.trainLoss.forEach((v, e) => expect(Math.abs(v - ref[j].trainLoss[e]) / ref[j].trainLoss[e]).toBeLessThan(1e-5))
    })
  })

  it('the same seed gives bit-identical weights; another seed does not', async () => {
    const { data, jobs } = seededJobs(2)
    const t = new WasmTrainer({ workers: 0 })
    const [a] = await t.train(data, [jobs[0]])
    const [b] = await t.train(data, [jobs[0]])
    expectSameResult(a, b)
    const [c] = await t.train(data, [{ ...jobs[0], init: initParams(jobs[0].widths, 9), order: { kind: 'seeded', seed: 9 } }])
    expect(flattenParams(c.params)).not.toEqual(flattenParams(a.params))
  })

  it('stops a diverging job with a message naming the model and epoch; others go on', async () => {
    const { data, jobs } = seededJobs(3)
    const bad = { ...jobs[0], id: 'bad', label: 'mlp_small lr 1e38', lr: 1e38 }
    const [r, ok] = await pool(2).train(data, [bad, jobs[1]])
    expect(r.status).toBe('diverged')
    expect(r.message).toMatch(/mlp_small lr 1e38 diverged in epoch \d+ \(step \d+\): the training loss became (NaN|Infinity)/)
    expect(flattenParams(r.params).every(Number.isFinite)).toBe(true)
    expect(ok.status).toBe('done')
  })

  it('cancel keeps the finished epochs; resuming from the checkpoint equals an uninterrupted run', async () => {
    const { data, jobs } = seededJobs(4)
    const t = new WasmTrainer({ workers: 0 })
    const full = await t.train(data, jobs)
    const ctl = new AbortController()
    const part = await t.train(data, jobs, {
      signal: ctl.signal,
      onEpoch: (ev) => {
        if (ev.job === jobs.length - 1 && ev.epoch === 2) ctl.abort()
      },
    })
    for (const r of part) {
      expect(r.status).toBe('cancelled')
      expect(r.message).toMatch(/cancelled after epoch 2/)
      expect(r.checkpoint?.epoch).toBe(2)
      expect(flattenParams(r.params)).toEqual(r.checkpoint!.params)
    }
    const resumed = await pool(2).train(data, jobs, { resume: part.map((r) => r.checkpoint) })
    for (let j = 0; j < jobs.length; j++) {
      expect(flattenParams(resumed[j].params)).toEqual(flattenParams(full[j].params))
      expect([...part[j].trainLoss, ...resumed[j].trainLoss]).toEqual(full[j].trainLoss)
      expect(resumed[j].checkpoint).toEqual(full[j].checkpoint)
    }
  })

  it('an abort reaches the workers in the middle of an epoch', async () => {
    const fx = loadTorchFixture('mlp_small_long')
    const reps = 20
    const base = { x: Float32Array.from(fx.x.flat()), y: Float32Array.from(fx.y) }
    const x = new Float32Array(base.x.length * reps)
    const y = new Float32Array(base.y.length * reps)
    for (let r = 0; r < reps; r++) {
      x.set(base.x, r * base.x.length)
      y.set(base.y, r * base.y.length)
    }
    const data = trainDataFromRows(x, 6, y)
    const job = makeJob({
      id: 'big', label: 'mlp_large', widths: [6, 64, 32, 16, 1], seed: 0, scalerMode: 'standard', data,
      trainRows: iota(y.length), valRows: new Uint32Array(0), epochs: 50, batchSize: 256, lr: 1e-3,
    })
    const t = pool(2)
    await t.train(data, [{ ...job, epochs: 0 }, { ...job, epochs: 0 }]) // workers started
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(), 100)
    const t0 = performance.now()
    const res = await t.train(data, [job, { ...job, id: 'big2' }], { signal: ctl.signal })
    for (const r of res) {
      expect(r.status).toBe('cancelled')
      expect(r.checkpoint).toBeNull()
      expect(flattenParams(r.params)).toEqual(flattenParams(job.init))
    }
    expect(performance.now() - t0).toBeLessThan(3000)
  })

  it('rejects bad jobs with a message naming the model', async () => {
    const { data, jobs } = seededJobs(1)
    const t = pool(2)
    await expect(t.train(data, [{ ...jobs[0], widths: [5, 16, 8, 1] }])).rejects.toThrow(/mlp_small seed 0: the model takes 5 features/)
    await expect(t.train(data, [{ ...jobs[0], trainRows: Uint32Array.of(99999) }])).rejects.toThrow(/training row 99999 is out of range/)
    const bad: Checkpoint = { epoch: 1, step: 1, params: new Float32Array(3), m: new Float32Array(3), v: new Float32Array(3) }
    await expect(t.train(data, [jobs[0]], { resume: [bad] })).rejects.toThrow(/checkpoint has 3 parameters/)
    await expect(t.train(data, [jobs[0]], { resume: [] })).rejects.toThrow(/resume has 0 checkpoints for 1 jobs/)
  })
})

describe('placeJobs', () => {
  it('puts the costliest jobs first on the least-loaded worker, the same way every time', () => {
    const { jobs } = seededJobs(1)
    expect(placeJobs(jobs, 2)).toEqual([[1, 2], [0, 3]])
    expect(placeJobs(jobs, 8)).toEqual([[2], [3], [0], [1]])
    expect(placeJobs(jobs, 1)).toEqual([[0, 1, 2, 3]])
  })
})
