// Training state for the Train panel, and the client of workers/train.worker.ts.
// Turns the panel's settings into jobs over the loaded table (src/model/jobs.ts), runs them in
// the worker, keeps every epoch's losses and the last checkpoint per model (so a cancelled or
// interrupted run can resume), and hands finished models to the model registry.
import * as Comlink from 'comlink'
import { CANONICAL_FEATURES, archSpec, type ArchName, type ArchSpec } from '../model/arch.ts'
import { makeJob, tableToTrainData, toTrainedModel } from '../model/jobs.ts'
import type { ScalerMode, TrainedModel } from '../model/trained.ts'
import type { Checkpoint, EpochEvent, JobStatus, TrainData, TrainJob, TrainResult } from '../model/trainer.ts'
import { PREFERRED_HOLDOUT, makeSplit, nflxSources } from '../data/splits.ts'
import type { TableView } from '../data/table.ts'
import type { TrainerInfo, TrainWorkerApi } from '../../workers/train.worker.ts'
import { data } from './data.svelte.ts'
import { addTrainedModel } from './models.svelte.ts'

export interface TrainSettings {
  arch: ArchName
  /** custom hidden widths, e.g. "32,16" */
  hidden: string
  epochs: number
  batchSize: number
  lr: number
  /** one model per seed: "0", "0,1,2" or "0-4" */
  seeds: string
  scalerMode: ScalerMode
  /** held-out nflx source for validation ('' trains on every row); the panel swaps a source
   *  that is not loaded for the default one */
  holdout: string
}

export type RunPhase = 'idle' | 'preparing' | 'training' | 'done' | 'cancelled' | 'interrupted' | 'failed'

export interface ModelRun {
  id: string
  label: string
  seed: number
  status: JobStatus | 'queued' | 'training'
  message: string | null
  trainLoss: number[]
  valLoss: number[]
}

export class TrainSettingsError extends Error {
  override name = 'TrainSettingsError'
}

/** What a run needs beyond the worker: kept so a resume trains the very same jobs on the same data. */
interface RunContext {
  data: TrainData
  jobs: TrainJob[]
  arch: ArchSpec
  features: string[]
  seeds: number[]
  scalerMode: ScalerMode
  split: string
  table: TableView
  checkpoints: (Checkpoint | null)[]
  wallMs: number
}

