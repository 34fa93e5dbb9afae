// The training data's way onto the GPU: the features as zero-padded vec4 rows (X) and the targets
// (Y), read from a RowBlockSource a block of rows at a time and written in pieces of about
// UPLOAD_BLOCK_BYTES. The source may hold the columns (columnBlocks) or fetch each block as it is
// asked for (the CLI's page, src/pageApi/rowBlocks.ts), so the page never holds the whole table.
// writeBuffer copies at the call; after every few writes this waits for the queue, so neither this
// side nor the GPU's transfer memory holds a copy of the whole.
import type { TrainData } from '../model/contract.ts'
import { UPLOAD_BLOCK_BYTES, type BufferSet } from './buffers.ts'
import { EngineError } from './errors.ts'
import { RowPadder } from './rows.ts'

/** Rows of the training data: one view per feature column and the targets, equally long. */
export interface RowBlock {
  columns: readonly Float32Array[]
  y: Float32Array
}

/** The training data, handed out a block of rows at a time. */
export interface RowBlockSource {
  readonly rows: number
  readonly nFeatures: number
  /** Rows [first, first + count); the views stay valid until the next call. */
  block(first: number, count: number): RowBlock | Promise<RowBlock>
}

/** Default rows asked of a source at once: 4 MiB of each column. */
export const SOURCE_BLOCK_ROWS = 1 << 20
/** writes queued before waiting for the GPU to take them */
const WRITES_IN_FLIGHT = 8

/** A source over columns in memory: each block is views, no copy. */
export function columnBlocks(data: TrainData): RowBlockSource {
  return {
    rows: data.y.length,
    nFeatures: data.columns.length,
    block: (first, count) => ({ columns: data.columns.map((c) => c.subarray(first, first + count)), y: data.y.subarray(first, first + count) }),
  }
}

function checkBlock(b: RowBlock, nFeatures: number, first: number, count: number): void {
  const arrays = [...b.columns, b.y]
  let bad = ''
  if (b.columns.length !== nFeatures) bad = `${b.columns.length} feature columns, not ${nFeatures}`
  else if (arrays.some((a) => a.length !== count)) bad = `arrays of ${arrays.map((a) => a.length).join('/')} rows`
  if (bad) throw new EngineError(`the training data's rows ${first}–${first + count - 1} came as ${bad}, expected ${count} rows of each`)
}

export interface UploadOptions {
  /** vec4s per padded feature row */
  f4: number
  /** rows asked of the source at once (default SOURCE_BLOCK_ROWS) */
  blockRows?: number
  /** settles when the upload should stop early (a cancel, a lost device): the buffers come back part-written */
  stop: Promise<unknown>
}

/** X (padded feature rows) and Y (targets) on the GPU, from `source`. */
export async function uploadRowBlocks(device: GPUDevice, buffers: BufferSet, source: RowBlockSource, opts: UploadOptions): Promise<{ x: GPUBuffer; y: GPUBuffer }> {
  const rowBytes = opts.f4 * 16
  const x = buffers.create('features', source.rows * rowBytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)
  const y = buffers.create('targets', source.rows * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)
  const blockRows = Math.max(1, opts.blockRows ?? SOURCE_BLOCK_ROWS)
  const writeRows = Math.max(1, Math.floor(UPLOAD_BLOCK_BYTES / rowBytes))
  const padder = new RowPadder(opts.f4)
  let stopped = false
  void opts.stop.then(() => (stopped = true))
  let writes = 0
  const wrote = async () => {
    if (++writes % WRITES_IN_FLIGHT === 0) await Promise.race([device.queue.onSubmittedWorkDone(), opts.stop])
  }
  for (let first = 0; first < source.rows && !stopped; first += blockRows) {
    const count = Math.min(blockRows, source.rows - first)
    const b = await source.block(first, count)
    checkBlock(b, source.nFeatures, first, count)
    for (let r = 0; r < count && !stopped; r += writeRows) {
      const n = Math.min(writeRows, count - r)
      const padded = padder.pad(b.columns, r, n)
      device.queue.writeBuffer(x, (first + r) * rowBytes, padded.buffer, padded.byteOffset, padded.byteLength)
      await wrote()
    }
    device.queue.writeBuffer(y, first * 4, b.y.buffer, b.y.byteOffset, b.y.byteLength)
    await wrote()
  }
  return { x, y }
}
