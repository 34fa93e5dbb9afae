// The CPU reference trainer against PyTorch trajectories (../shared/fixtures/torch_parity):
// same init, scaler and batch order → same weights after every recorded step, same losses,
// same first-step gradients; plus the trainer's own guarantees (jobs independent, seeded
// runs reproducible, divergence, cancel, resume).
import { describe, expect, it } from 'vitest'
import { predict } from '../../src/model/forward.ts'
import { initParams } from '../../src/model/init.ts'
import { makeJob } from '../../src/model/jobs.ts'
import { batchLossAndGradient } from '../../src/model/mlpBatch.ts'
import { flattenParams, unflattenParams } from '../../src/model/params.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import type { Checkpoint, EpochEvent, TrainData, TrainJob, TrainResult } from '../../src/model/contract.ts'
import { FIXTURES, flattenFixture, loadTorchFixture } from '../helpers/torchFixture.ts'
import { compare, fixtureData, iota, REL, replayJob } from '../helpers/replay.ts'
import { trainDataFromRows } from '../../src/model/trainData.ts'

const report: string[] = []

describe('CPU reference trainer matches PyTorch step for step', () => {
  for (const name of [...FIXTURES, 'mlp_small_long']) {
    it(name, async () => {
      const fx = loadTorchFixture(name)
      const data = fixtureData(fx)
      const job = replayJob(fx)
      const events: EpochEvent[] = []
      const [res] = await new CpuTrainer().train(data, [job], { onEpoch: (ev) => events.push(ev) })
      expect(res.status).toBe('done')
      expect(events.length).toBe(fx.steps.length)

      let paramWorst = { ratio: 0, maxAbs: 0 }
      let lossWorst = 0
      let checked = 0
      for (const s of fx.steps) {
        const ev = events[s.step - 1]
        expect(ev.checkpoint.step).toBe(s.step)
        const lossRel = Math.abs(ev.trainLoss - s.loss) / Math.abs(s.loss)
        lossWorst = Math.max(lossWorst, lossRel)
        if (!s.params_after) continue
        const c = compare(ev.checkpoint.params, flattenFixture(s.params_after))
        if (c.ratio > paramWorst.ratio) paramWorst = c
        checked++
      }
      expect(checked).toBeGreaterThan(0)
      report.push(
        `${name}: ${checked} checked steps, params max |err| ${paramWorst.maxAbs.toExponential(2)} (tolerance used ${(paramWorst.ratio * 100).toFixed(1)}%), loss max rel err ${lossWorst.toExponential(2)}`,
      )
      expect(paramWorst.ratio).toBeLessThanOrEqual(1)
      expect(lossWorst).toBeLessThanOrEqual(REL)
      // the final weights are the result
      expect(compare(flattenParams(res.params), flattenFixture(fx.steps[fx.steps.length - 1].params_after!)).ratio).toBeLessThanOrEqual(1)
    })
  }
})

describe('gradients and predictions at the initial weights match PyTorch', () => {
  for (const name of FIXTURES) {
    it(name, () => {
      const fx = loadTorchFixture(name)
      const data = fixtureData(fx)
      const init = Float32Array.from(flattenFixture(fx.init))
      const { loss, grad } = batchLossAndGradient(fx.widths, init, fx.scaler, data.columns, data.y, fx.batches[0])
      expect(Math.abs(loss - fx.steps[0].loss) / fx.steps[0].loss).toBeLessThanOrEqual(REL)
      const g = compare(grad, flattenFixture(fx.grads_step1))
      expect(g.ratio).toBeLessThanOrEqual(1)

      const pred = predict(unflattenParams(fx.widths, init), fx.scaler, Float32Array.from(fx.x.flat()), fx.widths[0], iota(32))
      const p = compare(pred, fx.pred_init_first32)
      expect(p.ratio).toBeLessThanOrEqual(1)
      report.push(`${name}: step-1 grad max |err| ${g.maxAbs.toExponential(2)}, pred_init max |err| ${p.maxAbs.toExponential(2)}`)
    })
  }

  it('predict over all rows equals predict over an explicit row list', () => {
    const fx = loadTorchFixture('mlp_small_long')
    const x = Float32Array.from(fx.x.flat())
    const params = initParams(fx.widths, 3)
    const all = predict(params, fx.scaler, x, 6)
    const rows = Uint32Array.from([10799, 0, 5000, 4096, 4095])
    const some = predict(params, fx.scaler, x, 6, rows)
    expect(Array.from(some)).toEqual(Array.from(rows, (r) => all[r]))
    expect(all.length).toBe(10800)
  })

  it('prints the parity report', () => {
    console.log(`CPU parity vs PyTorch\n  ${report.join('\n  ')}`)
  })
})

