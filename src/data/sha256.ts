// Incremental SHA-256 (FIPS 180-4). WebCrypto only hashes a whole buffer at once; this lets a large
// file be hashed slice by slice without holding all of it in memory, in a worker or in Node alike.
// The padding and the partial block are kept here; whole blocks are folded in by the WebAssembly
// compression function (sha256Kernel.ts), up to a MiB at a time.
import { BLOCKS, BLOCK_BYTES, sha256Kernel } from './sha256Kernel.ts'

export class Sha256 {
  private readonly h = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ])
  private readonly block = new Uint8Array(64)
  private blockLen = 0
  private total = 0
  private done = false

  update(data: Uint8Array): this {
    if (this.done) throw new Error('Sha256: update after digest')
    this.total += data.length
    let i = 0
    if (this.blockLen > 0) {
      const take = Math.min(64 - this.blockLen, data.length)
      this.block.set(data.subarray(0, take), this.blockLen)
      this.blockLen += take
      i = take
      if (this.blockLen < 64) return this
      this.compress(this.block, 0, 1)
      this.blockLen = 0
    }
    const whole = data.length - ((data.length - i) % 64)
    if (whole > i) this.compress(data, i, (whole - i) / 64)
    i = whole
    if (i < data.length) {
      this.block.set(data.subarray(i), 0)
      this.blockLen = data.length - i
    }
    return this
  }

  /** Finish and return the lower-case hex digest. */
  hex(): string {
    if (this.done) throw new Error('Sha256: digest called twice')
    const bits = this.total * 8
    const pad = new Uint8Array((this.blockLen < 56 ? 56 : 120) - this.blockLen + 8)
    pad[0] = 0x80
    const view = new DataView(pad.buffer)
    // total length in bits as a 64-bit big-endian integer (exact up to 2^53 bits)
    view.setUint32(pad.length - 8, Math.floor(bits / 0x100000000))
    view.setUint32(pad.length - 4, bits >>> 0)
    this.update(pad)
    this.done = true
    let out = ''
    for (const v of this.h) out += (v >>> 0).toString(16).padStart(8, '0')
    return out
  }

  /** Fold `count` whole blocks of `d` from byte `o` into the state. */
  private compress(d: Uint8Array, o: number, count: number): void {
    const k = sha256Kernel()
    k.state.set(this.h)
    for (let done = 0; done < count; ) {
      const n = Math.min(count - done, BLOCK_BYTES / 64)
      k.blocks.set(d.subarray(o + 64 * done, o + 64 * (done + n)))
      k.compress(0, BLOCKS, n)
      done += n
    }
    this.h.set(k.state)
  }
}

export function sha256Hex(data: Uint8Array): string {
  return new Sha256().update(data).hex()
}
