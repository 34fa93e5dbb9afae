#!/usr/bin/python3
"""PyTorch's best CPU loop for the lab's recipe, the reference the CPU trainer is measured against.

Recipe: ReLU MLP (nn.Linear default init after torch.manual_seed), standard-scaled features,
Adam lr 1e-3, MSE, batch 256, each epoch a torch.randperm order read by index slicing (no
DataLoader), one thread. Rows are the demo rows of the mlp_small_long fixture (10,800 rows of
nflx_like.parquet), resampled with replacement to the asked row count: the speed does not
depend on the values.

  /usr/bin/python3 bench/torch_loop.py --arch mlp_medium --rows 280000 --epochs 2 [--repeat 1] [--json]
  /usr/bin/python3 bench/torch_loop.py --experiment [--json]
      the arch experiment's 180 trainings one after another: 4 architectures x 9 folds x 5 seeds,
      18,872 training rows each (8 nflx sources x 1,200 + 9,272 konvid rows), 30 epochs
Like the WebAssembly side (whose workers first train one epoch on 2,048 rows), each process first
trains one untimed warm-up epoch of the same architecture on 2,048 rows, so neither side is timed
cold. Threads are pinned before torch loads (OMP/MKL variables, then set_num_threads and
set_num_interop_threads), and the output records the thread counts torch reports and the best run's
CPU seconds per wall second (about 1 when the loop really ran on one core).
Needs Debian's python3 with torch (python3-torch).
"""
import argparse
import json
import os
import sys
import time

THREAD_VARS = ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS')
for _var in THREAD_VARS:
    os.environ[_var] = '1'

import torch  # noqa: E402  (after the thread variables, which torch reads when it loads)

WARMUP_ROWS = 2048

ARCHS = {'linear': [], 'mlp_small': [16, 8], 'mlp_medium': [64, 32], 'mlp_large': [64, 32, 16]}
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, '..', '..', 'shared', 'fixtures', 'torch_parity', 'mlp_small_long.json')


def demo_rows():
    path = os.environ.get('TORCH_LOOP_FIXTURE', FIXTURE)
    with open(path) as f:
        fx = json.load(f)
    return torch.tensor(fx['x'], dtype=torch.float32), torch.tensor(fx['y'], dtype=torch.float32)


def resample(x, y, rows, seed):
    g = torch.Generator().manual_seed(seed)
    idx = torch.randint(0, x.shape[0], (rows,), generator=g)
    xs = x[idx]
    xs = (xs - xs.mean(0)) / xs.std(0, unbiased=False)
    return xs.contiguous(), y[idx].contiguous()


def model_for(hidden, nf):
    layers, w = [], nf
    for h in hidden:
        layers += [torch.nn.Linear(w, h), torch.nn.ReLU()]
        w = h
    layers.append(torch.nn.Linear(w, 1))
    return torch.nn.Sequential(*layers)


def fit(hidden, x, y, epochs, seed, generator=None, batch=256, lr=1e-3):
    """The loop: torch.manual_seed(seed), the model, then each epoch a torch.randperm order (drawn
    from `generator` when given, else torch's default one) read by index slicing.
    Returns the model and the last batch's loss."""
    torch.manual_seed(seed)
    model = model_for(hidden, x.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.MSELoss()
    n = x.shape[0]
    loss = None
    for _ in range(epochs):
        perm = torch.randperm(n, generator=generator)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]).squeeze(1), y[idx])
            loss.backward()
            opt.step()
    return model, float(loss)


def train(arch, x, y, epochs, seed):
    return fit(ARCHS[arch], x, y, epochs, seed)[1]


def warm_up(arch, x, y):
    """One untimed epoch on the first WARMUP_ROWS rows: allocator, autograd and kernels warm."""
    train(arch, x[:WARMUP_ROWS], y[:WARMUP_ROWS], 1, 0)


def pinned():
    """What the process runs with, recorded beside every measurement."""
    return {'threads': torch.get_num_threads(), 'interop_threads': torch.get_num_interop_threads(),
            'env': {v: os.environ[v] for v in THREAD_VARS},
            'warmup': f'one untimed epoch on {WARMUP_ROWS} rows of the same architecture first'}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--arch', default='mlp_small', choices=list(ARCHS))
    p.add_argument('--rows', type=int, default=280000)
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--repeat', type=int, default=1)
    p.add_argument('--experiment', action='store_true')
    p.add_argument('--json', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    x0, y0 = demo_rows()
    load = os.getloadavg()[0]
    if a.experiment:
        rows, epochs = 8 * 1200 + 9272, 30
        per_arch = {}
        t_all = time.perf_counter()
        for arch in ARCHS:
            warm_up(arch, *resample(x0, y0, WARMUP_ROWS, 99))
            t0 = time.perf_counter()
            for fold in range(9):
                x, y = resample(x0, y0, rows, 100 + fold)
                for seed in range(5):
                    train(arch, x, y, epochs, seed)
            per_arch[arch] = round(time.perf_counter() - t0, 2)
            print(f'{arch}: 45 trainings in {per_arch[arch]} s', file=sys.stderr)
        out = {'torch': torch.__version__, **pinned(), 'trainings': 180, 'rows': rows, 'epochs': epochs,
               'wall_s': round(time.perf_counter() - t_all, 2), 'per_arch_s': per_arch,
               'load_average': [round(load, 2), round(os.getloadavg()[0], 2)]}
    else:
        x, y = resample(x0, y0, a.rows, 1234)
        warm_up(a.arch, x, y)
        best = best_cpu = 0.0
        cpu_per_wall = None
        for r in range(a.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            train(a.arch, x, y, a.epochs, r)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            if a.rows * a.epochs / wall > best:
                best, cpu_per_wall = a.rows * a.epochs / wall, cpu / wall
            best_cpu = max(best_cpu, a.rows * a.epochs / cpu)
        out = {'torch': torch.__version__, **pinned(), 'cpu_per_wall': round(cpu_per_wall, 3), 'arch': a.arch, 'rows': a.rows, 'epochs': a.epochs,
               'repeats': a.repeat, 'best_samples_per_s': round(best),
               'best_samples_per_cpu_s': round(best_cpu),
               'load_average': [round(load, 2), round(os.getloadavg()[0], 2)]}
    print(json.dumps(out) if a.json else out)


if __name__ == '__main__':
    main()
