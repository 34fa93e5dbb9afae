// Does the data lie where the model's training data lay? Per feature, the data's mean in σ of the
// model's scaler ((mean − μ) / σ) and the share of rows more than 3σ from μ: the libvmaf fork's
// validate-norm rule. A feature warns when |mean shift| > 1σ or more than 5% of its rows lie
// beyond 3σ. Means are summed in float64.
import type { Scaler } from '../model/scaler.ts'

export const DRIFT_RULE = {
  /** |mean − μ| / σ above this warns */
  meanSigma: 1,
  /** a row this many σ from μ is "beyond" */
  sigma: 3,
  /** a share of rows beyond `sigma` above this warns */
  beyondShare: 0.05,
} as const

export interface FeatureDrift {
  name: string
  /** (mean of the data − the scaler's mean) / the scaler's std */
  mean_sigma: number
  /** share of rows with |x − mean| > 3 std, 0..1 */
  beyond_3sigma: number
}

export interface Drift {
  features: FeatureDrift[]
  /** one line per feature that breaks the rule, naming it */
  warnings: string[]
}

export interface DriftInput {
  /** one column per feature, in the scaler's order */
  columns: readonly ArrayLike<number>[]
  names: readonly string[]
  scaler: Scaler
  /** the rows to measure (indices into the columns); all rows when absent */
  rows?: ArrayLike<number>
}

function columnDrift(col: ArrayLike<number>, rows: ArrayLike<number> | undefined, mu: number, sd: number) {
  const n = rows ? rows.length : col.length
  let sum = 0
  let beyond = 0
  for (let i = 0; i < n; i++) {
    const v = col[rows ? rows[i] : i]
    sum += v
    if (Math.abs(v - mu) > DRIFT_RULE.sigma * sd) beyond++
  }
  return { mean_sigma: (sum / n - mu) / sd, beyond_3sigma: beyond / n }
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`

/** The warning for one feature, or null when it keeps to the rule. */
export function driftWarning(f: FeatureDrift): string | null {
  const parts: string[] = []
  if (Math.abs(f.mean_sigma) > DRIFT_RULE.meanSigma) parts.push(`mean ${f.mean_sigma >= 0 ? '+' : ''}${f.mean_sigma.toFixed(2)}σ from the model's training mean`)
  if (f.beyond_3sigma > DRIFT_RULE.beyondShare) parts.push(`${pct(f.beyond_3sigma)} of rows beyond ${DRIFT_RULE.sigma}σ`)
  return parts.length ? `${f.name}: ${parts.join(', ')}` : null
}

/** Each feature's drift from the scaler, and the warnings. */
export function featureDrift(input: DriftInput): Drift {
  const { columns, names, scaler } = input
  const F = columns.length
  if (names.length !== F || scaler.mean.length !== F || scaler.std.length !== F)
    throw new RangeError(`drift: ${F} columns, ${names.length} names, a scaler of ${scaler.mean.length} means and ${scaler.std.length} stds`)
  const n = input.rows ? input.rows.length : (columns[0]?.length ?? 0)
  if (n === 0) throw new RangeError('drift: no rows to measure')
  const features = columns.map((col, j) => {
    const sd = scaler.std[j]
    if (!(sd > 0)) throw new RangeError(`drift: the scaler's std of ${names[j]} is ${sd}, not a positive number`)
    return { name: names[j], ...columnDrift(col, input.rows, scaler.mean[j], sd) }
  })
  return { features, warnings: features.map(driftWarning).filter((w): w is string => w !== null) }
}

/** The one stderr/notice line for a drift with warnings, null without. */
export function driftLine(d: Drift): string | null {
  if (!d.warnings.length) return null
  return `the data drifts from the model's training data (mean > ${DRIFT_RULE.meanSigma}σ off or > ${pct(DRIFT_RULE.beyondShare)} of rows beyond ${DRIFT_RULE.sigma}σ): ${d.warnings.join('; ')}`
}
