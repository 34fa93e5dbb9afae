// A Node file as the reader's FileAccess: the same bytes and hash as the file itself, reads into
// the caller's memory (the reader then pools its buffers), and a table identical to one loaded
// from the bytes in memory.
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ingestSources } from '../../src/data/ingest.ts'
import { fileAccess } from '../../src/node/fileAccess.ts'
import { expectSameBytes, memSource } from '../data/fixtures.ts'
import { sharedPath } from '../helpers/shared.ts'

describe('fileAccess', () => {
  const path = sharedPath('data/nflx_like.parquet')
  const bytes = new Uint8Array(readFileSync(path))

  test('slices, reads into given memory and hashes exactly the file', async () => {
    const f = await fileAccess(path)
    expect(f.byteLength).toBe(bytes.length)
    expectSameBytes(new Uint8Array(await f.slice(100, 5000)), bytes.subarray(100, 5000))
    expectSameBytes(new Uint8Array(await f.slice(bytes.length - 8)), bytes.subarray(bytes.length - 8))
    const into = new ArrayBuffer(10_000)
    const got = await f.readInto(2000, 9000, into)
    expect(got.buffer).toBe(into)
    expectSameBytes(got, bytes.subarray(2000, 9000))
    const seen: number[] = []
    expect(await f.sha256((n) => seen.push(n))).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(seen.at(-1)).toBe(bytes.length)
    await expect(f.slice(0, bytes.length + 1)).rejects.toThrow(/nflx_like\.parquet: bytes 0…\d+ of \d+/)
  })

  test('a file cut short while it is read is named in the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmaf-fileaccess-'))
    const p = join(dir, 'shrinks.parquet')
    writeFileSync(p, bytes)
    const f = await fileAccess(p)
    writeFileSync(p, bytes.subarray(0, 1000))
    await expect(f.readInto(500, 4000, new ArrayBuffer(4000))).rejects.toThrow(/shrinks\.parquet: the file ended at byte 1000, before byte 4000/)
  })

  test('loads the same table as the bytes in memory, through readInto', async () => {
    const f = await fileAccess(path)
    let intoReads = 0
    const counted = { ...f, readInto: (s: number, e: number, into: ArrayBuffer) => (intoReads++, f.readInto(s, e, into)) }
    const fromFile = await ingestSources([{ kind: 'buffer', name: 'nflx_like.parquet', file: counted }], { strict: true })
    const fromMemory = await ingestSources([memSource('nflx_like.parquet', bytes)], { strict: true })
    expect(intoReads).toBeGreaterThan(0)
    expect(fromFile.table.rows).toBe(fromMemory.table.rows)
    for (const c of fromMemory.table.featureNames) expectSameBytes(fromFile.table.feature(c), fromMemory.table.feature(c))
    expectSameBytes(fromFile.table.target(), fromMemory.table.target())
    expect(fromFile.table.sourceNames).toEqual(fromMemory.table.sourceNames)
    expectSameBytes(fromFile.table.sourceCodes(), fromMemory.table.sourceCodes())
    expect(fromFile.table.files[0].sha256).toBe(fromMemory.table.files[0].sha256)
  })
})
