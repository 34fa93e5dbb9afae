// URLs (range requests, servers without ranges, unreachable hosts), sha256, and a very large single
// row group streamed with progress inside the row group.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parquetMetadata } from 'hyparquet'
import { ingestSources } from '../../src/data/ingest.ts'
import { RangeNotSupportedError, UnreachableUrlError } from '../../src/data/errors.ts'
import { Sha256, sha256Hex } from '../../src/data/sha256.ts'
import type { Progress } from '../../src/data/reader.ts'
import { FEATURES, memSource, sharedBytes, syntheticColumns, writeParquet } from './fixtures.ts'

const NFLX = sharedBytes('data/nflx_like.parquet')

let server: Server
let base = ''
const requests: { path: string; range: string | undefined }[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    requests.push({ path: url.pathname, range: req.headers.range })
    if (url.pathname === '/missing.parquet') {
      res.writeHead(404, 'Not Found').end()
      return
    }
    const body = Buffer.from(NFLX)
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    if (url.pathname === '/ranged.parquet' && range) {
      const start = Number(range[1])
      const end = range[2] ? Number(range[2]) : body.length - 1
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': end - start + 1 })
      res.end(body.subarray(start, end + 1))
      return
    }
    // /ranged.parquet without a Range header, and /plain.parquet always: the whole file
    res.writeHead(200, { 'Content-Length': body.length }).end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  return new Promise<void>((r) => server.close(() => r()))
})

describe('URLs', () => {
  test('range-capable server, small file: one probe + one whole-file request', async () => {
    requests.length = 0
    const url = `${base}/ranged.parquet`
    const { table, errors, messages } = await ingestSources([{ kind: 'url', name: url, url }])
    expect(errors).toEqual([])
    expect(messages).toEqual([])
    expect(table.rows).toBe(10_800)
    expect(table.files[0].sha256).toBe(createHash('sha256').update(NFLX).digest('hex'))
    expect(requests.map((r) => r.range)).toEqual(['bytes=0-3', undefined])
  })

  test('range-capable server, large file: range requests for the needed columns only', async () => {
    requests.length = 0
    const url = `${base}/ranged.parquet`
    const { table, errors } = await ingestSources([{ kind: 'url', name: url, url }], { wholeFileBytes: 0 })
    expect(errors).toEqual([])
    expect(table.rows).toBe(10_800)
    expect(table.files[0].sha256).toBe(createHash('sha256').update(NFLX).digest('hex'))
    const ranged = requests
      .filter((r) => r.range && r.range !== 'bytes=0-3')
      .map((r) => r.range!.slice(6).split('-').map(Number))
    expect(ranged.length).toBeGreaterThan(6) // footer + ranges per row group
    // after the footer (hyparquet reads the last 512 KiB: all of this small file), only needed
    // column chunks are requested: none overlaps an extra column
    const extras = parquetMetadata(NFLX.slice().buffer).row_groups.flatMap((rg) =>
      rg.columns
        .map((c) => c.meta_data!)
        .filter((m) => ['adm_scale0', 'adm_scale1', 'adm_scale2', 'adm_scale3', 'motion'].includes(m.path_in_schema[0]))
        .map((m) => {
          const start = Number(m.dictionary_page_offset || m.data_page_offset)
          return [start, start + Number(m.total_compressed_size) - 1]
        }),
    )
    const footerRead = `${Math.max(0, NFLX.length - (1 << 19))}-${NFLX.length - 1}`
    const dataReads = ranged.filter(([a, b]) => `${a}-${b}` !== footerRead)
    expect(dataReads.length).toBe(ranged.length - 1)
    expect(dataReads.length).toBeGreaterThanOrEqual(6)
    for (const [a, b] of dataReads) for (const [x, y] of extras) expect(a > y || b < x).toBe(true)
  })

  test('server without range support: a small file loads without a word (it is read whole anyway)', async () => {
    const url = `${base}/plain.parquet`
    const { table, messages } = await ingestSources([{ kind: 'url', name: url, url }])
    expect(table.rows).toBe(10_800)
    expect(messages).toHaveLength(0)
  })

  test('server without range support: a file above the whole-file size loads with a warning', async () => {
    const url = `${base}/plain.parquet`
    const { table, messages } = await ingestSources([{ kind: 'url', name: url, url }], { wholeFileBytes: 100_000 })
    expect(table.rows).toBe(10_800)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ level: 'warning', file: url })
    expect(messages[0].text).toMatch(/does not support HTTP range requests: the whole file \(0\.4 MiB\) was downloaded/)
  })

  test('server without range support and a file too large to download whole: a clear error', async () => {
    const url = `${base}/plain.parquet`
    const { table, errors } = await ingestSources([{ kind: 'url', name: url, url }], { maxWithoutRanges: 100_000 })
    expect(table.rows).toBe(0)
    expect(errors[0]).toBeInstanceOf(RangeNotSupportedError)
    expect(errors[0].message).toMatch(/plain\.parquet: the server does not support HTTP range requests and the file is larger than/)
  })

  test('HTTP 404 and an unreachable host', async () => {
    const missing = `${base}/missing.parquet`
    // a port nobody listens on: bind one, then close it
    const closed = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port
        s.close(() => r(p))
      })
    })
    const dead = `http://127.0.0.1:${closed}/x.parquet`
    const { errors } = await ingestSources([
      { kind: 'url', name: missing, url: missing },
      { kind: 'url', name: dead, url: dead },
    ])
    expect(errors.map((e) => e.constructor)).toEqual([UnreachableUrlError, UnreachableUrlError])
    expect(errors[0].message).toBe(`${missing}: the server answered HTTP 404 Not Found`)
    expect((errors[0] as UnreachableUrlError).status).toBe(404)
    expect(errors[1].message).toMatch(/x\.parquet: could not be fetched \(.*ECONNREFUSED.*\)/)
  })
})

