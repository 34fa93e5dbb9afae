// Demo rows for the ONNX tests, read in Node straight from ../shared/data/nflx_like.parquet
// with hyparquet (the feature columns, the target and the source of each row).
import { readFileSync } from 'node:fs'
import { parquetReadObjects } from 'hyparquet'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { sharedPath } from '../helpers/shared.ts'

export interface DemoRows {
  rows: number
  features: string[]
  /** rows × features, row-major */
  x: Float32Array
  vmaf: Float32Array
  source: string[]
}

let all: Promise<DemoRows> | null = null

export function loadDemo(): Promise<DemoRows> {
  all ??= (async () => {
    const buf = readFileSync(sharedPath('data', 'nflx_like.parquet'))
    const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
    const features = [...CANONICAL_FEATURES]
    const objs = (await parquetReadObjects({ file, columns: [...features, 'vmaf', 'source'] })) as Record<string, unknown>[]
    const x = new Float32Array(objs.length * features.length)
    objs.forEach((o, i) => features.forEach((f, j) => (x[i * features.length + j] = Number(o[f]))))
    return {
      rows: objs.length,
      features,
      x,
      vmaf: Float32Array.from(objs, (o) => Number(o.vmaf)),
      source: objs.map((o) => String(o.source)),
    }
  })()
  return all
}

/** `n` rows spread evenly over the whole file (every source is represented). */
export async function demoSample(n = 1000): Promise<DemoRows> {
  const d = await loadDemo()
  const idx = Array.from({ length: n }, (_, i) => Math.floor((i * d.rows) / n))
  const F = d.features.length
  const x = new Float32Array(n * F)
  idx.forEach((r, i) => x.set(d.x.subarray(r * F, (r + 1) * F), i * F))
  return { rows: n, features: d.features, x, vmaf: Float32Array.from(idx, (r) => d.vmaf[r]), source: idx.map((r) => d.source[r]) }
}
