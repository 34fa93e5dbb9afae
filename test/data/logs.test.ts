// libvmaf logs (../shared/data/libvmaf_logs: real, unedited vmaf CLI output) through the real ingest
// path: every log's frame count and per-metric means against the folder's manifest (Python, float64,
// from the printed values), the same table as the folder's pyarrow-written parquet, extra metrics,
// the bad-log cases, and the source naming rule.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { BadLogError, MissingColumnError } from '../../src/data/errors.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { ingestInto, ingestSources } from '../../src/data/ingest.ts'
import { LogFrames } from '../../src/data/logs/frames.ts'
import { JsonLogParser } from '../../src/data/logs/json.ts'
import { XmlLogParser } from '../../src/data/logs/xml.ts'
import { sharedPath } from '../helpers/shared.ts'
import { tableToParquet } from '../../src/data/toParquet.ts'
import { FEATURES, memSource, readRows, sharedSource } from './fixtures.ts'

const DIR = 'data/libvmaf_logs'
const manifest = JSON.parse(readFileSync(sharedPath(DIR, 'manifest.json'), 'utf8')) as {
  mean_metrics: string[]
  files: { path: string; format: string; source: string; key: string; frames: number; means: Record<string, number> }[]
}
const COLUMN: Record<string, string> = {
  integer_adm2: 'adm2', integer_vif_scale0: 'vif_scale0', integer_vif_scale1: 'vif_scale1', integer_vif_scale2: 'vif_scale2',
  integer_vif_scale3: 'vif_scale3', integer_motion2: 'motion2', vmaf: 'vmaf',
}
const logsOf = (folder: string) => readdirSync(sharedPath(DIR, folder)).sort().map((n) => sharedSource(`${DIR}/${folder}/${n}`))
const text = (rel: string) => readFileSync(sharedPath(DIR, rel), 'utf8')
const enc = (s: string) => new TextEncoder().encode(s)

/** rows of one clip key */
function rowsOf(t: FeatureTable, key: string): number[] {
  const code = t.keyNames.indexOf(key)
  const codes = t.keyCodes()
  const out: number[] = []
  for (let i = 0; i < t.rows; i++) if (codes[i] === code) out.push(i)
  return out
}

describe.each(['json', 'xml', 'csv', 'json_extra'])('%s/', (folder) => {
  test("every log: the manifest's frames and means (float32 precision), source and key from the file name", async () => {
    const { table, errors, messages } = await ingestSources(logsOf(folder))
    expect(errors).toEqual([])
    expect(messages).toEqual([])
    const entries = manifest.files.filter((f) => f.format === folder)
    expect(entries).toHaveLength(18)
    expect(table.rows).toBe(entries.reduce((s, f) => s + f.frames, 0))
    expect(table.files).toHaveLength(18)
    for (const f of entries) {
      const rows = rowsOf(table, f.key)
      expect(rows.length, f.key).toBe(f.frames)
      expect(new Set(rows.map((r) => table.sourceNames[table.sourceCodes()[r]]))).toEqual(new Set([f.source]))
      expect(Array.from(table.frameIndex(rows))).toEqual(Array.from({ length: f.frames }, (_, i) => i))
      for (const m of manifest.mean_metrics) {
        const col = COLUMN[m] === 'vmaf' ? table.target() : table.feature(COLUMN[m])
        const values = rows.map((r) => col[r])
        const mean = values.reduce((s, v) => s + v, 0) / values.length
        // each value is the printed one rounded to float32: off by at most half an ulp of the largest
        const tol = Math.max(...values.map(Math.abs)) * 2 ** -24
        expect(Math.abs(mean - f.means[m]), `${f.key} ${m}`).toBeLessThanOrEqual(tol)
      }
    }
  })
})

test('json/, xml/ and csv/ each give the same table as libvmaf_logs.parquet, value for value', async () => {
  const { table: ref, errors } = await ingestSources([sharedSource(`${DIR}/libvmaf_logs.parquet`)])
  expect(errors).toEqual([])
  expect(ref.rows).toBe(864)
  for (const folder of ['json', 'xml', 'csv']) {
    const { table } = await ingestSources(logsOf(folder))
    expect(table.rows, folder).toBe(ref.rows)
    expect(table.sourceNames).toEqual(ref.sourceNames)
    expect(table.keyNames).toEqual(ref.keyNames)
    expect(table.sourceCodes()).toEqual(ref.sourceCodes())
    expect(table.keyCodes()).toEqual(ref.keyCodes())
    expect(table.frameIndex()).toEqual(ref.frameIndex())
    expect(table.corpusCodes()).toEqual(ref.corpusCodes())
    for (const c of FEATURES) expect(table.feature(c), `${folder} ${c}`).toEqual(ref.feature(c))
    expect(table.target()).toEqual(ref.target())
  }
})

