// What the Experiments tab's charts draw, computed from a summary (the UI only lays it out):
// the forest plot's rows (Δ PLCC with its CI per comparison), the per-fold dot plot's columns
// (every seed's PLCC and the seed mean, arms side by side within a fold) and the dose chart's
// points (mean PLCC and its spread across folds against the konvid fraction).
import { verdictOf } from './reading.ts'
import type { ExperimentSummary } from './summary.ts'

export interface ForestRow {
  /** "b − a" */
  label: string
  a: string
  b: string
  delta: number
  lo: number
  hi: number
  p: number
  verdict: ReturnType<typeof verdictOf>
}

/** One row per comparison that has numbers, in the summary's order. */
export function forestRows(s: ExperimentSummary): ForestRow[] {
  return s.comparisons.flatMap((c) =>
    c.delta_plcc === null || c.ci95 === null || c.p === null
      ? []
      : [{ label: `${c.b} − ${c.a}`, a: c.a, b: c.b, delta: c.delta_plcc, lo: c.ci95[0], hi: c.ci95[1], p: c.p, verdict: verdictOf(c) }],
  )
}

export interface FoldDots {
  /** fold names; fold i sits at x = i */
  folds: string[]
  /** ascending x positions shared by every column (uPlot's aligned data) */
  x: number[]
  /** per arm id: its seeds' PLCC and its seed means, null where the arm has no point at x */
  seeds: Record<string, (number | null)[]>
  means: Record<string, (number | null)[]>
}

/** Width of a fold's slot taken by its arms, and by one arm's seeds. */
const FOLD_SPAN = 0.7
const SEED_SPAN = 0.6

/**
 * Every fold (in first-seen order over `arms`) at x = its index; within it each arm at its own
 * offset, and each seed spread a little around the arm's mean so none hides another.
 */
export function foldDots(s: ExperimentSummary, arms: readonly string[]): FoldDots {
  const folds: string[] = []
  for (const id of arms) for (const f of s.arms[id]?.folds ?? []) if (!folds.includes(f.source)) folds.push(f.source)
  const width = FOLD_SPAN / Math.max(1, arms.length)
  const points: { x: number; arm: string; kind: 'seeds' | 'means'; y: number | null }[] = []
  arms.forEach((id, k) => {
    const centre = (k - (arms.length - 1) / 2) * width
    for (const f of s.arms[id]?.folds ?? []) {
      const base = folds.indexOf(f.source) + centre
      points.push({ x: base, arm: id, kind: 'means', y: f.plcc })
      const S = f.plcc_seeds.length
      const step = S > 1 ? (width * SEED_SPAN) / (S - 1) : 0
      f.plcc_seeds.forEach((y, j) => points.push({ x: base + (j - (S - 1) / 2) * step, arm: id, kind: 'seeds', y }))
    }
  })
  const x = [...new Set(points.map((p) => p.x))].sort((p, q) => p - q)
  const at = new Map(x.map((v, i) => [v, i]))
  const column = () => new Array<number | null>(x.length).fill(null)
  const seeds: Record<string, (number | null)[]> = {}
  const means: Record<string, (number | null)[]> = {}
  for (const id of arms) {
    seeds[id] = column()
    means[id] = column()
  }
  for (const p of points) (p.kind === 'seeds' ? seeds : means)[p.arm][at.get(p.x)!] = p.y
  return { folds, x, seeds, means }
}

export interface DosePoint {
  arm: string
  /** konvid fraction in percent */
  percent: number
  mean: number
  /** mean ± population std across folds */
  lo: number
  hi: number
  /** each fold's mean over seeds */
  folds: number[]
  /** the lowest of them */
  lowest: number
}

/** The dose arms that have results, by konvid fraction (0–1 in `fractions`), ascending. */
export function dosePoints(s: ExperimentSummary, fractions: Readonly<Record<string, number>>): DosePoint[] {
  const out: DosePoint[] = []
  for (const [arm, fraction] of Object.entries(fractions)) {
    const a = s.arms[arm]
    if (!a || a.mean.plcc === null || a.std.plcc === null) continue
    const folds = a.folds.flatMap((f) => (f.plcc === null ? [] : [f.plcc]))
    out.push({
      arm,
      percent: fraction * 100,
      mean: a.mean.plcc,
      lo: a.mean.plcc - a.std.plcc,
      hi: a.mean.plcc + a.std.plcc,
      folds,
      lowest: Math.min(...folds),
    })
  }
  return out.sort((p, q) => p.percent - q.percent)
}
