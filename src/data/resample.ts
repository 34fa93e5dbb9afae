// A table of `rows` rows drawn with replacement from another (seeded, TorchGenerator), for the
// benchmark's large LOSO sweeps on the demo corpus's distribution. The draws are sorted, so the
// result keeps the base table's layout (nflx sources in order, then konvid clips).
import type { CodeArray, LoadedFile, TableView } from './table.ts'
import { gather } from './gather.ts'
import { TorchGenerator } from '../base/prng.ts'

export function resampleTable(base: TableView, rows: number, seed: number): TableView {
  if (!(Number.isInteger(rows) && rows > 0)) throw new RangeError(`rows must be a positive whole number, got ${rows}`)
  if (base.rows === 0) throw new RangeError('cannot resample an empty table')
  const gen = new TorchGenerator(seed)
  // random() % n has a bias below n / 2^32: irrelevant for a benchmark's sample
  const idx = Uint32Array.from({ length: rows }, () => gen.random() % base.rows).sort()
  const cache = new Map<string, Float32Array>()
  const gatherF = (src: Float32Array) => Float32Array.from(idx, (i) => src[i])
  const column = (name: string) => {
    let c = cache.get(name)
    if (!c) cache.set(name, (c = gatherF(base.feature(name))))
    return c
  }
  let target: Float32Array | null = null
  let sources: CodeArray | null = null
  let keys: CodeArray | null = null
  let corpus: Uint8Array | null = null
  const file: LoadedFile = {
    name: `${base.files.map((f) => f.name).join(' + ') || 'table'} resampled to ${rows} rows (seed ${seed})`,
    sha256: '',
    bytes: 0,
    rows,
    excludedRows: 0,
    corpus: 'mixed',
    rowStart: 0,
  }
  return {
    rows,
    featureNames: base.featureNames,
    targetName: base.targetName,
    files: [file],
    feature: column,
    target: () => (target ??= gatherF(base.target())),
    sourceCodes: () => (sources ??= gather(base.sourceCodes(), idx)),
    sourceNames: base.sourceNames,
    corpusCodes: () => (corpus ??= gather(base.corpusCodes(), idx)),
    keyCodes: () => (keys ??= gather(base.keyCodes(), idx)),
    keyNames: base.keyNames,
    // fresh on every call, as the contract says: the base's frame indexes of the drawn rows
    frameIndex: (which) => base.frameIndex(which ? gather(idx, which) : idx),
    matrix(features, which) {
      const cols = features.map(column)
      const n = which ? which.length : rows
      const out = new Float32Array(n * features.length)
      for (let r = 0; r < n; r++) {
        const src = which ? which[r] : r
        for (let f = 0; f < cols.length; f++) out[r * cols.length + f] = cols[f][src]
      }
      return out
    },
  }
}
