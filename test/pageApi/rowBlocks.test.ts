// The CLI page's row source (src/pageApi/rowBlocks.ts) against a real HTTP server answering as
// ChromiumTrainer's route does: the blocks equal the columns, each range is fetched once (the next
// block read ahead), other orders of asking still get the right rows, and a short or refused body
// fails naming the range.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { FetchedRowBlocks } from '../../src/pageApi/rowBlocks.ts'

const ROWS = 10
const columns = [0, 1, 2].map((c) => Float32Array.from({ length: ROWS }, (_, r) => c * 100 + r)) // 2 features, then y
let server: Server
let base = ''
const asked: string[] = []
/** how the server misbehaves for the next requests: drop the last float, or refuse */
let fault: 'short' | 'refuse' | null = null

beforeAll(async () => {
  server = createServer((req, res) => {
    const [c, first, count] = req.url!.split('/').slice(-3).map(Number)
    asked.push(`${c}:${first}+${count}`)
    const col = columns[c]
    if (fault === 'refuse' || !col) return res.writeHead(404).end('no such column')
    const bytes = Buffer.from(col.buffer, first * 4, (count - (fault === 'short' ? 1 : 0)) * 4)
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address() as { port: number }
  base = `http://127.0.0.1:${addr.port}/__cli/payload/1`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const source = (pieceBytes = 8) => new FetchedRowBlocks({ url: base, rows: ROWS, nFeatures: 2, pieceBytes })
const plain = (b: { columns: readonly Float32Array[]; y: Float32Array }) => [...b.columns, b.y].map((a) => Array.from(a))
const expected = (first: number, count: number) => columns.map((c) => Array.from(c.subarray(first, first + count)))

test('blocks in order equal the columns; each range is fetched once, in pieces of at most pieceBytes', async () => {
  asked.length = 0
  fault = null
  const s = source()
  for (const [first, count] of [[0, 4], [4, 4], [8, 2]]) expect(plain(await s.block(first, count))).toEqual(expected(first, count))
  // 2 rows (8 bytes) per fetch; every column's 10 rows fetched exactly once
  expect([...asked].sort()).toEqual(['0', '1', '2'].flatMap((c) => ['0+2', '2+2', '4+2', '6+2', '8+2'].map((r) => `${c}:${r}`)).sort())
})

test('asking for other rows than the read-ahead still gets the right rows', async () => {
  fault = null
  const s = source(4 << 20)
  expect(plain(await s.block(0, 3))).toEqual(expected(0, 3))
  expect(plain(await s.block(7, 3))).toEqual(expected(7, 3))
  expect(plain(await s.block(1, 5))).toEqual(expected(1, 5))
})

test('a body one float short, or a refused range, fails naming the range', async () => {
  fault = 'short'
  await expect(source().block(0, 4)).rejects.toThrow(/training rows http:\S+\/column\/0\/0\/2: 4 bytes, expected 8/)
  fault = 'refuse'
  await expect(source().block(0, 4)).rejects.toThrow(/training rows http:\S+\/column\/0\/0\/2: HTTP 404, no such column/)
  fault = null
  expect(() => new FetchedRowBlocks({ url: base, rows: ROWS, nFeatures: 2, pieceBytes: 6 })).toThrow(/multiple of 4, got 6/)
})
