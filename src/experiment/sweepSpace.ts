// A sweep's search space: which recipes it may try. Plain data (a space.json is one of these, every
// key optional); checkSpace reads one and names the file and the key that is wrong. The default
// covers the published ladder (linear, mlp_small, mlp_medium, mlp_large at the reference recipe's
// lr, batch and epochs) and the recipe's other choices around it.
import { archSpec, isNamedArch, MAX_HIDDEN_LAYERS, MAX_WIDTH, NAMED_ARCHS, type NamedArch } from '../model/arch.ts'
import type { ScalerMode } from '../model/trained.ts'
import { LIMITS, batchSizeProblem, epochsProblem, lrProblem } from './limits.ts'

/** An architecture choice: a named one, or custom hidden widths. */
export type ArchChoice = NamedArch | number[]

export interface SweepSpace {
  arch: ArchChoice[]
  /** the learning rate is drawn log-uniformly from [min, max] */
  lr: { min: number; max: number }
  batchSize: number[]
  /** every trial's full budget; successive halving stops the weaker ones at rungs below it */
  epochs: number
  scaler: ScalerMode[]
  /** train on the konvid rows too (the nflx sources always train, LOSO) */
  konvid: boolean[]
}

/** One recipe: a point of the space. */
export interface SweepParams {
  /** a named architecture, or "custom" */
  arch: string
  /** hidden widths (a named architecture's own ones too) */
  hidden: number[]
  lr: number
  batchSize: number
  scaler: ScalerMode
  konvid: boolean
}

/** The parameters a sweep searches, in the order proposals draw them. */
export const SWEEP_PARAMS = ['arch', 'lr', 'batchSize', 'scaler', 'konvid'] as const
export type SweepParamName = (typeof SWEEP_PARAMS)[number]

export const DEFAULT_SPACE: SweepSpace = {
  arch: ['linear', 'mlp_small', 'mlp_medium', 'mlp_large', [32, 16]],
  lr: { min: 1e-4, max: 1e-2 },
  batchSize: [128, 256, 512],
  epochs: 30,
  scaler: ['standard', 'raw'],
  konvid: [true, false],
}

export class SpaceError extends Error {
  override name = 'SpaceError'
  constructor(
    readonly file: string,
    readonly key: string,
    message: string,
  ) {
    super(`${file}: ${key}: ${message}`)
  }
}

const KEYS = ['arch', 'lr', 'batchSize', 'epochs', 'scaler', 'konvid'] as const
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)

/** The label an architecture choice goes by: its name, or "custom:32x16". */
export function archLabel(a: ArchChoice | SweepParams): string {
  if (Array.isArray(a)) return `custom:${a.join('x')}`
  if (typeof a === 'string') return a
  return a.arch === 'custom' ? `custom:${a.hidden.join('x')}` : a.arch
}

function nonEmptyList(v: unknown, bad: (m: string) => SpaceError): unknown[] {
  if (!Array.isArray(v) || v.length === 0) throw bad('must be a non-empty list')
  return v
}

function checkArch(v: unknown, bad: (m: string) => SpaceError): ArchChoice[] {
  const names = [...Object.keys(NAMED_ARCHS)].join(', ')
  const out = nonEmptyList(v, bad).map((a, i): ArchChoice => {
    if (typeof a === 'string') {
      if (!isNamedArch(a)) throw bad(`[${i}] "${a}" is not an architecture (${names}, or custom hidden widths such as [32, 16])`)
      return a
    }
    if (!Array.isArray(a) || a.length === 0 || a.length > MAX_HIDDEN_LAYERS || !a.every((w) => Number.isInteger(w) && w >= 1 && w <= MAX_WIDTH))
      throw bad(`[${i}] custom widths must be 1 to ${MAX_HIDDEN_LAYERS} whole numbers from 1 to ${MAX_WIDTH}, got ${JSON.stringify(a)}`)
    return [...(a as number[])]
  })
  const labels = out.map(archLabel)
  if (new Set(labels).size !== labels.length) throw bad('repeats an architecture')
  return out
}

