// /proc/cpuinfo → the CPU features that decide onnxruntime's integer kernels: a Linux text with
// and without VNNI, a machine without cpuinfo, and this machine against grep's reading of it.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CPU_FLAGS, cpuFeatures, hasVnni, parseCpuInfo } from '../../src/node/cpuFeatures.ts'

const block = (flags: string) =>
  `processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\nflags\t\t: ${flags}\n\nprocessor\t: 1\nflags\t\t: fpu avx512f avx512_vnni\n`

describe('parseCpuInfo', () => {
  it('reads the first processor: AVX2 without AVX-512 or VNNI', () => {
    const c = parseCpuInfo(block('fpu vme sse4_2 avx avx2 fma bmi2'), 'x64')
    expect(c).toEqual({ arch: 'x64', model: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', flags: { avx2: true, avx512f: false, avx512_vnni: false, avx_vnni: false } })
    expect(hasVnni(c)).toBe(false)
  })

  it('tells avx512_vnni and avx_vnni apart, and a flag from a longer name that contains it', () => {
    const c = parseCpuInfo(block('avx2 avx512f avx512vl avx512_vnni avx512_bf16'), 'x64')
    expect(c.flags).toEqual({ avx2: true, avx512f: true, avx512_vnni: true, avx_vnni: false })
    expect(hasVnni(c)).toBe(true)
    const alder = parseCpuInfo(block('avx2 avx_vnni'), 'x64')
    expect(alder.flags).toEqual({ avx2: true, avx512f: false, avx512_vnni: false, avx_vnni: true })
    expect(hasVnni(alder)).toBe(true)
    expect(parseCpuInfo(block('avx512_vnni_x'), 'x64').flags.avx512_vnni).toBe(false)
  })

  it('no flags line (arm64 lists "Features") reads as unknown, not as absent', () => {
    const c = parseCpuInfo('processor\t: 0\nFeatures\t: fp asimd\n', 'arm64')
    expect(c).toEqual({ arch: 'arm64', model: null, flags: { avx2: null, avx512f: null, avx512_vnni: null, avx_vnni: null } })
    expect(hasVnni(c)).toBe(null)
    expect(cpuFeatures('/nonexistent/cpuinfo').flags.avx2).toBe(null)
  })
})

describe.runIf(existsSync('/proc/cpuinfo'))('this machine', () => {
  it('has the flags grep finds in /proc/cpuinfo', () => {
    const c = cpuFeatures()
    expect(c.arch).toBe(process.arch)
    for (const f of CPU_FLAGS) {
      const n = Number(execFileSync('sh', ['-c', `grep -m1 '^flags' /proc/cpuinfo | tr ' \\t' '\\n\\n' | grep -cx '${f}' || true`], { encoding: 'utf8' }).trim())
      expect(c.flags[f], f).toBe(n > 0)
    }
  })
})
