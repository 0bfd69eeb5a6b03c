"""Side-by-side training benchmark: sklearn-w2v ``Word2VecTransformer`` vs gensim ``Word2Vec``.

Both trainers learn skip-gram negative-sampling embeddings on the same pre-split corpus
(``line.split()`` of every line of ``corpus.txt.xz``, or a prefix of whole lines) with the
same hyperparameters:

    skip-gram (gensim sg=1, hs=0), vector_size=100, window=5, min_count=5, sample=1e-3,
    negative=5, ns_exponent=0.75, epochs=5, learning rate 0.025 -> 0.0001 (linear decay),
    fixed seed.

Every trainer run happens in its own subprocess (``--worker ours|gensim|softmax``), so one
run's memory or thread pools never leak into the next, and peak RSS is per run. The driver
alternates the two trainers (ours, gensim, ours, ... and the opposite order on odd repeats),
so a noisy machine slows both alike. Each worker writes one JSON result; the driver prints a
summary and writes ``benchmarks/RESULTS.md``.

Reported per run (see benchmarks/README.md for the column definitions): training seconds
(fit only, corpus reading excluded), effective words/s (tokens kept after subsampling, summed
over epochs, per second of the training loop), pairs/s (ours only: gensim does not count
pairs), peak RSS and its growth during fit, analogy accuracy/coverage and WordSim-353
Spearman, each computed both with gensim's evaluators and with ``sklearn_w2v.evaluation``.

``--softmax`` adds runs of our exact full-softmax objective (``objective="softmax"`` with
``max_vocab_size`` words), reported as pairs/s and achieved GFLOP/s against the sgemm peak
of this machine measured in the same worker with the same thread limit.

The code is in three files: this driver (arguments, the alternating plan, one subprocess
per run), ``bench_train_runners.py`` (the settings and what each worker runs and measures)
and ``bench_train_report.py`` (the tables, the targets and the plot).

Examples
--------
Quick development run (a few minutes)::

    python benchmarks/bench_train.py --max-tokens 1000000 --epochs 1

Full run (13.3M tokens, 5 epochs, 1 and 2 threads)::

    python benchmarks/bench_train.py

One worker by hand (prints its JSON result)::

    python benchmarks/bench_train.py --worker ours --jobs 1 --max-tokens 200000 --epochs 1
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_train_report import _plot_path, machine_facts, plot_scaling, render_report
from bench_train_runners import (
    ANALOGY_FILE,
    BENCH_DIR,
    CONFIGS,
    DEFAULT_CORPUS,
    DEFAULT_EVAL_DIR,
    WORDSIM_FILE,
    WORKERS,
    _load_average,
    _mib,
    read_corpus,
)


def run_worker(args):
    jobs = args.jobs[0]
    started = time.perf_counter()
    max_tokens = args.max_tokens
    if args.worker == "softmax" and args.softmax_max_tokens is not None:
        max_tokens = (args.softmax_max_tokens if max_tokens is None
                      else min(max_tokens, args.softmax_max_tokens))
    sentences, n_tokens = read_corpus(args.corpus, max_tokens)
    read_seconds = time.perf_counter() - started
    if args.worker == "softmax":
        args.epochs = args.softmax_epochs
    result = WORKERS[args.worker](args, sentences, jobs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result.update(
        trainer=args.worker, jobs=jobs, config=args.configs[0], epochs=args.epochs,
        seed=args.seed,
        n_sentences=len(sentences), n_tokens=n_tokens, read_seconds=read_seconds,
        peak_rss_mib=_mib(peak),
    )
    if result.get("vm_hwm_mib") is not None and result.get("rss_before_fit_mib") is not None:
        result["rss_growth_mib"] = result["vm_hwm_mib"] - result["rss_before_fit_mib"]
    eff, secs, pairs = result["effective_words"], result["train_seconds"], result["pairs"]
    result["words_per_second"] = eff / secs if eff and secs else None
    result["pairs_per_second"] = pairs / secs if pairs and secs else None
    text = json.dumps(result, indent=1)
    if args.result_json:
        Path(args.result_json).write_text(text)
    else:
        print(text)


# --------------------------------------------------------------------------------- driver


def _worker_command(args, kind, jobs, out_path, config="sg-ns"):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind,
           "--jobs", str(jobs), "--configs", config, "--corpus", str(args.corpus), "--eval-dir",
           str(args.eval_dir), "--epochs", str(args.epochs), "--seed", str(args.seed),
           "--max-vocab-size", str(args.max_vocab_size),
           "--softmax-epochs", str(args.softmax_epochs), "--result-json", str(out_path)]
    if args.max_tokens is not None:
        cmd += ["--max-tokens", str(args.max_tokens)]
    if args.softmax_max_tokens is not None:
        cmd += ["--softmax-max-tokens", str(args.softmax_max_tokens)]
    if args.batch_size is not None:
        cmd += ["--batch-size", str(args.batch_size)]
    if args.per_pair_negatives:
        cmd.append("--per-pair-negatives")
    if args.verbose:
        cmd.append("--verbose")
    return cmd


def _plan(args):
    """(kind, jobs, repeat, config) in run order: ours/gensim alternate, order flips every
    repeat; every configuration at every --jobs value."""
    runs = []
    for repeat in range(args.repeats):
        for config in args.configs:
            for jobs in args.jobs:
                pair = [("ours", jobs), ("gensim", jobs)]
                if repeat % 2:
                    pair.reverse()
                if not args.softmax_only:
                    runs += [(kind, j, repeat, config) for kind, j in pair]
        if args.softmax or args.softmax_only:
            runs += [("softmax", jobs, repeat, "sg-ns") for jobs in args.jobs]
    return runs


def run_driver(args):
    plan = _plan(args)
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_train_") as tmp:
        for i, (kind, jobs, repeat, config) in enumerate(plan):
            out_path = Path(tmp) / f"run{i}.json"
            cmd = _worker_command(args, kind, jobs, out_path, config)
            print(f"[{time.perf_counter() - started:7.0f} s] run {i + 1}/{len(plan)}: "
                  f"{kind} {config} jobs={jobs} repeat={repeat + 1}", file=sys.stderr,
                  flush=True)
            load_before = _load_average()
            t0 = time.perf_counter()
            try:
                proc = subprocess.run(cmd, timeout=args.timeout)
                status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
            except subprocess.TimeoutExpired:
                status = f"timeout after {args.timeout:.0f} s"
            wall = time.perf_counter() - t0
            if status == "ok" and out_path.exists():
                result = json.loads(out_path.read_text())
            else:
                result = {"trainer": kind, "jobs": jobs, "config": config}
                print(f"    run failed: {status}", file=sys.stderr, flush=True)
            result.update(repeat=repeat + 1, status=status, wall_seconds=wall,
                          load_before=load_before, load_after=_load_average())
            results.append(result)
            if status == "ok":
                print("    " + _one_line(result), file=sys.stderr, flush=True)
            _forecast(plan, results, i, time.perf_counter() - started, args.budget_minutes)
    total = time.perf_counter() - started
    facts = machine_facts()
    report = render_report(args, results, facts, total)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    plot_scaling(args, results, _plot_path(args))
    if args.json:
        args.json.write_text(json.dumps({"facts": facts, "runs": results}, indent=1))
    print(report)
    print(f"wrote {args.output}", file=sys.stderr)
    if any(r["status"] != "ok" for r in results):
        sys.exit(1)


def _forecast(plan, results, done_index, elapsed, budget_minutes):
    """Print the projected total duration, extrapolating every kind's seconds per epoch.

    A later run of a kind is assumed to take as long as the last finished run of that kind
    (a run with more threads is not assumed to be faster); kinds not yet run are unknown.
    """
    known = {(r["trainer"], r.get("config")): r["wall_seconds"] for r in results
             if r.get("status") == "ok"}
    remaining = [(kind, config) for kind, _, _, config in plan[done_index + 1:]]
    if not remaining:
        return
    unknown = sorted({f"{kind} {config}" for kind, config in remaining
                      if (kind, config) not in known})
    projected = elapsed + sum(known.get(run, 0.0) for run in remaining)
    note = f" (+ {', '.join(unknown)} runs not yet timed)" if unknown else ""
    print(f"    projected total: {projected / 60:.1f} min{note}", file=sys.stderr, flush=True)
    if budget_minutes and projected > 60 * budget_minutes:
        print(f"    WARNING: over the {budget_minutes:g} min budget; a smaller --max-tokens "
              f"or --timeout keeps the run shorter", file=sys.stderr, flush=True)


def _one_line(r):
    parts = [f"train {r['train_seconds']:.1f} s (fit {r['fit_seconds']:.1f} s)"]
    if r.get("words_per_second"):
        parts.append(f"{r['words_per_second']:,.0f} words/s")
    if r.get("pairs_per_second"):
        parts.append(f"{r['pairs_per_second']:,.0f} pairs/s")
    if r.get("gflops"):
        parts.append(f"{r['gflops']:.1f} GFLOP/s")
    parts.append(f"peak RSS {r['peak_rss_mib']:.0f} MiB")
    ev = r.get("eval_ours", {})
    if ev:
        parts.append(f"analogy {ev['analogy_accuracy']:.3f} ws353 {ev['wordsim_spearman']:.3f}")
    return ", ".join(parts)


# ------------------------------------------------------------------------ machine facts


def build_parser():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See benchmarks/README.md for the meaning of every column.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="training corpus, one normalised sentence per line (.xz or "
                             "plain text; default: %(default)s)")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR,
                        help=f"directory with {ANALOGY_FILE} and {WORDSIM_FILE} "
                             "(default: %(default)s)")
    parser.add_argument("--max-tokens", type=int, default=None, metavar="N",
                        help="use only the first whole lines of the corpus, at most N "
                             "tokens (default: the whole corpus)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs (default: 5)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], metavar="J",
                        help="thread counts to compare: ours n_jobs=J vs gensim workers=J "
                             "(default: 1 2)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of every configuration; tables show medians (default: 1)")
    parser.add_argument("--seed", type=int, default=1,
                        help="random_state (ours) and seed (gensim) (default: 1)")
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=["sg-ns"],
                        metavar="CONFIG",
                        help="model configurations, each at every --jobs value: sg-ns "
                             "(skip-gram + negative sampling), cbow-ns, sg-hs, cbow-hs "
                             "(hierarchical softmax) (default: sg-ns)")
    parser.add_argument("--per-pair-negatives", action="store_true",
                        help="our share_negatives=False: K noise words drawn per pair as in "
                             "word2vec.c (default: the pairs of a window share them)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="our batch_size (default: the estimator's default)")
    parser.add_argument("--softmax", action="store_true",
                        help="also run our full-softmax objective and report GFLOP/s "
                             "against the measured sgemm peak")
    parser.add_argument("--softmax-only", action="store_true",
                        help="run only the softmax benchmark (no gensim comparison)")
    parser.add_argument("--max-vocab-size", type=int, default=10_000,
                        help="max_vocab_size of the softmax runs (default: %(default)s)")
    parser.add_argument("--softmax-max-tokens", type=int, default=1_000_000, metavar="N",
                        help="corpus prefix of the softmax runs: the smaller of this and "
                             "--max-tokens (default: %(default)s; full softmax costs "
                             "O(|V|·d) per center)")
    parser.add_argument("--softmax-epochs", type=int, default=1,
                        help="epochs of the softmax runs (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="kill a run that takes longer (reported as a timeout); "
                             "default: no limit")
    parser.add_argument("--budget-minutes", type=float, default=30,
                        help="warn when the projected total duration exceeds this "
                             "(0: never; default: %(default)s)")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md",
                        help="markdown report to write (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=None,
                        help="also write all raw run results and machine facts as JSON")
    parser.add_argument("--verbose", action="store_true",
                        help="per-epoch progress of both trainers")
    # Internal: one trainer run in this process.
    parser.add_argument("--worker", choices=sorted(WORKERS), default=None,
                        help="(internal) run one trainer in this process and print or "
                             "write its JSON result")
    parser.add_argument("--result-json", type=Path, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        parser.exit(2, f"bench_train.py: corpus not found: {args.corpus}\n"
                       f"Pass --corpus PATH; the shared corpus is built by "
                       f"../shared/data/build_corpus.sh (see ../shared/data/README.md).\n")
    for name in (ANALOGY_FILE, WORDSIM_FILE):
        if not (args.eval_dir / name).exists():
            parser.exit(2, f"bench_train.py: evaluation file not found: "
                           f"{args.eval_dir / name} (pass --eval-dir)\n")
    if args.worker:
        if len(args.jobs) != 1:
            parser.error("--worker takes exactly one --jobs value")
        run_worker(args)
    else:
        run_driver(args)


if __name__ == "__main__":
    main()
