// Input checks and small helpers both trainers share (src/model/trainCpu.ts, src/engine), so a
// bad job gets the same plain message, naming the model, on the CPU and on the GPU.
import { MAX_HIDDEN_LAYERS, MAX_WIDTH, paramCount } from './arch.ts'
import { flattenParams, unflattenParams } from './params.ts'
import type { Checkpoint, JobStatus, TrainData, TrainJob, TrainResult } from './contract.ts'

export class TrainInputError extends Error {
  override name = 'TrainInputError'
}

export function checkData(data: TrainData): void {
  const { columns, y } = data
  if (columns.length < 1) throw new TrainInputError('the data have no feature columns')
  columns.forEach((c, f) => {
    if (c.length !== y.length) throw new TrainInputError(`feature column ${f} has ${c.length} rows, the targets ${y.length}`)
  })
}

/** How many rows and feature columns the data have: what a job is checked against. */
export interface DataShape {
  rows: number
  nFeatures: number
}

export const shapeOf = (data: TrainData): DataShape => ({ rows: data.y.length, nFeatures: data.columns.length })

export function checkJob(data: DataShape, job: TrainJob): void {
  const bad = (what: string) => new TrainInputError(`${job.label}: ${what}`)
  const w = job.widths
  if (w.length < 2 || w.length > MAX_HIDDEN_LAYERS + 2 || w[w.length - 1] !== 1)
    throw bad(`widths must be features, up to ${MAX_HIDDEN_LAYERS} hidden layers, then one output; got ${w.join('→')}`)
  if (w.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_WIDTH))
    throw bad(`every width must be an integer in 1..${MAX_WIDTH}, got ${w.join('→')}`)
  if (w[0] !== data.nFeatures) throw bad(`the model takes ${w[0]} features, the data have ${data.nFeatures}`)
  if (job.init.widths.join() !== w.join()) throw bad(`initial weights are for ${job.init.widths.join('→')}, not ${w.join('→')}`)
  if (flattenParams(job.init).length !== paramCount(w)) throw bad('initial weights have the wrong size')
  if (!Number.isInteger(job.batchSize) || job.batchSize < 1) throw bad(`batch size must be ≥ 1, got ${job.batchSize}`)
  if (!Number.isInteger(job.epochs) || job.epochs < 0) throw bad(`epochs must be ≥ 0, got ${job.epochs}`)
  if (!(job.lr > 0)) throw bad(`learning rate must be > 0, got ${job.lr}`)
  if (job.trainRows.length === 0) throw bad('no training rows')
  const rows = data.rows
  for (const [name, list] of [['training', job.trainRows], ['validation', job.valRows]] as const)
    for (let i = 0; i < list.length; i++)
      if (list[i] >= rows) throw bad(`${name} row ${list[i]} is out of range (the data has ${rows} rows)`)
  if (job.scaler && (job.scaler.mean.length !== w[0] || job.scaler.std.length !== w[0]))
    throw bad(`the scaler has ${job.scaler.mean.length} features, the model ${w[0]}`)
  if (job.order.kind === 'explicit')
    job.order.epochs.forEach((order, e) => {
      for (let i = 0; i < order.length; i++)
        if (order[i] >= job.trainRows.length)
          throw bad(`epoch ${e + 1} orders position ${order[i]}, past its ${job.trainRows.length} training rows`)
    })
}

export function checkCheckpoint(job: TrainJob, cp: Checkpoint): void {
  const n = paramCount(job.widths)
  if (cp.params.length !== n || cp.m.length !== n || cp.v.length !== n)
    throw new TrainInputError(`${job.label}: checkpoint has ${cp.params.length} parameters, the model ${n}`)
}

export function copyCheckpoint(c: Checkpoint): Checkpoint {
  return { epoch: c.epoch, step: c.step, params: c.params.slice(), m: c.m.slice(), v: c.v.slice() }
}

/** Where a job ended: what both trainers know about it when a run returns. */
export interface JobOutcome {
  status: JobStatus | null // null: never finished (reported as cancelled)
  message?: string
  /** flat weights to report: the final ones for a finished job, else those of its last completed epoch */
  params: Float32Array | null
  trainLoss: number[]
  valLoss: number[]
  last: Checkpoint | null
}

export function jobResult(job: TrainJob, o: JobOutcome): TrainResult {
  const flat = o.params ?? o.last?.params ?? flattenParams(job.init)
  return {
    id: job.id,
    status: o.status ?? 'cancelled',
    ...(o.message === undefined ? {} : { message: o.message }),
    params: unflattenParams(job.widths, flat),
    trainLoss: o.trainLoss.slice(),
    valLoss: o.valLoss.slice(),
    steps: o.last?.step ?? 0,
    checkpoint: o.last ? copyCheckpoint(o.last) : null,
  }
}
