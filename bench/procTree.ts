// Memory of a process tree, read from outside it (Linux /proc): the processes under a root, and
// their resident set (VmRSS, summed) and proportional set size (Pss from smaps_rollup, summed:
// pages shared between them — libraries, Chromium's shared memory — counted once in all).
// A TreeSampler polls a tree every `everyMs` and keeps the peaks.
import { readFileSync, readdirSync } from 'node:fs'

export interface TreeMemory {
  processes: number
  rssBytes: number
  pssBytes: number
}

/** One kind of process in a tree (Node, Chromium's browser, gpu-process, renderer, utility…) and its summed Pss. */
export interface KindMemory {
  kind: string
  processes: number
  pssBytes: number
}

/** What a process is, from its command line: Chromium's --type=, else its executable's name. */
export function processKind(pid: number): string {
  try {
    // Chromium's children rewrite their title, so the arguments may come joined by spaces
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
    const type = cmd.match(/--type=(\S+)/)?.[1]
    if (type) return type
    const exe = cmd.split(' ')[0].split('/').pop() ?? ''
    return /chrom/i.test(exe) ? 'browser' : exe || 'unknown'
  } catch {
    return 'gone'
  }
}

function parents(): Map<number, number> {
  const parent = new Map<number, number>()
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x)))
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone meanwhile
    }
  return parent
}

/** `root`'s descendants (not `root` itself). */
export function descendants(root: number): number[] {
  const parent = parents()
  const under = (pid: number) => {
    for (let p = parent.get(pid), hops = 0; p && hops < 12; p = parent.get(p), hops++) if (p === root) return true
    return false
  }
  return [...parent.keys()].filter(under)
}

const kb = (text: string, key: string) => Number(text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * 1024

/** Peak and current resident set (bytes) of one process. */
export function procMemory(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return { peak: kb(status, 'VmHWM'), now: kb(status, 'VmRSS') }
}

/** VmRSS and Pss of each of `pids` now (a process that is gone is left out). */
function eachMemory(pids: readonly number[]): { pid: number; rss: number; pss: number }[] {
  const out: { pid: number; rss: number; pss: number }[] = []
  for (const pid of pids)
    try {
      const rss = kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS')
      out.push({ pid, rss, pss: kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss') })
    } catch {
      // gone meanwhile
    }
  return out
}

const summed = (each: { rss: number; pss: number }[]): TreeMemory => ({
  processes: each.length,
  rssBytes: each.reduce((n, m) => n + m.rss, 0),
  pssBytes: each.reduce((n, m) => n + m.pss, 0),
})

/** Summed VmRSS and Pss of `pids` now (a process that is gone counts nothing). */
export function treeMemory(pids: readonly number[]): TreeMemory {
  return summed(eachMemory(pids))
}

/** Pss of `each` summed per kind of process, largest first. */
function byKind(each: { pid: number; pss: number }[]): KindMemory[] {
  const kinds = new Map<string, KindMemory>()
  for (const m of each) {
    const kind = processKind(m.pid)
    const k = kinds.get(kind) ?? { kind, processes: 0, pssBytes: 0 }
    k.processes++
    k.pssBytes += m.pss
    kinds.set(kind, k)
  }
  return [...kinds.values()].sort((a, b) => b.pssBytes - a.pssBytes)
}

/** Polls the tree that `pids()` names and keeps the peak of each sum, and at the Pss peak its split by kind of process. */
export class TreeSampler {
  readonly peak: TreeMemory = { processes: 0, rssBytes: 0, pssBytes: 0 }
  /** the processes at the sample with the highest summed Pss, by kind */
  peakByKind: KindMemory[] = []
  /** the processes at the last sample() that was asked for their kinds */
  lastByKind: KindMemory[] = []
  samples = 0
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(
    private readonly pids: () => number[],
    readonly everyMs = 100,
  ) {}

  /** one sample now (also folded into the peaks); `kinds`: keep its split by kind in lastByKind */
  sample(kinds = false): TreeMemory {
    const each = eachMemory(this.pids())
    const m = summed(each)
    if (kinds) this.lastByKind = byKind(each)
    this.samples++
    this.peak.processes = Math.max(this.peak.processes, m.processes)
    this.peak.rssBytes = Math.max(this.peak.rssBytes, m.rssBytes)
    if (m.pssBytes > this.peak.pssBytes) this.peakByKind = byKind(each)
    this.peak.pssBytes = Math.max(this.peak.pssBytes, m.pssBytes)
    return m
  }

  start(): this {
    this.timer ??= setInterval(() => this.sample(), this.everyMs)
    return this
  }

  stop(): TreeMemory {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    return this.sample()
  }
}
