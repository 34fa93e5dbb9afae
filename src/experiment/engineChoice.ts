// The auto decision between the WebGPU engine and the CPU trainer (WebAssembly SIMD), in one place.
// It reads the speeds `npm run bench:archs` measured (engineSpeeds.ts, data the benchmark writes
// from its committed bench/results/archs-<date>.json) for the adapter kind at hand, estimates how
// long each engine would take for this run's models, and says which one it picked and why:
//   "mlp_medium on a software adapter: the CPU trainer is 4.1× faster (measured …)"
// An adapter kind without measured rows (real GPUs, until bench:archs runs on one): there auto keeps
// the WebGPU engine and says that there is no measurement for this adapter, so it is the design's
// choice, not a measured one.
import { NAMED_ARCHS, paramCount } from '../model/arch.ts'
import { MEASURED_SPEEDS } from './engineSpeeds.ts'

export type EngineKind = 'gpu' | 'cpu'

/** What auto knows about the GPU before training: an adapter (software or not), or why there is none. */
export type GpuProbe = { ok: true; software: boolean; adapter: string } | { ok: false; reason: string }

/** One architecture's share of a run: its widths (input first), how many models, samples each trains. */
export interface WorkItem {
  widths: readonly number[]
  models: number
  /** training samples per model (rows × epochs); only the ratio between items matters */
  samples: number
}

/** samples/s summed over the models of a run, keyed by the model count of the measurement */
export type SpeedRow = Record<string, number>

export interface EngineSpeeds {
  /** the committed result file these speeds come from */
  source: string
  /** per adapter kind, when the kinds were measured on different machines (then it wins over `source`) */
  sources?: Partial<Record<'software' | 'hardware', string>>
  /** e.g. "2026-12-01, 2 cores (…), load average 2.1 → 2.4" */
  measured: string
  /** adapter kind → architecture name → engine → model count → samples/s */
  adapters: Partial<Record<'software' | 'hardware', Record<string, Record<EngineKind, SpeedRow>>>>
}

export const ENGINE_SPEEDS: EngineSpeeds = MEASURED_SPEEDS

export interface EngineChoice {
  engine: EngineKind
  /** the sentence the front ends show */
  why: string
  /** how many times faster the chosen engine is estimated to be (null: not measured) */
  ratio: number | null
}

