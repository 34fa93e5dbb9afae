// An experiment's design: arms × protocol × seeds, plus the training recipe and the pairs to
// compare. Plain data (a design.json is one of these); checkDesign reads one and names what is wrong.
import { isNamedArch, NAMED_ARCHS } from '../model/arch.ts'
import type { ScalerMode } from '../model/trained.ts'
import { LIMITS, optimizerProblem } from './limits.ts'

/** The nflx sources an arm trains on: all the table has, none, or a list. */
export type NflxCorpus = 'all' | 'none' | { sources: string[] }
/** The konvid clips an arm trains on: all, none, or a seeded fraction of whole clips. */
export type KonvidCorpus = 'all' | 'none' | { fraction: number; seed: number }

export interface ArmDesign {
  /** short id, e.g. "b" or "mlp_medium": the key in reports and model names */
  id: string
  label: string
  nflx: NflxCorpus
  konvid: KonvidCorpus
  /** linear, mlp_small, mlp_medium, mlp_large, or custom with `hidden` */
  arch: string
  hidden?: number[]
  epochs: number
  /** train as many optimizer steps as this arm does at its epochs (per fold); `epochs` is then ignored */
  matchStepsOf?: string
  batchSize: number
  lr: number
  /** input features; default the canonical six */
  features?: string[]
  scalerMode: ScalerMode
}

export type Protocol =
  /** leave-one-source-out over the table's nflx sources */
  | { kind: 'loso' }
  /** a seeded fraction of the konvid clips is held out (whole clips) and scored */
  | { kind: 'konvid-holdout'; fraction: number; seed: number }
  /** each arm trains on one corpus and is scored on the other (per nflx source, konvid pooled) */
  | { kind: 'cross' }
  /** one nflx source is held out for every arm */
  | { kind: 'fixed-source'; source: string }

export const PROTOCOLS = ['loso', 'konvid-holdout', 'cross', 'fixed-source'] as const

/**
 * How rows are ordered and shuffled.
 * - lab: the reference trainer's frame — rows by source name, then clip key — and each epoch
 *   DataLoader(shuffle=True) after torch.manual_seed(seed) and the model's init;
 * - plain: rows in file order (nflx, then konvid) and each epoch torch.randperm from a
 *   torch.Generator seeded with the seed.
 */
export type Recipe = 'lab' | 'plain'

export interface ExperimentDesign {
  name: string
  arms: ArmDesign[]
  protocol: Protocol
  /** seeds firstSeed … firstSeed + seeds − 1 */
  seeds: number
  firstSeed: number
  recipe: Recipe
  /** pairs to compare: Δ = b − a */
  comparisons: { a: string; b: string }[]
}

