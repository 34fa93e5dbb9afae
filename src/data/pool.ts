// Recycles the ArrayBuffers behind row-group chunks: once a chunk has been copied into the
// FeatureTable its buffers come back (at once in-process, or transferred back from the main thread
// to the data worker) and carry the next row group. Streaming a large file then leaves almost no
// garbage behind, on either side of the worker boundary.
// Buffers of a MiB or more are allocated in whole MiBs: reads and row groups vary in size by a
// few percent, and a buffer a little too small for the next request would be garbage instead.

const MIB = 1 << 20

/** The size a new buffer for `bytes` gets. */
export function allocationBytes(bytes: number): number {
  return bytes >= MIB ? Math.ceil(bytes / MIB) * MIB : bytes
}

export class BufferPool {
  private free: ArrayBuffer[] = []
  private held = 0

  constructor(private readonly maxBytes = 96 << 20) {}

  /** A buffer of at least `bytes` (contents undefined, maybe longer), reused when a fitting one is free. */
  take(bytes: number): ArrayBuffer {
    let best = -1
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i].byteLength
      // at most twice the size asked for, so a small chunk does not pin a huge buffer
      if (b >= bytes && b <= 2 * bytes + 4096 && (best < 0 || b < this.free[best].byteLength)) best = i
    }
    if (best < 0) return new ArrayBuffer(allocationBytes(bytes))
    const [buf] = this.free.splice(best, 1)
    this.held -= buf.byteLength
    return buf
  }

  release(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) {
      if (b.byteLength === 0 || this.free.includes(b) || this.held + b.byteLength > this.maxBytes) continue
      this.free.push(b)
      this.held += b.byteLength
    }
  }
}
