// The WebAssembly SIMD trainer against PyTorch trajectories (../shared/fixtures/torch_parity),
// with the tolerances the CPU reference's test uses (test/model/trainCpu.test.ts): same init,
// scaler and batch order → same weights after every recorded step, same losses. Its sums run
// in float32 in a different order than the reference's float64 ones (src/cpu/README.md), so
// this is the check that the order does not matter at these tolerances.
import { describe, expect, it } from 'vitest'
import { kernelSource } from '../../src/cpu/kernelSource.ts'
import { WasmTrainer } from '../../src/cpu/trainer.ts'
import { flattenParams } from '../../src/model/params.ts'
import type { EpochEvent } from '../../src/model/contract.ts'
import { FIXTURES, flattenFixture, loadTorchFixture } from '../helpers/torchFixture.ts'
import { compare, fixtureData, REL, replayJob } from '../helpers/replay.ts'

const report: string[] = []

describe('WebAssembly trainer matches PyTorch step for step', () => {
  for (const name of [...FIXTURES, 'mlp_small_long']) {
    it(name, async () => {
      const fx = loadTorchFixture(name)
      const events: EpochEvent[] = []
      const [res] = await new WasmTrainer({ workers: 0 }).train(fixtureData(fx), [replayJob(fx)], { onEpoch: (ev) => events.push(ev) })
      expect(res.status).toBe('done')
      expect(events.length).toBe(fx.steps.length)
      let worst = { ratio: 0, maxAbs: 0 }
      let lossWorst = 0
      let checked = 0
      for (const s of fx.steps) {
        const ev = events[s.step - 1]
        expect(ev.checkpoint.step).toBe(s.step)
        lossWorst = Math.max(lossWorst, Math.abs(ev.trainLoss - s.loss) / Math.abs(s.loss))
        if (!s.params_after) continue
        const c = compare(ev.checkpoint.params, flattenFixture(s.params_after))
        if (c.ratio > worst.ratio) worst = c
        checked++
      }
      expect(checked).toBeGreaterThan(0)
      report.push(`${name}: ${checked} checked steps, params max |err| ${worst.maxAbs.toExponential(2)} (tolerance used ${(worst.ratio * 100).toFixed(1)}%), loss max rel err ${lossWorst.toExponential(2)}`)
      expect(worst.ratio).toBeLessThanOrEqual(1)
      expect(lossWorst).toBeLessThanOrEqual(REL)
      const final = fx.steps[fx.steps.length - 1].params_after!
      expect(compare(flattenParams(res.params), flattenFixture(final)).ratio).toBeLessThanOrEqual(1)
    })
  }

  it('prints the parity report', () => {
    console.log(`WebAssembly trainer parity vs PyTorch\n  ${report.join('\n  ')}`)
  })
})

describe('the generated modules', () => {
  it('are valid WebAssembly, and the same architecture always gives the same bytes', () => {
    for (const widths of [[6, 1], [6, 16, 8, 1], [6, 64, 32, 1], [6, 64, 32, 16, 1], [7, 5, 3, 2, 9, 1]]) {
      const a = kernelSource(widths, 256).bytes
      expect(WebAssembly.validate(a as Uint8Array<ArrayBuffer>)).toBe(true)
      expect(kernelSource(widths, 256).bytes).toEqual(a)
      expect(kernelSource(widths, 100).bytes).not.toEqual(a)
    }
  })
})
