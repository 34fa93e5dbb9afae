// Edits of a design that keep it whole (the designer's add / remove / rename arm: comparisons and
// steps matching follow the arm), and what a design reads as: a dose response when its arms differ
// only in the share of konvid clips. Pure: each returns a new design.
import type { ArmDesign, ExperimentDesign, KonvidCorpus } from './design.ts'

/** A new arm like the last one (its recipe, nothing matched), with an unused id. */
export function addArm(d: ExperimentDesign): ExperimentDesign {
  const last = d.arms[d.arms.length - 1]
  let k = d.arms.length + 1
  while (d.arms.some((a) => a.id === `arm${k}`)) k++
  const arm: ArmDesign = last
    ? { ...structuredClone(last), id: `arm${k}`, label: `arm ${k}`, matchStepsOf: undefined }
    : { id: `arm${k}`, label: `arm ${k}`, nflx: 'all', konvid: 'none', arch: 'mlp_small', epochs: 30, batchSize: 256, lr: 1e-3, scalerMode: 'standard' }
  delete arm.matchStepsOf
  return { ...d, arms: [...d.arms, arm] }
}

/** Without arm `id`: its comparisons go, and arms matching its steps train their own epochs. */
export function removeArm(d: ExperimentDesign, id: string): ExperimentDesign {
  return {
    ...d,
    arms: d.arms.filter((a) => a.id !== id).map((a) => (a.matchStepsOf === id ? withoutMatch(a) : a)),
    comparisons: d.comparisons.filter((c) => c.a !== id && c.b !== id),
  }
}

function withoutMatch(a: ArmDesign): ArmDesign {
  const copy = { ...a }
  delete copy.matchStepsOf
  return copy
}

/** Arm `from` renamed `to`, with the comparisons and steps matching that name it. */
export function renameArm(d: ExperimentDesign, from: string, to: string): ExperimentDesign {
  const name = (id: string) => (id === from ? to : id)
  return {
    ...d,
    arms: d.arms.map((a) => ({ ...a, id: name(a.id), ...(a.matchStepsOf ? { matchStepsOf: name(a.matchStepsOf) } : {}) })),
    comparisons: d.comparisons.map((c) => ({ a: name(c.a), b: name(c.b) })),
  }
}

export function konvidFraction(k: KonvidCorpus): number {
  return k === 'none' ? 0 : k === 'all' ? 1 : k.fraction
}

/**
 * Per arm its konvid fraction, when the design is a dose response: at least three arms, alike in
 * everything but the konvid clips they add, each at its own fraction. Null otherwise.
 */
export function doseFractions(d: ExperimentDesign): Record<string, number> | null {
  if (d.arms.length < 3) return null
  const rest = (a: ArmDesign) => JSON.stringify({ ...a, id: '', label: '', konvid: '' })
  const first = rest(d.arms[0])
  if (!d.arms.every((a) => rest(a) === first)) return null
  const fractions = Object.fromEntries(d.arms.map((a) => [a.id, konvidFraction(a.konvid)]))
  return new Set(Object.values(fractions)).size === d.arms.length ? fractions : null
}
