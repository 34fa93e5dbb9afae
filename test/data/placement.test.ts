// The reader writes a batch's feature and target values straight into the table's columns where
// the table will append them (src/data/placement.ts): the table must be the same, byte for byte,
// as when every chunk carries its values, through bad rows, a file that fails half-way, a
// duplicate and an extra feature; a chunk written into columns the table has since replaced is
// refused; and the placement crosses to another thread as the shared memory itself.
import { parquetMetadata } from 'hyparquet'
import { describe, expect, test } from 'vitest'
import { FeatureTable } from '../../src/data/featureTable.ts'
import { TableLoader } from '../../src/data/loader.ts'
import { placementFromWire, placementToWire } from '../../src/data/placement.ts'
import { readSources } from '../../src/data/reader.ts'
import type { SourceInput } from '../../src/data/sources.ts'
import { expectSameBytes, memSource, sharedBytes, syntheticColumns, writeParquet } from './fixtures.ts'

function file(n: number, edit: (cols: Record<string, any[]>) => void = () => {}, rowGroupSize = 2_000): Uint8Array {
  const cols = syntheticColumns(n)
  cols.psnr = cols.vmaf.map((v: number) => v / 2)
  edit(cols)
  const type = (name: string) => (name === 'source' || name === 'key' ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT')
  return writeParquet(Object.entries(cols).map(([name, data]) => ({ name, data, type: type(name) as never })), { rowGroupSize })
}

/** Load `sources` into a fresh table; `place`: whether the loader's placements reach the reader. */
async function load(sources: SourceInput[], place: boolean) {
  const table = new FeatureTable('vmaf', ['psnr'], { columns: 'shared' })
  const loader = new TableLoader(table)
  const chunks: { rows: number; placed: string[]; carried: string[] }[] = []
  await readSources(sources, { target: 'vmaf', extras: ['psnr'], wholeChunks: true, inlineHashBytes: 0 }, (ev) => {
    if (ev.type === 'chunk') chunks.push({ rows: ev.chunk.rows, placed: ev.chunk.placed?.columns ?? [], carried: Object.keys(ev.chunk.values) })
    const reply = loader.handle(ev)
    return place ? reply : reply && { ...reply, placement: null }
  })
  loader.finish()
  return { table, loader, chunks }
}

function expectSameTable(a: FeatureTable, b: FeatureTable): void {
  expect(a.rows).toBe(b.rows)
  expect(a.featureNames).toEqual(b.featureNames)
  for (const f of a.featureNames) expectSameBytes(a.feature(f), b.feature(f))
  expectSameBytes(a.target(), b.target())
  expectSameBytes(a.sourceCodes(), b.sourceCodes())
  expectSameBytes(a.keyCodes(), b.keyCodes())
  expectSameBytes(a.frameIndex(), b.frameIndex())
  expect(a.files).toEqual(b.files)
  expect(a.summary()).toEqual(b.summary())
}

describe('placement', () => {
  test('bad rows, a file failing half-way, a duplicate and an extra: the same table as with carried values', async () => {
    const good = file(9_000, (c) => {
      c.adm2[5] = NaN // bad rows in the first batch and a later one: compacted in place
      c.vmaf[4_321] = Infinity
    })
    const failing = file(8_000)
    // wreck row group 2's motion2 page header: row groups 0-1 were placed, then rolled back
    const broken = failing.slice()
    const md = parquetMetadata(broken.slice().buffer)
    const col = md.row_groups[2].columns.find((c) => c.meta_data?.path_in_schema[0] === 'motion2')!.meta_data!
    broken.fill(0xff, Number(col.data_page_offset), Number(col.data_page_offset) + 24)
    const sources = [memSource('good.parquet', good), memSource('broken.parquet', broken), memSource('again.parquet', good.slice()), memSource('more.parquet', file(5_000, () => {}, 1_500))]
    const placed = await load(sources, true)
    const carried = await load(sources, false)
    expect(placed.table.rows).toBe(9_000 - 2 + 5_000)
    expect(placed.loader.messages.map((m) => [m.file, m.level])).toEqual([
      ['good.parquet', 'warning'],
      ['broken.parquet', 'error'],
      ['again.parquet', 'warning'],
    ])
    expectSameTable(placed.table, carried.table)
    // every chunk of the placed load wrote its seven floats in place and carried none
    const floats = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2', 'psnr', 'vmaf']
    for (const c of placed.chunks) {
      expect([...c.placed].sort()).toEqual([...floats].sort())
      expect(c.carried).toEqual([])
    }
    for (const c of carried.chunks) expect([...c.carried].sort()).toEqual([...floats].sort())
  })

  test('the demo corpus and libvmaf-derived parquet load the same placed and carried', async () => {
    const sources = [memSource('nflx.parquet', sharedBytes('data/nflx_like.parquet')), memSource('k0.parquet', sharedBytes('data/konvid_like/part-000.parquet'))]
    const placed = await load(sources, true)
    expect(placed.chunks.every((c) => c.placed.length > 0)).toBe(true)
    expectSameTable(placed.table, (await load(sources, false)).table)
  })

  test('rows written into columns the table has since replaced are refused, naming the file', () => {
    const table = new FeatureTable()
    table.reserve(100)
    const p = table.placement()
    const mark = table.beginFile({ file: 0, name: 'f.parquet', bytes: 1, rows: 10, rowGroups: 1, target: 'vmaf', features: [...table.featureNames], extrasAvailable: [], corpusTag: 'nflx', singleSource: 's', group: null })
    table.reserve(1_000) // the columns move
    const chunk = { file: 0, rowGroup: 0, rows: 10, values: {}, placed: { at: p.at, epoch: p.epoch, columns: [...table.featureNames, 'vmaf'] }, source: null, key: null, corpus: null, frameIndex: null }
    expect(() => table.append(mark, chunk)).toThrow(/^f\.parquet: rows were written in place at row 0 \(columns 1\), but the table takes them at row 0 \(columns 2/)
    expect(table.rows).toBe(0)
  })

  test('a shared table crosses to another thread as its memory; own columns do not cross', () => {
    const shared = new FeatureTable('vmaf', [], { columns: 'shared' })
    shared.reserve(64)
    const wire = placementToWire(shared.placement())!
    expect(wire).not.toBeNull()
    const there = placementFromWire(structuredClone(wire))
    there.columns.get('motion2')![3] = 42.5
    shared.placement().columns.get('motion2')![4] = -1
    expect(shared.placement().columns.get('motion2')![3]).toBe(42.5)
    expect(there.columns.get('motion2')![4]).toBe(-1)
    const own = new FeatureTable()
    own.reserve(64)
    expect(placementToWire(own.placement())).toBeNull()
  })
})
