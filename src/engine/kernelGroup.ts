// A kernel group: the models of one run that one kernel trains (all the small ones, or all the
// others), with their GPU buffers. One round = one epoch of every active member:
//   setEpoch (row orders, MODELS table) → encode (train dispatches, validation, copy to a staging
//   buffer) → after the staging buffer is mapped: read (losses, weights, Adam state).
// Members never share memory or sums, so a model trained with others is bit-identical to the
// same model trained alone.
import type { TrainJob } from '../model/contract.ts'
import { ARCH_U32, bindGroupEntries, HEADER_U32, SPAN_STRIDE, type KernelName } from './abi.ts'
import type { BufferSet } from './buffers.ts'
import { EngineError } from './errors.ts'
import { layoutFor, pack, unpack, type ModelLayout } from './layout.ts'
import { SCALER_U32, scratchShape, writeAdamTable, writeArch, writeEpochHeader, writeScaler } from './modelTable.ts'
import type { KernelPipelines } from './pipelines.ts'

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

/** One member's next epoch. */
export interface EpochRows {
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

/** Sample × parameter products per model and dispatch: keeps each dispatch short enough for GPU watchdogs. */
const DISPATCH_WORK = 1 << 22
const MAX_STEPS_PER_DISPATCH = 256

/** Where one member's data sits in the group's buffers; each offset names its buffer and unit. */
interface MemberLayout {
  lay: ModelLayout
  /** ROWS (u32 index): this epoch's training rows, right after the validation rows */
  rowsAtU32: number
  /** ROWS (u32 index): the validation rows */
  valAtU32: number
  /** STATE (vec4 index): params, then Adam m, then Adam v (lay.P4 vec4 each) */
  stateAtVec4: number
  /** OUT (f32 index): status, validation SSE, then one SSE per step */
  outAtF32: number
  /** MODELS (u32 index): the architecture block */
  archAtU32: number
  /** MODELS (u32 index): the scaler */
  scalerAtU32: number
  /** MODELS (u32 index): Adam's per-step constants */
  adamAtU32: number
  /** SCRATCH (vec4 index): per-sample activations ('any' kernel) */
  scratchAtVec4: number
  /** most steps an epoch can have */
  maxSteps: number
}

/** What a member does this epoch. */
interface MemberEpoch {
  enabled: boolean
  steps: number
  nRows: number
}

export class KernelGroup {
  private readonly layouts: MemberLayout[]
  private readonly epochs: MemberEpoch[]
  private readonly table: Uint32Array
  private readonly rows: GPUBuffer
  private readonly tableBuf: GPUBuffer
  private readonly state: GPUBuffer
  private readonly out: GPUBuffer
  private readonly staging: GPUBuffer[]
  private readonly bindGroup: GPUBindGroup
  private readonly stateBytes: number
  private readonly outBytes: number
  readonly stepsPerDispatch: number
  private readonly spanCount: number
  /** what each staging buffer's epoch held, per member (rounds overlap, so epochs change meanwhile) */
  private readonly encoded: MemberEpoch[][] = [[], []]

