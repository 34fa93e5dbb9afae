// libvmaf's JSON log: {"version", "fps", "frames": [{"frameNum": N, "metrics": {name: value}}],
// "pooled_metrics", "aggregate_metrics"}. The text is scanned as it arrives (strings and nesting
// only); each frame object, once complete, goes through JSON.parse on its own, so a long log never
// needs one huge string. Frames of the older Python tools carry their metrics on the frame itself.
import { BadLogError } from '../errors.ts'
import type { LogFrames, LogParser } from './frames.ts'

const QUOTE = 34
const BACKSLASH = 92
const LBRACE = 123
const RBRACE = 125
const LBRACKET = 91
const RBRACKET = 93

export class JsonLogParser implements LogParser {
  private buf = ''
  /** position in buf of the next character to scan */
  private at = 0
  private depth = 0
  private inString = false
  private escaped = false
  private started = false
  /** where in buf the current top-level key or frame began (kept across pushes), else -1 */
  private keyStart = -1
  private frameStart = -1
  private lastKey = ''
  private inFrames = false
  private sawFrames = false

  constructor(
    private readonly file: string,
    private readonly frames: LogFrames,
  ) {}

  push(text: string): void {
    this.buf += text
    const s = this.buf
    for (let i = this.at; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === BACKSLASH) this.escaped = true
        else if (c === QUOTE) {
          this.inString = false
          if (this.keyStart >= 0) {
            this.lastKey = s.slice(this.keyStart + 1, i)
            this.keyStart = -1
          }
        }
        continue
      }
      if (c <= 32) continue
      if (!this.started) {
        if (c !== LBRACE) this.notLibvmaf('it does not start with a JSON object')
        this.started = true
      }
      if (c === QUOTE) {
        this.inString = true
        if (this.depth === 1) this.keyStart = i
      } else if (c === LBRACE || c === LBRACKET) {
        this.depth++
        if (this.depth === 2 && c === LBRACKET && this.lastKey === 'frames') this.inFrames = true
        else if (this.depth === 3 && this.inFrames && c === LBRACE) this.frameStart = i
      } else if (c === RBRACE || c === RBRACKET) {
        if (this.depth === 3 && this.frameStart >= 0 && c === RBRACE) {
          this.frame(s.slice(this.frameStart, i + 1))
          this.frameStart = -1
        } else if (this.depth === 2 && this.inFrames) {
          this.inFrames = false
          this.sawFrames = true
        }
        this.depth--
        if (this.depth < 0) this.malformed(`an unmatched "${String.fromCharCode(c)}"`)
      }
    }
    // keep only what a later push still needs: an unfinished frame or key
    const keep = Math.min(...[this.frameStart, this.keyStart, s.length].filter((k) => k >= 0))
    this.buf = s.slice(keep)
    if (this.frameStart >= 0) this.frameStart -= keep
    if (this.keyStart >= 0) this.keyStart -= keep
    this.at = s.length - keep
  }

  end(): void {
    if (!this.started) this.notLibvmaf('the file is empty')
    if (this.depth > 0 || this.inString)
      throw new BadLogError(this.file, 'truncated', `the JSON log is truncated: it ends inside ${this.inFrames ? `the frames (after ${this.frames.count})` : 'the top-level object'}`)
    if (!this.sawFrames) this.notLibvmaf('it has no "frames" array')
  }

  private frame(text: string): void {
    let obj: unknown
    try {
      obj = JSON.parse(text)
    } catch (e) {
      this.malformed(`frame ${this.frames.count} is not valid JSON (${e instanceof Error ? e.message : e})`)
    }
    const f = obj as { frameNum?: unknown; metrics?: unknown }
    if (!Number.isInteger(f.frameNum)) this.malformed(`frame ${this.frames.count} has no integer "frameNum"`)
    const source = (f.metrics && typeof f.metrics === 'object' ? f.metrics : f) as Record<string, unknown>
    const names: string[] = []
    const values: number[] = []
    for (const [k, v] of Object.entries(source)) {
      if (source === f && k === 'frameNum') continue
      if (typeof v === 'number') {
        names.push(k)
        values.push(v)
      } else if (v === null) {
        names.push(k)
        values.push(NaN)
      }
    }
    this.frames.add(f.frameNum as number, names, values)
  }

  private notLibvmaf(why: string): never {
    throw new BadLogError(this.file, 'not-libvmaf', `not a libvmaf JSON log: ${why}`)
  }

  private malformed(why: string): never {
    throw new BadLogError(this.file, 'malformed', `the JSON log is malformed: ${why}`)
  }
}