function checkLr(v: unknown, bad: (m: string) => SpaceError): SweepSpace['lr'] {
  if (!isObj(v) || typeof v.min !== 'number' || typeof v.max !== 'number') throw bad('must be { "min": lo, "max": hi } (drawn log-uniformly)')
  for (const x of [v.min, v.max]) {
    const p = lrProblem(x)
    if (p) throw bad(p)
  }
  if (v.min > v.max) throw bad(`min ${v.min} is above max ${v.max}`)
  return { min: v.min, max: v.max }
}

function checkChoices<T>(v: unknown, bad: (m: string) => SpaceError, ok: (x: unknown) => string | null): T[] {
  const list = nonEmptyList(v, bad)
  list.forEach((x, i) => {
    const p = ok(x)
    if (p) throw bad(`[${i}] ${p}`)
  })
  if (new Set(list.map((x) => JSON.stringify(x))).size !== list.length) throw bad('repeats a choice')
  return list as T[]
}

/** A space read from JSON (keys left out take DEFAULT_SPACE's); SpaceError names `file` and the key. */
export function checkSpace(raw: unknown, file = 'space'): SweepSpace {
  if (!isObj(raw)) throw new SpaceError(file, '(top level)', 'a search space is a JSON object')
  for (const k of Object.keys(raw))
    if (!(KEYS as readonly string[]).includes(k)) throw new SpaceError(file, k, `unknown key (the keys are ${KEYS.join(', ')})`)
  const bad = (key: string) => (m: string) => new SpaceError(file, key, m)
  const has = (k: string) => raw[k] !== undefined
  const epochs = has('epochs') ? raw.epochs : DEFAULT_SPACE.epochs
  const ep = typeof epochs === 'number' ? epochsProblem(epochs) : 'must be a whole number'
  if (ep) throw bad('epochs')(ep)
  return {
    arch: has('arch') ? checkArch(raw.arch, bad('arch')) : DEFAULT_SPACE.arch,
    lr: has('lr') ? checkLr(raw.lr, bad('lr')) : DEFAULT_SPACE.lr,
    batchSize: has('batchSize') ? checkChoices<number>(raw.batchSize, bad('batchSize'), (x) => (typeof x === 'number' ? batchSizeProblem(x) : `${JSON.stringify(x)} is not a number`)) : DEFAULT_SPACE.batchSize,
    epochs: epochs as number,
    scaler: has('scaler') ? checkChoices<ScalerMode>(raw.scaler, bad('scaler'), (x) => (x === 'standard' || x === 'raw' ? null : `must be "standard" or "raw", got ${JSON.stringify(x)}`)) : DEFAULT_SPACE.scaler,
    konvid: has('konvid') ? checkChoices<boolean>(raw.konvid, bad('konvid'), (x) => (typeof x === 'boolean' ? null : `must be true or false, got ${JSON.stringify(x)}`)) : DEFAULT_SPACE.konvid,
  }
}

/** The recipe of an architecture choice and the other values (the hidden widths spelled out). */
export function sweepParams(arch: ArchChoice, rest: Omit<SweepParams, 'arch' | 'hidden'>): SweepParams {
  const hidden = Array.isArray(arch) ? [...arch] : [...NAMED_ARCHS[arch]]
  return { arch: Array.isArray(arch) ? 'custom' : arch, hidden, lr: rest.lr, batchSize: rest.batchSize, scaler: rest.scaler, konvid: rest.konvid }
}

/** Whether `p` lies in `space` (an enqueued recipe is checked against it); null when it does. */
export function paramsProblem(p: SweepParams, space: SweepSpace): string | null {
  if (!space.arch.some((a) => archLabel(a) === archLabel(p))) return `architecture ${archLabel(p)} is not in the space (${space.arch.map(archLabel).join(', ')})`
  archSpec(p.arch, 1, p.arch === 'custom' ? p.hidden : undefined)
  if (!(p.lr > 0 && p.lr < LIMITS.lrBelow)) return lrProblem(p.lr)
  if (!space.batchSize.includes(p.batchSize)) return `batch size ${p.batchSize} is not in the space (${space.batchSize.join(', ')})`
  if (!space.scaler.includes(p.scaler)) return `scaler ${p.scaler} is not in the space`
  if (!space.konvid.includes(p.konvid)) return `konvid ${p.konvid} is not in the space`
  return null
}
