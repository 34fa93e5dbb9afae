// `study --json`: the summary projected onto exactly the contract's fields, and the text tables.
import { fmtCorr, fmtRmse } from '../src/experiment/format.ts'
import type { ExperimentSummary } from '../src/experiment/summary.ts'
import { table as textTable } from './output.ts'

/** {experiment, arms: {ID: {label, folds, all, mean, std, ci95}}, comparisons, reading} */
export function studyContract(s: ExperimentSummary) {
  const arms = Object.fromEntries(
    Object.entries(s.arms).map(([id, a]) => [
      id,
      {
        label: a.label,
        folds: a.folds.map((f) => ({ source: f.source, plcc: f.plcc, srocc: f.srocc, rmse: f.rmse, n: f.n, plcc_seeds: f.plcc_seeds })),
        all: a.all,
        mean: a.mean,
        std: a.std,
        ci95: a.ci95,
      },
    ]),
  )
  const comparisons = s.comparisons.map((c) => ({ a: c.a, b: c.b, delta_plcc: c.delta_plcc, ci95: c.ci95, p: c.p }))
  return { experiment: s.experiment, arms, comparisons, reading: s.reading }
}

const corr = (v: number | null) => (v === null ? 'n/a' : fmtCorr(v))
const err = (v: number | null) => (v === null ? 'n/a' : fmtRmse(v))

export function studyText(s: ExperimentSummary, reportPath: string): string {
  const lines: string[] = []
  for (const [id, a] of Object.entries(s.arms)) {
    lines.push(`${id}: ${a.label}`)
    const rows = a.folds.map((f) => [f.source, corr(f.plcc), corr(f.srocc), err(f.rmse), String(f.n)])
    if (a.all) rows.push(['all test rows', corr(a.all.plcc), corr(a.all.srocc), err(a.all.rmse), String(a.all.n)])
    rows.push(['mean across folds', corr(a.mean.plcc), corr(a.mean.srocc), err(a.mean.rmse), ''])
    rows.push(['std across folds', corr(a.std.plcc), corr(a.std.srocc), err(a.std.rmse), ''])
    lines.push(textTable(['fold', 'PLCC', 'SROCC', 'RMSE', 'n'], rows), '')
  }
  for (const c of s.comparisons)
    lines.push(`Δ PLCC ${c.b} − ${c.a}: ${c.delta_plcc === null ? 'n/a' : c.delta_plcc.toFixed(4)}` + (c.ci95 ? ` [${c.ci95[0].toFixed(4)}, ${c.ci95[1].toFixed(4)}]` : '') + (c.p === null ? '' : `, p ${c.p.toPrecision(2)}`))
  lines.push('', s.reading, '', `report: ${reportPath}`)
  return lines.join('\n')
}