describe('sha256', () => {
  test('matches node:crypto for lengths around the block boundaries, in any slicing', () => {
    const data = new Uint8Array(1000)
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 255
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000]) {
      const want = createHash('sha256').update(data.subarray(0, n)).digest('hex')
      expect(sha256Hex(data.subarray(0, n))).toBe(want)
      const h = new Sha256()
      for (let o = 0; o < n; o += 37) h.update(data.subarray(o, Math.min(n, o + 37)))
      expect(h.hex()).toBe(want)
    }
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  test('inputs larger than the kernel holds at once, and two hashes fed in turns, each match node:crypto', () => {
    const data = new Uint8Array((3 << 20) + 17)
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24
    const want = createHash('sha256').update(data).digest('hex')
    expect(sha256Hex(data)).toBe(want)
    const other = data.subarray(5, 2_000_005)
    const wantOther = createHash('sha256').update(other).digest('hex')
    const a = new Sha256()
    const b = new Sha256()
    // a's pieces straddle the kernel's 1 MiB; b is fed between them, so each keeps its own state
    for (let o = 0, p = 0; o < data.length || p < other.length; o += (1 << 20) + 5, p += 300_001) {
      a.update(data.subarray(o, Math.min(data.length, o + (1 << 20) + 5)))
      b.update(other.subarray(p, Math.min(other.length, p + 300_001)))
    }
    expect(a.hex()).toBe(want)
    expect(b.hex()).toBe(wantOther)
  })
})

test('a very large single row group streams with progress inside the row group', async () => {
  const n = 300_000
  const cols = syntheticColumns(n, 7)
  const bytes = writeParquet(
    Object.entries(cols).map(([name, data]) => ({
      name,
      data,
      type: (name === 'source' || name === 'key' ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT') as any,
    })),
    { rowGroupSize: n },
  )
  const seen: Progress[] = []
  const { table, errors } = await ingestSources([memSource('big.parquet', bytes)], {
    onProgress: (p) => seen.push(p),
    progressEveryMs: 0,
  })
  expect(errors).toEqual([])
  expect(table.rows).toBe(n)
  expect(table.feature('motion2')[n - 1]).toBe(cols.motion2[n - 1])
  // one progress report per column chunk decoded: several while the single row group is read
  const reads = seen.filter((p) => p.phase === 'read' && p.bytesRead > 0)
  expect(new Set(reads.map((p) => p.bytesRead)).size).toBeGreaterThanOrEqual(FEATURES.length)
  expect(seen.at(-1)).toMatchObject({ phase: 'done', rowsDone: n, rowsTotal: n })
})

test('cancel: the file being read is dropped whole, files before it stay, the rest are not read', async () => {
  const controller = new AbortController()
  const konvid = sharedBytes('data/konvid_like/part-000.parquet')
  const { table, messages } = await ingestSources(
    [memSource('k0.parquet', konvid), memSource('nflx.parquet', NFLX), memSource('k0-copy.parquet', konvid.slice())],
    {
      onProgress: (p) => {
        // abort once the second file is half read (row groups of 2,048 rows)
        if (p.name === 'nflx.parquet' && p.phase === 'read' && p.rowsDone >= 2306 + 4096) controller.abort()
      },
      signal: controller.signal,
      progressEveryMs: 0,
    },
  )
  expect(table.rows).toBe(2306)
  expect(table.files.map((f) => f.name)).toEqual(['k0.parquet'])
  expect(messages.map((m) => [m.level, m.file])).toEqual([
    ['info', 'nflx.parquet'],
    ['info', 'k0-copy.parquet'],
  ])
  expect(messages[0].text).toBe('loading was cancelled; nothing from this file was kept')
})

test('Blobs with many small row groups: read ahead in windows, same values as the plain path', async () => {
  const n = 300_000
  const cols = syntheticColumns(n, 4)
  // incompressible values, so the file spans several 4 MiB read-ahead windows
  let x = 1
  for (const f of FEATURES) cols[f] = cols[f].map(() => Math.fround((x = (x * 16807) % 2147483647) / 2147483647))
  const bytes = writeParquet(
    Object.entries(cols).map(([name, data]) => ({
      name,
      data,
      type: (name === 'source' || name === 'key' ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT') as any,
    })),
    { rowGroupSize: 1000 },
  )
  expect(bytes.length).toBeGreaterThan(2 * (4 << 20))
  const viaBlob = await ingestSources([{ kind: 'blob', name: 'small-groups.parquet', blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) }])
  const viaBuffer = await ingestSources([memSource('small-groups.parquet', bytes)])
  expect(viaBlob.errors).toEqual([])
  expect(viaBlob.table.rows).toBe(n)
  for (const f of FEATURES) expect(viaBlob.table.feature(f)).toEqual(viaBuffer.table.feature(f))
  expect(Array.from(viaBlob.table.feature('vif_scale3').subarray(n - 3))).toEqual(cols.vif_scale3.slice(n - 3))
  expect(viaBlob.table.sourceCodes()).toEqual(viaBuffer.table.sourceCodes())
  expect(viaBlob.table.files[0].sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
})
