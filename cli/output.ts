// Writing results: files under --out-dir, the one JSON object on stdout (--json), and the
// human-readable tables (4 decimals for correlations and RMSE, like the app).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { METRIC_NAMES, type GroupMetrics, type Metrics } from '../src/metrics/index.ts'
import type { TrainedModel } from '../src/model/trained.ts'
import { fmt } from '../src/onnx/report.ts'
import { sidecar, sidecarJson } from '../src/onnx/sidecar.ts'

/** Write a file (creating folders); returns its absolute path. */
export function writeOut(path: string, content: string | Uint8Array): string {
  const abs = resolve(path)
  mkdirSync(dirname(abs), { recursive: true })
  writeFileSync(abs, content)
  return abs
}

/** A trained model as `<base>.onnx` + its sidecar `<base>.json` (with the metrics, when it was
 *  evaluated); returns both absolute paths. */
export function writeModelFiles(base: string, o: { model: TrainedModel; onnx: Uint8Array; metrics?: GroupMetrics | Metrics }): { onnx: string; sidecar: string } {
  return { onnx: writeOut(`${base}.onnx`, o.onnx), sidecar: writeOut(`${base}.json`, sidecarJson(sidecar(o.model, o.onnx, o.metrics))) }
}

/** The --json result: exactly one JSON object and a newline; NaN becomes null. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n')
}

export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n')
}

/** A plain-text table, columns aligned (numbers right). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

const metricCells = (m: Metrics) => [...METRIC_NAMES.map((k) => fmt(m[k])), String(m.n)]

/** Per-source metrics, then all rows, then mean and population std across sources (pooled groups left out). */
export function metricsTable(m: GroupMetrics): string {
  const rows = Object.entries(m.per_source).map(([name, v]) => [name, ...metricCells(v)])
  rows.push(['all rows', ...metricCells(m.all)])
  const nSources = Object.keys(m.per_source).length
  if (nSources > 1) {
    rows.push(['mean across sources', ...METRIC_NAMES.map((k) => fmt(m.mean[k])), ''])
    rows.push(['std across sources', ...METRIC_NAMES.map((k) => fmt(m.std[k])), ''])
  }
  return table(['source', 'PLCC', 'SROCC', 'KROCC', 'RMSE', 'n'], rows)
}
