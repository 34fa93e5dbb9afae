// A trainer that loses its device: the CPU reference trainer, stopped after a chosen epoch of its
// first train() call as a lost GPU device stops the engine — every job ends 'device-lost' (the
// engine's status) at its last completed epoch, or, with `throws`, the call rejects (a crashed
// worker or browser). Later calls train normally, as a fresh device would.
import type { TrainData, Trainer, TrainJob, TrainOptions, TrainResult } from '../../src/model/contract.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'

export class LossyTrainer implements Trainer {
  readonly kind = 'cpu' as const
  readonly description = 'CPU reference (JS), losing its device once'
  private readonly inner = new CpuTrainer({ sliceMs: 0 })
  /** the jobs of each train() call, by id */
  readonly calls: string[][] = []
  private lost = false

  constructor(private readonly o: { afterEpoch: number; throws?: boolean }) {}

  async train(data: TrainData, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    this.calls.push(jobs.map((j) => j.id))
    if (this.lost) return this.inner.train(data, jobs, opts)
    const ctl = new AbortController()
    const onAbort = () => ctl.abort()
    opts.signal?.addEventListener('abort', onAbort)
    const results = await this.inner.train(data, jobs, {
      ...opts,
      signal: ctl.signal,
      onEpoch: (ev) => {
        opts.onEpoch?.(ev)
        if (ev.epoch >= this.o.afterEpoch) ctl.abort()
      },
    })
    opts.signal?.removeEventListener('abort', onAbort)
    if (!ctl.signal.aborted || opts.signal?.aborted) return results
    this.lost = true
    if (this.o.throws) throw new Error('the train worker crashed')
    return results.map((r) =>
      r.status === 'cancelled' ? { ...r, status: 'device-lost' as const, message: `${r.id}: the GPU device was lost after epoch ${r.checkpoint?.epoch ?? 0}` } : r,
    )
  }

  dispose(): void {}
}
