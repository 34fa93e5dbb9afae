// A sweep's proposals, seeded: uniform random recipes for the first round, then a Tree-structured
// Parzen Estimator (Bergstra et al., 2011) from what the earlier rounds measured. Every draw comes
// from PyTorch's mt19937 (src/base/prng.ts), so a seed gives the same proposals everywhere.
//
// TPE, as done here: the observations (recipe, loss; lower is better) are sorted by loss and split
// at the γ-quantile — the first max(1, ⌈γ·n⌉) are "good", the rest "bad". Each parameter gets two
// densities, l(x) over the good recipes and g(x) over the bad ones, independently of the others:
// - a choice (architecture, batch size, scaler, konvid): its share of the set, smoothed by a prior
//   weight spread evenly over the choices: (count + w/K) / (n + w);
// - the learning rate, in log10: a mixture of Gaussians truncated to the space's range, one per
//   observation (width (range/4)·(n+1)^(−1/5), Scott's rate) plus a prior one at the range's middle
//   as wide as the range, with weight w.
// A proposal draws `candidates` recipes from the good densities and keeps the one with the largest
// Σ log l(x) − log g(x) over the parameters.
import { TorchGenerator } from '../base/prng.ts'
import { archLabel, sweepParams, type ArchChoice, type SweepParams, type SweepSpace } from './sweepSpace.ts'

/** Uniform and normal draws from torch's mt19937. */
export class SweepRng {
  private readonly gen: TorchGenerator
  constructor(seed: number) {
    this.gen = new TorchGenerator(seed)
  }
  /** [0, 1) with 53 random bits */
  uniform(): number {
    const a = this.gen.random() >>> 5
    const b = this.gen.random() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }
  /** a whole number in [0, n) */
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n))
  }
  /** standard normal (Box–Muller) */
  normal(): number {
    const u = 1 - this.uniform()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform())
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]
  }
}

/** A recipe the sweep measured, with its loss (lower is better; finite). */
export interface Observation {
  params: SweepParams
  loss: number
}

export interface TpeOptions {
  /** share of the observations that are "good" (default 0.25) */
  gamma?: number
  /** candidates drawn from l(x) per proposal (default 24) */
  candidates?: number
  /** weight of the prior in every density (default 1) */
  priorWeight?: number
}

export const TPE_DEFAULTS = { gamma: 0.25, candidates: 24, priorWeight: 1 } as const

const log10 = Math.log10

/** A recipe drawn uniformly: every choice equally likely, the learning rate log-uniform. */
export function randomParams(space: SweepSpace, rng: SweepRng): SweepParams {
  const arch = rng.pick(space.arch)
  const [a, b] = [log10(space.lr.min), log10(space.lr.max)]
  const lr = 10 ** (a + rng.uniform() * (b - a))
  return sweepParams(arch, { lr, batchSize: rng.pick(space.batchSize), scaler: rng.pick(space.scaler), konvid: rng.pick(space.konvid) })
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x)
  const t = 1 / (1 + 0.3275911 * Math.abs(x))
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return s * y
}
const normCdf = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2))

interface Kernel {
  mu: number
  sigma: number
  weight: number
  /** its mass inside [lo, hi] */
  mass: number
}

/** A truncated Gaussian mixture over [lo, hi] (log10 learning rate). */
class Parzen {
  private readonly kernels: Kernel[]
  private readonly total: number
  constructor(
    points: readonly number[],
    private readonly lo: number,
    private readonly hi: number,
    priorWeight: number,
  ) {
    const range = hi - lo
    const width = (range / 4) * (points.length + 1) ** -0.2
    const kernel = (mu: number, sigma: number, weight: number): Kernel => ({ mu, sigma, weight, mass: normCdf((hi - mu) / sigma) - normCdf((lo - mu) / sigma) })
    this.kernels = [kernel((lo + hi) / 2, range, priorWeight), ...points.map((p) => kernel(Math.min(hi, Math.max(lo, p)), width, 1))]
    this.total = this.kernels.reduce((s, k) => s + k.weight, 0)
  }
  density(x: number): number {
    let d = 0
    for (const k of this.kernels) d += (k.weight * Math.exp(-0.5 * ((x - k.mu) / k.sigma) ** 2)) / (k.sigma * Math.sqrt(2 * Math.PI) * k.mass)
    return d / this.total
  }
  sample(rng: SweepRng): number {
    let u = rng.uniform() * this.total
    let k = this.kernels[this.kernels.length - 1]
    for (const c of this.kernels) {
      if (u < c.weight) {
        k = c
        break
      }
      u -= c.weight
    }
    for (let tries = 0; tries < 64; tries++) {
      const x = k.mu + k.sigma * rng.normal()
      if (x >= this.lo && x <= this.hi) return x
    }
    return Math.min(this.hi, Math.max(this.lo, k.mu))
  }
}

