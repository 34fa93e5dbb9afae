// Inference speed of our exported mlp_small on 280,000 rows (the demo's nflx-like rows tiled):
// onnxruntime-node (CPU EP) in this process, onnxruntime-web WASM and WebGPU in the app's eval
// worker inside headless Chromium (openPageApi). Plus session-creation time, cold and warm.
//   npm run bench:infer [-- --rows 280000 --repeat 5 --json out.json --dist dist]
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { asyncBufferFromFile } from 'hyparquet'
import { ingestSources } from '../src/data/ingest.ts'
import { archSpec } from '../src/model/arch.ts'
import { CANONICAL_FEATURES } from '../src/base/features.ts'
import { initParams } from '../src/model/init.ts'
import { fitScaler } from '../src/model/scaler.ts'
import { unknownSplit } from '../src/model/splitRecord.ts'
import type { TrainedModel } from '../src/model/trained.ts'
import { exportOnnx } from '../src/onnx/export.ts'
import type { EvalOutput, OnnxModelSource } from '../src/onnx/evaluator.ts'
import { openPageApi } from '../src/node/browser.ts'
import { ROOT } from '../src/node/repoRoot.ts'
import { createNodeEvaluator } from '../src/node/ortNode.ts'
import { cpus, loadavg } from 'node:os'
import { columnsOf } from '../src/model/trainData.ts'

const arg = (argv: string[], name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : dflt
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]

async function demoMatrix(): Promise<Float32Array> {
  const path = resolve(ROOT, '../shared/data/nflx_like.parquet')
  const { table } = await ingestSources([{ kind: 'buffer', name: 'nflx_like.parquet', file: await asyncBufferFromFile(path) }], { strict: true })
  return table.matrix(CANONICAL_FEATURES)
}

function tile(base: Float32Array, rows: number, F: number): Float32Array {
  const x = new Float32Array(rows * F)
  for (let o = 0; o < x.length; o += base.length) x.set(base.subarray(0, Math.min(base.length, x.length - o)), o)
  return x
}

/** mlp_small with torch-exact init weights and a scaler fitted on the demo rows: speed does not depend on the values. */
function mlpSmall(base: Float32Array): TrainedModel {
  const arch = archSpec('mlp_small', 6)
  const all = Uint32Array.from({ length: base.length / 6 }, (_, i) => i)
  return {
    id: 'bench_mlp_small', createdAt: new Date(0).toISOString(), arch, features: [...CANONICAL_FEATURES],
    params: initParams(arch.widths, 0), scaler: fitScaler(columnsOf(base, 6), all),
    training: { seed: 0, epochs: 0, batchSize: 256, lr: 1e-3, scalerMode: 'standard', split: unknownSplit('bench: untrained'), inputFiles: [], trainRows: all.length, valRows: 0, steps: 0, trainLoss: [], valLoss: [], device: 'none', wallMs: 0 },
  }
}

interface Line { runtime: string; sessionColdMs: number; sessionWarmMs: number; inferMs: number; rowsPerS: number; wallRowsPerS?: number; smallBatchMs: number }

