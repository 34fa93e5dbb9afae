// The CLI's GPU path with its payload in many small pieces: the WGSL engine in headless Chromium
// must train exactly (bit for bit) as with the payload in default-sized pieces, the training rows
// fetched in many ranges as in one per column. Needs Chromium
// with WebGPU (SwiftShader is enough) and fails without it; the trainer that ran is asserted.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { ingestSources } from '../../src/data/ingest.ts'
import { makeSplit } from '../../src/data/splits.ts'
import { archSpec } from '../../src/model/arch.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import { ChromiumTrainer } from '../../src/node/chromiumTrainer.ts'
import { sharedSource } from '../data/fixtures.ts'

let trainer: ChromiumTrainer

beforeAll(async () => {
  trainer = await ChromiumTrainer.open()
}, 600_000)
afterAll(async () => {
  await trainer?.close()
})

test('a payload in 16 KiB pieces trains bit-identically to one in default pieces', async () => {
  expect(trainer.kind).toBe('webgpu')
  expect(trainer.description).toMatch(/^WebGPU: /)
  const { table } = await ingestSources([sharedSource('data/nflx_like.parquet')], { strict: true })
  const split = makeSplit(table, { mode: 'netflix-source' })
  const data = tableToTrainData(table, CANONICAL_FEATURES)
  const arch = archSpec('mlp_small', CANONICAL_FEATURES.length)
  const job = makeJob({ id: 'pieces', label: 'pieces', widths: arch.widths, seed: 3, scalerMode: 'standard', data, trainRows: split.trainRows, valRows: split.valRows, epochs: 2, batchSize: 256, lr: 1e-3 })

  trainer.pieceBytes = 16 << 10
  const [small] = await trainer.train(data, [job])
  const smallPayload = trainer.lastPayload!
  trainer.pieceBytes = 16 << 20
  const [whole] = await trainer.train(data, [job])
  const wholePayload = trainer.lastPayload!

  // every array fits one default piece; the training rows (trainRows) span several pieces of 16 KiB
  expect(smallPayload.bytes).toBe(wholePayload.bytes)
  expect(smallPayload.pieces).toBeGreaterThan(wholePayload.pieces + 1)
  // the rows (10,800 of 6 features and the target) were fetched whole, once: in 16 KiB (4096-row)
  // ranges, 3 per column; in default pieces one range per column
  const rowBytes = table.rows * 4 * (CANONICAL_FEATURES.length + 1)
  expect(smallPayload.rowBytes).toBe(rowBytes)
  expect(wholePayload.rowBytes).toBe(rowBytes)
  expect(smallPayload.rowFetches).toBe(7 * Math.ceil(table.rows / 4096))
  expect(wholePayload.rowFetches).toBe(7)
  // the engine's buffers held at least the padded features (2 vec4s a row) and the targets at once
  expect(await trainer.gpuPeakBytes()).toBeGreaterThanOrEqual(table.rows * (32 + 4))
  expect(small.status).toBe('done')
  expect(small.trainLoss).toHaveLength(2)
  expect(small.trainLoss[1]).toBeLessThan(small.trainLoss[0])
  expect(small.trainLoss).toEqual(whole.trainLoss)
  expect(small.valLoss).toEqual(whole.valLoss)
  expect(Array.from(small.checkpoint!.params)).toEqual(Array.from(whole.checkpoint!.params))
}, 600_000)