  constructor(
    private readonly device: GPUDevice,
    buffers: BufferSet,
    private readonly pipes: KernelPipelines,
    readonly kind: KernelName,
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
    let tableLen = n * (HEADER_U32 + ARCH_U32 + scalerU32)
    let work = 1
    this.layouts = members.map((mb, i) => {
      const lay = layoutFor(kind, mb.job.widths)
      const maxSteps = Math.ceil(mb.capacity / mb.job.batchSize)
      const at: MemberLayout = {
        lay,
        valAtU32: rowsLen,
        rowsAtU32: rowsLen + mb.job.valRows.length,
        stateAtVec4: stateLen,
        outAtF32: outLen,
        archAtU32: n * HEADER_U32 + i * ARCH_U32,
        scalerAtU32: n * (HEADER_U32 + ARCH_U32) + i * scalerU32,
        adamAtU32: tableLen,
        scratchAtVec4: scratchLen,
        maxSteps,
      }
      rowsLen += mb.job.valRows.length + mb.capacity
      stateLen += 3 * lay.P4
      outLen += 2 + maxSteps
      tableLen += 2 * maxSteps
      // the 'any' kernel works on 4 samples per lane at a time: room for a whole last round
      const sampleSlots = Math.ceil(mb.job.batchSize / (4 * pipes.wg)) * 4 * pipes.wg
      if (kind === 'any') scratchLen += sampleSlots * scratchShape(lay).T4
      work = Math.max(work, mb.job.batchSize * lay.P4 * 4)
      return at
    })
    this.epochs = members.map(() => ({ enabled: false, steps: 0, nRows: 0 }))
    this.stepsPerDispatch = stepsPerDispatch ?? Math.max(1, Math.min(MAX_STEPS_PER_DISPATCH, Math.floor(DISPATCH_WORK / work)))
    const maxSteps = Math.max(...this.layouts.map((s) => s.maxSteps))
    this.spanCount = Math.ceil(maxSteps / this.stepsPerDispatch)

    this.table = new Uint32Array(tableLen)
    this.members.forEach((mb, i) => {
      const s = this.layouts[i]
      writeArch(this.table, s.archAtU32, s.lay)
      writeScaler(this.table, s.scalerAtU32, mb.job.scaler, shared.nFeatures, shared.f4)
    })
    this.tableBuf = buffers.create(`${kind} models`, this.table.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)

    const rowsHost = new Uint32Array(rowsLen)
    members.forEach((mb, i) => rowsHost.set(mb.job.valRows, this.layouts[i].valAtU32))
    this.checkSize('row lists', rowsHost.byteLength)
    this.rows = buffers.upload(`${kind} rows`, rowsHost)

    const stateHost = new Float32Array(stateLen * 4)
    members.forEach((mb, i) => {
      const s = this.layouts[i]
      const P = s.lay.P4 * 4
      pack(s.lay, mb.params, stateHost, s.stateAtVec4 * 4)
      pack(s.lay, mb.m, stateHost, s.stateAtVec4 * 4 + P)
      pack(s.lay, mb.v, stateHost, s.stateAtVec4 * 4 + 2 * P)
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

    let scratch: GPUBuffer | undefined
    if (kind === 'any') {
      this.checkSize('activation scratch', scratchLen * 16)
      scratch = buffers.create('any scratch', scratchLen * 16, GPUBufferUsage.STORAGE)
    }
    const entries = bindGroupEntries(kind, {
      X: shared.x,
      Y: shared.y,
      ROWS: this.rows,
      MODELS: this.tableBuf,
      STATE: this.state,
      OUT: this.out,
      SPAN: spanBuf,
      SCRATCH: scratch,
    })
    this.bindGroup = device.createBindGroup({ label: `${kind} run`, layout: pipes.layout, entries })
  }

  private checkSize(what: string, bytes: number): void {
    const max = this.device.limits.maxStorageBufferBindingSize
    if (bytes > max)
      throw new EngineError(
        `the ${what} need ${(bytes / 2 ** 20).toFixed(0)} MiB, more than this GPU binds at once (${(max / 2 ** 20).toFixed(0)} MiB): use fewer rows or models per run`,
      )
  }

  /** Set up the next epoch: `next[i]` for member i, null when it sits this round out. */
  setEpoch(next: (EpochRows | null)[], f4: number): boolean {
    let any = false
    this.members.forEach((mb, i) => {
      const s = this.layouts[i]
      const e = this.epochs[i]
      const p = next[i]
      const job = mb.job
      e.enabled = p !== null && p.rows.length > 0
      e.nRows = e.enabled ? p!.rows.length : 0
      e.steps = e.enabled ? Math.ceil(e.nRows / job.batchSize) : 0
      if (e.enabled) {
        any = true
        this.device.queue.writeBuffer(this.rows, s.rowsAtU32 * 4, p!.rows)
        writeAdamTable(this.table, s.adamAtU32, job.lr, p!.t0, e.steps)
      }
      writeEpochHeader(this.table, i, {
        rowOff: s.rowsAtU32,
        nRows: e.nRows,
        batch: job.batchSize,
        steps: e.steps,
        tabOff: s.adamAtU32,
        stateOff: s.stateAtVec4,
        outOff: s.outAtF32,
        valOff: s.valAtU32,
        nVal: job.valRows.length,
        enabled: e.enabled,
        archOff: s.archAtU32,
        scalerOff: s.scalerAtU32,
        f4,
        scratchOff: s.scratchAtVec4,
      })
    })
    if (any) this.device.queue.writeBuffer(this.tableBuf, 0, this.table)
    return any
  }

  /** Record this epoch's work; the results land in staging buffer `k` (0 or 1). */
  encode(enc: GPUCommandEncoder, k: number): void {
    const n = this.members.length
    const maxSteps = Math.max(0, ...this.epochs.map((e) => e.steps))
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
    this.encoded[k] = this.epochs.map((e) => ({ ...e }))
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
      const s = this.layouts[i]
      const e = this.encoded[k][i]
      if (!e.enabled) return null
      if (out[s.outAtF32] !== 0)
        throw new EngineError(
          `the GPU split a workgroup of ${this.pipes.wg} lanes into several subgroups; the small kernel needs one (report this adapter)`,
        )
      const B = mb.job.batchSize
      const stepRows = Array.from({ length: e.steps }, (_, t) => Math.min(B, e.nRows - t * B))
      const P = s.lay.P4 * 4
      return {
        sse: out.slice(s.outAtF32 + 2, s.outAtF32 + 2 + e.steps),
        stepRows,
        valSse: out[s.outAtF32 + 1],
        params: unpack(s.lay, state, s.stateAtVec4 * 4),
        m: unpack(s.lay, state, s.stateAtVec4 * 4 + P),
        v: unpack(s.lay, state, s.stateAtVec4 * 4 + 2 * P),
      }
    })
    buf.unmap()
    return res
  }
}
