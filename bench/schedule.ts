// The Experiments tab's preview on a large table: scheduleExperiment + planText (what the tab works
// out on every edit), then the rows of every run as Run reads them, on a synthetic TableView of
// grouping codes (bench/codeTable.ts; the schedule reads nothing else). Each preset runs in its own
// Node process (--expose-gc), so its peak resident memory is its own. The entry for --label (e.g.
// "before", "after") is written into --out with the commit, date, machine and load.
//   node scripts/run-ts.mjs bench/schedule.ts --label after [--rows 10000000] [--presets foxbird,arch]
// (--commit names the source measured when it is not this checkout's, e.g. an exported older commit)
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { ROOT } from '../src/node/repoRoot.ts'
import { isPreset, presetDesign } from '../src/experiment/presets.ts'
import { planText } from '../src/experiment/report.ts'
import { scheduleExperiment } from '../src/experiment/schedule.ts'
import { codeTable, type CodeTableSpec } from './codeTable.ts'

const MB = 1 << 20
const TIMED =
  'preview_ms: scheduleExperiment(table, presetDesign(preset)) + planText(schedule), the work the Experiments tab does per edit; ' +
  'rows_ms: then reading spec.rows.trainRows and .valRows of every run (what Run hands the trainer); ' +
  'building the synthetic table is outside both intervals'

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def
}

const load = () => loadavg().map((x) => Number(x.toFixed(2)))

interface Memory {
  rssMB: number
  heapUsedMB: number
  arrayBuffersMB: number
}

function memory(): Memory {
  ;(globalThis as { gc?: () => void }).gc?.()
  const m = process.memoryUsage()
  const mb = (b: number) => Number((b / MB).toFixed(1))
  return { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), arrayBuffersMB: mb(m.arrayBuffers) }
}

/** One preset in this process: times and memory, as a JSON line on stdout. */
function child(preset: string, spec: CodeTableSpec): void {
  if (!isPreset(preset)) throw new Error(`unknown preset "${preset}"`)
  const table = codeTable(spec)
  const design = presetDesign(preset)
  const base = memory()
  const t0 = performance.now()
  const schedule = scheduleExperiment(table, design)
  const text = planText(schedule)
  const t1 = performance.now()
  const peakPreview = Math.round(process.resourceUsage().maxRSS / 1024)
  const afterPreview = memory()
  let rows = 0
  for (const r of schedule.runs) rows += r.spec.rows.trainRows.length + r.spec.rows.valRows.length
  const t2 = performance.now()
  const afterRows = memory()
  const delta = (m: Memory) => ({ heapUsedMB: Number((m.heapUsedMB - base.heapUsedMB).toFixed(1)), arrayBuffersMB: Number((m.arrayBuffersMB - base.arrayBuffersMB).toFixed(1)) })
  const out = {
    preset,
    plan: text,
    runs: schedule.runs.length,
    run_rows_total: rows,
    preview_ms: Math.round(t1 - t0),
    rows_ms: Math.round(t2 - t1),
    table_only: base,
    retained_after_preview: delta(afterPreview),
    retained_after_rows: delta(afterRows),
    peak_rss_after_preview_mb: peakPreview,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }
  process.stdout.write(`${JSON.stringify(out)}\n`)
}

function commit(given: string): string {
  if (given) return given
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim()
  return dirty ? `${head} + uncommitted src changes` : head
}

export default async function main(argv: string[]): Promise<number> {
  const spec: CodeTableSpec = {
    rows: Number(flag(argv, 'rows', '10000000')),
    sources: Number(flag(argv, 'sources', '9')),
    clipFrames: Number(flag(argv, 'clip-frames', '300')),
    nflxFraction: Number(flag(argv, 'nflx-fraction', '0.5')),
  }
  const one = flag(argv, 'child', '')
  if (one) return child(one, spec), 0
  const label = flag(argv, 'label', 'current')
  const out = resolve(ROOT, flag(argv, 'out', 'bench/results/schedule-2026-12-07.json'))
  const presets = flag(argv, 'presets', 'foxbird,arch').split(',')
  const before = load()
  const date = new Date().toISOString()
  const results = []
  for (const preset of presets) {
    const args = ['--expose-gc', '--max-old-space-size=16384', 'scripts/run-ts.mjs', 'bench/schedule.ts', '--child', preset, ...specArgs(spec)]
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    if (r.status !== 0) {
      process.stderr.write(`${preset}: the child exited with ${r.status}\n`)
      return r.status ?? 1
    }
    results.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!))
  }
  const file = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {}
  const entry = { date, commit: commit(flag(argv, 'commit', '')), load_average: { before, after: load() }, command: `node scripts/run-ts.mjs bench/schedule.ts ${argv.join(' ')}`, results }
  const next = {
    bench: 'schedule',
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memBytes: totalmem(), node: process.version },
    table: { ...spec, kind: 'synthetic TableView of grouping codes (bench/codeTable.ts)' },
    timed: TIMED,
    ...file,
    runs: { ...(file.runs ?? {}), [label]: entry },
  }
  writeFileSync(out, `${JSON.stringify(next, null, 2)}\n`)
  process.stdout.write(`${JSON.stringify(entry, null, 2)}\nwrote ${out}\n`)
  return 0
}

function specArgs(s: CodeTableSpec): string[] {
  return ['--rows', String(s.rows), '--sources', String(s.sources), '--clip-frames', String(s.clipFrames), '--nflx-fraction', String(s.nflxFraction)]
}
