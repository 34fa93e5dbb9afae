// Training data in one shared WebAssembly memory (src/model/sharedData.ts): tableToTrainData
// writes the features there, the WebAssembly trainer's threads train on them in place, and the
// results are the same bits as on ordinary arrays copied into each thread's own memory.
import { afterAll, describe, expect, it } from 'vitest'
import { WasmTrainer } from '../../src/cpu/trainer.ts'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import { flattenParams } from '../../src/model/params.ts'
import { sharedDataOf, sharedTrainData } from '../../src/model/sharedData.ts'
import type { TrainData, TrainJob, TrainResult } from '../../src/model/contract.ts'
import { nodeWasmTrainer } from '../../src/node/cpuWorkers.ts'
import { loadDemo } from '../helpers/demoTable.ts'
import { loadTorchFixture } from '../helpers/torchFixture.ts'

const iota = (n: number) => Uint32Array.from({ length: n }, (_, i) => i)

function plainData(): TrainData {
  const fx = loadTorchFixture('mlp_small_long')
  return { x: Float32Array.from(fx.x.flat()), y: Float32Array.from(fx.y), nFeatures: 6 }
}

function sharedCopyOf(d: TrainData): TrainData {
  const s = sharedTrainData(d.y.length, d.nFeatures)!
  s.x.set(d.x)
  s.y.set(d.y)
  return s
}

function jobsOn(data: TrainData): TrainJob[] {
  const common = { data, trainRows: iota(9000), valRows: Uint32Array.from({ length: 1800 }, (_, i) => 9000 + i), epochs: 2, batchSize: 256, lr: 1e-3, scalerMode: 'standard' as const }
  return [
    makeJob({ ...common, id: 'a', label: 'mlp_small seed 0', widths: [6, 16, 8, 1], seed: 0 }),
    makeJob({ ...common, id: 'b', label: 'mlp_medium seed 1', widths: [6, 64, 32, 1], seed: 1, trainRows: iota(5000), batchSize: 77 }),
    makeJob({ ...common, id: 'c', label: 'linear seed 2', widths: [6, 1], seed: 2, scalerMode: 'raw' }),
  ]
}

const bits = (r: TrainResult) => ({ status: r.status, params: flattenParams(r.params), train: r.trainLoss, val: r.valLoss, steps: r.steps })

const trainers: WasmTrainer[] = []
afterAll(() => trainers.forEach((t) => t.dispose()))

describe('shared training data', () => {
  it('trains to the same bits in place as copied, in this thread and on workers, run after run', async () => {
    const plain = plainData()
    const expected = (await new WasmTrainer({ workers: 0 }).train(plain, jobsOn(plain))).map(bits)
    expect(expected.every((r) => r.status === 'done')).toBe(true)
    const shared = sharedCopyOf(plain)
    const memory = sharedDataOf(shared)!.memory
    const dataBytes = memory.buffer.byteLength
    const here = new WasmTrainer({ workers: 0 })
    const workers = nodeWasmTrainer({ workers: 2 })
    trainers.push(workers)
    expect(workers.dataSharing).toBe('shared')
    for (const t of [here, workers]) {
      const first = (await t.train(shared, jobsOn(shared))).map(bits)
      const grown = memory.buffer.byteLength
      const again = (await t.train(shared, jobsOn(shared))).map(bits)
      expect(first).toEqual(expected)
      expect(again).toEqual(expected)
      // the second run reuses the regions the first one added: the memory grows once per thread
      expect(memory.buffer.byteLength).toBe(grown)
    }
    expect(memory.buffer.byteLength).toBeGreaterThan(dataBytes)
    // the data themselves were never written to
    expect(shared.x).toEqual(plain.x)
    expect(shared.y).toEqual(plain.y)
  })

  it('tableToTrainData writes the table matrix and target straight into one shared memory', async () => {
    const table = await loadDemo()
    const data = tableToTrainData(table, CANONICAL_FEATURES)
    const where = sharedDataOf(data)
    expect(where).not.toBeNull()
    expect(where!.rows).toBe(table.rows)
    expect(data.x).toEqual(table.matrix(CANONICAL_FEATURES))
    expect(data.y).toEqual(table.target())
    // a subset in another order too
    const two = ['motion2', 'adm2']
    expect(tableToTrainData(table, two).x).toEqual(table.matrix(two))
  })
})
