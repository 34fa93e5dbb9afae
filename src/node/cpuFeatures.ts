// The x86 CPU features that decide how onnxruntime's CPU EP (MLAS) runs integer matrix products:
// with AVX-512 VNNI or AVX-VNNI its u8s8 kernels accumulate exactly; on plain AVX2 they go through
// 16-bit intermediate sums that can saturate (onnxruntime's quantization docs), so a dynamic-int8
// model gives other numbers there. Read from /proc/cpuinfo; null where it cannot be read (not Linux).
import { readFileSync } from 'node:fs'

/** The flags /proc/cpuinfo lists that matter here, by their /proc names. */
export const CPU_FLAGS = ['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni'] as const
export type CpuFlag = (typeof CPU_FLAGS)[number]

export interface CpuFeatures {
  /** Node's process.arch (x64, arm64…) */
  arch: string
  /** the first processor's "model name", null when cpuinfo has none */
  model: string | null
  /** each flag: present or not; null when /proc/cpuinfo could not be read */
  flags: Record<CpuFlag, boolean | null>
}

const unknownFlags = (): Record<CpuFlag, null> => Object.fromEntries(CPU_FLAGS.map((f) => [f, null])) as Record<CpuFlag, null>

/** The features in the text of a /proc/cpuinfo (its first processor block). */
export function parseCpuInfo(text: string, arch: string): CpuFeatures {
  const field = (name: string) => text.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1].trim() ?? null
  const list = field('flags')
  const model = field('model name')
  if (list === null) return { arch, model, flags: unknownFlags() }
  const have = new Set(list.split(/\s+/))
  return { arch, model, flags: Object.fromEntries(CPU_FLAGS.map((f) => [f, have.has(f)])) as Record<CpuFlag, boolean> }
}

/** This machine's features. */
export function cpuFeatures(path = '/proc/cpuinfo'): CpuFeatures {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return { arch: process.arch, model: null, flags: unknownFlags() }
  }
  return parseCpuInfo(text, process.arch)
}

/** True when MLAS has an exact integer dot product here (VNNI in either form); null when unknown. */
export function hasVnni(c: CpuFeatures): boolean | null {
  const { avx512_vnni, avx_vnni } = c.flags
  if (avx512_vnni === null || avx_vnni === null) return null
  return avx512_vnni || avx_vnni
}
