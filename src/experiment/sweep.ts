// A sweep: a search over recipes (src/experiment/sweepSpace.ts) scored by leave-one-source-out over
// the nflx sources. It goes in rounds; a round's trials are the arms of one designed experiment
// (LOSO, the lab recipe, the sweep's seed), conducted through conductExperiment, so every trial ×
// fold trains together on the multi-model engine. The first round's recipes are random, the later
// rounds' come from TPE over what was measured (sweepPropose.ts).
//
// Successive halving on epochs (ASHA's rungs): every trial of a round first trains to the first
// rung's epochs; a trial goes on to the next rung only when its objective there ranks in the top
// ⌈n/η⌉ of the n trials that have reached that rung so far (this round's and the earlier ones');
// the rest stop there, "pruned", with the epochs they reached. A promoted trial trains again from
// its seed to the next rung's epochs: the trainers are deterministic, so its first epochs are the
// ones it already trained and the value at the higher rung is what continuing would have given.
//
// Objectives (over the LOSO folds; the value at the epochs a trial reached): mean-plcc (mean over
// folds of PLCC, higher is better), worst-plcc (the lowest fold's PLCC), mean-rmse (mean over folds
// of RMSE, lower is better). A trial with a fold that produced no evaluated model, or a non-finite
// value, has no objective: "failed".
//
// Importance: per parameter, the share of the objective's variance its values explain (the
// correlation ratio η² = between-group sum of squares / total sum of squares), computed over every
// trial's value at the first rung — the one budget all trials were measured at. Choices group by
// value; the learning rate by equal-count bins of its rank (4, fewer below 8 trials). A parameter
// the space fixes, or fewer than 3 values, gives null. η² of small groups leans high: it ranks
// parameters, it is not a test.
import type { TableView } from '../data/table.ts'
import { archSpec } from '../model/arch.ts'
import { CANONICAL_FEATURES } from '../base/features.ts'
import { CORPORA } from '../data/table.ts'
import { conductResuming, type ExperimentResult } from './conduct.ts'
import { checkDesign, type ArmDesign, type ExperimentDesign } from './design.ts'
import { splitRecord } from './records.ts'
import type { ExperimentDeps, ExperimentProgress, RunFailure, RunSpec } from './run.ts'
import { experimentModelId } from './schedule.ts'
import { proposeTpe, randomParams, SweepRng, TPE_DEFAULTS, type Observation } from './sweepPropose.ts'
import { archLabel, DEFAULT_SPACE, paramsProblem, SWEEP_PARAMS, type SweepParamName, type SweepParams, type SweepSpace } from './sweepSpace.ts'

export const OBJECTIVES = ['mean-plcc', 'worst-plcc', 'mean-rmse'] as const
export type SweepObjective = (typeof OBJECTIVES)[number]
export type TrialState = 'complete' | 'pruned' | 'failed'

export interface SweepTrial {
  /** "t00", "t01", … in the order they were proposed */
  id: string
  round: number
  params: SweepParams
  /** the objective at the epochs it reached; null: failed */
  objective: number | null
  state: TrialState
  /** epochs it trained */
  epochs: number
  /** its objective at every rung it reached */
  rungs: { epochs: number; objective: number | null }[]
}

export interface SweepOptions {
  trials: number
  space?: SweepSpace
  objective?: SweepObjective
  /** seeds the proposals and every model's init and shuffles (torch.manual_seed) */
  seed: number
  /** trials per round (default ⌈trials / 4⌉, at least 4) */
  roundSize?: number
  /** the halving rate η (default 3) */
  eta?: number
  /** the rungs below the full budget, as fractions of the space's epochs (default 1/3, 2/3) */
  rungs?: readonly number[]
  /** recipes to try first, before any proposal (each must lie in the space) */
  enqueue?: readonly SweepParams[]
  signal?: AbortSignal
  /** a rung starts: the trials that train in it, to `epochs` */
  onRungStart?: (r: { round: number; rounds: number; epochs: number; trials: SweepTrial[] }) => void
  /** resumes of a rung after a lost device, from each run's last completed epoch (default 0) */
  resumeAttempts?: number
  onResume?: (lost: readonly RunFailure[], attempt: number) => void
  /** a rung finished: its trials (with this rung's value), how many of them go on, the experiment */
  onRung?: (r: { round: number; rounds: number; epochs: number; trials: SweepTrial[]; continuing: number; result: ExperimentResult }) => void
  onProgress?: (p: ExperimentProgress) => void
}

