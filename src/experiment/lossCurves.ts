// The Experiments tab's loss curves, from the schedule and each run's training loss per epoch:
// per arm, one curve per fold (the mean over the seeds that reached each epoch), and the one
// y-range every arm's chart shares so the arms can be compared at a glance.
import type { Schedule } from './schedule.ts'

/** Per fold of `arm` (schedule order): the mean training loss over its seeds, per epoch. */
export function armLossCurves(schedule: Schedule, losses: readonly (readonly number[])[], arm: string): { folds: string[]; curves: (number | null)[][] } {
  const byFold = new Map<string, (readonly number[])[]>()
  schedule.runs.forEach((r, i) => {
    if (r.arm !== arm || !losses[i]) return
    const list = byFold.get(r.fold) ?? []
    if (!byFold.has(r.fold)) byFold.set(r.fold, list)
    list.push(losses[i])
  })
  const folds = [...byFold.keys()]
  const curves = folds.map((f) => {
    const runs = byFold.get(f)!
    const n = Math.max(0, ...runs.map((l) => l.length))
    return Array.from({ length: n }, (_, e) => {
      let s = 0
      let k = 0
      for (const l of runs)
        if (e < l.length && Number.isFinite(l[e]) && l[e] > 0) {
          s += l[e]
          k++
        }
      return k ? s / k : null
    })
  })
  return { folds, curves }
}

/** The decades around every curve's positive losses, [10^⌊log₁₀ lowest⌋, 10^⌈log₁₀ highest⌉] (a
 *  log axis), or null before any epoch. Whole decades because uPlot's log ticks step from the
 *  axis minimum by its own power of ten: from a minimum such as 0.098 they never reach the maximum. */
export function sharedLossRange(curves: readonly (readonly (number | null)[])[]): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const c of curves)
    for (const v of c)
      if (v !== null && v > 0 && Number.isFinite(v)) {
        lo = Math.min(lo, v)
        hi = Math.max(hi, v)
      }
  if (!Number.isFinite(lo)) return null
  const bottom = Math.floor(Math.log10(lo))
  const top = Math.ceil(Math.log10(hi))
  // one value: a decade either side of it
  return top > bottom ? [decade(bottom), decade(top)] : [decade(bottom - 1), decade(top + 1)]
}

/** 10^exp as its decimal literal parses (10 ** -5 is 0.000009999999999999999; uPlot's ticks use 1e-5) */
const decade = (exp: number): number => Number(`1e${exp}`)
