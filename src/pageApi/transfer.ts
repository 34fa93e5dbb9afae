// Moving typed arrays between Node and the page API page fast. Playwright serialises typed arrays
// in page.evaluate arguments element by element (measured here: 2.6 s for 280k×6 floats, 10 s for
// 27 row lists of 250k), while a binary HTTP body crosses in ~0.4 s. So:
//   Node → page: splitPieces(value) — a JSON header and the arrays' bytes in pieces of bounded
//                size, served through page.route and fetched by the page, joinPieces there;
//   page → Node: encodeValue(value) — typed arrays as base64 strings inside plain JSON (replies
//                and per-epoch events carry a few thousand floats at most), decodeValue in Node.
// Platform-neutral (no DOM, no Node APIs): btoa/atob and TextEncoder exist in both.

type AnyTyped = Float32Array | Float64Array | Uint32Array | Int32Array | Uint8Array | Uint16Array | Int16Array | Int8Array

const KINDS = {
  Float32Array,
  Float64Array,
  Uint32Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
  Int16Array,
  Int8Array,
} as const
type Kind = keyof typeof KINDS

/** A typed array in a header: where its bytes are in the body (binary) or the bytes (base64). */
interface Ref {
  $ta: Kind
  offset?: number
  length: number
  b64?: string
}

function kindOf(v: unknown): Kind | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null
  const name = v.constructor.name as Kind
  return name in KINDS ? name : null
}

const isRef = (v: unknown): v is Ref => typeof v === 'object' && v !== null && typeof (v as Ref).$ta === 'string' && (v as Ref).$ta in KINDS

/** Replace typed arrays (deep) with what `leaf` makes of them; everything else must be JSON-safe. */
function mapTyped(value: unknown, leaf: (a: AnyTyped, kind: Kind) => Ref): unknown {
  const kind = kindOf(value)
  if (kind) return leaf(value as AnyTyped, kind)
  if (Array.isArray(value)) return value.map((v) => mapTyped(v, leaf))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = mapTyped(v, leaf)
    return out
  }
  // NaN/Infinity do not survive JSON: losses may be NaN (no validation rows)
  if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) }
  return value
}

function restore(value: unknown, leaf: (r: Ref) => AnyTyped): unknown {
  if (isRef(value)) return leaf(value)
  if (Array.isArray(value)) return value.map((v) => restore(v, leaf))
  if (value && typeof value === 'object') {
    const num = (value as { $num?: string }).$num
    if (typeof num === 'string' && Object.keys(value).length === 1) return Number(num)
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = restore(v, leaf)
    return out
  }
  return value
}

const ALIGN = 8

function toBase64(bytes: Uint8Array): string {
  let s = ''
  const CHUNK = 0x8000
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  return btoa(s)
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

/** Plain JSON-safe value with typed arrays as base64 (for small payloads page → Node). */
export function encodeValue(value: unknown): unknown {
  return mapTyped(value, (a, kind) => ({ $ta: kind, length: a.length, b64: toBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) }))
}

export function decodeValue<T = unknown>(value: unknown): T {
  return restore(value, (r) => {
    const bytes = fromBase64(r.b64 ?? '')
    return new KINDS[r.$ta](bytes.buffer as ArrayBuffer, 0, r.length)
  }) as T
}

// ---- large payloads in bounded pieces ----------------------------------------------------------
// One route.fulfill body is one DevTools message (base64), and a body of a few hundred MB closes
// the page ("Target page, context or browser has been closed": what killed `train --device gpu`
// on a 10M-row table; the sizes measured are in the README). So Node splits a payload into a small JSON header and pieces
// of at most PIECE_BYTES, each a view of one typed array's bytes (no copy in Node); the page
// fetches the header, allocates each typed array once and fetches the pieces into it.

/** Default largest piece (bytes); well under the size that closes the page. */
export const PIECE_BYTES = 4 << 20

/** Where one piece's bytes go: typed array `array` of the header, from byte `at`. */
interface PieceRef {
  array: number
  at: number
  bytes: number
}

export interface PiecesHeader {
  /** the value with typed arrays replaced by { $ta, length, array } */
  value: unknown
  arrays: { kind: Kind; length: number }[]
  pieces: PieceRef[]
}

export interface Pieces {
  header: PiecesHeader
  /** piece i's bytes (views into the value's own arrays) */
  piece(i: number): Uint8Array
}

/** Split `value` into a header and pieces of at most `maxPiece` bytes (a multiple of 8). */
export function splitPieces(value: unknown, maxPiece = PIECE_BYTES): Pieces {
  if (!(maxPiece >= ALIGN) || maxPiece % ALIGN) throw new RangeError(`piece size must be a positive multiple of ${ALIGN}, got ${maxPiece}`)
  const arrays: AnyTyped[] = []
  const kinds: PiecesHeader['arrays'] = []
  const pieces: PieceRef[] = []
  const header = mapTyped(value, (a, kind) => {
    const array = arrays.length
    arrays.push(a)
    kinds.push({ kind, length: a.length })
    for (let at = 0; at < a.byteLength; at += maxPiece) pieces.push({ array, at, bytes: Math.min(maxPiece, a.byteLength - at) })
    return { $ta: kind, offset: array, length: a.length }
  })
  return {
    header: { value: header, arrays: kinds, pieces },
    piece(i) {
      const p = pieces[i]
      const a = arrays[p.array]
      return new Uint8Array(a.buffer, a.byteOffset + p.at, p.bytes)
    },
  }
}

/** Copy a body stream into `into`, which it must fill exactly; returns the bytes it delivered. */
async function streamInto(body: ReadableStream<Uint8Array>, into: Uint8Array): Promise<number> {
  const reader = body.getReader()
  let at = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return at
      if (at + value.byteLength > into.byteLength) return at + value.byteLength
      into.set(value, at)
      at += value.byteLength
    }
  } finally {
    reader.cancel().catch(() => {})
  }
}

/** Fill `into` exactly from a body (a stream, copied as it arrives, or a buffer); else fail naming `what`. */
export async function fillFrom(body: ReadableStream<Uint8Array> | ArrayBuffer, into: Uint8Array, what: string): Promise<void> {
  const n = body instanceof ArrayBuffer ? body.byteLength : await streamInto(body, into)
  if (n !== into.byteLength) throw new Error(`${what}: ${n}${n > into.byteLength ? ' or more' : ''} bytes, expected ${into.byteLength}`)
  if (body instanceof ArrayBuffer) into.set(new Uint8Array(body))
}

/** fetch(url), failing with `what`, the URL, the status and the server's words when it is not OK. */
export async function fetchOk(url: string, what: string): Promise<Response> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`${what} ${url}: HTTP ${res.status}, ${await res.text()}`)
  return res
}

/**
 * Rebuild the value from its header, fetching each piece (in order) with `fetchPiece`. A piece
 * given as a body stream is copied into its array as it arrives, so no buffer per piece is left
 * behind for the garbage collector (a 10M-row payload is hundreds of MB of them).
 */
export async function joinPieces<T = unknown>(header: PiecesHeader, fetchPiece: (i: number) => Promise<ArrayBuffer | ReadableStream<Uint8Array>>): Promise<T> {
  const arrays = header.arrays.map((a) => new KINDS[a.kind](a.length))
  for (let i = 0; i < header.pieces.length; i++) {
    const p = header.pieces[i]
    await fillFrom(await fetchPiece(i), new Uint8Array(arrays[p.array].buffer, p.at, p.bytes), `payload piece ${i}`)
  }
  return restore(header.value, (r) => arrays[r.offset ?? 0]) as T
}
