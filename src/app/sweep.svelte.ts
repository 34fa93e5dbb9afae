// The Sweep view's state (main thread): the search space being edited, the objective, trials and
// seed, and a sweep of them through the one pipeline — runSweep (src/experiment/sweep.ts) with the
// app's train worker (WorkerTrainer, through the lease the Experiments tab uses) and the web
// evaluator — with every trial's state as rungs start and finish. Its best trial is promoted to a
// design (opened in the designer) or trained on every row into the model registry. Every number
// comes from src/experiment; nothing here computes them.
import { webEvaluator } from '../../workers/evalClient.ts'
import type { FeatureTable } from '../data/featureTable.ts'
import { LIMITS } from '../experiment/limits.ts'
import type { ExperimentProgress } from '../experiment/run.ts'
import { runExperiment } from '../experiment/run.ts'
import { finalRunSpec, parameterImportance, runSweep, type SweepObjective, type SweepResult, type SweepTrial, type TrialState } from '../experiment/sweep.ts'
import { DEFAULT_SPACE, type SweepSpace } from '../experiment/sweepSpace.ts'
import { formOfSpace, promotedDesign, spaceOfForm, type SpaceForm } from '../experiment/sweepView.ts'
import { data } from './data.svelte.ts'
import { experiments } from './experiments.svelte.ts'
import { models } from './models.svelte.ts'
import { notices } from './notices.svelte.ts'
import { withTrainerTurn } from './trainerTurn.ts'
import { TrainerBusyError } from './trainWorker.svelte.ts'
import type { WorkerTrainer } from './workerTrainer.ts'

export type SweepStatus = 'idle' | 'loading-data' | 'running' | 'done' | 'cancelled' | 'error'
/** A trial as the table shows it: what the sweep says, or "running" while a rung trains it. */
export interface LiveTrial extends Omit<SweepTrial, 'state'> {
  state: TrialState | 'running' | 'cancelled'
  /** the epochs the rung it is in trains to (while running) */
  target: number
}

const NO_PROGRESS: ExperimentProgress = { doneSamples: 0, totalSamples: 0, elapsedMs: 0, etaMs: null }
const MAX_TRIALS = 200
/** seeds of the design a trial is promoted to (the statistics want several) */
export const PROMOTE_SEEDS = 5

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))
const copyTrial = (t: SweepTrial, state: LiveTrial['state'], target: number): LiveTrial => ({ ...t, params: { ...t.params, hidden: [...t.params.hidden] }, rungs: t.rungs.map((r) => ({ ...r })), state, target })

class SweepStore {
  /** which part of the Experiments tab shows: the designer or the sweep */
  view = $state<'design' | 'sweep'>('design')
  form = $state<SpaceForm>(formOfSpace(DEFAULT_SPACE))
  objective = $state<SweepObjective>('mean-plcc')
  trialCount = $state(12)
  seed = $state(0)
  status = $state<SweepStatus>('idle')
  phase = $state('')
  device = $state('')
  progress = $state.raw<ExperimentProgress>(NO_PROGRESS)
  /** every trial proposed so far, in id order */
  trials = $state.raw<LiveTrial[]>([])
  /** the space and objective the trials belong to */
  ran = $state.raw<{ space: SweepSpace; objective: SweepObjective; seed: number } | null>(null)
  result = $state.raw<SweepResult | null>(null)
  /** the final model's training: its status line, and the registry id once it landed */
  final = $state.raw<{ status: 'running' | 'done' | 'error'; text: string; modelId: string | null } | null>(null)

  readonly checked = $derived(spaceOfForm($state.snapshot(this.form)))

  readonly trialsProblem = $derived(
    Number.isInteger(this.trialCount) && this.trialCount >= 1 && this.trialCount <= MAX_TRIALS ? null : `trials must be a whole number from 1 to ${MAX_TRIALS}`,
  )
  readonly seedProblem = $derived(
    Number.isInteger(this.seed) && this.seed >= 0 && this.seed <= LIMITS.maxSeed - LIMITS.seedsPerExperiment ? null : 'the seed must be a whole number ≥ 0',
  )

  /** the parameter importance of what was measured so far (sweep.ts's η², live while running) */
  readonly importance = $derived(
    this.result ? this.result.importance : this.ran ? parameterImportance(this.trials as unknown as SweepTrial[], this.ran.space) : null,
  )

  get busy(): boolean {
    return this.status === 'running' || this.status === 'loading-data' || this.final?.status === 'running'
  }

  private controller: AbortController | null = null

  resetSpace(): void {
    if (!this.busy) this.form = formOfSpace(DEFAULT_SPACE)
  }

