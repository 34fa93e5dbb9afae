// A group: the models of one run that one kernel trains (all the small ones, or all the others),
// with their GPU buffers. One round = one epoch of every active member:
//   setEpoch (orders, PLAN) → encode (train dispatches, validation, copy to a staging buffer)
//   → after the staging buffer is mapped: read (losses, weights, Adam state).
// Members never share memory or sums, so a model trained with others is bit-identical to the
// same model trained alone.
import type { TrainJob } from '../model/trainer.ts'
import type { BufferSet } from './buffers.ts'
import { layoutFor, pack, unpack, type KernelKind, type ModelLayout } from './layout.ts'
import {
  ARCH_U32,
  HEADER_U32,
  SCALER_U32,
  scratchShape,
  writeAdamTable,
  writeArch,
  writeHeader,
  writeScaler,
} from './plan.ts'
import { SPAN_STRIDE, type KernelPipelines } from './pipelines.ts'

export interface Member {
  /** the job's index in the run */
  index: number
  job: TrainJob
  /** most rows an epoch can have (trainRows, or the longest explicit order) */
  capacity: number
  /** starting point: flat params, Adam m and v */
  params: Float32Array
  m: Float32Array
  v: Float32Array
}

export interface EpochPlan {
  /** this epoch's training rows (row ids into the data), in order */
  rows: Uint32Array
  /** optimizer steps taken before this epoch */
  t0: number
}

export interface MemberResult {
  /** sum of squared errors of each step of the epoch */
  sse: Float32Array
  /** rows in each step */
  stepRows: number[]
  valSse: number
  params: Float32Array
  m: Float32Array
  v: Float32Array
}

export interface SharedData {
  x: GPUBuffer
  y: GPUBuffer
  f4: number
  nFeatures: number
}

/** Optimizer steps per dispatch: about 4M sample-parameter products per model (a few ms to tens of ms). */
const DISPATCH_WORK = 1 << 22
const MAX_STEPS_PER_DISPATCH = 256

export class EngineError extends Error {
  override name = 'EngineError'
}

interface Slot {
  lay: ModelLayout
  rowOff: number
  valOff: number
  stateOff: number // vec4
  outOff: number // f32
  archOff: number
  scalerOff: number
  tabOff: number
  scratchOff: number // vec4
  maxSteps: number
  steps: number // this epoch
  nRows: number
  enabled: boolean
}

export class Group {
  private readonly slots: Slot[]
  private readonly plan: Uint32Array
  private readonly rows: GPUBuffer
  private readonly planBuf: GPUBuffer
  private readonly state: GPUBuffer
  private readonly out: GPUBuffer
  private readonly staging: GPUBuffer[]
  private readonly bindGroup: GPUBindGroup
  private readonly stateBytes: number
  private readonly outBytes: number
  readonly stepsPerDispatch: number
  private readonly spanCount: number
  /** what each staging buffer's epoch held, per member (rounds overlap, so slots change meanwhile) */
  private readonly encoded: { enabled: boolean; steps: number; nRows: number }[][] = [[], []]

