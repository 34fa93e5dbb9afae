// Training state for the Train panel. The panel's settings become the pipeline's runs (one split ×
// seeds, src/experiment/trainRun.ts trainPlan) and train through runExperiment — the one pipeline
// every front end uses — in the app's train worker (shared with the Experiments tab:
// trainWorker.svelte.ts, through WorkerTrainer). The pipeline keeps each model's last checkpoint
// (its ResumeState), so a cancelled or interrupted run resumes; it exports the finished models (and,
// keepStopped, those stopped at their last completed epoch), which go to the model registry. This
// store keeps only the state the panel shows and the pipeline's callbacks.
import type { TrainedModel } from '../model/trained.ts'
import type { JobStatus } from '../model/contract.ts'
import { DEFAULT_KONVID_FRACTION, PREFERRED_HOLDOUT, nflxSources } from '../data/splits.ts'
import type { TableView } from '../data/table.ts'
import type { TrainerInfo } from '../../workers/train.worker.ts'
import { webEvaluator } from '../../workers/evalClient.ts'
import { data } from './data.svelte.ts'
import { models } from './models.svelte.ts'
import { notices } from './notices.svelte.ts'
import { pendingRuns, resumeState, runExperiment, type ExperimentResult, type ExportedRun, type ResumeState } from '../experiment/run.ts'
import { trainPlan, type TrainPlan, type TrainSettings } from '../experiment/trainRun.ts'
import { trainWorker, type TrainLease } from './trainWorker.svelte.ts'
import { WorkerTrainer } from './workerTrainer.ts'

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

/** A run as planned, the table it trains on and the pipeline's state of it (what a resume continues). */
interface RunContext extends TrainPlan {
  table: TableView
  state: ResumeState
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

  /** the pipeline's latest answer for this run: what it trained, exported and how it ended */
  result = $state.raw<ExperimentResult | null>(null)

