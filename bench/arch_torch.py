#!/usr/bin/python3
"""The arch experiment's 180 trainings in PyTorch 1.13, one after another, one thread: the protocol of
../shared/fixtures/experiments_arch_torch.json. Leave-one-source-out over the 9 nflx sources; each
fold trains on the other 8 nflx sources plus every konvid row (rows in file order, nflx then
konvid), standard scaler fitted on the fold's training rows, nn.Linear default init after
torch.manual_seed(seed), each epoch's order from torch.randperm with a torch.Generator seeded with
the same seed, Adam 1e-3, MSE, batch 256, 30 epochs, seeds 0..4; 4 architectures x 9 folds x 5 seeds.
Each model is scored (PLCC) on its held-out source, so the run can be checked against the fixture.

  /usr/bin/python3 bench/arch_torch.py --data TABLE.json [--archs linear,mlp_small] [--seeds 5] [--json]

TABLE.json (bench/arch180.ts writes it from the lab's own reader): {"features": [...], "x": [rows x 6
flat], "y": [...], "source": [...], "corpus": [...]} in file order. Timed: the 180 trainings and
their held-out predictions; excluded: Python start-up, reading the JSON.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_loop import ARCHS, fit  # noqa: E402  (the same loop as the speed reference)


def train_one(hidden, x, y, seed, epochs=30):
    """One training of the fixture's protocol: randperm from a torch.Generator seeded with the seed."""
    return fit(hidden, x, y, epochs, seed, generator=torch.Generator().manual_seed(seed))[0]


def plcc(a, b):
    a = a.double() - a.double().mean()
    b = b.double() - b.double().mean()
    return float((a * b).sum() / (a.norm() * b.norm()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--archs', default=','.join(ARCHS))
    p.add_argument('--seeds', type=int, default=5)
    p.add_argument('--epochs', type=int, default=30)
    p.add_argument('--json', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(1)
    with open(a.data) as f:
        t = json.load(f)
    nf = len(t['features'])
    x_all = torch.tensor(t['x'], dtype=torch.float64).reshape(-1, nf)
    y_all = torch.tensor(t['y'], dtype=torch.float32)
    source, corpus = t['source'], t['corpus']
    nflx = sorted({s for s, c in zip(source, corpus) if c == 'nflx'})
    load0 = os.getloadavg()
    per_arch, plccs, trainings = {}, {}, 0
    t_all = time.perf_counter()
    for arch in a.archs.split(','):
        t0 = time.perf_counter()
        plccs[arch] = {}
        for held in nflx:
            tr = [i for i, (s, c) in enumerate(zip(source, corpus)) if not (c == 'nflx' and s == held)]
            te = [i for i, (s, c) in enumerate(zip(source, corpus)) if c == 'nflx' and s == held]
            xt = x_all[tr]
            mean, std = xt.mean(0), xt.std(0, unbiased=False)
            x = ((xt - mean) / std).float().contiguous()
            xv = ((x_all[te] - mean) / std).float()
            y = y_all[tr].contiguous()
            scores = []
            for seed in range(a.seeds):
                m = train_one(ARCHS[arch], x, y, seed, a.epochs)
                with torch.no_grad():
                    scores.append(plcc(m(xv).squeeze(1), y_all[te]))
                trainings += 1
            plccs[arch][held] = scores
        per_arch[arch] = round(time.perf_counter() - t0, 2)
        print(f'{arch}: {len(nflx) * a.seeds} trainings in {per_arch[arch]} s', file=sys.stderr)
    wall = time.perf_counter() - t_all
    out = {'torch': torch.__version__, 'threads': 1, 'trainings': trainings, 'epochs': a.epochs,
           'wall_s': round(wall, 2), 'per_arch_s': per_arch,
           'mean_plcc': {k: round(sum(sum(v) for v in f.values()) / sum(len(v) for v in f.values()), 4) for k, f in plccs.items()},
           'plcc': plccs,
           'load_average': {'before': [round(v, 2) for v in load0], 'after': [round(v, 2) for v in os.getloadavg()]}}
    print(json.dumps(out) if a.json else out)


if __name__ == '__main__':
    main()
