// Per-frame predictions out: the table (one row per evaluated frame, one predicted column per
// model) and both writers, read back independently (hyparquet for parquet, a split for CSV).
import { describe, expect, test } from 'vitest'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { ingestSources } from '../../src/data/ingest.ts'
import { PredictionTableError, predictionColumns, predictionTable } from '../../src/metrics/predictions.ts'
import { float32Text, predictionsCsv, predictionsParquet } from '../../src/metrics/predictionsOut.ts'
import { sharedSource } from '../data/fixtures.ts'

async function demo() {
  const { table, errors } = await ingestSources([sharedSource('data/nflx_like.parquet')])
  expect(errors).toEqual([])
  return table
}

/** Two "models" whose outputs are known per row: a scaled target and a feature. */
function fakePredictions(t: Awaited<ReturnType<typeof demo>>, rows: Uint32Array | null) {
  const y = t.target()
  const adm = t.feature('adm2')
  const n = rows ? rows.length : t.rows
  const at = (i: number) => (rows ? rows[i] : i)
  return [
    { name: 'mlp_small.onnx', pred: Float32Array.from({ length: n }, (_, i) => y[at(i)] * 0.5 + 1) },
    { name: 'vmaf tiny/v2', pred: Float32Array.from({ length: n }, (_, i) => adm[at(i)] * 100) },
  ]
}

describe('predictionTable', () => {
  test('column names: one model → predicted; several → predicted_<name>, made unique', () => {
    expect(predictionColumns(['a.onnx'])).toEqual(['predicted'])
    expect(predictionColumns(['a.onnx', 'b c', 'a'])).toEqual(['predicted_a', 'predicted_b_c', 'predicted_a_2'])
  })

  test('a prediction count that does not match the rows is refused, naming the model', async () => {
    const t = await demo()
    expect(() => predictionTable(t, [{ name: 'm.onnx', pred: new Float32Array(3) }])).toThrow(PredictionTableError)
    expect(() => predictionTable(t, [{ name: 'm.onnx', pred: new Float32Array(3) }])).toThrow(/m\.onnx: 3 predictions for 10800/)
  })

  test('float32Text reads back to the same float32 with few digits', () => {
    for (const v of [0.1, 1 / 3, 93.1234, 1e-7, 123456.789, -2.5, 0]) {
      const s = float32Text(v)
      expect(Math.fround(Number(s))).toBe(Math.fround(v))
      expect(s.replace(/[-.]/g, '').replace(/e.*/, '').length).toBeLessThanOrEqual(9)
    }
    expect(float32Text(Math.fround(0.1))).toBe('0.1')
    expect(float32Text(NaN)).toBe('NaN')
  })
})

describe('writers', () => {
  test('parquet: one row per evaluated frame, every column as in the table', async () => {
    const t = await demo()
    const rows = Uint32Array.from({ length: 2_500 }, (_, i) => (i * 7) % t.rows)
    const p = predictionTable(t, fakePredictions(t, rows), rows)
    const bytes = await predictionsParquet(p)
    const buf = bytes.slice().buffer
    const meta = parquetMetadata(buf)
    expect(Number(meta.num_rows)).toBe(2_500)
    expect(meta.schema.slice(1).map((s) => s.name)).toEqual(['source', 'key', 'frame_index', 'vmaf', 'predicted_mlp_small', 'predicted_vmaf_tiny_v2'])
    const back = await parquetReadObjects({ file: buf })
    const y = t.target()
    const fi = t.frameIndex()
    for (let i = 0; i < back.length; i++) {
      const r = rows[i]
      expect(back[i].source).toBe(t.sourceNames[t.sourceCodes()[r]])
      expect(back[i].key).toBe(t.keyNames[t.keyCodes()[r]])
      expect(back[i].frame_index).toBe(fi[r])
      expect(back[i].vmaf).toBe(y[r])
      expect(back[i].predicted_mlp_small).toBe(Math.fround(y[r] * 0.5 + 1))
      expect(back[i].predicted_vmaf_tiny_v2).toBe(Math.fround(t.feature('adm2')[r] * 100))
    }
  })

  test('CSV: header, one line per frame, values that read back to the same float32', async () => {
    const t = await demo()
    const p = predictionTable(t, fakePredictions(t, null).slice(0, 1))
    const text = [...predictionsCsv(p)].join('')
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toBe('source,key,frame_index,vmaf,predicted')
    expect(lines).toHaveLength(t.rows + 1)
    const y = t.target()
    for (const i of [0, 1, 1199, 1200, 5000, t.rows - 1]) {
      const [source, key, frame, vmaf, pred] = lines[i + 1].split(',')
      expect(source).toBe(t.sourceNames[t.sourceCodes()[i]])
      expect(key).toBe(t.keyNames[t.keyCodes()[i]])
      expect(Number(frame)).toBe(t.frameIndex()[i])
      expect(Math.fround(Number(vmaf))).toBe(y[i])
      expect(Math.fround(Number(pred))).toBe(Math.fround(y[i] * 0.5 + 1))
    }
  })
})
