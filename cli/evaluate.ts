// Evaluating a model on (some of) the loaded rows with an Evaluator (onnxruntime-node here), and
// the per-source metrics the app's Evaluate tab shows: nflx rows by source, konvid clips pooled.
import { gather } from '../src/data/gather.ts'
import type { TableView } from '../src/data/table.ts'
import { groupMetrics, groupRows, type GroupMetrics } from '../src/metrics/index.ts'
import type { Evaluator, OnnxModelSource } from '../src/onnx/evaluator.ts'

export interface RowsEvaluation {
  pred: Float32Array
  ep: string
  epReason: string
  inferenceMs: number
  metrics: GroupMetrics
  rows: number
}

const pick = <T extends Float32Array | Uint32Array>(values: T, rows: Uint32Array | null): T => (rows ? gather(values, rows) : values)

/** Predict `rows` (all rows when null) and score them per source. */
export async function evaluateRows(
  evaluator: Evaluator,
  model: OnnxModelSource,
  table: TableView,
  features: readonly string[],
  rows: Uint32Array | null,
): Promise<RowsEvaluation> {
  const n = rows ? rows.length : table.rows
  const x = table.matrix(features, rows ?? undefined)
  const out = await evaluator.run(model, x, n, features.length)
  const groups = groupRows(table, 'source')
  const metrics = groupMetrics(out.pred, pick(table.target(), rows), pick(groups.codes, rows), groups.names, { notInSummary: groups.pooled })
  return { pred: out.pred, ep: out.ep, epReason: out.epReason, inferenceMs: out.inferenceMs, metrics, rows: n }
}

/** The contract's metrics block: per source and all rows. */
export const contractMetrics = (m: GroupMetrics) => ({ per_source: m.per_source, all: m.all })
