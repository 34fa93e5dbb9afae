// Runs one benchmark script with --json and keeps what it printed in bench/results/<name>-<date>.json,
// together with the date, the machine, the load average before and after, and the command: the
// numbers a README quotes come from these files. For the scripts that print their JSON on stdout
// (bench/train.ts, bench/loso.ts, bench/ingest.ts); the others write their own result files.
//   node scripts/run-ts.mjs bench/record.ts NAME SCRIPT [args…]
//   e.g. node scripts/run-ts.mjs bench/record.ts loso bench/loso.ts --seeds 1
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { ROOT } from '../src/node/repoRoot.ts'

const load = () => loadavg().map((x) => Number(x.toFixed(2)))

/** The last line of `stdout` that parses as a JSON object. */
function lastJsonObject(stdout: string): unknown {
  const lines = stdout.trim().split('\n').reverse()
  for (const line of lines) {
    const t = line.trim()
    if (!t.startsWith('{')) continue
    try {
      return JSON.parse(t)
    } catch {
      // a progress line that happens to start with a brace
    }
  }
  throw new Error('the benchmark printed no JSON object on stdout')
}

export default async function main(argv: string[]): Promise<number> {
  const [name, script, ...args] = argv
  if (!name || !script) throw new Error('usage: bench/record.ts NAME SCRIPT [args…]')
  const command = ['node', 'scripts/run-ts.mjs', script, ...args, '--json']
  const before = load()
  const started = new Date().toISOString()
  const t0 = performance.now()
  const r = spawnSync(process.execPath, command.slice(1), { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 })
  const wallS = (performance.now() - t0) / 1000
  if (r.status !== 0) {
    process.stderr.write(`${script} exited with ${r.status}\n`)
    return r.status ?? 1
  }
  const out = {
    bench: name,
    date: started,
    command: command.join(' '),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memBytes: totalmem(), gpu: 'none (WebGPU on SwiftShader)' },
    load_average: { before, after: load() },
    wall_s: Number(wallS.toFixed(1)),
    output: lastJsonObject(r.stdout),
  }
  const dir = resolve(ROOT, 'bench/results')
  mkdirSync(dir, { recursive: true })
  const file = resolve(dir, `${name}-${started.slice(0, 10)}.json`)
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
  process.stdout.write(`wrote ${file.slice(ROOT.length + 1)}\n`)
  return 0
}
