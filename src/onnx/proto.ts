// Just enough protocol buffers for ONNX: a writer that emits fields in the order it is told
// (so the same calls give the same bytes) and a reader that walks a message's fields.
// Wire types used by onnx.proto: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.

const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

export class ProtoWriter {
  private buf = new Uint8Array(256)
  private len = 0

  private ensure(extra: number) {
    if (this.len + extra <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < this.len + extra) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }

  private rawVarint(v: bigint) {
    // int64 fields: negative numbers take ten bytes (two's complement), as protobuf specifies
    let u = BigInt.asUintN(64, v)
    this.ensure(10)
    do {
      let byte = Number(u & 0x7fn)
      u >>= 7n
      if (u !== 0n) byte |= 0x80
      this.buf[this.len++] = byte
    } while (u !== 0n)
  }

  private tag(field: number, wire: number) {
    this.rawVarint(BigInt((field << 3) | wire))
  }

  /** int32/int64/enum/bool field */
  varint(field: number, v: number | bigint): this {
    this.tag(field, 0)
    this.rawVarint(typeof v === 'bigint' ? v : BigInt(v))
    return this
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2)
    this.rawVarint(BigInt(data.length))
    this.ensure(data.length)
    this.buf.set(data, this.len)
    this.len += data.length
    return this
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s))
  }

  /** an embedded message, built by `fill` on a fresh writer */
  message(field: number, fill: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter()
    fill(inner)
    return this.bytes(field, inner.finish())
  }

  float32(field: number, v: number): this {
    this.tag(field, 5)
    this.ensure(4)
    new DataView(this.buf.buffer).setFloat32(this.len, v, true)
    this.len += 4
    return this
  }

  /** repeated int64 as one packed field */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter()
    for (const v of values) inner.rawVarint(typeof v === 'bigint' ? v : BigInt(v))
    return this.bytes(field, inner.finish())
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len)
  }
}

export class ProtoDecodeError extends Error {
  override name = 'ProtoDecodeError'
}

export interface Field {
  field: number
  wire: number
  /** varint value (wire 0) */
  int?: bigint
  /** payload of wire 1, 2 and 5 */
  data?: Uint8Array
}

/** All fields of one message, in wire order; throws ProtoDecodeError on malformed input. */
export function readFields(bytes: Uint8Array): Field[] {
  const out: Field[] = []
  const r = { pos: 0 }
  while (r.pos < bytes.length) {
    const key = readVarint(bytes, r)
    const field = Number(key >> 3n)
    const wire = Number(key & 7n)
    if (field === 0) throw new ProtoDecodeError(`field number 0 at byte ${r.pos}`)
    if (wire === 0) out.push({ field, wire, int: readVarint(bytes, r) })
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4
      out.push({ field, wire, data: take(bytes, r, n) })
    } else if (wire === 2) {
      const n = readVarint(bytes, r)
      if (n > BigInt(bytes.length - r.pos)) throw new ProtoDecodeError(`field ${field} runs past the end (${n} bytes)`)
      out.push({ field, wire, data: take(bytes, r, Number(n)) })
    } else throw new ProtoDecodeError(`unsupported wire type ${wire} for field ${field}`)
  }
  return out
}

function take(bytes: Uint8Array, r: { pos: number }, n: number): Uint8Array {
  if (r.pos + n > bytes.length) throw new ProtoDecodeError('message truncated')
  const s = bytes.subarray(r.pos, r.pos + n)
  r.pos += n
  return s
}

function readVarint(bytes: Uint8Array, r: { pos: number }): bigint {
  let v = 0n
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (r.pos >= bytes.length) throw new ProtoDecodeError('varint truncated')
    const b = bytes[r.pos++]
    v |= BigInt(b & 0x7f) << shift
    if (!(b & 0x80)) return BigInt.asUintN(64, v)
  }
  throw new ProtoDecodeError('varint longer than 10 bytes')
}

export function asString(f: Field): string {
  if (!f.data) throw new ProtoDecodeError(`field ${f.field} is not a string`)
  try {
    return utf8Decoder.decode(f.data)
  } catch {
    throw new ProtoDecodeError(`field ${f.field} is not valid UTF-8`)
  }
}

/** signed int64 of a varint field */
export function asInt(f: Field): number {
  if (f.int === undefined) throw new ProtoDecodeError(`field ${f.field} is not a varint`)
  return Number(BigInt.asIntN(64, f.int))
}

/** repeated int64: packed (wire 2) or one value per field (wire 0) */
export function asInts(f: Field): number[] {
  if (f.wire === 0) return [asInt(f)]
  const out: number[] = []
  const data = f.data!
  const r = { pos: 0 }
  while (r.pos < data.length) out.push(Number(BigInt.asIntN(64, readVarint(data, r))))
  return out
}

/** repeated float: packed (wire 2) or one fixed32 per field (wire 5) */
export function asFloats(f: Field): number[] {
  const d = f.data
  if (!d || d.length % 4) throw new ProtoDecodeError(`field ${f.field} is not a float list`)
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength)
  return Array.from({ length: d.length / 4 }, (_, i) => view.getFloat32(i * 4, true))
}
