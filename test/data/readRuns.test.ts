// A large row group is read a run of neighbouring column chunks at a time, each run bounded in
// size and the next requested only while the current one decodes, so a reader never holds a
// whole row group's compressed bytes; what it decodes is still every row, exactly.
import { describe, expect, test } from 'vitest'
import type { AsyncBuffer } from 'hyparquet'
import { ingestSources } from '../../src/data/ingest.ts'
import { FEATURES } from '../../src/data/schema.ts'
import { expectSameBytes, syntheticColumns, writeParquet } from './fixtures.ts'

const ROWS = 400_000
const MIB = 1 << 20

/** syntheticColumns with features and target that do not repeat (no dictionary shrinks them). */
function columns(): Record<string, unknown[]> {
  const cols = syntheticColumns(ROWS)
  let x = 12345
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), Math.fround(x / 2 ** 32))
  for (const f of [...FEATURES, 'vmaf']) cols[f] = cols[f].map(() => next())
  return cols
}

function bigGroupFile(cols: Record<string, unknown[]>): Uint8Array {
  const type = (name: string) => (name === 'source' || name === 'key' ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT')
  // uncompressed: seven float columns of 1.6 MB each, more than one run can hold
  return writeParquet(Object.entries(cols).map(([name, data]) => ({ name, data, type: type(name) as never })), { rowGroupSize: ROWS, codec: 'UNCOMPRESSED' })
}

/** The file as an AsyncBuffer that records each read's size and how many were pending at once. */
function watchedBuffer(bytes: Uint8Array) {
  const reads: number[] = []
  let pending = 0
  let mostPending = 0
  const file: AsyncBuffer = {
    byteLength: bytes.byteLength,
    async slice(start, end = bytes.byteLength) {
      reads.push(end - start)
      mostPending = Math.max(mostPending, ++pending)
      await new Promise((go) => setTimeout(go, 1))
      pending--
      return bytes.slice(start, end).buffer
    },
  }
  return { file, reads, mostPending: () => mostPending }
}

describe('reading a large row group', () => {
  test('in runs of at most 8 MiB, at most one read ahead, and every row decoded', async () => {
    const cols = columns()
    const bytes = bigGroupFile(cols)
    expect(bytes.byteLength).toBeGreaterThan(10 * MIB)
    const w = watchedBuffer(bytes)
    const { table, errors } = await ingestSources([{ kind: 'buffer', name: 'big.parquet', file: w.file }], { strict: true })
    expect(errors).toEqual([])
    expect(table.rows).toBe(ROWS)
    // the data region went in several reads (not counting the footer and the hash), none over the bound
    const dataReads = w.reads.filter((n) => n > MIB)
    expect(dataReads.length).toBeGreaterThanOrEqual(2)
    expect(Math.max(...w.reads)).toBeLessThanOrEqual(8 * MIB)
    expect(w.mostPending()).toBeLessThanOrEqual(2)
    for (const f of FEATURES) expectSameBytes(table.feature(f), Float32Array.from(cols[f] as number[]))
    expectSameBytes(table.target(), Float32Array.from(cols.vmaf as number[]))
    expectSameBytes(table.frameIndex(), Int32Array.from(cols.frame_index as number[]))
  }, 60_000)
})
