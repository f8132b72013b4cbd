"""PyTorch reference timings for `npm run bench` (bench/main.ts).

Rebuilds the two models of Manning-Coe et al. 2025 (arXiv 2502.01739) as the authors' scripts define them and
times their training steps with the protocol that bench/main.ts applies to the project's engine:

  mlp:  Linear(226 -> 512) on two-hot float inputs, ReLU, Linear(512 -> 113); Xavier-normal weights, zero biases,
        every parameter times w0; Adam(lr 5e-3, weight_decay 3e-5), i.e. L2 added to the gradient.
  cnn:  Conv2d(1 -> 2, 3x3, padding 1), ReLU, MaxPool2d(2), Conv2d(2 -> 4, 3x3, padding 1), ReLU, MaxPool2d(2),
        Linear(64 -> 100), ReLU, Linear(100 -> 2); PyTorch's default initialisation times w0;
        Adam(lr 1e-4, weight_decay 0.1).

Both use nn.CrossEntropyLoss and torch.set_flush_denormal(True), as the authors' scripts do.

Reads a JSON plan (argument 1): the thread count of this process and the workloads, each with its warm-up steps,
steps per run and runs, and optionally `abortAboveMs`, a per-step (or per-epoch) time past which the warm-up is
abandoned because the other thread count is already known to be far faster. Prints one JSON object on stdout.
bench/main.ts runs one process per thread count, with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to it, so
that idle pool threads of one setting cannot slow the other. By hand:
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference/torch_bench.py \
    '{"threads":1,"workloads":[{"id":"x","model":"mlp","batch":64,"state":"early","warmup":20,"steps":50,"runs":5}]}'
"""

import json
import os
import platform
import sys
import time

import torch
from torch import nn

P = 113
TRAIN_FRACTION = 0.7
W0 = 10.0
ISING_L = 16
ISING_TRAIN = 300
# Late-training state, the same recipe as bench/main.ts: parameters of the fresh initialisation times 1e-21
# (|theta| about 1e-21 to 1e-20, so every product of two parameters is subnormal) and Adam moments about 1.5e-38,
# just above the smallest normal float32 (1.18e-38).
LATE_PARAM_SCALE = 1e-21
LATE_MOMENT = 1.5e-38
LATE_STEP = 100000


def build_mlp():
    model = nn.Sequential(nn.Linear(2 * P, 512), nn.ReLU(), nn.Linear(512, P))
    with torch.no_grad():
        for layer in (model[0], model[2]):
            nn.init.xavier_normal_(layer.weight)
            nn.init.zeros_(layer.bias)
        for p in model.parameters():
            p.mul_(W0)
    return model, torch.optim.Adam(model.parameters(), lr=5e-3, weight_decay=3e-5)


def build_cnn():
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(2, 4, 3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(64, 100), nn.ReLU(), nn.Linear(100, 2),
    )
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(W0)
    return model, torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=0.1)


def modular_addition_data():
    """All P^2 pairs as two-hot rows, split 70/30 in a seeded random order: 8938 training and 3831 test rows."""
    a = torch.arange(P).repeat_interleave(P)
    b = torch.arange(P).repeat(P)
    x = torch.zeros(P * P, 2 * P)
    x[torch.arange(P * P), a] = 1.0
    x[torch.arange(P * P), P + b] = 1.0
    y = (a + b) % P
    order = torch.randperm(P * P, generator=torch.Generator().manual_seed(0))
    n_train = int(round(TRAIN_FRACTION * P * P))
    train, test = order[:n_train], order[n_train:]
    return x[train].contiguous(), y[train].contiguous(), x[test].contiguous(), y[test].contiguous()


def ising_data():
    """300 random +-1 snapshots with balanced labels; the step's cost does not depend on the spin values."""
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 2, (ISING_TRAIN, 1, ISING_L, ISING_L), generator=g).float() * 2 - 1
    y = torch.arange(ISING_TRAIN) % 2
    return x, y


def batches(x, y, size):
    return [(x[i:i + size], y[i:i + size]) for i in range(0, x.shape[0], size)]


def set_late_state(model, optimiser):
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(LATE_PARAM_SCALE)
            sign = torch.where(torch.rand(p.shape, generator=g) < 0.5, -1.0, 1.0)
            state = optimiser.state[p]
            state['step'] = torch.tensor(float(LATE_STEP))
            state['exp_avg'] = sign * LATE_MOMENT * (0.5 + torch.rand(p.shape, generator=g))
            state['exp_avg_sq'] = LATE_MOMENT * (1 + torch.rand(p.shape, generator=g))


def snapshot(model, optimiser):
    params = [p.detach().clone() for p in model.parameters()]
    states = []
    for p in model.parameters():
        s = optimiser.state.get(p)
        states.append(None if not s else {k: v.clone() for k, v in s.items()})
    return params, states


def restore(model, optimiser, snap):
    params, states = snap
    with torch.no_grad():
        for p, saved, s in zip(model.parameters(), params, states):
            p.copy_(saved)
            if s is None:
                optimiser.state.pop(p, None)
            else:
                target = optimiser.state[p]
                for k, v in s.items():
                    if k in target and target[k].shape == v.shape:
                        target[k].copy_(v)
                    else:
                        target[k] = v.clone()