  /** Load the demo corpus when nothing is loaded, then run the sweep. */
  async run(): Promise<void> {
    if (this.busy) return
    const space = this.checked.space
    const problem = this.checked.error ?? this.trialsProblem ?? this.seedProblem
    if (!space || problem) {
      notices.say('experiments', { level: 'error', text: problem ?? 'the search space is not valid' })
      return
    }
    await this.withTrainer(async (table, trainer) => {
      const objective = this.objective
      const seed = this.seed
      this.ran = { space, objective, seed }
      this.trials = []
      this.result = null
      this.final = null
      this.progress = NO_PROGRESS
      this.status = 'running'
      const live = new Map<string, LiveTrial>()
      const show = (ts: readonly SweepTrial[], state: (t: SweepTrial) => LiveTrial['state'], target: number) => {
        for (const t of ts) live.set(t.id, copyTrial(t, state(t), target))
        this.trials = [...live.values()].sort((a, b) => (a.id < b.id ? -1 : 1))
      }
      const res = await runSweep(table, { trainer, evaluator: webEvaluator }, {
        trials: this.trialCount, space, objective, seed, signal: this.controller!.signal,
        onProgress: (p) => (this.progress = p),
        onRungStart: ({ round, rounds, epochs, trials }) => {
          this.phase = `round ${round + 1} of ${rounds}: ${trials.length} trial${trials.length === 1 ? '' : 's'} to ${epochs} epochs`
          show(trials, () => 'running', epochs)
        },
        onRung: ({ trials, epochs }) => show(trials, (t) => t.state, epochs),
      })
      // a trial a cancelled rung was training keeps what it measured before, as "cancelled"
      show(res.trials, (t) => (live.get(t.id)?.state === 'running' ? 'cancelled' : t.state), 0)
      this.result = res
      this.status = res.cancelled ? 'cancelled' : 'done'
      this.phase = res.cancelled ? `cancelled after ${res.trials.length} trials` : `done: ${res.trials.length} trials, ${res.best ? `best ${res.best.id}` : 'no trial trained the full budget'}`
    })
  }

  /** The best trial of the finished sweep in a LOSO design with seeds, opened in the designer. */
  promoteToDesign(): void {
    const best = this.result?.best
    if (!best || !this.ran || experiments.busy) return
    experiments.setDesign(promotedDesign(best, { epochs: this.ran.space.epochs, seeds: PROMOTE_SEEDS, firstSeed: this.ran.seed }))
    this.view = 'design'
  }

  /** Train the best trial's recipe on every row it uses (no rows held out) into the model registry. */
  async promoteToModel(): Promise<void> {
    const best = this.result?.best
    const ran = this.ran
    if (!best || !ran || this.busy) return
    this.final = { status: 'running', text: `training ${best.id} on every row for ${ran.space.epochs} epochs`, modelId: null }
    await this.withTrainer(async (table, trainer) => {
      const spec = finalRunSpec(table, best.params, { trial: best.id, epochs: ran.space.epochs, seed: ran.seed })
      const res = await runExperiment(table, [spec], { trainer, evaluator: webEvaluator }, { signal: this.controller!.signal, warmEvaluator: false, onProgress: (p) => (this.progress = p) })
      const out = res.outcomes[0]
      if (res.cancelled || !out) {
        this.final = { status: 'error', text: res.cancelled ? 'cancelled: the final model was not added' : `did not train: ${res.failures.map((f) => f.message).join('; ')}`, modelId: null }
        return
      }
      const entry = await models.addTrained(out.model)
      this.final = entry
        ? { status: 'done', text: `${entry.name}: trained on ${spec.rows.trainRows.length.toLocaleString('en-US')} rows, in the model registry (Evaluate tab)`, modelId: entry.id }
        : { status: 'error', text: 'trained, but the registry did not take it (see the messages)', modelId: null }
    })
    if (this.final?.status === 'running') this.final = { ...this.final, status: 'error', text: 'the final model did not train (see the messages)' }
  }

  /** Stop the sweep (or the final model); the trials measured so far stay in the table. */
  cancel(): void {
    this.controller?.abort()
  }

  /** Take the train worker, have the table, prepare the trainer, then `body`; errors go to the messages. */
  private async withTrainer(body: (table: FeatureTable, trainer: WorkerTrainer) => Promise<void>): Promise<void> {
    const mark = notices.mark()
    this.controller = new AbortController()
    const wasFinal = this.final?.status === 'running'
    let table: FeatureTable | null = null
    const whilePreparing = async () => {
      table = await this.tableReady()
      this.phase = 'preparing the trainer'
    }
    try {
      await withTrainerTurn({ whilePreparing, onReady: (d) => (this.device = d) }, (trainer) => body(table!, trainer))
      notices.settle('experiments', mark)
    } catch (e) {
      if (!(e instanceof TrainerBusyError)) {
        if (!wasFinal) this.status = 'error'
        this.phase = ''
      }
      notices.say('experiments', { level: 'error', text: errorText(e) })
    } finally {
      this.controller = null
    }
  }

  private async tableReady(): Promise<FeatureTable> {
    if (!data.table || data.table.rows === 0) {
      this.status = 'loading-data'
      this.phase = 'loading the demo corpus'
      await data.loadDemo()
      if (!data.table || data.table.rows === 0) throw new Error('the demo corpus did not load (see the Data tab)')
    }
    while (data.loading) await new Promise((r) => setTimeout(r, 100))
    return data.table!
  }
}

export const sweep = new SweepStore()
