// The app's one train worker (workers/train.worker.ts), shared by the Train panel and the Experiments
// tab: one GPU device, WGSL pipelines compiled once. The worker trains one run at a time and its
// cancel() stops whichever run is in it, so the two take turns through a lease: whoever holds it
// trains, the other is refused with a message naming the holder, and a cancel goes through the
// holder's lease — it can never stop somebody else's run.
import * as Comlink from 'comlink'
import { lazyWorker } from '../../workers/lazyWorker.ts'
import type { Checkpoint, EpochEvent, TrainData, TrainJob, TrainResult } from '../model/contract.ts'
import { sharedDataOf } from '../model/sharedData.ts'
import type { TrainerInfo, TrainWorkerApi } from '../../workers/train.worker.ts'

export type TrainUser = 'train' | 'experiments'

const USER_NAMES: Record<TrainUser, string> = { train: 'the Train tab', experiments: 'the Experiments tab' }

export class TrainerBusyError extends Error {
  override name = 'TrainerBusyError'
}

class TrainWorkerClient {
  /** who trains now (null: the worker is free) */
  user = $state<TrainUser | null>(null)

  /** the worker's handle, started on first use */
  readonly worker = lazyWorker<TrainWorkerApi>(
    () => new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'train' }),
  )

  /** Pick the trainer and compile its pipelines (the worker does it once; again after a lost device). */
  prepare(): Promise<TrainerInfo> {
    return this.worker().prepare(new URL(location.href).searchParams.get('trainer')) // ?trainer=gpu|cpu forces an engine (auto otherwise)
  }

  /** Why `user` cannot train now, or null when it can. */
  busyReason(user: TrainUser): string | null {
    return this.user && this.user !== user
      ? `${USER_NAMES[this.user]} is training on this device — wait for it to finish or cancel it there`
      : null
  }

  /** Take the worker for `user`; throws TrainerBusyError while another user holds it. */
  acquire(user: TrainUser): TrainLease {
    const busy = this.busyReason(user) ?? (this.user ? `${USER_NAMES[user]} is already training` : null)
    if (busy) throw new TrainerBusyError(busy)
    this.user = user
    return new TrainLease(this, user)
  }

  /** @internal the lease's end */
  free(user: TrainUser): void {
    if (this.user === user) this.user = null
  }
}

/** One user's turn on the worker: train as often as needed, cancel its own run, release at the end. */
export class TrainLease {
  private released = false

  constructor(
    private readonly client: TrainWorkerClient,
    readonly user: TrainUser,
  ) {}

  train(
    data: TrainData,
    jobs: TrainJob[],
    onEpoch: (ev: EpochEvent) => void,
    resume?: (Checkpoint | null)[],
  ): Promise<{ results: TrainResult[]; info: TrainerInfo }> {
    if (this.released) return Promise.reject(new TrainerBusyError(`${USER_NAMES[this.user]}: the trainer was already handed back`))
    // data in a shared memory travel as that memory (no copy); other data are cloned
    return this.client.worker().train(sharedDataOf(data) ?? data, jobs, Comlink.proxy(onEpoch), resume)
  }

  /** Stop this lease's run. Only the holder's run can be in the worker, and once released this is a no-op
   *  (the worker clears its run before answering, so a late cancel never reaches the next user's run). */
  cancel(): void {
    if (!this.released) void this.client.worker().cancel()
  }

  release(): void {
    if (this.released) return
    this.released = true
    this.client.free(this.user)
  }
}

export const trainWorker = new TrainWorkerClient()