export interface SweepResult {
  objective: SweepObjective
  space: SweepSpace
  rungEpochs: number[]
  trials: SweepTrial[]
  /** the best trial that trained the full budget (null when none did) */
  best: { id: string; params: SweepParams; objective: number } | null
  importance: Record<SweepParamName, number | null>
  /** training and evaluation time of every rung, summed */
  wallMs: number
  cancelled: boolean
}

export const SWEEP_DEFAULTS = { eta: 3, rungs: [1 / 3, 2 / 3] } as const

/** Lower is better: the objective as TPE and the rungs rank it. */
export const lossOf = (objective: SweepObjective, v: number) => (objective === 'mean-rmse' ? v : -v)

/** The epochs of every rung: the fractions of `epochs` (at least 1, below it, no repeats), then `epochs`. */
export function rungEpochs(epochs: number, fractions: readonly number[] = SWEEP_DEFAULTS.rungs): number[] {
  const below = fractions.map((f) => Math.max(1, Math.round(f * epochs))).filter((e) => e < epochs)
  return [...new Set(below)].sort((a, b) => a - b).concat(epochs)
}

/** The arm that trains `p` for `epochs`: every nflx source (LOSO holds one out), konvid or not. */
export function trialArm(id: string, p: SweepParams, epochs: number): ArmDesign {
  return {
    id,
    label: `${archLabel(p)}, lr ${p.lr.toPrecision(3)}, batch ${p.batchSize}, ${p.scaler}, ${p.konvid ? 'nflx + konvid' : 'nflx only'}`,
    nflx: 'all',
    konvid: p.konvid ? 'all' : 'none',
    arch: p.arch,
    ...(p.arch === 'custom' ? { hidden: [...p.hidden] } : {}),
    epochs,
    batchSize: p.batchSize,
    lr: p.lr,
    scalerMode: p.scaler,
  }
}

/** The designed experiment of one rung: the trials as arms, LOSO, one seed. */
export function rungDesign(trials: readonly Pick<SweepTrial, 'id' | 'params'>[], epochs: number, seed: number): ExperimentDesign {
  return checkDesign({
    name: 'sweep',
    arms: trials.map((t) => trialArm(t.id, t.params, epochs)),
    protocol: { kind: 'loso' },
    seeds: 1,
    firstSeed: seed,
    recipe: 'lab',
    comparisons: [],
  }, 'sweep')
}

/** A trial's objective from a conducted rung: null unless every LOSO fold has a finite value. */
export function trialObjective(res: ExperimentResult, id: string, objective: SweepObjective): number | null {
  const arm = res.summary.arms[id]
  const folds = res.schedule.folds
  if (!arm || arm.folds.length !== folds.length || arm.folds.some((f) => f.plcc === null || f.rmse === null)) return null
  const v = objective === 'mean-plcc' ? arm.mean.plcc : objective === 'mean-rmse' ? arm.mean.rmse : Math.min(...arm.folds.map((f) => f.plcc!))
  return v !== null && Number.isFinite(v) ? v : null
}

/** The trials of this round at rung `k` that go on: the top ⌈n/η⌉ of every trial measured there. */
function promoted(all: readonly SweepTrial[], active: readonly SweepTrial[], k: number, eta: number, objective: SweepObjective): Set<string> {
  const measured = all.filter((t) => t.rungs[k] && t.rungs[k].objective !== null)
  const ranked = [...measured].sort((p, q) => lossOf(objective, p.rungs[k].objective!) - lossOf(objective, q.rungs[k].objective!) || (p.id < q.id ? -1 : 1))
  const top = new Set(ranked.slice(0, Math.ceil(ranked.length / eta)).map((t) => t.id))
  return new Set(active.filter((t) => top.has(t.id)).map((t) => t.id))
}

