// The demo corpus through the real ingest path, against golden counts from the data card and
// against hyparquet's own row-object reader (computed independently, in float64, in the test).
import { describe, expect, test } from 'vitest'
import { ingestSources } from '../../src/data/ingest.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { FEATURES, readRows, sharedBytes, sharedSource } from './fixtures.ts'

const KONVID = ['part-000', 'part-001', 'part-002', 'part-003'].map((p) => `data/konvid_like/${p}.parquet`)

function independentMeans(rows: Record<string, any>[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of [...FEATURES, 'vmaf']) {
    let s = 0
    for (const r of rows) s += r[c]
    out[c] = s / rows.length
  }
  return out
}

function expectSameColumns(table: FeatureTable, rows: Record<string, any>[], rowStart = 0) {
  for (const c of FEATURES) {
    const col = table.feature(c)
    for (let i = 0; i < rows.length; i++) if (col[rowStart + i] !== rows[i][c]) throw new Error(`${c}[${i}] differs`)
  }
  const t = table.target()
  for (let i = 0; i < rows.length; i++) if (t[rowStart + i] !== rows[i].vmaf) throw new Error(`vmaf[${i}] differs`)
}

describe('nflx-like', () => {
  test.each(['data/nflx_like.parquet', 'data/nflx_like.zstd.parquet'])('%s: 10,800 rows, 9 sources × 1,200, means', async (rel) => {
    const { table, errors, messages } = await ingestSources([sharedSource(rel)])
    expect(errors).toEqual([])
    expect(messages).toEqual([])
    expect(table.rows).toBe(10_800)
    expect(table.files).toHaveLength(1)
    expect(table.files[0]).toMatchObject({ rows: 10_800, excludedRows: 0, corpus: 'nflx', rowStart: 0 })
    const s = table.summary()
    expect(s.sources.map((x) => x.name)).toEqual(['Harbor', 'Meadow', 'Alpine', 'Blossom', 'Creek', 'Cups', 'Ivy', 'Toonland', 'NightGrain'])
    expect(s.sources.every((x) => x.frames === 1_200)).toBe(true)
    expect(s.corpora).toEqual([{ corpus: 'nflx', rows: 10_800 }])
    expect(table.keyNames).toHaveLength(225)

    const rows = await readRows(sharedBytes(rel))
    const means = independentMeans(rows)
    for (const f of s.features) expect(Math.abs(f.mean - means[f.name])).toBeLessThan(1e-6)
    expect(Math.abs(s.target.mean - means.vmaf)).toBeLessThan(1e-6)
    // the data card: NightGrain averages vmaf 29.1
    const ng = table.sourceNames.indexOf('NightGrain')
    const codes = table.sourceCodes()
    let sum = 0
    for (let i = 0; i < table.rows; i++) if (codes[i] === ng) sum += table.target()[i]
    expect(sum / 1200).toBeCloseTo(29.1, 1)
    expectSameColumns(table, rows)
    // frame_index and keys come through too
    expect(Array.from(table.frameIndex().subarray(0, 50))).toEqual(rows.slice(0, 50).map((r) => r.frame_index))
    expect(table.keyNames[table.keyCodes()[1234]]).toBe(rows[1234].key)
  })
})

describe('konvid-like shards', () => {
  test('2,306 / 2,335 / 2,325 / 2,306 rows, 9,272 together, 340 clips', async () => {
    const { table, errors } = await ingestSources(KONVID.map((k) => sharedSource(k)))
    expect(errors).toEqual([])
    expect(table.files.map((f) => f.rows)).toEqual([2_306, 2_335, 2_325, 2_306])
    expect(table.files.map((f) => f.rowStart)).toEqual([0, 2_306, 4_641, 6_966])
    expect(table.files.every((f) => f.corpus === 'konvid')).toBe(true)
    expect(table.rows).toBe(9_272)
    expect(table.sourceNames).toHaveLength(340)
    expect(table.sourceNames[0]).toBe('kv0001')
    expect(table.sourceNames[339]).toBe('kv0340')

    const rows = (await Promise.all(KONVID.map((k) => readRows(sharedBytes(k))))).flat()
    const means = independentMeans(rows)
    const s = table.summary()
    for (const f of s.features) expect(Math.abs(f.mean - means[f.name])).toBeLessThan(1e-6)
    expect(Math.abs(s.target.mean - means.vmaf)).toBeLessThan(1e-6)
    expect(s.target.mean).toBeCloseTo(66.5, 1) // data card: VMAF mean 66.5
    expectSameColumns(table, rows)
  })
})

describe('the whole demo corpus', () => {
  test('20,072 rows in two corpora; sha256 per file; matrix and views agree', async () => {
    const { createHash } = await import('node:crypto')
    const rels = ['data/nflx_like.parquet', ...KONVID]
    const { table } = await ingestSources(rels.map((r) => sharedSource(r)))
    expect(table.rows).toBe(20_072)
    expect(table.summary().corpora).toEqual([
      { corpus: 'nflx', rows: 10_800 },
      { corpus: 'konvid', rows: 9_272 },
    ])
    expect(table.sourceNames).toHaveLength(349)
    for (const [i, r] of rels.entries())
      expect(table.files[i].sha256).toBe(createHash('sha256').update(sharedBytes(r)).digest('hex'))
    // extras are listed (not loaded unless asked)
    expect(table.featureNames).toEqual(FEATURES)
    expect(table.extrasAvailable).toEqual(['adm_scale0', 'adm_scale1', 'adm_scale2', 'adm_scale3', 'motion'])
    const m = table.matrix(['motion2', 'adm2'], [5, 12_000])
    expect(Array.from(m)).toEqual([table.feature('motion2')[5], table.feature('adm2')[5], table.feature('motion2')[12_000], table.feature('adm2')[12_000]])
    // the table holds exactly what it loaded (reserved from the metadata, nothing left over)
    expect(table.allocatedBytes).toBe(table.loadedBytes)
  })

  test('extras load on request and agree with the file', async () => {
    const { table } = await ingestSources([sharedSource('data/konvid_like/part-001.parquet')], { extras: ['motion', 'adm_scale0'] })
    expect(table.featureNames).toEqual([...FEATURES, 'motion', 'adm_scale0'])
    const rows = await readRows(sharedBytes('data/konvid_like/part-001.parquet'))
    expect(Array.from(table.feature('motion').subarray(0, 100))).toEqual(rows.slice(0, 100).map((r) => r.motion))
    expect(table.feature('adm_scale0')[2000]).toBe(rows[2000].adm_scale0)
  })
})

test('an extra feature missing from a newly added file is dropped for all, with a warning', async () => {
  const { ingestInto } = await import('../../src/data/ingest.ts')
  const { table } = await ingestSources([sharedSource('data/konvid_like/part-000.parquet')], { extras: ['motion'] })
  expect(table.featureNames).toContain('motion')
  const { writeParquet, memSource, syntheticColumns } = await import('./fixtures.ts')
  const cols = syntheticColumns(40)
  const bytes = writeParquet(
    Object.entries(cols).map(([name, data]) => ({ name, data, type: (['source', 'key'].includes(name) ? 'STRING' : name === 'frame_index' ? 'INT32' : 'FLOAT') as any })),
  )
  const res = await ingestInto(table, [memSource('nomotion.parquet', bytes)])
  expect(table.rows).toBe(2306 + 40)
  expect(table.featureNames).toEqual(FEATURES)
  expect(res.messages.map((m) => m.text)).toEqual(['has no column "motion": the extra feature "motion" was dropped for all files'])
  expect(table.extrasAvailable).toEqual([])
})
