// libvmaf's CSV log: a header whose first column is `Frame`, then one line per frame; libvmaf ends
// every line, header included, with a comma (an empty last field, ignored here).
import { BadLogError } from '../errors.ts'
import type { LogFrames, LogParser } from './frames.ts'

export class CsvLogParser implements LogParser {
  private rest = ''
  private line = 0
  private header: string[] | null = null
  private trailingComma = false

  constructor(
    private readonly file: string,
    private readonly frames: LogFrames,
  ) {}

  push(text: string): void {
    const lines = (this.rest + text).split('\n')
    this.rest = lines.pop()!
    for (const l of lines) this.take(l)
  }

  end(): void {
    if (this.rest.trim()) this.take(this.rest)
    this.rest = ''
    if (!this.header) throw new BadLogError(this.file, 'not-libvmaf', 'not a libvmaf CSV log: the file is empty')
  }

  private take(raw: string): void {
    this.line++
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (!text.trim()) return
    if (!this.header) return this.takeHeader(text)
    const fields = text.split(',')
    if (this.trailingComma && fields.at(-1) === '') fields.pop()
    const names = this.header
    if (fields.length !== names.length + 1)
      throw new BadLogError(
        this.file,
        'ragged',
        `line ${this.line} has ${fields.length} fields, the header has ${names.length + 1}${this.trailingComma ? ' (not counting the trailing comma)' : ''}`,
      )
    const frameNum = Number(fields[0])
    if (!Number.isInteger(frameNum))
      throw new BadLogError(this.file, 'malformed', `line ${this.line}: the frame number "${fields[0]}" is not an integer`)
    const values = new Float64Array(names.length)
    for (let i = 0; i < names.length; i++) values[i] = parseValue(fields[i + 1])
    this.frames.add(frameNum, names, values)
  }

  private takeHeader(text: string): void {
    const cols = text.replace(/^\uFEFF/, '').split(',').map((c) => c.trim())
    this.trailingComma = cols.at(-1) === ''
    if (this.trailingComma) cols.pop()
    if (cols[0] !== 'Frame' && cols[0] !== 'frameNum')
      throw new BadLogError(this.file, 'not-libvmaf', `not a libvmaf CSV log: the first column is "${cols[0].slice(0, 40)}", not "Frame"`)
    this.header = cols.slice(1)
  }
}

/** A printed value; empty or unparsable fields read NaN (the row is then excluded and counted). */
function parseValue(s: string): number {
  return s === '' ? NaN : Number(s)
}
