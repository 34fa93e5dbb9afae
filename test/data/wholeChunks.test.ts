// In-process ingest hands a huge row group to the table whole (its buffers back to the pool for
// the next one) instead of in parts that own copies of their rows; the table is the same either way.
import { describe, expect, test } from 'vitest'
import { MAX_CHUNK_ROWS } from '../../src/data/batches.ts'
import { ingestSources } from '../../src/data/ingest.ts'
import { readSources } from '../../src/data/reader.ts'
import { expectSameBytes, memSource, syntheticColumns, writeParquet } from './fixtures.ts'

const ROWS = MAX_CHUNK_ROWS + 1000

function bigGroupFile(): Uint8Array {
  const cols = syntheticColumns(ROWS)
  const type = (name: string) => (name === 'source' || name === 'key' ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT')
  return writeParquet(Object.entries(cols).map(([name, data]) => ({ name, data, type: type(name) as never })), { rowGroupSize: ROWS })
}

async function chunkRows(bytes: Uint8Array, wholeChunks: boolean): Promise<number[]> {
  const rows: number[] = []
  await readSources([memSource('big.parquet', bytes)], { target: 'vmaf', wholeChunks }, (ev) => {
    if (ev.type === 'chunk') rows.push(ev.chunk.rows)
  })
  return rows
}

describe('whole chunks', () => {
  test('one chunk per row group in this thread, parts for a transfer, and the same table', async () => {
    const bytes = bigGroupFile()
    expect(await chunkRows(bytes, true)).toEqual([ROWS])
    expect(await chunkRows(bytes, false)).toEqual([MAX_CHUNK_ROWS, 1000])
    const whole = (await ingestSources([memSource('big.parquet', bytes)], { strict: true })).table
    const parts = (await ingestSources([memSource('big.parquet', bytes)], { strict: true, wholeChunks: false })).table
    expect(whole.rows).toBe(ROWS)
    for (const f of whole.featureNames) expectSameBytes(whole.feature(f), parts.feature(f))
    expectSameBytes(whole.target(), parts.target())
    expectSameBytes(whole.sourceCodes(), parts.sourceCodes())
    expectSameBytes(whole.keyCodes(), parts.keyCodes())
    expectSameBytes(whole.frameIndex(), parts.frameIndex())
    expect(whole.summary()).toEqual(parts.summary())
  })
})
