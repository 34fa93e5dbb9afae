// The MODELS table: what each workgroup needs to know about its model for one epoch. It is built on
// the CPU and rewritten every epoch (it is small: headers, Adam constants per step, scalers):
//   [headers: HEADER_U32 per model][architecture blocks: ARCH_U32 per model][scalers][Adam tables]
// The header and architecture layouts are declared in abi.ts, which also generates their WGSL.
import type { Scaler } from '../model/scaler.ts'
import { archOffset, ARCH_U32, floatBits, writeHeader, type HeaderValues } from './abi.ts'
import type { ModelLayout } from './layout.ts'

/** A model's header for one epoch, as the host knows it (abi.ts turns it into the u32 slots). */
export interface EpochHeader extends Omit<HeaderValues, 'enabled' | 'normFull' | 'normLast'> {
  enabled: boolean
}

/** Write `h` as model `model`'s header, with the MSE gradient's norms for full and last batches. */
export function writeEpochHeader(table: Uint32Array, model: number, h: EpochHeader): void {
  const last = h.nRows - (h.steps - 1) * h.batch
  writeHeader(table, model, {
    ...h,
    enabled: h.enabled ? 1 : 0,
    // torch: mse_loss_backward's norm = 2 / numel in float64, cast to float32
    normFull: 2 / h.batch,
    normLast: 2 / (h.steps > 0 ? last : h.batch),
  })
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

export function writeArch(table: Uint32Array, at: number, lay: ModelLayout): void {
  const L = lay.widths.length - 1
  const { aOff, dOff, T4 } = scratchShape(lay)
  table.fill(0, at, at + ARCH_U32)
  table[at + archOffset('L')] = L
  for (let l = 0; l <= L; l++) table[at + archOffset('IN4') + l] = lay.in4[l]
  for (let l = 0; l < L; l++) {
    table[at + archOffset('POFF') + l] = lay.pOff[l]
    table[at + archOffset('AOFF') + l] = aOff[l]
  }
  for (let l = 1; l <= L; l++) table[at + archOffset('DOFF') + l] = dOff[l]
  table[at + archOffset('T4')] = T4
  table[at + archOffset('P4')] = lay.P4
  const { first, count } = blockShape(lay)
  for (let l = 0; l < L; l++) table[at + archOffset('BOFF') + l] = first[l]
  table[at + archOffset('NB')] = count
}

/**
 * The parameter blocks one lane updates (tiled kernel): per hidden layer out4 × in4 weight blocks
 * then out4 bias vec4; the output layer's in4 weight vec4 then its bias. First block per layer, and
 * the total.
 */
export function blockShape(lay: ModelLayout): { first: number[]; count: number } {
  const L = lay.widths.length - 1
  const first: number[] = []
  let n = 0
  for (let l = 0; l < L; l++) {
    first.push(n)
    n += l + 1 < L ? lay.in4[l + 1] * lay.in4[l] + lay.in4[l + 1] : lay.in4[l] + 1
  }
  return { first, count: n }
}

/**
 * The scaler as three rows of f4 vec4: mean (high part), mean (low part), std. mean_hi + mean_lo
 * is the float64 mean to ~48 bits, so the kernel's ((x − hi) − lo) / std stays within an ulp or
 * two of the recipe's float64 (x − mean) / std. Padded features and the raw recipe get (0, 0, 1).
 */
export function writeScaler(table: Uint32Array, at: number, scaler: Scaler | null, nFeatures: number, f4: number): void {
  const n = f4 * 4
  for (let f = 0; f < n; f++) {
    const real = scaler !== null && f < nFeatures
    const mean = real ? scaler.mean[f] : 0
    const hi = Math.fround(mean)
    table[at + f] = floatBits(hi)
    table[at + n + f] = floatBits(mean - hi)
    table[at + 2 * n + f] = floatBits(real ? scaler.std[f] : 1)
  }
}

export const SCALER_U32 = (f4: number) => 12 * f4

/**
 * Adam's per-step constants for steps t = t0+1 … t0+steps, as torch computes them: Python floats
 * (float64), then rounded to float32 by the tensor ops: step_size = lr / (1 − β1^t) and
 * √(1 − β2^t). Written as (step_size, bc2_sqrt) float pairs.
 */
export function writeAdamTable(table: Uint32Array, at: number, lr: number, t0: number, steps: number): void {
  for (let i = 0; i < steps; i++) {
    const t = t0 + i + 1
    table[at + 2 * i] = floatBits(lr / (1 - 0.9 ** t))
    table[at + 2 * i + 1] = floatBits(Math.sqrt(1 - 0.999 ** t))
  }
}
