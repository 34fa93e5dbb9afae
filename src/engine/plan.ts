// The PLAN buffer: what each workgroup needs to know about its model for one epoch. It is built on
// the CPU and rewritten every epoch (it is small: headers, Adam constants per step, scalers):
//   [headers: 16 u32 per model][architecture blocks: 32 u32 per model][scalers][Adam tables]
// The header and architecture layouts are mirrored by `Header` / `A_*` in the shaders.
import type { Scaler } from '../model/scaler.ts'
import type { ModelLayout } from './layout.ts'

export const HEADER_U32 = 16
export const ARCH_U32 = 32

export interface HeaderFields {
  rowOff: number
  nRows: number
  batch: number
  steps: number
  tabOff: number
  stateOff: number
  outOff: number
  valOff: number
  nVal: number
  enabled: boolean
  archOff: number
  scalerOff: number
  f4: number
  scratchOff: number
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
/** The bits of fround(x), to store a float in the u32 PLAN. */
export function floatBits(x: number): number {
  f32[0] = x
  return u32[0]
}

export function writeHeader(plan: Uint32Array, model: number, h: HeaderFields): void {
  const o = model * HEADER_U32
  plan[o] = h.rowOff
  plan[o + 1] = h.nRows
  plan[o + 2] = h.batch
  plan[o + 3] = h.steps
  plan[o + 4] = h.tabOff
  plan[o + 5] = h.stateOff
  plan[o + 6] = h.outOff
  plan[o + 7] = h.valOff
  plan[o + 8] = h.nVal
  plan[o + 9] = h.enabled ? 1 : 0
  plan[o + 10] = h.archOff
  plan[o + 11] = h.scalerOff
  plan[o + 12] = h.f4
  // torch: mse_loss_backward's norm = 2 / numel in float64, cast to float32
  plan[o + 13] = floatBits(2 / h.batch)
  const last = h.nRows - (h.steps - 1) * h.batch
  plan[o + 14] = floatBits(2 / (h.steps > 0 ? last : h.batch))
  plan[o + 15] = h.scratchOff
}

/** Per-sample scratch of the 'any' kernel: activations a_0..a_{L-1}, then error terms δ_1..δ_L. */
export function scratchShape(lay: ModelLayout): { aOff: number[]; dOff: number[]; T4: number } {
  const L = lay.widths.length - 1
  const aOff: number[] = []
  let o = 0
  for (let l = 0; l < L; l++) {
    aOff.push(o)
    o += lay.in4[l]
  }
  const dOff: number[] = [0]
  for (let l = 1; l <= L; l++) {
    dOff.push(o)
    o += lay.in4[l]
  }
  return { aOff, dOff, T4: o }
}

export function writeArch(plan: Uint32Array, at: number, lay: ModelLayout): void {
  const L = lay.widths.length - 1
  const { aOff, dOff, T4 } = scratchShape(lay)
  plan.fill(0, at, at + ARCH_U32)
  plan[at] = L
  for (let l = 0; l <= L; l++) plan[at + 1 + l] = lay.in4[l]
  for (let l = 0; l < L; l++) {
    plan[at + 7 + l] = lay.pOff[l]
    plan[at + 12 + l] = aOff[l]
  }
  for (let l = 1; l <= L; l++) plan[at + 17 + l] = dOff[l]
  plan[at + 23] = T4
  plan[at + 24] = lay.P4
}

/**
 * The scaler as three rows of f4 vec4: mean (high part), mean (low part), std. mean_hi + mean_lo
 * is the float64 mean to ~48 bits, so the kernel's ((x − hi) − lo) / std stays within an ulp or
 * two of the recipe's float64 (x − mean) / std. Padded features and the raw recipe get (0, 0, 1).
 */
export function writeScaler(plan: Uint32Array, at: number, scaler: Scaler | null, nFeatures: number, f4: number): void {
  const n = f4 * 4
  for (let f = 0; f < n; f++) {
    const real = scaler !== null && f < nFeatures
    const mean = real ? scaler.mean[f] : 0
    const hi = Math.fround(mean)
    plan[at + f] = floatBits(hi)
    plan[at + n + f] = floatBits(mean - hi)
    plan[at + 2 * n + f] = floatBits(real ? scaler.std[f] : 1)
  }
}

export const SCALER_U32 = (f4: number) => 12 * f4

/**
 * Adam's per-step constants for steps t = t0+1 … t0+steps, as torch computes them: Python floats
 * (float64), then rounded to float32 by the tensor ops: step_size = lr / (1 − β1^t) and
 * √(1 − β2^t). Written as (step_size, bc2_sqrt) float pairs.
 */
export function writeAdamTable(plan: Uint32Array, at: number, lr: number, t0: number, steps: number): void {
  for (let i = 0; i < steps; i++) {
    const t = t0 + i + 1
    plan[at + 2 * i] = floatBits(lr / (1 - 0.9 ** t))
    plan[at + 2 * i + 1] = floatBits(Math.sqrt(1 - 0.999 ** t))
  }
}
