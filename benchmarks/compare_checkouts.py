#!/usr/bin/env python
"""Training speed of two checkouts of this package, alternating, on the same corpus.

A refactor may not lose speed: this runs ``Word2VecTransformer.fit`` of each configuration
with the package of checkout A and of checkout B in turn (A, B, B, A, ... so that a drifting
machine slows both alike), each fit in its own subprocess with the package of its checkout
first on ``sys.path``, on the same in-memory token lists (a prefix of whole lines of the
shared corpus), and reports the median effective words/s of each and their ratio, and
whether the two fits learned bit-identical vectors.

On a busy machine wall-clock ratios wander by 10-20% from run to run; ``--instructions``
counts instead the instructions each fit executes under valgrind's callgrind, which do not
depend on the load: each worker runs at ``--max-tokens`` and at a quarter of it, and the
difference (the work of three quarters of the corpus, imports and start-up cancelled) is
compared; with ``--one-epoch`` each runs ``--epochs`` and one more epoch on the same corpus,
so that the difference is one epoch of training alone. Set ``PYTHONHASHSEED`` (e.g. 0): the
counting of words hashes strings, and a random hash seed moves the counts by up to 2%.

Example::

    python benchmarks/compare_checkouts.py /path/to/old/checkout . --max-tokens 2000000 \\
        --epochs 1 --repeats 3 --output benchmarks/RESULTS-refactor.md
    python benchmarks/compare_checkouts.py /path/to/old/checkout . --instructions \\
        --max-tokens 400000 --epochs 2
"""

import argparse
import datetime
import hashlib
import json
import lzma
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CORPUS = BENCH_DIR.parent.parent / "shared" / "data" / "corpus.txt.xz"

# The estimator and parameters of each configuration: the four word2vec users choose by
# name, the per-pair noise forms, NCE, the softmax and paragraph vectors (whose transform
# infers with the output layer frozen).
CONFIGS = {
    "sg-ns": ("w2v", {"architecture": "skipgram", "objective": "negative"}),
    "cbow-ns": ("w2v", {"architecture": "cbow", "objective": "negative"}),
    "sg-hs": ("w2v", {"architecture": "skipgram", "objective": "hierarchical"}),
    "cbow-hs": ("w2v", {"architecture": "cbow", "objective": "hierarchical"}),
    "sg-ns-per-pair": ("w2v", {"architecture": "skipgram", "objective": "negative",
                               "share_negatives": False}),
    "cbow-ns-per-window": ("w2v", {"architecture": "cbow", "objective": "negative",
                                   "share_negatives": False}),
    "sg-nce": ("w2v", {"architecture": "skipgram", "objective": "nce"}),
    "cbow-softmax": ("w2v", {"architecture": "cbow", "objective": "softmax",
                             "max_vocab_size": 2000}),
    "dbow-ns": ("d2v", {"architecture": "dbow", "objective": "negative"}),
    "dm-hs": ("d2v", {"architecture": "dm", "objective": "hierarchical"}),
}
# The default configurations of a comparison (the first four: what bench_train measures).
DEFAULT_CONFIGS = ["sg-ns", "cbow-ns", "sg-hs", "cbow-hs"]


def read_prefix(path, max_tokens):
    """Whole lines of ``path`` (``line.split()``) up to ``max_tokens`` tokens."""
    sentences, n_tokens = [], 0
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            tokens = line.split()
            sentences.append(tokens)
            n_tokens += len(tokens)
            if n_tokens >= max_tokens:
                break
    return sentences


