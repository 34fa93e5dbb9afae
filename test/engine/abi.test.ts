// The kernels' interface is declared once (src/engine/abi.ts) and the WGSL for it is generated.
// These tests fail when the .wgsl files and the declaration disagree: a kernel that redeclares a
// binding or the header, reads a header field or architecture offset that is not declared, or uses
// a binding its module does not get; and when the generated header() does not read the slots
// writeHeader writes. (The Playwright engine tests compile the generated modules for real.)
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  ARCH_FIELDS,
  archOffset,
  BINDINGS,
  bindGroupLayoutEntries,
  HEADER_FIELDS,
  HEADER_U32,
  KERNEL_ABI,
  kernelSource,
  wgslPrelude,
  writeHeader,
  type BindingName,
  type HeaderValues,
  type KernelName,
} from '../../src/engine/abi.ts'
import { writeEpochHeader } from '../../src/engine/modelTable.ts'

const read = (name: string) => readFileSync(new URL(`../../shaders/${name}`, import.meta.url), 'utf8')
const common = read('mlp_common.wgsl')
/** Each kernel's module as pipelines.ts builds it: its files in order. */
const FILES: Record<KernelName, string[]> = {
  small: [read('train_small.wgsl')],
  any: [common, read('train_any.wgsl')],
  tiled: [common, read('train_tiled.wgsl')],
}
const SOURCES = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, f.join('\n')])) as Record<KernelName, string>
const KERNELS = ['small', 'any', 'tiled'] as const

const stripComments = (s: string) => s.replace(/\/\/[^\n]*/g, '')

