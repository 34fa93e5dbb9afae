// The kernels' interface, declared once: the per-model header, the architecture block and the
// bindings. The WGSL side (struct Header, header(), the A_* offsets, Span and every @binding) is
// generated from these tables and put in front of each kernel when its pipelines are built
// (kernelSource); the host side writes headers and lays out bind groups from the same tables.
// test/engine/abi.test.ts checks that the .wgsl files use nothing that is not declared here.

/** One u32 slot of a model's header in the MODELS buffer. */
export interface HeaderField {
  name: string
  /** how the 32 bits are read: as an unsigned integer or as a float's bits */
  type: 'u32' | 'f32'
  /** what the value is, with its unit */
  doc: string
}

export const HEADER_FIELDS = [
  { name: 'rowOff', type: 'u32', doc: "this epoch's training rows: first index in ROWS" },
  { name: 'nRows', type: 'u32', doc: 'training rows this epoch' },
  { name: 'batch', type: 'u32', doc: 'batch size (rows per optimizer step)' },
  { name: 'steps', type: 'u32', doc: 'optimizer steps this epoch' },
  { name: 'tabOff', type: 'u32', doc: "Adam's per-step constants (step size, √(1−β2^t)) as f32 pairs: first index in MODELS" },
  { name: 'stateOff', type: 'u32', doc: 'params, Adam m, Adam v: first vec4 in STATE' },
  { name: 'outOff', type: 'u32', doc: '[status, validation SSE, per-step SSE…]: first f32 in OUT' },
  { name: 'valOff', type: 'u32', doc: 'validation rows: first index in ROWS' },
  { name: 'nVal', type: 'u32', doc: 'validation rows' },
  { name: 'enabled', type: 'u32', doc: '0: skip this model (finished, diverged or sitting this round out)' },
  { name: 'archOff', type: 'u32', doc: 'architecture block: first index in MODELS' },
  { name: 'scalerOff', type: 'u32', doc: 'scaler (mean hi, mean lo, std; f4 vec4 each, f32 bits): first index in MODELS' },
  { name: 'f4', type: 'u32', doc: 'vec4 per feature row in X' },
  { name: 'normFull', type: 'f32', doc: 'f32(2 / batch): d(MSE)/d(prediction) per unit of error' },
  { name: 'normLast', type: 'f32', doc: 'the same for the last, partial batch' },
  { name: 'scratchOff', type: 'u32', doc: "this model's activation scratch: first vec4 in SCRATCH (any kernel)" },
] as const satisfies readonly HeaderField[]

export type HeaderName = (typeof HEADER_FIELDS)[number]['name']
/** A header's values: integers for u32 fields, numbers (stored as f32) for f32 fields. */
export type HeaderValues = Record<HeaderName, number>

/** u32 slots per model header. */
export const HEADER_U32 = HEADER_FIELDS.length

/**
 * The architecture block (MODELS, at the header's archOff): L layers; per layer its input width in
 * vec4 (IN4[L] = 1 is the output), its first parameter vec4, its activation and its error-term
 * offsets in a sample's scratch slot; the slot size T4 and the parameter count P4 (vec4 units);
 * per layer its first parameter block and the number of blocks NB (a block is a 4×4 weight block,
 * a bias vec4 or an output weight vec4: the unit one lane updates).
 */
export const ARCH_FIELDS = [
  { name: 'L', count: 1 },
  { name: 'IN4', count: 6 },
  { name: 'POFF', count: 5 },
  { name: 'AOFF', count: 5 },
  { name: 'DOFF', count: 6 },
  { name: 'T4', count: 1 },
  { name: 'P4', count: 1 },
  { name: 'BOFF', count: 5 },
  { name: 'NB', count: 1 },
] as const

export type ArchName = (typeof ARCH_FIELDS)[number]['name']

/** u32 slots reserved per architecture block (the fields above, padded). */
export const ARCH_U32 = 32

