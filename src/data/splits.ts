// Train/validation splits over a loaded table, mirroring the reference trainer's --val-mode
// (train_combined.py) plus leave-one-source-out (LOSO) folds.
//
//   netflix-source                     val = one nflx source; train = the other nflx sources + every konvid row
//   konvid-holdout                     val = a seeded fraction of konvid clip keys; train = every nflx row + the other konvid clips
//   netflix-source-and-konvid-holdout  val = both of the above; train = the rest
//   netflix-only                       konvid rows omitted; val = one nflx source, train = the other nflx sources
//   konvid-only                        nflx rows omitted; val = the konvid key holdout, train = the other konvid clips
//   loso                               one fold per nflx source: val = that source; train = the other nflx sources
//                                      (+ every konvid row when `withKonvid`, the combined corpus)
//
// Determinism: everything depends only on the table's contents and the seed. Konvid clip keys are
// sorted by code point and shuffled with torch's randperm (TorchGenerator(seed)); the first
// max(1, round(n·fraction)) keys are held out, whole clips only.
//
// Row order matters as much as the seed: the DataLoader permutation picks positions in the
// training list, so the list must be ordered the way the reference trainer's data frame is.
// Training lists are nflx rows grouped by source in name order (code point), then konvid rows
// grouped by clip key in name order, each group in table order — a frame sorted by `source`.
// With this order our seed s replays PyTorch's seed s (test/model/demoLoso.test.ts checks the demo
// LOSO study against PyTorch's runs; the README gives the agreement). It also makes the shuffle
// independent of the order the files were loaded in.
import { CORPORA, type CodeArray, type TableView } from './table.ts'
import { TorchGenerator } from '../base/prng.ts'
import { shareableUint32 } from '../base/sharedMemory.ts'

export const SPLIT_MODES = [
  'netflix-source',
  'konvid-holdout',
  'netflix-source-and-konvid-holdout',
  'netflix-only',
  'konvid-only',
  'loso',
] as const
export type SplitMode = (typeof SPLIT_MODES)[number]

export const DEFAULT_KONVID_FRACTION = 0.1
/** The reference trainer's default validation source (a Netflix Public source). */
export const PREFERRED_HOLDOUT = 'Tennis'

export class SplitError extends Error {
  override name = 'SplitError'
}

export interface SplitOptions {
  mode: SplitMode
  /** netflix-source, netflix-source-and-konvid-holdout, netflix-only: the held-out nflx source
   *  (default: `Tennis` when present, else the first source alphabetically) */
  holdoutSource?: string
  /** konvid-holdout modes: fraction of konvid clip keys held out, in (0, 1); default 0.1 */
  konvidFraction?: number
  /** seed of the konvid key holdout; default 0 */
  seed?: number
  /** loso only: also train every fold on all konvid rows; default true when konvid rows are loaded */
  withKonvid?: boolean
}

export interface Split {
  mode: SplitMode
  /** short name for tables and file names: the held-out source, or e.g. "konvid 10%" */
  name: string
  /** the held-out nflx source (null when none is held out) */
  heldOutSource: string | null
  /** konvid clip keys held out, sorted */
  heldOutKeys: string[]
  trainRows: Uint32Array
  valRows: Uint32Array
  /** plain-language description, for the sidecar's training block and the reports */
  description: string
}

