// Ingest speed and memory: a 1,000,000-row parquet file built by repeating the demo corpus rows
// (all 16 columns, the demo's types, REQUIRED, Snappy) streamed from a Blob into a FeatureTable in
// headless Chromium, (a) with the reader running in the page and (b) through the app's data worker.
//   npm run bench:ingest [-- --rows N] [--row-group N] [--repeat N] [--json]
// Memory: V8 heap used + ArrayBuffer backing stores (CDP Runtime.getHeapUsage) of the page and of
// its data worker, polled while the ingest runs (each answers between tasks),
// minus the level before the run, compared with the bytes the table holds.
// --json prints exactly one JSON object on stdout (progress goes to stderr).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { asyncBufferFromFile, parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer'
import type { CDPSession } from '@playwright/test'
import { openPageApi } from '../src/node/browser.ts'
import { ROOT } from '../src/node/repoRoot.ts'
import type { IngestRun } from '../src/pageApi/ingest.ts'

const DEMO = ['nflx_like.parquet', 'konvid_like/part-000.parquet', 'konvid_like/part-001.parquet', 'konvid_like/part-002.parquet', 'konvid_like/part-003.parquet']
const STRINGS = new Set(['corpus', 'source', 'key'])

function arg(argv: string[], name: string, def: number): number {
  const i = argv.indexOf(`--${name}`)
  const v = i >= 0 ? Number(argv[i + 1]) : def
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`)
  return v
}

/** The demo rows repeated to `rows` rows, written like the demo files (types, REQUIRED, Snappy). */
async function buildFile(rows: number, rowGroup: number, log: (s: string) => void): Promise<Uint8Array> {
  const dir = resolve(tmpdir(), 'vmaf-tiny-lab-bench')
  const path = resolve(dir, `ingest-${rows}-${rowGroup}.parquet`)
  if (existsSync(path)) return new Uint8Array(readFileSync(path))
  log(`building ${path} …`)
  const demo: Record<string, any>[] = []
  for (const f of DEMO)
    demo.push(...(await parquetReadObjects({ file: await asyncBufferFromFile(resolve(ROOT, 'public/demo', f)), compressors })))
  const names = Object.keys(demo[0])
  const columnData: ColumnSource[] = names.map((name) => {
    if (STRINGS.has(name)) return { name, data: Array.from({ length: rows }, (_, i) => demo[i % demo.length][name]), type: 'STRING', nullable: false }
    if (name === 'frame_index') return { name, data: Int32Array.from({ length: rows }, (_, i) => demo[i % demo.length][name]), type: 'INT32', nullable: false }
    return { name, data: Float32Array.from({ length: rows }, (_, i) => demo[i % demo.length][name]), type: 'FLOAT', nullable: false }
  })
  const bytes = new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: rowGroup }))
  mkdirSync(dir, { recursive: true })
  writeFileSync(path, bytes)
  return bytes
}

interface Heap {
  usedSize: number
  backingStorageSize?: number
}
const heapBytes = (h: Heap) => h.usedSize + (h.backingStorageSize ?? 0)

/**
 * Heap of the page and of every worker it runs (nested ones too), through CDP target sessions
 * (Target.sendMessageToTarget, wrapped once per level of nesting). Workers answer between tasks.
 */
class HeapProbe {
  private id = 1
  private readonly pending = new Map<number, (v: any) => void>()
  /** worker session → parent session (null: the page's) */
  private readonly workers = new Map<string, string | null>()

  constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.attachedToTarget', (e: any) => this.attached(e.sessionId, null))
    cdp.on('Target.detachedFromTarget', (e: any) => this.workers.delete(e.sessionId))
    cdp.on('Target.receivedMessageFromTarget', (e: any) => this.message(e.message, e.sessionId))
  }

  async start(): Promise<void> {
    await this.cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false } as any)
  }

  private attached(sessionId: string, parent: string | null): void {
    this.workers.set(sessionId, parent)
    void this.send(sessionId, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false })
  }

  /** a message from worker session `from` (events of nested workers arrive wrapped in it) */
  private message(raw: string, from: string): void {
    const m = JSON.parse(raw)
    if (m.id !== undefined) {
      this.pending.get(m.id)?.(m.result ?? null)
      this.pending.delete(m.id)
    } else if (m.method === 'Target.attachedToTarget') this.attached(m.params.sessionId, from)
    else if (m.method === 'Target.receivedMessageFromTarget') this.message(m.params.message, m.params.sessionId)
    else if (m.method === 'Target.detachedFromTarget') this.workers.delete(m.params.sessionId)
  }

  private send(sessionId: string, method: string, params: object = {}): Promise<any> {
    const id = this.id++
    const done = new Promise((r) => this.pending.set(id, r))
    let message = JSON.stringify({ id, method, params })
    let target = sessionId
    for (let parent = this.workers.get(target); parent; parent = this.workers.get(target)) {
      message = JSON.stringify({ id: this.id++, method: 'Target.sendMessageToTarget', params: { sessionId: target, message } })
      target = parent
    }
    this.cdp.send('Target.sendMessageToTarget', { sessionId: target, message } as any).catch(() => this.pending.get(id)?.(null))
    // a worker that ended meanwhile never answers
    return Promise.race([done, new Promise((r) => setTimeout(() => r(null), 2000))])
  }

  async gc(): Promise<void> {
    await this.cdp.send('HeapProfiler.collectGarbage')
    await Promise.all([...this.workers.keys()].map((w) => this.send(w, 'HeapProfiler.collectGarbage')))
  }

  /** bytes in the page and in all workers */
  async sample(): Promise<{ page: number; workers: number }> {
    const [page, ...ws] = await Promise.all([
      this.cdp.send('Runtime.getHeapUsage') as Promise<Heap>,
      ...[...this.workers.keys()].map((w) => this.send(w, 'Runtime.getHeapUsage') as Promise<Heap | null>),
    ])
    return { page: heapBytes(page), workers: ws.reduce((t, h) => t + (h ? heapBytes(h) : 0), 0) }
  }
}

interface Peak {
  page: number
  all: number
  samples: number
}

/** Run `fn` while sampling heaps; peaks are above the level before the run (after a GC). */
async function withHeapPeak<T>(probe: HeapProbe, fn: () => Promise<T>): Promise<{ result: T; peak: Peak }> {
  await probe.gc()
  const base = await probe.sample()
  const peak: Peak = { page: 0, all: 0, samples: 0 }
  let running = true
  const poll = (async () => {
    while (running) {
      const s = await probe.sample()
      peak.page = Math.max(peak.page, s.page - base.page)
      peak.all = Math.max(peak.all, s.page + s.workers - base.page - base.workers)
      peak.samples++
    }
  })()
  try {
    return { result: await fn(), peak }
  } finally {
    running = false
    await poll
  }
}

/** CPU seconds used so far by this process's child processes (Chromium), from /proc; 0 elsewhere. */
function chromiumCpuSeconds(): number {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return 0
  }
  const parent = new Map<number, number>()
  const cpu = new Map<number, number>()
  for (const d of pids) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parent.set(Number(d), Number(f[1]))
      cpu.set(Number(d), (Number(f[11]) + Number(f[12])) / 100)
    } catch {
      // gone meanwhile
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p && hops < 10; p = parent.get(p), hops++) if (p === process.pid) return true
    return false
  }
  let total = 0
  for (const [pid, t] of cpu) if (isOurs(pid)) total += t
  return total
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`

export default async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  const rows = arg(argv, 'rows', 1_000_000)
  const rowGroup = arg(argv, 'row-group', 100_000)
  const repeat = arg(argv, 'repeat', 3)
  const log = (s: string) => (json ? process.stderr : process.stdout).write(`${s}\n`)

  const file = await buildFile(rows, rowGroup, log)
  const groups = parquetMetadata(file.slice().buffer).row_groups.length
  log(`file: ${rows.toLocaleString('en-US')} rows, ${groups} row groups, ${mb(file.length)}, 16 columns (the reader needs 11)`)

  const session = await openPageApi()
  const results: Record<string, unknown>[] = []
  try {
    const { page } = session
    await page.route('**/bench/ingest.parquet', (route) =>
      route.fulfill({ status: 200, body: Buffer.from(file), contentType: 'application/octet-stream' }),
    )
    await page.evaluate((u) => (window as any).lab.ingestPrepare(u), 'bench/ingest.parquet')
    const probe = new HeapProbe(await page.context().newCDPSession(page))
    await probe.start()
    const hashMs = await page.evaluate(() => (window as any).lab.ingestHashMs() as Promise<number>)
    log(`sha256 of the file alone (the WebAssembly SHA-256, in the page): ${hashMs.toFixed(0)} ms`)

    for (const mode of ['page', 'worker'] as const) {
      const run = () => page.evaluate((m) => (window as any).lab.ingestRun(m) as Promise<IngestRun>, mode)
      const check = (r: IngestRun) => {
        if (r.errors.length || r.rows !== rows) throw new Error(`ingest failed: ${r.rows} rows, ${r.errors.join('; ')}`)
        return r
      }
      // warm-up: JIT, and the workers are started (their start-up is not ingest memory)
      check(await run())
      // speed runs without the heap probe (its polling costs the page time)
      const runs: { run: IngestRun; cpuS: number }[] = []
      for (let r = 0; r < repeat; r++) {
        await page.evaluate(() => (window as any).lab.ingestRelease())
        const c0 = chromiumCpuSeconds()
        const result = check(await run())
        const cpuS = chromiumCpuSeconds() - c0
        runs.push({ run: result, cpuS })
        log(`  ${mode} run ${r + 1}: ${result.ms.toFixed(0)} ms, ${(result.rowsPerSec / 1e6).toFixed(2)} M rows/s, Chromium CPU ${(cpuS * 1000).toFixed(0)} ms`)
      }
      // one run with the probe for the memory peak
      await page.evaluate(() => (window as any).lab.ingestRelease())
      const { result, peak } = await withHeapPeak(probe, async () => check(await run()))
      log(`  ${mode} memory run: peak +${mb(peak.page)} page, +${mb(peak.all)} page+workers (${peak.samples} samples), table ${mb(result.tableBytes)}`)
      const ms = median(runs.map((x) => x.run.ms))
      const cpu = median(runs.map((x) => x.cpuS))
      results.push({
        mode,
        rows,
        msMedian: ms,
        rowsPerSecMedian: rows / (ms / 1000),
        rowsPerSecBest: Math.max(...runs.map((x) => x.run.rowsPerSec)),
        msRuns: runs.map((x) => Math.round(x.run.ms)),
        chromiumCpuMsMedian: Math.round(cpu * 1000),
        rowsPerCpuSec: cpu > 0 ? rows / cpu : null,
        peakPageBytes: peak.page,
        peakAllBytes: peak.all,
        tableBytes: result.tableBytes,
        featureBytes: result.featureBytes,
        peakOverTable: peak.all / result.tableBytes,
        peakOverFeatures: peak.all / result.featureBytes,
      })
    }
    const out = {
      bench: 'ingest',
      file: { rows, rowGroups: groups, bytes: file.length, rowGroupRows: rowGroup },
      hashMs,
      results,
      goals: { rowsPerSec: 2e6, peakOverFeatures: 2 },
      machine: { loadavg: loadavg().map((x) => Number(x.toFixed(2))) },
    }
    if (json) process.stdout.write(`${JSON.stringify(out)}\n`)
    else {
      log('')
      log(`mode     rows/s median (best)   rows per CPU-s   peak page / page+workers   table     features+target   peak(all)/table  /features`)
      for (const r of results as any[])
        log(
          `${r.mode.padEnd(8)} ${(r.rowsPerSecMedian / 1e6).toFixed(2).padStart(5)} M (${(r.rowsPerSecBest / 1e6).toFixed(2)} M)       ` +
            `${r.rowsPerCpuSec ? `${(r.rowsPerCpuSec / 1e6).toFixed(2)} M` : '  –   '}         ` +
            `${mb(r.peakPageBytes).padStart(8)} / ${mb(r.peakAllBytes).padStart(8)}      ${mb(r.tableBytes).padStart(8)}   ${mb(r.featureBytes).padStart(8)}          ` +
            `${r.peakOverTable.toFixed(2).padStart(5)}            ${r.peakOverFeatures.toFixed(2)}`,
        )
      log(`goal: ≥ 2 M rows/s, peak ≤ 2× the loaded feature bytes. Load average ${out.machine.loadavg.join(' ')} (2 shared cores).`)
      log('page: the reader in the page (same code as the worker); worker: the app path (data worker → main thread).')
      log('rows per CPU-s: rows / CPU time of all Chromium processes during the run (load-independent; includes the data worker, which also hashes the file).')
      log('peaks: V8 heap + ArrayBuffers above the level before the run, sampled between tasks; workers: the data worker.')
    }
  } finally {
    await session.close()
  }
  return 0
}
