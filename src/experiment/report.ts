// An experiment's report, as JSON and as Markdown, from what conductExperiment returned: the
// design, the statistics (summarizeExperiment's arms and comparisons, with each comparison's
// verdict), the computed reading, every run's scores and model id, and where and how long it ran.
// The JSON's arms/comparisons/reading carry the fields of the CLI's `study --json` contract, and
// reportContract projects them onto exactly those fields. The app, the page API and the CLI all
// write this report (conductedReportJson).
import type { LoadedFile } from '../data/table.ts'
import type { ConductedRun, ExperimentResult } from './conduct.ts'
import type { ArmDesign, ExperimentDesign, Protocol } from './design.ts'
import { fmtCorr, fmtDuration, fmtP, fmtRmse, fmtSigned } from './format.ts'
import { verdictOf } from './reading.ts'
import type { ArmResult, ComparisonResult, ExperimentSummary } from './summary.ts'
import type { Schedule } from './schedule.ts'

export interface ExperimentReportInput {
  design: ExperimentDesign
  summary: ExperimentSummary
  runs: readonly ConductedRun[]
  /** messages of the runs that produced no model */
  failures: readonly string[]
  files: readonly Pick<LoadedFile, 'name' | 'sha256'>[]
  device: string
  wallMs: number
  cancelled: boolean
  /** planned models */
  planned: number
}

export interface ExperimentReportJson {
  experiment: string
  design: ExperimentDesign
  arms: Record<string, ArmResult>
  comparisons: (ComparisonResult & { verdict: ReturnType<typeof verdictOf> })[]
  reading: string
  methods: string
  runs: { id: string; arm: string; fold: string; seed: number; epochs: number; plcc: number; srocc: number; rmse: number; n: number; ep: string }[]
  failures: string[]
  data: { name: string; sha256: string }[]
  device: string
  wall_s: number
  models: { planned: number; finished: number }
  cancelled: boolean
}

export function experimentReportJson(r: ExperimentReportInput): ExperimentReportJson {
  return {
    experiment: r.summary.experiment,
    design: r.design,
    arms: r.summary.arms,
    comparisons: r.summary.comparisons.map((c) => ({ ...c, verdict: verdictOf(c) })),
    reading: r.summary.reading,
    methods: r.summary.methods,
    runs: r.runs.map(({ scheduled, outcome }) => ({
      id: outcome.model.id,
      arm: scheduled.arm,
      fold: scheduled.fold,
      seed: scheduled.seed,
      epochs: scheduled.spec.epochs,
      plcc: outcome.metrics.plcc,
      srocc: outcome.metrics.srocc,
      rmse: outcome.metrics.rmse,
      n: outcome.metrics.n,
      ep: outcome.ep,
    })),
    failures: [...r.failures],
    data: r.files.map((f) => ({ name: f.name, sha256: f.sha256 })),
    device: r.device,
    wall_s: r.wallMs / 1000,
    models: { planned: r.planned, finished: r.runs.length },
    cancelled: r.cancelled,
  }
}

/** The report of a conducted experiment on the loaded `files`; cancelled runs are not failures. */
export function conductedReportJson(res: ExperimentResult, files: ExperimentReportInput['files']): ExperimentReportJson {
  return experimentReportJson({
    design: res.schedule.design,
    summary: res.summary,
    runs: res.runs,
    failures: res.failures.filter((f) => f.status !== 'cancelled').map((f) => f.message),
    files,
    device: res.device,
    wallMs: res.wallMs,
    cancelled: res.cancelled,
    planned: res.schedule.runs.length,
  })
}

/**
 * The CLI's `study --json` object, from a summary or a report (it has the summary's fields):
 * {experiment, arms: {ID: {label, folds, all, mean, std, ci95, convergence}},
 *  comparisons: [{a, b, delta_plcc, ci95, delta_rmse, ci95_rmse, p, p_adjusted, corrected_t}], reading}.
 */
export function reportContract(j: Pick<ExperimentSummary, 'experiment' | 'arms' | 'comparisons' | 'reading'>) {
  const arms = Object.fromEntries(
    Object.entries(j.arms).map(([id, a]) => [
      id,
      {
        label: a.label,
        folds: a.folds.map((f) => ({ source: f.source, plcc: f.plcc, srocc: f.srocc, rmse: f.rmse, n: f.n, plcc_seeds: f.plcc_seeds, ci95: f.ci95, converged: f.converged })),
        all: a.all,
        mean: a.mean,
        std: a.std,
        ci95: a.ci95,
        convergence: a.convergence,
      },
    ]),
  )
  const comparisons = j.comparisons.map((c) => ({
    a: c.a,
    b: c.b,
    delta_plcc: c.delta_plcc,
    ci95: c.ci95,
    delta_rmse: c.delta_rmse,
    ci95_rmse: c.ci95_rmse,
    p: c.p,
    p_adjusted: c.p_adjusted,
    corrected_t: c.corrected_t,
  }))
  return { experiment: j.experiment, arms, comparisons, reading: j.reading }
}

/** "nflx + 25% of the konvid clips (seed 0)" */
export function corporaText(a: Pick<ArmDesign, 'nflx' | 'konvid'>): string {
  const nflx = a.nflx === 'all' ? 'nflx' : a.nflx === 'none' ? '' : `nflx ${a.nflx.sources.join(', ')}`
  const konvid = a.konvid === 'all' ? 'konvid' : a.konvid === 'none' ? '' : `${Math.round(a.konvid.fraction * 1000) / 10}% of the konvid clips (seed ${a.konvid.seed})`
  return [nflx, konvid].filter(Boolean).join(' + ')
}

