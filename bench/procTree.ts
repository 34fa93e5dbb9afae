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

/** Summed VmRSS and Pss of `pids` now (a process that is gone counts nothing). */
export function treeMemory(pids: readonly number[]): TreeMemory {
  const m: TreeMemory = { processes: 0, rssBytes: 0, pssBytes: 0 }
  for (const pid of pids)
    try {
      const rss = kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS')
      const pss = kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss')
      m.processes++
      m.rssBytes += rss
      m.pssBytes += pss
    } catch {
      // gone meanwhile
    }
  return m
}

/** Polls the tree that `pids()` names and keeps the peak of each sum. */
export class TreeSampler {
  readonly peak: TreeMemory = { processes: 0, rssBytes: 0, pssBytes: 0 }
  samples = 0
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(
    private readonly pids: () => number[],
    readonly everyMs = 100,
  ) {}

  /** one sample now (also folded into the peaks) */
  sample(): TreeMemory {
    const m = treeMemory(this.pids())
    this.samples++
    this.peak.processes = Math.max(this.peak.processes, m.processes)
    this.peak.rssBytes = Math.max(this.peak.rssBytes, m.rssBytes)
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
