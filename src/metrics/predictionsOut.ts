// Writers for a PredictionTable (predictions.ts): CSV (RFC 4180, "\n" line ends, floats printed
// with the fewest digits that read back to the same float32, an empty frame_index when unknown)
// and parquet (hyparquet-writer, snappy; source/key as strings, frame_index an optional INT32 that
// is null when unknown, the target and predictions as FLOAT). Both write slice by slice, so a
// 10M-row table never becomes one string or one array of row objects.
import { ByteWriter, ParquetWriter, type ColumnSource } from 'hyparquet-writer'
import type { PredictionTable } from './predictions.ts'

/** Rows per CSV text piece and per parquet row group. */
const SLICE_ROWS = 1 << 16
const ROW_GROUP_ROWS = 1 << 20

/** The shortest decimal that parses back to the same float32 (NaN and ±Inf as JS prints them). */
export function float32Text(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  const f = Math.fround(v)
  for (let p = 6; p < 9; p++) {
    const s = f.toPrecision(p)
    if (Math.fround(Number(s)) === f) return String(Number(s))
  }
  return String(Number(f.toPrecision(9)))
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function predictionsHeader(t: PredictionTable): string[] {
  return ['source', 'key', 'frame_index', t.targetName, ...t.predicted.map((p) => p.column)]
}

/** The CSV as text pieces (header first), each a whole number of lines. */
export function* predictionsCsv(t: PredictionTable): Generator<string> {
  const sources = t.sourceNames.map(csvField)
  const keys = t.keyNames.map(csvField)
  yield `${predictionsHeader(t).map(csvField).join(',')}\n`
  const preds = t.predicted.map((p) => p.values)
  for (let a = 0; a < t.rows; a += SLICE_ROWS) {
    const b = Math.min(t.rows, a + SLICE_ROWS)
    const lines: string[] = new Array(b - a)
    for (let i = a; i < b; i++) {
      const fi = t.frameIndex[i]
      let line = `${sources[t.source[i]]},${keys[t.key[i]]},${fi < 0 ? '' : fi},${float32Text(t.target[i])}`
      for (const p of preds) line += `,${float32Text(p[i])}`
      lines[i - a] = line
    }
    yield `${lines.join('\n')}\n`
  }
}

/** Column data of rows a…b, for hyparquet-writer. */
function slice(t: PredictionTable, a: number, b: number): ColumnSource[] {
  const n = b - a
  const frame: (number | null)[] = new Array(n)
  for (let i = 0; i < n; i++) frame[i] = t.frameIndex[a + i] < 0 ? null : t.frameIndex[a + i]
  return [
    { name: 'source', data: Array.from({ length: n }, (_, i) => t.sourceNames[t.source[a + i]]), type: 'STRING', nullable: false },
    { name: 'key', data: Array.from({ length: n }, (_, i) => t.keyNames[t.key[a + i]]), type: 'STRING', nullable: false },
    { name: 'frame_index', data: frame, type: 'INT32', nullable: true },
    { name: t.targetName, data: t.target.subarray(a, b), type: 'FLOAT', nullable: false },
    ...t.predicted.map((p): ColumnSource => ({ name: p.column, data: p.values.subarray(a, b), type: 'FLOAT', nullable: false })),
  ]
}

const SCHEMA_TYPES = { STRING: { type: 'BYTE_ARRAY', converted_type: 'UTF8' }, INT32: { type: 'INT32' }, FLOAT: { type: 'FLOAT' } } as const

function schemaOf(columns: ColumnSource[]) {
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({
      name: c.name,
      ...SCHEMA_TYPES[c.type as keyof typeof SCHEMA_TYPES],
      repetition_type: c.nullable ? ('OPTIONAL' as const) : ('REQUIRED' as const),
    })),
  ]
}

/**
 * Write the table as parquet into `writer` (hyparquet-writer's ByteWriter, or its Node fileWriter),
 * row group by row group; finishes the writer.
 */
export async function writePredictionsParquet(t: PredictionTable, writer: ConstructorParameters<typeof ParquetWriter>[0]['writer']): Promise<void> {
  let pw: ParquetWriter | null = null
  const rowGroup = Math.max(1, Math.min(ROW_GROUP_ROWS, t.rows))
  for (let a = 0; a < Math.max(t.rows, 1); a += rowGroup) {
    const b = Math.min(t.rows, a + rowGroup)
    const columnData = slice(t, a, b)
    pw ??= new ParquetWriter({ writer, schema: schemaOf(columnData), codec: 'SNAPPY', statistics: false })
    if (b > a) await pw.write({ columnData, rowGroupSize: b - a })
  }
  await pw!.finish()
}

/** The parquet file's bytes (in memory: for downloads). */
export async function predictionsParquet(t: PredictionTable): Promise<Uint8Array> {
  const writer = new ByteWriter()
  await writePredictionsParquet(t, writer)
  return writer.getBytes()
}
