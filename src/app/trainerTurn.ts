// One turn of the Experiments tab's front ends (the sweep, an arm's final model) on the shared train
// worker: take the lease, prepare the trainer (its description and notice are known after), run the
// body, and release the worker whatever happens. Errors reach the caller, which says them.
import { notices } from './notices.svelte.ts'
import { trainWorker } from './trainWorker.svelte.ts'
import { WorkerTrainer } from './workerTrainer.ts'

export interface TrainerTurn {
  /** work done while the trainer prepares (e.g. loading the table) */
  whilePreparing?: () => Promise<void>
  /** called once the trainer is prepared, with what it trains on */
  onReady?: (description: string) => void
}

/** Runs `body` with a prepared trainer on the worker; throws TrainerBusyError while another tab trains. */
export async function withTrainerTurn<T>(o: TrainerTurn, body: (trainer: WorkerTrainer) => Promise<T>): Promise<T> {
  const lease = trainWorker.acquire('experiments')
  try {
    const trainer = new WorkerTrainer(lease)
    const ready = trainer.prepare()
    ready.catch(() => {}) // awaited below, after whilePreparing
    await o.whilePreparing?.()
    await ready
    o.onReady?.(trainer.description)
    if (trainer.notice) notices.say('experiments', { level: 'warning', text: trainer.notice })
    return await body(trainer)
  } finally {
    lease.release()
  }
}
