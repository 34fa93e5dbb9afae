// The demo corpus as the CLI reads it (same reader, same file order) and a model file run on its
// rows with onnxruntime-node: the CLI tests recompute the reported numbers from the written files.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { asyncBufferFromFile } from 'hyparquet'
import * as ort from 'onnxruntime-node'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { ingestInto, ingestSources, type SourceInput } from '../../src/data/ingest.ts'
import { sharedPath } from '../helpers/shared.ts'

export const NFLX = sharedPath('data/nflx_like.parquet')
export const KONVID = sharedPath('data/konvid_like')
export const KONVID_SHARDS = readdirSync(KONVID).filter((n) => n.endsWith('.parquet')).sort().map((n) => join(KONVID, n))
export const SOURCES = ['Harbor', 'Meadow', 'Alpine', 'Blossom', 'Creek', 'Cups', 'Ivy', 'Toonland', 'NightGrain']
const features = [...CANONICAL_FEATURES]

/** The table the CLI builds from --netflix NFLX --konvid KONVID. */
export async function demoTable(): Promise<FeatureTable> {
  const src = async (path: string): Promise<SourceInput> => ({ kind: 'buffer', name: path, file: await asyncBufferFromFile(path) })
  const { table: t } = await ingestSources([await src(NFLX)], { corpus: 'nflx', strict: true })
  await ingestInto(t, await Promise.all(KONVID_SHARDS.map(src)), { corpus: 'konvid', strict: true })
  return t
}

/** Predictions of the ONNX model at `path` on `rows` of `table` (all rows when null). */
export async function predictFile(table: FeatureTable, path: string, rows: Uint32Array | null): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path)
  const n = rows ? rows.length : table.rows
  const x = new ort.Tensor('float32', table.matrix(features, rows ?? undefined), [n, features.length])
  const out = await session.run({ [session.inputNames[0]]: x })
  const pred = Float32Array.from(out[session.outputNames[0]].data as Float32Array)
  await session.release()
  return pred
}

/** Rows of one nflx source. */
export function sourceRows(table: FeatureTable, source: string): Uint32Array {
  const codes = table.sourceCodes()
  return Uint32Array.from({ length: table.rows }, (_, i) => i).filter((i) => table.sourceNames[codes[i]] === source)
}
