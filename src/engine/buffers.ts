// Every GPU buffer the engine makes goes through a BufferSet, which destroys them all at the end of
// a run. A module-wide count of live buffers and bytes lets tests prove that repeated runs leak
// nothing (it must come back to zero after each run).

let liveBuffers = 0
let liveBytes = 0
let peakBytes = 0

/** The most bytes the engine's buffers held at once since it loaded (on a software adapter, host memory). */
export function enginePeakBytes(): number {
  return peakBytes
}

/** Buffers and bytes the engine holds right now (0 / 0 between runs). */
export function engineMemory(): { buffers: number; bytes: number } {
  return { buffers: liveBuffers, bytes: liveBytes }
}

/** about the bytes per writeBuffer of a large upload (upload.ts) */
export const UPLOAD_BLOCK_BYTES = 4 << 20

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
    peakBytes = Math.max(peakBytes, liveBytes)
    return buf
  }

  /** A storage buffer holding `data` (also a copy source/destination). */
  upload(label: string, data: ArrayBufferView & { byteLength: number }, extra: GPUBufferUsageFlags = 0): GPUBuffer {
    const buf = this.create(label, data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extra)
    if (data.byteLength > 0) this.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength)
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
