// Typed access to ../shared/fixtures/torch_parity/*.json (PyTorch trajectories).
import { readJson } from './shared.ts'

export interface FixtureLayer {
  W: number[][]
  b: number[]
}

export interface TorchFixture {
  arch: string
  widths: number[]
  lr: number
  betas: [number, number]
  eps: number
  batch_size: number
  features: string[]
  x: number[][]
  y: number[]
  scaler: { mean: number[]; std: number[] }
  init: FixtureLayer[]
  pred_init_first32: number[]
  batches: number[][]
  grads_step1: FixtureLayer[]
  steps: { step: number; batch_size: number; loss: number; params_after?: FixtureLayer[] }[]
}

export const FIXTURES = ['linear', 'mlp_small', 'mlp_medium', 'mlp_large'] as const

export function loadTorchFixture(name: string): TorchFixture {
  return readJson<TorchFixture>('fixtures', 'torch_parity', `${name}.json`)
}

/** Flatten fixture layers into the torch parameter order (W0, b0, W1, b1, …). */
export function flattenFixture(layers: FixtureLayer[]): Float64Array {
  const out: number[] = []
  for (const l of layers) {
    for (const row of l.W) out.push(...row)
    out.push(...l.b)
  }
  return Float64Array.from(out)
}
