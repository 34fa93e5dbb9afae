// Compression codecs and column types. Fixtures are written here with hyparquet-writer; it ships
// only SNAPPY, so gzip/brotli come from node:zlib and zstd/lz4 from the encoders in fixtures.ts.
// The zstd encoder writes raw and RLE blocks only (Node 20 has no zstd compressor); entropy-coded
// zstd is covered by the real nflx_like.zstd.parquet (golden.test.ts) and pyarrow's file (bisect).
import { describe, expect, test } from 'vitest'
import { parquetMetadata } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { ingestSources } from '../../src/data/ingest.ts'
import { FEATURES, lz4Block, lz4Hadoop, memSource, readRows, schemaOf, sharedBytes, syntheticColumns, writeParquet, zstdFrame } from './fixtures.ts'

/** The first 3,000 rows of the real nflx-like file, as columns. */
async function demoSlice() {
  const rows = (await readRows(sharedBytes('data/nflx_like.parquet'))).slice(0, 3000)
  const cols = ['corpus', 'source', 'key', 'frame_index', ...FEATURES, 'vmaf']
  return { rows, columnData: cols.map((name) => ({ name, data: rows.map((r) => r[name]), type: typeOf(name) })) }
}
const typeOf = (name: string) =>
  (['corpus', 'source', 'key'].includes(name) ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT') as 'STRING' | 'INT32' | 'FLOAT'

describe('test encoders round-trip through the decoders hyparquet uses', () => {
  const data = new TextEncoder().encode('vmaf '.repeat(500) + 'x'.repeat(300) + 'adm2 vif motion '.repeat(50))
  test('zstd raw+RLE frames', () => {
    expect(compressors.ZSTD!(zstdFrame(data), data.length)).toEqual(data)
  })
  test('lz4 (hadoop) and lz4_raw', () => {
    expect(lz4Block(data).length).toBeLessThan(data.length / 5) // it really compresses
    expect(compressors.LZ4!(lz4Hadoop(data), data.length)).toEqual(data)
    expect(compressors.LZ4_RAW!(lz4Block(data), data.length)).toEqual(data)
  })
})

const DECODERS = ['auto', 'hyparquet'] as const

describe.each(DECODERS)('codecs (decoder: %s)', (decoder) => {
  test.each(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD', 'LZ4', 'LZ4_RAW'] as const)('%s', async (codec) => {
    const { rows, columnData } = await demoSlice()
    const bytes = writeParquet(columnData, { codec, rowGroupSize: 1024 })
    const md = parquetMetadata(bytes.slice().buffer)
    expect(md.row_groups).toHaveLength(3)
    expect(md.row_groups[0].columns.every((c) => c.meta_data?.codec === codec)).toBe(true)

    const { table, errors } = await ingestSources([memSource(`demo.${codec}.parquet`, bytes)], { decoder })
    expect(errors).toEqual([])
    expect(table.rows).toBe(3000)
    for (const f of FEATURES) expect(Array.from(table.feature(f))).toEqual(rows.map((r) => r[f]))
    expect(Array.from(table.target())).toEqual(rows.map((r) => r.vmaf))
    expect(table.sourceNames).toEqual(['Harbor', 'Meadow', 'Alpine'].slice(0, table.sourceNames.length))
    expect(Array.from(table.frameIndex().subarray(2990))).toEqual(rows.slice(2990).map((r) => r.frame_index))
  })
})

