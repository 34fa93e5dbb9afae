// PyTorch's CPU random generator, bit for bit: mt19937 seeded like torch.manual_seed, plus the
// few draws the training recipe uses (uniform_ for nn.Linear init, random64 for seeds, randperm).
// With it, seed s here initialises a model exactly as torch.manual_seed(s) does (checked against
// the fixtures' initial weights), so our seeds line up with the reference trainer's seeds.

const N = 624
const M = 397

export class TorchGenerator {
  private readonly mt = new Uint32Array(N)
  private index = N

  constructor(seed: number) {
    // torch keeps a 64-bit seed but mt19937 is initialised from its low 32 bits.
    let s = Number(BigInt.asUintN(32, BigInt(seed)))
    this.mt[0] = s
    for (let i = 1; i < N; i++) {
      s = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30)
      // 1812433253 * s + i in 32-bit arithmetic without losing the low bits.
      this.mt[i] = (Math.imul(1812433253, s) + i) >>> 0
    }
  }

  private twist(): void {
    const mt = this.mt
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff)
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
    }
    this.index = 0
  }

  /** One 32-bit draw (torch's generator->random()). */
  random(): number {
    if (this.index >= N) this.twist()
    let y = this.mt[this.index++]
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  /** torch's random64(): two 32-bit draws, the first one is the high word. */
  random64(): bigint {
    const hi = BigInt(this.random())
    const lo = BigInt(this.random())
    return (hi << 32n) | lo
  }

  /**
   * tensor.uniform_(from, to) on a float32 CPU tensor: 24 random bits scaled to [0, 1), then
   * x * (to - from) + from. PyTorch's kernel is compiled with FMA contraction; the product of
   * two 24-bit floats plus a float is exact in a double, so one fround reproduces the fused op.
   */
  uniform(out: Float32Array, from: number, to: number): Float32Array {
    const f = Math.fround(from)
    const span = Math.fround(Math.fround(to) - f)
    for (let i = 0; i < out.length; i++) {
      const x = (this.random() & 0xffffff) * 2 ** -24
      out[i] = x * span + f
    }
    return out
  }

  /** torch.randperm(n, generator) for n < 2^32 / 20: a forward Fisher–Yates with random() % (n - i). */
  randperm(n: number, out: Uint32Array = new Uint32Array(n)): Uint32Array {
    for (let i = 0; i < n; i++) out[i] = i
    for (let i = 0; i < n - 1; i++) {
      const z = this.random() % (n - i)
      const t = out[i]
      out[i] = out[i + z]
      out[i + z] = t
    }
    return out
  }

  /**
   * The permutation one epoch of DataLoader(shuffle=True, num_workers=0) draws in torch 1.13:
   * the iterator takes a random int64 for its base seed, RandomSampler takes another to seed a
   * fresh generator, and that generator runs randperm.
   */
  dataLoaderEpoch(n: number, out?: Uint32Array): Uint32Array {
    this.random64() // _BaseDataLoaderIter._base_seed
    const seed = this.random64() & ((1n << 63n) - 1n)
    return new TorchGenerator(Number(seed & 0xffffffffn)).randperm(n, out)
  }
}
