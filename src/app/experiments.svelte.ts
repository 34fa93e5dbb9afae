// The Experiments tab's state (main thread): the design being edited (a preset, then any edit), what
// it plans on the loaded data, and a run of it through the one pipeline — conductExperiment with the
// app's train worker (WorkerTrainer, through a lease shared with the Train tab) and the web
// evaluator — with fold results, loss curves, progress and ETA as they arrive. After a cancel or a
// lost device, Resume continues the same design on the same table from each run's last completed
// epoch (the pipeline's ResumeState); finished runs are not trained again. The statistics,
// reading and charts' numbers all come from src/experiment; nothing here computes them.
import { CORPORA } from '../data/table.ts'
import { conductExperiment, type ExperimentResult } from '../experiment/conduct.ts'
import { runTruths } from '../experiment/foldScatter.ts'
import { checkDesign, DesignError, type ExperimentDesign } from '../experiment/design.ts'
import { isPreset, presetDesign, type PresetName } from '../experiment/presets.ts'
import { resumeState, type ExperimentProgress, type ResumeState } from '../experiment/run.ts'
import { scheduleExperiment, type Schedule } from '../experiment/schedule.ts'
import { summarizeExperiment, type ExperimentSummary, type Outcome } from '../experiment/summary.ts'
import type { FeatureTable } from '../data/featureTable.ts'
import { webEvaluator } from '../../workers/evalClient.ts'
import { data } from './data.svelte.ts'
import { notices } from './notices.svelte.ts'
import { trainWorker, type TrainLease } from './trainWorker.svelte.ts'
import { WorkerTrainer } from './workerTrainer.ts'

export type ExperimentStatus = 'idle' | 'loading-data' | 'running' | 'done' | 'cancelled' | 'error'

/** What the design plans on the loaded data: its schedule, or why it cannot run. */
export interface Preview {
  schedule: Schedule | null
  /** the design or the data cannot run it (Run is off) */
  error: string | null
}

const NO_PROGRESS: ExperimentProgress = { doneSamples: 0, totalSamples: 0, elapsedMs: 0, etaMs: null }
/** loss curves are copied into the state at most this often while training */
const CURVE_MS = 250

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** Arms that add konvid clips when the table has none would silently train on nflx only. */
function konvidProblem(table: FeatureTable, d: ExperimentDesign): string | null {
  const konvid = CORPORA.indexOf('konvid')
  const codes = table.corpusCodes()
  for (let i = 0; i < table.rows; i++) if (codes[i] === konvid) return null
  const asking = d.arms.filter((a) => a.konvid !== 'none').map((a) => a.id)
  if (!asking.length) return null
  return `only nflx rows are loaded, but arm${asking.length === 1 ? '' : 's'} ${asking.join(', ')} add${asking.length === 1 ? 's' : ''} konvid clips: load konvid files too, or set their konvid to none`
}

class ExperimentsStore {
  /** the design being edited */
  design = $state<ExperimentDesign>(presetDesign('foxbird'))
  /** the preset the design started from (it stays named after edits) */
  preset = $state<PresetName | null>('foxbird')
  status = $state<ExperimentStatus>('idle')
  phase = $state('')
  device = $state('')
  progress = $state.raw<ExperimentProgress>(NO_PROGRESS)
  /** the schedule being run (or that ran): its design is what the results belong to */
  schedule = $state.raw<Schedule | null>(null)
  /** fold results as they finish */
  outcomes = $state.raw<Outcome[]>([])
  /** per scheduled run, its training loss per epoch (copied in a few times a second) */
  losses = $state.raw<readonly (readonly number[])[]>([])
  result = $state.raw<ExperimentResult | null>(null)
  /** per finished run (result.runs order), the VMAF of its test rows, taken from the table it ran on */
  truths = $state.raw<Float32Array[]>([])

  /** the design checked (checkDesign), or why it is not a design */
  readonly checked: { design: ExperimentDesign | null; error: string | null } = $derived.by(() => {
    try {
      return { design: checkDesign($state.snapshot(this.design), 'the design'), error: null }
    } catch (e) {
      if (e instanceof DesignError) return { design: null, error: e.message }
      throw e
    }
  })

  /** The checked design on the loaded table, at any size (the schedule counts rows by group and
   *  builds no row list); null before any data is loaded, and while a load streams in. */
  readonly preview: Preview | null = $derived.by(() => {
    void data.contents
    const table = data.settled
    if (!table) return null
    if (!this.checked.design) return { schedule: null, error: this.checked.error }
    return this.plan(table, this.checked.design)
  })

  /** The statistics: the final ones (with pooled metrics) or, while running, those of the folds so far. */
  readonly summary: ExperimentSummary | null = $derived.by(() => {
    if (this.result) return this.result.summary
    const d = this.schedule?.design
    if (!d || this.outcomes.length === 0) return null
    return summarizeExperiment({ experiment: d.name, arms: d.arms.map((a) => ({ id: a.id, label: a.label })), outcomes: this.outcomes, pooled: [], comparisons: d.comparisons })
  })

  get busy(): boolean {
    return this.status === 'running' || this.status === 'loading-data'
  }

  private controller: AbortController | null = null
  /** what a Resume continues: the design and table that ran, and the pipeline's state of its runs */
  private stopped = $state.raw<{ design: ExperimentDesign; table: FeatureTable; state: ResumeState } | null>(null)

  /** a run was cancelled or lost its device (or its trainer failed) and can continue */
  get canResume(): boolean {
    return this.stopped !== null
  }

