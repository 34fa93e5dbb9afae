// What leaving --device out costs: `study --preset P --seeds N --json` with no --device (auto, the
// default: it probes headless Chromium's adapter, then trains where bench:archs measured faster)
// against the same command with --device cpu, back to back, each under /usr/bin/time, with the
// load average (uptime) before and after each. Writes bench/results/auto-default-<date>.json: the
// date, the machine, the loads, both commands, their wall/user/system seconds and peak memory, the
// ratio, the auto lines the default run printed on stderr, and each arm's mean PLCC from both runs.
//   node scripts/run-ts.mjs bench/autoDefault.ts [--preset arch] [--seeds 5]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadNow, machine, today, writeResult } from './results.ts'

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)))
const SHARED = process.env.VMAF_SHARED ?? resolve(REPO, '../shared')
const TIME_FORMAT = 'TIME %e %U %S %M'

function arg(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

const uptime = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()

interface Timed {
  command: string
  uptime_before: string
  uptime_after: string
  load_before: number[]
  load_after: number[]
  wall_s: number
  user_s: number
  sys_s: number
  max_rss_kib: number
  auto_lines: string[]
  mean_plcc: Record<string, number>
}

/** One CLI run under /usr/bin/time: its times (from time's last line) and what it said. */
function timed(args: string[], shown: string): Timed {
  const uptimeBefore = uptime()
  const loadBefore = loadNow()
  const r = spawnSync('/usr/bin/time', ['-f', TIME_FORMAT, process.execPath, 'cli/vmaf-tiny-lab.mjs', ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 256 << 20 })
  if (r.status !== 0) throw new Error(`${shown} exited with ${r.status}:\n${r.stderr.slice(-2000)}`)
  const line = r.stderr.trim().split('\n').reverse().find((l) => l.startsWith('TIME '))
  if (!line) throw new Error(`/usr/bin/time printed no times for ${shown}`)
  const [wall, user, sys, rss] = line.slice(5).split(' ').map(Number)
  const out = JSON.parse(r.stdout) as { arms: Record<string, { mean: { plcc: number } }> }
  return {
    command: shown,
    uptime_before: uptimeBefore,
    uptime_after: uptime(),
    load_before: loadBefore,
    load_after: loadNow(),
    wall_s: wall,
    user_s: user,
    sys_s: sys,
    max_rss_kib: rss,
    auto_lines: r.stderr.split('\n').filter((l) => l.includes('--device auto')),
    mean_plcc: Object.fromEntries(Object.entries(out.arms).map(([a, v]) => [a, Number(v.mean.plcc.toFixed(6))])),
  }
}

export default async function main(argv: string[]): Promise<number> {
  const preset = arg(argv, 'preset', 'arch')
  const seeds = arg(argv, 'seeds', '5')
  const tmp = mkdtempSync(join(tmpdir(), 'vmaf-auto-default-'))
  const data = ['--netflix', join(SHARED, 'data', 'nflx_like.parquet'), '--konvid', join(SHARED, 'data', 'konvid_like')]
  const base = ['study', '--preset', preset, '--seeds', seeds, '--json']
  const shown = (extra: string[]) => `/usr/bin/time node cli/vmaf-tiny-lab.mjs ${[...base, ...extra].join(' ')} --netflix ../shared/data/nflx_like.parquet --konvid ../shared/data/konvid_like --out-dir TMP`
  try {
    const cpu = timed([...base, '--device', 'cpu', ...data, '--out-dir', join(tmp, 'cpu')], shown(['--device', 'cpu']))
    const auto = timed([...base, ...data, '--out-dir', join(tmp, 'auto')], shown([]))
    const ratio = Number((auto.wall_s / cpu.wall_s).toFixed(3))
    const file = join(REPO, 'bench', 'results', `auto-default-${today()}.json`)
    writeResult(file, {
      bench: 'auto-default',
      date: new Date().toISOString(),
      machine: machine(),
      note: 'back to back on shared cores: other sessions ran at the same time (see the loads and uptime lines)',
      preset,
      seeds: Number(seeds),
      runs: { cpu, auto },
      wall_ratio_auto_over_cpu: ratio,
      bar: 'auto (no --device) ≤ 1.5× --device cpu',
      met: ratio <= 1.5,
    })
    process.stderr.write(`cpu ${cpu.wall_s} s, auto (default) ${auto.wall_s} s: ${ratio}×; wrote ${file.slice(REPO.length + 1)}\n`)
    return 0
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
