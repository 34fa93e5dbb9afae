// The loaded data for every panel (main thread). Parquet is decoded in workers/data.worker.ts; this
// module only applies the worker's chunks to a FeatureTable (src/data/loader.ts) and keeps the
// reactive state the panels read:
//   data.table      the FeatureTable (a TableView, it grows in place), null before anything loaded
//   data.contents   what is in it now — rows, files, features, a key of the files — replaced on
//                   every change (a few times a second while a load streams in), so whatever
//                   reads it follows the table
//   data.settled    the table once no load is running (null while one streams in): what work over
//                   every row (histograms, split previews, schedules) reads, so it runs once per
//                   load instead of on every repaint of a large file
//   data.loading, data.progress; problems go to the notice queue (area "data"), naming the file.
// Loads run one after another; a bad file never touches what is already loaded.
import { notices } from './notices.svelte.ts'
import type { WorkerSource } from '../../workers/data.worker.ts'
import { dataWorker, loadThroughWorker } from '../../workers/dataClient.ts'
import { MissingColumnError, TargetMismatchError } from '../data/errors.ts'
import { FeatureTable } from '../data/featureTable.ts'
import type { DataMessage } from '../data/loader.ts'
import type { Progress } from '../data/reader.ts'
import { DEFAULT_TARGET } from '../data/schema.ts'
import type { Corpus, LoadedFile } from '../data/table.ts'
import { DEMO_FILES } from '../experiment/demo.ts'

// the loaded table keeps its float columns in one shared memory where the page is cross-origin
// isolated (else ordinary arrays): the train worker and its CPU workers then train on them in place
const SHARED = { columns: 'shared' } as const

/** What the table holds, as plain values (a new object whenever the table changed). */
export interface TableContents {
  rows: number
  files: readonly LoadedFile[]
  featureNames: readonly string[]
  extras: readonly string[]
  extrasAvailable: readonly string[]
  targetName: string
  /** the loaded files' sha256s in order: equal keys mean the same rows (evaluations stay valid) */
  filesKey: string
}

function contentsOf(t: FeatureTable): TableContents {
  return {
    rows: t.rows,
    files: [...t.files],
    featureNames: [...t.featureNames],
    extras: [...t.extras],
    extrasAvailable: [...t.extrasAvailable],
    targetName: t.targetName,
    filesKey: t.files.map((f) => f.sha256).join(','),
  }
}

// ---- the store --------------------------------------------------------------------------------

interface Entry {
  source: WorkerSource
  corpus: Corpus
}

interface LoadRequest {
  sources: WorkerSource[]
  corpus: Corpus
  /** switch an empty table to this target column */
  target?: string
  /** load into this table and swap it in when done (a reload with other extra columns) */
  replace?: FeatureTable
}

class DataStore {
  /** replaced, never proxied: FeatureTable is a class instance that grows in place */
  table = $state.raw<FeatureTable | null>(null)
  contents = $state.raw<TableContents | null>(null)
  loading = $state(false)
  progress = $state.raw<Progress | null>(null)
  /** corpus tag for files without a `corpus` column, chosen at drop time */
  corpus = $state<Corpus>('nflx')
  /** libvmaf logs: the pattern naming their sources ('' = the default rule, see data/logs/naming.ts) */
  sourcePattern = $state('')

  /** The table once no load is running, with rows in it: see the header. */
  get settled(): FeatureTable | null {
    return this.contents && this.contents.rows > 0 && !this.loading ? this.table : null
  }

  /** Sources of the loaded files (to reload them with other extras). */
  private loaded: Entry[] = []
  private queue: Promise<void> = Promise.resolve()

  /** Load dropped or picked files; `corpus` tags files that have no `corpus` column. */
  loadFiles(files: File[], corpus: Corpus = this.corpus): Promise<void> {
    return this.enqueue({ sources: files.map((f) => ({ kind: 'blob', name: f.name, blob: f })), corpus })
  }

  /** Load parquet files from URLs (absolute, or relative to the page). */
  loadUrls(urls: string[], corpus: Corpus = this.corpus): Promise<void> {
    const clean = urls.map((u) => u.trim()).filter(Boolean)
    return this.enqueue({ sources: clean.map((u) => ({ kind: 'url', name: u, url: new URL(u, document.baseURI).href })), corpus })
  }

  /** The bundled demo corpus: nflx-like plus the four konvid-like shards (their `corpus` column tags them). */
  loadDemo(): Promise<void> {
    return this.loadUrls([...DEMO_FILES])
  }

