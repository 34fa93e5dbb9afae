// Which kernel trains which model, and the tile sizes the tiled kernel gets from the workgroup
// memory (the numbers src/engine/README.md quotes).
import { describe, expect, it } from 'vitest'
import { TILED_BLOCKS_PER_LANE } from '../../src/engine/abi.ts'
import { kernelFor, tiledSamples } from '../../src/engine/kernelChoice.ts'
import { modelLayout } from '../../src/engine/layout.ts'
import { blockShape, scratchShape } from '../../src/engine/modelTable.ts'
import type { EnginePipelines } from '../../src/engine/pipelines.ts'

const MEDIUM = [6, 64, 32, 1]
const LARGE = [6, 64, 32, 16, 1]
/** vec4 of workgroup memory for 64 lanes with 32 KiB and with 16 KiB (pipelines.ts's formula). */
const wgm = (bytes: number) => Math.floor((bytes - 8 * 64) / 16)

describe('tiled kernel sizing', () => {
  it('parameters, scratch slot and blocks of mlp_medium and mlp_large', () => {
    const shape = (w: number[]) => [modelLayout(w).P4, scratchShape(modelLayout(w)).T4, blockShape(modelLayout(w)).count]
    expect(shape(MEDIUM)).toEqual([673, 51, 193])
    expect(shape(LARGE)).toEqual([801, 59, 225])
  })

  it('tiles of 26 and 20 samples with 32 KiB, 6 and 3 with 16 KiB; none when the model does not fit', () => {
    expect(tiledSamples(MEDIUM, { wg: 64, wgmVec4: wgm(32768) })).toBe(26)
    expect(tiledSamples(LARGE, { wg: 64, wgmVec4: wgm(32768) })).toBe(20)
    expect(tiledSamples(MEDIUM, { wg: 64, wgmVec4: wgm(16384) })).toBe(6)
    expect(tiledSamples(LARGE, { wg: 64, wgmVec4: wgm(16384) })).toBe(3)
    expect(tiledSamples([6, 16, 8, 1], { wg: 64, wgmVec4: wgm(32768) })).toBe(64) // capped at one sample per lane
    expect(tiledSamples([6, 128, 128, 1], { wg: 64, wgmVec4: wgm(32768) })).toBe(0) // parameters alone exceed it
    // more blocks than the lanes can own
    expect(blockShape(modelLayout(LARGE)).count).toBeGreaterThan(TILED_BLOCKS_PER_LANE * 32)
    expect(tiledSamples(LARGE, { wg: 32, wgmVec4: 100_000 })).toBe(0)
  })

  it('kernelFor: small first, then tiled where it fits, else any', () => {
    const pipes = (tiled: boolean, small: boolean) =>
      ({ small: small ? {} : null, any: {}, tiled: tiled ? { wg: 64, wgmVec4: wgm(32768) } : null }) as unknown as EnginePipelines
    expect(kernelFor([6, 16, 8, 1], pipes(true, true))).toBe('small')
    expect(kernelFor([6, 16, 8, 1], pipes(true, false))).toBe('tiled')
    expect(kernelFor(MEDIUM, pipes(true, true))).toBe('tiled')
    expect(kernelFor(MEDIUM, pipes(false, true))).toBe('any')
    expect(kernelFor([6, 128, 128, 1], pipes(true, true))).toBe('any')
  })
})
