// The app's train worker (shared with the Train tab) behind the Trainer contract, for the experiment
// pipeline: it trains through a lease on the worker, so it never runs into (or cancels) the Train
// tab's run; its description is known after prepare(), and follows each run's engine (auto picks per run).
import { trainWorker, type TrainLease } from './trainWorker.svelte.ts'
import type { TrainerInfo } from '../../workers/train.worker.ts'
import type { Trainer, TrainData, TrainJob, TrainOptions, TrainResult } from '../model/contract.ts'

export class WorkerTrainer implements Trainer {
  /** what the worker last said: its engine, why, and (after a run) how the rows reached it */
  info: TrainerInfo = { kind: 'webgpu', description: 'train worker', notice: null }

  constructor(private readonly lease: TrainLease) {}

  get kind(): Trainer['kind'] {
    return this.info.kind
  }
  get description(): string {
    return this.info.description
  }
  get notice(): string | null {
    return this.info.notice
  }

  /** Pick the trainer and compile its pipelines (the worker keeps them, also for the Train tab). */
  async prepare(): Promise<void> {
    this.info = await trainWorker.prepare()
  }

  async train(d: TrainData, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    const onAbort = () => this.lease.cancel()
    opts.signal?.addEventListener('abort', onAbort)
    try {
      const { results, info } = await this.lease.train(d, jobs, opts.onEpoch ?? (() => {}), opts.resume)
      // what this run trained on (auto decides per run) and why
      this.info = info
      return results
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
    }
  }

  dispose(): void {}
}
