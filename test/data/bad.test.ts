// Bad input: every case names the file, says what is wrong, and leaves what was loaded intact.
import { describe, expect, test } from 'vitest'
import { ingestInto, ingestSources } from '../../src/data/ingest.ts'
import {
  CorruptFileError,
  DataError,
  DuplicateFileError,
  EmptyFileError,
  MissingColumnError,
  NonNumericColumnError,
  NotParquetError,
  TargetMismatchError,
  TruncatedFileError,
  UnknownCorpusError,
  dataErrorFromJSON,
} from '../../src/data/errors.ts'
import { parquetMetadata } from 'hyparquet'
import { FEATURES, memSource, readRows, schemaOf, sharedBytes, sharedSource, syntheticColumns, writeParquet } from './fixtures.ts'

const NFLX = 'data/nflx_like.parquet'

function synthetic(n: number, edit: (cols: Record<string, any[]>) => void = () => {}, rowGroupSize = 100_000) {
  const cols = syntheticColumns(n)
  edit(cols)
  return writeParquet(
    Object.entries(cols).map(([name, data]) => ({
      name,
      data,
      type: (name === 'source' || name === 'key' || name === 'corpus' ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT') as any,
    })),
    { rowGroupSize },
  )
}

/** Load the demo nflx file, then `bad`: the bad file fails alone and the 10,800 rows stay. */
async function afterGoodFile(bad: ReturnType<typeof memSource>) {
  const { table } = await ingestSources([sharedSource(NFLX)])
  const before = table.summary()
  const res = await ingestInto(table, [bad])
  expect(table.rows).toBe(10_800)
  expect(table.files).toHaveLength(1)
  expect(table.summary()).toEqual(before)
  return res
}

function onlyError<T extends DataError>(res: { errors: DataError[] }, cls: new (...a: any[]) => T): T {
  expect(res.errors).toHaveLength(1)
  expect(res.errors[0]).toBeInstanceOf(cls)
  return res.errors[0] as T
}

describe('bad files', () => {
  test('not a parquet file', async () => {
    const res = await afterGoodFile(memSource('notes.txt', new TextEncoder().encode('adm2,vmaf\n0.9,80\n')))
    const e = onlyError(res, NotParquetError)
    expect(e.file).toBe('notes.txt')
    expect(e.message).toMatch(/^notes\.txt: not a parquet file/)
    expect(res.messages[0]).toMatchObject({ level: 'error', file: 'notes.txt' })
  })

  test('a zero-byte file', async () => {
    const e = onlyError(await afterGoodFile(memSource('zero.parquet', new Uint8Array(0))), NotParquetError)
    expect(e.detail).toMatch(/empty \(0 bytes\)/)
  })

  test('truncated: the footer is gone', async () => {
    const bytes = sharedBytes(NFLX)
    const e = onlyError(await afterGoodFile(memSource('cut.parquet', bytes.slice(0, Math.floor(bytes.length * 0.6)))), TruncatedFileError)
    expect(e.message).toMatch(/^cut\.parquet: the file is truncated/)
  })

  test('truncated in the middle: column chunks point past the end', async () => {
    // keep the footer but drop 100 KB before it
    const bytes = sharedBytes(NFLX)
    const md = parquetMetadata(bytes.slice().buffer)
    const footerLen = new DataView(bytes.buffer).getUint32(bytes.length - 8, true) + 8
    const cut = new Uint8Array(bytes.length - 100_000)
    cut.set(bytes.subarray(0, cut.length - footerLen))
    cut.set(bytes.subarray(bytes.length - footerLen), cut.length - footerLen)
    expect(md.row_groups.length).toBe(6)
    const e = onlyError(await afterGoodFile(memSource('hole.parquet', cut)), TruncatedFileError)
    expect(e.detail).toMatch(/row group \d/)
    expect(e.rowGroup).toBeGreaterThanOrEqual(0)
  })

  test('corrupt page in row group 3: named, and the rows of row groups 0–2 are rolled back', async () => {
    const bytes = sharedBytes(NFLX)
    const md = parquetMetadata(bytes.slice().buffer)
    const chunk = md.row_groups[3].columns.find((c) => c.meta_data?.path_in_schema[0] === 'vif_scale1')!.meta_data!
    const at = Number(chunk.data_page_offset)
    const bad = bytes.slice()
    bad.fill(0xff, at, at + 24) // wreck the page header
    const res = await afterGoodFile(memSource('wrecked.parquet', bad))
    const e = onlyError(res, CorruptFileError)
    expect(e.rowGroup).toBe(3)
    expect(e.detail).toMatch(/row group 3/)
  })

  test('missing required column is named', async () => {
    const bytes = synthetic(100, (c) => delete c.vif_scale2)
    const e = onlyError(await afterGoodFile(memSource('noscale2.parquet', bytes)), MissingColumnError)
    expect(e.missing).toEqual(['vif_scale2'])
    expect(e.message).toMatch(/^noscale2\.parquet: missing required column "vif_scale2"\. Columns present: source, key, frame_index, vmaf, adm2, vif_scale0, vif_scale1, vif_scale3, motion2\.$/)
    expect(e.targetMissing).toBe(false)
  })

  test('a feature that is not numeric', async () => {
    const cols = syntheticColumns(100)
    const asText = writeParquet(
      Object.entries(cols).map(([name, data]) => ({
        name,
        data: name === 'motion2' ? data.map(String) : data,
        type: (['source', 'key', 'motion2'].includes(name) ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT') as any,
      })),
    )
    const e = onlyError(await afterGoodFile(memSource('textmotion.parquet', asText)), NonNumericColumnError)
    expect(e.column).toBe('motion2')
    expect(e.detail).toBe('column "motion2" must be numeric (float or int) but is BYTE_ARRAY (UTF8)')
  })

  test('NaN / Inf / null rows are counted, excluded and reported, never silently', async () => {
    const n = 1000
    const cols = syntheticColumns(n)
    cols.adm2[3] = NaN
    cols.adm2[10] = Infinity
    cols.vif_scale3[10] = NaN // same row as above: one row, two reasons
    cols.vmaf[500] = -Infinity
    cols.motion2[999] = null
    const spec = Object.keys(cols).map((name) => ({
      name,
      type: (name === 'source' || name === 'key' ? 'BYTE_ARRAY' : name === 'frame_index' ? 'INT32' : 'FLOAT') as any,
      utf8: name === 'source' || name === 'key',
      optional: name === 'motion2',
    }))
    const bytes = writeParquet(
      spec.map((s) => ({ name: s.name, data: cols[s.name] })),
      { schema: schemaOf(spec), rowGroupSize: 300 },
    )
    const { table, messages, errors } = await ingestSources([memSource('holes.parquet', bytes)])
    expect(errors).toEqual([])
    expect(table.rows).toBe(n - 4)
    expect(table.files[0]).toMatchObject({ rows: 996, excludedRows: 4 })
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ level: 'warning', file: 'holes.parquet' })
    expect(messages[0].text).toBe('4 of 1,000 rows excluded (adm2: 2 NaN/Inf; vif_scale3: 1 NaN/Inf; vmaf: 1 NaN/Inf; motion2: 1 null)')
    // the kept rows are the right ones, in order
    const keep = [...Array(n).keys()].filter((i) => ![3, 10, 500, 999].includes(i))
    expect(Array.from(table.feature('adm2'))).toEqual(keep.map((i) => cols.adm2[i]))
    expect(Array.from(table.frameIndex())).toEqual(keep.map((i) => cols.frame_index[i]))
    const s = table.summary()
    expect(Number.isFinite(s.features[0].mean) && Number.isFinite(s.target.mean)).toBe(true)
  })

  test('every row bad → the file is refused, nothing kept', async () => {
    const bytes = synthetic(50, (c) => (c.vmaf = c.vmaf.map(() => NaN)))
    const e = onlyError(await afterGoodFile(memSource('allnan.parquet', bytes)), EmptyFileError)
    expect(e.detail).toMatch(/all 50 rows have NaN/)
  })

  test('empty file (valid parquet, 0 rows)', async () => {
    const bytes = writeParquet([...FEATURES, 'vmaf'].map((name) => ({ name, data: [], type: 'FLOAT' as const })))
    const e = onlyError(await afterGoodFile(memSource('empty.parquet', bytes)), EmptyFileError)
    expect(e.message).toBe('empty.parquet: the file has 0 rows')
  })

  test('unknown corpus values', async () => {
    const bytes = synthetic(30, (c) => (c.corpus = c.source.map((_: string, i: number) => (i < 20 ? 'nflx' : 'youtube'))))
    const e = onlyError(await afterGoodFile(memSource('yt.parquet', bytes)), UnknownCorpusError)
    expect(e.values).toEqual(['youtube'])
  })

  test('the same file twice: said once, rows not doubled (also within one batch)', async () => {
    const { table, messages } = await ingestSources([sharedSource(NFLX, 'a.parquet'), sharedSource(NFLX, 'b.parquet')])
    expect(table.rows).toBe(10_800)
    expect(messages).toHaveLength(1)
    expect(messages[0].level).toBe('warning')
    expect(messages[0].error).toBeInstanceOf(DuplicateFileError)
    expect(messages[0].text).toMatch(/^has the same content as "a\.parquet", already loaded \(sha256 [0-9a-f]{12}…\); its rows were not added again$/)
    const again = await ingestInto(table, [sharedSource(NFLX, 'a.parquet')])
    expect(table.rows).toBe(10_800)
    expect(again.messages[0].text).toMatch(/^is already loaded/)
  })

  test('a batch with one bad file still loads the good ones', async () => {
    const res = await ingestSources([
      memSource('junk.bin', new Uint8Array(4096).fill(7)),
      sharedSource('data/konvid_like/part-000.parquet'),
      memSource('cut.parquet', sharedBytes(NFLX).slice(0, 5000)),
      sharedSource('data/konvid_like/part-003.parquet'),
    ])
    expect(res.table.rows).toBe(2306 + 2306)
    expect(res.errors.map((e) => [e.name, e.file])).toEqual([
      ['NotParquetError', 'junk.bin'],
      ['TruncatedFileError', 'cut.parquet'],
    ])
  })

  test('a different target than the loaded data is refused', async () => {
    const { table } = await ingestSources([sharedSource(NFLX)])
    const res = await ingestInto(table, [sharedSource('upstream-data/bisect_features.parquet', 'bisect.parquet')], { target: 'mos' })
    const e = onlyError(res, TargetMismatchError)
    expect(e.detail).toMatch(/uses "mos" as the target but the loaded data uses "vmaf"/)
    expect(table.rows).toBe(10_800)
  })

  test('errors survive the worker boundary with their class', () => {
    const e = new MissingColumnError('x.parquet', ['vmaf'], ['adm2', 'mos'], ['mos'], true)
    const back = dataErrorFromJSON(JSON.parse(JSON.stringify(e.toJSON())))
    expect(back).toBeInstanceOf(MissingColumnError)
    expect(back.message).toBe(e.message)
    expect((back as MissingColumnError).targetCandidates).toEqual(['mos'])
  })
})

