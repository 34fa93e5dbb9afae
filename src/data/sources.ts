// Where parquet bytes come from: a dropped File/Blob, an HTTP(S) URL read with range requests, or
// any AsyncBuffer (Node: src/node/fileAccess.ts, which also reads into caller memory and hashes
// natively). Each opens to an AsyncBuffer plus a way to hash the whole file. Works the same in a worker, on a page and in Node 20 (global fetch).
import { asyncBufferFromUrl, type AsyncBuffer } from 'hyparquet'
import { RangeNotSupportedError, ReadStalledError, UnreachableUrlError } from './errors.ts'
import { BufferPool } from './pool.ts'
import { ReadHash } from './readHash.ts'
import { Sha256 } from './sha256.ts'

export type SourceInput =
  | { kind: 'blob'; name: string; blob: Blob }
  | { kind: 'url'; name: string; url: string }
  /** in-process only (cannot cross a worker boundary) */
  | { kind: 'buffer'; name: string; file: AsyncBuffer | FileAccess }

/** A sha256 fed piece by piece (src/data/sha256.ts in JavaScript; node:crypto's in Node). */
export interface IncrementalHash {
  update(bytes: Uint8Array): unknown
  /** finish and return the lower-case hex digest */
  hex(): string
}

/** An AsyncBuffer that can also read into caller memory and hash itself (a Node file). */
export interface FileAccess extends AsyncBuffer {
  readInto(start: number, end: number, into: ArrayBuffer): Promise<Uint8Array>
  sha256(onBytes?: (done: number) => void): Promise<string>
  /** an empty sha256 at the platform's speed, for hashing bytes read for another purpose */
  newHash(): IncrementalHash
}

const isFileAccess = (f: AsyncBuffer): f is FileAccess => typeof (f as Partial<FileAccess>).readInto === 'function' && typeof (f as Partial<FileAccess>).sha256 === 'function' && typeof (f as Partial<FileAccess>).newHash === 'function'

export interface OpenedSource {
  name: string
  file: AsyncBuffer
  bytes: number
  /** hash the whole file (reads it once more, slice by slice) */
  sha256(): Promise<string>
  /** an empty sha256, to hash the file from the reads that stream its rows (readHash.ts) */
  newHash(): IncrementalHash
  /** Blobs and FileAccess: read bytes start…end into `into` (reused memory: no new buffer per read) */
  readInto?(start: number, end: number, into: ArrayBuffer): Promise<Uint8Array>
  /** things the user should know that are not errors */
  warnings: string[]
}

export interface OpenOptions {
  signal?: AbortSignal
  /** URLs up to this size are fetched whole in one request (default 16 MiB) */
  wholeFileBytes?: number
  /** a server without range support is tolerated up to this size (default 64 MiB) */
  maxWithoutRanges?: number
}

export async function openSource(input: SourceInput, opts: OpenOptions = {}): Promise<OpenedSource> {
  switch (input.kind) {
    case 'blob':
      return fromBlob(input.name, input.blob)
    case 'buffer':
      return fromAsyncBuffer(input.name, input.file)
    case 'url':
      return openUrl(input.name, input.url, opts)
  }
}

export function blobBuffer(blob: Blob): AsyncBuffer {
  return {
    byteLength: blob.size,
    slice: (start, end) => blob.slice(start, end).arrayBuffer(),
  }
}

function fromAsyncBuffer(name: string, file: AsyncBuffer, warnings: string[] = []): OpenedSource {
  if (isFileAccess(file))
    return {
      name,
      file,
      bytes: file.byteLength,
      warnings,
      sha256: () => file.sha256(),
      newHash: () => file.newHash(),
      readInto: (start, end, into) => file.readInto(start, end, into),
    }
  const src: OpenedSource = {
    name,
    file,
    bytes: file.byteLength,
    warnings,
    newHash: () => new Sha256(),
    // the whole file through the same piecewise reads that fill a large file's gaps (readHash.ts):
    // sliced, or read into one pooled buffer where the source can (a Blob)
    sha256: () => new ReadHash(src, new BufferPool()).finish(),
  }
  return src
}

/** A Blob read that delivers no bytes for this long is given up with a ReadStalledError. */
export const BLOB_STALL_MS = 60_000

/**
 * Read a Blob (a slice of the file `name`, at `offset`) into caller-owned memory, chunk by chunk.
 * A default reader, not a BYOB one: in Chromium 156 a pending BYOB read of a Blob stream can wait
 * forever once a garbage collection runs while it is pending (8 MiB slices of a dropped file, gc()
 * every 50 ms: 4 of 15 BYOB reads never finished, 0 of 15 with a default reader or arrayBuffer());
 * a 10M-row load, which collects garbage all the time, stalled that way in most runs. The copy out of
 * the browser's chunks costs far less than the read. A read that still gets no bytes for `stallMs`
 * fails with a message naming the file instead of leaving the load waiting.
 */
