// The buffer pool behind row-group chunks and reads (src/data/pool.ts): buffers come back and are
// reused for requests of a similar size, so streaming a file allocates a working set once.
import { expect, test } from 'vitest'
import { BufferPool, allocationBytes } from '../../src/data/pool.ts'

const MIB = 1 << 20

test('reads that vary by a few percent reuse one buffer instead of allocating a new one each', () => {
  const pool = new BufferPool()
  const sizes = [7.2, 7.45, 7.3, 7.9, 7.25, 7.6].map((m) => Math.round(m * MIB))
  const seen = new Set<ArrayBuffer>()
  for (const bytes of sizes) {
    const b = pool.take(bytes)
    expect(b.byteLength).toBeGreaterThanOrEqual(bytes)
    seen.add(b)
    pool.release([b])
  }
  expect(seen.size).toBe(1)
})

test('buffers of a MiB and more are whole MiBs; smaller ones exact; a small request does not pin a huge buffer', () => {
  expect(allocationBytes(3_999_999)).toBe(4 * MIB)
  expect(allocationBytes(4 * MIB)).toBe(4 * MIB)
  expect(allocationBytes(65_536)).toBe(65_536)
  const pool = new BufferPool()
  const big = pool.take(8 * MIB)
  pool.release([big])
  expect(pool.take(MIB)).not.toBe(big)
  expect(pool.take(5 * MIB)).toBe(big)
})

test('the pool holds at most its limit; the rest is left to the garbage collector', () => {
  const pool = new BufferPool(10 * MIB)
  const a = pool.take(6 * MIB)
  const b = pool.take(6 * MIB)
  pool.release([a, b])
  expect(pool.take(6 * MIB)).toBe(a)
  expect(pool.take(6 * MIB)).not.toBe(b)
})
