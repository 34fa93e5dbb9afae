// Large payloads Node → page go as a header plus pieces of bounded size; the page rebuilds them.
import { expect, test } from 'vitest'
import { joinPieces, splitPieces } from '../../src/pageApi/transfer.ts'

test('a value with typed arrays survives pieces of at most the given size, in fresh arrays', async () => {
  const x = Float32Array.from({ length: 1001 }, (_, i) => i / 7)
  const rows = Uint32Array.from({ length: 333 }, (_, i) => i * 3)
  const value = { data: { x, y: x.subarray(10, 17), nFeatures: 6 }, jobs: [{ rows, lr: NaN, b: new Uint8Array(5).fill(9) }], empty: new Float32Array(0) }
  const { header, piece } = splitPieces(value, 64)
  const sizes = header.pieces.map((p) => p.bytes)
  expect(Math.max(...sizes)).toBeLessThanOrEqual(64)
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(x.byteLength + 7 * 4 + rows.byteLength + 5)
  // the header travels as JSON
  const sent = JSON.parse(JSON.stringify(header))
  const fetched: number[] = []
  const back = await joinPieces<typeof value>(sent, async (i) => {
    fetched.push(i)
    return piece(i).slice().buffer
  })
  expect(fetched).toEqual(header.pieces.map((_, i) => i))
  expect(back.data.x).toEqual(x)
  expect(back.data.y).toEqual(x.slice(10, 17))
  expect(back.data.nFeatures).toBe(6)
  expect(back.jobs[0].rows).toEqual(rows)
  expect(back.jobs[0].lr).toBeNaN()
  expect(back.jobs[0].b).toEqual(new Uint8Array(5).fill(9))
  expect(back.empty).toEqual(new Float32Array(0))
})

test('a piece of the wrong size is refused, naming it', async () => {
  const { header, piece } = splitPieces({ x: new Float32Array(100) }, 64)
  await expect(joinPieces(header, async (i) => (i === 3 ? new ArrayBuffer(1) : piece(i).slice().buffer))).rejects.toThrow(/payload piece 3: 1 bytes, expected 64/)
  expect(() => splitPieces({}, 12)).toThrow(RangeError)
})

test('pieces streamed as bodies land in place; a body too short or too long is refused, naming the piece', async () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => i * 0.25)
  const { header, piece } = splitPieces({ x }, 256)
  // each piece arrives as a Response body in several chunks
  const body = (b: Uint8Array) => new Response(new Blob([b.slice(0, 100), b.slice(100)])).body!
  const back = await joinPieces<{ x: Float32Array }>(header, async (i) => body(piece(i)))
  expect(back.x).toEqual(x)
  await expect(joinPieces(header, async (i) => body(i === 2 ? piece(i).slice(0, 255) : piece(i)))).rejects.toThrow(/payload piece 2: 255 bytes, expected 256/)
  const long = (b: Uint8Array) => { const out = new Uint8Array(b.length + 1); out.set(b); return out }
  await expect(joinPieces(header, async (i) => body(i === 1 ? long(piece(i)) : piece(i)))).rejects.toThrow(/payload piece 1: 257 or more bytes, expected 256/)
})
