#!/usr/bin/env python
"""How much of one core's speed a trainer keeps when the other core is busy.

Issue 19 asks ``n_jobs=2`` to train at least 1.8x as fast as ``n_jobs=1``. Two workers of
one fit share the model's rows: a row written by both bounces between the cores' caches.
They also share what every two processes on the host share: the last-level cache, the
memory bandwidth, the hypervisor's scheduling of the two virtual CPUs. This benchmark
separates the two: it runs one ``n_jobs=1`` fit alone, then two independent ``n_jobs=1``
fits at the same time (separate processes, separate models, nothing written in common),
alternating, and does the same with gensim (``workers=1``). A fit side by side that keeps
only a fraction *f* of its speed alone bounds what two workers of one fit can reach on this
host: about ``2 f`` times one worker's speed, less whatever the shared rows cost on top.

Each fit is a subprocess that reads the corpus, builds what it needs, and starts training
when its partner is ready (a barrier on files), so the two trainings overlap. Settings
are ``bench_train.py``'s (skip-gram + negative sampling by default), one epoch. Run it on
a quiet machine (``README.md``); the report goes to ``benchmarks/RESULTS-side-by-side.md``.

Example (about 6 minutes on the full corpus)::

    python benchmarks/bench_side_by_side.py
    python benchmarks/bench_side_by_side.py --max-tokens 3000000 --output /tmp/side.md
"""

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
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
    gensim_settings,
    ours_settings,
    parse_or_serve,
    read_corpus,
)

_BARRIER_SECONDS = 600


def _wait_for_partners(folder, name, partners):
    """Mark this fit ready and wait until ``partners`` fits (itself included) are."""
    folder = Path(folder)
    (folder / f"{name}.ready").touch()
    deadline = time.monotonic() + _BARRIER_SECONDS
    while len(list(folder.glob("*.ready"))) < partners:
        if time.monotonic() > deadline:
            raise SystemExit("the partner fit never became ready")
        time.sleep(0.01)


def _usage():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_minflt


def worker(args):
    sentences, n_tokens = read_corpus(args.corpus, args.max_tokens)
    if args.worker == "ours":
        from sklearn_w2v import Word2VecTransformer

        model = Word2VecTransformer(**ours_settings(args.config, epochs=1, jobs=1,
                                                    seed=args.seed))
        _wait_for_partners(args.ready, args.name, args.partners)
        cpu, faults = _usage()
        model.fit(sentences)
        seconds, words = model.training_seconds_, model.n_effective_words_
    else:
        from gensim.models import Word2Vec

        model = Word2Vec(**gensim_settings(args.config, epochs=1, workers=1,
                                           seed=args.seed))
        model.build_vocab(sentences)
        _wait_for_partners(args.ready, args.name, args.partners)
        cpu, faults = _usage()
        started = time.perf_counter()
        words, _ = model.train(sentences, total_examples=model.corpus_count, epochs=1)
        seconds = time.perf_counter() - started
    cpu_after, faults_after = _usage()
    return {"n_tokens": n_tokens, "train_seconds": seconds, "effective_words": int(words),
            "words_per_second": words / seconds, "cpu_seconds": cpu_after - cpu,
            "minor_faults": faults_after - faults}


def _run_fits(args, kind, n_fits):
    """``n_fits`` fits of ``kind`` started together; their results."""
    with tempfile.TemporaryDirectory(prefix="side-by-side-") as ready:
        processes = []
        for i in range(n_fits):
            command = [sys.executable, __file__, "--worker", kind, "--config", args.config,
                       "--corpus", str(args.corpus), "--seed", str(args.seed + i),
                       "--ready", ready, "--name", f"fit{i}", "--partners", str(n_fits)]
            if args.max_tokens:
                command += ["--max-tokens", str(args.max_tokens)]
            processes.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
        outputs = [p.communicate()[0] for p in processes]
        if any(p.returncode for p in processes):
            raise SystemExit(f"a {kind} fit failed")
    return [json.loads(out.strip().splitlines()[-1]) for out in outputs]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="sg-ns", choices=sorted(CONFIGS))
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path,
                        default=BENCH_DIR / "RESULTS-side-by-side.md")
    parser.add_argument("--worker", choices=("ours", "gensim"), help=argparse.SUPPRESS)
    parser.add_argument("--ready", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--partners", type=int, default=1, help=argparse.SUPPRESS)
    args = parse_or_serve(parser, argv, worker)
    if args is None:
        return
    started = time.perf_counter()
    runs = {(kind, n): [] for kind in ("ours", "gensim") for n in (1, 2)}
    for round_ in range(args.rounds):
        for kind in ("ours", "gensim"):
            for n in (1, 2):
                results = _run_fits(args, kind, n)
                runs[kind, n].append(results)
                speeds = ", ".join(f"{r['words_per_second']:,.0f}" for r in results)
                print(f"round {round_ + 1}: {kind} x{n}: {speeds} words/s", flush=True)
    n_tokens = runs["ours", 1][0][0]["n_tokens"]
    minutes = (time.perf_counter() - started) / 60
    lines = report_preamble("One fit alone and two side by side", "bench_side_by_side.py",
                            minutes, platform.processor() or platform.machine())
    lines += [f"{CONFIGS[args.config]['label']}, one epoch, `n_jobs=1` / `workers=1`, "
              f"settings of `bench_train.py`, corpus `{args.corpus}` ({n_tokens:,} tokens). "
              f"{args.rounds} rounds, each: ours alone, two of ours side by side, gensim "
              f"alone, two gensim side by side. Medians over rounds (and over both fits of "
              f"a pair).", "",
              "| trainer | alone, words/s | side by side, words/s per fit | kept | "
              "two fits / one | CPU s per train s, side by side | minor faults per fit |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for kind in ("ours", "gensim"):
        alone = median([r[0]["words_per_second"] for r in runs[kind, 1]])
        pair = [fit for r in runs[kind, 2] for fit in r]
        together = median([fit["words_per_second"] for fit in pair])
        busy = median([fit["cpu_seconds"] / fit["train_seconds"] for fit in pair])
        faults = median([fit["minor_faults"] for fit in pair])
        lines.append(f"| {kind} | {alone:,.0f} | {together:,.0f} | "
                     f"{together / alone:.0%} | {2 * together / alone:.2f}x | "
                     f"{busy:.2f} | {faults:,.0f} |")
    lines += ["", "Every round:", ""]
    for (kind, n), rounds in runs.items():
        for i, results in enumerate(rounds):
            speeds = ", ".join(f"{r['words_per_second']:,.0f}" for r in results)
            lines.append(f"- round {i + 1}, {kind}, {n} fit{'s' if n > 1 else ''}: "
                         f"{speeds} words/s")
    lines += ["", "Two independent fits write nothing in common: what a fit loses side by "
              "side is the host's shared resources (last-level cache, memory bandwidth, the "
              "hypervisor), not cache lines of shared rows. \"two fits / one\" is the most a "
              "two-worker fit could gain on this host if its workers shared nothing.", ""]
    write_report(args.output, lines)


if __name__ == "__main__":
    main()
