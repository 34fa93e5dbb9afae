// The engine's CPU-side layouts: parameters padded into vec4/mat4x4 blocks (and back), the MODELS
// records the shaders read. GPU behaviour itself is tested in e2e/engine.spec.ts.
import { describe, expect, it } from 'vitest'
import { fitsSmall, layoutFor, modelLayout, pack, unpack } from '../../src/engine/layout.ts'
import { floatBits } from '../../src/engine/abi.ts'
import { scratchShape, writeAdamTable, writeScaler } from '../../src/engine/modelTable.ts'
import { paramCount } from '../../src/model/arch.ts'

const WIDTHS = [[6, 1], [6, 16, 8, 1], [3, 16, 8, 1], [6, 64, 32, 1], [6, 64, 32, 16, 1], [9, 5, 7, 6, 3, 1], [128, 128, 1]]

describe('padded parameter layout', () => {
  it('pack then unpack gives back every parameter, and padding holds zeros only', () => {
    for (const w of WIDTHS) {
      for (const kind of fitsSmall(w) ? (['small', 'any'] as const) : (['any'] as const)) {
        const lay = layoutFor(kind, w)
        const flat = Float32Array.from({ length: paramCount(w) }, (_, i) => i + 1)
        const padded = pack(lay, flat)
        expect(padded.length).toBe(lay.P4 * 4)
        expect(Array.from(unpack(lay, padded))).toEqual(Array.from(flat))
        // each parameter lands in its own slot; everything else is zero
        expect(new Set(lay.index).size).toBe(flat.length)
        expect(padded.filter((v) => v !== 0).length).toBe(flat.length)
      }
    }
  })

  it('the small kernel stores 8→16→8→1 as 73 vec4, the block order the shader indexes', () => {
    const lay = layoutFor('small', [6, 16, 8, 1])
    expect(lay.P4).toBe(73)
    expect(lay.pOff).toEqual([0, 36, 70])
    // W0[o=5][i=2] → block [ob=1][ib=0] (vec4 (1·2+0)·4 + column 2), row 1
    const flat = new Float32Array(paramCount([6, 16, 8, 1]))
    flat[5 * 6 + 2] = 1
    expect(pack(lay, flat).indexOf(1)).toBe(((1 * 2 + 0) * 4 + 2) * 4 + 1)
    // the output bias is the .x of the last vec4
    flat.fill(0)
    flat[flat.length - 1] = 7
    expect(pack(lay, flat).indexOf(7)).toBe(72 * 4)
  })

  it('fitsSmall: two hidden layers within 16 and 8, at most 8 features', () => {
    expect(fitsSmall([6, 16, 8, 1])).toBe(true)
    expect(fitsSmall([8, 12, 3, 1])).toBe(true)
    expect(fitsSmall([9, 16, 8, 1])).toBe(false)
    expect(fitsSmall([6, 17, 8, 1])).toBe(false)
    expect(fitsSmall([6, 16, 1])).toBe(false)
    expect(fitsSmall([6, 64, 32, 1])).toBe(false)
  })

  it('scratch slots hold each layer input then each error term', () => {
    expect(scratchShape(modelLayout([6, 64, 32, 1]))).toEqual({ aOff: [0, 2, 18], dOff: [0, 26, 42, 50], T4: 51 })
  })
})

describe('MODELS table', () => {
  it("Adam's per-step constants are torch's float64 values rounded to float32", () => {
    const plan = new Uint32Array(6)
    writeAdamTable(plan, 0, 1e-3, 9, 3)
    for (let i = 0; i < 3; i++) {
      const t = 10 + i
      expect(plan[2 * i]).toBe(floatBits(1e-3 / (1 - 0.9 ** t)))
      expect(plan[2 * i + 1]).toBe(floatBits(Math.sqrt(1 - 0.999 ** t)))
    }
  })

  it('the scaler mean is split into float32 high and low parts that add up to the float64 mean', () => {
    const plan = new Uint32Array(24)
    writeScaler(plan, 0, { mean: [0.1, 6.926426085710525], std: [0.3, 4.3] }, 2, 2)
    const f = new Float32Array(plan.buffer)
    expect(f[0] + f[8]).toBeCloseTo(0.1, 15)
    expect(Math.abs(f[1] + f[9] - 6.926426085710525)).toBeLessThan(1e-13)
    expect(f[2]).toBe(0) // padded feature: (x − 0 − 0) / 1
    expect(f[18]).toBe(1)
    expect(f[17]).toBe(Math.fround(4.3))
  })
})
