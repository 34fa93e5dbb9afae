// The Data panel's numbers while a file streams in: summary() and histogram() asked after every
// chunk fold in only the new rows, and must equal a single pass over the final table (computed
// here independently), also after a file that failed half-way was rolled back.
import { expect, test } from 'vitest'
import { FeatureTable } from '../../src/data/featureTable.ts'
import type { FileStart, RowChunk } from '../../src/data/chunk.ts'
import { FEATURES } from '../../src/data/schema.ts'

function start(file: number, name: string): FileStart {
  return { file, name, bytes: 0, rows: 0, rowGroups: 1, target: 'vmaf', features: [...FEATURES], extrasAvailable: [], corpusTag: null, singleSource: null, group: 'source' }
}

/** A chunk of `rows` rows whose values depend on `seed` (sources s0…s4, corpora alternating). */
function chunk(file: number, rows: number, seed: number): RowChunk {
  const values: Record<string, Float32Array> = {}
  for (const [k, f] of [...FEATURES, 'vmaf'].entries()) values[f] = Float32Array.from({ length: rows }, (_, i) => Math.sin(seed * 131 + i * (k + 1)) * 50 + 50)
  return {
    file, rowGroup: 0, rows, values,
    source: { names: ['s0', 's1', 's2', 's3', 's4'], codes: Uint32Array.from({ length: rows }, (_, i) => (i + seed) % 5) },
    key: null,
    corpus: Uint8Array.from({ length: rows }, (_, i) => ((i + seed) % 5 < 3 ? 0 : 1)),
    frameIndex: null,
  }
}

function direct(t: FeatureTable) {
  const col = (a: Float32Array) => {
    let min = Infinity, max = -Infinity, sum = 0
    for (const v of a) { min = Math.min(min, v); max = Math.max(max, v); sum += v }
    return { min, mean: sum / a.length, max }
  }
  const frames = new Map<string, number>()
  t.sourceCodes().forEach((c) => frames.set(t.sourceNames[c], (frames.get(t.sourceNames[c]) ?? 0) + 1))
  const y = t.target()
  const { min, max } = col(y)
  const counts = new Uint32Array(40)
  for (const v of y) counts[Math.min(39, Math.floor(((v - min) * 40) / (max - min)))]++
  return { features: FEATURES.map((f) => col(t.feature(f))), target: col(y), frames, counts }
}

test('summary and histogram asked after every chunk equal one pass over the final table', () => {
  const t = new FeatureTable()
  const a = t.beginFile(start(0, 'a.parquet'))
  for (let k = 0; k < 6; k++) {
    t.append(a, chunk(0, 1000 + k * 37, k))
    t.summary()
    t.histogram(40)
  }
  t.commitFile(a, { file: 0, sha256: 'x', rows: t.rows, excluded: 0, excludedBy: {} })
  // a second file fails half-way: its rows are rolled back
  const b = t.beginFile(start(1, 'b.parquet'))
  t.append(b, chunk(1, 500, 99))
  t.summary()
  t.histogram(40)
  t.rollback(b)
  const c = t.beginFile(start(2, 'c.parquet'))
  t.append(c, chunk(2, 700, 7))
  const s = t.summary()
  const h = t.histogram(40)
  const d = direct(t)
  s.features.forEach((f, i) => expect([f.min, f.mean, f.max]).toEqual([d.features[i].min, d.features[i].mean, d.features[i].max]))
  expect([s.target.min, s.target.mean, s.target.max]).toEqual([d.target.min, d.target.mean, d.target.max])
  expect(Object.fromEntries(s.sources.map((x) => [x.name, x.frames]))).toEqual(Object.fromEntries(d.frames))
  expect(s.corpora.reduce((n, x) => n + x.rows, 0)).toBe(t.rows)
  expect([...h.counts]).toEqual([...d.counts])
  expect(h.counts.reduce((n, x) => n + x, 0)).toBe(t.rows)
})
