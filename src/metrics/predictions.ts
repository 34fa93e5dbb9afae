// Per-frame predictions as a table users take to notebooks: one row per evaluated frame with its
// source, clip key, frame index, the target (`vmaf`) and one predicted column per model —
// `predicted` for one model, `predicted_<model>` for each when several are compared. Rows are the
// table's rows (all of them, or the given ones) in table order. The writers (CSV, parquet) are in
// predictionsOut.ts.
import type { CodeArray, TableView } from '../data/table.ts'

export interface ModelPredictions {
  /** the model's name (for the column name when several models are compared) */
  name: string
  /** one prediction per evaluated row, in the order of the rows */
  pred: Float32Array
}

export interface PredictionTable {
  rows: number
  sourceNames: readonly string[]
  /** per row: code into sourceNames */
  source: CodeArray
  keyNames: readonly string[]
  /** per row: code into keyNames */
  key: CodeArray
  /** -1 where the file had no frame_index */
  frameIndex: Int32Array
  /** the target's column name (`vmaf` unless the table was loaded with another target) */
  targetName: string
  target: Float32Array
  predicted: { column: string; values: Float32Array }[]
}

export class PredictionTableError extends Error {
  override name = 'PredictionTableError'
}

/** `predicted` for one model; `predicted_<name>` (letters, digits, _ . -; made unique) for several. */
export function predictionColumns(names: readonly string[]): string[] {
  if (names.length === 1) return ['predicted']
  const used = new Set<string>()
  return names.map((n) => {
    const base = `predicted_${n.replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '_')}`
    let name = base
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`
    used.add(name)
    return name
  })
}

function pick<T extends CodeArray | Float32Array>(values: T, rows: Uint32Array | null): T {
  if (!rows) return values
  const out = new (values.constructor as new (n: number) => T)(rows.length)
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]]
  return out
}

/** The predictions of `models` on `rows` of `table` (all rows when null), as one table. */
export function predictionTable(table: TableView, models: readonly ModelPredictions[], rows: Uint32Array | null = null): PredictionTable {
  if (models.length === 0) throw new PredictionTableError('no model predictions to write')
  const n = rows ? rows.length : table.rows
  for (const m of models)
    if (m.pred.length !== n) throw new PredictionTableError(`${m.name}: ${m.pred.length} predictions for ${n} evaluated rows`)
  const columns = predictionColumns(models.map((m) => m.name))
  return {
    rows: n,
    sourceNames: table.sourceNames,
    source: pick(table.sourceCodes(), rows),
    keyNames: table.keyNames,
    key: pick(table.keyCodes(), rows),
    frameIndex: table.frameIndex(rows ?? undefined),
    targetName: table.targetName,
    target: pick(table.target(), rows),
    predicted: models.map((m, i) => ({ column: columns[i], values: m.pred })),
  }
}
