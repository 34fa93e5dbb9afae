// A small hand-made TableView for split and study tests: rows given as (corpus, source, key).
import { CORPORA, type Corpus, type TableView } from '../../src/data/table.ts'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'

export interface FakeRow {
  corpus: Corpus
  source: string
  key: string
}

function codes(values: string[]): { names: string[]; codes: Uint32Array } {
  const names: string[] = []
  const index = new Map<string, number>()
  const out = new Uint32Array(values.length)
  values.forEach((v, i) => {
    let c = index.get(v)
    if (c === undefined) index.set(v, (c = names.push(v) - 1))
    out[i] = c
  })
  return { names, codes: out }
}

/** Features are deterministic functions of the row id, the target their sum; enough for splits. */
export function fakeTable(rows: FakeRow[]): TableView {
  const n = rows.length
  const src = codes(rows.map((r) => r.source))
  const key = codes(rows.map((r) => r.key))
  const corpus = Uint8Array.from(rows, (r) => CORPORA.indexOf(r.corpus))
  const features: string[] = [...CANONICAL_FEATURES]
  const cols = features.map((_, f) => Float32Array.from({ length: n }, (_, r) => Math.sin(r * 0.37 + f) + f))
  const target = Float32Array.from({ length: n }, (_, r) => cols.reduce((s, c) => s + c[r], 0))
  return {
    rows: n,
    featureNames: features,
    targetName: 'vmaf',
    files: [],
    feature: (name) => cols[features.indexOf(name)],
    target: () => target,
    sourceCodes: () => src.codes,
    sourceNames: src.names,
    corpusCodes: () => corpus,
    keyCodes: () => key.codes,
    keyNames: key.names,
    frameIndex: (which) => new Int32Array(which ? which.length : n).fill(-1),
    matrix(names, which) {
      const ids = which ?? Array.from({ length: n }, (_, i) => i)
      const out = new Float32Array(ids.length * names.length)
      for (let i = 0; i < ids.length; i++)
        names.forEach((nm, f) => (out[i * names.length + f] = cols[features.indexOf(nm)][ids[i]]))
      return out
    },
  }
}

/** A demo-like layout: nflx sources × clips × frames, then konvid clips × frames. */
export function demoLike(opts: {
  sources: string[]
  clipsPerSource?: number
  framesPerClip?: number
  konvidClips?: number
  konvidFrames?: number
  konvidFirst?: boolean
}): TableView {
  const { sources, clipsPerSource = 3, framesPerClip = 4, konvidClips = 0, konvidFrames = 3 } = opts
  const nflx: FakeRow[] = []
  for (const s of sources)
    for (let c = 0; c < clipsPerSource; c++)
      for (let f = 0; f < framesPerClip; f++) nflx.push({ corpus: 'nflx', source: s, key: `${s}__crf${c}` })
  const konvid: FakeRow[] = []
  for (let c = 0; c < konvidClips; c++) {
    const k = `kv${String(c + 1).padStart(4, '0')}`
    for (let f = 0; f < konvidFrames + (c % 3); f++) konvid.push({ corpus: 'konvid', source: k, key: k })
  }
  return fakeTable(opts.konvidFirst ? [...konvid, ...nflx] : [...nflx, ...konvid])
}