  /** `?data=URL,URL` in the page address loads those files on start. */
  loadFromPageUrl(): Promise<void> | null {
    const param = new URL(location.href).searchParams.get('data')
    return param ? this.loadUrls(param.split(',')) : null
  }

  /** Reload every loaded file with these extra feature columns (the table is swapped when done). */
  setExtras(extras: string[]): Promise<void> {
    const current = this.table
    if (!current) return Promise.resolve()
    return this.reloadInto(new FeatureTable(current.targetName, extras, SHARED))
  }

  /** Name the sources of libvmaf logs with this pattern ('' = the default rule) and reload every loaded file. */
  setSourcePattern(pattern: string): Promise<void> {
    this.sourcePattern = pattern
    const current = this.table
    if (!current) return Promise.resolve()
    return this.reloadInto(new FeatureTable(current.targetName, current.extras, SHARED))
  }

  /** Reload every loaded file into `next`, which is swapped in when done. */
  private reloadInto(next: FeatureTable): Promise<void> {
    const entries = [...this.loaded]
    this.loaded = []
    // one batch per corpus tag, in the original order of the tags
    let p = Promise.resolve()
    for (const tag of new Set(entries.map((e) => e.corpus)))
      p = this.enqueue({ sources: entries.filter((e) => e.corpus === tag).map((e) => e.source), corpus: tag, replace: next })
    return p
  }

  cancelLoad(): void {
    if (this.loading) void dataWorker().cancel()
  }

  clear(): void {
    this.table = null
    this.contents = null
    this.loaded = []
    notices.clear('data')
  }

  /** Run one load after the others. */
  private enqueue(req: LoadRequest): Promise<void> {
    this.queue = this.queue
      .then(() => this.run(req))
      .catch((e) => {
        const text = `loading failed: ${e instanceof Error ? e.message : e}`
        notices.say('data', { level: 'error', subject: req.sources.map((s) => s.name).join(', '), text })
      })
    return this.queue
  }

  private say(m: DataMessage, entry?: Entry): void {
    const missingTarget = m.error instanceof MissingColumnError && m.error.targetMissing && entry
    const id: number = notices.say('data', {
      level: m.level,
      subject: m.file,
      text: m.text,
      error: m.error,
      fix: missingTarget
        ? {
            label: 'Use as target',
            action: 'Load with this target',
            choices: (m.error as MissingColumnError).targetCandidates ?? [],
            apply: (target) => {
              notices.dismiss(id)
              void this.enqueue({ sources: [entry.source], corpus: entry.corpus, target })
            },
          }
        : undefined,
    })
  }

  private async run(req: LoadRequest): Promise<void> {
    const { sources, corpus, replace } = req
    if (!sources.length) return
    const mark = notices.mark()
    let table = replace ?? this.table
    const wanted = req.target ?? table?.targetName ?? DEFAULT_TARGET
    if (table && table.targetName !== wanted) {
      if (table.rows > 0) {
        for (const s of sources) {
          const e = new TargetMismatchError(s.name, wanted, table.targetName)
          notices.say('data', { level: 'error', subject: s.name, text: e.detail, error: e })
        }
        return
      }
      table = null
    }
    table ??= new FeatureTable(wanted, [], SHARED)
    if (!replace) this.table = table

    const byName = new Map(sources.map((s) => [s.name, { source: s, corpus }]))
    this.loading = true
    this.progress = null
    let last = 0
    const publish = (t: FeatureTable) => {
      const next = contentsOf(t)
      // only a real change reaches the panels (a rejected file changes nothing)
      const prev = this.contents
      if (!prev || prev.rows !== next.rows || prev.filesKey !== next.filesKey || prev.featureNames.join() !== next.featureNames.join()
        || prev.extrasAvailable.join() !== next.extrasAvailable.join() || prev.targetName !== next.targetName)
        this.contents = next
    }
    try {
      await loadThroughWorker(table, sources, {
        corpus,
        sourcePattern: this.sourcePattern || null,
        onProgress: (p) => (this.progress = p),
        onMessage: (m) => this.say(m, byName.get(m.file)),
        onChange: () => {
          // repaint while streaming, but not for every chunk of a large file
          const now = performance.now()
          if (!replace && now - last > 250) {
            last = now
            publish(table)
          }
        },
      })
      for (const f of table.files) {
        const e = byName.get(f.name)
        if (e && !this.loaded.some((x) => x.source.name === f.name)) this.loaded.push(e)
      }
    } finally {
      if (replace) this.table = replace
      this.loading = false
      publish(this.table ?? table)
      notices.settle('data', mark)
    }
  }
}

export const data = new DataStore()
