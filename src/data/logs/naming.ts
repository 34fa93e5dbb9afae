// How a libvmaf log becomes one clip of the table: which format its name says it is, its clip key
// (the file stem), its source (by default the stem up to the first "__", else the parent folder's
// name; or the named group `source` of a user's pattern), and how libvmaf's metric names map onto
// the lab's columns.
import { CANONICAL_FEATURES } from '../../base/features.ts'

export type LogFormat = 'json' | 'xml' | 'csv'

/** The log format a file name says (by extension), or null (parquet and anything else). */
export function logFormatOf(name: string): LogFormat | null {
  const m = /\.(json|xml|csv)$/i.exec(pathOf(name))
  return m ? (m[1].toLowerCase() as LogFormat) : null
}

/** The name without query or fragment (URLs). */
function pathOf(name: string): string {
  return name.split(/[?#]/)[0]
}

/** "logs/Gears/Gears__640x360__crf22.json" → ["logs", "Gears", "Gears__640x360__crf22.json"] */
function pathParts(name: string): string[] {
  return pathOf(name).split(/[\\/]/).filter(Boolean)
}

/** The clip key of a log: its file stem ("Gears__640x360__crf22"). */
export function logKeyOf(name: string): string {
  const last = pathParts(name).pop() ?? name
  return last.replace(/\.(json|xml|csv)$/i, '') || last
}

/** A source rule: null is the default (stem up to the first "__", else the parent folder). */
export type SourcePattern = RegExp | null

export interface SourceOfLog {
  source: string
  /** which part of the rule gave it */
  by: 'pattern' | 'stem' | 'folder' | 'file'
}

/** Compile a user's pattern; it must have a named group `source`. Throws a SyntaxError saying what is wrong. */
export function sourcePattern(text: string): RegExp {
  let re: RegExp
  try {
    re = new RegExp(text)
  } catch (e) {
    throw new SyntaxError(`source pattern /${text}/ is not a valid regular expression: ${e instanceof Error ? e.message : e}`)
  }
  if (!/\(\?<source>/.test(text)) throw new SyntaxError(`source pattern /${text}/ has no named group (?<source>…)`)
  return re
}

/**
 * The source of a log. A pattern is matched against the path as given (folders included, with "/"):
 * its group `source` wins when it matches and is not empty; otherwise the default rule applies.
 */
export function logSourceOf(name: string, pattern: SourcePattern = null): SourceOfLog {
  const parts = pathParts(name)
  if (pattern) {
    const m = pattern.exec(parts.join('/'))
    const s = m?.groups?.source
    if (s) return { source: s, by: 'pattern' }
  }
  const key = logKeyOf(name)
  const cut = key.indexOf('__')
  if (cut > 0) return { source: key.slice(0, cut), by: 'stem' }
  if (parts.length > 1) return { source: parts[parts.length - 2], by: 'folder' }
  return { source: key, by: 'file' }
}

/** The lab's name for the canonical features and the target, by priority of libvmaf's spellings. */
const SPELLINGS: ((base: string) => string)[] = [
  (b) => `integer_${b}`,
  (b) => b,
  (b) => `VMAF_integer_feature_${b}_score`,
  (b) => `VMAF_feature_${b}_score`,
]

/**
 * Map a log's metric names to column names: each canonical feature from the first spelling present
 * (`integer_adm2`, `adm2`, `VMAF_integer_feature_adm2_score`, `VMAF_feature_adm2_score`), the score
 * from `vmaf` (or the older `VMAF_score`); every other metric keeps libvmaf's name (an extra feature).
 * A second spelling of a name already taken (a log with both `integer_adm2` and `adm2`) is left out.
 */
export function metricColumns(raw: readonly string[]): Map<string, string> {
  const present = new Set(raw)
  const out = new Map<string, string>()
  const taken = new Set<string>()
  for (const feature of CANONICAL_FEATURES) {
    for (const spell of SPELLINGS) {
      const name = spell(feature)
      if (present.has(name)) {
        out.set(name, feature)
        taken.add(feature)
        break
      }
    }
  }
  if (present.has('vmaf')) out.set('vmaf', 'vmaf')
  else if (present.has('VMAF_score')) out.set('VMAF_score', 'vmaf')
  taken.add('vmaf')
  for (const name of raw) if (!out.has(name) && !taken.has(name)) out.set(name, name)
  return out
}

export interface SourcePreviewRow {
  name: string
  key: string
  source: string
  by: SourceOfLog['by']
}

/** What a rule makes of these log names (at most `limit` of them), or why the pattern is refused. */
export function sourcePreview(names: readonly string[], patternText: string, limit = 8): { rows: SourcePreviewRow[]; error: string | null } {
  let pattern: SourcePattern = null
  let error: string | null = null
  if (patternText.trim())
    try {
      pattern = sourcePattern(patternText)
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
  const rows = names
    .filter((n) => logFormatOf(n) !== null)
    .slice(0, limit)
    .map((name) => ({ name, key: logKeyOf(name), ...logSourceOf(name, pattern) }))
  return { rows, error }
}