describe('pyarrow file: OPTIONAL columns, ZSTD, target `mos`, no `vmaf`', () => {
  const BISECT = 'upstream-data/bisect_features.parquet'

  test('a clear answer: names the missing vmaf, lists the columns, offers mos', async () => {
    const { table, errors } = await ingestSources([sharedSource(BISECT, 'bisect_features.parquet')])
    expect(table.rows).toBe(0)
    const e = onlyError({ errors }, MissingColumnError)
    expect(e.missing).toEqual(['vmaf'])
    expect(e.targetMissing).toBe(true)
    expect(e.present).toEqual([...FEATURES, 'mos', 'row'])
    expect(e.targetCandidates).toEqual(['mos', 'row'])
    expect(e.message).toBe(
      'bisect_features.parquet: missing required column "vmaf". Columns present: adm2, vif_scale0, vif_scale1, vif_scale2, ' +
        'vif_scale3, motion2, mos, row. Another numeric column can be used as the target: mos, row.',
    )
  })

  test('with mos as the target it loads: 256 rows, values equal to hyparquet row objects', async () => {
    const { table, errors, messages } = await ingestSources([sharedSource(BISECT, 'bisect_features.parquet')], { target: 'mos' })
    expect(errors).toEqual([])
    expect(table.targetName).toBe('mos')
    expect(table.rows).toBe(256)
    expect(table.sourceNames).toEqual(['bisect_features'])
    expect(messages.map((m) => m.text)).toEqual(['no "source" or "key" column: all its rows form one source, "bisect_features"'])
    expect(table.extrasAvailable).toEqual(['row'])
    const rows = await readRows(sharedBytes(BISECT))
    for (const f of FEATURES) expect(Array.from(table.feature(f))).toEqual(rows.map((r) => r[f]))
    expect(Array.from(table.target())).toEqual(rows.map((r) => r.mos))
    let s = 0
    for (const r of rows) s += r.mos
    expect(Math.abs(table.summary().target.mean - s / rows.length)).toBeLessThan(1e-6)
    // the int64 pandas index can be loaded as an extra feature
    const withRow = await ingestSources([sharedSource(BISECT)], { target: 'mos', extras: ['row'] })
    expect(Array.from(withRow.table.feature('row').subarray(0, 5))).toEqual(rows.slice(0, 5).map((r) => Number(r.row)))
  })
})

test('rows that the reference reader sees are the rows we keep (nflx, spot check)', async () => {
  const rows = await readRows(sharedBytes(NFLX))
  const { table } = await ingestSources([sharedSource(NFLX)])
  for (const i of [0, 2047, 2048, 10_799]) {
    expect(table.sourceNames[table.sourceCodes()[i]]).toBe(rows[i].source)
    expect(table.feature('motion2')[i]).toBe(rows[i].motion2)
  }
})
