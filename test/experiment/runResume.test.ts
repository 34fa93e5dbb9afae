// Resuming an experiment (src/experiment/run.ts resumeFrom): interrupted by a simulated device loss
// (the engine's 'device-lost' status, or a trainer that throws) or by a cancel, it continues each
// unfinished run from its last completed epoch, trains no finished run again, and ends with the very
// same models, scores and loss curves as an uninterrupted run.
import { beforeAll, describe, expect, it } from 'vitest'
import { conductExperiment, conductResuming, type ExperimentResult } from '../../src/experiment/conduct.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { resumeState } from '../../src/experiment/run.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { Evaluator } from '../../src/onnx/evaluator.ts'
import { demoLike } from '../helpers/fakeTable.ts'
import { LossyTrainer } from '../helpers/lossyTrainer.ts'

const table = demoLike({ sources: ['Harbor', 'Meadow', 'NightGrain'], clipsPerSource: 4, framesPerClip: 12, konvidClips: 12, konvidFrames: 5 })
// arm a finishes after 2 epochs, arm b trains 6: a loss after epoch 3 stops b only
const design = presetDesign('foxbird', { seeds: 1, epochs: 6, recipe: { batchSize: 16 }, arms: ['a', 'b'] })
design.arms[0] = { ...design.arms[0], epochs: 2 }
let evaluator: Evaluator
let reference: ExperimentResult

beforeAll(async () => {
  evaluator = await createNodeEvaluator()
  reference = await conductExperiment(table, design, { trainer: new CpuTrainer({ sliceMs: 0 }), evaluator })
})

/** The same models, bytes, predictions, metrics and loss curves as the uninterrupted run. */
function expectSameAsReference(res: ExperimentResult) {
  expect(res.cancelled).toBe(false)
  expect(res.failures).toEqual([])
  expect(res.runs.map((r) => r.outcome.model.id)).toEqual(reference.runs.map((r) => r.outcome.model.id))
  res.runs.forEach((r, k) => {
    const ref = reference.runs[k].outcome
    expect(r.outcome.onnx).toEqual(ref.onnx)
    expect(r.outcome.pred).toEqual(ref.pred)
    expect(r.outcome.metrics).toEqual(ref.metrics)
    expect(r.outcome.steps).toBe(ref.steps)
    expect(r.outcome.model.training.trainLoss).toEqual(ref.model.training.trainLoss)
    expect(r.outcome.model.training.valLoss).toEqual(ref.model.training.valLoss)
  })
  expect(res.summary.arms).toEqual(reference.summary.arms)
  expect(res.pooled).toEqual(reference.pooled)
}

describe('runExperiment resume', () => {
  it('after a lost device, continues from the last completed epoch and ends with the uninterrupted numbers', async () => {
    const trainer = new LossyTrainer({ afterEpoch: 3 })
    const first = await conductExperiment(table, design, { trainer, evaluator })
    expect(first.resumable).toBe(true)
    expect(first.cancelled).toBe(false)
    const lost = first.failures.filter((f) => f.status === 'device-lost')
    expect(lost.map((f) => f.spec.provenance?.arm)).toEqual(['b', 'b', 'b'])
    // arm a finished before the loss: kept, with its scores
    expect(first.runs.map((r) => r.scheduled.arm)).toEqual(['a', 'a', 'a'])
    const kept = first.state.runs.map((r) => r.checkpoint?.epoch ?? 0)
    expect(kept.slice(3).every((e) => e >= 2 && e < 6)).toBe(true)
    const curves = first.state.runs.map((r) => [...r.trainLoss])

    const folds: string[] = []
    const epochs: number[][] = first.schedule.runs.map(() => [])
    const res = await conductExperiment(table, design, { trainer, evaluator }, {
      resumeFrom: first.state,
      onFold: (o) => folds.push(...o.map((x) => `${x.arm} ${x.fold}`)),
      onEpoch: (i, ev) => epochs[i].push(ev.epoch),
    })
    // only the epochs after each checkpoint train (a restart would report epoch 1 again)
    epochs.forEach((e, i) => expect(e).toEqual(i < 3 ? [] : Array.from({ length: 6 - kept[i] }, (_, k) => kept[i] + 1 + k)))
    // finished runs are not trained again; each lost run continues from its checkpoint
    expect(trainer.calls).toHaveLength(2)
    expect(trainer.calls[1]).toEqual(first.schedule.runs.filter((r) => r.arm === 'b').map((r) => r.spec.id))
    expect(folds.every((f) => f.startsWith('b '))).toBe(true)
    // the loss curves go on: the earlier epochs are kept as they were
    res.state.runs.forEach((r, i) => expect(r.trainLoss.slice(0, curves[i].length)).toEqual(curves[i]))
    expectSameAsReference(res)
  })

  it('after a trainer that throws, the state it was given resumes the run', async () => {
    const trainer = new LossyTrainer({ afterEpoch: 3, throws: true })
    const state = resumeState(reference.schedule.runs.length)
    await expect(conductExperiment(table, design, { trainer, evaluator }, { resumeFrom: state })).rejects.toThrow('the train worker crashed')
    expect(state.runs.slice(3).every((r) => (r.checkpoint?.epoch ?? 0) >= 2 && r.trainLoss.length === r.checkpoint?.epoch)).toBe(true)
    expect(state.runs.slice(0, 3).every((r) => r.finished !== null && r.outcome !== null)).toBe(true)
    const res = await conductExperiment(table, design, { trainer, evaluator }, { resumeFrom: state })
    expect(trainer.calls[1]).toHaveLength(3)
    expectSameAsReference(res)
  })

  it('cancel, then resume: the same numbers as an uninterrupted run', async () => {
    const ctrl = new AbortController()
    const trainer = new CpuTrainer({ sliceMs: 0 })
    const first = await conductExperiment(table, design, { trainer, evaluator }, { signal: ctrl.signal, onEpoch: (_, ev) => ev.epoch >= 4 && ctrl.abort() })
    expect(first.cancelled).toBe(true)
    expect(first.resumable).toBe(true)
    expect(first.runs.length).toBeLessThan(reference.runs.length)
    expect(first.failures.some((f) => f.status === 'cancelled')).toBe(true)
    const res = await conductExperiment(table, design, { trainer, evaluator }, { resumeFrom: first.state })
    expect(res.resumable).toBe(false)
    expectSameAsReference(res)
  })

  it('conductResuming (study, sweep) resumes after a lost device by itself, and not with 0 attempts', async () => {
    const resumed: number[] = []
    const res = await conductResuming(table, design, { trainer: new LossyTrainer({ afterEpoch: 3 }), evaluator }, { attempts: 2, onResume: (lost, k) => resumed.push(lost.length, k) })
    expect(resumed).toEqual([3, 1])
    expectSameAsReference(res)
    const stopped = await conductResuming(table, design, { trainer: new LossyTrainer({ afterEpoch: 3 }), evaluator }, { attempts: 0 })
    expect(stopped.failures.map((f) => f.status)).toEqual(['device-lost', 'device-lost', 'device-lost'])
    expect(stopped.runs).toHaveLength(3)
  })

  it('refuses a state for other runs', async () => {
    await expect(conductExperiment(table, design, { trainer: new CpuTrainer(), evaluator }, { resumeFrom: resumeState(2) })).rejects.toThrow(/resumeFrom holds 2 runs, not the 6/)
  })
})
