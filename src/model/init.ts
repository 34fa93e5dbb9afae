// torch.nn.Linear's default initialisation, drawn from a TorchGenerator in the same order as
// PyTorch builds the layers: for each layer, the weight (kaiming_uniform_ with a = √5) then the bias.
import { TorchGenerator } from '../base/prng.ts'
import type { ModelParams } from './params.ts'

/** The bound kaiming_uniform_(a=√5) uses, computed with the same double-precision steps as torch.nn.init. */
function kaimingBound(fanIn: number): number {
  const a = Math.sqrt(5)
  const gain = Math.sqrt(2.0 / (1 + a ** 2))
  const std = gain / Math.sqrt(fanIn)
  return Math.sqrt(3.0) * std
}

/** Initialise all layers from `gen`, advancing it exactly as PyTorch would. */
export function initParamsFrom(widths: readonly number[], gen: TorchGenerator): ModelParams {
  const layers = []
  for (let l = 0; l + 1 < widths.length; l++) {
    const fanIn = widths[l]
    const fanOut = widths[l + 1]
    const wb = kaimingBound(fanIn)
    const W = gen.uniform(new Float32Array(fanIn * fanOut), -wb, wb)
    const bb = 1 / Math.sqrt(fanIn)
    const b = gen.uniform(new Float32Array(fanOut), -bb, bb)
    layers.push({ W, b })
  }
  return { widths: [...widths], layers }
}

/** torch.manual_seed(seed); model = MLP(widths) — the initial weights. */
export function initParams(widths: readonly number[], seed: number): ModelParams {
  return initParamsFrom(widths, new TorchGenerator(seed))
}