/** Where field `name` starts inside an architecture block. */
export function archOffset(name: ArchName): number {
  let o = 0
  for (const f of ARCH_FIELDS) {
    if (f.name === name) return o
    o += f.count
  }
  throw new RangeError(`no architecture field ${name}`)
}

export type BindingName = 'X' | 'Y' | 'ROWS' | 'MODELS' | 'STATE' | 'OUT' | 'SPAN' | 'SCRATCH'

export interface Binding {
  binding: number
  /** how the buffer is bound: WebGPU's buffer binding type */
  type: GPUBufferBindingType
  /** the WGSL type of the variable (a kernel may override STATE's element type) */
  wgsl: string
  doc: string
}

export const BINDINGS: Record<BindingName, Binding> = {
  X: { binding: 0, type: 'read-only-storage', wgsl: 'array<vec4f>', doc: 'features, one row = f4 vec4 (zero-padded)' },
  Y: { binding: 1, type: 'read-only-storage', wgsl: 'array<f32>', doc: 'targets' },
  ROWS: { binding: 2, type: 'read-only-storage', wgsl: 'array<u32>', doc: "row ids: each model's validation rows, then this epoch's training order" },
  MODELS: { binding: 3, type: 'read-only-storage', wgsl: 'array<u32>', doc: 'per model: header, architecture block, scaler, Adam constants (rewritten each epoch)' },
  STATE: { binding: 4, type: 'storage', wgsl: 'array<vec4f>', doc: 'params, Adam m, Adam v of every model' },
  OUT: { binding: 5, type: 'storage', wgsl: 'array<f32>', doc: 'per model: [status, validation SSE, per-step SSE…]; predictions' },
  SPAN: { binding: 6, type: 'uniform', wgsl: 'Span', doc: 'the steps (or rows) this dispatch runs: [first, first + count)' },
  SCRATCH: { binding: 7, type: 'storage', wgsl: 'array<vec4f>', doc: "per model: batch × T4 vec4, each sample's activations and error terms" },
}

/** Bytes of the SPAN uniform, and the distance between two dispatches' SPANs (minUniformBufferOffsetAlignment ≤ 256). */
export const SPAN_BYTES = 8
export const SPAN_STRIDE = 256

export type KernelName = 'small' | 'any' | 'tiled'

export interface KernelAbi {
  /** the bindings the kernel's module declares, in binding order */
  bindings: readonly BindingName[]
  /** WGSL type overrides (the small kernel reads STATE as whole structs) */
  types?: Partial<Record<BindingName, string>>
  /** u32 constants the host relies on too, generated into the module */
  constants?: Record<string, number>
}

/** Parameter blocks each lane of the tiled kernel owns (its registers hold their sums and Adam moments). */
export const TILED_BLOCKS_PER_LANE = 4