export class DesignError extends Error {
  override name = 'DesignError'
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`)
  }
}

/** The seeds of a design. */
export function designSeeds(d: Pick<ExperimentDesign, 'seeds' | 'firstSeed'>): number[] {
  return Array.from({ length: d.seeds }, (_, k) => d.firstSeed + k)
}

const ID = /^[a-z0-9][a-z0-9_-]{0,31}$/
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)
const whole = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string')

function checkArm(a: unknown, i: number, bad: (m: string) => DesignError): ArmDesign {
  if (!isObj(a)) throw bad(`arms[${i}] must be an object`)
  const where = `arm "${String(a.id ?? i)}"`
  if (typeof a.id !== 'string' || !ID.test(a.id)) throw bad(`arms[${i}].id must be a short lowercase id (a-z, 0-9, "_", "-"), got ${JSON.stringify(a.id)}`)
  if (typeof a.label !== 'string') throw bad(`${where}: label must be a string`)
  const nflx = a.nflx
  if (!(nflx === 'all' || nflx === 'none' || (isObj(nflx) && strings(nflx.sources) && nflx.sources.length > 0)))
    throw bad(`${where}: nflx must be "all", "none" or { "sources": [names] }`)
  const kv = a.konvid
  if (!(kv === 'all' || kv === 'none' || (isObj(kv) && typeof kv.fraction === 'number' && kv.fraction > 0 && kv.fraction < 1 && whole(kv.seed, 0, LIMITS.maxSeed))))
    throw bad(`${where}: konvid must be "all", "none" or { "fraction": f in (0, 1), "seed": s }`)
  if (nflx === 'none' && kv === 'none') throw bad(`${where} trains on nothing (nflx and konvid are both "none")`)
  if (typeof a.arch !== 'string' || !(a.arch === 'custom' || isNamedArch(a.arch)))
    throw bad(`${where}: arch must be one of ${[...Object.keys(NAMED_ARCHS), 'custom'].join(', ')}`)
  if (a.arch === 'custom' && !(Array.isArray(a.hidden) && a.hidden.every((w) => whole(w, 1, 128)) && a.hidden.length > 0))
    throw bad(`${where}: a custom arch needs hidden widths, e.g. [32, 16]`)
  const problem = optimizerProblem({ epochs: a.epochs as number, batchSize: a.batchSize as number, lr: a.lr as number })
  if (problem) throw bad(`${where}: ${problem}`)
  if (a.matchStepsOf !== undefined && typeof a.matchStepsOf !== 'string') throw bad(`${where}: matchStepsOf must be an arm id`)
  if (a.features !== undefined && !(strings(a.features) && a.features.length > 0)) throw bad(`${where}: features must be a non-empty list of column names`)
  if (a.scalerMode !== 'standard' && a.scalerMode !== 'raw') throw bad(`${where}: scalerMode must be "standard" or "raw"`)
  return a as unknown as ArmDesign
}

function checkProtocol(p: unknown, bad: (m: string) => DesignError): Protocol {
  if (!isObj(p) || !PROTOCOLS.includes(p.kind as never)) throw bad(`protocol.kind must be one of ${PROTOCOLS.join(', ')}`)
  if (p.kind === 'konvid-holdout' && !(typeof p.fraction === 'number' && p.fraction > 0 && p.fraction < 1 && whole(p.seed, 0, LIMITS.maxSeed)))
    throw bad('a konvid-holdout protocol needs "fraction" in (0, 1) and a whole "seed"')
  if (p.kind === 'fixed-source' && !(typeof p.source === 'string' && p.source)) throw bad('a fixed-source protocol needs "source"')
  return p as unknown as Protocol
}

/** A design read from JSON (or built in code), checked; DesignError names `file` and the problem. */
export function checkDesign(raw: unknown, file = 'design'): ExperimentDesign {
  const bad = (m: string) => new DesignError(file, m)
  if (!isObj(raw)) throw bad('a design is a JSON object')
  if (typeof raw.name !== 'string' || !ID.test(raw.name)) throw bad(`name must be a short lowercase id, got ${JSON.stringify(raw.name)}`)
  if (!Array.isArray(raw.arms) || raw.arms.length === 0) throw bad('arms must be a non-empty list')
  const arms = raw.arms.map((a, i) => checkArm(a, i, bad))
  const ids = new Set(arms.map((a) => a.id))
  if (ids.size !== arms.length) throw bad('arm ids repeat')
  for (const a of arms) {
    if (a.matchStepsOf === undefined) continue
    const other = arms.find((b) => b.id === a.matchStepsOf)
    if (!other) throw bad(`arm "${a.id}" matches the steps of "${a.matchStepsOf}", which is not an arm`)
    if (other.matchStepsOf !== undefined) throw bad(`arm "${a.id}" matches "${other.id}", which itself matches another arm`)
  }
  const protocol = checkProtocol(raw.protocol, bad)
  if (!whole(raw.seeds, 1, LIMITS.seedsPerExperiment)) throw bad(`seeds must be a whole number from 1 to ${LIMITS.seedsPerExperiment}`)
  const firstSeed = raw.firstSeed ?? 0
  if (!whole(firstSeed, 0, LIMITS.maxSeed - LIMITS.seedsPerExperiment)) throw bad('firstSeed must be a whole number ≥ 0')
  const recipe = raw.recipe ?? 'lab'
  if (recipe !== 'lab' && recipe !== 'plain') throw bad('recipe must be "lab" or "plain"')
  const comparisons = raw.comparisons ?? []
  if (!Array.isArray(comparisons) || !comparisons.every((c) => isObj(c) && ids.has(c.a as string) && ids.has(c.b as string)))
    throw bad('comparisons must be a list of { "a": arm id, "b": arm id }')
  return { name: raw.name, arms, protocol, seeds: raw.seeds, firstSeed, recipe, comparisons: comparisons as { a: string; b: string }[] }
}