export default async function main(argv: string[]): Promise<number> {
  const rows = Number(arg(argv, 'rows', '280000'))
  const repeat = Number(arg(argv, 'repeat', '5'))
  const out = arg(argv, 'json', '')
  const base = await demoMatrix()
  const x = tile(base, rows, 6)
  const small = x.subarray(0, 1000 * 6)
  const model: OnnxModelSource = { name: 'bench_mlp_small.onnx', bytes: exportOnnx(mlpSmall(base)) }
  const lines: Line[] = []
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)))
  console.log(`mlp_small (257 weights), ${rows.toLocaleString('en-US')} rows, median of ${repeat} (WebGPU: of ${Math.min(repeat, 3)}); ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  // onnxruntime-node: cold = first session in this process, warm = a new session for the same model
  {
    const ev = await createNodeEvaluator()
    const cold = await ev.run(model, x.subarray(0, 6), 1, 6)
    await ev.dispose()
    const ev2 = await createNodeEvaluator()
    const warm = await ev2.run(model, x.subarray(0, 6), 1, 6)
    const times: number[] = []
    for (let i = 0; i < repeat; i++) times.push((await ev2.run(model, x, rows, 6)).inferenceMs)
    const smallBatch: number[] = []
    for (let i = 0; i < repeat; i++) smallBatch.push((await ev2.run(model, small, 1000, 6)).inferenceMs)
    await ev2.dispose()
    const t = median(times)
    lines.push({ runtime: 'onnxruntime-node (cpu)', sessionColdMs: cold.sessionMs, sessionWarmMs: warm.sessionMs, inferMs: t, rowsPerS: rows / (t / 1000), smallBatchMs: median(smallBatch) })
  }

  // onnxruntime-web in the app's eval worker
  const h = await openPageApi({ outDir: arg(argv, 'dist', 'dist') })
  try {
    const page = h.page
    type Lab = Record<string, (...a: unknown[]) => Promise<any>>
    const lab = <T>(fn: string, arg?: unknown) => page.evaluate(([f, a]) => ((window as any).lab as Lab)[f as string](a), [fn, arg] as const) as Promise<T>
    const env = await lab<{ webgpu: boolean; adapter: string; threads: number; loadMs: number }>('evalEnv')
    console.log(`onnxruntime-web: import ${env.loadMs.toFixed(0)} ms (its 28 MB wasm is fetched and compiled by the first session: "session cold" of wasm); WebGPU adapter: ${env.adapter}; wasm threads ${env.threads}`)
    for (const ep of ['wasm', 'webgpu'] as const) {
      if (ep === 'webgpu' && !env.webgpu) continue
      const run = (xs: Float32Array, n: number) => lab<EvalOutput & { wallMs: number }>('evalRun', { model, x: xs, rows: n, nFeatures: 6, ep })
      const cold = await run(x.subarray(0, 6), 1)
      await lab('evalRelease')
      const warm = await run(x.subarray(0, 6), 1)
      const times: number[] = []
      const walls: number[] = []
      // SwiftShader's WebGPU takes tens of seconds per pass: fewer repeats there
      const n = ep === 'webgpu' ? Math.min(repeat, 3) : repeat
      for (let i = 0; i < n; i++) {
        const r = await run(x, rows)
        walls.push(r.wallMs)
        times.push(r.inferenceMs)
        if (r.ep !== ep) throw new Error(`asked for ${ep}, ran on ${r.ep}`)
      }
      const smallBatch: number[] = []
      for (let i = 0; i < n; i++) smallBatch.push((await run(small, 1000)).inferenceMs)
      const t = median(times)
      lines.push({
        runtime: `onnxruntime-web ${ep}`, sessionColdMs: cold.sessionMs, sessionWarmMs: warm.sessionMs, inferMs: t,
        rowsPerS: rows / (t / 1000), wallRowsPerS: rows / (median(walls) / 1000), smallBatchMs: median(smallBatch),
      })
    }
  } finally {
    await h.close()
  }

  console.log('\n| runtime | session cold ms | session warm ms | inference ms | rows/s | rows/s incl. page→worker→page copies | 1,000 rows ms |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  for (const l of lines)
    console.log(`| ${l.runtime} | ${l.sessionColdMs.toFixed(1)} | ${l.sessionWarmMs.toFixed(1)} | ${l.inferMs.toFixed(1)} | ${Math.round(l.rowsPerS).toLocaleString('en-US')} | ${l.wallRowsPerS ? Math.round(l.wallRowsPerS).toLocaleString('en-US') : '—'} | ${l.smallBatchMs.toFixed(2)} |`)
  console.log('\ncold = first session of the EP in a fresh worker/process (web: after ORT is imported; excludes that import);')
  console.log('warm = a new session for the same model once the runtime is initialised. Inference times exclude session creation.')
  if (out) {
    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', gpu: 'none (WebGPU on SwiftShader)' }
    const load_average = { before: loadBefore, after: loadavg().map((l) => Number(l.toFixed(2))) }
    const timed = 'inference only (session creation reported apart as cold and warm; the ORT import excluded)'
    writeFileSync(out, JSON.stringify({ bench: 'infer', date: new Date().toISOString(), machine, load_average, timed, rows, repeat, lines }, null, 2))
  }
  return 0
}
