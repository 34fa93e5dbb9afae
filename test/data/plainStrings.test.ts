// Plain-encoded string columns (BYTE_ARRAY, PLAIN: the clip keys of a large corpus, where a
// dictionary would not pay) read in place by our page decoder (CodeSink.writeByteArrays: only a
// change of value is decoded): the same codes and names as hyparquet's own decoding, with nulls,
// runs, equal-length neighbours, empty and multibyte values, across pages and row groups.
import { describe, expect, test } from 'vitest'
import { parquetMetadata } from 'hyparquet'
import { ingestSources } from '../../src/data/ingest.ts'
import { memSource, syntheticColumns, writeParquet } from './fixtures.ts'

const N = 3000

/** Clip keys in runs of 1–9 rows: neighbours of the same length that differ, an empty one, multibyte ones; every 37th row null. */
function keys(): (string | null)[] {
  const out: (string | null)[] = []
  let clip = 0
  while (out.length < N) {
    const name = clip % 11 === 5 ? '' : clip % 7 === 3 ? `clé-ß-${clip}` : `src_clip_${String(clip).padStart(5, '0')}`
    for (let r = 0; r < 1 + (clip % 9) && out.length < N; r++) out.push(out.length % 37 === 36 ? null : name)
    clip++
  }
  return out
}

function file(nullable: boolean): { bytes: Uint8Array; key: (string | null)[] } {
  const cols = syntheticColumns(N)
  const key = nullable ? keys() : keys().map((k, i) => k ?? `filled_${i}`)
  const columns = Object.entries({ ...cols, key }).map(([name, data]) => ({
    name,
    data,
    type: (name === 'source' || name === 'key' ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT') as 'STRING' | 'INT32' | 'FLOAT',
    ...(name === 'key' ? { encoding: 'PLAIN' as const, nullable } : {}),
  }))
  return { bytes: writeParquet(columns, { rowGroupSize: 1024 }), key }
}

describe.each([false, true])('plain string keys (nullable: %s)', (nullable) => {
  test('our decoder gives the values hyparquet gives, and the file really stores them PLAIN', async () => {
    const { bytes, key } = file(nullable)
    const md = parquetMetadata(bytes.slice().buffer)
    const keyMeta = md.row_groups.map((g) => g.columns.find((c) => c.meta_data!.path_in_schema[0] === 'key')!.meta_data!)
    expect(keyMeta.every((m) => m.encodings.includes('PLAIN') && !m.encodings.some((e) => e.includes('DICTIONARY')))).toBe(true)
    expect(keyMeta).toHaveLength(3)

    const ours = await ingestSources([memSource('plain.parquet', bytes)], { decoder: 'auto' })
    const theirs = await ingestSources([memSource('plain.parquet', bytes)], { decoder: 'hyparquet' })
    expect(ours.errors).toEqual([])
    expect(theirs.errors).toEqual([])
    const kept = key.filter((k) => k !== null)
    const names = (t: typeof ours.table) => Array.from(t.keyCodes(), (c) => t.keyNames[c])
    expect(ours.table.rows).toBe(kept.length)
    expect(names(ours.table)).toEqual(kept)
    expect(names(ours.table)).toEqual(names(theirs.table))
    expect(ours.table.summary()).toEqual(theirs.table.summary())
  })
})
