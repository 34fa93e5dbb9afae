// A page decoder for the flat columns we read, built from hyparquet's own pieces (page headers,
// decompressors, RLE/bit-packing, plain values). hyparquet's column reader turns OPTIONAL columns
// into JS arrays of boxed numbers and dictionary-coded strings into one string reference per row;
// here definition levels go to a Uint8Array, dictionary indices to a Uint32Array, and values stay
// typed, straight into the sinks. Files using anything else (nested columns, DELTA or
// BYTE_STREAM_SPLIT encodings…) are read by hyparquet's parquetRead instead (see reader.ts).
import { snappyUncompress, type ColumnMetaData, type Compressors, type DataReader, type ParquetType } from 'hyparquet'
import { gunzip } from 'hyparquet-compressors'
import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage } from 'hyparquet/src/datapage.js'
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js'
import { readPlain } from 'hyparquet/src/plain.js'
import type { BadRows, Sink } from './sinks.ts'

const VALUE_ENCODINGS = new Set(['PLAIN', 'PLAIN_DICTIONARY', 'RLE_DICTIONARY'])
const LEVEL_ENCODINGS = new Set(['RLE', 'BIT_PACKED'])
const TYPES = new Set<ParquetType>(['FLOAT', 'DOUBLE', 'INT32', 'INT64', 'BYTE_ARRAY'])

/** Can this column chunk be decoded here? (top-level, plain or dictionary values, RLE levels) */
export function fastDecodable(meta: ColumnMetaData): boolean {
  return (
    meta.path_in_schema.length === 1 &&
    TYPES.has(meta.type) &&
    meta.encodings.every((e) => VALUE_ENCODINGS.has(e) || LEVEL_ENCODINGS.has(e))
  )
}

export interface ChunkSpec {
  type: ParquetType
  optional: boolean
  codec: ColumnMetaData['codec']
  compressors: Compressors
  /** decompress SNAPPY and GZIP pages into one reused buffer (the default decompressors only) */
  reusePages: boolean
}

// Every page is consumed (copied into a sink) before the next one is decoded, so one buffer for
// decompressed pages, one for dictionary indices and one for definition levels serve them all:
// no garbage per page.
let scratch = new Uint32Array(0)
let pageBuf = new Uint8Array(0)
let levelBuf = new Uint8Array(0)

function decompress(body: Uint8Array, size: number, spec: ChunkSpec): Uint8Array {
  if (spec.codec === 'UNCOMPRESSED') return body
  if (spec.reusePages && (spec.codec === 'SNAPPY' || spec.codec === 'GZIP')) {
    if (pageBuf.length < size) pageBuf = new Uint8Array(Math.max(size, 2 * pageBuf.length))
    const out = pageBuf.subarray(0, size)
    if (spec.codec === 'SNAPPY') snappyUncompress(body, out) // throws unless exactly `size` bytes come out
    else if (gunzip(body, out).length !== size) throw new Error(`gzip page does not decompress to ${size} bytes`)
    return out
  }
  return decompressPage(body, size, spec.codec, spec.compressors)
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength)