  constructor(
    private readonly device: GPUDevice,
    buffers: BufferSet,
    private readonly pipes: KernelPipelines,
    readonly kind: KernelKind,
    readonly members: Member[],
    shared: SharedData,
    stepsPerDispatch?: number,
  ) {
    const n = members.length
    let rowsLen = 0
    let stateLen = 0
    let outLen = 0
    let scratchLen = 0
    const scalerU32 = SCALER_U32(shared.f4)
    let planLen = n * (HEADER_U32 + ARCH_U32 + scalerU32)
    let work = 1
    this.slots = members.map((mb, i) => {
      const lay = layoutFor(kind, mb.job.widths)
      const maxSteps = Math.ceil(mb.capacity / mb.job.batchSize)
      const slot: Slot = {
        lay,
        valOff: rowsLen,
        rowOff: rowsLen + mb.job.valRows.length,
        stateOff: stateLen,
        outOff: outLen,
        archOff: n * HEADER_U32 + i * ARCH_U32,
        scalerOff: n * (HEADER_U32 + ARCH_U32) + i * scalerU32,
        tabOff: planLen,
        scratchOff: scratchLen,
        maxSteps,
        steps: 0,
        nRows: 0,
        enabled: false,
      }
      rowsLen += mb.job.valRows.length + mb.capacity
      stateLen += 3 * lay.P4
      outLen += 2 + maxSteps
      planLen += 2 * maxSteps
      // the 'any' kernel works on 4 samples per lane at a time: room for a whole last round
      const slots = Math.ceil(mb.job.batchSize / (4 * pipes.wg)) * 4 * pipes.wg
      if (kind === 'any') scratchLen += slots * scratchShape(lay).T4
      work = Math.max(work, mb.job.batchSize * lay.P4 * 4)
      return slot
    })
    this.stepsPerDispatch = stepsPerDispatch ?? Math.max(1, Math.min(MAX_STEPS_PER_DISPATCH, Math.floor(DISPATCH_WORK / work)))
    const maxSteps = Math.max(...this.slots.map((s) => s.maxSteps))
    this.spanCount = Math.ceil(maxSteps / this.stepsPerDispatch)

    this.plan = new Uint32Array(planLen)
    this.members.forEach((mb, i) => {
      const s = this.slots[i]
      writeArch(this.plan, s.archOff, s.lay)
      writeScaler(this.plan, s.scalerOff, mb.job.scaler, shared.nFeatures, shared.f4)
    })
    this.planBuf = buffers.create(`${kind} plan`, this.plan.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)

    const rowsHost = new Uint32Array(rowsLen)
    members.forEach((mb, i) => rowsHost.set(mb.job.valRows, this.slots[i].valOff))
    this.checkSize('row lists', rowsHost.byteLength)
    this.rows = buffers.upload(`${kind} rows`, rowsHost)

    const stateHost = new Float32Array(stateLen * 4)
    members.forEach((mb, i) => {
      const s = this.slots[i]
      const P = s.lay.P4 * 4
      pack(s.lay, mb.params, stateHost, s.stateOff * 4)
      pack(s.lay, mb.m, stateHost, s.stateOff * 4 + P)
      pack(s.lay, mb.v, stateHost, s.stateOff * 4 + 2 * P)
    })
    this.stateBytes = stateHost.byteLength
    this.state = buffers.upload(`${kind} state`, stateHost, GPUBufferUsage.COPY_SRC)
    this.outBytes = outLen * 4
    this.out = buffers.create(`${kind} out`, this.outBytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST)
    this.staging = [0, 1].map((k) =>
      buffers.create(`${kind} readback ${k}`, this.stateBytes + this.outBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
    )

    // SPAN: dispatch k runs steps [k·stepsPerDispatch, (k+1)·stepsPerDispatch).
    const span = new Uint32Array((this.spanCount * SPAN_STRIDE) / 4)
    for (let k = 0; k < this.spanCount; k++) {
      span[(k * SPAN_STRIDE) / 4] = k * this.stepsPerDispatch
      span[(k * SPAN_STRIDE) / 4 + 1] = this.stepsPerDispatch
    }
    const spanBuf = buffers.create(`${kind} span`, span.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST)
    device.queue.writeBuffer(spanBuf, 0, span)

    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: shared.x } },
      { binding: 1, resource: { buffer: shared.y } },
      { binding: 2, resource: { buffer: this.rows } },
      { binding: 3, resource: { buffer: this.planBuf } },
      { binding: 4, resource: { buffer: this.state } },
      { binding: 5, resource: { buffer: this.out } },
      { binding: 6, resource: { buffer: spanBuf, size: 8 } },
    ]
    if (kind === 'any') {
      this.checkSize('activation scratch', scratchLen * 16)
      const scratch = buffers.create('any scratch', scratchLen * 16, GPUBufferUsage.STORAGE)
      entries.push({ binding: 7, resource: { buffer: scratch } })
    }
    this.bindGroup = device.createBindGroup({ label: `${kind} run`, layout: pipes.layout, entries })
  }

  private checkSize(what: string, bytes: number): void {
    const max = this.device.limits.maxStorageBufferBindingSize
    if (bytes > max)
      throw new EngineError(
        `the ${what} need ${(bytes / 2 ** 20).toFixed(0)} MiB, more than this GPU binds at once (${(max / 2 ** 20).toFixed(0)} MiB): use fewer rows or models per run`,
      )
  }

  /** Set up the next epoch: `plans[i]` for member i, null when it sits this round out. */
  setEpoch(plans: (EpochPlan | null)[], f4: number): boolean {
    let any = false
    this.members.forEach((mb, i) => {
      const s = this.slots[i]
      const p = plans[i]
      const job = mb.job
      s.enabled = p !== null && p.rows.length > 0
      s.nRows = s.enabled ? p!.rows.length : 0
      s.steps = s.enabled ? Math.ceil(s.nRows / job.batchSize) : 0
      if (s.enabled) {
        any = true
        this.device.queue.writeBuffer(this.rows, s.rowOff * 4, p!.rows)
        writeAdamTable(this.plan, s.tabOff, job.lr, p!.t0, s.steps)
      }
      writeHeader(this.plan, i, {
        rowOff: s.rowOff,
        nRows: s.nRows,
        batch: job.batchSize,
        steps: s.steps,
        tabOff: s.tabOff,
        stateOff: s.stateOff,
        outOff: s.outOff,
        valOff: s.valOff,
        nVal: job.valRows.length,
        enabled: s.enabled,
        archOff: s.archOff,
        scalerOff: s.scalerOff,
        f4,
        scratchOff: s.scratchOff,
      })
    })
    if (any) this.device.queue.writeBuffer(this.planBuf, 0, this.plan)
    return any
  }

  /** Record this epoch's work; the results land in staging buffer `k` (0 or 1). */
  encode(enc: GPUCommandEncoder, k: number): void {
    const n = this.members.length
    const maxSteps = Math.max(0, ...this.slots.map((s) => s.steps))
    enc.clearBuffer(this.out)
    const pass = enc.beginComputePass({ label: `${this.kind} epoch` })
    pass.setPipeline(this.pipes.train)
    for (let d = 0; d * this.stepsPerDispatch < maxSteps; d++) {
      pass.setBindGroup(0, this.bindGroup, [d * SPAN_STRIDE])
      pass.dispatchWorkgroups(n)
    }
    pass.setPipeline(this.pipes.validate)
    pass.setBindGroup(0, this.bindGroup, [0])
    pass.dispatchWorkgroups(n)
    pass.end()
    this.encoded[k] = this.slots.map((s) => ({ enabled: s.enabled, steps: s.steps, nRows: s.nRows }))
    enc.copyBufferToBuffer(this.state, 0, this.staging[k], 0, this.stateBytes)
    enc.copyBufferToBuffer(this.out, 0, this.staging[k], this.stateBytes, this.outBytes)
  }

  map(k: number): Promise<void> {
    return this.staging[k].mapAsync(GPUMapMode.READ)
  }

  /** Member results from mapped staging buffer `k` (unmaps it). Null for members that sat out. */
  read(k: number): (MemberResult | null)[] {
    const buf = this.staging[k]
    const bytes = buf.getMappedRange()
    const state = new Float32Array(bytes, 0, this.stateBytes / 4)
    const out = new Float32Array(bytes, this.stateBytes, this.outBytes / 4)
    const res = this.members.map((mb, i): MemberResult | null => {
      const s = this.slots[i]
      const e = this.encoded[k][i]
      if (!e.enabled) return null
      if (out[s.outOff] !== 0)
        throw new EngineError(
          `the GPU split a workgroup of ${this.pipes.wg} lanes into several subgroups; the small kernel needs one (report this adapter)`,
        )
      const B = mb.job.batchSize
      const stepRows = Array.from({ length: e.steps }, (_, t) => Math.min(B, e.nRows - t * B))
      const P = s.lay.P4 * 4
      return {
        sse: out.slice(s.outOff + 2, s.outOff + 2 + e.steps),
        stepRows,
        valSse: out[s.outOff + 1],
        params: unpack(s.lay, state, s.stateOff * 4),
        m: unpack(s.lay, state, s.stateOff * 4 + P),
        v: unpack(s.lay, state, s.stateOff * 4 + 2 * P),
      }
    })
    buf.unmap()
    return res
  }
}
