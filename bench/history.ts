// `node scripts/run-ts.mjs bench/history.ts FILE…`: writes into each bench/results file the earlier
// committed runs of the same benchmark (git history of every <bench>-<date>.json, this file's
// earlier versions included) with the targets each missed, so a file that quotes a rerun also
// says when an earlier run of the same benchmark missed. The targets per benchmark are
// in TARGETS; a benchmark without targets records its earlier runs' dates and loads only.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ROOT } from '../src/node/repoRoot.ts'

interface ArchRow {
  arch: string
  best_vs_torch?: number
}

type Target = (result: any) => string[]

/** What each benchmark promised, as the missed targets of one result. */
const TARGETS: Record<string, Target> = {
  archs: (r) =>
    (r.archs as ArchRow[]).flatMap((a) => {
      const need = a.arch === 'mlp_small' ? 1.5 : 1.0
      return a.best_vs_torch !== undefined && a.best_vs_torch < need ? [`${a.arch}: ${a.best_vs_torch}× PyTorch (target ≥ ${need}×)`] : []
    }),
  'train-memory': (r) => {
    const peak = (r.runs?.train ?? r.runs?.after)?.max_rss_kbytes * 1024
    return peak > r.target.max_rss_bytes ? [`train --device cpu peak RSS ${(peak / 1e6).toFixed(0)} MB (target ≤ ${r.target.max_rss_bytes / 1e6} MB)`] : []
  },
  ingest: (r) => {
    // the file holds one run's --json output (and perhaps a baseline's); its goals come with it
    const out = r.output ?? r
    const worker = (out.results as { mode: string; rowsPerSecMedian: number; peakOverFeatures: number }[] | undefined)?.find((x) => x.mode === 'worker')
    const goals = out.goals ?? { rowsPerSec: 2_000_000, peakOverFeatures: 2 }
    if (!worker) return []
    return [
      ...(worker.rowsPerSecMedian < goals.rowsPerSec ? [`worker: ${(worker.rowsPerSecMedian / 1e6).toFixed(2)} M rows/s (target ≥ ${goals.rowsPerSec / 1e6} M)`] : []),
      ...(worker.peakOverFeatures > goals.peakOverFeatures ? [`worker: peak ${worker.peakOverFeatures.toFixed(2)}× the features (target ≤ ${goals.peakOverFeatures}×)`] : []),
    ]
  },
  scale: (r) =>
    Object.entries(r.results as Record<string, { memory?: { withinLimit: boolean; peak: { pssBytes: number }; limitBytes: number } }>).flatMap(([path, p]) =>
      p.memory && !p.memory.withinLimit ? [`${path}: peak ${(p.memory.peak.pssBytes / 1e6).toFixed(0)} MB Pss (limit start-up + 2× features = ${(p.memory.limitBytes / 1e6).toFixed(0)} MB)`] : [],
    ),
}

const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' })

export interface EarlierRun {
  /** the result file it was committed as (bench/results/…) */
  file: string
  commit: string
  committed: string
  load_average: unknown
  missed: string[]
}

/** Each commit that changed a result file of `bench` (<bench>-<date>.json), newest first, with the files it changed. */
function commitsOf(bench: string): { commit: string; committed: string; files: string[] }[] {
  const log = git(['log', '--format=@%h %cI', '--name-only', '--diff-filter=AM', '--', `:(glob)bench/results/${bench}-*.json`])
  const dated = new RegExp(`^bench/results/${bench}-\\d{4}-\\d{2}-\\d{2}\\.json$`)
  return log
    .split('@')
    .filter((c) => c.trim())
    .map((c) => {
      const [head, ...files] = c.trim().split('\n')
      const [commit, committed] = head.split(' ')
      return { commit, committed, files: files.filter((f) => dated.test(f)) }
    })
}

const withoutHistory = (text: string) => JSON.stringify({ ...JSON.parse(text), earlier_runs: undefined })

/** The committed runs of the benchmark `file` belongs to, other than the working copy's, newest first. */
export function earlierRuns(file: string): EarlierRun[] {
  const bench = file.replace(/-\d{4}-\d{2}-\d{2}\.json$/, '')
  const target = TARGETS[bench]
  const current = withoutHistory(readFileSync(resolve(ROOT, 'bench/results', file), 'utf8'))
  const out: EarlierRun[] = []
  for (const { commit, committed, files } of commitsOf(bench))
    for (const rel of files) {
      const text = git(['show', `${commit}:${rel}`])
      if (withoutHistory(text) === current) continue
      const json = JSON.parse(text)
      out.push({ file: rel, commit, committed, load_average: json.load_average ?? null, missed: target ? target(json) : [] })
    }
  return out
}

export default async function main(argv: string[]): Promise<number> {
  for (const file of argv) {
    const path = resolve(ROOT, 'bench/results', file)
    const json = JSON.parse(readFileSync(path, 'utf8'))
    const runs = earlierRuns(file)
    json.earlier_runs = runs
    json.earlier_runs_note = 'earlier committed runs of this benchmark (git history of its result files, this one included), newest first, with the targets each missed'
    writeFileSync(path, JSON.stringify(json, null, 2) + '\n')
    process.stderr.write(`${file}: ${runs.length} earlier runs, ${runs.filter((r) => r.missed.length).length} missed a target\n`)
  }
  return 0
}
