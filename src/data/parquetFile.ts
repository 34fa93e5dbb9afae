// Opening one parquet source and checking it before any row is read: the footer (not parquet,
// truncated, corrupt), the schema against the input contract, column chunks that lie past the end,
// and which decoder its needed columns can take.
import { parquetMetadataAsync, type AsyncBuffer, type FileMetaData } from 'hyparquet'
import { CorruptFileError, EmptyFileError, NotParquetError, TruncatedFileError } from './errors.ts'
import { fastDecodable } from './pages.ts'
import { detectSchema, type FileSchema, type SchemaOptions } from './schema.ts'
import { openSource, type OpenOptions, type OpenedSource, type SourceInput } from './sources.ts'

const MAGIC = 0x31524150 // "PAR1" little-endian

/** A source whose footer and schema passed the checks: what streaming its rows needs. */
export interface ParquetFile {
  /** index of the file within the load batch */
  index: number
  input: SourceInput
  src: OpenedSource
  metadata: FileMetaData
  schema: FileSchema
  rows: number
  /** every needed column chunk can go through our page decoder */
  fast: boolean
  /** needed columns that are OPTIONAL (have definition levels) */
  optional: Set<string>
  /** where the column data ends (the footer follows it) */
  dataEnd: number
}

export interface ParquetOpenOptions extends OpenOptions, SchemaOptions {
  /** 'auto' (default): our page decoder where it applies, else hyparquet's reader; 'hyparquet': always hyparquet's */
  decoder?: 'auto' | 'hyparquet'
}

/** Open a source and check it; throws a DataError naming the file. `onOpened` sees the source before the checks (for its warnings). */
export async function openParquetFile(
  index: number,
  input: SourceInput,
  opts: ParquetOpenOptions & { onOpened?: (src: OpenedSource) => void },
): Promise<ParquetFile> {
  const src = await openSource(input, opts)
  opts.onOpened?.(src)
  const metadata = await readFooter(src.name, src.file)
  const schema = detectSchema(metadata, src.name, { target: opts.target, extras: opts.extras })
  const rows = Number(metadata.num_rows)
  if (rows === 0) throw new EmptyFileError(src.name)
  checkChunkBounds(src.name, metadata, src.file.byteLength)
  return { index, input, src, metadata, schema, rows, ...decoderFor(metadata, schema, opts.decoder), dataEnd: dataEnd(metadata, src.file.byteLength) }
}

/** The footer, with the bad-file cases told apart: not parquet at all, or cut short. */
async function readFooter(name: string, file: AsyncBuffer): Promise<FileMetaData> {
  const n = file.byteLength
  if (n === 0) throw new NotParquetError(name, 'the file is empty (0 bytes), not a parquet file')
  const head = new DataView(await file.slice(0, Math.min(4, n)))
  const startsOk = n >= 4 && head.getUint32(0, true) === MAGIC
  const tail = n >= 8 ? new DataView(await file.slice(n - 8, n)) : null
  const endsOk = !!tail && tail.getUint32(4, true) === MAGIC
  if (!startsOk && !endsOk) throw new NotParquetError(name, 'not a parquet file (it does not start or end with the "PAR1" marker)')
  if (!endsOk || n < 12)
    throw new TruncatedFileError(name, `the file is truncated: it starts like parquet but its footer is missing (${n} bytes)`)
  const metaLen = tail!.getUint32(0, true)
  if (metaLen + 12 > n)
    throw new TruncatedFileError(name, `the file is truncated or corrupt: its footer claims ${metaLen} bytes of metadata but the file has ${n}`)
  try {
    return await parquetMetadataAsync(file)
  } catch (e) {
    throw new CorruptFileError(name, `the parquet footer could not be parsed: ${e instanceof Error ? e.message : e}`)
  }
}

// The needed columns are top-level leaves (detectSchema only accepts plain numeric and string
// columns), so they are flat: the page decoder applies unless an encoding is outside its set.
function decoderFor(metadata: FileMetaData, schema: FileSchema, choice: ParquetOpenOptions['decoder']): { fast: boolean; optional: Set<string> } {
  const needed = new Set(schema.read)
  const optional = new Set(schema.columns.filter((c) => c.nullable && needed.has(c.name)).map((c) => c.name))
  const fast =
    choice !== 'hyparquet' &&
    metadata.row_groups.every((rg) =>
      rg.columns.every((c) => !c.meta_data || !needed.has(c.meta_data.path_in_schema[0]) || fastDecodable(c.meta_data)),
    )
  return { fast, optional }
}

/** Every column chunk must lie before the footer; otherwise the file lost bytes in the middle. */
function checkChunkBounds(name: string, metadata: FileMetaData, bytes: number): void {
  metadata.row_groups.forEach((rg, g) => {
    for (const c of rg.columns) {
      const m = c.meta_data
      if (!m) continue
      const start = Number(m.dictionary_page_offset || m.data_page_offset)
      if (start + Number(m.total_compressed_size) > bytes)
        throw new TruncatedFileError(
          name,
          `the file is truncated: column "${m.path_in_schema.join('.')}" of row group ${g} extends past the end of the file`,
          { rowGroup: g, column: m.path_in_schema[0] },
        )
    }
  })
}

/** Where the column data ends: the footer follows it. */
function dataEnd(metadata: FileMetaData, bytes: number): number {
  let end = 0
  for (const rg of metadata.row_groups)
    for (const c of rg.columns) {
      const m = c.meta_data
      if (m) end = Math.max(end, Number(m.dictionary_page_offset || m.data_page_offset) + Number(m.total_compressed_size))
    }
  return Math.min(end || bytes, bytes)
}
