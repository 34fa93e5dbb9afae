// Model architectures: fully connected ReLU MLPs ending in one output unit.
// `widths` lists every layer size, input first: mlp_small on 6 features is [6, 16, 8, 1].

export const NAMED_ARCHS = {
  linear: [] as number[],
  mlp_small: [16, 8],
  mlp_medium: [64, 32],
  mlp_large: [64, 32, 16],
} as const

export type NamedArch = keyof typeof NAMED_ARCHS
export type ArchName = NamedArch | 'custom'

export const MAX_HIDDEN_LAYERS = 4
export const MAX_WIDTH = 128

export interface ArchSpec {
  name: ArchName
  widths: number[]
}

export class ArchError extends Error {
  override name = 'ArchError'
}

export function isNamedArch(name: string): name is NamedArch {
  return Object.hasOwn(NAMED_ARCHS, name)
}

/** Build an architecture from a name (or 'custom' plus hidden widths) for `nFeatures` inputs. */
export function archSpec(name: string, nFeatures: number, hidden?: readonly number[]): ArchSpec {
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || nFeatures > MAX_WIDTH)
    throw new ArchError(`feature count must be an integer in 1..${MAX_WIDTH}, got ${nFeatures}`)
  let h: readonly number[]
  let archName: ArchName
  if (name === 'custom' || (hidden && !isNamedArch(name))) {
    if (!hidden) throw new ArchError('a custom architecture needs hidden widths, e.g. 64,32')
    h = hidden
    archName = 'custom'
  } else if (isNamedArch(name)) {
    h = NAMED_ARCHS[name]
    archName = name
  } else {
    throw new ArchError(`unknown architecture "${name}" (linear, mlp_small, mlp_medium, mlp_large or custom)`)
  }
  if (h.length > MAX_HIDDEN_LAYERS) throw new ArchError(`at most ${MAX_HIDDEN_LAYERS} hidden layers, got ${h.length}`)
  for (const w of h)
    if (!Number.isInteger(w) || w < 1 || w > MAX_WIDTH)
      throw new ArchError(`hidden widths must be integers in 1..${MAX_WIDTH}, got ${w}`)
  return { name: archName, widths: [nFeatures, ...h, 1] }
}

/** Parameter count: a weight matrix and a bias vector per layer. */
export function paramCount(widths: readonly number[]): number {
  let n = 0
  for (let l = 0; l + 1 < widths.length; l++) n += widths[l] * widths[l + 1] + widths[l + 1]
  return n
}

/** Human-readable form, e.g. "6→16→8→1". */
export function describeWidths(widths: readonly number[]): string {
  return widths.join('→')
}