/** "0", "0,1,2", "0-4" → seeds. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = []
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part)
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])]
      if (b < a || b - a >= 32) throw new TrainSettingsError(`seed range "${part}" must go up, at most 32 seeds`)
      for (let s = a; s <= b; s++) seeds.push(s)
    } else if (/^\d+$/.test(part)) seeds.push(Number(part))
    else throw new TrainSettingsError(`seed "${part}" is not a whole number (e.g. 0, or 0,1,2, or 0-4)`)
  }
  if (seeds.length === 0) throw new TrainSettingsError('give at least one seed')
  if (new Set(seeds).size !== seeds.length) throw new TrainSettingsError('seeds repeat')
  if (seeds.length > 32) throw new TrainSettingsError('at most 32 models at once')
  return seeds
}

export function parseHidden(text: string): number[] {
  const parts = text.split(/[,\s→x×]+/).filter(Boolean)
  if (parts.length === 0) throw new TrainSettingsError('a custom architecture needs hidden widths, e.g. 32,16')
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new TrainSettingsError(`hidden width "${p}" is not a whole number`)
    return Number(p)
  })
}

/** The features a model trains on: the canonical six when the table has them, else all it has. */
export function trainingFeatures(table: TableView): string[] {
  const canonical = CANONICAL_FEATURES.filter((f) => table.featureNames.includes(f))
  return canonical.length === CANONICAL_FEATURES.length ? [...canonical] : [...table.featureNames]
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

class TrainStore {
  settings = $state<TrainSettings>({
    arch: 'mlp_small',
    hidden: '32,16',
    epochs: 30,
    batchSize: 256,
    lr: 0.001,
    seeds: '0',
    scalerMode: 'standard',
    holdout: PREFERRED_HOLDOUT,
  })
  /** the trainer the worker picked (null until it answers) */
  device = $state<TrainerInfo | null>(null)
  phase = $state<RunPhase>('idle')
  runs = $state<ModelRun[]>([])
  /** the latest problem in plain words (settings, device loss, divergence…) */
  message = $state<string | null>(null)
  /** epochs each model of the run trains */
  epochs = $state(0)
  /** model-epochs done and planned over all models of the run (for progress and ETA) */
  epochsDone = $state(0)
  epochsTotal = $state(0)
  /** ms since the run (or resume) started, updated per epoch */
  elapsedMs = $state(0)
  /** ms left, estimated from the epochs so far */
  etaMs = $state<number | null>(null)
  /** models that finished training (also handed to the registry) */
  finished = $state.raw<TrainedModel[]>([])

  private worker: Comlink.Remote<TrainWorkerApi> | null = null
  private context: RunContext | null = null

  /** epochs of one model done / planned (the run's models train in step) */
  get epoch(): number {
    return this.runs.length ? Math.max(0, ...this.runs.map((r) => r.trainLoss.length)) : 0
  }


  get running(): boolean {
    return this.phase === 'preparing' || this.phase === 'training'
  }

  get canResume(): boolean {
    return !this.running && (this.phase === 'cancelled' || this.phase === 'interrupted') && this.context !== null
  }

  /** Start the worker and let it pick a trainer (pipelines compile while the data loads). */
  prepare(): Promise<TrainerInfo> {
    const w = this.remote()
    return w.prepare().then(
      (info) => (this.device = info),
      (e) => {
        this.message = `could not start the training worker: ${describeError(e)}`
        throw e
      },
    )
  }

  private remote(): Comlink.Remote<TrainWorkerApi> {
    this.worker ??= Comlink.wrap<TrainWorkerApi>(
      new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'train' }),
    )
    return this.worker
  }

  /** Sources the holdout picker offers. */
  holdoutOptions(table: TableView | null): string[] {
    return table ? nflxSources(table) : []
  }

  /** Validate the settings against the table; throws TrainSettingsError/ArchError with a plain message. */
  private buildContext(table: TableView): RunContext {
    const s = this.settings
    const features = trainingFeatures(table)
    if (features.length === 0) throw new TrainSettingsError('the loaded data has no feature columns')
    const arch = archSpec(s.arch, features.length, s.arch === 'custom' ? parseHidden(s.hidden) : undefined)
    if (!Number.isInteger(s.epochs) || s.epochs < 1 || s.epochs > 10000)
      throw new TrainSettingsError('epochs must be a whole number from 1 to 10,000')
    if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > 65536)
      throw new TrainSettingsError('batch size must be a whole number from 1 to 65,536')
    if (!(s.lr > 0 && s.lr < 10)) throw new TrainSettingsError('learning rate must be above 0 and below 10')
    const seeds = parseSeeds(s.seeds)

    let trainRows: Uint32Array
    let valRows: Uint32Array
    let split: string
    if (s.holdout) {
      const sp = makeSplit(table, { mode: 'netflix-source', holdoutSource: s.holdout })
      ;({ trainRows, valRows } = sp)
      split = sp.description
    } else {
      trainRows = Uint32Array.from({ length: table.rows }, (_, i) => i)
      valRows = new Uint32Array(0)
      split = 'all rows train; no validation rows'
    }
    if (trainRows.length === 0) throw new TrainSettingsError('the split leaves no training rows')

    const trainData = tableToTrainData(table, features)
    const jobs = seeds.map((seed, j) =>
      makeJob({
        id: `m${j}`,
        label: seeds.length > 1 ? `${arch.name} seed ${seed}` : arch.name,
        widths: arch.widths,
        seed,
        scalerMode: s.scalerMode,
        data: trainData,
        trainRows,
        valRows,
        epochs: s.epochs,
        batchSize: s.batchSize,
        lr: s.lr,
      }),
    )
    return {
      data: trainData,
      jobs,
      arch,
      features,
      seeds,
      scalerMode: s.scalerMode,
      split,
      table,
      checkpoints: jobs.map(() => null),
      wallMs: 0,
    }
  }

  async start(): Promise<void> {
    if (this.running) return
    const table = data.table
    if (!table || table.rows === 0) {
      this.message = 'load data first (Data tab)'
      return
    }
    let ctx: RunContext
    try {
      ctx = this.buildContext(table)
    } catch (e) {
      this.message = describeError(e)
      return
    }
    this.context = ctx
    this.runs = ctx.jobs.map((j, i) => ({
      id: j.id,
      label: j.label,
      seed: ctx.seeds[i],
      status: 'queued',
      message: null,
      trainLoss: [],
      valLoss: [],
    }))
    await this.run(ctx, null)
  }

  /** Continue a cancelled or interrupted run from each model's last completed epoch. */
  async resume(): Promise<void> {
    const ctx = this.context
    if (!ctx || this.running) return
    const resume = ctx.checkpoints.map((c, j) => (this.runs[j].status === 'done' ? null : c))
    // models already done or diverged stay as they are: train only the others
    const pending = ctx.jobs.map((_, j) => j).filter((j) => this.runs[j].status !== 'done' && this.runs[j].status !== 'diverged')
    if (pending.length === 0) return
    await this.run(ctx, resume, pending)
  }

  cancel(): void {
    if (this.running) void this.worker?.cancel()
  }

  private async run(ctx: RunContext, resume: (Checkpoint | null)[] | null, only?: number[]): Promise<void> {
    const idx = only ?? ctx.jobs.map((_, j) => j)
    const jobs = idx.map((j) => ctx.jobs[j])
    const resumeFrom = resume ? idx.map((j) => resume[j]) : undefined
    this.message = null
    this.phase = 'preparing'
    this.epochs = ctx.jobs[0].epochs
    this.epochsTotal = jobs.reduce((n, j) => n + j.epochs, 0)
    this.epochsDone = resumeFrom ? resumeFrom.reduce((n, c) => n + (c?.epoch ?? 0), 0) : 0
    const doneAtStart = this.epochsDone
    this.elapsedMs = 0
    this.etaMs = null
    for (const j of idx) this.runs[j].status = 'training'

    let info: TrainerInfo
    try {
      info = await this.prepare()
    } catch {
      this.phase = 'failed'
      return
    }
    this.phase = 'training'
    const t0 = performance.now()
    const onEpoch = (ev: EpochEvent) => {
      const j = idx[ev.job]
      const run = this.runs[j]
      run.trainLoss.push(ev.trainLoss)
      run.valLoss.push(ev.valLoss)
      ctx.checkpoints[j] = ev.checkpoint
      this.epochsDone++
      this.elapsedMs = performance.now() - t0
      const rate = this.elapsedMs / (this.epochsDone - doneAtStart)
      this.etaMs = rate * (this.epochsTotal - this.epochsDone)
    }
    let results: TrainResult[]
    try {
      const out = await this.remote().train(ctx.data, jobs, Comlink.proxy(onEpoch), resumeFrom)
      results = out.results
      info = out.info
      this.device = info
    } catch (e) {
      for (const j of idx) if (this.runs[j].status === 'training') this.runs[j].status = 'device-lost'
      this.message = `training stopped: ${describeError(e)}`
      this.phase = 'interrupted'
      return
    }
    const wall = performance.now() - t0
    ctx.wallMs += wall
    this.elapsedMs = wall
    this.etaMs = 0

    const messages: string[] = []
    results.forEach((r, k) => {
      const j = idx[k]
      const run = this.runs[j]
      run.status = r.status
      run.message = r.message ?? null
      if (r.checkpoint) ctx.checkpoints[j] = r.checkpoint
      if (r.status === 'diverged' && r.message) messages.push(r.message)
      if (r.status === 'done') this.finish(ctx, j, r, info)
    })
    // a lost device stops every model at once: say it once (the first model's message names the epoch)
    const lost = results.find((r) => r.status === 'device-lost')
    if (lost) {
      this.phase = 'interrupted'
      messages.unshift(`${lost.message ?? 'the GPU device was lost'} — Resume continues from the last completed epoch`)
    } else if (results.some((r) => r.status === 'cancelled')) this.phase = 'cancelled'
    else this.phase = 'done'
    this.message = messages.length ? messages.join('; ') : null
  }

  private finish(ctx: RunContext, j: number, result: TrainResult, info: TrainerInfo): void {
    const run = this.runs[j]
    const model = toTrainedModel({
      job: ctx.jobs[j],
      result,
      arch: ctx.arch,
      features: ctx.features,
      seed: ctx.seeds[j],
      scalerMode: ctx.scalerMode,
      split: ctx.split,
      inputFiles: ctx.table.files,
      trainLoss: $state.snapshot(run.trainLoss),
      valLoss: $state.snapshot(run.valLoss),
      device: info.description,
      wallMs: ctx.wallMs,
    })
    this.finished = [...this.finished, model]
    void addTrainedModel(model) // the registry reports its own errors
  }
}

export const train = new TrainStore()
