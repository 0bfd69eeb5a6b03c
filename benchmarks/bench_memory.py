#!/usr/bin/env python
"""Memory of fit: sklearn-w2v against gensim, one and two processes, SG and CBOW.

Every run is a subprocess that builds its input, records its memory, fits, and records
the peak. Two figures of growth during fit:

* ``tree``: the memory of the whole process tree, sampled every few milliseconds while
  fit runs: the sum over this process and all its descendants (our worker processes and
  loky's resource tracker for ``n_jobs=2``) of their anonymous PSS (private memory; file
  pages, the libraries' code, are left out, see ``_anonymous_pss_mib``), plus the size of the files in this process's folders of ``/dev/shm`` (our shared
  arrays, joblib's), so that a shared page is counted once whether one, two or three
  processes map it, or none. Growth = the peak of that sum during fit - its value just
  before fit. gensim's workers are threads of one process, so for gensim it is that
  process's own memory. This is the figure compared (issue 19: "RSS growth in fit").
* ``VmHWM``: the coordinator alone, VmHWM after fit - VmRSS just before fit (exact, not
  sampled; the figure the earlier tables and ``bench_train.py`` report). With ``n_jobs=2``
  it leaves out the worker processes and counts the shared maps of the coordinator.

Settings as ``bench_train.py``: negative sampling, d=100, window 5, min_count 5, sample
1e-3, K=5, skip-gram (gensim ``sg=1``, learning rate 0.025) or CBOW (``sg=0``, 0.05, mean
of the contexts), 1 epoch by default (what fit holds is the same in every epoch: the
corpus, the model, one block's temporaries). Both trainers get the same in-memory token
lists (``--input lists``, the default and what ``bench_train.py`` does); ``--with-inputs``
adds the earlier comparison of ``lists`` against ``stream`` (the lines read from the
compressed file while fitting) and of ``out_of_core=True``, skip-gram, one process.

The report goes to ``benchmarks/RESULTS-memory.md``.

Examples
--------
The committed table (8 runs, about 25 minutes on the full corpus)::

    nice -n 5 python benchmarks/bench_memory.py

A quick check on a prefix::

    python benchmarks/bench_memory.py --max-lines 100000

One run by hand (prints its JSON)::

    python benchmarks/bench_memory.py --worker ours --jobs 2 --arch cbow --max-lines 50000
"""

import argparse
import datetime
import gc
import glob
import itertools
import json
import lzma
import os
import platform
import subprocess
import sys
import tempfile
import threading
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
ARCHITECTURES = {"skipgram": "skip-gram", "cbow": "CBOW"}
# Seconds between two samples of the process tree's memory.
SAMPLE_SECONDS = 0.005


def _status_mib(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no {field} in /proc/self/status")


def _children(pid):
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(child) for child in fh.read().split()]
        except OSError:
            pass
    return found


