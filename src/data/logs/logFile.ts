// One libvmaf log as a source of the reader: opened and parsed in one streaming pass (the bytes are
// decoded piece by piece, fed to the format's parser and hashed on the way), then handed over as one
// clip: a FileStart, the kept rows as one RowChunk, and the counts of the excluded ones.
import type { FileStart, RowChunk } from '../chunk.ts'
import { EmptyFileError, LoadCancelledError, MissingColumnError } from '../errors.ts'
import { DEFAULT_TARGET, FEATURES } from '../schema.ts'
import { Sha256 } from '../sha256.ts'
import { openSource, type OpenOptions, type OpenedSource, type SourceInput } from '../sources.ts'
import type { Corpus } from '../table.ts'
import { CsvLogParser } from './csv.ts'
import { LogFrames, type LogParser } from './frames.ts'
import { JsonLogParser } from './json.ts'
import { logKeyOf, logSourceOf, type LogFormat, type SourcePattern } from './naming.ts'
import { XmlLogParser } from './xml.ts'

/** Bytes decoded per step. */
const SLICE = 1 << 20

export interface LogFile {
  kind: 'log'
  /** index of the file within the load batch */
  index: number
  input: SourceInput
  src: OpenedSource
  format: LogFormat
  frames: LogFrames
  rows: number
  sha256: string
}

export interface LogOpenOptions extends OpenOptions {
  onOpened?: (src: OpenedSource) => void
  /** bytes parsed since the last call */
  onBytes?: (bytes: number) => void
}

/** Open, parse and hash a log; throws a DataError naming the file (BadLogError for a broken log). */
export async function openLogFile(index: number, input: SourceInput, format: LogFormat, opts: LogOpenOptions): Promise<LogFile> {
  const src = await openSource(input, opts)
  opts.onOpened?.(src)
  const frames = new LogFrames()
  const parser = parserFor(format, src.name, frames)
  const hash = new Sha256()
  const text = new TextDecoder()
  for (let o = 0; o < src.bytes; o += SLICE) {
    if (opts.signal?.aborted) throw new LoadCancelledError(src.name)
    const end = Math.min(o + SLICE, src.bytes)
    const bytes = new Uint8Array(await src.file.slice(o, end))
    hash.update(bytes)
    parser.push(text.decode(bytes, { stream: true }))
    opts.onBytes?.(end - o)
  }
  parser.push(text.decode())
  parser.end()
  if (frames.count === 0) throw new EmptyFileError(src.name, 'the log holds no frames')
  return { kind: 'log', index, input, src, format, frames, rows: frames.count, sha256: hash.hex() }
}

function parserFor(format: LogFormat, name: string, frames: LogFrames): LogParser {
  if (format === 'json') return new JsonLogParser(name, frames)
  if (format === 'xml') return new XmlLogParser(name, frames)
  return new CsvLogParser(name, frames)
}

export interface LogClipOptions {
  target?: string
  extras?: readonly string[]
  corpus?: Corpus
  sourcePattern?: SourcePattern
}

export interface LogClip {
  start: FileStart
  chunk: RowChunk
  excluded: number
  excludedBy: Record<string, { nonFinite: number; nulls: number }>
}

/** The log as one clip: key = file stem, source by the naming rule; rows with NaN/Inf values left out and counted. */
export function logClip(file: LogFile, opts: LogClipOptions): LogClip {
  const name = file.src.name
  const frames = file.frames
  const target = opts.target ?? DEFAULT_TARGET
  const present = frames.names
  const missing = [...FEATURES, target].filter((n) => !present.includes(n))
  if (missing.length) {
    const candidates = present.filter((n) => !FEATURES.includes(n))
    throw new MissingColumnError(name, missing, present, candidates, missing.includes(target))
  }
  const extrasAvailable = present.filter((n) => !FEATURES.includes(n) && n !== target)
  const extras = (opts.extras ?? []).filter((e) => extrasAvailable.includes(e))
  const columns = [...FEATURES, ...extras, target]

  const rows = frames.count
  const bad = new Uint8Array(rows)
  const excludedBy: LogClip['excludedBy'] = {}
  const full = new Map(columns.map((c) => [c, frames.column(c)!]))
  for (const [c, v] of full)
    for (let i = 0; i < rows; i++)
      if (!Number.isFinite(v[i])) {
        bad[i] = 1
        ;(excludedBy[c] ??= { nonFinite: 0, nulls: 0 }).nonFinite++
      }
  const keep: number[] = []
  for (let i = 0; i < rows; i++) if (!bad[i]) keep.push(i)
  const pick = <T extends Float32Array | Int32Array>(a: T, make: (n: number) => T): T => {
    if (keep.length === rows) return a
    const out = make(keep.length)
    keep.forEach((r, j) => (out[j] = a[r]))
    return out
  }
  const values: Record<string, Float32Array> = {}
  for (const [c, v] of full) values[c] = pick(v, (n) => new Float32Array(n))
  const frameIndex = pick(Int32Array.from(frames.frameNums), (n) => new Int32Array(n))
  const key = logKeyOf(name)
  const source = logSourceOf(name, opts.sourcePattern ?? null).source
  const kept = keep.length
  const start: FileStart = {
    file: file.index,
    name,
    bytes: file.src.bytes,
    rows,
    rowGroups: 1,
    target,
    features: [...FEATURES, ...extras],
    extrasAvailable,
    corpusTag: opts.corpus ?? 'nflx',
    singleSource: null,
    group: 'source',
  }
  const chunk: RowChunk = {
    file: file.index,
    rowGroup: 0,
    rows: kept,
    values,
    source: { names: [source], codes: new Uint32Array(kept) },
    key: { names: [key], codes: new Uint32Array(kept) },
    corpus: null,
    frameIndex,
  }
  return { start, chunk, excluded: rows - kept, excludedBy }
}
