// CPU reference trainer speed: mlp_small (or --arch), batch 256, 30 epochs over 280,000 rows
// resampled (seeded) from the 10,800 demo rows of the mlp_small_long fixture.
//   node scripts/run-ts.mjs bench/cpu.ts [--rows N] [--epochs N] [--arch mlp_small] [--jobs N] [--json]
import { archSpec } from '../src/model/arch.ts'
import { makeJob } from '../src/model/jobs.ts'
import { TorchGenerator } from '../src/base/prng.ts'
import { CpuTrainer } from '../src/model/trainCpu.ts'
import type { TrainData } from '../src/model/contract.ts'
import { readJson } from '../test/helpers/shared.ts'

function arg(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

export default async function main(argv: string[]): Promise<number> {
  const rows = Number(arg(argv, 'rows', '280000'))
  const epochs = Number(arg(argv, 'epochs', '30'))
  const arch = arg(argv, 'arch', 'mlp_small')
  const nJobs = Number(arg(argv, 'jobs', '1'))
  const fx = readJson<{ x: number[][]; y: number[] }>('fixtures', 'torch_parity', 'mlp_small_long.json')
  const nf = fx.x[0].length
  const gen = new TorchGenerator(1234)
  const x = new Float32Array(rows * nf)
  const y = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    const s = gen.random() % fx.y.length
    for (let f = 0; f < nf; f++) x[r * nf + f] = fx.x[s][f]
    y[r] = fx.y[s]
  }
  const data: TrainData = { x, y, nFeatures: nf }
  const all = Uint32Array.from({ length: rows }, (_, i) => i)
  const { widths } = archSpec(arch, nf)
  const jobs = Array.from({ length: nJobs }, (_, j) =>
    makeJob({ id: `j${j}`, label: `${arch} seed ${j}`, widths, seed: j, scalerMode: 'standard', data,
      trainRows: all, valRows: new Uint32Array(0), epochs, batchSize: 256, lr: 1e-3 }),
  )
  const trainer = new CpuTrainer()
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  let firstLossMs = NaN
  const res = await trainer.train(data, jobs, {
    onEpoch: (ev) => {
      if (Number.isNaN(firstLossMs)) firstLossMs = performance.now() - t0
      if (!argv.includes('--json')) process.stderr.write(`job ${ev.job} epoch ${ev.epoch} loss ${ev.trainLoss.toFixed(4)}\n`)
    },
  })
  const sec = (performance.now() - t0) / 1000
  // the trainer is single-threaded: per CPU-second is what an idle core would give on a busy machine
  const cu = process.cpuUsage(c0)
  const cpuSec = (cu.user + cu.system) / 1e6
  const out = {
    rows, epochs, arch, jobs: nJobs, batch: 256,
    cpu_reference_samples_per_s: Math.round((rows * epochs * nJobs) / sec),
    samples_per_cpu_s: Math.round((rows * epochs * nJobs) / cpuSec),
    wall_s: Number(sec.toFixed(2)),
    cpu_s: Number(cpuSec.toFixed(2)),
    first_loss_ms: Math.round(firstLossMs),
    final_train_loss: res.map((r) => r.trainLoss[r.trainLoss.length - 1]),
  }
  process.stdout.write(JSON.stringify(out) + '\n')
  return 0
}
