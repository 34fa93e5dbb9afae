// The WGSL engine on this machine's real GPU: every architecture at 1, 9, 36 and 180 models per
// run (the generic architectures also on the 'any' kernel, to compare it with the tiled one), then
// the FoxBird study, all in headless Chromium launched for the GPU (bench/gpu/browser.ts). Writes
// one JSON file (default bench/results/gpu-<date>-<adapter>.json) and prints its path.
//   npm run bench:gpu [-- --rows N] [--epochs N] [--models 1,9,36,180] [--archs linear,mlp_small,…]
//                     [--no-study] [--out FILE] [--allow-software] [--software]
// Refuses (exit 3) when Chromium only offers a software adapter (SwiftShader): those are not GPU
// numbers. --allow-software runs anyway and marks the file "software_adapter": true; --software
// measures SwiftShader on purpose (Chromium with the tests' flags), e.g. to compare the kernels
// on a machine without a GPU. On a software adapter the comparison kernel is 'tiled', on a GPU 'any'.
// Timed interval per entry: lab.engineTrain's train() call to its return (data upload, every
// epoch's dispatches and readbacks; pipelines compiled beforehand), as in `npm run bench`.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, hostname, loadavg, totalmem } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { EngineTrainReply, EngineTrainRequest } from '../src/pageApi/engine.ts'
import type { GpuTrainerOptions } from '../src/engine/index.ts'
import { openPageApi } from '../src/node/browser.ts'
import { ROOT } from '../src/node/repoRoot.ts'
import { chromiumArgs } from '../src/node/chromium.ts'
import { openGpuHarness } from './gpu/browser.ts'
import { benchData, benchJobs } from './train.ts'

const ARCHS = ['linear', 'mlp_small', 'mlp_medium', 'mlp_large']

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

