// `npm run bench:train-memory`: the peak resident memory of `train --device cpu --epochs 1` on the
// 10M-row scale corpus (bench/scaleCorpus.ts, written once into out/bench-scale/), run as a user
// runs it (node cli/vmaf-tiny-lab.mjs, the Node bundle), against the ≤ 900 MB target; and the
// command line's start-up alone (`train --help`). Measured by /usr/bin/time -v ("Maximum resident
// set size" of the node process; its worker_threads are in that process). The Node bundle is built
// before the timed runs, so its build is not in them. Writes bench/results/train-memory-<date>.json.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { ROOT } from '../src/node/repoRoot.ts'
import { loadNow, machine, today, writeResult } from './results.ts'
import { SCALE_DEFAULTS, writeScaleCorpus } from './scaleCorpus.ts'

const TARGET_BYTES = 900_000_000
const TIME = '/usr/bin/time'

interface TimedRun {
  command: string
  load_average_before: number[]
  max_rss_kbytes: number
  wall: string
  user_s: number
  system_s: number
  code: number
}

/** One command under /usr/bin/time -v: its exit code and what time says. */
function timed(args: string[]): TimedRun {
  const before = loadNow()
  const r = spawnSync(TIME, ['-v', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 })
  const field = (name: string) => r.stderr.match(new RegExp(`${name}: (.+)`))?.[1].trim() ?? ''
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}:\n${r.stderr.slice(-2000)}`)
  return {
    command: ['node', ...args].join(' '),
    load_average_before: before,
    max_rss_kbytes: Number(field('Maximum resident set size \\(kbytes\\)')),
    wall: field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)'),
    user_s: Number(field('User time \\(seconds\\)')),
    system_s: Number(field('System time \\(seconds\\)')),
    code: r.status,
  }
}

export default async function main(): Promise<number> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing: apt-get install -y time`)
  const corpus = await writeScaleCorpus(SCALE_DEFAULTS, { log: (s) => process.stderr.write(`${s}\n`) })
  const file = relative(ROOT, corpus.path)
  const bin = 'cli/vmaf-tiny-lab.mjs'
  // builds the Node bundle when the sources changed, outside the timed runs
  timed([bin, '--help'])
  const out = mkdtempSync(join(tmpdir(), 'train-memory-'))
  try {
    const startup = timed([bin, 'train', '--help'])
    const train = timed([bin, 'train', '--device', 'cpu', '--epochs', '1', '--data', file, '--out-dir', out, '--quiet'])
    const peak = train.max_rss_kbytes * 1024
    const result = {
      bench: 'train-memory',
      date: new Date().toISOString(),
      machine: machine(),
      measured: `${TIME} -v, "Maximum resident set size" of the node process (its worker_threads included: one process); the whole CLI run: start-up, reading the 10M-row parquet (sha256 included), split, 1 epoch of mlp_small on the WebAssembly trainer (one worker per core), ONNX export, evaluation with onnxruntime-node, the reports. The Node bundle's build is not included (built before).`,
      corpus: `${file} (bench/scaleCorpus.ts: ${SCALE_DEFAULTS.rows.toLocaleString('en-US')} rows; ${(SCALE_DEFAULTS.rows * 7 * 4) / 1e6} MB of features + target as float32)`,
      target: { max_rss_bytes: TARGET_BYTES, met: peak <= TARGET_BYTES },
      runs: { train, startup_only: { ...startup, what: 'the CLI start-up alone (Node + the bundled CLI), no data' } },
    }
    const path = resolve(ROOT, `bench/results/train-memory-${today()}.json`)
    writeResult(path, result)
    console.log(`train --device cpu --epochs 1: peak RSS ${(peak / 1e6).toFixed(0)} MB (target ≤ ${TARGET_BYTES / 1e6} MB: ${result.target.met ? 'met' : 'MISSED'}); start-up alone ${((startup.max_rss_kbytes * 1024) / 1e6).toFixed(0)} MB → ${relative(ROOT, path)}`)
    return 0
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}
