#!/usr/bin/env python
"""Could deterministic synchronous rounds reach 1.8x on 2 processes? An upper bound, measured.

``n_jobs > 1`` trains lock-free (Hogwild). The deterministic alternative runs in rounds: each
of the P workers computes one minibatch on a consistent snapshot of the vectors, all wait at
a barrier, each applies the updates that fall in its own share of the rows, and all wait at a
second barrier. A round therefore lasts at least ``max(t_1, ..., t_P) + 2 * barrier``, where
``t`` is what one minibatch costs in the single-process trainer (making the batch, the step
and the updates; the updates are split between owners, not saved). The exchange of gradients
between processes is not counted, so the bound is optimistic.

This script trains one epoch with ``n_jobs=1`` on a prefix of the shared corpus, records the
time of every minibatch, pairs them as two workers' rounds would (consecutive minibatches, or
at random) and prints the speed-up bound ``sum(t) / sum(round)`` for P=2. The barrier cost is
measured first: the mean of 20,000 rounds of a ``multiprocessing.Barrier(2)`` between this
process and a child (17 us on the benchmark machine).

    python benchmarks/estimate_sync_rounds.py --max-tokens 2000000
"""

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))  # measure the package of this checkout

from bench_processes import read_prefix  # noqa: E402  (this folder is on sys.path)

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v._utils import engine_hooks

DEFAULT_CORPUS = BENCH_DIR.parent.parent / "shared" / "data" / "corpus.txt.xz"


class TimedStep:
    """A step that records when each minibatch starts training, and its block's random
    source (a new one per block), to tell consecutive minibatches of one block."""

    def __init__(self, step):
        self.step = step
        self.stamps = []

    def __call__(self, parameters, batch, random):
        self.stamps.append((random, time.perf_counter()))
        return self.step(parameters, batch, random)


def minibatch_seconds(docs):
    """One epoch of the default estimator; the seconds between consecutive minibatches
    of a block (a minibatch's training and the making of the next)."""
    steps = []

    def timed(step):
        steps.append(TimedStep(step))
        return steps[-1]

    with engine_hooks(wrap_step=timed):
        Word2VecTransformer(epochs=1, random_state=0, n_jobs=1).fit(docs)
    stamps = steps[0].stamps
    return np.array([b - a for (block_a, a), (block_b, b) in zip(stamps[:-1], stamps[1:])
                     if block_a is block_b])


def _wait_at(barrier, rounds):
    for _ in range(rounds):
        barrier.wait()


def barrier_seconds(rounds=20_000):
    """Mean time of one round of a 2-party ``multiprocessing.Barrier``."""
    barrier = multiprocessing.Barrier(2)
    child = multiprocessing.Process(target=_wait_at, args=(barrier, rounds))
    child.start()
    started = time.perf_counter()
    _wait_at(barrier, rounds)
    elapsed = time.perf_counter() - started
    child.join()
    return elapsed / rounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-tokens", type=int, default=2_000_000)
    args = parser.parse_args()
    if not args.corpus.exists():
        parser.exit(2, f"corpus not found: {args.corpus} (pass --corpus)\n")
    barrier = barrier_seconds()
    print(f"multiprocessing.Barrier(2): {barrier * 1e6:.1f} us a round")
    docs, _ = read_prefix(args.corpus, args.max_tokens)
    seconds = minibatch_seconds(docs)
    n = len(seconds) // 2 * 2
    print(f"{len(seconds):,} minibatches: mean {seconds.mean() * 1e3:.3f} ms, coefficient of "
          f"variation {seconds.std() / seconds.mean():.2f}")
    shuffled = np.random.default_rng(0).permutation(seconds)
    for name, times in (("consecutive", seconds), ("random", shuffled)):
        rounds = times[:n].reshape(-1, 2)
        serial = rounds.sum()
        slowest = rounds.max(axis=1)
        print(f"{name} pairing: speed-up bound {serial / (slowest + 2 * barrier).sum():.2f}x "
              f"({serial / slowest.sum():.2f}x with free barriers)")


if __name__ == "__main__":
    main()
