// One job's progress through a run, as both trainers (src/model/trainCpu.ts and src/engine) keep
// it: status and why it stopped, epochs and steps done, losses, the last checkpoint, the epoch
// shuffler. The messages a user sees (diverged, cancelled, device lost) are written here once.
import { EpochShuffler, type Checkpoint, type EpochEvent, type JobStatus, type TrainJob, type TrainResult } from './contract.ts'
import { checkCheckpoint, copyCheckpoint, jobResult } from './trainChecks.ts'

/** What a trainer measured at the end of an epoch. */
export interface EpochOutcome {
  trainLoss: number
  valLoss: number
  /** optimizer steps taken in total after this epoch */
  step: number
  params: Float32Array
  m: Float32Array
  v: Float32Array
}

export class JobProgress {
  status: JobStatus | null = null
  message: string | undefined
  /** epochs completed */
  epoch: number
  /** optimizer steps completed */
  step: number
  readonly shuffler: EpochShuffler
  readonly trainLoss: number[] = []
  readonly valLoss: number[] = []
  last: Checkpoint | null

  /** Starts fresh, or from `resume` (checked against the job). */
  constructor(
    readonly index: number,
    readonly job: TrainJob,
    resume: Checkpoint | null,
  ) {
    if (resume) checkCheckpoint(job, resume)
    this.shuffler = new EpochShuffler(job)
    this.epoch = resume?.epoch ?? 0
    this.step = resume?.step ?? 0
    this.last = resume ? copyCheckpoint(resume) : null
    if (resume) this.shuffler.skipTo(resume.epoch)
    if (this.epoch >= job.epochs) this.status = 'done'
  }

  stop(status: JobStatus, message: string): void {
    this.status = status
    this.message = message
  }

  cancel(): void {
    this.stop('cancelled', `${this.job.label} cancelled after epoch ${this.epoch}`)
  }

  /** The training loss of `step` (1-based, counted over the run) in epoch `epoch` was not finite. */
  lossDiverged(epoch: number, step: number, loss: number): void {
    this.stop(
      'diverged',
      `${this.job.label} diverged in epoch ${epoch} (step ${step}): the training loss became ${loss}; kept the weights of epoch ${epoch - 1}`,
    )
  }

  /** The weights or Adam moments after `epoch` were not finite. */
  weightsDiverged(epoch: number): void {
    this.stop('diverged', `${this.job.label} diverged in epoch ${epoch}: the weights became infinite or NaN; kept the weights of epoch ${epoch - 1}`)
  }

  deviceLost(reason: string): void {
    this.stop(
      'device-lost',
      `${this.job.label}: the GPU device was lost after epoch ${this.epoch} (${reason}); resume from the last checkpoint`,
    )
  }

  /** Record a finished epoch (it owns the arrays it is given) and return the event to report. */
  completeEpoch(o: EpochOutcome): EpochEvent {
    this.epoch++
    this.step = o.step
    this.last = { epoch: this.epoch, step: o.step, params: o.params, m: o.m, v: o.v }
    this.trainLoss.push(o.trainLoss)
    this.valLoss.push(o.valLoss)
    if (this.epoch >= this.job.epochs) this.status = 'done'
    return { job: this.index, epoch: this.epoch, trainLoss: o.trainLoss, valLoss: o.valLoss, checkpoint: copyCheckpoint(this.last) }
  }

  /** The job's result; `finalParams` are the weights of a finished job, else the last checkpoint's are reported. */
  result(finalParams: Float32Array | null = null): TrainResult {
    const { status, message, trainLoss, valLoss, last } = this
    return jobResult(this.job, { status, message, params: status === 'done' ? finalParams : null, trainLoss, valLoss, last })
  }
}