/** Decode the `rows` rows of one column chunk (all of its bytes in `chunk`) into `sink`, from its row `base`. */
export function decodeChunk(chunk: Uint8Array, spec: ChunkSpec, rows: number, base: number, sink: Sink, bad: BadRows): void {
  const reader: DataReader = { view: view(chunk), offset: 0 }
  let row = 0
  while (row < rows) {
    if (reader.offset >= chunk.length) throw new Error(`the column chunk ends after ${row} of ${rows} rows`)
    const header = parquetHeader(reader)
    const start = reader.offset
    const size = header.compressed_page_size
    if (!(size >= 0) || start + size > chunk.length) throw new Error(`a page header claims ${size} bytes past the end of the column chunk`)
    const body = chunk.subarray(start, start + size)
    reader.offset = start + size

    if (header.type === 'DICTIONARY_PAGE') {
      const n = header.dictionary_page_header?.num_values ?? 0
      const page = decompress(body, header.uncompressed_page_size, spec)
      sink.setDictionary(readPlain({ view: view(page), offset: 0 }, spec.type, n, undefined))
    } else if (header.type === 'DATA_PAGE') {
      const h = header.data_page_header!
      const n = h.num_values
      const page = decompress(body, header.uncompressed_page_size, spec)
      const r: DataReader = { view: view(page), offset: 0 }
      // v1: levels sit inside the compressed page, each run prefixed by its byte length
      const defs = spec.optional ? levels(r, n, undefined) : null
      values(r, page.length, h.encoding, spec, n, defs, base + row, sink, bad)
      row += n
    } else if (header.type === 'DATA_PAGE_V2') {
      const h = header.data_page_header_v2!
      const n = h.num_rows
      const r: DataReader = { view: view(body), offset: h.repetition_levels_byte_length }
      // v2: levels are stored uncompressed before the values, their length in the header
      const defs = spec.optional && h.definition_levels_byte_length ? levels(r, n, h.definition_levels_byte_length) : null
      const levelBytes = h.repetition_levels_byte_length + h.definition_levels_byte_length
      let data = body.subarray(levelBytes)
      const dataSize = header.uncompressed_page_size - levelBytes
      if (h.is_compressed !== false && dataSize) data = decompress(data, dataSize, spec)
      values({ view: view(data), offset: 0 }, data.length, h.encoding, spec, n, defs, base + row, sink, bad)
      row += n
    }
    // index pages and unknown page types carry no rows: skipped
  }
}

/** Definition levels of a flat OPTIONAL column (max level 1), valid until the next page; null when every row has a value. */
function levels(r: DataReader, n: number, length: number | undefined): Uint8Array | null {
  if (levelBuf.length < n) levelBuf = new Uint8Array(Math.max(n, 2 * levelBuf.length))
  const defs = levelBuf.subarray(0, n)
  readRleBitPackedHybrid(r, 1, defs, length)
  for (let i = 0; i < n; i++) if (defs[i] !== 1) return defs
  return null
}

function values(
  r: DataReader,
  end: number,
  encoding: string,
  spec: ChunkSpec,
  rows: number,
  defs: Uint8Array | null,
  offset: number,
  sink: Sink,
  bad: BadRows,
): void {
  let present = rows
  if (defs) for (let i = 0; i < rows; i++) present -= 1 - defs[i]
  if (encoding === 'PLAIN' && !defs && (spec.type === 'FLOAT' || spec.type === 'INT32') && sink.writeBytes) {
    // 4-byte values copied as bytes, whatever the alignment (parquet and every JS platform are little-endian)
    const bytes = new Uint8Array(r.view.buffer, r.view.byteOffset + r.offset, rows * 4)
    r.offset += rows * 4
    sink.writeBytes(bytes, spec.type, offset, rows, bad)
  } else if (encoding === 'PLAIN' && spec.type === 'BYTE_ARRAY' && sink.writeByteArrays) {
    // strings read where they lie in the page, without an object per row
    r.offset += sink.writeByteArrays(new Uint8Array(r.view.buffer, r.view.byteOffset + r.offset, end - r.offset), offset, rows, defs, bad)
  } else if (encoding === 'PLAIN') {
    sink.writePlain(readPlain(r, spec.type, present, undefined), offset, rows, defs, bad)
  } else if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
    // indices are consumed by the sink at once: one scratch array serves every page
    if (scratch.length < present) scratch = new Uint32Array(Math.max(present, 2 * scratch.length))
    const idx = scratch.subarray(0, present)
    const width = present ? r.view.getUint8(r.offset++) : 0
    if (width) readRleBitPackedHybrid(r, width, idx, end - r.offset)
    else idx.fill(0) // bit width 0: a one-entry dictionary
    sink.writeIndexed(idx, offset, rows, defs, bad)
  } else {
    throw new Error(`unsupported page encoding ${encoding}`)
  }
}