def train_step(model, optimiser, loss_fn, xb, yb):
    optimiser.zero_grad(set_to_none=False)
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimiser.step()
    return loss


class Aborted(Exception):
    """Raised when a warm-up overruns its deadline; the thread count is then far slower than the other one."""


def check(deadline):
    if deadline is not None and time.perf_counter() > deadline:
        raise Aborted()


def deadline_for(w, ms):
    limit = w.get('abortAboveMs')
    return None if limit is None else time.perf_counter() + limit * ms / 1000


def time_steps(w):
    """ms per step of each timed run. Early runs take consecutive steps from the fresh state; late runs restore
    the late state before every step (outside the timing), because one step already leaves it."""
    model, optimiser = build_mlp() if w['model'] == 'mlp' else build_cnn()
    loss_fn = nn.CrossEntropyLoss()
    if w['model'] == 'mlp':
        xtr, ytr, _, _ = modular_addition_data()
    else:
        xtr, ytr = ising_data()
    data = batches(xtr, ytr, w['batch'])
    late = w['state'] == 'late'
    if late:
        set_late_state(model, optimiser)
    else:
        # Creates the Adam state tensors (zeros) so that restoring them is an in-place copy.
        for p in model.parameters():
            st = optimiser.state[p]
            st['step'] = torch.tensor(0.0)
            st['exp_avg'] = torch.zeros_like(p)
            st['exp_avg_sq'] = torch.zeros_like(p)
    snap = snapshot(model, optimiser)

    def one_run(steps, deadline=None):
        total = 0.0
        if not late:
            restore(model, optimiser, snap)
            start = time.perf_counter()
            for s in range(steps):
                xb, yb = data[s % len(data)]
                train_step(model, optimiser, loss_fn, xb, yb)
                check(deadline)
            return (time.perf_counter() - start) * 1000 / steps
        for s in range(steps):
            restore(model, optimiser, snap)
            xb, yb = data[s % len(data)]
            start = time.perf_counter()
            train_step(model, optimiser, loss_fn, xb, yb)
            total += time.perf_counter() - start
            check(deadline)
        return total * 1000 / steps

    one_run(w['warmup'], deadline_for(w, w['warmup']))
    return [one_run(w['steps']) for _ in range(w['runs'])]


def time_epochs(w):
    """Seconds per modular-addition epoch: the 140 batches of 64 in split order, the mean training loss of the
    batches as the authors log it, and one no-grad pass over the 3831 test rows."""
    model, optimiser = build_mlp()
    loss_fn = nn.CrossEntropyLoss()
    xtr, ytr, xte, yte = modular_addition_data()
    data = batches(xtr, ytr, w['batch'])

    def epoch(deadline=None):
        start = time.perf_counter()
        loss_sum = 0.0
        correct = 0
        for xb, yb in data:
            optimiser.zero_grad(set_to_none=False)
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            optimiser.step()
            loss_sum += loss.item() * xb.shape[0]
            correct += (logits.argmax(1) == yb).sum().item()
            check(deadline)
        with torch.no_grad():
            logits = model(xte)
            loss_fn(logits, yte).item()
            (logits.argmax(1) == yte).sum().item()
        return time.perf_counter() - start

    def epoch_with_deadline():
        return epoch(deadline_for(w, 1))

    for _ in range(w['warmup']):
        epoch_with_deadline()
    return [epoch() * 1000 for _ in range(w['runs'])]


def blas_library():
    """Path of the BLAS that this process loaded, with symbolic links (Debian's alternatives) resolved."""
    torch.randn(64, 64) @ torch.randn(64, 64)
    try:
        with open('/proc/self/maps') as f:
            paths = {line.split()[-1] for line in f if '/' in line}
    except OSError:
        return None
    found = sorted(os.path.realpath(p) for p in paths if 'blas' in os.path.basename(p).lower())
    return found or None


def gemm_gflops():
    a = torch.randn(512, 512)
    b = torch.randn(512, 512)
    for _ in range(5):
        a @ b
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(20):
            a @ b
        runs.append((time.perf_counter() - start) / 20)
    return 2 * 512 ** 3 / sorted(runs)[len(runs) // 2] / 1e9


def summary(values):
    s = sorted(values)
    return {'median': s[len(s) // 2], 'min': s[0], 'max': s[-1]}


def main():
    plan = json.loads(sys.argv[1])
    threads = int(plan['threads'])
    torch.set_flush_denormal(True)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {
        'torch': torch.__version__,
        'python': platform.python_version(),
        'executable': sys.executable,
        'threads': threads,
        'flushDenormal': True,
        'blas': blas_library(),
        'blasConfig': [part.strip() for part in torch.__config__.show().replace(',', '\n').splitlines() if 'BLAS' in part or 'LAPACK' in part],
        'env': {k: os.environ[k] for k in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'OMP_WAIT_POLICY') if k in os.environ},
        'gemm512Gflops': round(gemm_gflops(), 1),
        'workloads': {},
    }
    for w in plan['workloads']:
        try:
            runs = time_epochs(w) if w.get('kind') == 'epoch' else time_steps(w)
            out['workloads'][w['id']] = {**summary(runs), 'runs': len(runs)}
        except Aborted:
            out['workloads'][w['id']] = {'aborted': True, 'abortAboveMs': w['abortAboveMs']}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
