// Test-side helpers: in-memory AsyncBuffers, parquet fixtures written with hyparquet-writer, and
// compressors for the codecs hyparquet-writer does not ship. Node 20's zlib covers gzip and brotli;
// zstd and lz4 are written here (zstd: raw + RLE blocks; lz4: a greedy block compressor).
import { expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { parquetReadObjects, type AsyncBuffer, type CompressionCodec } from 'hyparquet'
import { ByteWriter, parquetWrite, type ColumnSource } from 'hyparquet-writer'
import { compressors as readCompressors } from 'hyparquet-compressors'
import type { SourceInput } from '../../src/data/sources.ts'
import { sharedPath } from '../helpers/shared.ts'

/** the writer's own schema type (it depends on its own copy of hyparquet) */
type SchemaElement = NonNullable<Parameters<typeof parquetWrite>[0]['schema']>[number]

export const FEATURES = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2'] as const

export function memBuffer(data: ArrayBuffer | Uint8Array): AsyncBuffer {
  const buf = data instanceof Uint8Array ? data.slice().buffer : data
  return { byteLength: buf.byteLength, slice: (s, e) => buf.slice(s, e) }
}

export function memSource(name: string, data: ArrayBuffer | Uint8Array): SourceInput {
  return { kind: 'buffer', name, file: memBuffer(data) }
}

export function sharedBytes(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(sharedPath(rel)))
}

export function sharedSource(rel: string, name = rel): SourceInput {
  return memSource(name, sharedBytes(rel))
}

/** Every row of a file as objects, read by hyparquet directly (the independent reference). */
export async function readRows(data: ArrayBuffer | Uint8Array): Promise<Record<string, any>[]> {
  return parquetReadObjects({ file: memBuffer(data), compressors: readCompressors })
}

export interface WriteOptions {
  codec?: CompressionCodec
  rowGroupSize?: number
  schema?: SchemaElement[]
}

export function writeParquet(columnData: ColumnSource[], opts: WriteOptions = {}): Uint8Array {
  const writer = new ByteWriter()
  parquetWrite({
    writer,
    columnData,
    schema: opts.schema,
    codec: opts.codec ?? 'SNAPPY',
    compressors: WRITE_COMPRESSORS,
    rowGroupSize: opts.rowGroupSize ?? 100_000,
  })
  return new Uint8Array(writer.getBuffer())
}

/** A schema where every column is REQUIRED or OPTIONAL as asked. */
export function schemaOf(cols: { name: string; type: SchemaElement['type']; optional?: boolean; utf8?: boolean }[]): SchemaElement[] {
  return [
    { name: 'root', num_children: cols.length },
    ...cols.map((c) => ({
      name: c.name,
      type: c.type,
      repetition_type: c.optional ? ('OPTIONAL' as const) : ('REQUIRED' as const),
      ...(c.utf8 ? { converted_type: 'UTF8' as const } : {}),
    })),
  ]
}

/** Columns of a small valid file: `n` rows, sources src0..src{k-1}, deterministic values. */
export function syntheticColumns(n: number, sources = 3): Record<string, any[]> {
  const cols: Record<string, any[]> = { source: [], key: [], frame_index: [], vmaf: [] }
  for (const f of FEATURES) cols[f] = []
  for (let i = 0; i < n; i++) {
    const s = i % sources
    cols.source.push(`src${s}`)
    cols.key.push(`src${s}__clip${(i >> 4) % 5}`)
    cols.frame_index.push(i >> 2)
    FEATURES.forEach((f, j) => cols[f].push(Math.fround(((i * (j + 3)) % 97) / 97 + j)))
    cols.vmaf.push(Math.fround((i * 7) % 101))
  }
  return cols
}

// ---- compressors for writing fixtures -------------------------------------------------------

