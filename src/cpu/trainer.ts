// WasmTrainer: the Trainer contract (src/model/contract.ts) on WebAssembly SIMD kernels, its jobs
// spread over workers. Folds and seeds are independent, so each job runs whole on one worker;
// a job's arithmetic never depends on which worker runs it or what else runs there, so the
// results are bit-identical for any worker count (tested). With `workers: 0` (or no way to
// start workers) it runs in the calling thread.
//
// Data to the workers: where memory can be shared (Node; a cross-origin-isolated page) the
// workers import the one shared WebAssembly.Memory the data live in (a table loaded with shared
// columns, src/model/sharedData.ts; other data are copied there once), so no worker holds a
// copy; otherwise each worker gets its own structured-clone copy, and the trainer says so once
// on the console (`dataSharing` tells which). A job's row lists travel the same way: on a
// SharedArrayBuffer (the splits make them there; others are copied there once), not cloned.
import { paramCount } from '../model/arch.ts'
import type { Checkpoint, TrainData, Trainer, TrainJob, TrainOptions, TrainResult } from '../model/contract.ts'
import { checkCheckpoint, checkData, checkJob, shapeOf, TrainInputError } from '../model/trainChecks.ts'
import { canShareMemory, sharedUint32 } from '../base/sharedMemory.ts'
import { sharedCopy, sharedDataOf, type SharedTrainData } from '../model/sharedData.ts'
import type { FromWorker, SpawnWorker, WorkerPort } from './protocol.ts'
import { runJobs } from './runner.ts'

export interface WasmTrainerOptions {
  /** worker count; 0 = train in this thread */
  workers: number
  /** how to start one worker (src/cpu/browserWorker.ts, src/node/cpuWorkers.ts) */
  spawn?: SpawnWorker
  /** longest stretch of work between two checks for a cancel, in ms */
  sliceMs?: number
}

/** Jobs → workers: the costliest job first, each to the least-loaded worker (deterministic). */
export function placeJobs(jobs: TrainJob[], workers: number): number[][] {
  const cost = jobs.map((j) => j.trainRows.length * Math.max(j.epochs, 1) * paramCount(j.widths))
  const order = jobs.map((_, i) => i).sort((a, b) => cost[b] - cost[a] || a - b)
  const load = new Array<number>(workers).fill(0)
  const out: number[][] = Array.from({ length: workers }, () => [])
  for (const j of order) {
    let w = 0
    for (let k = 1; k < workers; k++) if (load[k] < load[w]) w = k
    out[w].push(j)
    load[w] += cost[j]
  }
  return out.map((list) => list.sort((a, b) => a - b)).filter((l) => l.length > 0)
}

/** The data as the workers get them: their shared memory, else a copy in a new one, else (no sharing here) the arrays themselves. */
function forWorkers(data: TrainData): SharedTrainData | TrainData {
  const shared = sharedDataOf(data)
  if (shared) return shared
  const copy = sharedCopy(data)
  return copy ? sharedDataOf(copy)! : data
}

/** A job as the workers get it: its row lists shared, not cloned, where memory can be shared. */
const jobForWorkers = (j: TrainJob): TrainJob => ({ ...j, trainRows: sharedUint32(j.trainRows), valRows: sharedUint32(j.valRows) })

let copyNoticeShown = false

export class WasmTrainer implements Trainer {
  readonly kind = 'cpu' as const
  readonly description: string
  private readonly ports: WorkerPort[] = []
  private runId = 0
  private busy: Promise<unknown> = Promise.resolve()
  private disposed = false

  constructor(private readonly opts: WasmTrainerOptions) {
    const n = opts.spawn ? opts.workers : 0
    this.description = `CPU WebAssembly SIMD (${n === 0 ? 'in this thread' : `${n} worker${n === 1 ? '' : 's'}`})`
  }

  get workers(): number {
    return this.opts.spawn ? this.opts.workers : 0
  }

  /** How its workers get the data: one shared memory, or a copy each (no cross-origin isolation). */
  get dataSharing(): 'shared' | 'copy per worker' {
    return canShareMemory() ? 'shared' : 'copy per worker'
  }

  train(data: TrainData, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    const run = this.busy.then(() => this.trainNow(data, jobs, opts))
    this.busy = run.catch(() => undefined)
    return run
  }

  private async trainNow(data: TrainData, jobs: TrainJob[], opts: TrainOptions): Promise<TrainResult[]> {
    if (this.disposed) throw new Error('this WebAssembly trainer was disposed')
    checkData(data)
    if (opts.resume && opts.resume.length !== jobs.length)
      throw new TrainInputError(`resume has ${opts.resume.length} checkpoints for ${jobs.length} jobs`)
    jobs.forEach((j, i) => {
      checkJob(shapeOf(data), j)
      const cp = opts.resume?.[i]
      if (cp) checkCheckpoint(j, cp)
    })
    const sliceMs = this.opts.sliceMs ?? 20
    if (this.workers === 0 || jobs.length === 0)
      return runJobs(data, jobs, { onEpoch: opts.onEpoch, resume: opts.resume, sliceMs, aborted: () => opts.signal?.aborted ?? false })
    return this.trainOnWorkers(data, jobs, opts, sliceMs)
  }

  private port(i: number): WorkerPort {
    while (this.ports.length <= i) this.ports.push(this.opts.spawn!())
    return this.ports[i]
  }

  private trainOnWorkers(data: TrainData, jobs: TrainJob[], opts: TrainOptions, sliceMs: number): Promise<TrainResult[]> {
    const run = ++this.runId
    const shares = placeJobs(jobs, this.workers)
    const shared = forWorkers(data)
    if (!('memory' in shared) && !copyNoticeShown) {
      copyNoticeShown = true
      console.warn('CPU trainer: this page is not cross-origin isolated, so each worker gets its own copy of the training data (memory grows with the worker count)')
    }
    const results: TrainResult[] = new Array(jobs.length)
    return new Promise<TrainResult[]>((resolve, reject) => {
      let pending = shares.length
      let failed = false
      const ports = shares.map((_, w) => this.port(w))
      const abort = () => ports.forEach((p) => p.post({ type: 'abort', run }))
      const fail = (e: Error) => {
        if (failed) return
        failed = true
        abort()
        opts.signal?.removeEventListener('abort', abort)
        reject(e)
      }
      opts.signal?.addEventListener('abort', abort)
      shares.forEach((share, w) => {
        const port = ports[w]
        port.onMessage((msg: FromWorker) => {
          if (msg.run !== run || failed) return
          if (msg.type === 'epoch') opts.onEpoch?.({ ...msg.ev, job: share[msg.ev.job] })
          else if (msg.type === 'error') fail(Object.assign(new Error(msg.message), { name: msg.name }))
          else {
            msg.results.forEach((r, k) => (results[share[k]] = r))
            if (--pending === 0) {
              opts.signal?.removeEventListener('abort', abort)
              resolve(results)
            }
          }
        })
        port.onError((e) => fail(new Error(`a CPU training worker failed: ${e.message}`)))
        const resume: (Checkpoint | null)[] | null = opts.resume ? share.map((j) => opts.resume![j] ?? null) : null
        port.post({ type: 'run', run, data: shared, jobs: share.map((j) => jobForWorkers(jobs[j])), resume, sliceMs })
        if (opts.signal?.aborted) port.post({ type: 'abort', run })
      })
    })
  }

  dispose(): void {
    this.disposed = true
    for (const p of this.ports.splice(0)) p.terminate()
  }
}
