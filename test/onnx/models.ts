// TrainedModels for the export tests: every named architecture from torch-exact init weights,
// with a scaler fitted on demo rows or raw, and one with real trained weights (vmaf_tiny_v2's).
import { readFileSync } from 'node:fs'
import { archSpec, type NamedArch } from '../../src/model/arch.ts'
import { initParams } from '../../src/model/init.ts'
import type { ModelParams } from '../../src/model/params.ts'
import { fitScaler, type Scaler } from '../../src/model/scaler.ts'
import { unknownSplit } from '../../src/model/splitRecord.ts'
import type { TrainedModel } from '../../src/model/trained.ts'
import { extractMlp, inspectOnnx } from '../../src/onnx/index.ts'
import { sharedPath } from '../helpers/shared.ts'
import { demoSample } from './demo.ts'
import { columnsOf } from '../../src/model/trainData.ts'

export function trainedModel(id: string, params: ModelParams, scaler: Scaler | null, arch: NamedArch | 'custom' = 'custom'): TrainedModel {
  return {
    id,
    createdAt: '2025-01-01T00:00:00.000Z',
    arch: { name: arch, widths: params.widths },
    features: ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2'],
    params,
    scaler,
    training: {
      seed: 0,
      epochs: 3,
      batchSize: 256,
      lr: 1e-3,
      scalerMode: scaler ? 'standard' : 'raw',
      split: unknownSplit('test fixture: no training'),
      inputFiles: [{ name: 'nflx_like.parquet', sha256: '0'.repeat(64), rows: 10800 }],
      trainRows: 1000,
      valRows: 0,
      steps: 12,
      trainLoss: [100, 50, 25],
      valLoss: [NaN, NaN, NaN],
      device: 'test',
      wallMs: 1,
    },
  }
}

export async function fixtureModels(): Promise<TrainedModel[]> {
  const demo = await demoSample(1000)
  const scaler = fitScaler(columnsOf(demo.x, 6), Uint32Array.from({ length: demo.rows }, (_, i) => i))
  const out: TrainedModel[] = []
  for (const name of ['linear', 'mlp_small', 'mlp_medium', 'mlp_large'] as const) {
    const spec = archSpec(name, 6)
    out.push(trainedModel(`${name}_std`, initParams(spec.widths, 1), scaler, name))
    out.push(trainedModel(`${name}_raw`, initParams(spec.widths, 2), null, name))
  }
  out.push(v2Model())
  return out
}

/** vmaf_tiny_v2's trained weights and scaler, as a TrainedModel. */
export function v2Model(): TrainedModel {
  const bytes = new Uint8Array(readFileSync(sharedPath('upstream-models', 'vmaf_tiny_v2.onnx')))
  const m = extractMlp(inspectOnnx(bytes, 'vmaf_tiny_v2.onnx'))
  return trainedModel('vmaf_tiny_v2_reexport', m.params, m.scaler, 'mlp_small')
}
