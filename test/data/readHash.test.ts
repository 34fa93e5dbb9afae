// A large file's sha256 comes from the reads that stream its rows (src/data/readHash.ts): the
// digest must equal node:crypto's of the whole file whatever the reads covered (gaps, overlaps,
// reads out of order), and the streaming reads plus the hash's own must read each byte once.
import { createHash } from 'node:crypto'
import { expect, test } from 'vitest'
import { ingestSources } from '../../src/data/ingest.ts'
import { BufferPool } from '../../src/data/pool.ts'
import { ReadHash } from '../../src/data/readHash.ts'
import { Sha256 } from '../../src/data/sha256.ts'
import type { FileAccess, OpenedSource } from '../../src/data/sources.ts'
import { rng } from '../../bench/scaleCorpus.ts'
import { FEATURES, sharedBytes, syntheticColumns, writeParquet } from './fixtures.ts'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/** `bytes` as a FileAccess that counts, per byte, how often readInto read it, and keeps its largest read. */
function countingAccess(bytes: Uint8Array): FileAccess & { readCount: Uint8Array; largestRead: number } {
  const readCount = new Uint8Array(bytes.length)
  return {
    byteLength: bytes.length,
    readCount,
    largestRead: 0,
    slice: async (start, end = bytes.length) => bytes.slice(start, end).buffer,
    async readInto(start, end, into) {
      this.largestRead = Math.max(this.largestRead, end - start)
      for (let i = start; i < end; i++) readCount[i]++
      const out = new Uint8Array(into, 0, end - start)
      out.set(bytes.subarray(start, end))
      return out
    },
    sha256: async () => sha(bytes),
    newHash: () => new Sha256(),
  }
}

/** Load `bytes` (hashed from its reads) through a counting FileAccess; checks the rows and the digest. */
async function loadCounted(name: string, bytes: Uint8Array, rows: number) {
  const file = countingAccess(bytes)
  const { table, errors } = await ingestSources([{ kind: 'buffer', name, file }], { inlineHashBytes: 0 })
  expect(errors).toEqual([])
  expect(table.rows).toBe(rows)
  expect(table.files[0].sha256).toBe(sha(bytes))
  return file
}

function randomBytes(n: number, seed: number): Uint8Array {
  const next = rng(seed)
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256))
}

test('covers with gaps, overlaps, repeats and out-of-order reads still give the whole file digest, each gap byte read once', async () => {
  const bytes = randomBytes((9 << 20) + 7, 3)
  const file = countingAccess(bytes)
  const src: OpenedSource = { name: 'r.bin', file, bytes: bytes.length, warnings: [], sha256: file.sha256, newHash: file.newHash, readInto: file.readInto }
  const hash = new ReadHash(src, new BufferPool())
  const covers: [number, number][] = [
    [100, 5000], // a gap before it (the header)
    [3000, 9000], // overlaps the last
    [3000, 9000], // repeated
    [20_000, 6 << 20], // a gap, then more than one gap piece
    [50, 60], // behind the hashed end: nothing new
    [(7 << 20) + 1, (8 << 20) + 5],
  ]
  for (const [a, b] of covers) await hash.cover(a, bytes.subarray(a, b))
  expect(await hash.finish()).toBe(sha(bytes))
  // what no cover held when the hash reached it was read by the hash itself, exactly once
  // ([50, 60) came after the hash had read it as part of the first gap)
  const covered = new Uint8Array(bytes.length)
  for (const [a, b] of covers) if (a !== 50) covered.fill(1, a, b)
  for (let i = 0; i < bytes.length; i++) if (file.readCount[i] !== 1 - covered[i]) throw new Error(`byte ${i} read ${file.readCount[i]} times, covered ${covered[i]}`)
})

test('a source without readInto (a URL, a plain AsyncBuffer): the gaps are sliced', async () => {
  const bytes = randomBytes(1 << 20, 5)
  const src: OpenedSource = {
    name: 'u.bin',
    file: { byteLength: bytes.length, slice: async (a, b) => bytes.slice(a, b).buffer },
    bytes: bytes.length,
    warnings: [],
    sha256: async () => '',
    newHash: () => new Sha256(),
  }
  const hash = new ReadHash(src, new BufferPool())
  await hash.cover(4096, bytes.subarray(4096, 8192))
  expect(await hash.finish()).toBe(sha(bytes))
})

test('a large row group with a column the reader skips: the file is read once, its digest exact', async () => {
  const n = 300_000
  const cols = syntheticColumns(n)
  // random features, so the row group's column chunks stay several MiB (read in runs, not the window)
  const next = rng(9)
  for (const f of FEATURES) cols[f] = cols[f].map(() => Math.fround(next()))
  // an unused column between the read ones: its bytes reach the hash as a gap
  const names = ['source', 'key', 'unused', ...FEATURES, 'frame_index', 'vmaf']
  const data = names.map((name) => ({ name, data: name === 'unused' ? cols.vmaf.map((v: number) => v * 3) : cols[name] }))
  const bytes = writeParquet(data, { rowGroupSize: n })
  expect(bytes.length).toBeGreaterThan(4 << 20)
  const file = await loadCounted('big.parquet', bytes, n)
  let twice = 0
  let never = 0
  for (let i = 0; i < bytes.length; i++) {
    if (file.readCount[i] > 1) twice++
    if (file.readCount[i] === 0) never++
  }
  expect({ twice, never }).toEqual({ twice: 0, never: 0 })
})

test('a skipped column larger than a read run is hashed in pieces, not read into one buffer', async () => {
  const n = 20_000
  const cols = syntheticColumns(n)
  const next = rng(11)
  // 500 random bytes per row as text: a 10 MB column chunk that compresses to about that
  const long = Array.from({ length: n }, () => Array.from({ length: 500 }, () => String.fromCharCode(33 + Math.floor(next() * 90))).join(''))
  const names = ['source', 'key', 'notes', ...FEATURES, 'frame_index', 'vmaf']
  const type = (name: string) => (['source', 'key', 'notes'].includes(name) ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT')
  const bytes = writeParquet(names.map((name) => ({ name, data: name === 'notes' ? long : cols[name], type: type(name) as never })), { rowGroupSize: n })
  expect(bytes.length).toBeGreaterThan(9 << 20)
  const file = await loadCounted('notes.parquet', bytes, n)
  expect(file.largestRead).toBeLessThanOrEqual(8 << 20)
  expect(file.readCount.reduce((m, c) => Math.max(m, c), 0)).toBe(1)
})

test('small row groups through the read-ahead window: the digest is exact, no byte read more than twice', async () => {
  const bytes = sharedBytes('data/nflx_like.parquet')
  const file = await loadCounted('nflx.parquet', bytes, 10_800)
  expect(file.readCount.reduce((m, c) => Math.max(m, c), 0)).toBeLessThanOrEqual(2)
})

test('a large duplicate is found from its reads at the end and rolled back', async () => {
  const nflx = sharedBytes('data/nflx_like.parquet')
  const blob = new Blob([nflx as Uint8Array<ArrayBuffer>])
  const { table, messages } = await ingestSources(
    [
      { kind: 'blob', name: 'first.parquet', blob },
      { kind: 'blob', name: 'again.parquet', blob },
    ],
    { inlineHashBytes: 0 },
  )
  expect(table.files.map((f) => [f.name, f.sha256])).toEqual([['first.parquet', sha(nflx)]])
  expect(table.rows).toBe(10_800)
  expect(messages.map((m) => [m.file, m.level])).toEqual([['again.parquet', 'warning']])
  expect(messages[0].text).toMatch(/same content as "first\.parquet"/)
})
