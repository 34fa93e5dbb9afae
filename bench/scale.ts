// The scale benchmark (issue 12): a K150K-class corpus (default 10M rows, ~150 sources, ~40k
// clips, 1M-row groups; bench/scaleCorpus.ts, written once into out/bench-scale/ and reused),
// then each path on it:
//   cli-load  the CLI's reader in its own Node process (bench/scaleRun.ts load)
//   app-load  the real app in headless Chromium: the file set on the Data tab's file input, until
//             the panel says ready with every row (worker decode + main-thread table + panel)
//   gpu       CLI GPU path: ChromiumTrainer opened (part of the start-up), load, then 1 epoch of
//             mlp_small through it (own process)
//   cpu       CLI CPU path: load, then 1 epoch on the WebAssembly trainer (--device cpu; own process)
// Memory, measured from outside each path's processes (bench/procTree.ts): the Pss and VmRSS
// summed over the process tree, sampled every 100 ms — the Node child with its worker threads
// (cli-load, cpu), the child and the Chromium it launches (gpu), Chromium's processes (app-load) —
// with its start-up (the tree before any row is read; for gpu with its Chromium open), checked against start-up + 2 × the
// feature bytes. The in-process figures (the child's own maxRSS) are kept beside them.
// Writes bench/results/scale-<date>.json (date, machine, load average before and after each path).
//   npm run bench:scale [-- --rows N] [--paths cli-load,app-load,gpu,cpu]
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { chromium } from '@playwright/test'
import { preview } from 'vite'
import { ensureBuilt } from '../src/node/browser.ts'
import { ROOT } from '../src/node/repoRoot.ts'
import { chromiumArgs, chromiumPath } from '../src/node/chromium.ts'
import { SCALE_DEFAULTS, writeScaleCorpus, type ScaleCorpusSpec } from './scaleCorpus.ts'
import { descendants, procMemory, TreeSampler, type KindMemory, type TreeMemory } from './procTree.ts'
import type { ScaleRunResult } from './scaleRun.ts'
import writeEarlierRuns from './history.ts'

const PATHS = ['cli-load', 'app-load', 'gpu', 'cpu'] as const
type PathName = (typeof PATHS)[number]

const load = () => loadavg().map((x) => Number(x.toFixed(2)))
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : undefined
}

/** Memory of one path, sampled from outside its processes (bench/procTree.ts). */
interface PathMemory {
  sampler: string
  samples: number
  /** the tree once started (Node and its modules loaded; before any row is read) */
  startup: TreeMemory
  /** the processes at start-up, by kind */
  startupByKind: KindMemory[]
  peak: TreeMemory
  /** the processes at the Pss peak, by kind (node, browser, gpu-process, renderer, utility…) */
  peakByKind: KindMemory[]
  /** the six features and the target */
  featureBytes: number
  /** the target: start-up + 2 × the feature bytes (Pss) */
  limitBytes: number
  withinLimit: boolean
}

const SAMPLER = 'sum over the process tree (the Node child and its descendants: worker threads are its own; Chromium for gpu) of Pss (/proc/PID/smaps_rollup) and VmRSS (/proc/PID/status), every 100 ms'

const SAMPLER_APP = "sum over Chromium's processes (browser, GPU, renderers, utilities; the page's workers are its renderer's) of Pss (/proc/PID/smaps_rollup) and VmRSS, every 100 ms; start-up = the app open on the Data tab, before the file is set; features = rows × (6 features + target) × 4 bytes"

function pathMemory(sampler: TreeSampler, startup: TreeMemory, featureBytes: number, what = SAMPLER): PathMemory {
  const limitBytes = startup.pssBytes + 2 * featureBytes
  return { sampler: what, samples: sampler.samples, startup, startupByKind: sampler.lastByKind, peak: { ...sampler.peak }, peakByKind: sampler.peakByKind, featureBytes, limitBytes, withinLimit: sampler.peak.pssBytes <= limitBytes }
}

/**
 * One path of bench/scaleRun.ts in a child Node process, its memory sampled from here: the child
 * says "started" and waits; the tree is sampled (start-up), then told to go and polled until it ends.
 */
