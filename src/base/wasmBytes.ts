// A small WebAssembly binary writer: enough of the format (types, one imported memory, functions,
// exports, code) and of the instruction set (i32/f32/f64 scalars, 128-bit SIMD) for the kernels
// src/cpu/kernelSource.ts and src/data/sha256Kernel.ts generate. The module bytes are a pure function of the generator's
// input, so the same architecture always gives the same bytes (tested).

export const I32 = 0x7f
export const F32 = 0x7d
export const F64 = 0x7c
export const V128 = 0x7b
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n = Math.floor(n / 128)
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

/** Signed LEB128 (32-bit range). */
export function sleb(n: number): number[] {
  const out: number[] = []
  let v = n | 0
  for (;;) {
    const b = v & 0x7f
    v >>= 7
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)
    out.push(done ? b : b | 0x80)
    if (done) return out
  }
}

const utf8 = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)]

/** One function body: its signature, its locals and its instructions, appended in order. */
export class FnBuilder {
  readonly code: number[] = []
  private readonly extra: ValType[] = []

  constructor(
    readonly params: ValType[],
    readonly results: ValType[],
  ) {}

  /** A new local of type `t`; returns its index. */
  local(t: ValType): number {
    this.extra.push(t)
    return this.params.length + this.extra.length - 1
  }

  op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b)
    return this
  }

  simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...imm)
  }

  get(i: number): this { return this.op(0x20, ...uleb(i)) }
  set(i: number): this { return this.op(0x21, ...uleb(i)) }
  tee(i: number): this { return this.op(0x22, ...uleb(i)) }
  i32(n: number): this { return this.op(0x41, ...sleb(n)) }

  f32(x: number): this {
    const b = new Uint8Array(new Float32Array([x]).buffer)
    return this.op(0x43, ...b)
  }

  f64(x: number): this {
    const b = new Uint8Array(new Float64Array([x]).buffer)
    return this.op(0x44, ...b)
  }

  /** `local += n` for an i32 local. */
  addTo(l: number, n: number): this {
    return this.get(l).i32(n).op(0x6a).set(l)
  }

  /** The body's bytes: locals (run-length grouped), instructions, end. */
  body(): number[] {
    const groups: [number, ValType][] = []
    for (const t of this.extra) {
      const g = groups[groups.length - 1]
      if (g && g[1] === t) g[0]++
      else groups.push([1, t])
    }
    const locals = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t])]
    const all = [...locals, ...this.code, 0x0b]
    return [...uleb(all.length), ...all]
  }
}

/** Memory operand: natural alignment exponent and a constant byte offset. */
const memarg = (align: number, offset: number) => [...uleb(align), ...uleb(offset)]

// Loads and stores take their address from the stack, plus a constant offset.
export const i32Load = (f: FnBuilder, off = 0) => f.op(0x28, ...memarg(2, off))
export const i32Store = (f: FnBuilder, off = 0) => f.op(0x36, ...memarg(2, off))
export const f32Load = (f: FnBuilder, off = 0) => f.op(0x2a, ...memarg(2, off))
export const f64Load = (f: FnBuilder, off = 0) => f.op(0x2b, ...memarg(3, off))
export const f32Store = (f: FnBuilder, off = 0) => f.op(0x38, ...memarg(2, off))
export const f64Store = (f: FnBuilder, off = 0) => f.op(0x39, ...memarg(3, off))
export const v128Load = (f: FnBuilder, off = 0) => f.simd(0x00, ...memarg(4, off))
export const v128Store = (f: FnBuilder, off = 0) => f.simd(0x0b, ...memarg(4, off))
/** Load one f32 and splat it to all four lanes. */
export const loadSplat32 = (f: FnBuilder, off = 0) => f.simd(0x09, ...memarg(2, off))

export const OP = {
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32LtU: 0x49, i32GeU: 0x4f, i32Eqz: 0x45, i32Shl: 0x74,
  i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32ShrU: 0x76, i32Rotl: 0x77, i32Rotr: 0x78,
  f32Add: 0x92, f32Sub: 0x93, f32Mul: 0x94, f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3, f64Ne: 0x62, f64Eq: 0x61,
  f32DemoteF64: 0xb6, f64PromoteF32: 0xbb, f64ConvertI32U: 0xb8,
  select: 0x1b, drop: 0x1a, ret: 0x0f, call: 0x10,
} as const

export const SIMD = {
  f32x4Splat: 0x13, f32x4ExtractLane: 0x1f, v128And: 0x4e, f32x4Gt: 0x44,
  f32x4Sqrt: 0xe3, f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6, f32x4Div: 0xe7, f32x4Max: 0xe9,
} as const

/** `block … end` / `loop … end` with no result; `br 0` inside a loop continues it. */
export const block = (f: FnBuilder) => f.op(0x02, 0x40)
export const loop = (f: FnBuilder) => f.op(0x03, 0x40)
export const end = (f: FnBuilder) => f.op(0x0b)
export const br = (f: FnBuilder, depth: number) => f.op(0x0c, ...uleb(depth))
export const brIf = (f: FnBuilder, depth: number) => f.op(0x0d, ...uleb(depth))
export const ifThen = (f: FnBuilder) => f.op(0x04, 0x40)

/** A v128 of four zeros. */
export const v128Zero = (f: FnBuilder) => f.simd(0x0c, ...new Array(16).fill(0))

export interface ModuleSpec {
  /** the module imports its memory as env.memory, at least this many 64 KiB pages */
  minPages: number
  /** import a shared memory (of at most 65536 pages), as threads that share their data need */
  shared?: boolean
  functions: { name: string; fn: FnBuilder }[]
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content]
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()]

/** The module's bytes: every function exported under its name, memory imported. */
export function moduleBytes(spec: ModuleSpec): Uint8Array {
  const fns = spec.functions
  const types = fns.map(({ fn }) => [0x60, ...uleb(fn.params.length), ...fn.params, ...uleb(fn.results.length), ...fn.results])
  const limits = spec.shared ? [0x03, ...uleb(spec.minPages), ...uleb(65536)] : [0x00, ...uleb(spec.minPages)]
  const imports = [[...utf8('env'), ...utf8('memory'), 0x02, ...limits]]
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map(({ name }, i) => [...utf8(name), 0x00, ...uleb(i)]))),
    ...section(10, vec(fns.map(({ fn }) => fn.body()))),
  ]
  return Uint8Array.from(bytes)
}
