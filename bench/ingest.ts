// Ingest speed and memory: a 1,000,000-row parquet file built by repeating the demo corpus rows
// (all 16 columns, the demo's types, REQUIRED, Snappy) streamed from a Blob into a FeatureTable in
// headless Chromium, (a) with the reader running in the page and (b) through the app's data worker.
//   npm run bench:ingest [-- --rows N] [--row-group N] [--repeat N] [--json]
// Memory: V8 heap used + ArrayBuffer backing stores of the page (CDP Runtime.getHeapUsage), polled
// while the ingest runs (the page answers between row groups), minus the level before the run,
// compared with the bytes the table holds. The data worker's own heap is not visible to this probe.
// --json prints exactly one JSON object on stdout (progress goes to stderr).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { asyncBufferFromFile, parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer'
import type { CDPSession } from '@playwright/test'
import { ROOT, openHarness } from '../src/node/browser.ts'
import type { IngestRun } from '../src/harness/ingest.ts'

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

/** Run `fn` while polling the page's heap; returns its result and the peak above the start level. */
async function withHeapPeak<T>(cdp: CDPSession, fn: () => Promise<T>): Promise<{ result: T; base: number; peak: number; samples: number }> {
  await cdp.send('HeapProfiler.collectGarbage')
  const base = heapBytes((await cdp.send('Runtime.getHeapUsage')) as Heap)
  let peak = base
  let samples = 0
  let running = true
  const poll = (async () => {
    while (running) {
      const h = (await cdp.send('Runtime.getHeapUsage')) as Heap
      peak = Math.max(peak, heapBytes(h))
      samples++
    }
  })()
  try {
    const result = await fn()
    return { result, base, peak: peak - base, samples }
  } finally {
    running = false
    await poll
  }
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

  const session = await openHarness()
  const results: Record<string, unknown>[] = []
  try {
    const { page } = session
    await page.route('**/bench/ingest.parquet', (route) =>
      route.fulfill({ status: 200, body: Buffer.from(file), contentType: 'application/octet-stream' }),
    )
    await page.evaluate((u) => (window as any).lab.ingestPrepare(u), 'bench/ingest.parquet')
    const cdp = await page.context().newCDPSession(page)
    const hashMs = await page.evaluate(() => (window as any).lab.ingestHashMs() as Promise<number>)
    log(`sha256 of the file alone (JS, in the page): ${hashMs.toFixed(0)} ms`)

    for (const mode of ['page', 'worker'] as const) {
      const runs: { run: IngestRun; peak: number; samples: number }[] = []
      for (let r = 0; r < repeat; r++) {
        await page.evaluate(() => (window as any).lab.ingestRelease())
        const { result, peak, samples } = await withHeapPeak(cdp, () =>
          page.evaluate((m) => (window as any).lab.ingestRun(m) as Promise<IngestRun>, mode),
        )
        if (result.errors.length || result.rows !== rows) throw new Error(`ingest failed: ${result.rows} rows, ${result.errors.join('; ')}`)
        runs.push({ run: result, peak, samples })
        log(
          `  ${mode} run ${r + 1}: ${result.ms.toFixed(0)} ms, ${(result.rowsPerSec / 1e6).toFixed(2)} M rows/s, ` +
            `peak heap +${mb(peak)} (${samples} samples), table ${mb(result.tableBytes)}`,
        )
      }
      const ms = median(runs.map((x) => x.run.ms))
      const peak = Math.max(...runs.map((x) => x.peak))
      const first = runs[0].run
      results.push({
        mode,
        rows,
        msMedian: ms,
        rowsPerSecMedian: rows / (ms / 1000),
        rowsPerSecBest: Math.max(...runs.map((x) => x.run.rowsPerSec)),
        msRuns: runs.map((x) => Math.round(x.run.ms)),
        peakHeapBytes: peak,
        tableBytes: first.tableBytes,
        featureBytes: first.featureBytes,
        peakOverTable: peak / first.tableBytes,
        peakOverFeatures: peak / first.featureBytes,
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
      log(`mode     median rows/s   best rows/s   peak heap   table     features+target   peak/table  peak/features`)
      for (const r of results as any[])
        log(
          `${r.mode.padEnd(8)} ${(r.rowsPerSecMedian / 1e6).toFixed(2).padStart(8)} M     ${(r.rowsPerSecBest / 1e6).toFixed(2).padStart(6)} M    ` +
            `${mb(r.peakHeapBytes).padStart(9)}   ${mb(r.tableBytes).padStart(8)}   ${mb(r.featureBytes).padStart(8)}          ` +
            `${r.peakOverTable.toFixed(2).padStart(5)}       ${r.peakOverFeatures.toFixed(2)}`,
        )
      log(`goal: ≥ 2 M rows/s, peak ≤ 2× the loaded feature bytes. Load average ${out.machine.loadavg.join(' ')} (2 shared cores).`)
      log('page: the reader in the page (same code as the worker); worker: the app path, peak = page heap only.')
    }
  } finally {
    await session.close()
  }
  return 0
}
