// Which kernel trains a model: the unrolled small kernel when the architecture fits 8→16→8→1 and
// the device has subgroups; otherwise the tiled kernel (GPUs) when the model fits its workgroup
// memory and lanes; otherwise the generic 'any' kernel.
import { TILED_BLOCKS_PER_LANE, type KernelName } from './abi.ts'
import { fitsSmall, modelLayout } from './layout.ts'
import { blockShape, scratchShape } from './modelTable.ts'
import type { EnginePipelines } from './pipelines.ts'

/** Samples per tile the tiled kernel runs for `widths` (0: the model does not fit). */
export function tiledSamples(widths: readonly number[], tiled: { wg: number; wgmVec4: number }): number {
  const lay = modelLayout(widths)
  const { T4 } = scratchShape(lay)
  if (blockShape(lay).count > TILED_BLOCKS_PER_LANE * tiled.wg) return 0
  return Math.max(0, Math.min(tiled.wg, Math.floor((tiled.wgmVec4 - lay.P4) / T4)))
}

/** Which kernel trains a job's architecture (exposed for tests and the benchmark). */
export function kernelFor(widths: readonly number[], pipes: EnginePipelines): KernelName {
  if (pipes.small && fitsSmall(widths)) return 'small'
  if (pipes.tiled && tiledSamples(widths, pipes.tiled) > 0) return 'tiled'
  return 'any'
}
