// `study` without --json: the text tables (the --json object is src/experiment/report.ts's reportContract).
import { fmtCorr, fmtRmse } from '../src/experiment/format.ts'
import type { ExperimentSummary } from '../src/experiment/summary.ts'
import { table as textTable } from './output.ts'

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
    lines.push(
      `Δ PLCC ${c.b} − ${c.a}: ${c.delta_plcc === null ? 'n/a' : c.delta_plcc.toFixed(4)}` +
        (c.ci95 ? ` [${c.ci95[0].toFixed(4)}, ${c.ci95[1].toFixed(4)}]` : '') +
        (c.delta_rmse === null ? '' : `, Δ RMSE ${c.delta_rmse.toFixed(2)}`) +
        (c.p === null ? '' : `, p ${c.p.toPrecision(2)} (Holm ${c.p_adjusted!.toPrecision(2)})`) +
        (c.corrected_t ? `, corrected t p ${c.corrected_t.p.toPrecision(2)} (Holm ${c.corrected_t.p_adjusted.toPrecision(2)})` : ''),
    )
  lines.push('', s.reading, '', `report: ${reportPath}`)
  return lines.join('\n')
}
