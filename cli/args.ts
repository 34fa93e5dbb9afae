// Command-line flags: a small parser (node:util's parseArgs takes one value per flag, but
// `--netflix a.parquet b.parquet` must take every shard the shell expands) plus typed readers
// that turn a bad value into a CliUsageError naming the flag. Help text is generated from the
// same specs, so flags and their documentation cannot drift apart.

export class CliUsageError extends Error {
  override name = 'CliUsageError'
}

export type FlagKind = 'flag' | 'value' | 'values'

export interface FlagSpec {
  name: string
  kind: FlagKind
  /** shown in help: e.g. "N", "PATH…" */
  meta?: string
  help: string
  /** default shown in help */
  def?: string
  /** accepted (to be refused with a reason) but not listed in help */
  hidden?: boolean
}

export interface Parsed {
  /** flag → its values (one entry per value; flags without values get []) */
  values: Map<string, string[]>
  help: boolean
}

/** Parse argv against `specs`. Unknown flags, missing values and stray arguments are errors. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]))
  const values = new Map<string, string[]>()
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]
    if (tok === '-h' || tok === '--help') {
      help = true
      continue
    }
    if (!tok.startsWith('--') || tok === '--') throw new CliUsageError(`unexpected argument "${tok}"${i > 0 ? ` after ${argv[i - 1]}` : ''}`)
    const eq = tok.indexOf('=')
    const name = tok.slice(2, eq > 0 ? eq : undefined)
    const spec = byName.get(name)
    if (!spec) throw new CliUsageError(`unknown flag --${name}${suggest(name, specs)}`)
    if (values.has(name) && spec.kind !== 'values') throw new CliUsageError(`--${name} is given more than once`)
    const list = values.get(name) ?? []
    values.set(name, list)
    if (spec.kind === 'flag') {
      if (eq > 0) throw new CliUsageError(`--${name} takes no value`)
      continue
    }
    if (eq > 0) {
      list.push(tok.slice(eq + 1))
      continue
    }
    // a value may start with "-" (a negative number) but not with "--"
    const isValue = (t: string | undefined) => t !== undefined && !t.startsWith('--') && t !== '-h'
    if (!isValue(argv[i + 1])) throw new CliUsageError(`--${name} needs ${spec.kind === 'values' ? 'at least one value' : 'a value'} (${spec.meta ?? 'VALUE'})`)
    list.push(argv[++i])
    if (spec.kind === 'values') while (isValue(argv[i + 1])) list.push(argv[++i])
  }
  return { values, help }
}

function suggest(name: string, specs: readonly FlagSpec[]): string {
  const close = specs.filter((s) => distance(s.name, name) <= 2 || s.name.includes(name) || name.includes(s.name))
  return close.length ? ` (did you mean ${close.map((s) => `--${s.name}`).join(' or ')}?)` : ''
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]
    d[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return d[b.length]
}

/** Typed access to parsed flags; every reader names the flag in its error. */
export class Flags {
  constructor(private readonly p: Parsed) {}

  has(name: string): boolean {
    return this.p.values.has(name)
  }

  bool(name: string): boolean {
    return this.p.values.has(name)
  }

  list(name: string): string[] {
    return this.p.values.get(name) ?? []
  }

  string(name: string): string | undefined {
    return this.p.values.get(name)?.[0]
  }

  choice<T extends string>(name: string, choices: readonly T[], def: T): T {
    const v = this.string(name)
    if (v === undefined) return def
    if (!(choices as readonly string[]).includes(v)) throw new CliUsageError(`--${name} must be one of ${choices.join(', ')}; got "${v}"`)
    return v as T
  }

  int(name: string, def: number, min: number, max: number): number {
    const v = this.string(name)
    if (v === undefined) return def
    const n = /^[+-]?\d+$/.test(v.trim()) ? Number(v) : NaN
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new CliUsageError(`--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}; got "${v}"`)
    return n
  }

  /** a finite number with lo < v < hi (exclusive bounds) */
  number(name: string, def: number, lo: number, hi: number): number {
    const v = this.string(name)
    if (v === undefined) return def
    const n = v.trim() === '' ? NaN : Number(v)
    if (!Number.isFinite(n) || !(n > lo && n < hi)) throw new CliUsageError(`--${name} must be a number above ${lo} and below ${hi}; got "${v}"`)
    return n
  }

  /** "64,32" → [64, 32] */
  ints(name: string): number[] | undefined {
    const v = this.string(name)
    if (v === undefined) return undefined
    const parts = v.split(/[,\sx×]+/).filter(Boolean)
    if (!parts.length || !parts.every((p) => /^\d+$/.test(p)))
      throw new CliUsageError(`--${name} must list whole numbers separated by commas, e.g. 64,32; got "${v}"`)
    return parts.map(Number)
  }
}

export interface CommandHelp {
  name: string
  summary: string
  usage: string
  description?: string
  specs: readonly FlagSpec[]
  examples: string[]
}

export function helpText(prog: string, c: CommandHelp): string {
  const left = (s: FlagSpec) => `--${s.name}${s.kind === 'flag' ? '' : ` ${s.meta ?? 'VALUE'}`}`
  const specs = c.specs.filter((s) => !s.hidden)
  const width = Math.max(...specs.map((s) => left(s).length), 10) + 2
  const lines = [`Usage: ${prog} ${c.usage}`, '', c.summary]
  if (c.description) lines.push('', c.description)
  lines.push('', 'Options:')
  for (const s of specs) {
    const def = s.def !== undefined ? ` (default: ${s.def})` : ''
    lines.push(`  ${left(s).padEnd(width)}${s.help}${def}`)
  }
  lines.push(`  ${'--help'.padEnd(width)}show this help`)
  if (c.examples.length) lines.push('', 'Examples:', ...c.examples.map((e) => `  ${e}`))
  return lines.join('\n') + '\n'
}
