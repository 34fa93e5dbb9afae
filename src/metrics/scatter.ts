// Points for a predicted-vs-target scatter: the rows of one group (or all), ordered by target
// ascending because uPlot wants x sorted; plus the identity line over the same x.
export interface ScatterData {
  x: Float64Array
  pred: Float64Array
  identity: Float64Array
}

/** `group` is a code into the groups behind `codes`, or null for every row. */
export function scatterPoints(pred: ArrayLike<number>, target: ArrayLike<number>, codes: ArrayLike<number>, group: number | null): ScatterData {
  const idx: number[] = []
  for (let i = 0; i < pred.length; i++) if (group === null || codes[i] === group) idx.push(i)
  idx.sort((a, b) => target[a] - target[b] || a - b)
  const x = Float64Array.from(idx, (i) => target[i])
  return { x, pred: Float64Array.from(idx, (i) => pred[i]), identity: x.slice() }
}
