// Training data in one shared WebAssembly memory (src/model/sharedData.ts): a table loaded with
// shared columns hands them to tableToTrainData as they are, the WebAssembly trainer's threads
// train on them in place, and the results are the same bits as on ordinary arrays copied into
// each thread's own memory.
import { afterAll, describe, expect, it } from 'vitest'
import { WasmTrainer } from '../../src/cpu/trainer.ts'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import { flattenParams } from '../../src/model/params.ts'
import { sharedCopy, sharedDataOf } from '../../src/model/sharedData.ts'
import { trainDataFromRows } from '../../src/model/trainData.ts'
import { ingestSources } from '../../src/data/ingest.ts'
import { asyncBufferFromFile } from 'hyparquet'
import { sharedPath } from '../helpers/shared.ts'
import type { TrainData, TrainJob, TrainResult } from '../../src/model/contract.ts'
import { nodeWasmTrainer } from '../../src/node/cpuWorkers.ts'
import { loadDemo } from '../helpers/demoTable.ts'
import { losoFolds, makeSplit } from '../../src/data/splits.ts'
import { sharedUint32 } from '../../src/base/sharedMemory.ts'
import { loadTorchFixture } from '../helpers/torchFixture.ts'

const iota = (n: number) => Uint32Array.from({ length: n }, (_, i) => i)

function plainData(): TrainData {
  const fx = loadTorchFixture('mlp_small_long')
  return trainDataFromRows(fx.x.flat(), 6, Float32Array.from(fx.y))
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
    const shared = sharedCopy(plain)!
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
    expect(shared.columns).toEqual(plain.columns)
    expect(shared.y).toEqual(plain.y)
  })

  it("tableToTrainData hands over a shared table's own columns, in one shared memory, in any order", async () => {
    const table = await loadDemo()
    const data = tableToTrainData(table, CANONICAL_FEATURES)
    const where = sharedDataOf(data)
    expect(where).not.toBeNull()
    expect(where!.rows).toBe(table.rows)
    // the very columns, not copies
    CANONICAL_FEATURES.forEach((f, i) => expect(data.columns[i].buffer).toBe(table.feature(f).buffer))
    expect(data.columns[0]).toEqual(table.feature(CANONICAL_FEATURES[0]))
    expect(data.y).toEqual(table.target())
    const two = tableToTrainData(table, ['motion2', 'adm2'])
    expect(sharedDataOf(two)!.columns).toEqual([where!.columns[CANONICAL_FEATURES.indexOf('motion2')], where!.columns[0]])
  })

  it('a table with its own columns is not shared: the trainer copies it into shared memory once', async () => {
    const file = await asyncBufferFromFile(sharedPath('data', 'nflx_like.parquet'))
    const { table } = await ingestSources([{ kind: 'buffer', name: 'nflx_like.parquet', file }], { strict: true })
    const data = tableToTrainData(table, CANONICAL_FEATURES)
    expect(sharedDataOf(data)).toBeNull()
    expect(sharedDataOf(sharedCopy(data)!)!.rows).toBe(table.rows)
  })
})

describe('shared row lists', () => {
  it("a split's row lists are on a SharedArrayBuffer, so a worker gets them without a copy; other rows are copied there once", async () => {
    const table = await loadDemo()
    const split = makeSplit(table, { mode: 'netflix-source' })
    const [fold] = losoFolds(table)
    for (const rows of [split.trainRows, split.valRows, fold.trainRows, fold.valRows]) {
      expect(rows.buffer).toBeInstanceOf(SharedArrayBuffer)
      expect(sharedUint32(rows)).toBe(rows)
    }
    const plain = iota(1000)
    const copy = sharedUint32(plain)
    expect(copy.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(Array.from(copy)).toEqual(Array.from(plain))
    expect(sharedUint32(plain)).toBe(copy)
  })
})