export function isSplitMode(s: string): s is SplitMode {
  return (SPLIT_MODES as readonly string[]).includes(s)
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const fmt = (n: number) => n.toLocaleString('en-US')

/** The table's rows grouped the way every split needs them. */
interface Layout {
  nflxRows: number
  konvidRows: number
  /** nflx sources in order of first appearance */
  sources: string[]
  /** per nflx source: its rows (ascending) */
  sourceRows: Map<string, Uint32Array>
  /** konvid clip key → rows (ascending) */
  konvidKeyRows: Map<string, Uint32Array>
}

/**
 * Rows grouped by code (counting sort): for each code that occurs among the rows `take` accepts,
 * its rows in ascending order, as subarrays of one buffer; codes in order of first appearance.
 * Typed arrays throughout: a 10M-row table groups in one pass over its codes, with no per-row
 * strings or JS arrays.
 */
function groupByCode(codes: CodeArray, take: (r: number) => boolean, nCodes: number): { order: number[]; rows: Uint32Array[] } {
  const count = new Uint32Array(nCodes)
  const order: number[] = []
  for (let r = 0; r < codes.length; r++)
    if (take(r)) {
      const c = codes[r]
      if (count[c]++ === 0) order.push(c)
    }
  const start = new Uint32Array(nCodes)
  let total = 0
  for (const c of order) {
    start[c] = total
    total += count[c]
  }
  const all = new Uint32Array(total)
  const fill = start.slice()
  for (let r = 0; r < codes.length; r++) if (take(r)) all[fill[codes[r]]++] = r
  return { order, rows: order.map((c) => all.subarray(start[c], start[c] + count[c])) }
}

function layout(table: TableView): Layout {
  const corpus = table.corpusCodes()
  const nflxCode = CORPORA.indexOf('nflx')
  const isNflx = (r: number) => corpus[r] === nflxCode
  const bySource = groupByCode(table.sourceCodes(), isNflx, table.sourceNames.length)
  const byKey = groupByCode(table.keyCodes(), (r) => !isNflx(r), table.keyNames.length)
  const sources = bySource.order.map((c) => table.sourceNames[c])
  const nflxRows = bySource.rows.reduce((n, g) => n + g.length, 0)
  return {
    nflxRows,
    konvidRows: table.rows - nflxRows,
    sources,
    sourceRows: new Map(sources.map((s, i) => [s, bySource.rows[i]])),
    konvidKeyRows: new Map(byKey.order.map((c, i) => [table.keyNames[c], byKey.rows[i]])),
  }
}

/** The table's rows by nflx source and by konvid clip key, each group ascending, as typed
 *  subarrays of one buffer (one counting-sort pass): what every split, and the experiment
 *  designer's schedule, is cut from. */
export type RowGroups = Readonly<Layout>

export function rowGroups(table: TableView): RowGroups {
  return layout(table)
}

/** The nflx sources of a table, in the order they first appear (the LOSO fold order). */
export function nflxSources(table: TableView): string[] {
  // one pass over the codes, no row lists: the panels ask for this while a large file streams in
  const corpus = table.corpusCodes()
  const src = table.sourceCodes()
  const nflxCode = CORPORA.indexOf('nflx')
  const seen = new Uint8Array(table.sourceNames.length)
  const order: string[] = []
  for (let r = 0; r < src.length; r++)
    if (corpus[r] === nflxCode && !seen[src[r]]) {
      seen[src[r]] = 1
      order.push(table.sourceNames[src[r]])
    }
  return order
}

/** `Tennis` when present (the reference trainer's default), else the first source alphabetically. */
export function defaultHoldoutSource(sources: readonly string[]): string | null {
  if (sources.includes(PREFERRED_HOLDOUT)) return PREFERRED_HOLDOUT
  return [...sources].sort(byCodePoint)[0] ?? null
}

/** Seeded whole-clip holdout: which of `keys` go to validation. */
export function konvidKeyHoldout(keys: readonly string[], fraction: number, seed: number): string[] {
  if (!(fraction > 0 && fraction < 1))
    throw new SplitError(`the konvid holdout fraction must be between 0 and 1 (exclusive), got ${fraction}`)
  if (keys.length === 0) return []
  const sorted = [...keys].sort(byCodePoint)
  const perm = new TorchGenerator(seed).randperm(sorted.length)
  const nVal = Math.max(1, Math.round(sorted.length * fraction))
  return Array.from(perm.subarray(0, nVal), (i) => sorted[i]).sort(byCodePoint)
}

type NamedRows = Iterable<[string, Uint32Array]>

/**
 * The rows of each part end to end, each part's named groups in name order (code point) and each
 * group in table order, in one array a worker can share instead of copying (src/base/sharedMemory.ts).
 */
function concatRows(...parts: NamedRows[]): Uint32Array {
  const groups = parts.flatMap((p) => [...p].sort(([a], [b]) => byCodePoint(a, b)))
  const out = shareableUint32(groups.reduce((n, [, g]) => n + g.length, 0))
  let o = 0
  for (const [, g] of groups) {
    out.set(g, o)
    o += g.length
  }
  return out
}

function pickHoldout(lay: Layout, requested: string | undefined): string {
  if (lay.sources.length === 0) throw new SplitError('no nflx rows are loaded, so no nflx source can be held out')
  if (requested === undefined) return defaultHoldoutSource(lay.sources)!
  if (!lay.sourceRows.has(requested))
    throw new SplitError(`nflx source "${requested}" is not in the loaded data; the nflx sources are ${lay.sources.join(', ')}`)
  return requested
}

function checkTrain(split: Split): Split {
  if (split.trainRows.length === 0) throw new SplitError(`${split.mode}: no training rows are left (${split.description})`)
  return split
}

/** One train/validation split (every mode except loso, which has one split per fold: see losoFolds). */
export function makeSplit(table: TableView, opts: SplitOptions): Split {
  const { mode } = opts
  if (mode === 'loso') throw new SplitError('loso has one split per fold: use losoFolds()')
  if (!isSplitMode(mode)) throw new SplitError(`unknown split mode "${mode}" (${SPLIT_MODES.join(', ')})`)
  const lay = layout(table)
  const useNflx = mode !== 'konvid-only'
  const useKonvid = mode !== 'netflix-only'
  const holdSource = mode === 'netflix-source' || mode === 'netflix-source-and-konvid-holdout' || mode === 'netflix-only'
  const holdKeys = mode === 'konvid-holdout' || mode === 'netflix-source-and-konvid-holdout' || mode === 'konvid-only'
  const fraction = opts.konvidFraction ?? DEFAULT_KONVID_FRACTION
  const seed = opts.seed ?? 0

  if (mode === 'konvid-only' && lay.konvidRows === 0) throw new SplitError('konvid-only: no konvid rows are loaded')
  if (mode === 'netflix-only' && lay.nflxRows === 0) throw new SplitError('netflix-only: no nflx rows are loaded')
  if (holdKeys && lay.konvidRows === 0)
    throw new SplitError(`${mode}: no konvid rows are loaded, so no konvid clips can be held out`)

  const heldOutSource = holdSource ? pickHoldout(lay, opts.holdoutSource) : null
  const heldOutKeys = holdKeys ? konvidKeyHoldout([...lay.konvidKeyRows.keys()], fraction, seed) : []
  const heldKeySet = new Set(heldOutKeys)

  const none: NamedRows = []
  const nflxTrain = useNflx ? [...lay.sourceRows].filter(([s]) => s !== heldOutSource) : none
  const nflxVal: NamedRows = heldOutSource ? [[heldOutSource, lay.sourceRows.get(heldOutSource)!]] : none
  const konvidTrain = useKonvid ? [...lay.konvidKeyRows].filter(([k]) => !heldKeySet.has(k)) : none
  const konvidVal = heldOutKeys.map((k): [string, Uint32Array] => [k, lay.konvidKeyRows.get(k)!])

  const nTrainSources = heldOutSource ? lay.sources.length - 1 : lay.sources.length
  const parts: string[] = []
  if (useNflx && nTrainSources > 0)
    parts.push(`${heldOutSource ? 'the other ' : 'all '}${nTrainSources} nflx source${nTrainSources === 1 ? '' : 's'}`)
  if (useKonvid && lay.konvidRows > 0)
    parts.push(holdKeys ? `the other ${lay.konvidKeyRows.size - heldOutKeys.length} konvid clips` : `all ${lay.konvidKeyRows.size} konvid clips`)
  const valParts: string[] = []
  if (heldOutSource) valParts.push(`nflx source ${heldOutSource}`)
  if (holdKeys)
    valParts.push(`${heldOutKeys.length} of ${lay.konvidKeyRows.size} konvid clips (${Math.round(fraction * 100)}%, seed ${seed}, whole clips)`)
  const trainRows = concatRows(nflxTrain, konvidTrain)
  const valRows = concatRows(nflxVal, konvidVal)
  const omitted = mode === 'netflix-only' && lay.konvidRows > 0 ? '; konvid rows omitted' : mode === 'konvid-only' && lay.nflxRows > 0 ? '; nflx rows omitted' : ''
  const description =
    `${mode}: trained on ${parts.join(' + ') || 'nothing'} (${fmt(trainRows.length)} rows), ` +
    `validated on ${valParts.join(' + ')} (${fmt(valRows.length)} rows)${omitted}`
  const name = [heldOutSource, holdKeys ? `konvid ${Math.round(fraction * 100)}%` : null].filter(Boolean).join(' + ')
  return checkTrain({ mode, name, heldOutSource, heldOutKeys, trainRows, valRows, description })
}

/**
 * Leave-one-source-out: one fold per nflx source (in order of first appearance), trained on the
 * other nflx sources — plus every konvid row when `withKonvid` (default: when konvid rows exist) —
 * and validated on the held-out source.
 */
export function losoFolds(table: TableView, opts: Pick<SplitOptions, 'withKonvid'> = {}): Split[] {
  const lay = layout(table)
  if (lay.sources.length < 2)
    throw new SplitError(
      `leave-one-source-out needs at least 2 nflx sources; the loaded data has ${lay.sources.length}` +
        (lay.sources.length ? ` (${lay.sources[0]})` : ''),
    )
  const withKonvid = opts.withKonvid ?? lay.konvidRows > 0
  if (withKonvid && lay.konvidRows === 0)
    throw new SplitError('loso with konvid: no konvid rows are loaded (load the konvid files or train on nflx only)')
  const konvidRows = withKonvid ? lay.konvidKeyRows : []
  const others = lay.sources.length - 1
  return lay.sources.map((source) => {
    const trainRows = concatRows([...lay.sourceRows].filter(([s]) => s !== source), konvidRows)
    const valRows = concatRows([[source, lay.sourceRows.get(source)!]])
    const konvidPart = withKonvid ? ` + all ${lay.konvidKeyRows.size} konvid clips` : ''
    const description =
      `loso fold ${source}: trained on the other ${others} nflx source${others === 1 ? '' : 's'}${konvidPart} ` +
      `(${fmt(trainRows.length)} rows), evaluated on the held-out source ${source} (${fmt(valRows.length)} rows)`
    return checkTrain({ mode: 'loso', name: source, heldOutSource: source, heldOutKeys: [], trainRows, valRows, description })
  })
}

/** Any mode: loso gives its folds, the others one split. */
export function makeSplits(table: TableView, opts: SplitOptions): Split[] {
  return opts.mode === 'loso' ? losoFolds(table, opts) : [makeSplit(table, opts)]
}
