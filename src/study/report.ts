// The study's reports: JSON and Markdown carrying the same numbers, laid out like the reference
// LOSO harness's outputs (loso_per_fold + loso_aggregate per arm), plus the comparison the digest
// makes (std ratio, outlier before/after, Δ per fold) and the reading. `runJson` is the compact
// per-sweep shape the CLI prints.
import { fmtCorr, fmtRatio, fmtRmse, fmtSigned } from '../experiment/format.ts'
import { plannedArms, studySeeds } from './plan.ts'
import { ARM_LABELS, type Arm, type ArmSummary, type FoldRun, type Scores, type StudyResult } from './types.ts'

export const STD_KIND = 'population std (ddof 0) across folds of the per-fold seed means'

const scores = (s: Scores) => ({ plcc: s.plcc, srocc: s.srocc, rmse: s.rmse })
const finite = (v: number) => (Number.isFinite(v) ? v : null)

export interface StudyReportJson {
  generated: string
  study: string
  settings: Record<string, unknown>
  data: { files: { name: string; sha256: string; rows: number }[]; folds: string[] }
  device: string
  wall_s: number
  train_s: number
  cancelled: boolean
  arms: Partial<Record<Arm, ArmReportJson>>
  comparison: {
    std_ratio_a_over_b: number | null
    std_ratio_a_over_c: number | null
    outlier: {
      fold: string
      a: Scores
      b: Scores | null
      c: Scores | null
      seeds_disagree: { seed: number; worst_fold: string }[]
    } | null
    delta_per_fold: Record<string, { b_minus_a: Scores | null; c_minus_a: Scores | null; b_minus_c: Scores | null }>
    reading: string
  }
  failed: { arm: Arm; fold: string; seed: number; status: string; message: string }[]
}

export interface ArmReportJson {
  label: string
  epochs_per_fold: Record<string, number>
  steps_per_fold: Record<string, number>
  loso_per_fold: Record<
    string,
    { n: number; plcc: number; srocc: number; rmse: number; plcc_std: number; srocc_std: number; rmse_std: number; seeds: { seed: number; plcc: number; srocc: number; rmse: number }[] }
  >
  loso_aggregate: {
    mean_plcc: number | null
    mean_srocc: number | null
    mean_rmse: number | null
    std_plcc: number | null
    std_srocc: number | null
    std_rmse: number | null
    std_kind: string
  }
  worst_fold: string | null
  worst_fold_by_seed: Record<string, string>
  complete: boolean
}

function armJson(a: ArmSummary): ArmReportJson {
  const per: ArmReportJson['loso_per_fold'] = {}
  const epochs: Record<string, number> = {}
  for (const f of a.folds) {
    if (!f) continue
    epochs[f.fold] = f.epochs
    per[f.fold] = {
      n: f.n,
      ...scores(f.mean),
      plcc_std: f.std.plcc,
      srocc_std: f.std.srocc,
      rmse_std: f.std.rmse,
      seeds: f.perSeed.map((p) => ({ seed: p.seed, plcc: p.plcc, srocc: p.srocc, rmse: p.rmse })),
    }
  }
  return {
    label: a.label,
    epochs_per_fold: epochs,
    steps_per_fold: { ...a.steps },
    loso_per_fold: per,
    loso_aggregate: {
      mean_plcc: finite(a.mean.plcc),
      mean_srocc: finite(a.mean.srocc),
      mean_rmse: finite(a.mean.rmse),
      std_plcc: finite(a.std.plcc),
      std_srocc: finite(a.std.srocc),
      std_rmse: finite(a.std.rmse),
      std_kind: STD_KIND,
    },
    worst_fold: a.worst,
    worst_fold_by_seed: Object.fromEntries(a.worstBySeed.map((w) => [String(w.seed), w.fold])),
    complete: a.complete,
  }
}

