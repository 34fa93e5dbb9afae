// The input contract: which columns of a parquet file we read and what
// each one means. Required: the six canonical features and the target (`vmaf` unless the user picks
// another numeric column). Grouping: `source`, else `key`, else the whole file is one source.
// Optional: `corpus`, `key`, `frame_index`. Any other plain numeric column is an extra feature the
// user may select later; it is read only when selected.
import type { FileMetaData, SchemaElement } from 'hyparquet'
import { CANONICAL_FEATURES } from '../base/features.ts'
import { MissingColumnError, NonNumericColumnError } from './errors.ts'

export const DEFAULT_TARGET = 'vmaf'
export const FEATURES: readonly string[] = CANONICAL_FEATURES
/** Columns with a fixed meaning: never offered as extra features or as a target. */
const ROLE_COLUMNS = new Set(['source', 'key', 'corpus', 'frame_index'])

export type ValueKind = 'float' | 'int' | 'bigint' | 'string' | 'other'

export interface ColumnInfo {
  name: string
  /** physical type plus the logical/converted annotation, for messages: "FLOAT", "BYTE_ARRAY (UTF8)" */
  type: string
  kind: ValueKind
  /** OPTIONAL columns (pandas/pyarrow default) may hold nulls */
  nullable: boolean
}

export interface FileSchema {
  columns: ColumnInfo[]
  features: string[]
  target: string
  /** column that groups rows into sources; null: the whole file is one source */
  group: string | null
  /** column with the clip key; null: the group column stands in */
  key: string | null
  corpus: string | null
  frameIndex: string | null
  /** numeric columns that are neither features, target nor role columns */
  extrasAvailable: string[]
  /** the requested extras this file has */
  extras: string[]
  /** every column to read, in file order */
  read: string[]
}

export interface SchemaOptions {
  target?: string
  extras?: readonly string[]
}

/** Plain numeric columns we can turn into float32: no dates, decimals or timestamps. */
function valueKind(el: SchemaElement): ValueKind {
  if (el.num_children) return 'other'
  if (el.repetition_type === 'REPEATED') return 'other'
  const ct = el.converted_type
  const lt = el.logical_type?.type
  switch (el.type) {
    case 'FLOAT':
    case 'DOUBLE':
      return lt === 'FLOAT16' ? 'other' : 'float'
    case 'INT32':
      if (ct && !['INT_8', 'INT_16', 'INT_32', 'UINT_8', 'UINT_16', 'UINT_32'].includes(ct)) return 'other'
      if (lt && lt !== 'INTEGER') return 'other'
      return 'int'
    case 'INT64':
      if (ct && !['INT_64', 'UINT_64'].includes(ct)) return 'other'
      if (lt && lt !== 'INTEGER') return 'other'
      return 'bigint'
    case 'BYTE_ARRAY':
      return ct === 'UTF8' || lt === 'STRING' || (!ct && !lt) ? 'string' : 'other'
    default:
      return 'other'
  }
}

function describe(el: SchemaElement): string {
  if (el.num_children) return 'a nested group'
  const note: string | undefined = el.logical_type?.type ?? el.converted_type
  const base: string = el.type ?? 'untyped'
  const rep = el.repetition_type === 'REPEATED' ? ' (repeated)' : ''
  return note && note !== base ? `${base} (${note})${rep}` : `${base}${rep}`
}

/** Top-level columns of a file in order. */
export function fileColumns(metadata: FileMetaData): ColumnInfo[] {
  const schema = metadata.schema
  const out: ColumnInfo[] = []
  // Walk the flattened schema tree: top-level children of the root, skipping nested descendants.
  let i = 1
  const rootChildren = schema[0]?.num_children ?? 0
  for (let c = 0; c < rootChildren && i < schema.length; c++) {
    const el = schema[i]
    out.push({ name: el.name, type: describe(el), kind: valueKind(el), nullable: el.repetition_type !== 'REQUIRED' })
    i += 1 + countDescendants(schema, i)
  }
  return out
}

function countDescendants(schema: SchemaElement[], at: number): number {
  let n = 0
  let pending = schema[at].num_children ?? 0
  let i = at + 1
  while (pending > 0 && i < schema.length) {
    pending += (schema[i].num_children ?? 0) - 1
    n++
    i++
  }
  return n
}

const isNumeric = (c: ColumnInfo) => c.kind === 'float' || c.kind === 'int' || c.kind === 'bigint'

/** Check a file against the contract; throws MissingColumnError / NonNumericColumnError naming the file. */
export function detectSchema(metadata: FileMetaData, file: string, opts: SchemaOptions = {}): FileSchema {
  const target = opts.target ?? DEFAULT_TARGET
  const columns = fileColumns(metadata)
  const byName = new Map(columns.map((c) => [c.name, c]))
  const present = columns.map((c) => c.name)

  const required = [...FEATURES, target]
  const missing = required.filter((n) => !byName.has(n))
  if (missing.length) {
    const targetMissing = missing.includes(target)
    const candidates = columns.filter((c) => isNumeric(c) && !FEATURES.includes(c.name) && !ROLE_COLUMNS.has(c.name))
    throw new MissingColumnError(file, missing, present, candidates.map((c) => c.name), targetMissing)
  }
  for (const name of required) {
    const c = byName.get(name)!
    if (!isNumeric(c)) throw new NonNumericColumnError(file, name, c.type)
  }

  const usable = (name: string, kinds: ValueKind[]) => {
    const c = byName.get(name)
    return c && kinds.includes(c.kind) ? name : null
  }
  // grouping ids may be strings or integers; anything else is ignored like an absent column
  const idKinds: ValueKind[] = ['string', 'int', 'bigint']
  const source = usable('source', idKinds)
  const key = usable('key', idKinds)
  const group = source ?? key
  const corpus = usable('corpus', ['string'])
  const frameIndex = usable('frame_index', ['int', 'bigint'])

  const extrasAvailable = columns
    .filter((c) => isNumeric(c) && !FEATURES.includes(c.name) && c.name !== target && !ROLE_COLUMNS.has(c.name))
    .map((c) => c.name)
  const extras = (opts.extras ?? []).filter((e) => extrasAvailable.includes(e))

  const wanted = new Set<string>([...FEATURES, target, ...extras])
  for (const n of [group, key, corpus, frameIndex]) if (n) wanted.add(n)
  const read = present.filter((n) => wanted.has(n))

  return { columns, features: [...FEATURES], target, group, key, corpus, frameIndex, extrasAvailable, extras, read }
}