// Seeded jobs on the long fixture's 10,800 rows: split 9,000 train / 1,800 validation.
function seededJobs(epochs = 3): { data: TrainData; jobs: TrainJob[] } {
  const fx = loadTorchFixture('mlp_small_long')
  const data = fixtureData(fx)
  const trainRows = iota(9000)
  const valRows = Uint32Array.from({ length: 1800 }, (_, i) => 9000 + i)
  const common = { data, trainRows, valRows, epochs, batchSize: 256, lr: 1e-3, scalerMode: 'standard' as const }
  const jobs = [
    makeJob({ ...common, id: 'a', label: 'mlp_small seed 0', widths: [6, 16, 8, 1], seed: 0 }),
    makeJob({ ...common, id: 'b', label: 'linear seed 1', widths: [6, 1], seed: 1, scalerMode: 'raw', batchSize: 100 }),
    makeJob({ ...common, id: 'c', label: 'mlp_medium seed 2', widths: [6, 64, 32, 1], seed: 2, trainRows: iota(4000) }),
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

describe('CpuTrainer behaviour', () => {
  it('trains several jobs together exactly as each alone, and the loss goes down', async () => {
    const { data, jobs } = seededJobs()
    const together = await new CpuTrainer().train(data, jobs)
    for (let j = 0; j < jobs.length; j++) {
      const [alone] = await new CpuTrainer().train(data, [jobs[j]])
      expectSameResult(together[j], alone)
    }
    for (const r of together) {
      expect(r.status).toBe('done')
      expect(r.trainLoss.length).toBe(3)
      expect(r.valLoss.every(Number.isFinite)).toBe(true)
      expect(r.trainLoss[2]).toBeLessThan(r.trainLoss[0])
    }
    expect(together[0].steps).toBe(3 * Math.ceil(9000 / 256))
    expect(together[1].steps).toBe(3 * 90)
  })

  it('the same seed gives bit-identical weights; another seed does not', async () => {
    const { data, jobs } = seededJobs(2)
    const [a] = await new CpuTrainer().train(data, [jobs[0]])
    const [b] = await new CpuTrainer().train(data, [jobs[0]])
    expectSameResult(a, b)
    const other = makeJob({
      id: 'x', label: 'seed 9', widths: [6, 16, 8, 1], seed: 9, scalerMode: 'standard', data,
      trainRows: jobs[0].trainRows, valRows: jobs[0].valRows, epochs: 2, batchSize: 256, lr: 1e-3,
    })
    const [c] = await new CpuTrainer().train(data, [other])
    expect(flattenParams(c.params)).not.toEqual(flattenParams(a.params))
  })

  it('stops a diverging job with a message naming the model and epoch; others go on', async () => {
    const { data, jobs } = seededJobs(3)
    const bad = { ...jobs[0], id: 'bad', label: 'mlp_small lr 1e38', lr: 1e38 }
    const [r, ok] = await new CpuTrainer().train(data, [bad, jobs[1]])
    expect(r.status).toBe('diverged')
    expect(r.message).toMatch(/mlp_small lr 1e38 diverged in epoch \d+/)
    expect(r.trainLoss.every(Number.isFinite)).toBe(true)
    expect(flattenParams(r.params).every(Number.isFinite)).toBe(true)
    expect(ok.status).toBe('done')
  })

  it('cancel keeps the finished epochs; resuming from the checkpoint equals an uninterrupted run', async () => {
    const { data, jobs } = seededJobs(4)
    const full = await new CpuTrainer().train(data, jobs)

    const ctl = new AbortController()
    const part = await new CpuTrainer().train(data, jobs, {
      signal: ctl.signal,
      onEpoch: (ev) => {
        if (ev.job === jobs.length - 1 && ev.epoch === 2) ctl.abort()
      },
    })
    for (const r of part) {
      expect(r.status).toBe('cancelled')
      expect(r.message).toMatch(/cancelled after epoch 2/)
      expect(r.trainLoss.length).toBe(2)
      expect(r.checkpoint?.epoch).toBe(2)
      expect(flattenParams(r.params)).toEqual(r.checkpoint!.params)
    }
    const resumed = await new CpuTrainer().train(data, jobs, { resume: part.map((r) => r.checkpoint) })
    for (let j = 0; j < jobs.length; j++) {
      expect(resumed[j].status).toBe('done')
      expect(flattenParams(resumed[j].params)).toEqual(flattenParams(full[j].params))
      expect([...part[j].trainLoss, ...resumed[j].trainLoss]).toEqual(full[j].trainLoss)
      expect(resumed[j].checkpoint).toEqual(full[j].checkpoint)
    }
  })

  it('an abort in the middle of an epoch is seen within a few slices', async () => {
    const fx = loadTorchFixture('mlp_small_long')
    // 20× the long fixture's rows, so one epoch takes far longer than the abort delay
    const reps = 20
    const x = new Float32Array(fx.x.length * reps * 6)
    const y = new Float32Array(fx.y.length * reps)
    const base = { x: Float32Array.from(fx.x.flat()), y: Float32Array.from(fx.y) }
    for (let r = 0; r < reps; r++) {
      x.set(base.x, r * base.x.length)
      y.set(base.y, r * base.y.length)
    }
    const data = trainDataFromRows(x, 6, y)
    const job = makeJob({
      id: 'big', label: 'mlp_large', widths: [6, 64, 32, 16, 1], seed: 0, scalerMode: 'standard', data,
      trainRows: iota(y.length), valRows: new Uint32Array(0), epochs: 50, batchSize: 256, lr: 1e-3,
    })
    const ctl = new AbortController()
    let ticks = 0
    const timer = setInterval(() => ticks++, 5) // proves the loop yields to timers while training
    setTimeout(() => ctl.abort(), 150)
    const t0 = performance.now()
    const [r] = await new CpuTrainer({ sliceMs: 20 }).train(data, [job], { signal: ctl.signal })
    const ms = performance.now() - t0
    clearInterval(timer)
    expect(r.status).toBe('cancelled')
    expect(r.checkpoint).toBeNull()
    expect(r.steps).toBe(0)
    expect(flattenParams(r.params)).toEqual(flattenParams(job.init))
    expect(ticks).toBeGreaterThan(3)
    expect(ms).toBeLessThan(2000)
  })

  it('yields between epochs too, so many one-batch epochs can be cancelled', async () => {
    const { data, jobs } = seededJobs(1)
    const tiny = { ...jobs[0], trainRows: jobs[0].trainRows.subarray(0, 64), epochs: 1_000_000 }
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(), 100)
    const [r] = await new CpuTrainer({ sliceMs: 10 }).train(data, [tiny], { signal: ctl.signal })
    expect(r.status).toBe('cancelled')
    expect(r.trainLoss.length).toBeGreaterThan(0)
    expect(r.trainLoss.length).toBeLessThan(1_000_000)
    expect(r.checkpoint?.epoch).toBe(r.trainLoss.length)
  })

  it('rejects bad jobs with a message naming the model', async () => {
    const { data, jobs } = seededJobs(1)
    const t = new CpuTrainer()
    await expect(t.train(data, [{ ...jobs[0], widths: [5, 16, 8, 1] }])).rejects.toThrow(/mlp_small seed 0: the model takes 5 features/)
    await expect(t.train(data, [{ ...jobs[0], trainRows: Uint32Array.of(99999) }])).rejects.toThrow(/training row 99999 is out of range/)
    const bad: Checkpoint = { epoch: 1, step: 1, params: new Float32Array(3), m: new Float32Array(3), v: new Float32Array(3) }
    await expect(t.train(data, [jobs[0]], { resume: [bad] })).rejects.toThrow(/checkpoint has 3 parameters/)
    await expect(t.train(data, [jobs[0]], { resume: [] })).rejects.toThrow(/resume has 0 checkpoints for 1 jobs/)
    await expect(t.train(data, [{ ...jobs[0], widths: [6, 200, 1], init: initParams([6, 200, 1], 0) }])).rejects.toThrow(/integer in 1..128/)
    const explicit = { kind: 'explicit' as const, epochs: [Uint32Array.of(0, 9000)] }
    await expect(t.train(data, [{ ...jobs[0], order: explicit }])).rejects.toThrow(/epoch 1 orders position 9000, past its 9000 training rows/)
  })
})