export function studyReportJson(res: StudyResult, generated = new Date().toISOString()): StudyReportJson {
  const { summary: s, plan } = res
  const arms: Partial<Record<Arm, ArmReportJson>> = {}
  for (const arm of plannedArms(plan)) if (s.arms[arm]) arms[arm] = armJson(s.arms[arm]!)
  const st = plan.settings
  return {
    generated,
    study: 'FoxBird study: leave-one-source-out over the nflx sources — (a) nflx only, (b) nflx + konvid, (c) (a) steps-matched to (b)',
    settings: {
      arch: plan.arch.name,
      widths: plan.widths,
      features: plan.features,
      epochs: st.epochs,
      epochs_c: plan.epochsC,
      batch_size: st.batchSize,
      lr: st.lr,
      seeds: studySeeds(st),
      scaler: st.scalerMode,
      arms: plannedArms(plan),
    },
    data: {
      files: (res.runs[0]?.model.training.inputFiles ?? []).map((f) => ({ name: f.name, sha256: f.sha256, rows: f.rows })),
      folds: plan.folds,
    },
    device: res.device,
    wall_s: res.wallMs / 1000,
    train_s: res.trainMs / 1000,
    cancelled: res.cancelled,
    arms,
    comparison: {
      std_ratio_a_over_b: s.stdRatio,
      std_ratio_a_over_c: s.stdRatioSteps,
      outlier: s.outlier && {
        fold: s.outlier.fold,
        a: scores(s.outlier.before),
        b: s.outlier.afterData && scores(s.outlier.afterData),
        c: s.outlier.afterSteps && scores(s.outlier.afterSteps),
        seeds_disagree: s.outlier.disagreeing.map((d) => ({ seed: d.seed, worst_fold: d.fold })),
      },
      delta_per_fold: Object.fromEntries(s.deltas.map((d) => [d.fold, { b_minus_a: d.ba, c_minus_a: d.ca, b_minus_c: d.bc }])),
      reading: s.reading,
    },
    failed: res.failed.map((f) => ({ ...f })),
  }
}

const cell = (s: Scores | undefined | null) => (s ? `${fmtCorr(s.plcc)} / ${fmtCorr(s.srocc)} / ${fmtRmse(s.rmse)}` : '—')