export const KERNEL_ABI: Record<KernelName, KernelAbi> = {
  small: { bindings: ['X', 'Y', 'ROWS', 'MODELS', 'STATE', 'OUT', 'SPAN'], types: { STATE: 'array<Trio>' } },
  any: { bindings: ['X', 'Y', 'ROWS', 'MODELS', 'STATE', 'OUT', 'SPAN', 'SCRATCH'] },
  tiled: { bindings: ['X', 'Y', 'ROWS', 'MODELS', 'STATE', 'OUT', 'SPAN'], constants: { GPL: TILED_BLOCKS_PER_LANE } },
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
/** The bits of fround(x), to store a float in the u32 MODELS buffer. */
export function floatBits(x: number): number {
  f32[0] = x
  return u32[0]
}

/** Write model `model`'s header into the MODELS table, field by field as declared. */
export function writeHeader(table: Uint32Array, model: number, values: HeaderValues): void {
  const o = model * HEADER_U32
  HEADER_FIELDS.forEach((f, i) => {
    const v = values[f.name]
    table[o + i] = f.type === 'f32' ? floatBits(v) : v
  })
}

function wgslHeader(): string {
  const fields = HEADER_FIELDS.map((f) => `  ${f.name}: ${f.type}, // ${f.doc}`).join('\n')
  const reads = HEADER_FIELDS.map((f, i) => (f.type === 'f32' ? `bitcast<f32>(MODELS[o + ${i}u])` : `MODELS[o + ${i}u]`))
  return [
    `const HEADER_U32: u32 = ${HEADER_U32}u;`,
    `struct Header {\n${fields}\n}`,
    `fn header(m: u32) -> Header {\n  let o = m * HEADER_U32;\n  return Header(${reads.join(', ')});\n}`,
  ].join('\n')
}

function wgslArch(): string {
  return ARCH_FIELDS.map((f) => `const A_${f.name}: u32 = ${archOffset(f.name)}u;${f.count > 1 ? ` // ${f.count} entries` : ''}`).join('\n')
}

const ACCESS: Record<GPUBufferBindingType, string> = {
  'read-only-storage': 'storage, read',
  storage: 'storage, read_write',
  uniform: 'uniform',
}

function wgslConstants(kernel: KernelName): string {
  return Object.entries(KERNEL_ABI[kernel].constants ?? {})
    .map(([name, v]) => `const ${name}: u32 = ${v}u;`)
    .join('\n')
}

function wgslBindings(kernel: KernelName): string {
  const abi = KERNEL_ABI[kernel]
  return abi.bindings
    .map((name) => {
      const b = BINDINGS[name]
      return `// ${b.doc}\n@group(0) @binding(${b.binding}) var<${ACCESS[b.type]}> ${name}: ${abi.types?.[name] ?? b.wgsl};`
    })
    .join('\n')
}

/** The generated WGSL declarations every kernel module starts with. */
export function wgslPrelude(kernel: KernelName): string {
  return [
    `// ---- generated from src/engine/abi.ts (${kernel} kernel) ----`,
    'struct Span { first: u32, count: u32 }',
    wgslBindings(kernel),
    wgslHeader(),
    wgslArch(),
    wgslConstants(kernel),
    '// ---- end of the generated part ----',
  ].join('\n')
}

const DIRECTIVE = /^\s*(enable|requires|diagnostic)\b[^;]*;\s*$/

/**
 * The module to compile: the kernel's directives (`enable subgroups;` must come before any
 * declaration), then the generated prelude, then the kernel's files in order.
 */
export function kernelSource(kernel: KernelName, sources: readonly string[]): string {
  const lines = sources.join('\n').split('\n')
  const directives = lines.filter((l) => DIRECTIVE.test(l))
  const body = lines.filter((l) => !DIRECTIVE.test(l))
  return [...directives, wgslPrelude(kernel), ...body].join('\n')
}

/** The bind-group layout entries of a kernel, from the same declaration. */
export function bindGroupLayoutEntries(kernel: KernelName, visibility: GPUShaderStageFlags): GPUBindGroupLayoutEntry[] {
  return KERNEL_ABI[kernel].bindings.map((name) => {
    const b = BINDINGS[name]
    const buffer: GPUBufferBindingLayout =
      b.type === 'uniform' ? { type: 'uniform', hasDynamicOffset: true, minBindingSize: SPAN_BYTES } : { type: b.type }
    return { binding: b.binding, visibility, buffer }
  })
}

/** Bind-group entries for a kernel from its buffers by name (SPAN is bound SPAN_BYTES wide, at a dynamic offset). */
export function bindGroupEntries(kernel: KernelName, buffers: Record<BindingName, GPUBuffer | undefined>): GPUBindGroupEntry[] {
  return KERNEL_ABI[kernel].bindings.map((name) => {
    const buffer = buffers[name]
    if (!buffer) throw new RangeError(`the ${kernel} kernel binds ${name}, and no buffer was given for it`)
    return { binding: BINDINGS[name].binding, resource: name === 'SPAN' ? { buffer, size: SPAN_BYTES } : { buffer } }
  })
}
