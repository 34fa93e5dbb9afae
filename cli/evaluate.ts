// Evaluating a model on (some of) the loaded rows with an Evaluator (onnxruntime-node here), and
// the per-source metrics the app's Evaluate tab shows: nflx rows by source, konvid clips pooled.
import type { TableView } from '../src/data/table.ts'
import { sourceMetrics } from '../src/experiment/sourceMetrics.ts'
import type { GroupMetrics } from '../src/metrics/index.ts'
import type { Evaluator, OnnxModelSource } from '../src/onnx/evaluator.ts'

export interface RowsEvaluation {
  pred: Float32Array
  ep: string
  epReason: string
  inferenceMs: number
  metrics: GroupMetrics
  rows: number
}

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
  return { pred: out.pred, ep: out.ep, epReason: out.epReason, inferenceMs: out.inferenceMs, metrics: sourceMetrics(table, rows, out.pred), rows: n }
}

/** The contract's metrics block: per source and all rows. */
export const contractMetrics = (m: GroupMetrics) => ({ per_source: m.per_source, all: m.all })