function runChild(file: string, path: 'load' | 'gpu' | 'cpu'): Promise<{ result: ScaleRunResult; memory: PathMemory }> {
  const child = spawn(process.execPath, [resolve(ROOT, 'scripts/run-bundled.mjs'), 'scaleRun', file, path, '--wait'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
  const pid = child.pid!
  const sampler = new TreeSampler(() => [pid, ...descendants(pid)])
  let startup: TreeMemory | null = null
  let out = ''
  return new Promise((done, fail) => {
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (s: string) => {
      out += s
      if (!startup && out.includes('started\n')) {
        startup = sampler.sample(true)
        sampler.start()
        child.stdin.end('go\n')
      }
    })
    child.on('error', fail)
    child.on('exit', (code) => {
      sampler.stop()
      if (code !== 0 || !startup) return fail(new Error(`bench/scaleRun.ts ${path} exited with ${code}`))
      const result = JSON.parse(out.trim().split('\n').pop()!) as ScaleRunResult
      done({ result, memory: pathMemory(sampler, startup, result.featureBytes) })
    })
  })
}

/** The renderer processes among the descendants of `root` (the pages', not the browser UI's). */
function renderers(root: number): number[] {
  return descendants(root).filter((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      return cmd.includes('--type=renderer') && !cmd.includes('--top-chrome-webui')
    } catch {
      return false
    }
  })
}

interface AppLoad {
  rows: number
  loadMs: number
  rowsPerSec: number
  rendererBeforeBytes: number
  rendererPeakBytes: number
  memory: PathMemory
}

/** Chromium's processes among this process' descendants (browser, GPU, renderers, utilities, zygotes). */
function chromiumProcesses(): number[] {
  return descendants(process.pid).filter((pid) => {
    try {
      return /chrom/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))
    } catch {
      return false
    }
  })
}

/** The real app: set the file on the Data tab's input and wait for every row. */
async function appLoad(file: string, rows: number): Promise<AppLoad> {
  const outDir = await ensureBuilt({ outDir: 'dist' })
  const server = await preview({ root: ROOT, logLevel: 'silent', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } })
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs(), headless: true })
  try {
    const page = await (await browser.newContext({ serviceWorkers: process.env.SCALE_SW === 'allow' ? 'allow' : 'block' })).newPage()
    page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`))
    page.on('console', (m) => m.type() === 'error' && console.log(`  [page console] ${m.text()}`))
    await page.goto(new URL('?tab=data', server.resolvedUrls!.local[0]).href)
    await page.getByTestId('data-panel').waitFor()
    // the browser is a child of this process (Playwright launches it directly)
    const pids = renderers(process.pid)
    const before = pids.reduce((s, p) => s + procMemory(p).now, 0)
    const sampler = new TreeSampler(chromiumProcesses)
    const startup = sampler.sample(true)
    sampler.start()
    const t0 = performance.now()
    await page.setInputFiles('#file', file)
    // say where the page is every 15 s, so a stalled load shows what it stalled on
    const watch = setInterval(() => {
      page
        .evaluate(() => {
          const el = document.querySelector('[data-testid=data-panel]')
          const notes = [...document.querySelectorAll('[data-testid=notice]')].map((n) => n.textContent?.trim()).join(' | ')
          return `status ${el?.getAttribute('data-status')}, rows ${el?.getAttribute('data-rows')}, ${document.querySelector('[data-testid=load-progress]')?.textContent?.trim() ?? 'no progress bar'}${notes ? `, notices: ${notes}` : ''}`
        })
        .then((s) => console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${s}`))
        .catch(() => {})
    }, 15_000)
    try {
      await page.waitForFunction(
        (n) => {
          const el = document.querySelector('[data-testid=data-panel]')
          return el?.getAttribute('data-status') === 'ready' && el.getAttribute('data-rows') === String(n)
        },
        rows,
        { timeout: 1_200_000, polling: 100 },
      )
    } finally {
      clearInterval(watch)
    }
    const loadMs = performance.now() - t0
    sampler.stop()
    const peak = pids.reduce((s, p) => s + procMemory(p).peak, 0)
    const memory = pathMemory(sampler, startup, rows * 4 * 7, SAMPLER_APP)
    return { rows, loadMs, rowsPerSec: rows / (loadMs / 1000), rendererBeforeBytes: before, rendererPeakBytes: peak, memory }
  } finally {
    await browser.close()
    await server.close()
  }
}

function logMemory(m: PathMemory): void {
  console.log(`  memory (Pss, ${m.peak.processes} processes): start-up ${mb(m.startup.pssBytes)} → peak ${mb(m.peak.pssBytes)} (VmRSS sum ${mb(m.peak.rssBytes)}); limit start-up + 2 × ${mb(m.featureBytes)} = ${mb(m.limitBytes)}: ${m.withinLimit ? 'within' : 'MISSED'}`)
  const atStart = (kind: string) => m.startupByKind.find((k) => k.kind === kind)?.pssBytes ?? 0
  console.log(`  at the peak (since start-up): ${m.peakByKind.map((k) => `${k.kind}${k.processes > 1 ? ` ×${k.processes}` : ''} ${mb(k.pssBytes)} (${k.pssBytes >= atStart(k.kind) ? '+' : ''}${mb(k.pssBytes - atStart(k.kind))})`).join(', ')}`)
}

