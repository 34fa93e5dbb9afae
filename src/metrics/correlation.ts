// Agreement between predicted and reference scores: PLCC, SROCC, KROCC (tau-b) and RMSE.
// Everything accumulates in float64 and matches scipy 1.10 (pearsonr, spearmanr, kendalltau
// with variant 'b', and sqrt(mean((p - t)²))) on ../shared/fixtures/metrics_scipy.json.
// Inputs with a NaN/±Inf, or fewer than two rows, give NaN (scipy warns and returns nan too).

export type Scores = ArrayLike<number>

function usable(a: Scores, b: Scores): boolean {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} predictions vs ${b.length} targets`)
  if (a.length < 2) return false
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return false
  return true
}

/** Pearson's r; two passes (means first) so large offsets do not cancel. */
export function plcc(pred: Scores, target: Scores): number {
  if (!usable(pred, target)) return NaN
  return pearson(pred, target)
}

function pearson(a: Scores, b: Scores): number {
  const n = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]
    mb += b[i]
  }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma
    const db = b[i] - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  if (saa === 0 || sbb === 0) return NaN // a constant input has no correlation
  const r = sab / Math.sqrt(saa * sbb)
  return Math.max(-1, Math.min(1, r))
}

/** Indices 0..n-1 ordered by value (stable), the work horse of the rank statistics. */
function argsort(v: Scores): Uint32Array {
  const idx = new Uint32Array(v.length)
  for (let i = 0; i < idx.length; i++) idx[i] = i
  return idx.sort((i, j) => v[i] - v[j] || i - j)
}

/** Ranks 1..n with ties sharing their average rank (scipy.stats.rankdata 'average'). */
export function averageRanks(v: Scores): Float64Array {
  const order = argsort(v)
  const ranks = new Float64Array(v.length)
  let i = 0
  while (i < order.length) {
    let j = i + 1
    while (j < order.length && v[order[j]] === v[order[i]]) j++
    const r = (i + 1 + j) / 2 // mean of ranks i+1 … j
    for (let k = i; k < j; k++) ranks[order[k]] = r
    i = j
  }
  return ranks
}

/** Spearman's rho: Pearson's r of the average ranks. */
export function srocc(pred: Scores, target: Scores): number {
  if (!usable(pred, target)) return NaN
  return pearson(averageRanks(pred), averageRanks(target))
}

/** Pairs tied within runs of equal values of `v` taken in `order`: Σ t(t-1)/2. */
function tiedPairs(order: Uint32Array, v: Scores): number {
  let pairs = 0
  let run = 1
  for (let k = 1; k <= order.length; k++) {
    if (k < order.length && v[order[k]] === v[order[k - 1]]) run++
    else {
      pairs += (run * (run - 1)) / 2
      run = 1
    }
  }
  return pairs
}

/**
 * Kendall's tau-b in O(n log n) (Knight 1966, as scipy does it): sort by (x, y), then count the
 * swaps a merge sort on y needs — each swap is one discordant pair. All counts are integers
 * (exact in float64 up to 2^53), so the result equals scipy's to rounding.
 */
export function krocc(pred: Scores, target: Scores): number {
  if (!usable(pred, target)) return NaN
  const n = pred.length
  const x = pred
  const y = target
  const perm = new Uint32Array(n)
  for (let i = 0; i < n; i++) perm[i] = i
  perm.sort((i, j) => x[i] - x[j] || y[i] - y[j] || i - j)

  // pairs tied in x, and tied in both (runs of equal (x, y) within runs of equal x)
  let xtie = 0
  let ntie = 0
  let runX = 1
  let runXY = 1
  for (let k = 1; k <= n; k++) {
    const sameX = k < n && x[perm[k]] === x[perm[k - 1]]
    const sameXY = sameX && y[perm[k]] === y[perm[k - 1]]
    if (sameXY) runXY++
    else {
      ntie += (runXY * (runXY - 1)) / 2
      runXY = 1
    }
    if (sameX) runX++
    else {
      xtie += (runX * (runX - 1)) / 2
      runX = 1
    }
  }

  const swaps = mergeSortSwaps(perm, y)
  const ytie = tiedPairs(perm, y) // perm is now sorted by y
  const tot = (n * (n - 1)) / 2
  if (xtie === tot || ytie === tot) return NaN
  const conMinusDis = tot - xtie - ytie + ntie - 2 * swaps
  // the same expression order as scipy.stats.kendalltau
  const tau = conMinusDis / Math.sqrt(tot - xtie) / Math.sqrt(tot - ytie)
  return Math.max(-1, Math.min(1, tau))
}

/** Sorts `idx` by v[idx] (bottom-up merge sort) and returns how many inversions it removed. */
function mergeSortSwaps(idx: Uint32Array, v: Scores): number {
  const n = idx.length
  let src: Uint32Array = idx
  let dst: Uint32Array = new Uint32Array(n)
  let swaps = 0
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n)
      const hi = Math.min(lo + 2 * width, n)
      let i = lo
      let j = mid
      let k = lo
      while (i < mid && j < hi) {
        if (v[src[j]] < v[src[i]]) {
          swaps += mid - i // src[j] jumps over every element left in the left run
          dst[k++] = src[j++]
        } else dst[k++] = src[i++]
      }
      while (i < mid) dst[k++] = src[i++]
      while (j < hi) dst[k++] = src[j++]
    }
    ;[src, dst] = [dst, src]
  }
  if (src !== idx) idx.set(src)
  return swaps
}

/** Root-mean-square error. */
export function rmse(pred: Scores, target: Scores): number {
  if (pred.length !== target.length)
    throw new RangeError(`length mismatch: ${pred.length} predictions vs ${target.length} targets`)
  if (pred.length === 0) return NaN
  let s = 0
  for (let i = 0; i < pred.length; i++) {
    const d = pred[i] - target[i]
    s += d * d
  }
  return Math.sqrt(s / pred.length)
}
