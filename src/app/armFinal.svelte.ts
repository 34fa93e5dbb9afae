// An experiment arm's final model (main thread): after an experiment, the arm a user picks is
// trained once more with its recipe on every row its corpora hold (scheduleFinalModel: nothing held
// out, so nothing is scored), through runExperiment on the shared train worker, and lands in the
// model registry like any trained model. The table and design are the ones the experiment ran on.
import { webEvaluator } from '../../workers/evalClient.ts'
import type { ExperimentProgress } from '../experiment/run.ts'
import { runExperiment } from '../experiment/run.ts'
import { scheduleFinalModel } from '../experiment/schedule.ts'
import { data } from './data.svelte.ts'
import { experiments } from './experiments.svelte.ts'
import { models } from './models.svelte.ts'
import { notices } from './notices.svelte.ts'
import { withTrainerTurn } from './trainerTurn.ts'

export interface ArmFinalState {
  arm: string
  status: 'running' | 'done' | 'error'
  text: string
  /** the registry id once the model landed */
  modelId: string | null
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))

class ArmFinalStore {
  state = $state.raw<ArmFinalState | null>(null)
  progress = $state.raw<ExperimentProgress | null>(null)
  private controller: AbortController | null = null

  get busy(): boolean {
    return this.state?.status === 'running'
  }

  /** Train `arm` of the last experiment's design on every row into the model registry. */
  async train(arm: string): Promise<void> {
    const design = experiments.result?.schedule.design
    const table = data.table
    if (this.busy || experiments.busy || !design || !table) return
    const say = (status: ArmFinalState['status'], text: string, modelId: string | null = null) => (this.state = { arm, status, text, modelId })
    this.controller = new AbortController()
    const signal = this.controller.signal
    try {
      const run = scheduleFinalModel(table, design, arm)
      const n = run.spec.rows.trainRows.length.toLocaleString('en-US')
      say('running', `training ${arm} on all ${n} rows for ${run.spec.epochs} epochs`)
      const res = await withTrainerTurn({}, (trainer) =>
        runExperiment(table, [run.spec], { trainer, evaluator: webEvaluator }, { signal, warmEvaluator: false, onProgress: (p) => (this.progress = p) }),
      )
      const out = res.outcomes[0]
      if (res.cancelled || !out) {
        say('error', res.cancelled ? 'cancelled: the final model was not added' : `did not train: ${res.failures.map((f) => f.message).join('; ')}`)
        return
      }
      const entry = await models.addTrained(out.model)
      if (entry) say('done', `${entry.name}: ${arm}'s recipe on all ${n} rows (none held out), in the model registry (Evaluate tab)`, entry.id)
      else say('error', 'trained, but the registry did not take it (see the messages)')
    } catch (e) {
      say('error', errorText(e))
      notices.say('experiments', { level: 'error', text: errorText(e) })
    } finally {
      this.controller = null
    }
  }

  cancel(): void {
    this.controller?.abort()
  }
}

export const armFinal = new ArmFinalStore()