export default async function main(argv: string[]): Promise<number> {
  const rows = Number(option(argv, 'rows') ?? SCALE_DEFAULTS.rows)
  const paths = (option(argv, 'paths') ?? PATHS.join(',')).split(',') as PathName[]
  for (const p of paths) if (!PATHS.includes(p)) throw new Error(`unknown path ${p} (${PATHS.join(', ')})`)
  const spec: ScaleCorpusSpec = { ...SCALE_DEFAULTS, rows, keys: Math.max(1, Math.round((rows * SCALE_DEFAULTS.keys) / SCALE_DEFAULTS.rows)) }
  const corpus = await writeScaleCorpus(spec, { log: (s) => console.log(s) })
  console.log(`corpus: ${corpus.path} (${mb(corpus.bytes)}${corpus.built ? `, written in ${(corpus.ms / 1000).toFixed(0)} s` : ', reused'})`)

  const results: Record<string, unknown> = {}
  const loadAvg: Record<string, { before: number[]; after: number[] }> = {}
  for (const p of paths) {
    const before = load()
    console.log(`${p} … (load average ${before.join(' ')})`)
    if (p === 'app-load') {
      const r = await appLoad(corpus.path, rows)
      results[p] = r
      console.log(`  ${(r.loadMs / 1000).toFixed(1)} s, ${(r.rowsPerSec / 1e6).toFixed(2)} M rows/s; renderer ${mb(r.rendererBeforeBytes)} → peak ${mb(r.rendererPeakBytes)}`)
      logMemory(r.memory)
    } else {
      const { result: r, memory } = await runChild(corpus.path, p === 'cli-load' ? 'load' : p)
      results[p] = { ...r, rowsPerSec: r.rows / (r.loadMs / 1000), memory }
      logMemory(memory)
      console.log(`  load ${(r.loadMs / 1000).toFixed(1)} s (${(r.rows / r.loadMs / 1e3).toFixed(2)} M rows/s); Node ${mb(r.rssBeforeBytes)} → peak ${mb(r.peakRssBytes)}; table ${mb(r.tableBytes)}`)
      if (r.train)
        console.log(
          `  ${r.train.trainer}: start-up ${(r.train.startupMs / 1000).toFixed(1)} s, train() → first epoch ${(r.train.firstEpochMs / 1000).toFixed(1)} s, ${(r.train.samplesPerSec / 1e6).toFixed(2)} M samples/s${r.train.gpuPeakBytes ? `; the engine's GPU buffers peaked at ${mb(r.train.gpuPeakBytes)}` : ''}`,
        )
    }
    loadAvg[p] = { before, after: load() }
  }

  const date = new Date().toISOString()
  const out = {
    bench: 'scale',
    date,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memBytes: totalmem(), gpu: 'none (WebGPU on SwiftShader)', loadAvg },
    corpus: {
      ...spec,
      bytes: corpus.bytes,
      writer: 'hyparquet-writer ParquetWriter, SNAPPY (no zstd compressor is available to it in Node 20), dictionary where it halves a column',
      path: corpus.path.slice(ROOT.length + 1),
    },
    timed: {
      'cli-load': 'file → FeatureTable in Node, sha256 of the file included',
      'app-load': 'setInputFiles on the Data tab → panel ready with every row (data worker, which also hashes the file from its reads; main-thread table and panel)',
      gpu: 'ChromiumTrainer start-up first (Chromium, the WebGPU device, the pipelines: in the memory start-up sample), then load as cli-load, then train() → first epoch loss (the jobs as a payload in pieces, the rows fetched by the page a block at a time as they are uploaded to the GPU, 1 epoch); gpuPeakBytes: the most bytes held at once by the engine buffers, host memory on SwiftShader, in the gpu-process',
      cpu: 'load as cli-load; then train() → first epoch loss on the WebAssembly trainer (one worker_thread per core, reading the table\'s shared feature columns in place)',
    },
    results,
  }
  const dir = resolve(ROOT, 'bench/results')
  mkdirSync(dir, { recursive: true })
  const file = resolve(dir, `scale-${date.slice(0, 10)}.json`)
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
  console.log(`wrote ${file.slice(ROOT.length + 1)}`)
  // the earlier committed runs of this benchmark, with the targets they missed
  return writeEarlierRuns([`scale-${date.slice(0, 10)}.json`])
}
