// How the Evaluate tab writes numbers: correlations to 3 decimals, RMSE (VMAF points) to 2.
import type { MetricName } from '../../metrics/index.ts'

export function metric(k: MetricName | 'n', v: number): string {
  if (!Number.isFinite(v)) return 'n/a'
  if (k === 'n') return v.toLocaleString('en-US')
  return k === 'rmse' ? v.toFixed(2) : v.toFixed(3)
}
