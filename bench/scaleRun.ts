// One measured path of the scale benchmark, run in its own Node process so that its peak memory
// (the process' maximum resident set) belongs to that path alone:
//   load: the CLI's reader (src/data ingest, the file read slice by slice) → FeatureTable
//   gpu:  load, then one epoch of mlp_small through the CLI's GPU path (ChromiumTrainer: the WGSL
//         engine in headless Chromium, the payload sent in pieces)
//   cpu:  load, then one epoch on the CLI's --device cpu trainer (the WebAssembly trainer, one
//         worker_thread per core; its workers' memory is this process')
// The table and the split are the CLI's: shared float columns (cli/data.ts), netflix-source (one nflx
// source validates). It runs from the Node bundle, as the CLI does (scripts/nodeBundle.mjs). Prints one JSON line.
// With --wait it prints "started" once it is ready to read (its modules loaded; for gpu also the
// trainer's Chromium with its WebGPU device, which the GPU path cannot run without) and waits for
// a line on stdin, so bench/scale.ts can sample its start-up memory from outside before anything is read.
//   node scripts/run-bundled.mjs scaleRun FILE load|gpu|cpu [--wait]
import { ingestSources } from '../src/data/ingest.ts'
import { makeSplit } from '../src/data/splits.ts'
import { CANONICAL_FEATURES } from '../src/base/features.ts'
import { archSpec } from '../src/model/arch.ts'
import { makeJob, tableToTrainData } from '../src/model/jobs.ts'
import type { Trainer } from '../src/model/contract.ts'
import { ChromiumTrainer } from '../src/node/chromiumTrainer.ts'
import { nodeWasmTrainer } from '../src/node/cpuWorkers.ts'
import { fileAccess } from '../src/node/fileAccess.ts'

export interface ScaleRunResult {
  path: 'load' | 'gpu' | 'cpu'
  rows: number
  /** file → FeatureTable, including the whole-file sha256 */
  loadMs: number
  /** bytes the table holds for its rows (features, target, codes, frame index) */
  tableBytes: number
  /** the six features and the target alone */
  featureBytes: number
  /** resident set before anything was read (Node, the modules) and its peak over the run */
  rssBeforeBytes: number
  peakRssBytes: number
  train?: {
    trainer: string
    trainRows: number
    /** the most bytes the engine's GPU buffers held at once (GPU path only) */
    gpuPeakBytes?: number
    /** trainer start-up (browser, WebGPU device, pipelines) before train() */
    startupMs: number
    /** train() called → the first epoch's loss reported (data transfer and upload included) */
    firstEpochMs: number
    samplesPerSec: number
    trainLoss: number
  }
}

const peakRss = () => process.resourceUsage().maxRSS * 1024

/** Says "started" and resolves on the first line from stdin. */
function startSignal(): Promise<void> {
  process.stdout.write('started\n')
  return new Promise((go) => {
    process.stdin.once('data', () => {
      process.stdin.destroy()
      go()
    })
  })
}

export default async function main(argv: string[]): Promise<number> {
  const [file, path] = argv
  if (!file || !['load', 'gpu', 'cpu'].includes(path)) throw new Error('usage: scaleRun.ts FILE load|gpu|cpu [--wait]')
  const s0 = performance.now()
  const trainer: Trainer | null = path === 'gpu' ? await ChromiumTrainer.open({ onStatus: (m) => process.stderr.write(`${m}\n`) }) : path === 'cpu' ? nodeWasmTrainer() : null
  const startupMs = performance.now() - s0
  try {
    return await measure(file, path as ScaleRunResult['path'], trainer, startupMs, argv.includes('--wait'))
  } finally {
    trainer?.dispose()
    if (trainer instanceof ChromiumTrainer) await trainer.close()
  }
}

async function measure(file: string, path: ScaleRunResult['path'], trainer: Trainer | null, startupMs: number, wait: boolean): Promise<number> {
  if (wait) await startSignal()
  const rssBefore = process.memoryUsage().rss
  const t0 = performance.now()
  const { table, errors } = await ingestSources([{ kind: 'buffer', name: file, file: await fileAccess(file) }], { corpus: 'nflx', columns: 'shared' })
  const loadMs = performance.now() - t0
  if (errors.length) throw errors[0]
  const result: ScaleRunResult = {
    path,
    rows: table.rows,
    loadMs,
    tableBytes: table.loadedBytes,
    featureBytes: table.rows * 4 * (table.featureNames.length + 1),
    rssBeforeBytes: rssBefore,
    peakRssBytes: 0,
  }
  if (trainer) {
    const split = makeSplit(table, { mode: 'netflix-source' })
    const data = tableToTrainData(table, CANONICAL_FEATURES)
    const arch = archSpec('mlp_small', CANONICAL_FEATURES.length)
    const job = makeJob({ id: 'scale', label: 'mlp_small seed 0', widths: arch.widths, seed: 0, scalerMode: 'standard', data, trainRows: split.trainRows, valRows: split.valRows, epochs: 1, batchSize: 256, lr: 1e-3 })
    let first = 0
    let loss = NaN
    const t1 = performance.now()
    const [r] = await trainer.train(data, [job], {
      onEpoch: (ev) => {
        if (!first) first = performance.now() - t1
        loss = ev.trainLoss
      },
    })
    if (r.status !== 'done') throw new Error(`training ended ${r.status}: ${r.message}`)
    const gpuPeakBytes = trainer instanceof ChromiumTrainer ? await trainer.gpuPeakBytes() : undefined
    result.train = { trainer: trainer.description, trainRows: split.trainRows.length, gpuPeakBytes, startupMs, firstEpochMs: first, samplesPerSec: split.trainRows.length / (first / 1000), trainLoss: loss }
  }
  result.peakRssBytes = peakRss()
  process.stdout.write(`${JSON.stringify(result)}\n`)
  return 0
}
