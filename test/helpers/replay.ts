// The torch fixtures (../shared/fixtures/torch_parity) as training input, for the trainers' parity
// tests: the fixture's rows, a job that replays its recorded batches one "epoch" (so one checkpoint)
// per step, and the tolerance check they share.
import { expect } from 'vitest'
import { unflattenParams } from '../../src/model/params.ts'
import type { TrainData, TrainJob } from '../../src/model/contract.ts'
import { flattenFixture, type TorchFixture } from './torchFixture.ts'
import { trainDataFromRows } from '../../src/model/trainData.ts'

/** |ours − torch| ≤ max(ABS, REL·|torch|) */
export const ABS = 1e-5
export const REL = 1e-4

export const iota = (n: number) => Uint32Array.from({ length: n }, (_, i) => i)

export function fixtureData(fx: TorchFixture): TrainData {
  return trainDataFromRows(fx.x.flat(), fx.widths[0], Float32Array.from(fx.y))
}

/** A job that replays the fixture: one "epoch" per recorded batch, so a checkpoint per step. */
export function replayJob(fx: TorchFixture): TrainJob {
  return {
    id: fx.arch,
    label: fx.arch,
    widths: fx.widths,
    init: unflattenParams(fx.widths, Float32Array.from(flattenFixture(fx.init))),
    scaler: fx.scaler,
    trainRows: iota(fx.y.length),
    valRows: new Uint32Array(0),
    epochs: fx.batches.length,
    batchSize: fx.batch_size,
    lr: fx.lr,
    order: { kind: 'explicit', epochs: fx.batches.map((b) => Uint32Array.from(b)) },
  }
}

/** Largest violation ratio of |a − b| ≤ max(abs, rel·|b|) (≤ 1 passes) and the largest absolute error. */
export function compare(ours: ArrayLike<number>, ref: ArrayLike<number>, abs = ABS, rel = REL) {
  expect(ours.length).toBe(ref.length)
  let ratio = 0
  let maxAbs = 0
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(ours[i] - ref[i])
    maxAbs = Math.max(maxAbs, err)
    ratio = Math.max(ratio, err / Math.max(abs, rel * Math.abs(ref[i])))
  }
  return { ratio, maxAbs }
}
