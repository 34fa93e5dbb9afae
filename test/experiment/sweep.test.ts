// Sweeps trained for real on the demo corpus (WebAssembly trainer on worker_threads, onnxruntime-node
// evaluates), on a small space with a 3-epoch budget (rungs at 1 and 2 epochs): a seed gives the
// same trials and another seed others; successive halving stops a deliberately bad recipe (a tiny
// learning rate) at the first rung; a trial's objective is what the same recipe gives as a LOSO
// experiment of its own, recomputed from the fold outcomes; the importance is η² recomputed here
// from the within-group sums of squares.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { conductExperiment } from '../../src/experiment/conduct.ts'
import { rungDesign, rungEpochs, runSweep, trialObjective, type SweepOptions, type SweepResult } from '../../src/experiment/sweep.ts'
import { archLabel, checkSpace, sweepParams, SWEEP_PARAMS } from '../../src/experiment/sweepSpace.ts'
import { nodeWasmTrainer } from '../../src/node/cpuWorkers.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { Evaluator } from '../../src/onnx/evaluator.ts'
import { loadDemo } from '../helpers/demoTable.ts'

const SPACE = checkSpace({ arch: ['linear', 'mlp_small'], lr: { min: 1e-3, max: 3e-2 }, batchSize: [256, 512], epochs: 3 })
const FOLDS = 9

let table: FeatureTable
let evaluator: Evaluator
const wasm = nodeWasmTrainer()
const sweep = (o: Partial<SweepOptions>) => runSweep(table, { trainer: wasm, evaluator }, { trials: 6, seed: 0, space: SPACE, roundSize: 3, ...o })
const shape = (r: SweepResult) => r.trials.map((t) => ({ id: t.id, params: t.params, state: t.state, epochs: t.epochs }))
let s0: SweepResult

beforeAll(async () => {
  ;[table, evaluator] = await Promise.all([loadDemo(), createNodeEvaluator()])
  s0 = await sweep({})
}, 300_000)
afterAll(() => wasm.dispose())