test('json_extra/: psnr and the other metrics are offered as extra features and load like extra parquet columns', async () => {
  const sources = logsOf('json_extra')
  const { table: plain } = await ingestSources(sources)
  expect(plain.extrasAvailable).toEqual(
    expect.arrayContaining(['psnr_y', 'psnr_cb', 'psnr_cr', 'integer_adm3', 'integer_aim', 'integer_motion3', 'VMAF_integer_feature_motion_sad_score']),
  )
  expect(plain.extrasAvailable).not.toContain('integer_adm2')
  const { table, errors } = await ingestSources(sources, { extras: ['psnr_y', 'integer_adm3'] })
  expect(errors).toEqual([])
  expect(table.featureNames).toEqual([...FEATURES, 'psnr_y', 'integer_adm3'])
  // independent: JSON.parse of the whole log, in float64, rounded to float32
  const key = 'Gears__640x360__crf22'
  const log = JSON.parse(text(`json_extra/${key}.json`)) as { frames: { metrics: Record<string, number> }[] }
  const rows = rowsOf(table, key)
  expect(rows.map((r) => table.feature('psnr_y')[r])).toEqual(log.frames.map((f) => Math.fround(f.metrics.psnr_y)))
  expect(rows.map((r) => table.feature('integer_adm3')[r])).toEqual(log.frames.map((f) => Math.fround(f.metrics.integer_adm3)))
})

describe('bad logs: a typed error naming the file and the problem; what was loaded stays', () => {
  const json = text('json/Gears__640x360__crf22.json')
  const csv = text('csv/Plasma__320x180__crf42.csv')
  const xml = text('xml/Fractal__640x360__crf32.xml')
  const dropVmaf = csv
    .split('\n')
    .map((l) => l.split(',').slice(0, 15).concat(l ? [''] : []).join(','))
    .join('\n')
  const lines = csv.split('\n')
  const ragged = [...lines.slice(0, 5), lines[5].replace(/^([^,]*),[^,]*,/, '$1,'), ...lines.slice(6)].join('\n')
  const cases: { name: string; body: string; type: unknown; problem?: string; says: RegExp }[] = [
    { name: 'cut__a.json', body: json.slice(0, Math.floor(json.length / 2)), type: BadLogError, problem: 'truncated', says: /truncated.*after \d+/ },
    { name: 'cut__b.json', body: json.slice(0, 20), type: BadLogError, problem: 'truncated', says: /truncated/ },
    { name: 'array__c.json', body: '[1, 2, 3]', type: BadLogError, problem: 'not-libvmaf', says: /not a libvmaf JSON log/ },
    { name: 'noframes__d.json', body: '{"version": "x", "fps": 1}', type: BadLogError, problem: 'not-libvmaf', says: /no "frames" array/ },
    { name: 'other__e.xml', body: '<?xml version="1.0"?>\n<svg><frames><frame frameNum="0" vmaf="1"/></frames></svg>', type: BadLogError, problem: 'not-libvmaf', says: /root element is <svg>/ },
    { name: 'cut__f.xml', body: xml.slice(0, Math.floor(xml.length * 0.6)), type: BadLogError, problem: 'truncated', says: /ends before <\/VMAF>/ },
    { name: 'novmaf__g.csv', body: dropVmaf, type: MissingColumnError, says: /missing required column "vmaf"/ },
    { name: 'ragged__h.csv', body: ragged, type: BadLogError, problem: 'ragged', says: /line 6 has 15 fields, the header has 16 \(not counting the trailing comma\)/ },
    { name: 'table__i.csv', body: 'a,b,c\n1,2,3\n', type: BadLogError, problem: 'not-libvmaf', says: /first column is "a"/ },
  ]
  test.each(cases)('$name', async (c) => {
    const { table } = await ingestSources(logsOf('csv').slice(0, 2))
    const before = table.rows
    const { errors } = await ingestInto(table, [memSource(c.name, enc(c.body))])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(c.type)
    expect(errors[0].file).toBe(c.name)
    expect(errors[0].message).toMatch(c.says)
    if (c.problem) expect((errors[0] as BadLogError).problem).toBe(c.problem)
    expect(table.rows).toBe(before)
    expect(table.files).toHaveLength(2)
  })
})

