// readBlobInto: a Blob slice copied into caller-owned memory, and a read that stops delivering
// bytes fails with a ReadStalledError naming the file instead of waiting forever (issue 12). The GC
// stall itself is Chromium's: e2e/dataGc.spec.ts covers it in the browser.
import { describe, expect, test } from 'vitest'
import { DataError, ReadStalledError, dataErrorFromJSON } from '../../src/data/errors.ts'
import { openSource, readBlobInto } from '../../src/data/sources.ts'

/** A Blob-like whose stream delivers `chunks` and then, unless `end`, nothing ever again. */
function fakeBlob(size: number, chunks: Uint8Array[], end: boolean): { blob: Blob; cancelled: () => boolean } {
  let cancelled = false
  const blob = {
    size,
    stream: () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          const next = chunks.shift()
          if (next) c.enqueue(next)
          else if (end) c.close()
          else return new Promise<void>(() => {})
        },
        cancel() {
          cancelled = true
        },
      }),
  } as unknown as Blob
  return { blob, cancelled: () => cancelled }
}

describe('readBlobInto', () => {
  test('copies every chunk into the given memory, at the right offsets', async () => {
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) & 255)
    const into = new ArrayBuffer(400_000)
    const got = await readBlobInto(new Blob([bytes]).slice(1_000, 250_000), into, { name: 'a.parquet', offset: 1_000 })
    expect(got.buffer).toBe(into)
    expect(got.byteLength).toBe(249_000)
    expect(got).toEqual(bytes.subarray(1_000, 250_000))
  })

  test('a read that gets no bytes for stallMs fails with the file, the byte range, and the stream cancelled', async () => {
    const { blob, cancelled } = fakeBlob(1_000, [new Uint8Array(400)], false)
    const t0 = performance.now()
    const err = await readBlobInto(blob, new ArrayBuffer(1_000), { name: 'big.parquet', offset: 5_000, stallMs: 100 }).catch((e) => e)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95)
    expect(err).toBeInstanceOf(ReadStalledError)
    expect(err.code).toBe('read-stalled')
    expect(err.file).toBe('big.parquet')
    expect(err.message).toContain('big.parquet')
    // 400 bytes arrived before the stall
    expect(err.message).toContain('bytes 5400–6000')
    expect(cancelled()).toBe(true)
    // it survives a worker boundary with its class
    const back = dataErrorFromJSON(JSON.parse(JSON.stringify((err as DataError).toJSON())))
    expect(back).toBeInstanceOf(ReadStalledError)
    expect(back.message).toBe(err.message)
  })

  test('the timer restarts with every chunk: a slow but steady read completes', async () => {
    const parts = Array.from({ length: 5 }, (_, i) => new Uint8Array(200).fill(i))
    let k = 0
    const blob = {
      size: 1_000,
      stream: () =>
        new ReadableStream<Uint8Array>({
          async pull(c) {
            await new Promise((r) => setTimeout(r, 40))
            if (k < parts.length) c.enqueue(parts[k++])
            else c.close()
          },
        }),
    } as unknown as Blob
    const got = await readBlobInto(blob, new ArrayBuffer(1_000), { name: 'slow.parquet', offset: 0, stallMs: 100 })
    expect(Array.from(got.subarray(0, 1_000).filter((_, i) => i % 200 === 0))).toEqual([0, 1, 2, 3, 4])
  })

  test('a stream that ends early or delivers too much is an error, not a short read', async () => {
    const short = fakeBlob(1_000, [new Uint8Array(600)], true)
    await expect(readBlobInto(short.blob, new ArrayBuffer(1_000), { name: 'x', offset: 0 })).rejects.toThrow('read 600 of 1000 bytes')
    const long = fakeBlob(1_000, [new Uint8Array(600), new Uint8Array(600)], true)
    await expect(readBlobInto(long.blob, new ArrayBuffer(1_000), { name: 'x', offset: 0 })).rejects.toThrow('more than the 1000 bytes')
  })

  test('a Blob source hashes and reads through it (sha256 over 1 MiB slices)', async () => {
    const bytes = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 7) & 255)
    const src = await openSource({ kind: 'blob', name: 'h.bin', blob: new Blob([bytes]) })
    const { createHash } = await import('node:crypto')
    expect(await src.sha256()).toBe(createHash('sha256').update(bytes).digest('hex'))
    const got = await src.readInto!(2_000_000, 2_100_000, new ArrayBuffer(100_000))
    expect(got).toEqual(bytes.subarray(2_000_000, 2_100_000))
  })
})