  plan(table: FeatureTable, design: ExperimentDesign): Preview {
    const konvid = konvidProblem(table, design)
    if (konvid) return { schedule: null, error: konvid }
    try {
      return { schedule: scheduleExperiment(table, design, 'the design'), error: null }
    } catch (e) {
      if (e instanceof DesignError) return { schedule: null, error: e.message }
      throw e
    }
  }

  /** One click: a preset's design, keeping the seeds chosen so far. */
  pickPreset(name: PresetName): void {
    if (this.busy) return
    this.design = presetDesign(name, { seeds: this.design.seeds, firstSeed: this.design.firstSeed })
    this.preset = name
  }

  /** Replace the design (a share link, an edit that rebuilds it). */
  setDesign(d: ExperimentDesign): void {
    this.design = d
    this.preset = isPreset(d.name) ? d.name : null
  }

  /** Load the demo corpus when nothing is loaded, then run the design. */
  run(): Promise<void> {
    return this.start(null)
  }

  /** Continue the stopped run from each run's last completed epoch. */
  resume(): Promise<void> {
    return this.stopped ? this.start(this.stopped) : Promise.resolve()
  }

  private async start(from: ExperimentsStore['stopped']): Promise<void> {
    if (this.busy) return
    const mark = notices.mark()
    let lease: TrainLease
    try {
      lease = trainWorker.acquire('experiments')
    } catch (e) {
      notices.say('experiments', { level: 'error', text: errorText(e) })
      return
    }
    const trainer = new WorkerTrainer(lease)
    // compile the GPU pipelines while the data loads
    const ready = trainer.prepare()
    ready.catch(() => {})
    try {
      const table = from?.table ?? (await this.tableReady())
      this.phase = 'preparing the trainer'
      await ready
      await this.conduct(table, trainer, from)
      notices.settle('experiments', mark)
    } catch (e) {
      this.status = 'error'
      this.phase = ''
      notices.say('experiments', { level: 'error', text: errorText(e) })
    } finally {
      this.controller = null
      lease.release()
    }
  }

  private async tableReady(): Promise<FeatureTable> {
    if (!data.table || data.table.rows === 0) {
      this.status = 'loading-data'
      this.phase = 'loading the demo corpus'
      const before = notices.mark()
      await data.loadDemo()
      if (!data.table || data.table.rows === 0) {
        const why = notices.of('data').filter((m) => m.id >= before && m.level === 'error').map((m) => `${m.subject}: ${m.text}`)
        throw new Error(`the demo corpus did not load${why.length ? `: ${why.join('; ')}` : ' (see the Data tab)'}`)
      }
    }
    if (data.loading) {
      this.status = 'loading-data'
      this.phase = 'waiting for the data to finish loading'
      while (data.loading) await new Promise((r) => setTimeout(r, 100))
    }
    return data.table!
  }

  private async conduct(table: FeatureTable, trainer: WorkerTrainer, from: ExperimentsStore['stopped']): Promise<void> {
    if (!from) this.stopped = null
    const design = from?.design ?? checkDesign($state.snapshot(this.design), 'the design')
    const planned = this.plan(table, design)
    if (!planned.schedule) throw new Error(planned.error ?? 'the design cannot run on the loaded data')
    const schedule = planned.schedule
    const state = from?.state ?? resumeState(schedule.runs.length)
    // a trainer that throws leaves the state to resume from
    this.stopped = { design, table, state }
    this.schedule = schedule
    // a resume keeps the fold results of the runs that finished before
    if (!from) this.outcomes = []
    this.result = null
    this.truths = []
    this.progress = NO_PROGRESS
    this.device = trainer.description
    this.status = 'running'
    if (trainer.notice) notices.say('experiments', { level: 'warning', text: trainer.notice })
    const losses: number[][] = state.runs.map((r) => [...r.trainLoss])
    this.losses = losses.map((l) => [...l])
    let lastCopy = 0
    const copyLosses = (force: boolean) => {
      const now = performance.now()
      if (!force && now - lastCopy < CURVE_MS) return
      lastCopy = now
      this.losses = losses.map((l) => [...l])
    }
    this.controller = new AbortController()
    const res = await conductExperiment(
      table,
      design,
      { trainer, evaluator: webEvaluator },
      {
        signal: this.controller.signal,
        resumeFrom: state,
        onPhase: (m) => (this.phase = m),
        onProgress: (p) => (this.progress = p),
        onFold: (outs) => (this.outcomes = [...this.outcomes, ...outs]),
        onEpoch: (i, ev) => {
          losses[i][ev.epoch - 1] = ev.trainLoss
          copyLosses(false)
        },
      },
    )
    copyLosses(true)
    for (const f of res.failures) if (f.status !== 'cancelled' && f.status !== 'device-lost') notices.say('experiments', { level: 'warning', subject: f.spec.id, text: f.message })
    this.outcomes = res.outcomes
    this.truths = runTruths(res.runs, table.target())
    this.result = res
    this.stopped = res.resumable ? { design, table, state } : null
    const lost = res.failures.some((f) => f.status === 'device-lost')
    if (lost) notices.say('experiments', { level: 'error', text: 'the GPU device was lost — Resume continues each unfinished run from its last completed epoch' })
    this.status = res.cancelled ? 'cancelled' : 'done'
    this.phase = lost ? `interrupted: the device was lost; kept ${res.runs.length} of ${schedule.runs.length} models` : res.cancelled ? `cancelled: kept ${res.runs.length} of ${schedule.runs.length} models` : `done: ${res.runs.length} models`
  }

  /** Stop training; the folds that finished stay in the tables. */
  cancel(): void {
    this.controller?.abort()
  }
}

export const experiments = new ExperimentsStore()
