// A TableView of grouping codes only, for benchmarks and tests of what reads nothing but the codes
// (splits, schedules, the experiment preview): `rows` rows, the first `nflxFraction` of them nflx
// clips of `clipFrames` frames dealt round-robin over `sources` sources, the rest konvid clips of
// `clipFrames` frames (source = clip key, as a konvid file without a source column loads). Typed
// arrays only: 10M rows cost 90 MB of codes. Feature columns are one shared zero column, made when first asked for; the
// matrix is refused (nothing that trains should read this table).
import { CANONICAL_FEATURES } from '../src/base/features.ts'
import { CORPORA, type TableView } from '../src/data/table.ts'

export interface CodeTableSpec {
  rows: number
  sources: number
  /** frames per clip, nflx and konvid */
  clipFrames: number
  /** share of the rows that are nflx, in [0, 1] */
  nflxFraction: number
}

export function codeTable(spec: CodeTableSpec): TableView {
  const { rows, sources, clipFrames } = spec
  const nflxRows = Math.round(rows * spec.nflxFraction)
  const nflxClips = Math.ceil(nflxRows / clipFrames)
  const konvidClips = Math.ceil((rows - nflxRows) / clipFrames)
  const sourceNames = Array.from({ length: sources }, (_, s) => `S${String(s).padStart(3, '0')}`)
  const keyNames = [
    ...Array.from({ length: nflxClips }, (_, c) => `${sourceNames[c % sources]}__clip${c}`),
    ...Array.from({ length: konvidClips }, (_, c) => `kv${String(c).padStart(6, '0')}`),
  ]
  // konvid rows' source is their clip key: sourceNames[sources + c] = keyNames[nflxClips + c]
  const allSources = [...sourceNames, ...keyNames.slice(nflxClips)]
  const corpus = new Uint8Array(rows)
  const src = new Uint32Array(rows)
  const key = new Uint32Array(rows)
  const konvid = CORPORA.indexOf('konvid')
  for (let r = 0; r < rows; r++) {
    const isNflx = r < nflxRows
    const clip = isNflx ? Math.floor(r / clipFrames) : Math.floor((r - nflxRows) / clipFrames)
    corpus[r] = isNflx ? CORPORA.indexOf('nflx') : konvid
    key[r] = isNflx ? clip : nflxClips + clip
    src[r] = isNflx ? clip % sources : sources + clip
  }
  let zeros: Float32Array | null = null
  const zero = () => (zeros ??= new Float32Array(rows))
  return {
    rows,
    featureNames: [...CANONICAL_FEATURES],
    targetName: 'vmaf',
    files: [],
    feature: zero,
    target: zero,
    sourceCodes: () => src,
    sourceNames: allSources,
    corpusCodes: () => corpus,
    keyCodes: () => key,
    keyNames,
    frameIndex: (which) => new Int32Array(which ? which.length : rows).fill(-1),
    matrix() {
      throw new Error('codeTable: a table of grouping codes has no feature matrix')
    },
  }
}