def worker(args):
    """Fit one configuration with the package first on sys.path; print a JSON result."""
    sys.path.insert(0, str(Path(args.checkout).resolve()))
    import sklearn_w2v
    from sklearn_w2v import Doc2VecTransformer, Word2VecTransformer

    kind, params = CONFIGS[args.config]
    sentences = read_prefix(args.corpus, args.max_tokens)
    estimator = Word2VecTransformer if kind == "w2v" else Doc2VecTransformer
    model = estimator(**params, epochs=args.epochs, n_jobs=args.jobs, random_state=0)
    model.fit(sentences)
    if kind == "d2v":  # inference: the frozen layer's path
        model.transform(sentences[:len(sentences) // 8])
    print(json.dumps({
        "package": sklearn_w2v.__file__,
        "words_per_second": model.n_effective_words_ / model.training_seconds_,
        "vectors_md5": hashlib.md5(model.vectors_.tobytes()).hexdigest(),
    }))


def _worker_command(args, checkout, config, max_tokens, epochs=None):
    return [sys.executable, __file__, "--worker", "--checkout", str(checkout),
            "--config", config, "--corpus", str(args.corpus), "--max-tokens",
            str(max_tokens), "--epochs", str(args.epochs if epochs is None else epochs),
            "--jobs", str(args.jobs)]


def run_one(args, checkout, config):
    command = _worker_command(args, checkout, config, args.max_tokens)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def instructions(args, checkout, config, max_tokens, epochs=None):
    """Instructions callgrind counts for one worker's whole run."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               *_worker_command(args, checkout, config, max_tokens, epochs)]
    stderr = subprocess.run(command, check=True, capture_output=True, text=True).stderr
    return int(re.search(r"Collected : (\d+)", stderr).group(1))


def compare_instructions(args):
    """Rows of (config, A, B, B / A) for the instructions of 3/4 of the corpus, or with
    ``--one-epoch`` of one epoch of training alone (epochs + 1 minus epochs on the same
    corpus: reading, counting and encoding cancel)."""
    rows = []
    for config in args.configs:
        counts = {}
        for side, checkout in (("a", args.checkout_a), ("b", args.checkout_b)):
            if args.one_epoch:
                full = instructions(args, checkout, config, args.max_tokens,
                                    args.epochs + 1)
                quarter = instructions(args, checkout, config, args.max_tokens)
            else:
                full = instructions(args, checkout, config, args.max_tokens)
                quarter = instructions(args, checkout, config, args.max_tokens // 4)
            counts[side] = full - quarter
            print(f"{config} {side} {counts[side]:,} instructions", flush=True)
        rows.append((config, counts["a"], counts["b"], counts["b"] / counts["a"]))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout_a", nargs="?", type=Path)
    parser.add_argument("checkout_b", nargs="?", type=Path)
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS),
                        default=DEFAULT_CONFIGS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-tokens", type=int, default=2_000_000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions under callgrind instead of timing")
    parser.add_argument("--one-epoch", action="store_true",
                        help="with --instructions: count one epoch of training alone")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--checkout", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found (the shared corpus is needed)")
    if args.instructions:
        rows = compare_instructions(args)
        lines = [
            f"# Two checkouts, instructions under callgrind "
            f"({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
            f"A = `{args.checkout_a}`, B = `{args.checkout_b}`; " + (
                f"instructions of a fit of {args.epochs + 1} epochs minus one of "
                f"{args.epochs} on {args.max_tokens:,} tokens" if args.one_epoch else
                f"instructions of a fit on {args.max_tokens:,} tokens minus those on "
                f"{args.max_tokens // 4:,} ({args.epochs} epoch(s))") +
            f" (`{args.corpus.name}` prefix, n_jobs={args.jobs}, PYTHONHASHSEED="
            f"{os.environ.get('PYTHONHASHSEED', 'random')}).", "",
            "| configuration | A instructions | B instructions | B / A |",
            "|---|---:|---:|---:|"]
        lines += [f"| {c} | {a:,} | {b:,} | {r:.4f} |" for c, a, b, r in rows]
        report = "\n".join(lines) + "\n"
        print(report)
        if args.output:
            args.output.write_text(report)
        return
    rows = []
    for config in args.configs:
        runs = {"a": [], "b": []}
        digests = {}
        for repeat in range(args.repeats):
            for side in ("ab" if repeat % 2 == 0 else "ba"):
                checkout = args.checkout_a if side == "a" else args.checkout_b
                result = run_one(args, checkout, config)
                runs[side].append(result["words_per_second"])
                digests.setdefault(side, set()).add(result["vectors_md5"])
                print(f"{config} {side} {result['words_per_second']:,.0f} words/s "
                      f"({result['package']})", flush=True)
        a, b = statistics.median(runs["a"]), statistics.median(runs["b"])
        rows.append((config, a, b, b / a, digests["a"] == digests["b"]))
    lines = [
        f"# Two checkouts, alternating ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)",
        "",
        f"A = `{args.checkout_a}`, B = `{args.checkout_b}`; {args.max_tokens:,}-token prefix "
        f"of `{args.corpus.name}`, {args.epochs} epoch(s), n_jobs={args.jobs}, "
        f"{args.repeats} runs each, median effective words/s.",
        "",
        "| configuration | A words/s | B words/s | B / A | same vectors |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [f"| {c} | {a:,.0f} | {b:,.0f} | {r:.3f} | {'yes' if same else 'no'} |"
              for c, a, b, r, same in rows]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output:
        args.output.write_text(report)


if __name__ == "__main__":
    main()
