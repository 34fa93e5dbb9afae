// Scores of predictions on some rows, per source the way the Evaluate tab groups them (nflx rows by
// source, konvid clips pooled), with the mean ± std across sources.
import { gather } from '../data/gather.ts'
import type { CodeArray, TableView } from '../data/table.ts'
import { groupMetrics, groupRows, type GroupMetrics } from '../metrics/index.ts'

const pick = <T extends Float32Array | CodeArray>(values: T, rows: Uint32Array | null): T => (rows ? gather(values, rows) : values)

/** `pred` holds one prediction per row of `rows` (all rows when null), in that order. */
export function sourceMetrics(table: TableView, rows: Uint32Array | null, pred: Float32Array): GroupMetrics {
  const groups = groupRows(table, 'source')
  return groupMetrics(pred, pick(table.target(), rows), pick(groups.codes, rows), groups.names, { notInSummary: groups.pooled })
}
