// Number formatting shared by the UI tables, the reports and the readings: 4 decimals for
// PLCC/SROCC, 3 for RMSE, signed deltas, "4.5×" ratios, p-values.

export function fmtCorr(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4)
}

export function fmtRmse(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3)
}

export function fmtSigned(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  const s = v.toFixed(digits)
  return v >= 0 && !s.startsWith('-') ? `+${s}` : s.replace(/^-(0\.0*)$/, '$1')
}

export function fmtRatio(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(1)}×`
}

export function fmtPercent(v: number): string {
  return `${Math.round(v * 100)}%`
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  return `${m} min ${String(s % 60).padStart(2, '0')} s`
}

/** p-values: 3 significant digits below 0.1 ("p = 0.00391"), else 2 decimals; exact tests stay exact. */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—'
  return p < 0.1 ? p.toPrecision(3) : p.toFixed(2)
}
