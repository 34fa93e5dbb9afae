// Metrics per source (the grouping column), on all rows together, and their mean ± std across
// sources. The std across sources is the POPULATION std (ddof 0, numpy's np.std default): the
// sources are the whole set being summarised, not a sample of a larger one.
import { krocc, plcc, rmse, srocc, type Scores } from './correlation.ts'

export interface Metrics {
  plcc: number
  srocc: number
  krocc: number
  rmse: number
  n: number
}

export type MetricName = 'plcc' | 'srocc' | 'krocc' | 'rmse'
export const METRIC_NAMES: readonly MetricName[] = ['plcc', 'srocc', 'krocc', 'rmse']

export type MetricSummary = Record<MetricName, number>

export interface GroupMetrics {
  /** one entry per group that has rows, in the order of `groupNames` */
  per_source: Record<string, Metrics>
  /** all rows concatenated */
  all: Metrics
  /** across the per-source values */
  mean: MetricSummary
  /** population std (ddof 0) across the per-source values */
  std: MetricSummary
}

export function metrics(pred: Scores, target: Scores): Metrics {
  return {
    plcc: plcc(pred, target),
    srocc: srocc(pred, target),
    krocc: krocc(pred, target),
    rmse: rmse(pred, target),
    n: pred.length,
  }
}

/** Mean and population std of finite and non-finite values alike (a NaN fold makes both NaN). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length
  if (n === 0) return { mean: NaN, std: NaN }
  let m = 0
  for (const v of values) m += v
  m /= n
  let s = 0
  for (const v of values) s += (v - m) * (v - m)
  return { mean: m, std: Math.sqrt(s / n) }
}

/**
 * `groupCodes[i]` indexes `groupNames` for row i. Rows of a group are gathered in row order;
 * groups without rows are left out of `per_source` and of the mean ± std, and so are the groups
 * named in `opts.notInSummary` (pooled rows such as "all KoNViD-like clips" are no source).
 */
export function groupMetrics(
  pred: Scores,
  target: Scores,
  groupCodes: ArrayLike<number>,
  groupNames: readonly string[],
  opts: { notInSummary?: ReadonlySet<string> } = {},
): GroupMetrics {
  const n = pred.length
  if (target.length !== n || groupCodes.length !== n)
    throw new RangeError(`length mismatch: ${n} predictions, ${target.length} targets, ${groupCodes.length} group codes`)
  const counts = new Uint32Array(groupNames.length)
  for (let i = 0; i < n; i++) {
    const g = groupCodes[i]
    if (!(g >= 0 && g < groupNames.length)) throw new RangeError(`row ${i}: group code ${g} has no name`)
    counts[g]++
  }
  // counting sort of the rows by group keeps row order inside each group
  const start = new Uint32Array(groupNames.length + 1)
  for (let g = 0; g < groupNames.length; g++) start[g + 1] = start[g] + counts[g]
  const fill = start.slice(0, groupNames.length)
  const p = new Float64Array(n)
  const t = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const k = fill[groupCodes[i]]++
    p[k] = pred[i]
    t[k] = target[i]
  }
  const per_source: Record<string, Metrics> = {}
  for (let g = 0; g < groupNames.length; g++) {
    if (counts[g] === 0) continue
    per_source[groupNames[g]] = metrics(p.subarray(start[g], start[g + 1]), t.subarray(start[g], start[g + 1]))
  }
  const mean = {} as MetricSummary
  const std = {} as MetricSummary
  const groups = Object.entries(per_source).filter(([name]) => !opts.notInSummary?.has(name)).map(([, m]) => m)
  for (const m of METRIC_NAMES) {
    const s = meanStd(groups.map((g) => g[m]))
    mean[m] = s.mean
    std[m] = s.std
  }
  return { per_source, all: metrics(pred, target), mean, std }
}
