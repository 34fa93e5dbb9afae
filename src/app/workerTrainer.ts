// The app's train worker (shared with the Train tab) behind the Trainer contract, for the experiment
// pipeline: it trains through a lease on the worker, so it never runs into (or cancels) the Train
// tab's run; its description is known after prepare(), and follows each run's engine (auto picks per run).
import { trainWorker, type TrainLease } from './trainWorker.svelte.ts'
import type { TrainerInfo } from '../../workers/train.worker.ts'
import type { Trainer, TrainData, TrainJob, TrainOptions, TrainResult } from '../model/contract.ts'

export class WorkerTrainer implements Trainer {
  kind: Trainer['kind'] = 'webgpu'
  description = 'train worker'
  notice: string | null = null
  /** how the last run's rows reached the train worker (null before a run) */
  rowsFrom: TrainerInfo['rowsFrom'] | null = null

  constructor(private readonly lease: TrainLease) {}

  /** Pick the trainer and compile its pipelines (the worker keeps them, also for the Train tab). */
  async prepare(): Promise<void> {
    const info = await trainWorker.prepare()
    this.kind = info.kind
    this.description = info.description
    this.notice = info.notice
  }

  async train(d: TrainData, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    const onAbort = () => this.lease.cancel()
    opts.signal?.addEventListener('abort', onAbort)
    try {
      const { results, info } = await this.lease.train(d, jobs, opts.onEpoch ?? (() => {}), opts.resume)
      // what this run trained on (auto decides per run) and why
      this.kind = info.kind
      this.description = info.description
      this.notice = info.notice
      this.rowsFrom = info.rowsFrom ?? null
      return results
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
    }
  }

  dispose(): void {}
}