/** Smoothed shares of the choices among `seen` (labels). */
function choiceDensity(labels: readonly string[], seen: readonly string[], priorWeight: number): Map<string, number> {
  const out = new Map(labels.map((l) => [l, priorWeight / labels.length]))
  for (const s of seen) if (out.has(s)) out.set(s, out.get(s)! + 1)
  for (const [l, c] of out) out.set(l, c / (seen.length + priorWeight))
  return out
}

function drawChoice<T>(values: readonly T[], labels: readonly string[], density: Map<string, number>, rng: SweepRng): T {
  let u = rng.uniform()
  for (let i = 0; i < values.length; i++) {
    u -= density.get(labels[i])!
    if (u < 0) return values[i]
  }
  return values[values.length - 1]
}

interface Choice<T> {
  values: readonly T[]
  labels: string[]
  of: (p: SweepParams) => string
}

/** The densities of one set of observations. */
interface Densities {
  arch: Map<string, number>
  batchSize: Map<string, number>
  scaler: Map<string, number>
  konvid: Map<string, number>
  lr: Parzen
}

function choicesOf(space: SweepSpace) {
  return {
    arch: { values: space.arch, labels: space.arch.map(archLabel), of: archLabel } as Choice<ArchChoice>,
    batchSize: { values: space.batchSize, labels: space.batchSize.map(String), of: (p: SweepParams) => String(p.batchSize) } as Choice<number>,
    scaler: { values: space.scaler, labels: [...space.scaler], of: (p: SweepParams) => p.scaler } as Choice<SweepParams['scaler']>,
    konvid: { values: space.konvid, labels: space.konvid.map(String), of: (p: SweepParams) => String(p.konvid) } as Choice<boolean>,
  }
}

function densities(space: SweepSpace, set: readonly Observation[], w: number): Densities {
  const c = choicesOf(space)
  const d = (ch: Choice<unknown>) => choiceDensity(ch.labels, set.map((o) => ch.of(o.params)), w)
  return {
    arch: d(c.arch),
    batchSize: d(c.batchSize),
    scaler: d(c.scaler),
    konvid: d(c.konvid),
    lr: new Parzen(set.map((o) => log10(o.params.lr)), log10(space.lr.min), log10(space.lr.max), w),
  }
}

/** The good and the bad observations: sorted by loss (stable), split at the γ-quantile. */
export function splitObservations(obs: readonly Observation[], gamma: number = TPE_DEFAULTS.gamma): { good: Observation[]; bad: Observation[] } {
  const sorted = [...obs].sort((p, q) => p.loss - q.loss)
  const nGood = Math.max(1, Math.ceil(gamma * sorted.length))
  return { good: sorted.slice(0, nGood), bad: sorted.slice(nGood) }
}

/** Σ over the parameters of log l(x) − log g(x). */
function score(space: SweepSpace, p: SweepParams, l: Densities, g: Densities): number {
  const c = choicesOf(space)
  let s = 0
  for (const key of ['arch', 'batchSize', 'scaler', 'konvid'] as const) s += Math.log(l[key].get(c[key].of(p))!) - Math.log(g[key].get(c[key].of(p))!)
  if (space.lr.max > space.lr.min) s += Math.log(l.lr.density(log10(p.lr))) - Math.log(g.lr.density(log10(p.lr)))
  return s
}

function drawFrom(space: SweepSpace, l: Densities, rng: SweepRng): SweepParams {
  const c = choicesOf(space)
  const arch = drawChoice(c.arch.values, c.arch.labels, l.arch, rng)
  const lr = space.lr.max > space.lr.min ? 10 ** l.lr.sample(rng) : space.lr.min
  return sweepParams(arch, {
    lr,
    batchSize: drawChoice(c.batchSize.values, c.batchSize.labels, l.batchSize, rng),
    scaler: drawChoice(c.scaler.values, c.scaler.labels, l.scaler, rng),
    konvid: drawChoice(c.konvid.values, c.konvid.labels, l.konvid, rng),
  })
}

/** `n` TPE proposals from `obs` (at least 2 observations; fewer: random ones). */
export function proposeTpe(space: SweepSpace, obs: readonly Observation[], rng: SweepRng, n: number, opts: TpeOptions = {}): SweepParams[] {
  const o = { ...TPE_DEFAULTS, ...opts }
  if (obs.length < 2) return Array.from({ length: n }, () => randomParams(space, rng))
  const { good, bad } = splitObservations(obs, o.gamma)
  const l = densities(space, good, o.priorWeight)
  const g = densities(space, bad, o.priorWeight)
  return Array.from({ length: n }, () => {
    let best: SweepParams | null = null
    let bestScore = -Infinity
    for (let k = 0; k < o.candidates; k++) {
      const cand = drawFrom(space, l, rng)
      const s = score(space, cand, l, g)
      if (best === null || s > bestScore) [best, bestScore] = [cand, s]
    }
    return best!
  })
}
