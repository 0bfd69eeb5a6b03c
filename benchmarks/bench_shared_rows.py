#!/usr/bin/env python
"""What the rows two workers both write cost a two-worker fit.

Two worker processes of one fit (``n_jobs=2``) update the same shared matrices without
locks; a row that both write (a frequent word, a popular noise word) bounces between the
cores' caches. This benchmark measures that cost directly: it runs, alternating,

* ``n_jobs=1``;
* ``n_jobs=2`` as the package trains (shared rows);
* ``n_jobs=2`` with *private rows*: each worker copies the matrices when it receives the
  fit's first block and trains its copy, so the two workers write nothing in common. The
  model this produces is wrong (each copy sees half the corpus and is thrown away), but
  the work per block, the block hand-offs and the coordinator are the same.

If private rows train faster than shared ones, the difference is what sharing costs; if not,
a second worker's loss lies elsewhere (the host's shared cache and memory bandwidth, see
``bench_side_by_side.py``). The private form swaps the worker's task function for one of
this script (pickled by value to the workers), so the package is not changed.

Each fit is a subprocess that reads the corpus, starts its worker processes before the fit
(so that their start-up is not timed), trains, and prints its speed. Settings are
``bench_train.py``'s, one epoch by default. Run it on a quiet machine (``README.md``).

Example (4.5 minutes on the whole corpus, measured; less on the default prefix)::

    python benchmarks/bench_shared_rows.py --max-tokens 0
    python benchmarks/bench_shared_rows.py --max-tokens 2000000 --output /tmp/rows.md
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))  # the package of this checkout

from bench_train_report import report_preamble, write_report  # noqa: E402
from bench_train_runners import (  # noqa: E402
    CONFIGS,
    DEFAULT_CORPUS,
    ours_settings,
    parse_or_serve,
    read_corpus,
)

FORMS = ("n_jobs=1", "n_jobs=2, shared rows", "n_jobs=2, private rows")


def _train_block_on_private_rows(payload, task, reference_loss):
    """The worker's task, after this worker's matrices became copies of its own."""
    import numpy as np

    from sklearn_w2v._training import workers

    # The worker keeps one payload per fit (the same dict every block), so the copies made
    # at the fit's first block are the ones its later blocks train.
    parameters = workers._unpickle_with_shared_arrays(payload)[0]
    for name, matrix in parameters.items():
        if matrix.base is not None:  # still a view of the shared map
            parameters[name] = np.array(matrix)
    return workers.train_block_in_worker(payload, task, reference_loss)


def worker(args):
    sentences, n_tokens = read_corpus(args.corpus, args.max_tokens or None)
    jobs = 1 if args.form == FORMS[0] else 2
    if jobs > 1:
        from joblib import Parallel, delayed

        # The package's runner reuses joblib's loky workers: start them now, untimed.
        Parallel(n_jobs=jobs, backend="loky")(delayed(os.getpid)() for _ in range(2 * jobs))
    from sklearn_w2v import Word2VecTransformer
    from sklearn_w2v._utils import engine_hooks
    from sklearn_w2v._utils.hooks import MIN_TOKENS_FOR_PROCESSES

    # The private form: every block of the fit runs this task in the workers.
    task = _train_block_on_private_rows if args.form == FORMS[2] else None
    model = Word2VecTransformer(**ours_settings(args.config, epochs=args.epochs, jobs=jobs,
                                                seed=args.seed))
    with engine_hooks(worker_task=task):
        model.fit(sentences)

    trained_tokens = int(model.word_counts_.sum())  # what the runner choice counts
    if jobs > 1 and trained_tokens * args.epochs < MIN_TOKENS_FOR_PROCESSES:
        raise SystemExit(f"{trained_tokens:,} tokens x {args.epochs} epochs train in "
                         f"one process (below {MIN_TOKENS_FOR_PROCESSES:,}): raise "
                         f"--max-tokens or --epochs")
    # Output vectors start at zero: with private rows the shared ones must stay so (proof
    # that the private form ran), with shared rows they must not.
    output_trained = bool(model.context_vectors_.any())
    if output_trained != (args.form != FORMS[2]):
        raise SystemExit(f"{args.form}: the shared output vectors were "
                         f"{'' if output_trained else 'not '}trained")
    return {"n_tokens": n_tokens, "train_seconds": model.training_seconds_,
            "words_per_second": model.n_effective_words_ / model.training_seconds_}


def _run(args, form):
    command = [sys.executable, __file__, "--worker", "--form", form, "--config", args.config,
               "--corpus", str(args.corpus), "--seed", str(args.seed),
               "--epochs", str(args.epochs), "--max-tokens", str(args.max_tokens)]
    output = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="sg-ns", choices=sorted(CONFIGS))
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-tokens", type=int, default=6_000_000,
                        help="a prefix of whole lines (0: the whole corpus)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-shared-rows.md")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--form", choices=FORMS, help=argparse.SUPPRESS)
    args = parse_or_serve(parser, argv, worker)
    if args is None:
        return
    started = time.perf_counter()
    runs = {form: [] for form in FORMS}
    for round_ in range(args.rounds):
        for form in FORMS:
            runs[form].append(_run(args, form))
            print(f"round {round_ + 1}: {form}: "
                  f"{runs[form][-1]['words_per_second']:,.0f} words/s", flush=True)
    minutes = (time.perf_counter() - started) / 60
    n_tokens = runs[FORMS[0]][0]["n_tokens"]
    medians = {form: median(r["words_per_second"] for r in runs[form]) for form in FORMS}
    lines = report_preamble("Shared rows against private rows in a two-worker fit",
                            "bench_shared_rows.py", minutes,
                            f"{platform.processor() or platform.machine()}, "
                            f"{os.cpu_count()} CPUs")
    lines += [f"{CONFIGS[args.config]['label']}, {args.epochs} epoch(s), settings of "
              f"`bench_train.py`, corpus `{args.corpus}` ({n_tokens:,} tokens), workers "
              f"started before each fit. {args.rounds} rounds, the three forms alternating; "
              f"medians over rounds.", "",
              "| form | effective words/s | / n_jobs=1 | every round |",
              "|---|---:|---:|---|"]
    one, shared, private = (medians[form] for form in FORMS)
    for form in FORMS:
        lines.append(f"| {form} | {medians[form]:,.0f} | {medians[form] / one:.2f}x | "
                     + ", ".join(f"{r['words_per_second']:,.0f}" for r in runs[form]) + " |")
    lines += ["", f"Private rows / shared rows: {private / shared:.3f}x (medians). Private "
              "rows: each worker trains a copy of its own, so nothing is written by both; "
              "the model is wrong, the work the same. What private rows gain over shared "
              "ones is what the rows both workers write cost the fit; compare it with the "
              "spread of the rounds.", ""]
    write_report(args.output, lines)


if __name__ == "__main__":
    main()
