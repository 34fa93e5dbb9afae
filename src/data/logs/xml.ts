// libvmaf's XML log: a root <VMAF> (or the older Python tools' <result>), no declaration needed,
// and one self-closing <frame frameNum="N" metric="value" …/> per frame inside <frames>. Tags are
// read as they complete; everything but the frames (params, fyi, pooled metrics) is skipped.
import { BadLogError } from '../errors.ts'
import type { LogFrames, LogParser } from './frames.ts'

const ROOTS = new Set(['VMAF', 'result'])
const ATTR = /([^\s=/>]+)\s*=\s*"([^"]*)"/g

export class XmlLogParser implements LogParser {
  private rest = ''
  private root: string | null = null
  private closed = false
  private inFrames = false

  constructor(
    private readonly file: string,
    private readonly frames: LogFrames,
  ) {}

  push(text: string): void {
    const s = this.rest + text
    let at = 0
    for (;;) {
      const lt = s.indexOf('<', at)
      if (lt < 0) {
        this.text(s.slice(at))
        at = s.length
        break
      }
      this.text(s.slice(at, lt))
      const isComment = s.startsWith('<!--', lt)
      const gt = isComment ? s.indexOf('-->', lt) : s.indexOf('>', lt)
      if (gt < 0) {
        at = lt
        break
      }
      if (!isComment) this.tag(s.slice(lt + 1, gt))
      at = gt + (isComment ? 3 : 1)
    }
    this.rest = s.slice(at)
    if (!this.root && this.rest.length > 1 << 16) this.notLibvmaf('no element found at the start')
  }

  end(): void {
    if (!this.root) this.notLibvmaf(this.rest.trim() ? 'no element found at the start' : 'the file is empty')
    if (!this.closed)
      throw new BadLogError(this.file, 'truncated', `the XML log is truncated: it ends before </${this.root}> (after ${this.frames.count} frames)`)
  }

  private text(s: string): void {
    if (s.trim() && (!this.root || this.closed)) this.notLibvmaf('it has text outside the root element')
  }

  private tag(body: string): void {
    if (body.startsWith('?') || body.startsWith('!')) return // declaration, doctype
    const closing = body.startsWith('/')
    const name = /^\/?\s*([^\s/>]+)/.exec(body)?.[1] ?? ''
    if (this.closed) this.notLibvmaf(`it has an element <${name}> after the root element`)
    if (!this.root) {
      if (closing || !ROOTS.has(name)) this.notLibvmaf(`its root element is <${name}>, not <VMAF>`)
      this.root = name
      return
    }
    if (closing) {
      if (name === this.root) this.closed = true
      else if (name === 'frames') this.inFrames = false
      return
    }
    if (name === 'frames') this.inFrames = !body.endsWith('/')
    else if (name === 'frame' && this.inFrames) this.frame(body)
  }

  private frame(body: string): void {
    const names: string[] = []
    const values: number[] = []
    let frameNum = NaN
    for (const m of body.matchAll(ATTR)) {
      if (m[1] === 'frameNum') frameNum = Number(m[2])
      else {
        names.push(m[1])
        values.push(m[2] === '' ? NaN : Number(m[2]))
      }
    }
    if (!Number.isInteger(frameNum))
      throw new BadLogError(this.file, 'malformed', `frame ${this.frames.count} of the XML log has no integer frameNum attribute`)
    this.frames.add(frameNum, names, values)
  }

  private notLibvmaf(why: string): never {
    throw new BadLogError(this.file, 'not-libvmaf', `not a libvmaf XML log: ${why}`)
  }
}