/** Markdown from the JSON report, so both carry the same numbers. */
export function studyReportMarkdown(r: StudyReportJson): string {
  const arms = Object.keys(r.arms) as Arm[]
  const set = r.settings as { arch: string; widths: number[]; epochs: number; epochs_c: Record<string, number>; batch_size: number; lr: number; seeds: number[]; scaler: string }
  const nSeeds = set.seeds.length
  const L: string[] = []
  L.push('# FoxBird study — leave-one-source-out', '')
  L.push(`Generated: ${r.generated}${r.cancelled ? ' — **cancelled**: the tables hold the runs that finished' : ''}`, '')
  L.push(
    `Model ${set.arch} (${set.widths.join('→')}), ${set.epochs} epochs, batch ${set.batch_size}, lr ${set.lr}, ` +
      `${set.scaler} scaler, seeds ${set.seeds.join(', ')}. Trained on ${r.device} in ${r.train_s.toFixed(1)} s (whole study ${r.wall_s.toFixed(1)} s).`,
  )
  const cEpochs = [...new Set(Object.values(set.epochs_c))]
  if (r.arms.c) L.push('', `(c) trains (a)'s folds for ${cEpochs.join('/')} epochs so its optimizer steps match (b)'s.`)
  if (r.data.files.length) {
    L.push('', 'Input files:', '')
    for (const f of r.data.files) L.push(`- ${f.name} — ${f.rows.toLocaleString('en-US')} rows, sha256 ${f.sha256.slice(0, 12)}…`)
  }
  L.push('', `## Per fold (PLCC / SROCC / RMSE${nSeeds > 1 ? `, mean over ${nSeeds} seeds` : ''})`, '')
  const head = ['held-out source', 'n', ...arms.map((a) => `(${a}) ${ARM_LABELS[a]}`)]
  const deltas: [string, 'b_minus_a' | 'c_minus_a' | 'b_minus_c'][] = []
  if (r.arms.a && r.arms.b) deltas.push(['Δ PLCC b−a', 'b_minus_a'])
  if (r.arms.a && r.arms.c) deltas.push(['Δ PLCC c−a', 'c_minus_a'])
  if (r.arms.b && r.arms.c) deltas.push(['Δ PLCC b−c', 'b_minus_c'])
  head.push(...deltas.map((d) => d[0]))
  L.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`)
  const worst = r.arms.a?.worst_fold ?? null
  for (const fold of r.data.folds) {
    const n = arms.map((a) => r.arms[a]!.loso_per_fold[fold]?.n).find((v) => v !== undefined)
    const name = fold === worst ? `**${fold}**` : fold
    const row = [name, n === undefined ? '—' : String(n), ...arms.map((a) => cell(r.arms[a]!.loso_per_fold[fold]))]
    for (const [, k] of deltas) row.push(fmtSigned(r.comparison.delta_per_fold[fold]?.[k]?.plcc))
    L.push(`| ${row.join(' | ')} |`)
  }
  const agg = (a: Arm) => {
    const g = r.arms[a]!.loso_aggregate
    return `${fmtCorr(g.mean_plcc)} ± ${fmtCorr(g.std_plcc)} / ${fmtCorr(g.mean_srocc)} ± ${fmtCorr(g.std_srocc)} / ${fmtRmse(g.mean_rmse)} ± ${fmtRmse(g.std_rmse)}`
  }
  L.push(`| **mean ± std** | — | ${arms.map(agg).join(' | ')} |${deltas.map(() => ' |').join('')}`)
  L.push('', `std: ${STD_KIND}.`)

  L.push('', '## Comparison', '')
  if (r.comparison.std_ratio_a_over_b !== null)
    L.push(`- Spread across folds (PLCC std): (a) ${fmtCorr(r.arms.a!.loso_aggregate.std_plcc)} → (b) ${fmtCorr(r.arms.b!.loso_aggregate.std_plcc)}: ${fmtRatio(r.comparison.std_ratio_a_over_b)} tighter.`)
  if (r.comparison.std_ratio_a_over_c !== null)
    L.push(`- Steps-matched control: (a) → (c) ${fmtCorr(r.arms.c!.loso_aggregate.std_plcc)}: ${fmtRatio(r.comparison.std_ratio_a_over_c)} tighter.`)
  const o = r.comparison.outlier
  if (o) {
    L.push(
      `- Outlier fold (lowest mean PLCC in (a)): **${o.fold}** — (a) ${cell(o.a)}` +
        (o.c ? `; (c) ${cell(o.c)}` : '') +
        (o.b ? `; (b) ${cell(o.b)}` : '') +
        '.',
    )
    if (o.seeds_disagree.length)
      L.push(`- Seeds disagree on the worst fold: ${o.seeds_disagree.map((d) => `seed ${d.seed} → ${d.worst_fold}`).join(', ')} (the outlier is judged on the seed mean).`)
  }
  L.push('', `**Reading.** ${r.comparison.reading}`)

  if (nSeeds > 1) {
    L.push('', '## Per seed (PLCC)', '')
    for (const a of arms) {
      L.push(`### (${a}) ${ARM_LABELS[a]}`, '')
      L.push(`| fold | ${set.seeds.map((s) => `seed ${s}`).join(' | ')} | mean ± std |`, `|---|${set.seeds.map(() => '---:').join('|')}|---:|`)
      for (const fold of r.data.folds) {
        const f = r.arms[a]!.loso_per_fold[fold]
        if (!f) continue
        const bySeed = new Map(f.seeds.map((s) => [s.seed, s.plcc]))
        L.push(`| ${fold} | ${set.seeds.map((s) => fmtCorr(bySeed.get(s))).join(' | ')} | ${fmtCorr(f.plcc)} ± ${fmtCorr(f.plcc_std)} |`)
      }
      L.push('')
    }
  }
  if (r.failed.length) {
    L.push('', '## Runs that did not finish', '')
    for (const f of r.failed) L.push(`- (${f.arm}) ${f.fold} seed ${f.seed}: ${f.status} — ${f.message}`)
  }
  return L.join('\n').replace(/\n{3,}/g, '\n\n') + '\n'
}

/** The CLI's per-sweep shape: folds (seed 0's or the seed mean when several), mean, std, steps. */
export interface RunJson {
  arm: Arm
  folds: { source: string; plcc: number; srocc: number; rmse: number; n: number; steps: number; onnx: string | null }[]
  mean: Scores
  std: Scores
  /** optimizer steps each fold took (the largest when folds differ; per fold in `folds`) */
  steps: number
}

/** `onnxPath(run)` maps a fold's seed-0 run to where the caller wrote its .onnx. */
export function runJson(res: StudyResult, arm: Arm, onnxPath: (run: FoldRun) => string | null = () => null): RunJson {
  const a = res.summary.arms[arm]
  if (!a) throw new Error(`arm (${arm}) did not run`)
  const folds = a.folds
    .filter((f) => f !== null)
    .map((f) => {
      const first = res.runs.find((r) => r.arm === arm && r.fold === f.fold && r.seed === f.seeds[0])
      return { source: f.fold, plcc: f.mean.plcc, srocc: f.mean.srocc, rmse: f.mean.rmse, n: f.n, steps: f.steps, onnx: first ? onnxPath(first) : null }
    })
  return { arm, folds, mean: scores(a.mean), std: scores(a.std), steps: Math.max(0, ...folds.map((f) => f.steps)) }
}
