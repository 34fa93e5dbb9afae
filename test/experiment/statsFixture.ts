// stats_scipy.json, written by scripts/stats_fixtures.py (run it with /usr/bin/python3 to regenerate).
import { readFileSync } from 'node:fs'

export interface StatsFixture {
  resamples: number
  raw_draws_seed0: number[]
  t_quantiles: { p: number; df: number; q: number; q_exact: number }[]
  t_intervals: { values: number[]; ci95: [number, number] }[]
  sign_flip: { name: string; x: number[]; y: number[]; p: number; statistic: number }[]
  bootstrap: { name: string; seed: number; deltas: number[][]; ci95: [number, number]; first_statistics: number[]; mean_statistic: number }[]
  fisher_intervals: { values: number[]; ci95: [number, number] }[]
  corrected_t: { deltas: number[]; ratio: number; t: number; df: number; p: number }[]
  holm: { p: number[]; p_adjusted: number[] }[]
  arms: {
    folds: string[]
    seeds: number[]
    plcc: Record<string, number[][]>
    summary: Record<string, { fold_means: number[]; mean: number; std: number; ci95_plain: [number, number]; ci95: [number, number] }>
    p: Record<string, number>
    test_train_ratio: number
    p_adjusted: Record<string, number>
    corrected_t: Record<string, { t: number; df: number; p: number }>
    corrected_t_adjusted: Record<string, number>
  }
}

export const fixture: StatsFixture = JSON.parse(readFileSync(new URL('./stats_scipy.json', import.meta.url), 'utf8'))
