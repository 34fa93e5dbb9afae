// A K150K-class corpus for the scale benchmark and the opt-in scale test: `rows` rows drawn (seeded)
// from the demo corpus' rows, regrouped into `sources` sources and `keys` clip keys of varying
// length (frame_index 0… within each clip), the demo schema (16 columns, REQUIRED), written row
// group by row group with hyparquet-writer's ParquetWriter (snappy: the writer ships no zstd
// compressor and Node 20's zlib has none either). Each row group is built and written on its own,
// so the generator holds one row group of columns at a time. Node only.
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { ParquetWriter, fileWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer'
import { ROOT } from '../src/node/repoRoot.ts'

export interface ScaleCorpusSpec {
  rows: number
  sources: number
  keys: number
  rowGroup: number
  seed: number
}

export const SCALE_DEFAULTS: ScaleCorpusSpec = { rows: 10_000_000, sources: 150, keys: 40_000, rowGroup: 1_000_000, seed: 1 }

const DEMO = ['nflx_like.parquet', 'konvid_like/part-000.parquet', 'konvid_like/part-001.parquet', 'konvid_like/part-002.parquet', 'konvid_like/part-003.parquet']
const FLOATS = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2', 'adm_scale0', 'adm_scale1', 'adm_scale2', 'adm_scale3', 'motion', 'vmaf']

/** mulberry32: a small seeded generator (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Clip lengths: uniform in [0.5, 1.5] × the mean, the last ones trimmed or stretched to `rows` in all. */
function clipLengths(spec: ScaleCorpusSpec, next: () => number): Uint32Array {
  const mean = spec.rows / spec.keys
  const len = new Uint32Array(spec.keys)
  let total = 0
  for (let k = 0; k < spec.keys; k++) {
    len[k] = Math.max(1, Math.round(mean * (0.5 + next())))
    total += len[k]
  }
  // spread the difference over the clips, one frame at a time round-robin
  for (let k = 0; total !== spec.rows; k = (k + 1) % spec.keys) {
    if (total > spec.rows && len[k] > 1) (len[k]--, total--)
    else if (total < spec.rows) (len[k]++, total++)
  }
  return len
}

export function scaleCorpusPath(spec: ScaleCorpusSpec, dir = resolve(ROOT, 'out/bench-scale')): string {
  return resolve(dir, `scale-${spec.rows}r-${spec.sources}s-${spec.keys}k-${spec.rowGroup}g-seed${spec.seed}.parquet`)
}

/** Write the corpus (or reuse the file a previous run wrote with the same spec); returns its path. */
export async function writeScaleCorpus(spec: ScaleCorpusSpec, opts: { path?: string; log?: (s: string) => void } = {}): Promise<{ path: string; bytes: number; built: boolean; ms: number }> {
  const path = opts.path ?? scaleCorpusPath(spec)
  if (existsSync(path)) return { path, bytes: statSync(path).size, built: false, ms: 0 }
  const t0 = performance.now()
  opts.log?.(`building ${path} (${spec.rows.toLocaleString('en-US')} rows) …`)
  const demo: Record<string, unknown>[] = []
  for (const f of DEMO) demo.push(...(await parquetReadObjects({ file: await asyncBufferFromFile(resolve(ROOT, 'public/demo', f)), compressors })))
  const demoCols = Object.fromEntries(FLOATS.map((c) => [c, Float32Array.from(demo, (r) => Number(r[c]))]))
  const next = rng(spec.seed)
  const lengths = clipLengths(spec, next)
  const sourceNames = Array.from({ length: spec.sources }, (_, s) => `src_${String(s).padStart(3, '0')}`)
  const keyNames = Array.from({ length: spec.keys }, (_, k) => `${sourceNames[Math.floor((k * spec.sources) / spec.keys)]}_clip_${String(k).padStart(5, '0')}`)
  // the first two thirds of the sources are nflx, the rest konvid
  const corpusOf = (s: number) => (s < Math.ceil((spec.sources * 2) / 3) ? 'nflx' : 'konvid')

  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.partial`
  const writer = fileWriter(tmp)
  let pw: ParquetWriter | null = null
  let key = 0
  let frame = 0
  for (let start = 0; start < spec.rows; start += spec.rowGroup) {
    const n = Math.min(spec.rowGroup, spec.rows - start)
    const corpus = new Array<string>(n)
    const source = new Array<string>(n)
    const keyCol = new Array<string>(n)
    const frameIndex = new Int32Array(n)
    const floats = FLOATS.map(() => new Float32Array(n))
    for (let i = 0; i < n; i++) {
      const s = Math.floor((key * spec.sources) / spec.keys)
      corpus[i] = corpusOf(s)
      source[i] = sourceNames[s]
      keyCol[i] = keyNames[key]
      frameIndex[i] = frame
      const d = Math.floor(next() * demo.length)
      for (let c = 0; c < FLOATS.length; c++) floats[c][i] = demoCols[FLOATS[c]][d]
      if (++frame === lengths[key]) (key++, (frame = 0))
    }
    const columnData: ColumnSource[] = [
      { name: 'corpus', data: corpus, type: 'STRING', nullable: false },
      { name: 'source', data: source, type: 'STRING', nullable: false },
      { name: 'key', data: keyCol, type: 'STRING', nullable: false },
      { name: 'frame_index', data: frameIndex, type: 'INT32', nullable: false },
      ...FLOATS.map((name, c): ColumnSource => ({ name, data: floats[c], type: 'FLOAT', nullable: false })),
    ]
    pw ??= new ParquetWriter({ writer, schema: schemaFromColumnData({ columnData }), codec: 'SNAPPY', statistics: false })
    await pw.write({ columnData, rowGroupSize: n })
    opts.log?.(`  row group ${start / spec.rowGroup + 1}/${Math.ceil(spec.rows / spec.rowGroup)} written`)
  }
  pw!.finish()
  renameSync(tmp, path)
  return { path, bytes: statSync(path).size, built: true, ms: performance.now() - t0 }
}