/** Every way a kernel source can disagree with the declaration, as readable lines (none = agrees). */
function abiMismatches(kernel: KernelName, source: string): string[] {
  const code = stripComments(source)
  const problems: string[] = []
  if (/@binding\s*\(/.test(code)) problems.push('declares its own @binding')
  if (/\bstruct\s+(Header|Span)\b/.test(code)) problems.push('redeclares struct Header or Span')
  if (/\bfn\s+header\s*\(/.test(code)) problems.push('redeclares header()')
  if (/\b(const|override)\s+(HEADER_U32|A_[A-Z0-9]+)\b/.test(code)) problems.push('redeclares HEADER_U32 or an A_* offset')
  const fields = new Set<string>(HEADER_FIELDS.map((f) => f.name))
  for (const m of code.matchAll(/\bh\.([A-Za-z0-9_]+)/g))
    if (!fields.has(m[1])) problems.push(`reads header field ${m[1]}, which abi.ts does not declare`)
  const arch = new Set<string>(ARCH_FIELDS.map((f) => `A_${f.name}`))
  for (const m of code.matchAll(/\bA_[A-Z0-9_]+\b/g))
    if (!arch.has(m[0])) problems.push(`uses ${m[0]}, which abi.ts does not declare`)
  const bound = new Set<string>(KERNEL_ABI[kernel].bindings)
  for (const name of Object.keys(BINDINGS))
    if (!bound.has(name) && new RegExp(`\\b${name}\\s*[\\[.]`).test(code))
      problems.push(`uses binding ${name}, which the ${kernel} kernel's module does not get`)
  return [...new Set(problems)]
}

describe('kernel sources against src/engine/abi.ts', () => {
  for (const kernel of KERNELS) {
    it(`${kernel}: uses only declared header fields, offsets and bindings, and declares none itself`, () => {
      expect(abiMismatches(kernel, SOURCES[kernel])).toEqual([])
      // and it does use the interface (so the checks above looked at real code)
      expect(SOURCES[kernel]).toMatch(/header\(wid\.x\)/)
      expect(SOURCES[kernel]).toMatch(/MODELS\[h\.tabOff/)
    })
  }

  it('the tiled kernel uses the constants abi.ts generates for it and declares none itself', () => {
    expect(wgslPrelude('tiled')).toContain(`const GPL: u32 = ${KERNEL_ABI.tiled.constants!.GPL}u;`)
    expect(stripComments(SOURCES.tiled)).not.toMatch(/\b(const|override)\s+GPL\b/)
    expect(SOURCES.tiled).toMatch(/array<mat4x4f, GPL>/)
  })

  it('the checker catches a kernel that redeclares or invents part of the interface', () => {
    const bad = `${SOURCES.any}
      struct Header { rowOff: u32 }
      @group(0) @binding(9) var<storage, read> EXTRA: array<u32>;
      fn f(h: Header) -> u32 { return h.rowOffset + A_XYZ; }`
    const problems = abiMismatches('any', bad)
    expect(problems).toContain('declares its own @binding')
    expect(problems).toContain('redeclares struct Header or Span')
    expect(problems).toContain('reads header field rowOffset, which abi.ts does not declare')
    expect(problems).toContain('uses A_XYZ, which abi.ts does not declare')
    expect(abiMismatches('small', `${SOURCES.small} fn g() { SCRATCH[0] = vec4f(); }`)).toContain(
      "uses binding SCRATCH, which the small kernel's module does not get",
    )
  })

  it('directives stay first; the prelude comes before the kernel body', () => {
    const src = kernelSource('small', FILES.small)
    const lines = src.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'))
    expect(lines[0]).toBe('enable subgroups;')
    expect(src.indexOf('struct Header')).toBeLessThan(src.indexOf('fn forward('))
    expect(src.match(/enable subgroups;/g)).toHaveLength(1)
  })
})

/** The generated struct's fields in order, and what header()'s constructor reads for each. */
function parseGeneratedHeader(prelude: string): { name: string; type: string; read: string }[] {
  const body = /struct Header \{([^}]*)\}/.exec(prelude)![1]
  const fields = stripComments(body)
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => f.split(':').map((p) => p.trim()))
  const args = /return Header\((.*)\);/.exec(prelude)![1].split(/,\s*(?![^(]*\))/)
  expect(args).toHaveLength(fields.length)
  return fields.map(([name, type], i) => ({ name, type, read: args[i].trim() }))
}

describe('header: writeHeader and the generated header() agree', () => {
  it('field i is read from slot i, as f32 bits exactly where it is an f32', () => {
    const parsed = parseGeneratedHeader(wgslPrelude('any'))
    expect(parsed.map((f) => f.name)).toEqual(HEADER_FIELDS.map((f) => f.name))
    expect(parsed).toHaveLength(HEADER_U32)
    parsed.forEach((f, i) => {
      const slot = `MODELS[o + ${i}u]`
      expect(f.read).toBe(f.type === 'f32' ? `bitcast<f32>(${slot})` : slot)
    })
    expect(wgslPrelude('any')).toContain(`const HEADER_U32: u32 = ${HEADER_U32}u;`)
  })

  it('a header written by the host decodes, through the generated reads, to the values it was given', () => {
    const values = Object.fromEntries(HEADER_FIELDS.map((f, i) => [f.name, f.type === 'f32' ? 0.25 * (i + 1) : 1000 + i])) as HeaderValues
    const table = new Uint32Array(3 * HEADER_U32)
    writeHeader(table, 2, values)
    const asFloat = new Float32Array(table.buffer)
    const o = 2 * HEADER_U32
    for (const f of parseGeneratedHeader(wgslPrelude('small'))) {
      const slot = Number(/o \+ (\d+)u/.exec(f.read)![1])
      const decoded = f.read.startsWith('bitcast<f32>') ? asFloat[o + slot] : table[o + slot]
      expect([f.name, decoded]).toEqual([f.name, values[f.name as keyof HeaderValues]])
    }
    expect(table.subarray(0, 2 * HEADER_U32).every((v) => v === 0)).toBe(true)
  })

  it("writeEpochHeader stores torch's MSE norms for full and last batches", () => {
    const table = new Uint32Array(HEADER_U32)
    const base = { rowOff: 0, tabOff: 0, stateOff: 0, outOff: 0, valOff: 0, nVal: 0, archOff: 0, scalerOff: 0, f4: 2, scratchOff: 0 }
    writeEpochHeader(table, 0, { ...base, nRows: 1000, batch: 256, steps: 4, enabled: true })
    const f = new Float32Array(table.buffer)
    const at = (name: string) => HEADER_FIELDS.findIndex((h) => h.name === name)
    expect(f[at('normFull')]).toBe(Math.fround(2 / 256))
    expect(f[at('normLast')]).toBe(Math.fround(2 / 232))
    expect(table[at('enabled')]).toBe(1)
  })
})

describe('architecture block and bindings', () => {
  it('A_* offsets are consecutive and fit the block', () => {
    const prelude = wgslPrelude('any')
    let o = 0
    for (const f of ARCH_FIELDS) {
      expect(prelude).toContain(`const A_${f.name}: u32 = ${o}u;`)
      expect(archOffset(f.name)).toBe(o)
      o += f.count
    }
    expect(o).toBeLessThanOrEqual(32)
  })

  for (const kernel of KERNELS) {
    it(`${kernel}: generated @bindings and the bind-group layout come from the same table`, () => {
      const prelude = wgslPrelude(kernel)
      const declared = [...prelude.matchAll(/@binding\((\d+)\) var<([^>]+)> ([A-Z]+): ([^;]+);/g)].map((m) => ({
        binding: Number(m[1]),
        access: m[2],
        name: m[3] as BindingName,
        type: m[4],
      }))
      expect(declared.map((d) => d.name)).toEqual(KERNEL_ABI[kernel].bindings)
      expect(new Set(declared.map((d) => d.binding)).size).toBe(declared.length)
      const layout = bindGroupLayoutEntries(kernel, 4)
      const access = { 'read-only-storage': 'storage, read', storage: 'storage, read_write', uniform: 'uniform' } as const
      expect(layout.map((e) => [e.binding, access[e.buffer!.type!]])).toEqual(declared.map((d) => [d.binding, d.access]))
    })
  }

  it('the small kernel reads STATE as whole structs, the generic one as vec4', () => {
    expect(wgslPrelude('small')).toMatch(/var<storage, read_write> STATE: array<Trio>;/)
    expect(wgslPrelude('any')).toMatch(/var<storage, read_write> STATE: array<vec4f>;/)
  })
})
