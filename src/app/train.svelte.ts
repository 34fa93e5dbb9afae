// Training state for the Train panel. Turns the panel's settings into jobs over the loaded table
// (src/model/jobs.ts), runs them in the app's train worker (shared with the Experiments tab: trainWorker.svelte.ts),
// keeps every epoch's losses and the last checkpoint per model (so a cancelled or interrupted run
// can resume), and hands finished models to the model registry.
import { timestampedId, trainedModel } from '../experiment/records.ts'
import type { TrainedModel } from '../model/trained.ts'
import type { Checkpoint, EpochEvent, JobStatus, TrainResult } from '../model/contract.ts'
import { DEFAULT_KONVID_FRACTION, PREFERRED_HOLDOUT, nflxSources } from '../data/splits.ts'
import type { TableView } from '../data/table.ts'
import type { TrainerInfo } from '../../workers/train.worker.ts'
import { data } from './data.svelte.ts'
import { models } from './models.svelte.ts'
import { notices } from './notices.svelte.ts'
import { trainRun, type TrainRun, type TrainSettings } from '../experiment/trainRun.ts'
import { trainWorker, type TrainLease } from './trainWorker.svelte.ts'


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

/** What a run needs beyond the worker: kept so a resume trains the very same jobs on the same data. */
interface RunContext extends TrainRun {
  table: TableView
  checkpoints: (Checkpoint | null)[]
  /** training time of the run's earlier sessions (before a cancel or a lost device) */
  wallMs: number
  /** when the run started: a resumed run's models keep their ids (and replace their earlier selves) */
  startedAt: Date
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
    features: null,
    split: 'netflix-source',
    holdout: PREFERRED_HOLDOUT,
    konvidFraction: DEFAULT_KONVID_FRACTION,
  })
  /** the trainer the worker picked (null until it answers) */
  device = $state<TrainerInfo | null>(null)
  phase = $state<RunPhase>('idle')
  runs = $state<ModelRun[]>([])
  /** epochs each model of the run trains */
  epochs = $state(0)
  /** model-epochs done and planned over all models of the run (for progress and ETA) */
  epochsDone = $state(0)
  epochsTotal = $state(0)
  /** ms of training so far, over every session of the run (a resume carries on counting), per epoch */
  elapsedMs = $state(0)
  /** ms left, estimated from the epochs so far */
  etaMs = $state<number | null>(null)
  /** models of this session's runs in the registry: finished, or stopped early at their last completed epoch */
  finished = $state.raw<TrainedModel[]>([])
  /** what the current run trains: architecture, input features, plain-language split */
  runInfo = $state.raw<{ arch: string; widths: number[]; features: string[]; split: string } | null>(null)

  /** the table feature list (names joined) settings.features was picked on: a table with other
   *  features (reloaded with other extra columns) lets the pick lapse back to every loaded feature */
  private featuresOf = $state('')

  private context: RunContext | null = null
  /** this panel's turn on the shared worker, held for one run (or resume) */
  private lease: TrainLease | null = null
  /** Cancel pressed before the worker got the run (while the trainer was being prepared) */
  private cancelRequested = false

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

  /** Why a run cannot start now because the Experiments tab holds the trainer (null when it can). */
  get busyReason(): string | null {
    return trainWorker.busyReason('train')
  }

  /** Start the worker and let it pick a trainer (pipelines compile while the data loads). */
  prepare(): Promise<TrainerInfo> {
    return trainWorker.prepare().then(
      (info) => (this.device = info),
      (e) => {
        notices.say('train', { level: 'error', text: `could not start the training worker: ${describeError(e)}` })
        throw e
      },
    )
  }

  /** The features the next run picks on `table` (null: every loaded feature). */
  pickedFeatures(table: TableView): string[] | null {
    const pick = this.settings.features
    return pick && this.featuresOf === table.featureNames.join(',') ? [...pick] : null
  }

  /** Tick or untick one input feature (the table's order is kept; see trainingFeatures). */
  setFeature(table: TableView, name: string, on: boolean): void {
    const now = this.pickedFeatures(table) ?? [...table.featureNames]
    this.settings.features = table.featureNames.filter((f) => (f === name ? on : now.includes(f)))
    this.featuresOf = table.featureNames.join(',')
  }

  /** Sources the holdout picker offers. */
  holdoutOptions(table: TableView | null): string[] {
    return table ? nflxSources(table) : []
  }

  async start(): Promise<void> {
    if (this.running) return
    if (this.busyReason) {
      notices.say('train', { level: 'error', text: this.busyReason })
      return
    }
    const table = data.table
    if (!table || table.rows === 0) {
      notices.say('train', { level: 'error', text: 'load data first (Data tab)' })
      return
    }
    let ctx: RunContext
    try {
      const settings = { ...$state.snapshot(this.settings), features: this.pickedFeatures(table) }
      ctx = { ...trainRun(settings, table), table, checkpoints: [], wallMs: 0, startedAt: new Date() }
      ctx.checkpoints = ctx.jobs.map(() => null)
    } catch (e) {
      notices.say('train', { level: 'error', text: describeError(e) })
      return
    }
    this.context = ctx
    this.runInfo = { arch: ctx.arch.name, widths: ctx.arch.widths, features: ctx.features, split: ctx.split.description }
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
    if (this.busyReason) {
      notices.say('train', { level: 'error', text: this.busyReason })
      return
    }
    const resume = ctx.checkpoints.map((c, j) => (this.runs[j].status === 'done' ? null : c))
    // models already done or diverged stay as they are: train only the others
    const pending = ctx.jobs.map((_, j) => j).filter((j) => this.runs[j].status !== 'done' && this.runs[j].status !== 'diverged')
    if (pending.length === 0) return
    await this.run(ctx, resume, pending)
  }

  cancel(): void {
    if (!this.running) return
    this.cancelRequested = true
    this.lease?.cancel()
  }

  private async run(ctx: RunContext, resume: (Checkpoint | null)[] | null, only?: number[]): Promise<void> {
    try {
      this.lease = trainWorker.acquire('train')
    } catch (e) {
      notices.say('train', { level: 'error', text: describeError(e) })
      return
    }
    this.cancelRequested = false
    try {
      await this.runLeased(this.lease, ctx, resume, only)
    } finally {
      this.lease.release()
      this.lease = null
    }
  }

  private async runLeased(lease: TrainLease, ctx: RunContext, resume: (Checkpoint | null)[] | null, only?: number[]): Promise<void> {
    const idx = only ?? ctx.jobs.map((_, j) => j)
    const jobs = idx.map((j) => ctx.jobs[j])
    const resumeFrom = resume ? idx.map((j) => resume[j]) : undefined
    const mark = notices.mark()
    this.phase = 'preparing'
    this.epochs = ctx.jobs[0].epochs
    this.epochsTotal = jobs.reduce((n, j) => n + j.epochs, 0)
    this.epochsDone = resumeFrom ? resumeFrom.reduce((n, c) => n + (c?.epoch ?? 0), 0) : 0
    const doneAtStart = this.epochsDone
    // a resume carries on from the earlier sessions' time, and estimates from every epoch so far
    this.elapsedMs = ctx.wallMs
    this.etaMs = null
    for (const j of idx) this.runs[j].status = 'training'

    let info: TrainerInfo
    try {
      info = await this.prepare()
    } catch {
      for (const j of idx) this.runs[j].status = 'queued'
      this.phase = 'failed'
      return
    }
    if (this.cancelRequested) {
      // nothing trained yet: the run is cancelled as it stands (Resume starts it)
      for (const j of idx) this.runs[j].status = 'cancelled'
      this.phase = 'cancelled'
      return
    }
    this.phase = 'training'
    const t0 = performance.now()
    let finished = false
    const onEpoch = (ev: EpochEvent) => {
      const j = idx[ev.job]
      const run = this.runs[j]
      // by epoch number: an event that arrives after the run's result changes nothing
      if (finished || ev.epoch <= run.trainLoss.length) return
      run.trainLoss.push(ev.trainLoss)
      run.valLoss.push(ev.valLoss)
      ctx.checkpoints[j] = ev.checkpoint
      this.epochsDone++
      const session = performance.now() - t0
      this.elapsedMs = ctx.wallMs + session
      // the rate of this session (the first epochs of a session include warm-up), over every
      // epoch when this session has too few of its own
      const own = this.epochsDone - doneAtStart
      const rate = own >= 3 || doneAtStart === 0 ? session / own : this.elapsedMs / this.epochsDone
      this.etaMs = rate * (this.epochsTotal - this.epochsDone)
    }
    let results: TrainResult[]
    try {
      const out = await lease.train(ctx.data, jobs, onEpoch, resumeFrom)
      results = out.results
      finished = true
      info = out.info
      this.device = info
    } catch (e) {
      for (const j of idx) if (this.runs[j].status === 'training') this.runs[j].status = 'device-lost'
      ctx.wallMs += performance.now() - t0
      notices.say('train', { level: 'error', text: `training stopped: ${describeError(e)}` })
      this.phase = 'interrupted'
      return
    }
    ctx.wallMs += performance.now() - t0
    this.elapsedMs = ctx.wallMs
    this.etaMs = 0

    const messages: string[] = []
    results.forEach((r, k) => {
      const j = idx[k]
      const run = this.runs[j]
      run.status = r.status
      run.message = r.message ?? null
      if (r.checkpoint) ctx.checkpoints[j] = r.checkpoint
      // the result's losses are the record: the last epoch's event can arrive after the result
      const end = r.checkpoint?.epoch ?? run.trainLoss.length
      const start = Math.max(0, end - r.trainLoss.length)
      run.trainLoss = [...run.trainLoss.slice(0, start), ...r.trainLoss.slice(-end)]
      run.valLoss = [...run.valLoss.slice(0, start), ...r.valLoss.slice(-end)]
      if (r.status === 'diverged' && r.message) messages.push(r.message)
      // a finished model, or one stopped early (cancel, lost device) with its last completed epoch
      const stopped = r.status === 'cancelled' || r.status === 'device-lost'
      if (r.status === 'done' || (stopped && run.trainLoss.length > 0)) this.finish(ctx, j, r, info)
    })
    this.epochsDone = idx.reduce((n, j) => n + this.runs[j].trainLoss.length, 0)
    // a lost device stops every model at once: say it once (the first model's message names the epoch)
    const lost = results.find((r) => r.status === 'device-lost')
    if (lost) {
      this.phase = 'interrupted'
      messages.unshift(`${lost.message ?? 'the GPU device was lost'} — Resume continues from the last completed epoch`)
    } else if (results.some((r) => r.status === 'cancelled')) this.phase = 'cancelled'
    else this.phase = 'done'
    for (const m of messages) notices.say('train', { level: this.phase === 'interrupted' ? 'error' : 'warning', text: m })
    notices.settle('train', mark)
  }

  private finish(ctx: RunContext, j: number, result: TrainResult, info: TrainerInfo): void {
    const run = this.runs[j]
    // the run's start names its models: a resumed run's model replaces its stopped self
    const createdAt = ctx.startedAt
    const model = trainedModel({
      id: timestampedId(ctx.arch.name, ctx.seeds[j], createdAt, ctx.jobs[j].id),
      createdAt,
      job: ctx.jobs[j],
      params: result.params,
      steps: result.steps,
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
    this.finished = [...this.finished.filter((m) => m.id !== model.id), model]
    void models.addTrained(model) // the registry reports its own errors
  }
}

export const train = new TrainStore()