describe.each(DECODERS)('column types (decoder: %s)', (decoder) => {
  const n = 500
  const base = syntheticColumns(n)

  test('float32 / float64 / int32 / int64, REQUIRED and OPTIONAL, become the same float32 values', async () => {
    const spec = [
      { name: 'source', type: 'BYTE_ARRAY', utf8: true, optional: true },
      { name: 'adm2', type: 'FLOAT' },
      { name: 'vif_scale0', type: 'DOUBLE', optional: true },
      { name: 'vif_scale1', type: 'INT32' },
      { name: 'vif_scale2', type: 'INT64', optional: true },
      { name: 'vif_scale3', type: 'FLOAT', optional: true },
      { name: 'motion2', type: 'DOUBLE' },
      { name: 'frame_index', type: 'INT64' },
      { name: 'vmaf', type: 'INT64' },
    ] as const
    const ints = (a: number[]) => a.map((v) => Math.round(v * 10))
    const data: Record<string, any[]> = {
      source: base.source,
      adm2: base.adm2,
      vif_scale0: base.vif_scale0.map((v: number) => v + 1e-9), // a float64 that rounds to float32
      vif_scale1: ints(base.vif_scale1),
      vif_scale2: ints(base.vif_scale2).map(BigInt),
      vif_scale3: base.vif_scale3,
      motion2: base.motion2,
      frame_index: base.frame_index.map(BigInt),
      vmaf: base.vmaf.map((v: number) => BigInt(v)),
    }
    const bytes = writeParquet(
      spec.map((s) => ({ name: s.name, data: data[s.name] })),
      { schema: schemaOf(spec.map((s) => ({ ...s }))), rowGroupSize: 128 },
    )
    const { table, errors } = await ingestSources([memSource('types.parquet', bytes)], { decoder })
    expect(errors).toEqual([])
    expect(table.rows).toBe(n)
    expect(Array.from(table.feature('adm2'))).toEqual(base.adm2)
    expect(Array.from(table.feature('vif_scale0'))).toEqual(data.vif_scale0.map(Math.fround))
    expect(Array.from(table.feature('vif_scale1'))).toEqual(data.vif_scale1)
    expect(Array.from(table.feature('vif_scale2'))).toEqual(data.vif_scale2.map(Number))
    expect(Array.from(table.feature('vif_scale3'))).toEqual(base.vif_scale3)
    expect(Array.from(table.target())).toEqual(base.vmaf)
    expect(Array.from(table.frameIndex())).toEqual(base.frame_index)
    expect(table.sourceNames).toEqual(['src0', 'src1', 'src2'])
    // with no key column the clip key is the source
    expect(table.keyNames).toEqual(['src0', 'src1', 'src2'])
  })

  test('integer source ids and DATA_PAGE v1 style dictionaries also load', async () => {
    const bytes = writeParquet([
      { name: 'source', data: base.source.map((s: string) => Number(s.slice(3))), type: 'INT32' },
      ...[...FEATURES, 'vmaf'].map((name) => ({ name, data: base[name], type: 'FLOAT' as const })),
    ])
    const { table } = await ingestSources([memSource('ints.parquet', bytes)], { decoder })
    expect(table.sourceNames).toEqual(['0', '1', '2'])
    expect(table.summary().sources.map((s) => s.frames)).toEqual([167, 167, 166])
  })
})

test('encodings our page decoder does not cover (DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT) go to hyparquet’s reader', async () => {
  const cols = syntheticColumns(3000)
  const bytes = writeParquet(
    Object.entries(cols).map(([name, data]) => ({
      name,
      data,
      type: (['source', 'key'].includes(name) ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT') as any,
      ...(name === 'frame_index' ? { encoding: 'DELTA_BINARY_PACKED' as const } : {}),
      ...(name === 'adm2' ? { encoding: 'BYTE_STREAM_SPLIT' as const } : {}),
    })),
    { rowGroupSize: 1000 },
  )
  const md = parquetMetadata(bytes.slice().buffer)
  const enc = (c: string) => md.row_groups[0].columns.find((x) => x.meta_data?.path_in_schema[0] === c)!.meta_data!.encodings
  expect(enc('frame_index')).toContain('DELTA_BINARY_PACKED')
  expect(enc('adm2')).toContain('BYTE_STREAM_SPLIT')
  const { table, errors } = await ingestSources([memSource('delta.parquet', bytes)])
  expect(errors).toEqual([])
  expect(Array.from(table.frameIndex())).toEqual(cols.frame_index)
  expect(Array.from(table.feature('adm2'))).toEqual(cols.adm2)
  expect(Array.from(table.target())).toEqual(cols.vmaf)
})
