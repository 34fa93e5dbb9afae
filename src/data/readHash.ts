// The sha256 of a large file, computed from the same reads that stream its rows, so the file is
// read once. The hash must see the bytes in file order: the reader feeds each read as it arrives
// (`cover`), and whatever no read covered (the header, columns not needed, the footer, any bytes
// between) is read here, in pieces, when the hash reaches it or at the end (`finish`). Reads that
// arrive out of order are still correct: bytes already hashed are skipped, and a read past the
// hashed end first hashes the gap up to it.
import type { BufferPool } from './pool.ts'
import type { IncrementalHash, OpenedSource } from './sources.ts'

/** Gap bytes are read (and hashed) at most this many at a time. */
const GAP_PIECE = 4 << 20

export class ReadHash {
  /** bytes [0, hashed) went into the hash */
  private hashed = 0

  constructor(
    private readonly src: OpenedSource,
    private readonly pool: BufferPool,
    private readonly hash: IncrementalHash = src.newHash(),
  ) {}

  /** Hash `bytes`, read from byte `at` of the file (after any unhashed bytes before them). */
  async cover(at: number, bytes: Uint8Array): Promise<void> {
    if (at > this.hashed) await this.readUpTo(at)
    const end = at + bytes.length
    if (end <= this.hashed) return
    this.hash.update(bytes.subarray(this.hashed - at))
    this.hashed = end
  }

  /** Hash the bytes no read covered, up to the end of the file, and return the hex digest. */
  async finish(): Promise<string> {
    await this.readUpTo(this.src.bytes)
    return this.hash.hex()
  }

  private async readUpTo(to: number): Promise<void> {
    const src = this.src
    while (this.hashed < to) {
      const end = Math.min(this.hashed + GAP_PIECE, to)
      if (src.readInto) {
        const bytes = await src.readInto(this.hashed, end, this.pool.take(end - this.hashed))
        this.hash.update(bytes)
        this.pool.release([bytes.buffer as ArrayBuffer])
      } else this.hash.update(new Uint8Array(await src.file.slice(this.hashed, end)))
      this.hashed = end
    }
  }
}
