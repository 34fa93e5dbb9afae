// The loaded data for every panel (main thread). Parquet is decoded in workers/data.worker.ts; this
// module only applies the worker's chunks to a FeatureTable (src/data/loader.ts) and keeps the
// reactive state the panels read:
//   data.table     the FeatureTable (a TableView), null before anything loaded
//   data.version   bumped on every change (throttled to a few Hz while a load streams in)
//   data.loading, data.progress, data.messages (errors/warnings naming the file)
// Loads run one after another; a bad file never touches what is already loaded.
import type { WorkerSource } from '../../workers/data.worker.ts'
import { dataWorker, loadThroughWorker } from '../../workers/dataClient.ts'
import { MissingColumnError, TargetMismatchError } from '../data/errors.ts'
import { FeatureTable } from '../data/featureTable.ts'
import type { DataMessage } from '../data/loader.ts'
import type { Progress } from '../data/reader.ts'
import { DEFAULT_TARGET } from '../data/schema.ts'
import type { Corpus } from '../data/table.ts'
import { DEMO_FILES } from '../experiment/demo.ts'

export interface UiMessage extends DataMessage {
  id: number
  /** numeric columns the user may pick as the target instead (missing-target errors) */
  targetChoices?: string[]
}

export const data = $state({
  /** replaced, never proxied: FeatureTable is a class instance */
  table: null as FeatureTable | null,
  version: 0,
  loading: false,
  progress: null as Progress | null,
  messages: [] as UiMessage[],
  /** corpus tag for files without a `corpus` column, chosen at drop time */
  corpus: 'nflx' as Corpus,
  /** libvmaf logs: the pattern naming their sources ('' = the default rule, see data/logs/naming.ts) */
  sourcePattern: '',
})


// ---- loading ----------------------------------------------------------------------------------

interface Entry {
  source: WorkerSource
  corpus: Corpus
}

/** Sources of the loaded files (to reload them with other extras), and of files that failed on a missing target. */
const loadedEntries: Entry[] = []
const retryable = new Map<number, Entry>()
let queue: Promise<void> = Promise.resolve()
let nextId = 1

function say(m: DataMessage, entry?: Entry): void {
  const ui: UiMessage = { ...m, id: nextId++ }
  if (m.error instanceof MissingColumnError && m.error.targetMissing && entry) {
    ui.targetChoices = m.error.targetCandidates
    retryable.set(ui.id, entry)
  }
  data.messages = [...data.messages, ui]
}

function bump(): void {
  data.version++
}

/** Run one load after the others; `target` switches an empty table to another target column. */
function enqueue(sources: WorkerSource[], corpus: Corpus, target?: string, replace?: FeatureTable): Promise<void> {
  queue = queue.then(() => run(sources, corpus, target, replace)).catch((e) => {
    say({ level: 'error', file: sources.map((s) => s.name).join(', '), text: `loading failed: ${e instanceof Error ? e.message : e}` })
  })
  return queue
}

async function run(sources: WorkerSource[], corpus: Corpus, target?: string, replace?: FeatureTable): Promise<void> {
  if (!sources.length) return
  let table = replace ?? data.table
  const wanted = target ?? table?.targetName ?? DEFAULT_TARGET
  if (table && table.targetName !== wanted) {
    if (table.rows > 0) {
      for (const s of sources) {
        const e = new TargetMismatchError(s.name, wanted, table.targetName)
        say({ level: 'error', file: s.name, text: e.detail, error: e })
      }
      return
    }
    table = null
  }
  table ??= new FeatureTable(wanted, [])
  if (!replace) data.table = table

  const byName = new Map(sources.map((s) => [s.name, { source: s, corpus }]))
  data.loading = true
  data.progress = null
  let last = 0
  try {
    await loadThroughWorker(table, sources, {
      corpus,
      sourcePattern: data.sourcePattern || null,
      onProgress: (p) => (data.progress = p),
      onMessage: (m) => say(m, byName.get(m.file)),
      onChange: () => {
        // repaint while streaming, but not for every chunk of a large file
        const now = performance.now()
        if (now - last > 250) {
          last = now
          if (!replace) bump()
        }
      },
    })
    for (const f of table.files) {
      const e = byName.get(f.name)
      if (e && !loadedEntries.some((x) => x.source.name === f.name)) loadedEntries.push(e)
    }
  } finally {
    if (replace) data.table = replace
    data.loading = false
    bump()
  }
}

/** Load dropped or picked files; `corpus` tags files that have no `corpus` column. */
export function loadFiles(files: File[], corpus: Corpus = data.corpus): Promise<void> {
  return enqueue(
    files.map((f) => ({ kind: 'blob', name: f.name, blob: f })),
    corpus,
  )
}

/** Load parquet files from URLs (absolute, or relative to the page). */
export function loadUrls(urls: string[], corpus: Corpus = data.corpus): Promise<void> {
  const clean = urls.map((u) => u.trim()).filter(Boolean)
  return enqueue(
    clean.map((u) => ({ kind: 'url', name: u, url: new URL(u, document.baseURI).href })),
    corpus,
  )
}

/** The bundled demo corpus: nflx-like plus the four konvid-like shards (their `corpus` column tags them). */
export function loadDemo(): Promise<void> {
  return loadUrls([...DEMO_FILES])
}

/** `?data=URL,URL` in the page address loads those files on start. */
export function loadFromPageUrl(): Promise<void> | null {
  const param = new URL(location.href).searchParams.get('data')
  return param ? loadUrls(param.split(',')) : null
}

/** Reload the file of a missing-target error with another column as the target. */
export function retryWithTarget(messageId: number, target: string): Promise<void> {
  const entry = retryable.get(messageId)
  if (!entry) return Promise.resolve()
  retryable.delete(messageId)
  dismiss(messageId)
  return enqueue([entry.source], entry.corpus, target)
}

/** Reload every loaded file with these extra feature columns (the table is swapped when done). */
export function setExtras(extras: string[]): Promise<void> {
  const current = data.table
  if (!current) return Promise.resolve()
  return reloadInto(new FeatureTable(current.targetName, extras))
}

/** Name the sources of libvmaf logs with this pattern ('' = the default rule) and reload every loaded file. */
export function setSourcePattern(pattern: string): Promise<void> {
  data.sourcePattern = pattern
  const current = data.table
  if (!current) return Promise.resolve()
  return reloadInto(new FeatureTable(current.targetName, current.extras))
}

function reloadInto(next: FeatureTable): Promise<void> {
  const entries = [...loadedEntries]
  loadedEntries.length = 0
  // one batch per corpus tag, in the original order of the tags
  const tags = [...new Set(entries.map((e) => e.corpus))]
  let p = Promise.resolve()
  for (const tag of tags)
    p = enqueue(
      entries.filter((e) => e.corpus === tag).map((e) => e.source),
      tag,
      undefined,
      next,
    )
  return p
}

export function cancelLoad(): void {
  if (data.loading) void dataWorker().cancel()
}

export function clearData(): void {
  data.table = null
  data.messages = []
  loadedEntries.length = 0
  retryable.clear()
  bump()
}

export function dismiss(messageId: number): void {
  data.messages = data.messages.filter((m) => m.id !== messageId)
}