export function protocolText(p: Protocol): string {
  switch (p.kind) {
    case 'loso':
      return 'leave one nflx source out (one fold per source)'
    case 'konvid-holdout':
      return `${Math.round(p.fraction * 1000) / 10}% of the konvid clips held out (whole clips, seed ${p.seed})`
    case 'cross':
      return 'cross-corpus: each arm is tested on the corpus it did not train on'
    case 'fixed-source':
      return `nflx source ${p.source} held out`
  }
}

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
const rule = (n: number) => row(new Array(n).fill('---'))

export function experimentReportMarkdown(j: ExperimentReportJson): string {
  const d = j.design
  const ids = d.arms.map((a) => a.id)
  const out: string[] = [`# Experiment: ${j.experiment}`, '']
  out.push(
    `${protocolText(d.protocol)}; ${d.seeds} seed${d.seeds === 1 ? '' : 's'} from ${d.firstSeed}; recipe ${d.recipe}. ` +
      `${j.models.finished} of ${j.models.planned} models on ${j.device} in ${fmtDuration(j.wall_s * 1000)}${j.cancelled ? ' (cancelled)' : ''}.`,
    '',
  )
  if (j.data.length) out.push(`Data: ${j.data.map((f) => `${f.name} (sha256 ${f.sha256.slice(0, 12)}…)`).join(', ')}.`, '')
  out.push('## Arms', '', row(['arm', 'label', 'trains on', 'arch', 'epochs', 'lr', 'batch', 'scaler']), rule(8))
  for (const a of d.arms)
    out.push(
      row([
        a.id,
        a.label,
        corporaText(a),
        a.arch === 'custom' ? `custom ${(a.hidden ?? []).join('×')}` : a.arch,
        a.matchStepsOf ? `steps of ${a.matchStepsOf}` : String(a.epochs),
        String(a.lr),
        String(a.batchSize),
        a.scalerMode,
      ]),
    )
  out.push('', '## Reading', '', j.reading, '')
  const folds = [...new Set(ids.flatMap((id) => j.arms[id]?.folds.map((f) => f.source) ?? []))]
  out.push('## PLCC per fold (mean over seeds)', '', row(['fold', ...ids]), rule(ids.length + 1))
  for (const fold of folds)
    out.push(
      row([
        fold,
        ...ids.map((id) => {
          const f = j.arms[id]?.folds.find((x) => x.source === fold)
          return f ? `${fmtCorr(f.plcc)}${f.converged ? '' : ' ⚠'}` : '—'
        }),
      ]),
    )
  const per = (pick: (a: ArmResult) => string) => ids.map((id) => (j.arms[id]?.folds.length ? pick(j.arms[id]) : '—'))
  out.push(
    row(['**mean ± std**', ...per((a) => `${fmtCorr(a.mean.plcc)} ± ${fmtCorr(a.std.plcc)}`)]),
    row(['95% CI of the mean', ...per((a) => (a.ci95.plcc ? `${fmtCorr(a.ci95.plcc[0])} … ${fmtCorr(a.ci95.plcc[1])}` : '—'))]),
    row(['all test rows (PLCC / RMSE)', ...per((a) => (a.all ? `${fmtCorr(a.all.plcc)} / ${fmtRmse(a.all.rmse)}` : '—'))]),
    row(['runs converged', ...per((a) => `${a.convergence.converged} of ${a.convergence.runs}`)]),
    '',
  )
  if (folds.some((f) => ids.some((id) => j.arms[id]?.folds.find((x) => x.source === f && !x.converged)))) out.push('⚠: a run of this fold did not converge.', '')
  if (j.comparisons.length) {
    const head = ['comparison', 'Δ PLCC', '95% bootstrap CI', 'Δ RMSE', 'sign-flip p', 'p (Holm)', 'corrected t p', 'p (Holm)', 'folds', 'reading']
    out.push('## Comparisons (paired Δ = b − a)', '', row(head), rule(head.length))
    for (const c of j.comparisons)
      out.push(
        row([
          `${c.b} − ${c.a}`,
          fmtSigned(c.delta_plcc),
          c.ci95 ? `${fmtSigned(c.ci95[0])} … ${fmtSigned(c.ci95[1])}` : '—',
          fmtSigned(c.delta_rmse, 2),
          fmtP(c.p),
          fmtP(c.p_adjusted),
          fmtP(c.corrected_t?.p),
          fmtP(c.corrected_t?.p_adjusted),
          String(c.per_fold.length),
          c.unconverged ? `${c.verdict} (unconverged runs)` : c.verdict,
        ]),
      )
    out.push('')
  }
  if (j.failures.length) out.push('## Runs without a model', '', ...j.failures.map((f) => `- ${f}`), '')
  out.push('## Methods', '', j.methods, '')
  return out.join('\n')
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/** What a schedule trains, from its actual folds: "Leave one nflx source out, 9 times (…): 3 arms × 9 folds × 1 seed = 27 models." */
export function planText(s: Schedule): string {
  const d = s.design
  const arms = count(d.arms.length, 'arm')
  const seeds = count(d.seeds, 'seed')
  const models = count(s.runs.length, 'model')
  const p = d.protocol
  if (p.kind === 'loso')
    return `Leave one nflx source out, ${s.folds.length === 1 ? 'once' : `${s.folds.length} times`} (${s.folds.join(', ')}): ${arms} × ${count(s.folds.length, 'fold')} × ${seeds} = ${models}.`
  if (p.kind === 'cross') return `Cross-corpus: each arm trains on one corpus and is scored on the other (${s.folds.join(', ')}): ${arms} × ${seeds} = ${models}.`
  return `${protocolText(p)[0].toUpperCase()}${protocolText(p).slice(1)}: ${arms} × ${seeds} = ${models}.`
}
