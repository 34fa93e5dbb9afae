// The metrics report of one evaluation, as JSON (full precision; NaN → null) and Markdown
// (4 decimals for the correlations and RMSE): the same numbers in both.
import { KONVID_POOLED, METRIC_NAMES, type GroupMetrics, type Metrics } from '../metrics/index.ts'

export interface EvalReport {
  model: {
    id: string
    name: string
    /** sha256 of the .onnx bytes */
    sha256: string
    input_name: string
    output_name: string
    features: string[]
  }
  /** execution provider that produced the predictions, e.g. "wasm", "webgpu", "cpu (onnxruntime-node)" */
  ep: string
  data: {
    rows: number
    files: { name: string; sha256: string; rows: number }[]
    grouping: string
  }
  evaluated_at: string
  /** wall time of inference only */
  inference_ms: number
  metrics: GroupMetrics
}

/** The report of a model with no rows to score (trained on every row): metrics null, and why. */
export type UnscoredReport = Omit<EvalReport, 'metrics'> & { metrics: null; metrics_reason: string }

export function reportJson(r: EvalReport | UnscoredReport): string {
  return JSON.stringify(r, null, 2) + '\n'
}

/** 4 decimals; non-finite values as "n/a" (JSON has them as null). */
export function fmt(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a'
}

const row = (name: string, m: Metrics) =>
  `| ${name} | ${METRIC_NAMES.map((k) => fmt(m[k])).join(' | ')} | ${m.n} |`

export function reportMarkdown(r: EvalReport | UnscoredReport): string {
  const m = r.metrics
  const head = [
    `# Evaluation of ${r.model.name}`,
    '',
    `- model id: \`${r.model.id}\`, sha256 \`${r.model.sha256}\``,
    `- input \`${r.model.input_name}\` (${r.model.features.join(', ')}) → output \`${r.model.output_name}\``,
    `- execution provider: ${r.ep}; inference ${fmt(r.inference_ms, 1)} ms`,
    `- data: ${r.data.rows} rows grouped by ${r.data.grouping}; files: ${r.data.files.map((f) => `${f.name} (${f.rows} rows, sha256 \`${f.sha256}\`)`).join(', ') || 'n/a'}`,
    `- evaluated at ${r.evaluated_at}`,
    '',
  ]
  if (!m) return [...head, `No metrics: ${(r as UnscoredReport).metrics_reason}.`, ''].join('\n')
  const lines = [
    ...head,
    '| source | PLCC | SROCC | KROCC | RMSE | n |',
    '|---|---:|---:|---:|---:|---:|',
    ...Object.entries(m.per_source).map(([name, v]) => row(name, v)),
    row('**all rows**', m.all),
    `| **mean ± std across sources** | ${METRIC_NAMES.map((k) => `${fmt(m.mean[k])} ± ${fmt(m.std[k])}`).join(' | ')} | ${Object.keys(m.per_source).filter((n) => n !== KONVID_POOLED).length} sources |`,
    '',
    'std across sources is the population std (ddof 0).',
    '',
  ]
  return lines.join('\n')
}