def _process_tree(pid):
    tree, todo = [], [pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += _children(pid)
    return tree


def _anonymous_pss_mib(pid):
    """Anonymous PSS of ``pid`` (its private memory; pages shared copy-on-write with a
    forked process divided among them), MiB; 0 if it is gone.

    File-backed pages are left out: they are the libraries' code, shared through the page
    cache with every process that maps them, and their PSS changes whenever another
    process on the machine maps or unmaps the same files (measured: +19 MiB during one fit
    while another Python process of the same environment exited). Shared memory is left
    out here and counted once by :func:`_shm_folders_mib`.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss_Anon:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def _shm_folders_mib(pid):
    """Bytes of the files in the /dev/shm folders whose name carries ``pid`` (ours are
    ``sklearn_w2v_<pid>_...``, joblib's ``joblib_memmapping_folder_<pid>_...``), MiB."""
    total = 0
    for folder in glob.glob(f"/dev/shm/*_{pid}_*"):
        for root, _, files in os.walk(folder):
            for name in files:
                try:
                    total += os.stat(os.path.join(root, name)).st_blocks * 512
                except OSError:
                    pass
    return total / 2**20


def tree_memory_mib(pid=None):
    """Memory of the process tree of ``pid`` (this process): shared pages once."""
    pid = os.getpid() if pid is None else pid
    tree = _process_tree(pid)
    return sum(_anonymous_pss_mib(p) for p in tree) + _shm_folders_mib(pid), len(tree)


class TreeSampler:
    """Samples :func:`tree_memory_mib` in a thread; ``peak`` and ``max_processes``."""

    def __init__(self, interval=SAMPLE_SECONDS):
        self.interval = interval
        self.peak, self.max_processes = tree_memory_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            memory, n_processes = tree_memory_mib()
            self.peak = max(self.peak, memory)
            self.max_processes = max(self.max_processes, n_processes)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        return False


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
    sg = args.arch == "skipgram"
    if args.worker == "gensim":
        from gensim.models import Word2Vec

        model = Word2Vec(sg=int(sg), hs=0, epochs=args.epochs, alpha=0.025 if sg else 0.05,
                         min_alpha=1e-4, seed=1, workers=args.jobs,
                         min_count=MIN_COUNT * args.repeat, **SETTINGS)
    else:
        sys.path.insert(0, str(REPO))
        from sklearn_w2v import Word2VecTransformer

        model = Word2VecTransformer(
            architecture=args.arch, epochs=args.epochs, random_state=1, n_jobs=args.jobs,
            min_count=MIN_COUNT * args.repeat, out_of_core=args.worker == "ours-ooc",
            analyzer=str.split if args.input == "stream" else "word", **SETTINGS)
    gc.collect()
    tree_before, _ = tree_memory_mib()
    before = _status_mib("VmRSS")
    started = time.perf_counter()
    with TreeSampler() as sampler:
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
                  arch=args.arch, jobs=args.jobs, epochs=args.epochs,
                  max_lines=args.max_lines, rss_before_mib=before, vm_hwm_mib=hwm,
                  growth_mib=hwm - before, tree_before_mib=tree_before,
                  tree_peak_mib=sampler.peak, tree_growth_mib=sampler.peak - tree_before,
                  processes=sampler.max_processes, fit_seconds=seconds,
                  n_words=n_words, n_tokens=n_tokens)
    text = json.dumps(result)
    if args.result_json:
        Path(args.result_json).write_text(text)
    else:
        print(text)


def _plan(args):
    """(trainer, input, repeat, architecture, jobs) of every run, trainers alternating."""
    runs = [(trainer, "lists", 1, arch, jobs) for arch in ARCHITECTURES for jobs in (1, 2)
            for trainer in ("gensim", "ours")]
    if args.with_inputs:
        runs += [("ours-ooc", "lists", 1, "skipgram", 1)]
        runs += [(trainer, "stream", 1, "skipgram", 1) for trainer in TRAINERS]
    if args.tenfold:
        runs += [("ours-ooc", "stream", 10, "skipgram", 1),
                 ("gensim", "stream", 10, "skipgram", 1)]
    return runs


def run_driver(args):
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_memory_") as tmp:
        for i, (trainer, source, repeat, arch, jobs) in enumerate(_plan(args)):
            out = Path(tmp) / f"run{i}.json"
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", trainer,
                   "--input", source, "--repeat", str(repeat), "--epochs", str(args.epochs),
                   "--arch", arch, "--jobs", str(jobs),
                   "--corpus", str(args.corpus), "--result-json", str(out)]
            if args.max_lines is not None:
                cmd += ["--max-lines", str(args.max_lines)]
            print(f"[{time.perf_counter() - started:6.0f} s] {trainer} {source} x{repeat} "
                  f"{arch} jobs={jobs}", file=sys.stderr, flush=True)
            proc = subprocess.run(cmd)
            if proc.returncode == 0:
                results.append(json.loads(out.read_text()))
                r = results[-1]
                print(f"    growth {r['tree_growth_mib']:.0f} MiB (VmHWM "
                      f"{r['growth_mib']:.0f}), fit {r['fit_seconds']:.0f} s",
                      file=sys.stderr, flush=True)
            else:
                results.append(dict(trainer=trainer, input=source, repeat=repeat, arch=arch,
                                    jobs=jobs, failed=proc.returncode))
    load = os.getloadavg()
    report = render(args, results, time.perf_counter() - started, load)
    args.output.write_text(report)
    print(report)


def _find(results, trainer, source, repeat=1, arch="skipgram", jobs=1):
    return next((r for r in results if r["trainer"] == trainer and r["input"] == source
                 and r["repeat"] == repeat and r.get("arch", "skipgram") == arch
                 and r.get("jobs", 1) == jobs and "failed" not in r), None)


NAMES = {"gensim": "gensim Word2Vec", "ours": "ours (in memory)",
         "ours-ooc": "ours, `out_of_core=True`"}


