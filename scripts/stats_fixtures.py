#!/usr/bin/python3
"""Writes test/experiment/stats_scipy.json: what scipy and numpy give for the experiment statistics
of src/experiment/statistics.ts, on seeded synthetic inputs stored in the same file.

Run with Debian's python (scipy, numpy, statsmodels, mpmath):  /usr/bin/python3 scripts/stats_fixtures.py

- t-interval of a mean: scipy.stats.t.interval(0.95, n - 1, loc=mean, scale=sem(ddof=1)), and
  Student t quantiles from scipy.stats.t.ppf. scipy 1.10's ppf is accurate to about 1e-8 relative,
  so each quantile is also solved to 40 digits with mpmath (q_exact), which the TS code must match
  far more tightly.
- exact sign-flip test: scipy.stats.permutation_test on paired data (x = arm b's per-fold means,
  y = arm a's), permutation_type='samples', statistic mean(x - y), n_resamples=inf (all 2^F
  swaps, i.e. sign flips of the per-fold Δ), two-sided.
- hierarchical paired bootstrap: scipy.stats.bootstrap cannot resample seeds within resampled
  folds, so it is written out here with numpy, replaying the index stream the TS code documents:
  mt19937 seeded like numpy's RandomState(seed) (= torch.manual_seed(seed)), raw 32-bit draws r;
  per resample F folds f = r mod F, then for each drawn fold its S_f seeds s = r mod S_f. The CI is
  numpy.percentile (linear) of the resampled means at 2.5 and 97.5. The first raw draws are stored
  too, so the TS generator's stream is checked against numpy's.
- Fisher's z interval of a mean correlation: numpy.arctanh of the values, the scipy t-interval
  above on them, numpy.tanh of its ends.
- Nadeau–Bengio corrected resampled t-test on per-fold Δ: t = mean / sqrt((1/J + n_test/n_train) s²),
  p = 2 · scipy.stats.t.sf(|t|, J − 1).
- Holm: statsmodels.stats.multitest.multipletests(p, method='holm').
"""
import json
import os
import sys

import mpmath
import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.multitest import multipletests

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'experiment', 'stats_scipy.json')
RESAMPLES = 10_000


def t_interval(values):
    v = np.asarray(values, dtype=np.float64)
    lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=stats.sem(v, ddof=1))
    return [float(lo), float(hi)]