export async function readBlobInto(
  blob: Blob,
  into: ArrayBuffer,
  where: { name: string; offset: number; stallMs?: number },
): Promise<Uint8Array> {
  const len = blob.size
  if (into.byteLength < len) throw new RangeError(`buffer of ${into.byteLength} bytes for ${len}`)
  const out = new Uint8Array(into, 0, len)
  const reader = blob.stream().getReader()
  const stallMs = where.stallMs ?? BLOB_STALL_MS
  let off = 0
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(ReadStalledError.at(where.name, where.offset + off, where.offset + len, stallMs)), stallMs)
      })
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await Promise.race([reader.read(), stalled])
      } finally {
        clearTimeout(timer)
      }
      if (next.done) break
      if (off + next.value.byteLength > len) throw new Error(`the browser delivered more than the ${len} bytes asked for`)
      out.set(next.value, off)
      off += next.value.byteLength
    }
  } catch (e) {
    reader.cancel().catch(() => {})
    throw e
  }
  if (off !== len) throw new Error(`read ${off} of ${len} bytes`)
  return out
}

function fromBlob(name: string, blob: Blob): OpenedSource {
  const src = fromAsyncBuffer(name, blobBuffer(blob))
  src.readInto = (start, end, into) => readBlobInto(blob.slice(start, end), into, { name, offset: start })
  return src
}

function memoryBuffer(buf: ArrayBuffer): AsyncBuffer {
  return { byteLength: buf.byteLength, slice: (start, end) => buf.slice(start, end) }
}

async function get(name: string, url: string, init: RequestInit): Promise<Response> {
  let res: Response
  try {
    // no-store: a browser cache that holds a byte range of this URL can splice it into a later
    // full (and compressed) response; seen with Chromium + vite preview's gzip
    res = await fetch(url, { ...init, cache: 'no-store' })
  } catch (e) {
    if (init.signal?.aborted) throw e
    const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)
    throw new UnreachableUrlError(name, `could not be fetched (${why}); check the address and that the server allows this origin`)
  }
  if (!res.ok) {
    await res.body?.cancel()
    throw new UnreachableUrlError(name, `the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, res.status)
  }
  return res
}

/** Read a response body, refusing to hold more than `limit` bytes. */
async function readBody(name: string, res: Response, limit: number): Promise<ArrayBuffer> {
  const declared = Number(res.headers.get('Content-Length') ?? NaN)
  if (declared > limit) {
    await res.body?.cancel()
    throw new RangeNotSupportedError(name, tooBig(declared, limit))
  }
  if (!res.body) return res.arrayBuffer()
  const parts: Uint8Array[] = []
  let total = 0
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > limit) {
      await reader.cancel()
      throw new RangeNotSupportedError(name, tooBig(total, limit))
    }
    parts.push(value)
  }
  const out = new Uint8Array(total)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out.buffer
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`
const tooBig = (n: number, limit: number) =>
  `the server does not support HTTP range requests and the file is larger than ${mib(limit)} (${mib(n)}+); ` +
  'download it and drop the file instead'

async function openUrl(name: string, url: string, opts: OpenOptions): Promise<OpenedSource> {
  const signal = opts.signal
  const wholeFileBytes = opts.wholeFileBytes ?? 16 << 20
  const maxWithoutRanges = opts.maxWithoutRanges ?? 64 << 20

  // Probe: one tiny range request tells us the length and whether ranges work.
  const probe = await get(name, url, { headers: { Range: 'bytes=0-3' }, signal })
  if (probe.status !== 206) {
    // The server ignored the Range header and is sending the whole file. A small file is read
    // whole with ranges too, so only a large one is worth a word.
    const buf = await readBody(name, probe, maxWithoutRanges)
    const note = `the server does not support HTTP range requests: the whole file (${mib(buf.byteLength)}) was downloaded instead of only the needed columns`
    return fromMemory(name, buf, buf.byteLength > wholeFileBytes ? [note] : [])
  }
  await probe.arrayBuffer()
  const total = Number(/\/(\d+)\s*$/.exec(probe.headers.get('Content-Range') ?? '')?.[1] ?? NaN)
  if (!Number.isFinite(total))
    throw new RangeNotSupportedError(name, 'the server answered a range request without the file length (Content-Range)')

  if (total <= wholeFileBytes) {
    // Small: one request for the whole file beats many round trips.
    const res = await get(name, url, { signal })
    const buf = await readBody(name, res, Math.max(wholeFileBytes, total))
    if (buf.byteLength !== total)
      throw new UnreachableUrlError(name, `the download was incomplete: ${buf.byteLength} of ${total} bytes arrived`)
    return fromMemory(name, buf)
  }

  const file = await asyncBufferFromUrl({ url, byteLength: total, requestInit: { signal, cache: 'no-store' } })
  return {
    name,
    file,
    bytes: total,
    warnings: [],
    newHash: () => new Sha256(),
    // Large: hash by streaming the body once; only one slice is held at a time.
    async sha256() {
      const res = await get(name, url, { signal })
      const h = new Sha256()
      const reader = res.body!.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        h.update(value)
      }
      return h.hex()
    },
  }
}

function fromMemory(name: string, buf: ArrayBuffer, warnings: string[] = []): OpenedSource {
  const src = fromAsyncBuffer(name, memoryBuffer(buf), warnings)
  // the bytes are in memory already: let the platform hash them (much faster than JS)
  src.sha256 = async () => {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buf))
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
  }
  return src
}
