// The Experiments tab's predicted-vs-VMAF scatter, computed from the finished runs (the UI only
// draws it): which folds and seeds have predictions, each arm's points on one fold for one seed
// (its run's predictions on that fold's test rows against their VMAF), and the columns uPlot draws
// with the hidden arms left out. Points are the fold's test rows, so an arm shows exactly the
// fold's n of them.
import { gather } from '../data/gather.ts'
import type { ConductedRun } from './conduct.ts'

/** The VMAF of each run's test rows (valRows order, like its predictions), taken when it ran. */
export function runTruths(runs: readonly ConductedRun[], target: Float32Array): Float32Array[] {
  return runs.map((r) => gather(target, r.scheduled.spec.rows.valRows))
}

/** Folds (in `folds` order, the schedule's) and seeds (ascending) that have a finished run. */
export function scatterChoices(runs: readonly ConductedRun[], folds: readonly string[]): { folds: string[]; seeds: number[] } {
  const have = new Set(runs.flatMap((r) => r.scheduled.groups.map((g) => g.fold)))
  return {
    folds: folds.filter((f) => have.has(f)),
    seeds: [...new Set(runs.map((r) => r.scheduled.seed))].sort((p, q) => p - q),
  }
}

/** `picked` when it is one of `options`, else the first option (null when there is none). */
export function validChoice<T>(picked: T | null, options: readonly T[]): T | null {
  return picked !== null && options.includes(picked) ? picked : (options[0] ?? null)
}

export interface ScatterSet {
  arm: string
  truth: Float32Array
  pred: Float32Array
}

/** Per arm (in `arms` order), its seed-`seed` run's points on `fold`; arms without such a run are left out. */
export function foldScatter(
  runs: readonly ConductedRun[],
  truths: readonly Float32Array[],
  fold: string,
  seed: number,
  arms: readonly string[],
): ScatterSet[] {
  const out: ScatterSet[] = []
  for (const arm of arms) {
    const k = runs.findIndex((r) => r.scheduled.arm === arm && r.scheduled.seed === seed && r.scheduled.groups.some((g) => g.fold === fold))
    if (k < 0) continue
    const { positions } = runs[k].scheduled.groups.find((g) => g.fold === fold)!
    out.push({ arm, truth: gather(truths[k], positions), pred: gather(runs[k].outcome.pred, positions) })
  }
  return out
}

export interface ScatterColumns {
  /** every set's VMAF, ascending (uPlot's x); the identity line is x again */
  x: number[]
  /** per arm: its prediction where x is one of its points, else null (all null when hidden) */
  columns: Record<string, (number | null)[]>
  /** per arm: the points drawn (0 when hidden) */
  drawn: Record<string, number>
  /** one range for both axes (a square plot reads over- and under-prediction alike), over every set */
  range: [number, number]
}

/** The sets as uPlot's aligned columns; hidden arms keep their place (and the axes stay put) but draw nothing. */
export function scatterColumns(sets: readonly ScatterSet[], hidden: ReadonlySet<string> = new Set()): ScatterColumns {
  const points: { x: number; arm: string; y: number }[] = []
  for (const s of sets) for (let i = 0; i < s.truth.length; i++) points.push({ x: s.truth[i], arm: s.arm, y: s.pred[i] })
  points.sort((p, q) => p.x - q.x)
  const x = points.map((p) => p.x)
  const columns: Record<string, (number | null)[]> = {}
  const drawn: Record<string, number> = {}
  for (const s of sets) {
    columns[s.arm] = new Array<number | null>(x.length).fill(null)
    drawn[s.arm] = 0
  }
  let lo = Infinity
  let hi = -Infinity
  points.forEach((p, i) => {
    lo = Math.min(lo, p.x, p.y)
    hi = Math.max(hi, p.x, p.y)
    if (hidden.has(p.arm)) return
    columns[p.arm][i] = p.y
    drawn[p.arm]++
  })
  if (!(lo <= hi)) [lo, hi] = [0, 100]
  const pad = (hi - lo) * 0.03 || 1
  return { x, columns, drawn, range: [lo - pad, hi + pad] }
}
