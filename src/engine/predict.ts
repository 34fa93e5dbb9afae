// Predictions on the GPU with any trained model: the same forward pass as training (train_any.wgsl's
// predict entry), rows spread over many workgroups. For large evaluation sets; the CPU's
// src/model/forward.ts gives the same numbers to float32 rounding.
import { flattenParams, type ModelParams } from '../model/params.ts'
import type { Scaler } from '../model/scaler.ts'
import { BufferSet } from './buffers.ts'
import { modelLayout, pack, vec4s } from './layout.ts'
import { compilePipelines, type EnginePipelines } from './pipelines.ts'
import { ARCH_U32, bindGroupEntries, HEADER_U32, SPAN_STRIDE } from './abi.ts'
import { SCALER_U32, writeArch, writeEpochHeader, writeScaler } from './modelTable.ts'
import { EngineError } from './errors.ts'
import { padRows } from './rows.ts'

/** Rows per dispatch: keeps each dispatch short on slow adapters. */
const ROWS_PER_DISPATCH = 1 << 16

export async function gpuPredict(
  device: GPUDevice,
  params: ModelParams,
  scaler: Scaler | null,
  x: Float32Array,
  nFeatures: number,
  pipelines?: EnginePipelines,
): Promise<Float32Array> {
  const widths = params.widths
  if (widths[0] !== nFeatures) throw new RangeError(`the model takes ${widths[0]} features, the data has ${nFeatures}`)
  if (x.length % nFeatures !== 0) throw new RangeError(`x has ${x.length} values, not a multiple of ${nFeatures} features`)
  const rows = x.length / nFeatures
  if (rows === 0) return new Float32Array(0)
  const any = (pipelines ?? (await compilePipelines(device))).any
  const f4 = vec4s(nFeatures)
  const lay = modelLayout(widths)
  const table = new Uint32Array(HEADER_U32 + ARCH_U32 + SCALER_U32(f4))
  writeEpochHeader(table, 0, {
    rowOff: 0, nRows: 0, batch: 1, steps: 0, tabOff: 0, stateOff: 0, outOff: 0, valOff: 0, nVal: rows,
    enabled: true, archOff: HEADER_U32, scalerOff: HEADER_U32 + ARCH_U32, f4, scratchOff: 0,
  })
  writeArch(table, HEADER_U32, lay)
  writeScaler(table, HEADER_U32 + ARCH_U32, scaler, nFeatures, f4)

  const buffers = new BufferSet(device)
  try {
    const dispatches = Math.ceil(rows / ROWS_PER_DISPATCH)
    const span = new Uint32Array((dispatches * SPAN_STRIDE) / 4)
    for (let d = 0; d < dispatches; d++) {
      span[(d * SPAN_STRIDE) / 4] = d * ROWS_PER_DISPATCH
      span[(d * SPAN_STRIDE) / 4 + 1] = Math.min(ROWS_PER_DISPATCH, rows - d * ROWS_PER_DISPATCH)
    }
    const spanBuf = buffers.create('predict span', span.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST)
    device.queue.writeBuffer(spanBuf, 0, span)
    const out = buffers.create('predictions', rows * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC)
    const read = buffers.create('predictions readback', rows * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST)
    // bindings the predict entry point does not use (one read-only, one read-write)
    const dummy = buffers.create('unused', 16, GPUBufferUsage.STORAGE)
    const dummyRw = buffers.create('unused scratch', 16, GPUBufferUsage.STORAGE)
    device.pushErrorScope('validation')
    const bg = device.createBindGroup({
      label: 'predict',
      layout: any.layout,
      entries: bindGroupEntries('any', {
        X: buffers.upload('predict features', padRows(x, nFeatures, f4)),
        Y: dummy,
        ROWS: dummy,
        MODELS: buffers.upload('predict models', table),
        STATE: buffers.upload('predict params', pack(lay, flattenParams(params))),
        OUT: out,
        SPAN: spanBuf,
        SCRATCH: dummyRw,
      }),
    })
    const enc = device.createCommandEncoder({ label: 'predict' })
    const pass = enc.beginComputePass()
    pass.setPipeline(any.predict)
    for (let d = 0; d < dispatches; d++) {
      pass.setBindGroup(0, bg, [d * SPAN_STRIDE])
      pass.dispatchWorkgroups(Math.min(Math.ceil(ROWS_PER_DISPATCH / any.wg), 256))
    }
    pass.end()
    enc.copyBufferToBuffer(out, 0, read, 0, rows * 4)
    device.queue.submit([enc.finish()])
    const err = await device.popErrorScope()
    if (err) throw new EngineError(`the GPU rejected the prediction: ${err.message}`)
    await read.mapAsync(GPUMapMode.READ)
    const pred = new Float32Array(read.getMappedRange(0, rows * 4).slice(0))
    read.unmap()
    return pred
  } finally {
    buffers.destroy()
  }
}
