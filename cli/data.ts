// Loading the data flags into one FeatureTable with the app's reader (src/data/ingest.ts):
// --netflix files are tagged nflx, --konvid files konvid, --data files by their own `corpus`
// column (nflx when they have none); a file's `corpus` column always wins over the flag.
// Each value is a parquet file, a libvmaf log (.json, .xml, .csv: one clip each, its source named by
// --source-pattern or the default rule of src/data/logs/naming.ts), an http(s) URL, or a folder
// (its parquet shards and logs, sorted).
// Bad input stops the run with the reader's own DataError (file, column, row group).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { FeatureTable } from '../src/data/featureTable.ts'
import { ingestInto, type SourceInput } from '../src/data/ingest.ts'
import { DEFAULT_TARGET } from '../src/data/schema.ts'
import { logFormatOf, sourcePattern } from '../src/data/logs/naming.ts'
import type { Corpus } from '../src/data/table.ts'
import { ROOT } from '../src/node/repoRoot.ts'
import type { Flags } from './args.ts'
import { CliUsageError } from './args.ts'
import { CliInputError } from './errors.ts'
import type { Progress } from './progress.ts'
import { fileAccess } from '../src/node/fileAccess.ts'

export const DATA_FLAGS = ['netflix', 'konvid', 'data'] as const

/** The bundled demo corpus (public/demo/), used when no data flag is given. */
export const DEMO = {
  netflix: [resolve(ROOT, 'public/demo/nflx_like.parquet')],
  konvid: [resolve(ROOT, 'public/demo/konvid_like')],
}

interface Group {
  flag: string
  corpus?: Corpus
  inputs: string[]
}

const isUrl = (s: string) => /^https?:\/\//i.test(s)

const isDataFile = (n: string) => n.toLowerCase().endsWith('.parquet') || logFormatOf(n) !== null

/** Expand folders into their parquet files and libvmaf logs; refuse what does not exist. */
function expand(flag: string, input: string): string[] {
  if (isUrl(input)) return [input]
  if (!existsSync(input)) throw new CliInputError(`${input}: no such file (given to --${flag})`)
  if (!statSync(input).isDirectory()) return [input]
  const files = readdirSync(input)
    .filter(isDataFile)
    .sort()
    .map((n) => join(input, n))
  if (!files.length) throw new CliInputError(`${input}: the folder holds no .parquet files or libvmaf logs (.json, .xml, .csv) (given to --${flag})`)
  return files
}

/** --source-pattern, checked before anything is read. */
function readSourcePattern(flags: Flags): string | null {
  const text = flags.string('source-pattern')
  if (text === undefined) return null
  try {
    sourcePattern(text)
  } catch (e) {
    throw new CliUsageError(`--source-pattern: ${e instanceof Error ? e.message : e}`)
  }
  return text
}

async function toSource(path: string): Promise<SourceInput> {
  if (isUrl(path)) return { kind: 'url', name: path, url: path }
  return { kind: 'buffer', name: path, file: await fileAccess(path) }
}

export function dataGroups(flags: Flags, progress: Progress): Group[] {
  const groups = ([
    { flag: 'netflix', corpus: 'nflx', inputs: flags.list('netflix') },
    { flag: 'konvid', corpus: 'konvid', inputs: flags.list('konvid') },
    { flag: 'data', inputs: flags.list('data') },
  ] satisfies Group[] as Group[]).filter((g) => g.inputs.length > 0)
  if (groups.length) return groups
  const demo = [...DEMO.netflix, ...DEMO.konvid]
  if (!demo.every((p) => existsSync(p)))
    throw new CliInputError(`no data given and the demo corpus is missing (${demo.join(', ')}): pass --netflix/--konvid/--data files`)
  progress.line(`no data flags: using the demo corpus in ${resolve(ROOT, 'public/demo')}`)
  return [
    { flag: 'netflix', corpus: 'nflx', inputs: DEMO.netflix },
    { flag: 'konvid', corpus: 'konvid', inputs: DEMO.konvid },
  ]
}

/** Read every data flag (or the demo corpus) into one table. */
export async function loadTable(flags: Flags, progress: Progress): Promise<FeatureTable> {
  const pattern = readSourcePattern(flags)
  const groups = dataGroups(flags, progress)
  const resolved = groups.map((g) => ({ ...g, files: g.inputs.flatMap((i) => expand(g.flag, i)) }))
  // shared columns: the WebAssembly trainer's workers read them in place
  const table = new FeatureTable(DEFAULT_TARGET, [], { columns: 'shared' })
  for (const g of resolved) {
    const sources = await Promise.all(g.files.map(toSource))
    const { messages } = await ingestInto(table, sources, {
      corpus: g.corpus,
      sourcePattern: pattern,
      strict: true,
      onProgress: (p) => progress.bar(`reading --${g.flag} ${p.name}`, p.rowsDone, p.rowsTotal),
    })
    for (const m of messages) if (m.level === 'warning') progress.warn(`${m.file}: ${m.text}`)
  }
  progress.end()
  if (table.rows === 0) throw new CliInputError('the given files hold no usable rows')
  return table
}
