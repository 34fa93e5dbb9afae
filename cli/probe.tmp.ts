import { asyncBufferFromFile } from 'hyparquet'
import { ingestSources } from '../src/data/ingest.ts'
import { makeSplit } from '../src/data/splits.ts'
import { makeJob, tableToTrainData } from '../src/model/jobs.ts'
import { CANONICAL_FEATURES } from '../src/model/arch.ts'
import { ChromiumTrainer } from '../src/node/chromiumTrainer.ts'
import { CpuTrainer } from '../src/model/trainCpu.ts'
export default async function main() {
  const f = '/work/shared/data/nflx_like.parquet'
  const { table } = await ingestSources([{ kind: 'buffer', name: f, file: await asyncBufferFromFile(f) }], { strict: true })
  const sp = makeSplit(table, { mode: 'netflix-source' })
  const data = tableToTrainData(table, [...CANONICAL_FEATURES])
  const job = makeJob({ id: 'x', label: 'x', widths: [6, 16, 8, 1], seed: 0, scalerMode: 'standard', data, trainRows: sp.trainRows, valRows: sp.valRows, epochs: 3, batchSize: 256, lr: 1e-3 })
  let t = performance.now()
  const tr = await ChromiumTrainer.open({ onStatus: (m) => console.error(m) })
  console.error('open', (performance.now() - t).toFixed(0), tr.startup, tr.description)
  t = performance.now()
  const res = await tr.train(data, [job], { onEpoch: (ev) => console.error('ev', ev.epoch, ev.trainLoss, ev.valLoss, ev.checkpoint.params.length) })
  console.error('gpu train', (performance.now() - t).toFixed(0), res[0].status, res[0].steps, res[0].trainLoss, res[0].params.layers[0].W.slice(0, 3))
  const cpu = await new CpuTrainer().train(data, [job])
  console.error('cpu', cpu[0].trainLoss, cpu[0].params.layers[0].W.slice(0, 3))
  await tr.close()
  return 0
}
