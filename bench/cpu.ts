// CPU training speed for one architecture, back to back: the WebAssembly trainer (1 worker, then
// one worker per core with as many models as cores), the CPU reference, and PyTorch's best loop
// (bench/torch_loop.py, 1 thread). Batch 256, standard scaler, 280,000 demo rows resampled.
//   node scripts/run-ts.mjs bench/cpu.ts [--arch mlp_small] [--rows N] [--epochs N] [--no-reference] [--no-torch] [--json]
import { loadavg } from 'node:os'
import { cores, fixtureData, measureReference, measureTorch, measureWasm } from './cpuPaths.ts'

function arg(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

export default async function main(argv: string[]): Promise<number> {
  const rows = Number(arg(argv, 'rows', '280000'))
  const epochs = Number(arg(argv, 'epochs', '2'))
  const arch = arg(argv, 'arch', 'mlp_small')
  const log = (s: string) => process.stderr.write(s + '\n')
  const load0 = loadavg()[0]
  const data = fixtureData(rows)
  const n = cores()
  const wasm1 = await measureWasm(data, arch, { workers: 1, models: 1, epochs })
  log(`WebAssembly, 1 worker, 1 model: ${wasm1.samples_per_s.toLocaleString('en')} samples/s`)
  const wasmAll = await measureWasm(data, arch, { workers: n, models: n, epochs })
  log(`WebAssembly, ${n} workers, ${n} models: ${wasmAll.samples_per_s.toLocaleString('en')} samples/s summed`)
  const ref = argv.includes('--no-reference') ? null : await measureReference(data, arch, epochs)
  if (ref) log(`CPU reference: ${ref.samples_per_s.toLocaleString('en')} samples/s`)
  const torch = argv.includes('--no-torch') ? null : measureTorch(arch, rows, epochs)
  if (torch) log(`PyTorch loop, 1 thread: ${torch.samples_per_s.toLocaleString('en')} samples/s`)
  const out = {
    arch, rows, epochs, batch: 256, cores: n,
    wasm_1worker_samples_per_s: wasm1.samples_per_s,
    wasm_all_cores_samples_per_s: wasmAll.samples_per_s,
    cpu_reference_samples_per_s: ref?.samples_per_s ?? null,
    torch_samples_per_s: torch?.samples_per_s ?? null,
    wasm_1worker_vs_torch: torch ? Number((wasm1.samples_per_s / torch.samples_per_s).toFixed(2)) : null,
    load_average: [Number(load0.toFixed(2)), Number(loadavg()[0].toFixed(2))],
  }
  process.stdout.write(JSON.stringify(out) + '\n')
  return 0
}
