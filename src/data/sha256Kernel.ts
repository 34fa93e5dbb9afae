// The SHA-256 compression function (FIPS 180-4, 6.2.2) as a WebAssembly module, generated here
// with the lab's binary writer (src/base/wasmBytes.ts): about twice the speed of the same loop in
// JavaScript, which matters when a large file is hashed on the thread that decodes it.
//
// Memory layout (the module imports its memory as env.memory):
//   [0, 32)              the hash state, eight 32-bit words (native byte order)
//   [BLOCKS, BLOCKS + n) the message blocks, 64 bytes each, as they appear in the message
// Export: compress(state, blocks, count) folds `count` blocks at byte `blocks` into the state at
// byte `state`. The 64 rounds are unrolled: each round's eight working variables are the same
// eight locals under rotated roles, and the message schedule lives in sixteen rolling locals.
import { FnBuilder, I32, OP, brIf, block, end, i32Load, i32Store, loop, moduleBytes } from '../base/wasmBytes.ts'

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]

/** Where the message blocks start in the module's memory (the state is at 0). */
export const BLOCKS = 64
/** Message bytes the memory holds at once (its size is this plus BLOCKS, in whole pages). */
export const BLOCK_BYTES = 1 << 20
const PAGES = Math.ceil((BLOCKS + BLOCK_BYTES) / 65536)

/** compress(state, blocks, count), see the header. */
function compressFn(): FnBuilder {
  const f = new FnBuilder([I32, I32, I32], [])
  const [state, at, count] = [0, 1, 2]
  const v = Array.from({ length: 8 }, () => f.local(I32))
  const w = Array.from({ length: 16 }, () => f.local(I32))
  const t1 = f.local(I32)
  const rotr = (l: number, n: number) => f.get(l).i32(n).op(OP.i32Rotr)
  /** Σ or σ of local `l`: rotations by r0, r1 and r2 (or a shift by s instead of the last) xor-ed */
  const sigma = (l: number, r0: number, r1: number, last: { rot: number } | { shr: number }) => {
    rotr(l, r0)
    rotr(l, r1).op(OP.i32Xor)
    if ('rot' in last) rotr(l, last.rot).op(OP.i32Xor)
    else f.get(l).i32(last.shr).op(OP.i32ShrU).op(OP.i32Xor)
  }

  block(f)
  f.get(count).op(OP.i32Eqz)
  brIf(f, 0)
  loop(f)
  for (let i = 0; i < 8; i++) {
    f.get(state)
    i32Load(f, 4 * i)
    f.set(v[i])
  }
  for (let t = 0; t < 64; t++) {
    // role k (0 = a … 7 = h) of round t is local v[(k - t) mod 8]: renaming instead of moving
    const role = (k: number) => v[(((k - t) % 8) + 8) % 8]
    const [a, b, c, d, e, ff, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map(role)
    const wt = w[t % 16]
    if (t < 16) {
      // the message word, big-endian: bswap(x) = (rotl(x, 8) & 0x00ff00ff) | (rotr(x, 8) & 0xff00ff00)
      f.get(at)
      i32Load(f, 4 * t)
      f.tee(t1).i32(8).op(OP.i32Rotl).i32(0x00ff00ff).op(OP.i32And)
      f.get(t1).i32(8).op(OP.i32Rotr).i32(0xff00ff00 | 0).op(OP.i32And).op(OP.i32Or).set(wt)
    } else {
      // w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16]
      sigma(w[(t - 2) % 16], 17, 19, { shr: 10 })
      f.get(w[(t - 7) % 16]).op(OP.i32Add)
      sigma(w[(t - 15) % 16], 7, 18, { shr: 3 })
      f.op(OP.i32Add).get(wt).op(OP.i32Add).set(wt)
    }
    // t1 = h + Σ1(e) + Ch(e, f, g) + K[t] + w[t], with Ch = g ^ (e & (f ^ g))
    f.get(h)
    sigma(e, 6, 11, { rot: 25 })
    f.op(OP.i32Add)
    f.get(g).get(ff).get(g).op(OP.i32Xor).get(e).op(OP.i32And).op(OP.i32Xor).op(OP.i32Add)
    f.i32(K[t] | 0).op(OP.i32Add).get(wt).op(OP.i32Add).set(t1)
    // d += t1; the new a (into h's local) = t1 + Σ0(a) + Maj(a, b, c), with Maj = (a & b) | (c & (a | b))
    f.get(d).get(t1).op(OP.i32Add).set(d)
    f.get(t1)
    sigma(a, 2, 13, { rot: 22 })
    f.op(OP.i32Add)
    f.get(a).get(b).op(OP.i32And).get(c).get(a).get(b).op(OP.i32Or).op(OP.i32And).op(OP.i32Or).op(OP.i32Add)
    f.set(h)
  }
  // after 64 rounds (a multiple of 8) every role is back on its own local
  for (let i = 0; i < 8; i++) {
    f.get(state).get(state)
    i32Load(f, 4 * i)
    f.get(v[i]).op(OP.i32Add)
    i32Store(f, 4 * i)
  }
  f.get(at).i32(64).op(OP.i32Add).set(at)
  f.get(count).i32(1).op(OP.i32Sub).tee(count)
  brIf(f, 0)
  end(f)
  end(f)
  return f
}

export interface Sha256Kernel {
  compress(state: number, blocks: number, count: number): void
  /** the state's eight words and the message block area, as views of the module's memory (it never grows) */
  state: Int32Array
  blocks: Uint8Array
}

/** The module's bytes (about 10 KiB). */
export function sha256ModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes({ minPages: PAGES, functions: [{ name: 'compress', fn: compressFn() }] }) as Uint8Array<ArrayBuffer>
}

let kernel: Sha256Kernel | null = null

/** This thread's instance of the module, compiled on first use (synchronously: a module this small may be, on a page's main thread too). */
export function sha256Kernel(): Sha256Kernel {
  if (kernel) return kernel
  const memory = new WebAssembly.Memory({ initial: PAGES })
  const module = new WebAssembly.Module(sha256ModuleBytes())
  const instance = new WebAssembly.Instance(module, { env: { memory } })
  kernel = {
    compress: instance.exports.compress as Sha256Kernel['compress'],
    state: new Int32Array(memory.buffer, 0, 8),
    blocks: new Uint8Array(memory.buffer, BLOCKS, BLOCK_BYTES),
  }
  return kernel
}