def render(args, results, seconds, load=(0.0, 0.0, 0.0)):
    lines = [
        "# Memory of fit: sklearn-w2v against gensim",
        "",
        f"`python benchmarks/bench_memory.py {' '.join(sys.argv[1:])}`".replace("  ", " "),
        f"on {datetime.date.today()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{seconds / 60:.0f} minutes; load average at the end {load[0]:.1f} / "
        f"{load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min; memory does not depend on it).",
        "",
        f"Corpus: `{args.corpus.name}`"
        + (f", first {args.max_lines:,} lines" if args.max_lines else " (13.26M tokens)")
        + f"; {args.epochs} epoch(s); negative sampling, d=100, window 5, min_count 5, "
          "sample 1e-3, K=5; both trainers given the same in-memory token lists. "
          "**Growth** = peak during fit − value just before fit of the memory of the "
          "process tree (sum of every process's anonymous PSS, plus the run's files in "
          "`/dev/shm` once), sampled every 5 ms; **VmHWM growth** = the "
          "coordinator's VmHWM after fit − its VmRSS before (exact; workers left out).",
        "",
        "| configuration | trainer | processes | words | before fit MiB | growth MiB "
        "| ours / gensim | VmHWM growth MiB | fit s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        config = f"{ARCHITECTURES.get(r.get('arch', 'skipgram'))} + NS, " \
                 f"{r.get('jobs', 1)} {'worker' if r['trainer'] == 'gensim' else 'job'}" \
                 f"{'s' if r.get('jobs', 1) > 1 else ''}"
        if r["input"] != "lists" or r["repeat"] != 1:
            config += f", {r['input']} {r['repeat']}×"
        if "failed" in r:
            lines.append(f"| {config} | {NAMES[r['trainer']]} | failed (exit {r['failed']}) "
                         "| | | | | | |")
            continue
        ratio = ""
        theirs = _find(results, "gensim", r["input"], r["repeat"], r.get("arch", "skipgram"),
                       r.get("jobs", 1))
        if r["trainer"] != "gensim" and theirs:
            ratio = f"{r['tree_growth_mib'] / theirs['tree_growth_mib']:.2f}×"
        lines.append(
            f"| {config} | {NAMES[r['trainer']]} | {r['processes']} | {r['n_words']:,} | "
            f"{r['tree_before_mib']:.0f} | {r['tree_growth_mib']:.0f} | {ratio} | "
            f"{r['growth_mib']:.0f} | {r['fit_seconds']:.0f} |")
    lines += ["", "Ratios of growth, ours / gensim (target of issue 19: at most 1.25×):", ""]
    for arch in ARCHITECTURES:
        for jobs in (1, 2):
            ours, theirs = (_find(results, t, "lists", 1, arch, jobs)
                            for t in ("ours", "gensim"))
            if ours and theirs:
                lines.append(
                    f"* {ARCHITECTURES[arch]} + NS, {jobs} process{'es' if jobs > 1 else ''}: "
                    f"{ours['tree_growth_mib'] / theirs['tree_growth_mib']:.2f}× "
                    f"({ours['tree_growth_mib']:.0f} / {theirs['tree_growth_mib']:.0f} MiB; "
                    f"VmHWM {ours['growth_mib'] / theirs['growth_mib']:.2f}×)")
    lines += ["", NOTES]
    return "\n".join(lines) + "\n"


NOTES = """Notes:

* Both trainers hold the same model: 65,577 words × 100 dimensions × 2 matrices of float32,
  50 MiB. Ours also holds the encoded corpus, which gensim does not (it walks the token
  lists again every epoch): 2 bytes a token and 4 a document, 28 MiB for the 13.26M tokens
  and 768,571 lines. Model and corpus alone are 78 MiB, 1.13× gensim's whole growth.
* `processes`: the most processes of the tree seen during fit. Ours with `n_jobs=2` is the
  coordinator, two loky worker processes and loky's helper processes (its resource
  tracker); gensim's workers are threads of one process. A worker process imports NumPy,
  SciPy, joblib and the training modules (not scikit-learn, see `sklearn_w2v/__init__.py`):
  about 50 MiB RSS before it trains, and each trains its own blocks with its own
  temporaries. With two processes the model, the corpus and the step's tables are in
  `/dev/shm` once (about 82 MiB), mapped by the coordinator and the workers.
* The token lists (about 200 MiB for the whole corpus) are in memory before fit, in the
  baseline of both trainers, as in `bench_train.py`.
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
    parser.add_argument("--with-inputs", action="store_true",
                        help="add the stream input and out_of_core=True (skip-gram, 1 job)")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-memory.md")
    parser.add_argument("--worker", choices=TRAINERS, help=argparse.SUPPRESS)
    parser.add_argument("--input", choices=("lists", "stream"), default="lists",
                        help=argparse.SUPPRESS)
    parser.add_argument("--arch", choices=tuple(ARCHITECTURES), default="skipgram",
                        help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
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
