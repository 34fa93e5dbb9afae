// The drift check every evaluation runs: the data's features measured in σ of the scaler inside
// the model's graph (src/onnx/graphScaler.ts, src/metrics/drift.ts). A model that feeds raw
// features has no σ to measure in: its drift is null, with the reason.
import type { TableView } from '../data/table.ts'
import { featureDrift, type Drift } from '../metrics/drift.ts'
import { graphScaler } from '../onnx/graphScaler.ts'
import type { OnnxInfo } from '../onnx/inspect.ts'

export type ModelDrift = { drift: Drift; reason?: undefined } | { drift: null; reason: string }

export interface ModelDriftInput {
  info: OnnxInfo
  externalData?: ReadonlyMap<string, Uint8Array>
  /** the model's features, in its input order */
  features: readonly string[]
  table: TableView
  /** the evaluated rows; all rows when absent */
  rows?: ArrayLike<number>
}

/** Each feature's drift from the model's scaler on the evaluated rows, or null and why. */
export function modelDrift(input: ModelDriftInput): ModelDrift {
  const s = graphScaler(input.info, input.externalData)
  if (!s.scaler) return { drift: null, reason: s.reason }
  if (s.scaler.mean.length !== input.features.length)
    return { drift: null, reason: `the graph's scaler has ${s.scaler.mean.length} values for ${input.features.length} features` }
  const columns = input.features.map((f) => input.table.feature(f))
  return { drift: featureDrift({ columns, names: input.features, scaler: s.scaler, rows: input.rows }) }
}
