// Jobs and comparisons the engine specs share: the torch fixtures replayed as jobs, seeded jobs on
// the fixture rows, a mixed set of architectures, and "within PyTorch's tolerance" / bit equality.
import { expect } from '@playwright/test'
import { initParams } from '../src/model/init.ts'
import { fitScaler } from '../src/model/scaler.ts'
import { unflattenParams } from '../src/model/params.ts'
import type { TrainData, TrainJob } from '../src/model/contract.ts'
import { flattenFixture, loadTorchFixture, type TorchFixture } from '../test/helpers/torchFixture.ts'
import { trainDataFromRows } from '../src/model/trainData.ts'

// ---- PyTorch fixtures -------------------------------------------------------------------------

export function fixtureData(fx: TorchFixture): TrainData {
  return trainDataFromRows(fx.x.flat(), fx.widths[0], Float32Array.from(fx.y))
}

/** Replays the fixture: its init and scaler, one "epoch" per recorded batch (a checkpoint per step). */
export function fixtureJob(fx: TorchFixture, id = fx.arch): TrainJob {
  const n = fx.x.length
  return {
    id,
    label: id,
    widths: fx.widths,
    init: unflattenParams(fx.widths, Float32Array.from(flattenFixture(fx.init))),
    scaler: fx.scaler,
    trainRows: Uint32Array.from({ length: n }, (_, i) => i),
    valRows: new Uint32Array(0),
    epochs: fx.batches.length,
    batchSize: fx.batch_size,
    lr: fx.lr,
    order: { kind: 'explicit', epochs: fx.batches.map((b) => Uint32Array.from(b)) },
  }
}

/** Largest violation of |a − b| ≤ 1e-5 or ≤ 1e-4·|b| (≤ 0 means within bounds), and where. */
export function worst(ours: ArrayLike<number>, torch: ArrayLike<number>): { excess: number; at: number; ours: number; torch: number } {
  expect(ours.length).toBe(torch.length)
  let w = { excess: -Infinity, at: -1, ours: NaN, torch: NaN }
  for (let i = 0; i < torch.length; i++) {
    const d = Math.abs(ours[i] - torch[i])
    const excess = Math.min(d - 1e-5, d - 1e-4 * Math.abs(torch[i]))
    if (!(excess <= w.excess)) w = { excess, at: i, ours: ours[i], torch: torch[i] }
  }
  return w
}

export const longFx = () => loadTorchFixture('mlp_small_long')

/** What a fixture replay on the engine reports: one event per step, and the buffers left after it. */
interface FixtureReply {
  events: { trainLoss: number; checkpoint: { step: number; params: ArrayLike<number>; m: ArrayLike<number> } }[]
  memoryAfter: { buffers: number }
}

/** A fixture replayed step by step: every step's loss and checkpointed weights, and the first step's
 *  gradients, within PyTorch's tolerance; no GPU buffer left behind. */
export function expectTracksTorch(reply: FixtureReply, fx: TorchFixture): void {
  expect(reply.events.length).toBe(fx.steps.length)
  for (const st of fx.steps) {
    const ev = reply.events[st.step - 1]
    expect(ev.checkpoint.step).toBe(st.step)
    expect(Math.abs(ev.trainLoss - st.loss) / st.loss, `loss of step ${st.step}`).toBeLessThanOrEqual(1e-4)
    if (st.params_after) {
      const w = worst(ev.checkpoint.params, flattenFixture(st.params_after))
      expect(w.excess, `step ${st.step}: param ${w.at} is ${w.ours}, torch ${w.torch}`).toBeLessThanOrEqual(0)
    }
  }
  // Adam's first step: m = (1 − β1)·g, so g = m / 0.1
  const g = Array.from(reply.events[0].checkpoint.m, (m) => m / 0.1)
  const wg = worst(g, flattenFixture(fx.grads_step1))
  expect(wg.excess, `grad ${wg.at} is ${wg.ours}, torch ${wg.torch}`).toBeLessThanOrEqual(0)
  expect(reply.memoryAfter.buffers).toBe(0)
}

/** Seeded jobs on the 10,800 demo rows: `arch` widths, rows `from`..`to` for training, the rest to validate. */
export function seededJob(data: TrainData, o: { id: string; widths: number[]; seed: number; epochs: number; lr?: number; fold?: number; raw?: boolean }): TrainJob {
  const n = data.y.length
  const fold = o.fold ?? -1
  const all = Array.from({ length: n }, (_, i) => i)
  const trainRows = Uint32Array.from(all.filter((i) => i % 5 !== fold))
  const valRows = Uint32Array.from(all.filter((i) => i % 5 === fold))
  return {
    id: o.id,
    label: `model ${o.id}`,
    widths: o.widths,
    init: initParams(o.widths, o.seed),
    scaler: o.raw ? null : fitScaler(data.columns, trainRows),
    trainRows,
    valRows,
    epochs: o.epochs,
    batchSize: 256,
    lr: o.lr ?? 1e-3,
    order: { kind: 'seeded', seed: o.seed },
  }
}

export function mixedJobs(data: TrainData, epochs: number): TrainJob[] {
  return [
    seededJob(data, { id: 'small-a', widths: [6, 16, 8, 1], seed: 0, epochs, fold: 0 }),
    seededJob(data, { id: 'small-b', widths: [6, 16, 8, 1], seed: 1, epochs, fold: 3, lr: 3e-3 }),
    seededJob(data, { id: 'small-raw', widths: [6, 12, 5, 1], seed: 2, epochs, raw: true }),
    seededJob(data, { id: 'medium', widths: [6, 64, 32, 1], seed: 3, epochs, fold: 1 }),
    seededJob(data, { id: 'linear', widths: [6, 1], seed: 4, epochs, fold: 2 }),
    seededJob(data, { id: 'deep', widths: [6, 20, 9, 7, 5, 1], seed: 5, epochs: epochs + 1, fold: 4 }),
  ]
}

export const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer))