/** "738k", "5.2M" */
export function fmtRate(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 1)}M`
  if (v >= 1e3) return `${Math.round(v / 1e3)}k`
  return String(Math.round(v))
}

/** The measured architecture for `widths`: the same hidden widths, else the closest in parameter count. */
export function tableArch(widths: readonly number[], names: string[]): { name: string; exact: boolean } | null {
  const hidden = widths.slice(1, -1).join(',')
  const exact = names.find((n) => (NAMED_ARCHS as Record<string, readonly number[]>)[n]?.join(',') === hidden)
  if (exact) return { name: exact, exact: true }
  const p = paramCount(widths)
  let best: { name: string; d: number } | null = null
  for (const n of names) {
    const h = (NAMED_ARCHS as Record<string, readonly number[]>)[n]
    if (!h) continue
    const d = Math.abs(Math.log(paramCount([widths[0], ...h, 1]) / p))
    if (!best || d < best.d) best = { name: n, d }
  }
  return best && { name: best.name, exact: false }
}

/** The measured model count closest to `models` (on a log scale). */
function nearestCount(row: SpeedRow, models: number): string {
  const keys = Object.keys(row)
  return keys.reduce((a, b) => (Math.abs(Math.log(Number(b) / models)) < Math.abs(Math.log(Number(a) / models)) ? b : a))
}

const ENGINE_WORDS: Record<EngineKind, string> = { gpu: 'the WebGPU engine', cpu: 'the CPU trainer' }

function archWords(work: WorkItem[], names: Map<WorkItem, { name: string; exact: boolean }>): string {
  const list = work.map((w) => {
    const t = names.get(w)!
    return t.exact ? t.name : `${w.widths.slice(1, -1).join('×') || 'linear'} (sized like ${t.name})`
  })
  const uniq = [...new Set(list)]
  const models = work.reduce((s, w) => s + w.models, 0)
  return `${uniq.join(', ')}${models > 1 ? ` (${models} models)` : ''}`
}

/**
 * The auto decision. Without a GPU: the CPU trainer. On an adapter kind the table measured: the
 * engine with the shorter estimated time for `work` (each item's samples ÷ that engine's speed for
 * its architecture at the run's model count). On a real GPU without measurements: the WebGPU engine,
 * by design, and the sentence says it was not measured.
 */
export function chooseEngine(gpu: GpuProbe, work: WorkItem[] = [], table: EngineSpeeds = ENGINE_SPEEDS): EngineChoice {
  if (!gpu.ok) return { engine: 'cpu', why: `WebGPU unavailable: ${gpu.reason}`, ratio: null }
  const kind = gpu.software ? 'software' : 'hardware'
  const where = gpu.software ? 'a software adapter' : `a GPU (${gpu.adapter})`
  const rows = table.adapters[kind]
  const names = rows ? Object.keys(rows) : []
  const matched = new Map<WorkItem, { name: string; exact: boolean }>()
  for (const w of work) {
    const t = tableArch(w.widths, names)
    if (t) matched.set(w, t)
  }
  if (!rows || work.length === 0 || matched.size < work.length) {
    if (gpu.software) return { engine: 'gpu', why: `${where}: the WebGPU engine (no measured speeds for this run, so auto keeps the GPU)`, ratio: null }
    return {
      engine: 'gpu',
      why: `${where}: no measurement for this adapter; auto keeps the WebGPU engine, whose kernels are designed for GPUs (not measured against the CPU trainer here: npm run bench:archs on this machine measures both)`,
      ratio: null,
    }
  }
  const total = work.reduce((s, w) => s + w.models, 0)
  const time: Record<EngineKind, number> = { gpu: 0, cpu: 0 }
  const rate: Record<EngineKind, number> = { gpu: 0, cpu: 0 }
  let count = ''
  for (const w of work) {
    const speeds = rows[matched.get(w)!.name]
    for (const e of ['gpu', 'cpu'] as const) {
      count = nearestCount(speeds[e], total)
      time[e] += (w.models * w.samples) / speeds[e][count]
      rate[e] = speeds[e][count]
    }
  }
  const engine: EngineKind = time.cpu < time.gpu ? 'cpu' : 'gpu'
  const other: EngineKind = engine === 'cpu' ? 'gpu' : 'cpu'
  const ratio = time[other] / time[engine]
  const single = work.length === 1 && matched.get(work[0])!.exact
  const evidence = single
    ? `measured ${fmtRate(rate[engine])} vs ${fmtRate(rate[other])} samples/s at ${count} model${count === '1' ? '' : 's'}`
    : `estimated from the speeds measured at ${count} model${count === '1' ? '' : 's'}`
  return {
    engine,
    why: `${archWords(work, matched)} on ${where}: ${ENGINE_WORDS[engine]} is ${ratio.toFixed(1)}× faster (${evidence}, ${table.sources?.[kind] ?? table.source})`,
    ratio,
  }
}

/** A run's jobs as the decision sees them: one item per architecture (widths), samples per model averaged. */
export function workOf(jobs: readonly { widths: readonly number[]; trainRows: { length: number }; epochs: number }[]): WorkItem[] {
  const by = new Map<string, WorkItem>()
  for (const j of jobs) {
    const key = j.widths.join(',')
    const w = by.get(key) ?? { widths: j.widths, models: 0, samples: 0 }
    w.samples = (w.samples * w.models + j.trainRows.length * Math.max(j.epochs, 1)) / (w.models + 1)
    w.models++
    by.set(key, w)
  }
  return [...by.values()]
}