def t_quantile_exact(p, df):
    mpmath.mp.dps = 40

    def cdf(t):
        tail = mpmath.betainc(mpmath.mpf(df) / 2, mpmath.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
        return 1 - tail if t >= 0 else tail

    return float(mpmath.findroot(lambda t: cdf(t) - mpmath.mpf(p), stats.t.ppf(p, df)))


def fisher_interval(values):
    lo, hi = t_interval(np.arctanh(np.asarray(values, dtype=np.float64)))
    return [float(np.tanh(lo)), float(np.tanh(hi))]


def corrected_t(deltas, ratio):
    d = np.asarray(deltas, dtype=np.float64)
    J = len(d)
    t = d.mean() / np.sqrt((1 / J + ratio) * d.var(ddof=1))
    return {'t': float(t), 'df': J - 1, 'p': float(2 * stats.t.sf(abs(t), J - 1))}


def sign_flip_p(x, y):
    res = stats.permutation_test(
        (np.asarray(x), np.asarray(y)),
        lambda a, b, axis: np.mean(a - b, axis=axis),
        permutation_type='samples',
        vectorized=True,
        n_resamples=np.inf,
        alternative='two-sided',
    )
    return float(res.pvalue), float(res.statistic)


class Draws:
    def __init__(self, seed):
        self.bits = np.random.RandomState(seed)._bit_generator

    def next(self):
        return int(self.bits.random_raw())


def bootstrap(deltas, seed, resamples=RESAMPLES):
    draws = Draws(seed)
    F = len(deltas)
    rows = [np.asarray(d, dtype=np.float64) for d in deltas]
    out = np.empty(resamples)
    for b in range(resamples):
        total = 0.0
        for _ in range(F):
            fold = rows[draws.next() % F]
            S = len(fold)
            s = 0.0
            for _ in range(S):
                s += fold[draws.next() % S]
            total += s / S
        out[b] = total / F
    lo, hi = np.percentile(out, [2.5, 97.5])
    return [float(lo), float(hi)], out


def synthetic_arms(rng, folds, seeds):
    """PLCC-like values: per-fold level, a shift per arm, seed noise; one hard fold."""
    level = 0.995 - 0.004 * rng.random(folds)
    level[3] = 0.93
    arms = {}
    for arm, shift, noise in (('a', 0.0, 0.002), ('b', 0.004, 0.001), ('c', 0.0005, 0.002)):
        vals = level[:, None] + shift + noise * rng.standard_normal((folds, seeds))
        if arm != 'a':
            vals[3] += {'b': 0.05, 'c': 0.01}[arm]
        arms[arm] = np.minimum(vals, 0.9999).tolist()
    return arms


def main():
    rng = np.random.default_rng(20261201)
    t_cases = []
    for n in (2, 3, 5, 9, 12):
        values = (0.99 + 0.01 * rng.standard_normal(n)).tolist()
        t_cases.append({'values': values, 'ci95': t_interval(values)})
    t_quantiles = [
        {'p': p, 'df': df, 'q': float(stats.t.ppf(p, df)), 'q_exact': t_quantile_exact(p, df)} for df in (1, 2, 3, 4, 8, 17, 30, 120) for p in (0.9, 0.975, 0.995)
    ]

    flip_cases = []
    for F, kind in ((2, 'random'), (3, 'random'), (5, 'random'), (9, 'random'), (9, 'all_positive'), (9, 'ties'), (12, 'random')):
        y = (0.99 + 0.005 * rng.standard_normal(F)).tolist()
        if kind == 'all_positive':
            d = 0.001 + 0.01 * rng.random(F)
        elif kind == 'ties':
            d = np.array([0.002, -0.002, 0.002, 0.0, 0.001, -0.001, 0.003, 0.002, -0.001][:F])
        else:
            d = 0.003 * rng.standard_normal(F) + 0.001
        x = (np.asarray(y) + d).tolist()
        p, statistic = sign_flip_p(x, y)
        flip_cases.append({'name': f'{kind}_{F}', 'x': x, 'y': y, 'p': p, 'statistic': statistic})

    arms = synthetic_arms(rng, 9, 5)
    boot_cases = []
    for name, b, a, seed in (('b_minus_a', 'b', 'a', 0), ('c_minus_a', 'c', 'a', 0), ('b_minus_c', 'b', 'c', 7)):
        deltas = (np.asarray(arms[b]) - np.asarray(arms[a])).tolist()
        ci, dist = bootstrap(deltas, seed)
        boot_cases.append({'name': name, 'a': a, 'b': b, 'seed': seed, 'deltas': deltas, 'ci95': ci,
                           'first_statistics': dist[:5].tolist(), 'mean_statistic': float(dist.mean())})
    ragged = [[0.01, 0.012, 0.008], [0.002], [-0.004, 0.001], [0.006, 0.004, 0.005, 0.007]]
    ci, dist = bootstrap(ragged, 3)
    boot_cases.append({'name': 'ragged', 'seed': 3, 'deltas': ragged, 'ci95': ci,
                       'first_statistics': dist[:5].tolist(), 'mean_statistic': float(dist.mean())})

    fisher_cases = []
    for n in (2, 3, 9):
        values = np.minimum(0.97 + 0.03 * rng.random(n), 0.99995).tolist()
        fisher_cases.append({'values': values, 'ci95': fisher_interval(values)})
    fisher_cases.append({'values': [0.9412, 0.9998, 0.9991, 0.9995, 0.9989], 'ci95': fisher_interval([0.9412, 0.9998, 0.9991, 0.9995, 0.9989])})
    nb_cases = []
    for J, ratio in ((9, 1200 / 9600), (9, 1200 / 19_636), (3, 0.5), (12, 0.1)):
        d = (0.002 + 0.003 * rng.standard_normal(J)).tolist()
        nb_cases.append({'deltas': d, 'ratio': ratio, **corrected_t(d, ratio)})
    holm_cases = []
    for ps in ([0.00391, 0.37, 0.0117], [0.01, 0.02, 0.03, 0.04], [0.5, 0.5], [0.03], [0.004, 0.004, 0.9, 0.02, 0.2]):
        reject, adj, _, _ = multipletests(ps, method='holm')
        holm_cases.append({'p': ps, 'p_adjusted': [float(v) for v in adj]})

    fold_means = {k: np.asarray(v).mean(axis=1) for k, v in arms.items()}
    arm_summaries = {
        k: {'fold_means': m.tolist(), 'mean': float(m.mean()), 'std': float(m.std(ddof=0)), 'ci95_plain': t_interval(m), 'ci95': fisher_interval(m)}
        for k, m in fold_means.items()
    }
    arm_pvalues = {
        'b_minus_a': sign_flip_p(fold_means['b'], fold_means['a'])[0],
        'c_minus_a': sign_flip_p(fold_means['c'], fold_means['a'])[0],
        'b_minus_c': sign_flip_p(fold_means['b'], fold_means['c'])[0],
    }
    # the summary test's comparisons (b − a, c − a): Holm over their sign-flip p, and the corrected t
    # with the ratio of its synthetic folds (n_test = 1200 + f, n_train = 9600)
    pair_p = [arm_pvalues['b_minus_a'], arm_pvalues['c_minus_a']]
    ratio = float(np.mean([1200 + f for f in range(9)]) / 9600)
    arm_holm = [float(v) for v in multipletests(pair_p, method='holm')[1]]
    arm_nb = {k: corrected_t(fold_means[b] - fold_means['a'], ratio) for k, b in (('b_minus_a', 'b'), ('c_minus_a', 'c'))}
    arm_nb_holm = [float(v) for v in multipletests([arm_nb['b_minus_a']['p'], arm_nb['c_minus_a']['p']], method='holm')[1]]

    out = {
        'about': (f'scipy {scipy.__version__} / numpy {np.__version__}: t-interval (scipy.stats.t.interval), exact sign-flip '
                  "test (scipy.stats.permutation_test, permutation_type='samples', two-sided), hierarchical paired "
                  f'bootstrap ({RESAMPLES} resamples, numpy, index stream documented in scripts/stats_fixtures.py), '
                  f"Fisher's z intervals (numpy arctanh/tanh), the Nadeau-Bengio corrected t (scipy.stats.t), "
                  f"Holm (statsmodels {statsmodels.__version__} multipletests(method='holm'))"),
        'resamples': RESAMPLES,
        'raw_draws_seed0': [int(v) for v in np.random.RandomState(0)._bit_generator.random_raw(8)],
        't_quantiles': t_quantiles,
        't_intervals': t_cases,
        'sign_flip': flip_cases,
        'bootstrap': boot_cases,
        'fisher_intervals': fisher_cases,
        'corrected_t': nb_cases,
        'holm': holm_cases,
        'arms': {'folds': [f'S{i}' for i in range(9)], 'seeds': [0, 1, 2, 3, 4], 'plcc': arms,
                 'summary': arm_summaries, 'p': arm_pvalues, 'test_train_ratio': ratio,
                 'p_adjusted': {'b_minus_a': arm_holm[0], 'c_minus_a': arm_holm[1]},
                 'corrected_t': arm_nb, 'corrected_t_adjusted': {'b_minus_a': arm_nb_holm[0], 'c_minus_a': arm_nb_holm[1]}},
    }
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f'wrote {os.path.relpath(OUT)}', file=sys.stderr)


if __name__ == '__main__':
    main()
