// Every GPU buffer the engine makes goes through a BufferSet, which destroys them all at the end of
// a run. A module-wide count of live buffers and bytes lets tests prove that repeated runs leak
// nothing (it must come back to zero after each run).

let liveBuffers = 0
let liveBytes = 0

/** Buffers and bytes the engine holds right now (0 / 0 between runs). */
export function engineMemory(): { buffers: number; bytes: number } {
  return { buffers: liveBuffers, bytes: liveBytes }
}

/** about the bytes per writeBuffer of uploadBlocks, and how many may wait for the GPU at once */
export const UPLOAD_BLOCK_BYTES = 4 << 20
const BLOCKS_IN_FLIGHT = 8

export class BufferSet {
  private readonly owned: GPUBuffer[] = []

  constructor(private readonly device: GPUDevice) {}

  create(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    // Bindings must be non-empty and copies 4-byte aligned.
    const bytes = Math.max(16, Math.ceil(size / 16) * 16)
    const buf = this.device.createBuffer({ label, size: bytes, usage })
    this.owned.push(buf)
    liveBuffers++
    liveBytes += bytes
    return buf
  }

  /** A storage buffer holding `data` (also a copy source/destination). */
  upload(label: string, data: ArrayBufferView & { byteLength: number }, extra: GPUBufferUsageFlags = 0): GPUBuffer {
    const buf = this.create(label, data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extra)
    if (data.byteLength > 0) this.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength)
    return buf
  }

  /**
   * A storage buffer of `bytes`, written a block at a time: `block(at, bytes)` returns the view to
   * write at byte `at` (exactly `bytes` long). writeBuffer copies at the call, so `block` may reuse
   * one scratch array; after every few blocks this waits for the queue, so neither this side nor
   * the GPU's transfer memory ever holds a copy of the whole (a 10M-row feature matrix included).
   * Blocks are whole multiples of `unit` bytes (a padded row, say). Resolves early, with the
   * buffer, when `stop` settles first (a lost device).
   */
  async uploadBlocks(label: string, bytes: number, unit: number, block: (at: number, bytes: number) => ArrayBufferView, stop: Promise<unknown>): Promise<GPUBuffer> {
    const buf = this.create(label, bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)
    const most = Math.max(unit, Math.floor(UPLOAD_BLOCK_BYTES / unit) * unit)
    let stopped = false
    void stop.then(() => (stopped = true))
    for (let at = 0, n = 0; at < bytes && !stopped; at += most, n++) {
      const len = Math.min(most, bytes - at)
      const view = block(at, len)
      this.device.queue.writeBuffer(buf, at, view.buffer, view.byteOffset, len)
      if (n % BLOCKS_IN_FLIGHT === BLOCKS_IN_FLIGHT - 1) await Promise.race([this.device.queue.onSubmittedWorkDone(), stop])
    }
    return buf
  }

  /** Destroy everything (safe while GPU work is still queued: the memory goes when it finishes). */
  destroy(): void {
    for (const b of this.owned) {
      b.destroy()
      liveBuffers--
      liveBytes -= b.size
    }
    this.owned.length = 0
  }
}