test('a log with NaN frames keeps the others and counts the excluded ones', async () => {
  const csv = text('csv/Gears__320x180__crf32.csv').split('\n')
  csv[3] = csv[3].replace(/,[^,]*,$/, ',nan,')
  const { table, errors, messages } = await ingestSources([memSource('Gears__x.csv', enc(csv.join('\n')))])
  expect(errors).toEqual([])
  expect(table.rows).toBe(47)
  expect(messages[0].text).toMatch(/1 of 48 rows excluded \(vmaf: 1 NaN\/Inf\)/)
})

describe('metric names', () => {
  const frame = (names: string[]) => {
    const frames = new LogFrames()
    frames.add(0, names, names.map((_, i) => i + 1))
    return frames
  }
  test('plain names, integer_ names and the older VMAF_feature_*_score names map to the same columns', () => {
    const base = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2']
    expect(frame([...base, 'vmaf']).names).toEqual([...base, 'vmaf'])
    expect(frame([...base.map((b) => `integer_${b}`), 'vmaf']).names).toEqual([...base, 'vmaf'])
    expect(frame([...base.map((b) => `VMAF_feature_${b}_score`), 'VMAF_score']).names).toEqual([...base, 'vmaf'])
  })
  test('when a log has both spellings the integer_ one wins and the other is left out', () => {
    const f = frame(['adm2', 'integer_adm2', 'psnr_y'])
    expect(f.names).toEqual(['adm2', 'psnr_y'])
    expect(f.column('adm2')).toEqual(Float32Array.of(2))
  })
})

test('the streaming parsers give the same frames whatever the pieces the text arrives in', () => {
  for (const [rel, make] of [
    ['json/Plasma__640x360__crf22.json', (f: LogFrames) => new JsonLogParser('x', f)],
    ['xml/Plasma__640x360__crf22.xml', (f: LogFrames) => new XmlLogParser('x', f)],
  ] as const) {
    const body = text(rel)
    const whole = new LogFrames()
    const p = make(whole)
    p.push(body)
    p.end()
    for (const size of [1, 7, 333]) {
      const pieces = new LogFrames()
      const q = make(pieces)
      for (let i = 0; i < body.length; i += size) q.push(body.slice(i, i + size))
      q.end()
      expect(pieces.frameNums, `${rel} in pieces of ${size}`).toEqual(whole.frameNums)
      for (const n of whole.names) expect(pieces.column(n), n).toEqual(whole.column(n))
    }
    expect(whole.count).toBe(48)
  }
})

test('"save as parquet": the table of a log folder written in the demo schema loads back as the same table', async () => {
  const { table } = await ingestSources(logsOf('json_extra'), { extras: ['psnr_y'], corpus: 'konvid' })
  const bytes = tableToParquet(table)
  const rows = await readRows(bytes)
  expect(Object.keys(rows[0])).toEqual(['corpus', 'source', 'key', 'frame_index', ...FEATURES, 'psnr_y', 'vmaf'])
  const { table: back, errors } = await ingestSources([memSource('saved.parquet', new Uint8Array(bytes))], { extras: ['psnr_y'] })
  expect(errors).toEqual([])
  expect(back.rows).toBe(table.rows)
  expect(back.featureNames).toEqual(table.featureNames)
  for (const f of table.featureNames) expect(back.feature(f), f).toEqual(table.feature(f))
  expect(back.target()).toEqual(table.target())
  expect(back.sourceNames).toEqual(table.sourceNames)
  expect(back.sourceCodes()).toEqual(table.sourceCodes())
  expect(back.keyNames).toEqual(table.keyNames)
  expect(back.keyCodes()).toEqual(table.keyCodes())
  expect(back.frameIndex()).toEqual(table.frameIndex())
  expect(back.corpusCodes()).toEqual(table.corpusCodes())
  expect(back.summary().corpora).toEqual([{ corpus: 'konvid', rows: 864 }])
})
