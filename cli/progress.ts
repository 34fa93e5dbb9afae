// Progress on stderr (stdout carries only results): on a terminal one bar redrawn in place with
// status lines printed above it; otherwise (pipes, CI logs) plain lines, a bar line at most every
// 10 % (and 1 s apart) or 15 s so logs stay short.

export interface ProgressOptions {
  stream?: NodeJS.WriteStream
  /** no output at all (--quiet) */
  quiet?: boolean
  /** force the terminal (bar) or plain mode; default: whether the stream is a TTY */
  tty?: boolean
}

const fmtTime = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000))
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

export class Progress {
  private readonly stream: NodeJS.WriteStream
  private readonly quiet: boolean
  private readonly tty: boolean
  private barShown = false
  private lastDraw = 0
  private lastText = ''
  private lastPlain = { at: 0, pct: -1 }
  private readonly t0 = performance.now()

  constructor(opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr
    this.quiet = opts.quiet ?? false
    this.tty = opts.tty ?? Boolean(this.stream.isTTY)
  }

  /** A line of its own (status, a finished fold, a warning). */
  line(text: string): void {
    if (this.quiet) return
    this.clearBar()
    this.stream.write(text + '\n')
  }

  warn(text: string): void {
    this.clearBar()
    this.stream.write(`warning: ${text}\n`)
  }

  /** Update the bar: `done` of `total` units; `what` says what is going on. */
  bar(what: string, done: number, total: number, etaMs: number | null = null, force = false): void {
    if (this.quiet || total <= 0) return
    const frac = Math.min(1, Math.max(0, done / total))
    const now = performance.now()
    const eta = etaMs !== null && Number.isFinite(etaMs) && frac < 1 ? `, ETA ${fmtTime(etaMs)}` : ''
    const elapsed = fmtTime(now - this.t0)
    if (this.tty) {
      if (!force && now - this.lastDraw < 80 && frac < 1) return
      this.lastDraw = now
      const cols = Math.max(40, (this.stream.columns || 80) - 1)
      const tail = ` ${(frac * 100).toFixed(0).padStart(3)}% ${what} (${elapsed}${eta})`
      const width = Math.max(10, Math.min(30, cols - tail.length - 2))
      const filled = Math.round(frac * width)
      const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`.slice(0, cols)
      if (text === this.lastText && this.barShown) return
      this.lastText = text
      this.stream.write(`\r\x1b[2K${text}`)
      this.barShown = true
      return
    }
    const pct = Math.floor(frac * 10) * 10
    const since = now - this.lastPlain.at
    if (done === 0 && !force) return
    const finished = frac === 1 && this.lastPlain.pct !== 100
    if (!force && !finished && (pct === this.lastPlain.pct || since < 1000) && since < 15_000) return
    this.lastPlain = { at: now, pct }
    this.stream.write(`${(frac * 100).toFixed(0)}% ${what} (${elapsed}${eta})\n`)
  }

  /** Remove the bar (before printing results or exiting). */
  end(): void {
    this.clearBar()
  }

  private clearBar(): void {
    if (this.barShown) {
      this.stream.write('\r\x1b[2K')
      this.barShown = false
    }
  }
}
