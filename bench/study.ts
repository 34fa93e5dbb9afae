// A designed experiment's wall time and findings, measured the way a user runs it: the CLI
// (`study --preset P --seeds N --device cpu --json`) as a subprocess on the demo corpus of
// ../shared/data. Writes bench/results/<preset>-preset-<date>.json: a header (date, machine, load
// average before/after and sampled during the run, the command, wall time), the CLI's --json
// output as printed, and findings computed from it (each arm's mean PLCC, which arm wins each fold,
// the NightGrain fold; for arch and recipe, the distance of every per-fold mean from PyTorch's fixture).
// --epochs is passed on only when given (recipe's arms have their own epoch counts); --file names
// the result file (default <preset>-preset-<date>.json).
//   node scripts/run-ts.mjs bench/study.ts [--preset arch] [--seeds 5] [--epochs 30] [--file NAME.json]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadNow, machine, writeResult } from './results.ts'

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)))
const SHARED = process.env.VMAF_SHARED ?? resolve(REPO, '../shared')
/** the fold where FoxBird's outlier sits in the demo corpus (dark, grainy: the UGC-like source) */
const OUTLIER = 'NightGrain'

type Scores = { plcc: number; srocc: number; rmse: number }
type Contract = {
  experiment: string
  arms: Record<string, { label: string; folds: (Scores & { source: string; n: number; plcc_seeds: number[] })[]; all: Scores & { n: number }; mean: Scores; std: Scores; ci95: { plcc: [number, number] } }>
  comparisons: { a: string; b: string; delta_plcc: number; ci95: [number, number]; delta_rmse: number; p: number; p_adjusted: number; corrected_t: { p: number; p_adjusted: number } | null }[]
  reading: string
}