describe('runSweep', () => {
  it('rungs at 1/3 and 2/3 of the budget, then the budget', () => {
    expect(rungEpochs(30)).toEqual([10, 20, 30])
    expect(rungEpochs(3)).toEqual([1, 2, 3])
    expect(rungEpochs(2)).toEqual([1, 2])
    expect(rungEpochs(1)).toEqual([1])
    expect(s0.rungEpochs).toEqual([1, 2, 3])
  })

  it('the same seed gives the same trials (ids, params, states, objectives); another seed others', async () => {
    const again = await sweep({})
    expect(shape(again)).toEqual(shape(s0))
    expect(again.trials.map((t) => t.objective)).toEqual(s0.trials.map((t) => t.objective))
    const other = await sweep({ seed: 1 })
    expect(other.trials.map((t) => t.params)).not.toEqual(s0.trials.map((t) => t.params))
    expect(s0.trials.map((t) => t.id)).toEqual(['t00', 't01', 't02', 't03', 't04', 't05'])
    expect(s0.trials.map((t) => t.round)).toEqual([0, 0, 0, 1, 1, 1])
  }, 300_000)

  it('successive halving: each rung keeps the top ⌈n/η⌉ of the trials measured there; the best trained the full budget', () => {
    for (const t of s0.trials) {
      expect(t.rungs.map((r) => r.epochs)).toEqual(s0.rungEpochs.slice(0, t.rungs.length))
      expect(t.epochs).toBe(t.rungs.at(-1)!.epochs)
      expect(t.objective).toBe(t.rungs.at(-1)!.objective)
      expect(t.state).toBe(t.objective === null ? 'failed' : t.epochs === 3 ? 'complete' : 'pruned')
    }
    // round 1: 3 trials at rung 1, ⌈3/3⌉ = 1 goes on, and on again
    const r0 = s0.trials.filter((t) => t.round === 0)
    expect(r0.filter((t) => t.rungs.length >= 2)).toHaveLength(1)
    const bestAt1 = [...r0].sort((a, b) => b.rungs[0].objective! - a.rungs[0].objective!)[0]
    expect(bestAt1.rungs.length).toBeGreaterThanOrEqual(2)
    const complete = s0.trials.filter((t) => t.state === 'complete')
    expect(complete.length).toBeGreaterThan(0)
    const best = [...complete].sort((a, b) => b.objective! - a.objective!)[0]
    expect(s0.best).toEqual({ id: best.id, params: best.params, objective: best.objective })
  })

  it('prunes a recipe with a tiny learning rate at the first rung', async () => {
    const good = sweepParams('mlp_small', { lr: 1e-2, batchSize: 256, scaler: 'standard', konvid: true })
    const bad = { ...good, lr: 1e-7 }
    const r = await sweep({ trials: 2, roundSize: 2, eta: 2, enqueue: [bad, good] })
    expect(r.trials.map((t) => t.params)).toEqual([bad, good])
    expect(r.trials[0]).toMatchObject({ state: 'pruned', epochs: 1 })
    expect(r.trials[1]).toMatchObject({ state: 'complete', epochs: 3 })
    expect(r.trials[0].objective!).toBeLessThan(r.trials[1].rungs[0].objective!)
    expect(r.best?.id).toBe('t01')
  }, 300_000)

  it('a trial\'s objective is its recipe\'s LOSO experiment: mean PLCC, worst PLCC and mean RMSE over the folds', async () => {
    const t = s0.trials.find((x) => x.state === 'complete')!
    const p = s0.trials.find((x) => x.state === 'pruned')!
    // each recipe alone, as a LOSO experiment of its own at the epochs it reached
    const alone = await conductExperiment(table, rungDesign([t], t.epochs, 0), { trainer: wasm, evaluator })
    const atRung = await conductExperiment(table, rungDesign([p], p.epochs, 0), { trainer: wasm, evaluator })
    for (const [trial, res] of [[t, alone], [p, atRung]] as const) {
      const folds = res.outcomes.filter((o) => o.arm === trial.id)
      expect(folds).toHaveLength(FOLDS)
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length
      expect(trial.objective).toBeCloseTo(mean(folds.map((f) => f.plcc)), 12)
      expect(trialObjective(res, trial.id, 'worst-plcc')).toBe(Math.min(...folds.map((f) => f.plcc)))
      expect(trialObjective(res, trial.id, 'mean-rmse')).toBeCloseTo(mean(folds.map((f) => f.rmse)), 10)
      expect(trialObjective(res, trial.id, 'mean-plcc')).toBe(res.summary.arms[trial.id].mean.plcc)
    }
  }, 300_000)

  it('importance: η² = 1 − within-group / total sum of squares of the first rung\'s objective', () => {
    const v = s0.trials.map((t) => t.rungs[0].objective!)
    const m = v.reduce((s, x) => s + x, 0) / v.length
    const total = v.reduce((s, x) => s + (x - m) ** 2, 0)
    const eta2 = (key: (i: number) => string) => {
      const groups = new Map<string, number[]>()
      v.forEach((x, i) => groups.set(key(i), [...(groups.get(key(i)) ?? []), x]))
      if (groups.size < 2) return null
      let within = 0
      for (const g of groups.values()) {
        const gm = g.reduce((s, x) => s + x, 0) / g.length
        within += g.reduce((s, x) => s + (x - gm) ** 2, 0)
      }
      return 1 - within / total
    }
    expect(Object.keys(s0.importance)).toEqual([...SWEEP_PARAMS])
    const p = (i: number) => s0.trials[i].params
    const near = (a: number | null, b: number | null) => (b === null ? expect(a).toBeNull() : expect(a).toBeCloseTo(b, 10))
    near(s0.importance.arch, eta2((i) => archLabel(p(i))))
    near(s0.importance.batchSize, eta2((i) => String(p(i).batchSize)))
    near(s0.importance.scaler, eta2((i) => p(i).scaler))
    near(s0.importance.konvid, eta2((i) => String(p(i).konvid)))
    // lr: 3 equal-count bins of its rank for 6 trials
    const order = v.map((_, i) => i).sort((a, b) => p(a).lr - p(b).lr)
    near(s0.importance.lr, eta2((i) => String(Math.floor(order.indexOf(i) / 2))))
  })
})