  private context: RunContext | null = null
  /** the current run's cancel (a Cancel while the trainer is prepared stops it before it trains) */
  private controller: AbortController | null = null

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
      const plan = trainPlan(settings, table)
      ctx = { ...plan, table, state: resumeState(plan.specs.length) }
    } catch (e) {
      notices.say('train', { level: 'error', text: describeError(e) })
      return
    }
    this.context = ctx
    this.result = null
    this.runInfo = { arch: ctx.arch.name, widths: ctx.arch.widths, features: ctx.features, split: ctx.split.description }
    this.runs = ctx.specs.map((r) => ({ id: r.id, label: r.label, seed: r.seed, status: 'queued', message: null, trainLoss: [], valLoss: [] }))
    await this.run(ctx)
  }

  /** Continue a cancelled or interrupted run from each model's last completed epoch (done and
   *  diverged models stay as they are). */
  async resume(): Promise<void> {
    const ctx = this.context
    if (!ctx || this.running) return
    if (this.busyReason) {
      notices.say('train', { level: 'error', text: this.busyReason })
      return
    }
    if (pendingRuns(ctx.state).length === 0) return
    await this.run(ctx)
  }

  cancel(): void {
    if (!this.running) return
    this.controller?.abort()
  }

  private async run(ctx: RunContext): Promise<void> {
    let lease: TrainLease
    try {
      lease = trainWorker.acquire('train')
    } catch (e) {
      notices.say('train', { level: 'error', text: describeError(e) })
      return
    }
    this.controller = new AbortController()
    try {
      await this.runLeased(new WorkerTrainer(lease), ctx, this.controller.signal)
    } finally {
      lease.release()
      this.controller = null
    }
  }

  private async runLeased(trainer: WorkerTrainer, ctx: RunContext, signal: AbortSignal): Promise<void> {
    const pending = pendingRuns(ctx.state)
    const mark = notices.mark()
    this.phase = 'preparing'
    this.epochs = ctx.specs[0].epochs
    this.epochsTotal = ctx.specs.reduce((n, r) => n + r.epochs, 0)
    this.epochsDone = ctx.state.runs.reduce((n, r) => n + r.trainLoss.length, 0)
    this.elapsedMs = ctx.state.wallMs
    this.etaMs = null
    for (const i of pending) this.runs[i].status = 'training'
    try {
      this.device = await this.prepareWith(trainer)
    } catch {
      for (const i of pending) this.runs[i].status = 'queued'
      this.phase = 'failed'
      return
    }
    this.phase = 'training'
    this.toAdd.clear()
    this.addOrder = [...pending]
    let res: ExperimentResult
    try {
      res = await runExperiment(ctx.table, ctx.specs, { trainer, evaluator: webEvaluator }, {
        signal,
        resumeFrom: ctx.state,
        keepStopped: true,
        evaluate: false,
        onEpoch: (i, ev) => {
          this.runs[i].trainLoss.push(ev.trainLoss)
          this.runs[i].valLoss.push(ev.valLoss)
          this.epochsDone++
        },
        onProgress: (p) => {
          this.elapsedMs = p.elapsedMs
          this.etaMs = p.etaMs
        },
        onModel: (m) => this.finish(m),
      })
    } catch (e) {
      this.addInOrder(true)
      for (const i of pending) if (this.runs[i].status === 'training') this.runs[i].status = 'device-lost'
      this.showState(ctx)
      notices.say('train', { level: 'error', text: `training stopped: ${describeError(e)} — Resume continues from the last completed epoch` })
      this.phase = 'interrupted'
      return
    }
    this.addInOrder(true)
    this.result = res
    this.device = trainer.info
    this.showOutcome(ctx, res, pending)
    notices.settle('train', mark)
  }

  /** Pick the trainer for this run (the worker keeps it between runs). */
  private async prepareWith(trainer: WorkerTrainer): Promise<TrainerInfo> {
    try {
      await trainer.prepare()
    } catch (e) {
      notices.say('train', { level: 'error', text: `could not start the training worker: ${describeError(e)}` })
      throw e
    }
    return trainer.info
  }

  /** Each model's losses as the pipeline recorded them (its results are the record). */
  private showState(ctx: RunContext): void {
    ctx.state.runs.forEach((r, i) => {
      this.runs[i].trainLoss = [...r.trainLoss]
      this.runs[i].valLoss = [...r.valLoss]
    })
    this.epochsDone = ctx.state.runs.reduce((n, r) => n + r.trainLoss.length, 0)
    this.elapsedMs = ctx.state.wallMs
  }

  private showOutcome(ctx: RunContext, res: ExperimentResult, pending: number[]): void {
    this.showState(ctx)
    this.etaMs = 0
    const failed = new Map(res.failures.map((f) => [f.index, f]))
    for (const i of pending) {
      const f = failed.get(i)
      const done = ctx.state.runs[i].finished !== null
      this.runs[i].status = done ? 'done' : f && f.status !== 'eval-failed' ? f.status : 'cancelled'
      this.runs[i].message = done ? null : (f?.message ?? null)
    }
    const messages = res.failures.filter((f) => f.status === 'diverged' || f.status === 'eval-failed').map((f) => f.message)
    // a lost device stops every model at once: say it once (the first model's message names the epoch)
    const lost = res.failures.find((f) => f.status === 'device-lost')
    if (lost) {
      this.phase = 'interrupted'
      messages.unshift(`${lost.message} — Resume continues from the last completed epoch`)
    } else if (res.cancelled) this.phase = 'cancelled'
    else this.phase = 'done'
    for (const m of messages) notices.say('train', { level: this.phase === 'interrupted' ? 'error' : 'warning', text: m })
  }

  /** A model the pipeline exported: finished, or stopped early at its last completed epoch. A
   *  resumed run's model keeps its id and replaces its stopped self. */
  private finish(m: ExportedRun): void {
    this.finished = [...this.finished.filter((x) => x.id !== m.model.id), m.model]
    this.toAdd.set(m.index, m)
    this.addInOrder(false)
  }

  /** models exported but not yet handed to the registry, by run index */
  private toAdd = new Map<number, ExportedRun>()
  /** the run indices of this session, in order: the registry lists the models that way */
  private addOrder: number[] = []
  /** the registry additions, one after another (each awaits its own storage) */
  private adding: Promise<void> = Promise.resolve()

  /** Hands the exported models to the registry in run order: those whose earlier runs are already
   *  handed over, or (at the end of a session) all of them. The registry reports its own errors. */
  private addInOrder(all: boolean): void {
    while (this.addOrder.length) {
      const m = this.toAdd.get(this.addOrder[0])
      if (!m && !all) return
      this.addOrder.shift()
      if (!m) continue
      this.toAdd.delete(m.index)
      this.adding = this.adding.then(() => models.addTrained(m.model)).then(() => {})
    }
  }
}

export const train = new TrainStore()
