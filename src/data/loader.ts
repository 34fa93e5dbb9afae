// Applies the reader's events to a FeatureTable and turns problems into messages that name the
// file. The same class runs on the app's main thread (events arrive from the data worker) and in
// Node (events come straight from the reader), so both behave identically.
import type { FileMark } from './featureTable.ts'
import { FeatureTable } from './featureTable.ts'
import { DataError, dataErrorFromJSON } from './errors.ts'
import type { EmitReply, IngestEvent, Progress } from './reader.ts'

export type MessageLevel = 'error' | 'warning' | 'info'

export interface DataMessage {
  level: MessageLevel
  /** the file name or URL the message is about */
  file: string
  text: string
  /** the error, for errors and skipped duplicates (lets a UI offer a fix, e.g. another target) */
  error?: DataError
}

export class TableLoader {
  readonly messages: DataMessage[] = []
  readonly errors: DataError[] = []
  progress: Progress | null = null
  /** rows whose feature and target values the reader wrote straight into the table (placement.ts) */
  placedRows = 0
  private readonly marks = new Map<number, FileMark>()
  private readonly names = new Map<number, string>()

  constructor(
    readonly table: FeatureTable,
    private readonly onMessage?: (m: DataMessage) => void,
  ) {}

  /** Apply one event; the answer to the plan, a file's start and a chunk says where the next rows go (EmitReply). */
  handle(ev: IngestEvent): EmitReply | undefined {
    switch (ev.type) {
      case 'plan': {
        this.table.reserve(ev.files.reduce((s, f) => s + f.rows, 0))
        for (const f of ev.files) this.names.set(f.file, f.name)
        return { placement: this.table.placement() }
      }
      case 'progress':
        this.progress = ev.progress
        break
      case 'warning':
        this.say('warning', ev.name, ev.text)
        break
      case 'file-start': {
        const s = ev.start
        this.names.set(s.file, s.name)
        for (const extra of this.table.extras)
          if (!s.features.includes(extra)) {
            this.table.dropFeature(extra)
            this.say('warning', s.name, `has no column "${extra}": the extra feature "${extra}" was dropped for all files`)
          }
        this.marks.set(s.file, this.table.beginFile(s))
        return { placement: this.table.placement() }
      }
      case 'chunk': {
        const mark = this.marks.get(ev.chunk.file)
        if (mark) {
          this.table.append(mark, ev.chunk)
          if (ev.chunk.placed) this.placedRows += ev.chunk.rows
        }
        return { placement: this.table.placement() }
      }
      case 'file-end': {
        const mark = this.marks.get(ev.end.file)
        if (!mark) break
        this.marks.delete(ev.end.file)
        const file = this.table.commitFile(mark, ev.end)
        if (ev.end.excluded > 0) {
          const why = Object.entries(ev.end.excludedBy)
            .map(([col, b]) => {
              const parts = [b.nonFinite ? `${b.nonFinite} NaN/Inf` : '', b.nulls ? `${b.nulls} null` : ''].filter(Boolean)
              return `${col}: ${parts.join(', ')}`
            })
            .join('; ')
          this.say(
            'warning',
            file.name,
            `${ev.end.excluded.toLocaleString('en-US')} of ${(ev.end.excluded + file.rows).toLocaleString('en-US')} rows excluded (${why})`,
          )
        }
        break
      }
      case 'file-error': {
        const err = dataErrorFromJSON(ev.error)
        const mark = this.marks.get(ev.file)
        if (mark) {
          this.table.rollback(mark)
          this.marks.delete(ev.file)
        }
        const level: MessageLevel = err.code === 'duplicate-file' ? 'warning' : err.code === 'cancelled' ? 'info' : 'error'
        if (level === 'error') this.errors.push(err)
        this.say(level, err.file, err.detail, err)
        break
      }
    }
    return undefined
  }

  /** Give back capacity reserved for rows that never came (bad rows, failed or duplicate files). */
  finish(): void {
    // A file that started but neither ended nor failed (the stream broke off): do not keep half of it.
    for (const [file, mark] of this.marks) {
      this.table.rollback(mark)
      this.say('error', this.names.get(file) ?? mark.start.name, 'loading stopped before the file was complete; nothing from it was kept')
    }
    this.marks.clear()
    const t = this.table
    if (t.allocatedBytes > t.loadedBytes * 1.125) t.trim()
    else t.trimFrameRuns()
  }

  private say(level: MessageLevel, file: string, text: string, error?: DataError): void {
    const m: DataMessage = { level, file, text, error }
    this.messages.push(m)
    this.onMessage?.(m)
  }
}
