// Moving typed arrays between Node and the harness page fast. Playwright serialises typed arrays
// in page.evaluate arguments element by element (measured here: 2.6 s for 280k×6 floats, 10 s for
// 27 row lists of 250k), while a binary HTTP body crosses in ~0.4 s. So:
//   Node → page: packBinary(value) — one buffer: [u32 header length][header JSON][pad][arrays],
//                served through page.route and fetched by the page, unpackBinary(buffer) there;
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

/** One buffer holding `value`'s structure (JSON) and every typed array's bytes, 8-byte aligned. */
export function packBinary(value: unknown): Uint8Array {
  const arrays: AnyTyped[] = []
  let size = 0
  const header = mapTyped(value, (a, kind) => {
    const offset = size
    arrays.push(a)
    size += Math.ceil(a.byteLength / ALIGN) * ALIGN
    return { $ta: kind, offset, length: a.length }
  })
  const json = new TextEncoder().encode(JSON.stringify(header))
  const bodyStart = Math.ceil((4 + json.length) / ALIGN) * ALIGN
  const out = new Uint8Array(bodyStart + size)
  new DataView(out.buffer).setUint32(0, json.length, true)
  out.set(json, 4)
  let o = bodyStart
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o)
    o += Math.ceil(a.byteLength / ALIGN) * ALIGN
  }
  return out
}

/** The value packBinary packed; its typed arrays are views into `buf` (no copies). */
export function unpackBinary<T = unknown>(buf: ArrayBuffer): T {
  const n = new DataView(buf).getUint32(0, true)
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)))
  const bodyStart = Math.ceil((4 + n) / ALIGN) * ALIGN
  return restore(header, (r) => new KINDS[r.$ta](buf, bodyStart + (r.offset ?? 0), r.length)) as T
}

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
