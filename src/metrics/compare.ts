// Several models side by side on the same rows: per group (and all rows) their PLCC, SROCC and
// RMSE, with the best value of each metric in each row marked (highest correlation, lowest RMSE).
import type { GroupMetrics, MetricName } from './group.ts'

export const COMPARE_METRICS: readonly MetricName[] = ['plcc', 'srocc', 'rmse']

export interface CompareCell {
  value: number
  best: boolean
}

export interface CompareRow {
  /** a group name, or "all rows" */
  group: string
  /** per model (in input order), per metric */
  cells: Record<MetricName, CompareCell>[]
}

const higherIsBetter = (m: MetricName) => m !== 'rmse'

export const ALL_ROWS = 'all rows'

export function compareModels(results: readonly GroupMetrics[]): CompareRow[] {
  const groups: string[] = []
  for (const r of results) for (const g of Object.keys(r.per_source)) if (!groups.includes(g)) groups.push(g)
  const rows = [...groups, ALL_ROWS].map((group) => {
    const ms = results.map((r) => (group === ALL_ROWS ? r.all : r.per_source[group]))
    const cells = ms.map(() => ({}) as Record<MetricName, CompareCell>)
    for (const k of COMPARE_METRICS) {
      const vals = ms.map((m) => (m ? m[k] : NaN))
      const finite = vals.filter(Number.isFinite)
      const best = finite.length ? (higherIsBetter(k) ? Math.max(...finite) : Math.min(...finite)) : NaN
      vals.forEach((v, i) => (cells[i][k] = { value: v, best: results.length > 1 && v === best }))
    }
    return { group, cells }
  })
  return rows
}
