#!/usr/bin/env python
"""Memory of fit: sklearn-w2v (in memory and ``out_of_core=True``) against gensim.

Every run is a subprocess that builds its input, records VmRSS, fits, and records VmHWM
(the process's peak RSS, which cannot be reset, hence one process per run): the growth
during fit is VmHWM - VmRSS before fit. Settings as ``bench_train.py`` (skip-gram,
negative sampling, d=100, window 5, min_count 5, sample 1e-3, K=5, one worker / n_jobs=1),
with 1 epoch by default: what fit holds is the same in every epoch (the corpus, the model,
one block's temporaries), only the time grows.

Inputs:

* ``lists``: the pre-split lines held in memory before fit, as in ``bench_train.py``
  (about 200 MiB for the whole corpus, in the baseline of both trainers);
* ``stream``: the lines read from the compressed file while fitting (ours:
  ``read_lines(path)`` with ``analyzer=str.split``; gensim: an iterable of
  ``line.split()``, read again for every pass), optionally repeated ``--repeat`` times.

The report goes to ``benchmarks/RESULTS-memory.md``.

Examples
--------
The committed table (about 15 minutes; ``--tenfold`` adds the 130M-token runs, about 40
more)::

    python benchmarks/bench_memory.py --tenfold

A quick check on a prefix::

    python benchmarks/bench_memory.py --max-lines 100000

One run by hand (prints its JSON)::

    python benchmarks/bench_memory.py --worker ours-ooc --input stream --max-lines 50000
"""

import argparse
import datetime
import gc
import itertools
import json
import lzma
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "corpus.txt.xz"
SETTINGS = dict(vector_size=100, window=5, sample=1e-3, negative=5)
# min_count of the 1x corpus, multiplied by --repeat: the corpus repeated r times has
# every count multiplied by r, so min_count=5r keeps the same 65,577 words (with min_count
# 5 it would keep the 194k words seen at least once, a model three times larger).
MIN_COUNT = 5
TRAINERS = ("gensim", "ours", "ours-ooc")


def _status_mib(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no {field} in /proc/self/status")


class _SplitLines:
    """The corpus's lines as token lists, read from the file at every iteration."""

    def __init__(self, path, max_lines, repeat):
        self.path, self.max_lines, self.repeat = path, max_lines, repeat

    def __iter__(self):
        for _ in range(self.repeat):
            with lzma.open(self.path, "rt", encoding="utf-8") as fh:
                for line in itertools.islice(fh, self.max_lines):
                    yield line.split()


class _Repeated:
    """An iterable of documents, ``repeat`` times over."""

    def __init__(self, documents, repeat):
        self.documents, self.repeat = documents, repeat

    def __iter__(self):
        for _ in range(self.repeat):
            yield from self.documents


class _Head:
    def __init__(self, documents, n):
        self.documents, self.n = documents, n

    def __iter__(self):
        return itertools.islice(iter(self.documents), self.n)


def _input(args):
    if args.input == "lists":
        interned = {}
        with lzma.open(args.corpus, "rt", encoding="utf-8") as fh:
            return [[interned.setdefault(t, t) for t in line.split()]
                    for line in itertools.islice(fh, args.max_lines)] * args.repeat
    if args.worker == "gensim":
        return _SplitLines(args.corpus, args.max_lines, args.repeat)
    sys.path.insert(0, str(REPO))
    from sklearn_w2v import read_lines

    return _Repeated(_Head(read_lines(args.corpus), args.max_lines), args.repeat)


def run_worker(args):
    documents = _input(args)
    if args.worker == "gensim":
        from gensim.models import Word2Vec

        model = Word2Vec(sg=1, hs=0, epochs=args.epochs, alpha=0.025, min_alpha=1e-4,
                         seed=1, workers=1, min_count=MIN_COUNT * args.repeat, **SETTINGS)
    else:
        sys.path.insert(0, str(REPO))
        from sklearn_w2v import Word2VecTransformer

        model = Word2VecTransformer(
            epochs=args.epochs, random_state=1, n_jobs=1, min_count=MIN_COUNT * args.repeat,
            out_of_core=args.worker == "ours-ooc",
            analyzer=str.split if args.input == "stream" else "word", **SETTINGS)
    gc.collect()
    before = _status_mib("VmRSS")
    started = time.perf_counter()
    if args.worker == "gensim":
        model.build_vocab(documents)
        model.train(documents, total_examples=model.corpus_count, epochs=model.epochs)
        n_words, n_tokens = len(model.wv.index_to_key), model.corpus_total_words
    else:
        model.fit(documents)
        n_words, n_tokens = len(model.vocabulary_), None
    seconds = time.perf_counter() - started
    hwm = _status_mib("VmHWM")
    result = dict(trainer=args.worker, input=args.input, repeat=args.repeat,
                  epochs=args.epochs, max_lines=args.max_lines, rss_before_mib=before,
                  vm_hwm_mib=hwm, growth_mib=hwm - before, fit_seconds=seconds,
                  n_words=n_words, n_tokens=n_tokens)
    text = json.dumps(result)
    if args.result_json:
        Path(args.result_json).write_text(text)
    else:
        print(text)


def _plan(args):
    runs = [(trainer, source, 1) for source in ("lists", "stream") for trainer in TRAINERS]
    if args.tenfold:
        runs += [("ours-ooc", "stream", 10), ("gensim", "stream", 10)]
    return runs


def run_driver(args):
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_memory_") as tmp:
        for i, (trainer, source, repeat) in enumerate(_plan(args)):
            out = Path(tmp) / f"run{i}.json"
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", trainer,
                   "--input", source, "--repeat", str(repeat), "--epochs", str(args.epochs),
                   "--corpus", str(args.corpus), "--result-json", str(out)]
            if args.max_lines is not None:
                cmd += ["--max-lines", str(args.max_lines)]
            print(f"[{time.perf_counter() - started:6.0f} s] {trainer} {source} x{repeat}",
                  file=sys.stderr, flush=True)
            proc = subprocess.run(cmd)
            if proc.returncode == 0:
                results.append(json.loads(out.read_text()))
                r = results[-1]
                print(f"    growth {r['growth_mib']:.0f} MiB, fit {r['fit_seconds']:.0f} s",
                      file=sys.stderr, flush=True)
            else:
                results.append(dict(trainer=trainer, input=source, repeat=repeat,
                                    failed=proc.returncode))
    report = render(args, results, time.perf_counter() - started)
    args.output.write_text(report)
    print(report)