/** zstd frame made of raw and RLE blocks (valid zstd; no entropy coding). */
export function zstdFrame(src: Uint8Array): Uint8Array {
  const out: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0xe0] // magic; single segment, 8-byte content size
  let size = src.length
  for (let i = 0; i < 8; i++) {
    out.push(size % 256)
    size = Math.floor(size / 256)
  }
  const blocks: { type: 0 | 1; start: number; end: number }[] = []
  let i = 0
  while (i < src.length) {
    let run = 1
    while (i + run < src.length && src[i + run] === src[i] && run < 1 << 17) run++
    if (run >= 32) {
      blocks.push({ type: 1, start: i, end: i + run })
      i += run
      continue
    }
    // raw bytes up to the next long run (or the 128 KiB block limit)
    let j = i + run
    while (j < src.length && j - i < 1 << 17) {
      let r = 1
      while (j + r < src.length && src[j + r] === src[j] && r < 32) r++
      if (r >= 32) break
      j += r
    }
    j = Math.min(j, i + (1 << 17))
    blocks.push({ type: 0, start: i, end: j })
    i = j
  }
  if (!blocks.length) blocks.push({ type: 0, start: 0, end: 0 })
  blocks.forEach((b, k) => {
    const len = b.end - b.start
    const header = (k === blocks.length - 1 ? 1 : 0) | (b.type << 1) | (len << 3)
    out.push(header & 0xff, (header >>> 8) & 0xff, (header >>> 16) & 0xff)
    if (b.type === 1) out.push(src[b.start])
    else for (let p = b.start; p < b.end; p++) out.push(src[p])
  })
  return Uint8Array.from(out)
}

/** LZ4 block format, greedy matching with a 4-byte hash table. */
export function lz4Block(src: Uint8Array): Uint8Array {
  const out: number[] = []
  const n = src.length
  const table = new Map<number, number>()
  const read32 = (p: number) => src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)
  const ext = (v: number) => {
    let r = v
    while (r >= 255) {
      out.push(255)
      r -= 255
    }
    out.push(r)
  }
  const emit = (litStart: number, litEnd: number, offset: number, matchLen: number) => {
    const lit = litEnd - litStart
    const m = matchLen - 4
    out.push((Math.min(lit, 15) << 4) | (matchLen ? Math.min(m, 15) : 0))
    if (lit >= 15) ext(lit - 15)
    for (let p = litStart; p < litEnd; p++) out.push(src[p])
    if (!matchLen) return
    out.push(offset & 0xff, offset >> 8)
    if (m >= 15) ext(m - 15)
  }
  let anchor = 0
  let i = 0
  while (i < n - 12) {
    const seq = read32(i)
    const cand = table.get(seq)
    table.set(seq, i)
    if (cand !== undefined && i - cand <= 65535 && read32(cand) === seq) {
      let len = 4
      while (i + len < n - 5 && src[cand + len] === src[i + len]) len++
      emit(anchor, i, i - cand, len)
      i += len
      anchor = i
    } else i++
  }
  emit(anchor, n, 0, 0)
  return Uint8Array.from(out)
}

/** Parquet's deprecated LZ4 codec: Hadoop framing around one LZ4 block. */
export function lz4Hadoop(src: Uint8Array): Uint8Array {
  const block = lz4Block(src)
  const out = new Uint8Array(8 + block.length)
  const v = new DataView(out.buffer)
  v.setUint32(0, src.length)
  v.setUint32(4, block.length)
  out.set(block, 8)
  return out
}

export const WRITE_COMPRESSORS = {
  GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)),
  BROTLI: (b: Uint8Array) => new Uint8Array(brotliCompressSync(b)),
  ZSTD: zstdFrame,
  LZ4: lz4Hadoop,
  LZ4_RAW: lz4Block,
}

/** Byte-for-byte equality of two typed arrays (a deep equal of a million elements takes seconds). */
export function expectSameBytes(a: ArrayBufferView, b: ArrayBufferView): void {
  const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  expect(bytes(a).equals(bytes(b))).toBe(true)
}