/** TPE's observations: the highest rung with at least ⌈2/γ⌉ values, else the first rung. */
function observations(trials: readonly SweepTrial[], objective: SweepObjective, rungs: number): Observation[] {
  const at = (k: number) => trials.filter((t) => t.rungs[k]?.objective != null).map((t) => ({ params: t.params, loss: lossOf(objective, t.rungs[k].objective!) }))
  const need = Math.ceil(2 / TPE_DEFAULTS.gamma)
  for (let k = rungs - 1; k > 0; k--) {
    const obs = at(k)
    if (obs.length >= need) return obs
  }
  return at(0)
}

/** η² of `values` grouped by `groups` (null when they do not vary). */
function correlationRatio(values: readonly number[], groups: readonly string[]): number | null {
  const m = values.reduce((s, v) => s + v, 0) / values.length
  const total = values.reduce((s, v) => s + (v - m) ** 2, 0)
  if (!(total > 0) || new Set(groups).size < 2) return null
  const byGroup = new Map<string, number[]>()
  values.forEach((v, i) => byGroup.set(groups[i], [...(byGroup.get(groups[i]) ?? []), v]))
  let between = 0
  for (const g of byGroup.values()) between += g.length * (g.reduce((s, v) => s + v, 0) / g.length - m) ** 2
  return between / total
}

/** Per parameter, η² of the first rung's objective (see the header). */
export function parameterImportance(trials: readonly SweepTrial[], space: SweepSpace): Record<SweepParamName, number | null> {
  const seen = trials.filter((t) => t.rungs[0]?.objective != null)
  const values = seen.map((t) => t.rungs[0].objective!)
  const out = Object.fromEntries(SWEEP_PARAMS.map((k) => [k, null])) as Record<SweepParamName, number | null>
  if (seen.length < 3) return out
  const varies: Record<SweepParamName, boolean> = { arch: space.arch.length > 1, lr: space.lr.max > space.lr.min, batchSize: space.batchSize.length > 1, scaler: space.scaler.length > 1, konvid: space.konvid.length > 1 }
  const bins = Math.min(4, Math.floor(seen.length / 2))
  const rank = [...seen.keys()].sort((a, b) => seen[a].params.lr - seen[b].params.lr)
  const lrBin = new Array<string>(seen.length)
  rank.forEach((i, r) => (lrBin[i] = String(Math.floor((r * bins) / seen.length))))
  const groups: Record<SweepParamName, string[]> = {
    arch: seen.map((t) => archLabel(t.params)),
    lr: lrBin,
    batchSize: seen.map((t) => String(t.params.batchSize)),
    scaler: seen.map((t) => t.params.scaler),
    konvid: seen.map((t) => String(t.params.konvid)),
  }
  for (const k of SWEEP_PARAMS) if (varies[k]) out[k] = correlationRatio(values, groups[k])
  return out
}

/** The best trial that trained the full budget; ties go to the earlier trial. */
export function bestTrial(trials: readonly SweepTrial[], objective: SweepObjective): SweepResult['best'] {
  let best: SweepTrial | null = null
  for (const t of trials)
    if (t.state === 'complete' && t.objective !== null && (best === null || lossOf(objective, t.objective) < lossOf(objective, best.objective!))) best = t
  return best && { id: best.id, params: best.params, objective: best.objective! }
}

/** The recipes of one round: enqueued ones first, then random (first round) or TPE proposals. */
function roundParams(o: { space: SweepSpace; queue: SweepParams[]; rng: SweepRng; n: number; round: number; trials: SweepTrial[]; objective: SweepObjective; rungs: number }): SweepParams[] {
  const out = o.queue.splice(0, o.n)
  const more = o.n - out.length
  if (more > 0) {
    const obs = o.round === 0 ? [] : observations(o.trials, o.objective, o.rungs)
    out.push(...(obs.length >= 2 ? proposeTpe(o.space, obs, o.rng, more) : Array.from({ length: more }, () => randomParams(o.space, o.rng))))
  }
  return out
}

