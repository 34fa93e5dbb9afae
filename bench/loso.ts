// Wall time of the study's LOSO sweeps in headless Chromium (WebGPU on SwiftShader here), through
// the app's study path (engine + splits + ONNX export + onnxruntime-web evaluation):
//   1. the full FoxBird study (a)+(b)+(c) on the demo corpus, 30 epochs (--seeds N, default 1);
//   2. a 9-fold LOSO (combined corpus, arm b) on 280,000 rows resampled (seeded) from the demo rows.
// Reference: nine sequential runs of the best PyTorch loop on this machine take ~110–125 s.
//   npm run bench:loso -- [--trainer webgpu|cpu] [--seeds N] [--epochs N] [--rows N] [--only study|loso] [--out-dir dist] [--json]
import { openPageApi } from '../src/node/browser.ts'

function arg(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

interface Out {
  device: string
  trainer: string
  loadMs: number
  wallMs: number
  trainMs: number
  rows: number
  totalSamples: number
  totalSteps: number
  runs: { arm: string; fold: string; seed: number; plcc: number }[]
  failed: unknown[]
  armTimes: Record<string, { first: number; last: number }>
  summary: { arms: Record<string, { mean: { plcc: number | null }; std: { plcc: number | null } }> }
}

export default async function main(argv: string[]): Promise<number> {
  const trainer = arg(argv, 'trainer', 'webgpu')
  const seeds = Number(arg(argv, 'seeds', '1'))
  const epochs = Number(arg(argv, 'epochs', '30'))
  const rows = Number(arg(argv, 'rows', '280000'))
  const only = arg(argv, 'only', '')
  const json = argv.includes('--json')
  const log = (s: string) => process.stderr.write(s + '\n')

  const session = await openPageApi({ outDir: arg(argv, 'out-dir', 'dist'), onConsole: (l) => l.includes('[study]') && log(l) })
  const results: Record<string, unknown> = { trainer, epochs }
  try {
    const run = (req: Record<string, unknown>) =>
      session.page.evaluate((r) => (window as unknown as { lab: { studyRun(r: unknown): Promise<Out> } }).lab.studyRun(r), req)
    // the foxbird preset through the pipeline (src/pageApi/study.ts), with the reference recipe
    const recipe = { arch: 'mlp_small', batchSize: 256, lr: 1e-3, scalerMode: 'standard' }

    if (only !== 'loso') {
      log(`[bench] FoxBird study (a)+(b)+(c), demo corpus, ${epochs} epochs, ${seeds} seed(s), ${trainer}`)
      const o = await run({ design: 'foxbird', epochs, recipe, seeds, trainer })
      results.study = summarize(o)
      log(`[bench] study: ${fmt(o)}`)
    }
    if (only !== 'study') {
      log(`[bench] 9-fold LOSO, ${rows.toLocaleString('en-US')} resampled rows (nflx + konvid), ${epochs} epochs, ${trainer}`)
      const o = await run({ design: 'foxbird', epochs, recipe, seeds: 1, arms: ['b'], trainer, resampleRows: rows, resampleSeed: 0 })
      // no peer figure: PyTorch is not run here, so no speed-up is claimed (bench/arch180.ts runs PyTorch)
      results.loso = summarize(o)
      log(`[bench] loso @${rows}: ${fmt(o)}`)
    }
  } finally {
    await session.close()
  }
  if (json) process.stdout.write(JSON.stringify(results) + '\n')
  else process.stdout.write(JSON.stringify(results, null, 2) + '\n')
  return 0
}

function summarize(o: Out) {
  return {
    device: o.device,
    rows: o.rows,
    models: o.runs.length,
    failed: o.failed.length,
    samples: o.totalSamples,
    steps: o.totalSteps,
    load_s: round(o.loadMs / 1000),
    train_s: round(o.trainMs / 1000),
    wall_s: round(o.wallMs / 1000),
    samples_per_s: Math.round(o.totalSamples / (o.trainMs / 1000)),
    arm_first_last_s: Object.fromEntries(Object.entries(o.armTimes).map(([a, t]) => [a, [round(t.first / 1000), round(t.last / 1000)]])),
    mean_plcc: Object.fromEntries(Object.entries(o.summary.arms).map(([a, s]) => [a, s.mean.plcc === null ? null : round(s.mean.plcc, 4)])),
  }
}

const round = (v: number, d = 2) => Number(v.toFixed(d))

function fmt(o: Out): string {
  return (
    `${o.runs.length} models on ${o.device}: train ${(o.trainMs / 1000).toFixed(1)} s, whole ${(o.wallMs / 1000).toFixed(1)} s ` +
    `(data ${(o.loadMs / 1000).toFixed(1)} s), ${Math.round(o.totalSamples / (o.trainMs / 1000)).toLocaleString('en-US')} samples/s`
  )
}
