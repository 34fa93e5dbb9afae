// The app's one notification queue: every error, warning and info line of every panel goes through
// here and is shown by src/ui/Notices.svelte (each panel shows its own areas). A notice stays until
// it is dismissed or until the next action of its area succeeds (`settle`), so an old failure never
// sits next to a newer success.
import type { DataError } from '../data/errors.ts'

export type NoticeLevel = 'error' | 'warning' | 'info'
export type NoticeArea = 'data' | 'train' | 'eval' | 'models' | 'experiments'

/** A fix the notice offers: pick one of `choices`, then `apply` it (e.g. another target column). */
export interface NoticeFix {
  /** e.g. "Use as target" */
  label: string
  /** the button, e.g. "Load with this target" */
  action: string
  choices: string[]
  apply: (choice: string) => void
}

export interface Notice {
  id: number
  area: NoticeArea
  level: NoticeLevel
  text: string
  /** the file or model the notice is about, when there is one */
  subject?: string
  /** the typed error's code (e.g. "missing-column"), when it came from one */
  code?: string
  fix?: NoticeFix
}

export interface NoticeInput {
  level: NoticeLevel
  text: string
  subject?: string
  error?: DataError
  fix?: NoticeFix
}

class NoticeQueue {
  /** replaced, never mutated in place */
  list = $state.raw<Notice[]>([])
  private nextId = 1

  /** Add a notice; returns its id. */
  say(area: NoticeArea, n: NoticeInput): number {
    const id = this.nextId++
    const notice: Notice = { id, area, level: n.level, text: n.text }
    if (n.subject) notice.subject = n.subject
    if (n.error?.code) notice.code = n.error.code
    if (n.fix) notice.fix = n.fix
    this.list = [...this.list, notice]
    return id
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id)
  }

  /** The id the next notice will get: an action takes it when it starts, and hands it to `settle`. */
  mark(): number {
    return this.nextId
  }

  /** An action of `area` that began at `mark` ended. When it said no error, the area's notices from
   *  before it are dropped: the user did something that worked since. */
  settle(area: NoticeArea, mark: number): void {
    const failed = this.list.some((n) => n.area === area && n.id >= mark && n.level === 'error')
    if (!failed) this.list = this.list.filter((n) => n.area !== area || n.id >= mark)
  }

  /** Drop every notice of these areas (e.g. the data was cleared). */
  clear(...areas: NoticeArea[]): void {
    this.list = this.list.filter((n) => !areas.includes(n.area))
  }

  of(...areas: NoticeArea[]): Notice[] {
    return this.list.filter((n) => areas.includes(n.area))
  }
}

export const notices = new NoticeQueue()
