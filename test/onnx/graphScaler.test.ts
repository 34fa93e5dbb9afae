// The scaler at a graph's input: the published v2–v4 and the dynamic-int8 v4 carry their sidecar's
// input_mean/input_std (as float32); our export carries the fitted scaler; v1 and a raw export
// have none, and say so.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { exportOnnx, graphScaler, inspectOnnx, parseSidecar } from '../../src/onnx/index.ts'
import { readModelFile } from '../../src/node/ortNode.ts'
import { sharedPath } from '../helpers/shared.ts'
import { fixtureModels } from './models.ts'

const f32 = (a: number[]) => Array.from(Float32Array.from(a))

describe('graphScaler', () => {
  it('reads the published models\' Sub/Div constants: the sidecar\'s input_mean and input_std', () => {
    for (const [file, side] of [['vmaf_tiny_v2.onnx', 'vmaf_tiny_v2.json'], ['vmaf_tiny_v4.onnx', 'vmaf_tiny_v4.json'], ['vmaf_tiny_v4.int8.onnx', 'vmaf_tiny_v4.json']]) {
      const s = graphScaler(inspectOnnx(readFileSync(sharedPath('upstream-models', file)), file))
      const card = parseSidecar(readFileSync(sharedPath('upstream-models', side), 'utf8'), side)
      expect(s.scaler, file).toEqual({ mean: f32(card.input_mean!), std: f32(card.input_std!) })
    }
  })

  it('reads our export\'s scaler; raw models have none, with the reason', async () => {
    const models = await fixtureModels()
    const std = models.find((m) => m.id === 'mlp_small_std')!
    expect(graphScaler(inspectOnnx(exportOnnx(std))).scaler).toEqual({ mean: f32(std.scaler!.mean), std: f32(std.scaler!.std) })
    const raw = models.find((m) => m.id === 'mlp_small_raw')!
    const none = graphScaler(inspectOnnx(exportOnnx(raw)))
    expect(none).toEqual({ scaler: null, reason: 'the graph feeds its input unscaled (no Sub(mean)/Div(std) at the input): a raw-feature model' })
    const v1 = await readModelFile(sharedPath('upstream-models', 'vmaf_tiny_v1.onnx'))
    expect(graphScaler(inspectOnnx(v1.bytes), new Map(v1.externalData!.map((d) => [d.path, d.data]))).scaler).toBe(null)
  })
})
