// Evaluation metrics: PLCC, SROCC, KROCC (tau-b), RMSE; per source and across sources.
export { averageRanks, krocc, plcc, rmse, srocc, type Scores } from './correlation.ts'
export {
  groupMetrics,
  meanStd,
  metrics,
  METRIC_NAMES,
  type GroupMetrics,
  type MetricName,
  type MetricSummary,
  type Metrics,
} from './group.ts'
export { GROUPINGS, groupRows, KONVID_POOLED, type Grouping, type Groups } from './grouping.ts'
export { ALL_ROWS, COMPARE_METRICS, compareModels, type CompareCell, type CompareRow } from './compare.ts'
export { scatterPoints, type ScatterData } from './scatter.ts'
