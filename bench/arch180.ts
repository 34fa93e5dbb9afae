// The arch experiment (4 architectures × 9 LOSO folds × 5 seeds = 180 models, demo corpus, 30
// epochs) two ways, back to back: the lab's `study --preset arch --seeds 5 --device auto` as a user
// runs it (the CLI in a subprocess: the engine auto picks, export and evaluation included), then
// PyTorch 1.13 running the same 180 trainings one after another on one thread (bench/arch_torch.py,
// the protocol of ../shared/fixtures/experiments_arch_torch.json, data from the lab's own reader).
// Writes bench/results/arch180-<date>.json.
//   npm run bench:arch180 [-- --seeds N] [--no-torch] [--out FILE]
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CANONICAL_FEATURES } from '../src/base/features.ts'
import { CORPORA } from '../src/data/table.ts'
import { ROOT } from '../src/node/repoRoot.ts'
import { loadDemo } from '../test/helpers/demoTable.ts'
import { loadNow, machine, today, writeResult } from './results.ts'

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

/** The CLI as a user runs it; resolves with its exit code, stdout, stderr and wall time. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; wall_s: number }> {
  const t0 = performance.now()
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'cli/vmaf-tiny-lab.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      for (const l of d.split('\n')) if (/auto:|models in|warning/.test(l)) process.stderr.write(`  [cli] ${l.replace(/\r/g, '')}\n`)
    })
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr, wall_s: Number(((performance.now() - t0) / 1000).toFixed(2)) }))
  })
}

export default async function main(argv: string[]): Promise<number> {
  const seeds = flag(argv, 'seeds', '5')
  const log = (s: string) => process.stderr.write(s + '\n')
  const tmp = mkdtempSync(join(tmpdir(), 'arch180-'))
  try {
    // the table PyTorch trains on: the demo corpus through the lab's reader, in file order
    const table = await loadDemo()
    const src = table.sourceCodes()
    const corp = table.corpusCodes()
    const dataPath = join(tmp, 'demo.json')
    writeFileSync(dataPath, JSON.stringify({
      features: CANONICAL_FEATURES,
      x: Array.from(table.matrix(CANONICAL_FEATURES)),
      y: Array.from(table.target()),
      source: Array.from(src, (c) => table.sourceNames[c]),
      corpus: Array.from(corp, (c) => CORPORA[c]),
    }))

    const labLoad0 = loadNow()
    log(`lab: study --preset arch --seeds ${seeds} --device auto (load average ${labLoad0.join(' ')})`)
    const outDir = join(tmp, 'study')
    const lab = await runCli(['study', '--preset', 'arch', '--seeds', seeds, '--device', 'auto', '--out-dir', outDir, '--json'])
    const labLoad1 = loadNow()
    if (lab.code !== 0) throw new Error(`the study failed (exit ${lab.code}): ${lab.stderr.trim().split('\n').at(-1)}`)
    const report = JSON.parse(readFileSync(join(outDir, 'arch.report.json'), 'utf8')) as { device: string; wall_s: number; arms: Record<string, { mean: { plcc: number } }> }
    const sentences = lab.stderr.split('\n').filter((l) => l.startsWith('--device auto:')).map((l) => l.replace('--device auto: ', ''))
    const models = (lab.stderr.match(/(\d+) models in [\d.]+ s on /) ?? [])[1]
    log(`lab: ${lab.wall_s} s for the whole command (${report.wall_s.toFixed(1)} s for the experiment) on ${report.device}`)

    let torch: Record<string, unknown> | null = null
    if (!argv.includes('--no-torch')) {
      log('PyTorch: the same 180 trainings one after another, 1 thread')
      const script = fileURLToPath(new URL('./arch_torch.py', import.meta.url))
      const t0 = performance.now()
      const r = spawnSync('/usr/bin/python3', [script, '--data', dataPath, '--seeds', seeds, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      if (r.status !== 0) throw new Error(`bench/arch_torch.py failed (exit ${r.status})`)
      const t = { ...JSON.parse(r.stdout.trim().split('\n').at(-1)!), process_wall_s: Number(((performance.now() - t0) / 1000).toFixed(2)) }
      log(`PyTorch: ${t.wall_s} s`)
      torch = t
    }

    const labMean = Object.fromEntries(Object.entries(report.arms).map(([k, a]) => [k, Number(a.mean.plcc.toFixed(4))]))
    const out = {
      bench: 'arch180',
      date: today(),
      machine: machine(),
      experiment: `arch preset: linear, mlp_small, mlp_medium, mlp_large × 9 LOSO folds (nflx sources) × ${seeds} seeds, 30 epochs, batch 256, demo corpus (8 nflx sources + 9,272 konvid rows per fold)`,
      lab: {
        command: `vmaf-tiny-lab study --preset arch --seeds ${seeds} --device auto --json`,
        models: models ? Number(models) : null,
        device: report.device,
        auto_said: sentences,
        command_wall_s: lab.wall_s,
        experiment_wall_s: Number(report.wall_s.toFixed(2)),
        includes: 'command_wall_s: the whole CLI process (Node start, reading the demo corpus, asking headless Chromium for its adapter, training, ONNX export and onnxruntime-node evaluation of all 180 models, writing them); experiment_wall_s: the experiment alone (training + export + evaluation)',
        mean_plcc: labMean,
        load_average: { before: labLoad0, after: labLoad1 },
      },
      torch: torch && {
        ...torch,
        includes: 'the 180 training loops and each model\'s held-out prediction, one after another on one thread; excludes Python start-up and reading the data (process_wall_s includes them)',
      },
      lab_vs_torch: torch ? Number(((torch.wall_s as number) / lab.wall_s).toFixed(2)) : null,
    }
    const path = resolve(ROOT, flag(argv, 'out', `bench/results/arch180-${out.date}.json`))
    writeResult(path, out)
    log(`lab ${lab.wall_s} s (whole command) vs PyTorch ${torch?.wall_s ?? 'n/a'} s → ${out.lab_vs_torch ?? 'n/a'}×; wrote ${path}`)
    return 0
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
