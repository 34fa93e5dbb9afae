// The demo corpus (../shared/data) loaded in Node with the app's own ingest: nflx-like first,
// then the four konvid-like shards — the order the app's "load demo" uses.
import { asyncBufferFromFile } from 'hyparquet'
import { ingestSources, type SourceInput } from '../../src/data/ingest.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { sharedPath } from './shared.ts'

export const DEMO_FILES = [
  'nflx_like.parquet',
  'konvid_like/part-000.parquet',
  'konvid_like/part-001.parquet',
  'konvid_like/part-002.parquet',
  'konvid_like/part-003.parquet',
]

export async function loadDemo(files: readonly string[] = DEMO_FILES): Promise<FeatureTable> {
  const sources: SourceInput[] = []
  for (const f of files) sources.push({ kind: 'buffer', name: f, file: await asyncBufferFromFile(sharedPath('data', f)) })
  const { table } = await ingestSources(sources, { strict: true, columns: 'shared' })
  return table
}
