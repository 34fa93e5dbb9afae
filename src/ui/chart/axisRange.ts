// Linear axis ranges for uPlot scales that a chart computes from its values: uPlot steps its ticks
// by a fraction of the range, so a range with no span (one value, or a single PLCC) has no step at
// all and its tick loop runs until the array overflows. (Log axes take whole decades instead:
// sharedLossRange in src/experiment/lossCurves.ts.)

export interface RangeOptions {
  /** air on each side, as a fraction of the span */
  pad: number
  /** the smallest span drawn, centred on the values when they span less */
  minSpan: number
  /** an upper bound the range never passes (e.g. 1 for a PLCC), unless the values do */
  max?: number
}

/** [lo, hi] widened to at least `minSpan`, padded on each side, and capped at `max`. */
export function paddedRange(lo: number, hi: number, o: RangeOptions): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, o.minSpan]
  const span = Math.max(hi - lo, o.minSpan)
  const mid = (lo + hi) / 2
  const bottom = Math.min(lo, mid - span / 2) - span * o.pad
  let top = Math.max(hi, mid + span / 2) + span * o.pad
  if (o.max !== undefined && top > o.max) top = Math.max(o.max, hi)
  // capped at the values themselves: still a span, from the bottom's side
  return top > bottom ? [bottom, top] : [bottom - o.minSpan, top]
}