/** Run the sweep on `table`: rounds of trials, each rung one designed experiment. */
export async function runSweep(table: TableView, deps: ExperimentDeps, opts: SweepOptions): Promise<SweepResult> {
  const space = opts.space ?? DEFAULT_SPACE
  const objective = opts.objective ?? 'mean-plcc'
  const eta = opts.eta ?? SWEEP_DEFAULTS.eta
  if (!Number.isInteger(opts.trials) || opts.trials < 1) throw new RangeError(`trials must be a whole number ≥ 1, got ${opts.trials}`)
  if (!(eta > 1)) throw new RangeError(`η must be above 1, got ${eta}`)
  const roundSize = opts.roundSize ?? Math.max(4, Math.ceil(opts.trials / 4))
  const rounds = Math.ceil(opts.trials / roundSize)
  const epochsAt = rungEpochs(space.epochs, opts.rungs)
  const queue = [...(opts.enqueue ?? [])]
  for (const p of queue) {
    const problem = paramsProblem(p, space)
    if (problem) throw new RangeError(`an enqueued recipe: ${problem}`)
  }
  const rng = new SweepRng(opts.seed)
  const width = Math.max(2, String(opts.trials - 1).length)
  const trials: SweepTrial[] = []
  let wallMs = 0
  let cancelled = false
  for (let round = 0; round < rounds && !cancelled; round++) {
    const n = Math.min(roundSize, opts.trials - trials.length)
    const params = roundParams({ space, queue, rng, n, round, trials, objective, rungs: epochsAt.length })
    let active: SweepTrial[] = params.map((p, i) => ({ id: `t${String(trials.length + i).padStart(width, '0')}`, round, params: p, objective: null, state: 'failed', epochs: 0, rungs: [] }))
    trials.push(...active)
    for (let k = 0; k < epochsAt.length && active.length; k++) {
      const epochs = epochsAt[k]
      opts.onRungStart?.({ round, rounds, epochs, trials: active })
      const result = await conductResuming(table, rungDesign(active, epochs, opts.seed), deps, { signal: opts.signal, onProgress: opts.onProgress, attempts: opts.resumeAttempts ?? 0, onResume: opts.onResume })
      wallMs += result.wallMs
      if (result.cancelled) {
        cancelled = true
        break
      }
      for (const t of active) {
        const v = trialObjective(result, t.id, objective)
        t.rungs.push({ epochs, objective: v })
        Object.assign(t, { objective: v, epochs, state: v === null ? 'failed' : k === epochsAt.length - 1 ? 'complete' : 'pruned' })
      }
      const next = k < epochsAt.length - 1 ? promoted(trials, active, k, eta, objective) : new Set<string>()
      opts.onRung?.({ round, rounds, epochs, trials: active, continuing: next.size, result })
      active = active.filter((t) => next.has(t.id))
    }
  }
  return { objective, space, rungEpochs: epochsAt, trials, best: bestTrial(trials, objective), importance: parameterImportance(trials, space), wallMs, cancelled }
}

/** The run that trains `p` on every row it uses (nflx, and konvid when it is on): no rows held out. */
export function finalRunSpec(table: TableView, p: SweepParams, o: { trial: string; epochs: number; seed: number }): RunSpec {
  const corpus = table.corpusCodes()
  const nflx = CORPORA.indexOf('nflx')
  const trainRows = Uint32Array.from({ length: table.rows }, (_, i) => i).filter((r) => p.konvid || corpus[r] === nflx)
  const valRows = new Uint32Array(0)
  const description = `all ${trainRows.length.toLocaleString('en-US')} ${p.konvid ? '' : 'nflx '}rows train; no validation rows`
  const features = [...CANONICAL_FEATURES]
  return {
    id: finalModelId(o.trial, o.seed),
    label: `${o.trial} (${archLabel(p)}) on every row`,
    arch: archSpec(p.arch, features.length, p.arch === 'custom' ? p.hidden : undefined),
    features,
    seed: o.seed,
    rows: { trainRows, valRows },
    split: splitRecord(table, { mode: 'none', trainRows, valRows, heldOutKeys: [], description }),
    epochs: o.epochs,
    batchSize: p.batchSize,
    lr: p.lr,
    scalerMode: p.scaler,
    provenance: { experiment: 'sweep', arm: o.trial, fold: 'all' },
  }
}

/** The final model's id: the sweep, the best trial, every row, the seed. */
export const finalModelId = (trial: string, seed: number) => experimentModelId('sweep', trial, 'all', seed)
