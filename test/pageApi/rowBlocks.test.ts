// The CLI page's row source (src/pageApi/rowBlocks.ts) against a real HTTP server that answers
// with columnRows, as ChromiumTrainer's route does: the blocks equal the columns, each range is
// fetched once (the next block read ahead), other orders of asking still get the right rows, and a
// short or refused body fails naming the range.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { columnRows, FetchedRowBlocks } from '../../src/pageApi/rowBlocks.ts'

const ROWS = 10
const columns = [0, 1, 2].map((c) => Float32Array.from({ length: ROWS }, (_, r) => c * 100 + r)) // 2 features, then y
const data = { columns: columns.slice(0, 2), y: columns[2] }
let server: Server
let base = ''
const asked: string[] = []
/** the server drops the last float of each body */
let short = false

beforeAll(async () => {
  server = createServer((req, res) => {
    const parts = req.url!.split('/').slice(-3)
    asked.push(`${parts[0]}:${parts[1]}+${parts[2]}`)
    const b = columnRows(data, parts)
    if (typeof b === 'string') return res.writeHead(404).end(b)
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(b.buffer, b.byteOffset, b.byteLength - (short ? 4 : 0)))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address() as { port: number }
  base = `http://127.0.0.1:${addr.port}/__cli/payload/1`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const source = (pieceBytes = 8, rows = ROWS) => new FetchedRowBlocks({ url: base, rows, nFeatures: 2, pieceBytes })
const plain = (b: { columns: readonly Float32Array[]; y: Float32Array }) => [...b.columns, b.y].map((a) => Array.from(a))
const expected = (first: number, count: number) => columns.map((c) => Array.from(c.subarray(first, first + count)))

test('blocks in order equal the columns; each range is fetched once, in pieces of at most pieceBytes', async () => {
  asked.length = 0
  const s = source()
  for (const [first, count] of [[0, 4], [4, 4], [8, 2]]) expect(plain(await s.block(first, count))).toEqual(expected(first, count))
  // 2 rows (8 bytes) per fetch; every column's 10 rows fetched exactly once
  expect([...asked].sort()).toEqual(['0', '1', '2'].flatMap((c) => ['0+2', '2+2', '4+2', '6+2', '8+2'].map((r) => `${c}:${r}`)).sort())
})

test('asking for other rows than the read-ahead still gets the right rows', async () => {
  const s = source(4 << 20)
  expect(plain(await s.block(0, 3))).toEqual(expected(0, 3))
  expect(plain(await s.block(7, 3))).toEqual(expected(7, 3))
  expect(plain(await s.block(1, 5))).toEqual(expected(1, 5))
})

test('a body one float short, or rows the data do not have, fail naming the range', async () => {
  short = true
  await expect(source().block(0, 4)).rejects.toThrow(/training rows http:\S+\/column\/0\/0\/2: 4 bytes, expected 8/)
  short = false
  // a source told of 12 rows asks for rows 10–11, which Node's answer refuses
  await expect(source(8, 12).block(8, 4)).rejects.toThrow(/training rows http:\S+\/column\/0\/10\/2: HTTP 404, rows 10\+2 are outside the 10 rows/)
  expect(columnRows(data, ['3', '0', '1'])).toBe('no such column 3 (the data have 2 features and the targets)')
  expect(columnRows(data, ['2', '0', '10'])).toBeInstanceOf(Uint8Array)
  expect(() => new FetchedRowBlocks({ url: base, rows: ROWS, nFeatures: 2, pieceBytes: 6 })).toThrow(/multiple of 4, got 6/)
})
