// How evaluation rows are grouped for the per-source table. KoNViD-like data has one "source"
// per clip (hundreds), so by default its rows are pooled into one group per corpus while the
// Netflix-like rows keep their reference sources — the view the LOSO study reads.
import { CORPORA, type CodeArray, type TableView } from '../data/table.ts'

export type Grouping = 'source' | 'clip' | 'corpus'

export const GROUPINGS: { id: Grouping; label: string }[] = [
  { id: 'source', label: 'source (KoNViD-like clips pooled)' },
  { id: 'clip', label: 'source column as is (every clip)' },
  { id: 'corpus', label: 'corpus' },
]

export interface Groups {
  codes: CodeArray
  names: string[]
  /** groups that pool many sources: listed, but not counted in the mean ± std across sources */
  pooled: Set<string>
}

export const KONVID_POOLED = 'konvid (all clips)'

export function groupRows(table: TableView, mode: Grouping): Groups {
  const n = table.rows
  if (mode === 'clip') return { codes: table.sourceCodes(), names: [...table.sourceNames], pooled: new Set() }
  const corpus = table.corpusCodes()
  if (mode === 'corpus') {
    const present = CORPORA.filter((_, c) => corpus.includes(c))
    const codes = Uint32Array.from(corpus, (c) => present.indexOf(CORPORA[c]))
    return { codes, names: present.map((c) => `${c} (all rows)`), pooled: new Set() }
  }
  const src = table.sourceCodes()
  const names: string[] = []
  const index = new Map<string, number>()
  const codes = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const name = CORPORA[corpus[i]] === 'konvid' ? KONVID_POOLED : table.sourceNames[src[i]]
    let g = index.get(name)
    if (g === undefined) {
      g = names.length
      index.set(name, g)
      names.push(name)
    }
    codes[i] = g
  }
  return { codes, names, pooled: new Set(names.includes(KONVID_POOLED) ? [KONVID_POOLED] : []) }
}
