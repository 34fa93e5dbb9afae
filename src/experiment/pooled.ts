// The metrics of one arm × seed on all of its test rows at once: every fold's predictions and
// truths concatenated (each row predicted by the model that did not train on it), for the
// summary's `all` block.
import { metrics } from '../metrics/index.ts'
import type { PooledOutcome } from './summary.ts'

export interface PoolPart {
  arm: string
  seed: number
  /** the fold's predictions on its test rows */
  pred: Float32Array
  /** the target on the same rows, in the same order */
  truth: Float32Array
}

/** One PooledOutcome per (arm, seed), in order of first appearance. */
export function pooledOutcomes(parts: readonly PoolPart[]): PooledOutcome[] {
  const groups = new Map<string, PoolPart[]>()
  for (const p of parts) {
    if (p.pred.length !== p.truth.length) throw new RangeError(`arm ${p.arm}, seed ${p.seed}: ${p.pred.length} predictions for ${p.truth.length} rows`)
    const key = JSON.stringify([p.arm, p.seed])
    const list = groups.get(key) ?? []
    if (!groups.has(key)) groups.set(key, list)
    list.push(p)
  }
  return [...groups.values()].map((list) => {
    const m = metrics(concat(list.map((p) => p.pred)), concat(list.map((p) => p.truth)))
    return { arm: list[0].arm, seed: list[0].seed, plcc: m.plcc, srocc: m.srocc, rmse: m.rmse, n: m.n }
  })
}

function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0))
  let at = 0
  for (const a of arrays) {
    out.set(a, at)
    at += a.length
  }
  return out
}
