// Equal-width bins of one column, for the Data tab's small multiples.

export interface Bins {
  lo: number
  hi: number
  counts: Uint32Array
}

/** Counts of `values` in `bins` equal-width bins over their finite range. */
export function binsOf(values: ArrayLike<number>, bins: number): Bins {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (!(lo <= hi)) return { lo: 0, hi: 1, counts: new Uint32Array(bins) }
  const width = hi > lo ? hi - lo : 1
  const counts = new Uint32Array(bins)
  for (let i = 0; i < values.length; i++) {
    const k = Math.floor(((values[i] - lo) / width) * bins)
    if (k >= 0) counts[Math.min(k, bins - 1)]++
  }
  return { lo, hi, counts }
}