function arg(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

const r4 = (v: number) => Number(v.toFixed(4))
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length

function findings(c: Contract) {
  const arms = Object.keys(c.arms)
  const folds = [...new Set(arms.flatMap((a) => c.arms[a].folds.map((f) => f.source)))]
  // per fold, the arms scored on it (cross: each direction has its own folds); a winner needs two
  const winners = folds.map((source) => {
    const by = arms.flatMap((a) => c.arms[a].folds.filter((f) => f.source === source).map((f) => ({ arm: a, plcc: f.plcc })))
    const best = by.length > 1 ? by.reduce((p, q) => (q.plcc > p.plcc ? q : p)).arm : null
    return { fold: source, best, plcc: Object.fromEntries(by.map((b) => [b.arm, r4(b.plcc)])) }
  })
  const wins = Object.fromEntries(arms.map((a) => [a, winners.filter((w) => w.best === a).map((w) => w.fold)]))
  const outlier = winners.find((w) => w.fold === OUTLIER) ?? null
  const lowest = Object.fromEntries(arms.map((a) => [a, c.arms[a].folds.reduce((p, q) => (q.plcc < p.plcc ? q : p)).source]))
  return {
    mean_plcc: Object.fromEntries(arms.map((a) => [a, r4(c.arms[a].mean.plcc)])),
    std_plcc: Object.fromEntries(arms.map((a) => [a, r4(c.arms[a].std.plcc)])),
    all_plcc: Object.fromEntries(arms.map((a) => [a, r4(c.arms[a].all.plcc)])),
    best_arm_per_fold: winners,
    folds_won: wins,
    lowest_fold_per_arm: lowest,
    outlier_fold: outlier,
    comparisons: c.comparisons.map((x) => ({
      delta: `${x.b} - ${x.a}`,
      delta_plcc: r4(x.delta_plcc),
      ci95: x.ci95.map(r4),
      delta_rmse: r4(x.delta_rmse),
      p: x.p,
      p_adjusted: x.p_adjusted,
      corrected_t_p_adjusted: x.corrected_t?.p_adjusted ?? null,
    })),
    converged: Object.fromEntries(arms.map((a) => [a, (c.arms[a] as { convergence?: unknown }).convergence ?? null])),
  }
}

/** arch and recipe: each arm's largest |our per-fold mean − PyTorch's| (the issue's ±0.01 bar). */
function againstTorch(c: Contract, fixture: string) {
  const torch = JSON.parse(readFileSync(join(SHARED, 'fixtures', fixture), 'utf8')) as { runs: Record<string, Record<string, Scores[]>> }
  return Object.fromEntries(
    Object.entries(c.arms).map(([a, arm]) => {
      const d = arm.folds.map((f) => Math.abs(f.plcc - mean(torch.runs[a][f.source].map((r) => r.plcc))))
      return [a, { max_abs_delta_plcc: Number(Math.max(...d).toPrecision(2)), torch_mean_plcc: r4(mean(arm.folds.map((f) => mean(torch.runs[a][f.source].map((r) => r.plcc))))) }]
    }),
  )
}

export default async function main(argv: string[]): Promise<number> {
  const preset = arg(argv, 'preset', 'arch')
  const seeds = arg(argv, 'seeds', '5')
  const epochs = arg(argv, 'epochs', '')
  const out = mkdtempSync(join(tmpdir(), `vmaf-${preset}-`))
  const args = [
    'study', '--preset', preset, '--seeds', seeds, ...(epochs ? ['--epochs', epochs] : []), '--device', 'cpu', '--json', '--out-dir', out,
    '--netflix', join(SHARED, 'data', 'nflx_like.parquet'), '--konvid', join(SHARED, 'data', 'konvid_like'),
  ]
  const command = `node cli/vmaf-tiny-lab.mjs ${args.map((a) => (a === out ? 'TMP' : a.startsWith('/') ? relative(REPO, a) : a)).join(' ')}`
  const before = loadNow()
  const sampled: number[] = []
  const timer = setInterval(() => sampled.push(loadavg()[0]), 5000)
  const t0 = performance.now()
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [join(REPO, 'cli/vmaf-tiny-lab.mjs'), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
  const wall = (performance.now() - t0) / 1000
  clearInterval(timer)
  rmSync(out, { recursive: true, force: true })
  if (run.code !== 0) {
    process.stderr.write(run.stderr)
    return 1
  }
  const contract = JSON.parse(run.stdout) as Contract
  // "180 models in 61.3 s on CPU WebAssembly SIMD (2 workers)": training + export + evaluation
  const done = /(\d+) models in ([\d.]+) s on (.+?)(?: \(\+|$)/m.exec(run.stderr)
  const date = new Date().toISOString()
  const result = {
    bench: `study --preset ${preset} (npm run -s bench:study -- --preset ${preset} --seeds ${seeds})`,
    date,
    machine: { ...machine(), gpu: 'none used: --device cpu trains on the WebAssembly trainer' },
    load_average: { before, after: loadNow(), sampled_1min_mean: sampled.length ? Number(mean(sampled).toFixed(2)) : null, note: 'the machine is shared: other sessions ran their own work at the same time' },
    command,
    models: done ? Number(done[1]) : null,
    device: done ? done[3] : null,
    wall_s: { process: Number(wall.toFixed(1)), train_export_evaluate: done ? Number(done[2]) : null },
    findings: findings(contract),
    ...(preset === 'arch' && seeds === '5' && (epochs === '' || epochs === '30') ? { against_pytorch: againstTorch(contract, 'experiments_arch_torch.json') } : {}),
    ...(preset === 'recipe' && seeds === '3' && epochs === '' ? { against_pytorch: againstTorch(contract, 'experiments_recipe_torch.json') } : {}),
    output: contract,
  }
  const file = join(REPO, 'bench', 'results', arg(argv, 'file', `${preset}-preset-${date.slice(0, 10)}.json`))
  writeResult(file, result)
  process.stderr.write(`${result.models} models in ${wall.toFixed(1)} s (load ${before.join(' ')} → ${result.load_average.after.join(' ')}) → ${relative(REPO, file)}\n`)
  process.stdout.write(JSON.stringify({ ...result, output: undefined }, null, 1) + '\n')
  return 0
}
