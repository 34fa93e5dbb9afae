// Every number a README quotes from a benchmark is written with the place it comes from:
//   <!--n archs-2026-12-01.json archs.1.best_vs_torch x2-->9.58×<!--/n-->
// (a result file under bench/results, a dotted path into its JSON — `a.b/c.d` for a ratio of two
// values — and a format). `npm run bench:readme` rewrites the text between the markers from the
// files; `--check` (and test/bench/readmeNumbers.test.ts) fails when a README and its files
// disagree, so a number cannot drift from the file it came from.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const README_FILES = ['README.md', 'src/engine/README.md', 'src/cpu/README.md', 'bench/README.md'] as const

const MARK = /<!--n (\S+) (\S+) (\w+)-->(.*?)<!--\/n-->/g

export interface NumberMark {
  file: string
  path: string
  format: string
  /** the text between the markers */
  text: string
  /** the text the file's value formats to */
  expected: string
}

export class ReadmeNumberError extends Error {
  override name = 'ReadmeNumberError'
}

/** The number at a dotted path (`archs.1.wasm_1worker.samples_per_s`). */
function pathValue(json: unknown, path: string, where: string): number {
  let v: unknown = json
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !(key in (v as object))) throw new ReadmeNumberError(`${where}: no "${path}" (stops at "${key}")`)
    v = (v as Record<string, unknown>)[key]
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ReadmeNumberError(`${where}: "${path}" is ${JSON.stringify(v)}, not a number`)
  return v
}

/**
 * The value of an expression over dotted paths: a path, or paths and numbers joined by + − * /
 * with parentheses; minus is U+2212 (−) because keys may hold hyphens, e.g.
 * `(results.cpu.peakRssBytes−results.cpu.rssBeforeBytes)/results.cpu.featureBytes`.
 */
export function valueAt(json: unknown, expr: string, where: string): number {
  const tokens = expr.match(/[A-Za-z_][\w.-]*|\d+(\.\d+)?|[−+*/()]/g) ?? []
  if (tokens.join('') !== expr) throw new ReadmeNumberError(`${where}: cannot read the expression "${expr}"`)
  let i = 0
  const atom = (): number => {
    const t = tokens[i++]
    if (t === '(') {
      const v = sum()
      if (tokens[i++] !== ')') throw new ReadmeNumberError(`${where}: unbalanced parentheses in "${expr}"`)
      return v
    }
    if (t === undefined || '+−*/)'.includes(t)) throw new ReadmeNumberError(`${where}: "${expr}" is not an expression`)
    return /^\d/.test(t) ? Number(t) : pathValue(json, t, where)
  }
  const product = (): number => {
    let v = atom()
    while (tokens[i] === '*' || tokens[i] === '/') v = tokens[i++] === '*' ? v * atom() : v / atom()
    return v
  }
  const sum = (): number => {
    let v = product()
    while (tokens[i] === '+' || tokens[i] === '−') v = tokens[i++] === '+' ? v + product() : v - product()
    return v
  }
  const v = sum()
  if (i !== tokens.length) throw new ReadmeNumberError(`${where}: "${expr}" has more after position ${i}`)
  return v
}

/** A number as the READMEs write it: `M` 8.30 M, `k` 686 k, `rate` M or k, `xN` N decimals + ×, `sN` N decimals + s, `fN` N decimals, `pct` 12%, `int` 1,200, `MB`/`GB`, `ms` 212 ms, `ms_s1` a time in ms as 14.2 s, `M1` 30.1 M. */
export function formatNumber(v: number, format: string): string {
  const fixed = (x: number, d: number) => x.toFixed(d)
  if (format === 'M') return `${fixed(v / 1e6, 2)} M`
  if (format === 'k') return `${fixed(v / 1e3, 0)} k`
  if (format === 'rate') return v >= 1e6 ? formatNumber(v, 'M') : formatNumber(v, 'k')
  if (format === 'pct') return `${fixed(v * 100, 0)}%`
  if (format === 'int') return Math.round(v).toLocaleString('en-US')
  if (format === 'MB') return `${fixed(v / 1e6, 0)} MB`
  if (format === 'ms') return `${fixed(v, 0)} ms`
  if (format === 'ms_s1') return `${fixed(v / 1000, 1)} s`
  if (format === 'M1') return `${fixed(v / 1e6, 1)} M`
  if (format === 'GB') return `${fixed(v / 1e9, 2)} GB`
  const m = /^([xsf])(\d)$/.exec(format)
  if (m) return fixed(v, Number(m[2])) + (m[1] === 'x' ? '×' : m[1] === 's' ? ' s' : '')
  throw new ReadmeNumberError(`unknown number format "${format}"`)
}

/** Every marked number of a README's text, with what its result file says it should be. */
export function readmeMarks(text: string, readFile: (name: string) => unknown, readme: string): NumberMark[] {
  const marks: NumberMark[] = []
  for (const m of text.matchAll(MARK)) {
    const [, file, path, format, inner] = m
    const json = readFile(file)
    marks.push({ file, path, format, text: inner, expected: formatNumber(valueAt(json, path, `${readme}: bench/results/${file}`), format) })
  }
  return marks
}

/** The README with every marked number rewritten from its file. */
export function rewriteReadme(text: string, readFile: (name: string) => unknown, readme: string): string {
  return text.replace(MARK, (_all, file: string, path: string, format: string) =>
    `<!--n ${file} ${path} ${format}-->${formatNumber(valueAt(readFile(file), path, `${readme}: bench/results/${file}`), format)}<!--/n-->`,
  )
}

/** Reads bench/results/NAME once per name. */
export function resultReader(root: string): (name: string) => unknown {
  const cache = new Map<string, unknown>()
  return (name) => {
    if (!cache.has(name)) {
      let raw: string
      try {
        raw = readFileSync(resolve(root, 'bench/results', name), 'utf8')
      } catch {
        throw new ReadmeNumberError(`bench/results/${name}: no such result file`)
      }
      cache.set(name, JSON.parse(raw))
    }
    return cache.get(name)
  }
}