def _find(results, trainer, source, repeat=1):
    return next((r for r in results if r["trainer"] == trainer and r["input"] == source
                 and r["repeat"] == repeat and "failed" not in r), None)


def render(args, results, seconds):
    lines = [
        "# Memory of fit: sklearn-w2v against gensim",
        "",
        f"`python benchmarks/bench_memory.py {' '.join(sys.argv[1:])}`".replace("  ", " "),
        f"on {datetime.date.today()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; {seconds / 60:.0f} minutes.",
        "",
        f"Corpus: `{args.corpus.name}`"
        + (f", first {args.max_lines:,} lines" if args.max_lines else " (13.26M tokens)")
        + f"; {args.epochs} epoch(s); skip-gram, negative sampling, d=100, window 5, "
          "min_count 5 (50 on the corpus repeated 10 times: the same vocabulary, so the "
          "same model), sample 1e-3, K=5; one worker. Growth = VmHWM after fit − VmRSS "
          "just before fit (one process per run).",
        "",
        "| trainer | input | corpus | words | RSS before fit MiB | peak RSS MiB "
        "| growth in fit MiB | fit s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"gensim": "gensim Word2Vec", "ours": "ours (in memory)",
             "ours-ooc": "ours, `out_of_core=True`"}
    for r in results:
        if "failed" in r:
            lines.append(f"| {names[r['trainer']]} | {r['input']} | {r['repeat']}× | "
                         f"failed (exit {r['failed']}) | | | | |")
            continue
        lines.append(f"| {names[r['trainer']]} | {r['input']} | {r['repeat']}× | "
                     f"{r['n_words']:,} | {r['rss_before_mib']:.0f} | {r['vm_hwm_mib']:.0f} | "
                     f"{r['growth_mib']:.0f} | {r['fit_seconds']:.0f} |")
    lines += ["", "Ratios (growth in fit):", ""]
    for source in ("lists", "stream"):
        theirs = _find(results, "gensim", source)
        for trainer in ("ours", "ours-ooc"):
            ours = _find(results, trainer, source)
            if ours and theirs:
                lines.append(f"* {names[trainer]} / gensim, {source}: "
                             f"{ours['growth_mib'] / theirs['growth_mib']:.2f}×")
    one, ten = _find(results, "ours-ooc", "stream"), _find(results, "ours-ooc", "stream", 10)
    if one and ten:
        lines.append(f"* {names['ours-ooc']}, stream: 10× corpus / 1× corpus: "
                     f"{ten['growth_mib'] / one['growth_mib']:.2f}×")
    one, ten = _find(results, "gensim", "stream"), _find(results, "gensim", "stream", 10)
    if one and ten:
        lines.append(f"* gensim, stream: 10× corpus / 1× corpus: "
                     f"{ten['growth_mib'] / one['growth_mib']:.2f}×")
    lines += ["", NOTES]
    return "\n".join(lines) + "\n"


NOTES = """Notes:

* Both trainers hold the same model: 65,577 words × 100 dimensions × 2 matrices of float32,
  50 MiB.
* `lists`: the pre-split lines (about 200 MiB for the whole corpus) are in memory before
  fit, in the baseline, as in `bench_train.py`. `stream`: both trainers read the xz file
  while they fit; xz's decompressor holds the 64 MiB dictionary of this file (measured:
  iterating over its lines alone peaks 64 MiB above the baseline), about half of every
  `stream` figure.
* `ours (in memory)` holds the corpus as 2-byte word ids (26 MiB for 13.3M tokens, 260 MiB
  for 130M). `out_of_core=True` appends them to a file while it counts, reads every block
  through a read-only map and releases the pages after each read (`madvise`), so its
  growth does not follow the corpus: the 10× corpus adds the per-block bookkeeping of ten
  times as many blocks, not the ids.
* Fit seconds are wall time on a shared 2-core machine, for orientation only (speed is
  measured by `bench_train.py`)."""


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-lines", type=int, default=None,
                        help="only the first N lines of the corpus")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--tenfold", action="store_true",
                        help="add runs on the corpus streamed 10 times over")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-memory.md")
    parser.add_argument("--worker", choices=TRAINERS, help=argparse.SUPPRESS)
    parser.add_argument("--input", choices=("lists", "stream"), default="stream",
                        help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--result-json", help=argparse.SUPPRESS)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found; pass --corpus (see benchmarks/README.md)")
    if args.worker:
        run_worker(args)
    else:
        run_driver(args)


if __name__ == "__main__":
    main()