function positive(argv: string[], name: string, def: number): number {
  const v = Number(flag(argv, name, String(def)))
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`)
  return v
}

interface RunEntry {
  models: number
  kernel: string
  generic: string
  wall_s: number
  samples_per_s: number
  samples_per_s_per_model: number
  final_loss_model0: number
}

export default async function main(argv: string[]): Promise<number> {
  const rows = positive(argv, 'rows', 280_000)
  const epochs = positive(argv, 'epochs', 10)
  const counts = flag(argv, 'models', '1,9,36,180').split(',').map(Number)
  const archs = flag(argv, 'archs', ARCHS.join(',')).split(',')
  const software = argv.includes('--software')
  const allowSoftware = software || argv.includes('--allow-software')
  const log = (s: string) => process.stderr.write(s + '\n')
  const load0 = loadavg()

  const onConsole = (l: string) => (l.includes('error') ? log(l) : undefined)
  const session = software ? { ...(await openPageApi({ onConsole })), args: chromiumArgs() } : await openGpuHarness({ onConsole })
  try {
    const page = session.page
    const info = await page.evaluate(() => (window as any).lab.engineInfo({}))
    if (!info.ok) {
      log(`bench:gpu: Chromium offers no WebGPU adapter (${info.reason}). Flags: ${session.args.join(' ')}`)
      return 3
    }
    log(`adapter: ${info.adapter}`)
    if (info.software) {
      log('bench:gpu: ONLY A SOFTWARE ADAPTER (SwiftShader / fallback) WAS FOUND — these would not be GPU numbers.')
      log(`  Check the GPU driver (Vulkan: vulkaninfo), or pass other flags in GPU_CHROMIUM_ARGS. Flags used: ${session.args.join(' ')}`)
      if (!allowSoftware) return 3
      log('  --allow-software: running anyway; the file says software_adapter: true.')
    }
    log(`tiled kernel: ${info.tiledWorkgroup ?? '-'} lanes, ${info.tiledWorkgroupVec4 ?? '-'} vec4 of workgroup memory`)

    const data = await benchData(rows)
    const run = async (arch: string, n: number, options: GpuTrainerOptions): Promise<RunEntry> => {
      const req: EngineTrainRequest = { data, jobs: benchJobs(data, n, epochs, arch), checkpoints: false, options }
      const r: EngineTrainReply = await page.evaluate((q) => (window as any).lab.engineTrain(q), req)
      const bad = r.results.find((x) => x.status !== 'done')
      if (bad) throw new Error(`${arch} × ${n}: ${bad.status} ${bad.message ?? ''}`)
      const total = (n * rows * epochs) / (r.wallMs / 1000)
      return {
        models: n,
        kernel: r.kernels[0],
        generic: options.generic ?? 'auto',
        wall_s: Number((r.wallMs / 1000).toFixed(3)),
        samples_per_s: Math.round(total),
        samples_per_s_per_model: Math.round(total / n),
        final_loss_model0: Number(r.results[0].trainLoss.at(-1)!.toFixed(4)),
      }
    }

    const results: Record<string, RunEntry[]> = {}
    for (const arch of archs) {
      results[arch] = []
      const other: GpuTrainerOptions = info.software ? { generic: 'tiled' } : { generic: 'any' }
      const generics: GpuTrainerOptions[] = arch === 'linear' || arch === 'mlp_small' ? [{}] : [{}, other]
      for (const options of generics)
        for (const n of counts) {
          const e = await run(arch, n, options)
          results[arch].push(e)
          log(`${arch} × ${n} (${e.kernel}): ${e.samples_per_s.toLocaleString('en')} samples/s (${e.wall_s} s)`)
        }
    }

    let study: unknown = null
    if (!argv.includes('--no-study')) {
      log('FoxBird study (a)+(b)+(c), demo corpus, mlp_small, 30 epochs, 1 seed')
      const o = await page.evaluate(
        (r) => (window as any).lab.studyRun(r),
        { design: 'foxbird', epochs: 30, seeds: 1, recipe: { arch: 'mlp_small', batchSize: 256, lr: 1e-3, scalerMode: 'standard' }, trainer: 'webgpu' },
      )
      study = {
        device: o.device,
        models: o.runs.length,
        failed: o.failed.length,
        samples: o.totalSamples,
        train_s: Number((o.trainMs / 1000).toFixed(2)),
        wall_s: Number((o.wallMs / 1000).toFixed(2)),
        samples_per_s: Math.round(o.totalSamples / (o.trainMs / 1000)),
      }
      log(`study: ${JSON.stringify(study)}`)
    }

    const date = new Date().toISOString()
    const out = {
      what: 'bench:gpu — WGSL engine on a real GPU (headless Chromium); timed: train() call to return, pipelines compiled beforehand',
      date,
      machine: { hostname: hostname(), cpus: cpus().length, cpu_model: cpus()[0]?.model ?? null, memory_gib: Math.round(totalmem() / 2 ** 30) },
      load_average: { before: load0.map((v) => Number(v.toFixed(2))), after: loadavg().map((v) => Number(v.toFixed(2))) },
      chromium_args: session.args,
      adapter: info.adapter,
      software_adapter: info.software === true,
      engine: {
        small_workgroup: info.smallWorkgroup,
        any_workgroup: info.anyWorkgroup,
        tiled_workgroup: info.tiledWorkgroup,
        tiled_workgroup_vec4: info.tiledWorkgroupVec4,
        max_compute_workgroup_storage_size: info.maxComputeWorkgroupStorageSize,
      },
      recipe: { rows, epochs, batch: 256, lr: 1e-3, scaler: 'standard', data: 'demo nflx rows resampled with seed 1234' },
      archs: results,
      study,
    }
    const slug = String(info.adapter).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40)
    const file = resolve(ROOT, flag(argv, 'out', `bench/results/gpu-${date.slice(0, 10)}-${slug}.json`))
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify(out, null, 2) + '\n')
    process.stdout.write(file + '\n')
    return 0
  } finally {
    await session.close()
  }
}
