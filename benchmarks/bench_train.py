#!/usr/bin/env python
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
import datetime
import gc
import json
import lzma
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "corpus.txt.xz"
DEFAULT_EVAL_DIR = REPO.parent / "shared" / "data" / "eval"
ANALOGY_FILE = "questions-words.txt"
WORDSIM_FILE = "wordsim353.tsv"
RESTRICT_VOCAB = 300_000

# The shared hyperparameters. gensim name -> value; ours are derived in _ours_params.
VECTOR_SIZE = 100
WINDOW = 5
MIN_COUNT = 5
SAMPLE = 1e-3
NEGATIVE = 5
NS_EXPONENT = 0.75
ALPHA = 0.025
MIN_ALPHA = 0.0001

# Model configurations compared: ours (architecture, objective) against gensim's (sg, hs,
# negative); the starting learning rate is word2vec.c's for the architecture, for both.
CONFIGS = {
    "sg-ns": dict(label="Skip-gram + negative sampling", architecture="skipgram",
                  objective="negative", sg=1, hs=0, negative=NEGATIVE, alpha=0.025),
    "cbow-ns": dict(label="CBOW + negative sampling", architecture="cbow",
                    objective="negative", sg=0, hs=0, negative=NEGATIVE, alpha=0.05),
    "sg-hs": dict(label="Skip-gram + hierarchical softmax", architecture="skipgram",
                  objective="hierarchical", sg=1, hs=1, negative=0, alpha=0.025),
    "cbow-hs": dict(label="CBOW + hierarchical softmax", architecture="cbow",
                    objective="hierarchical", sg=0, hs=1, negative=0, alpha=0.05),
}


# ------------------------------------------------------------------------------ utilities


def _proc_status_kib(field):
    """A ``Vm*`` field of /proc/self/status in KiB (None where /proc is unavailable)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _mib(kib):
    return None if kib is None else kib / 1024.0


def _cpu_seconds():
    """User + system CPU seconds of this process so far (all its threads), plus those of
    its children that have been waited for (worker processes once they are shut down)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _stop_worker_processes():
    """Shut joblib's reusable loky workers down and wait for them, so that the CPU time
    they spent training is counted in RUSAGE_CHILDREN."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def _load_average():
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def read_corpus(path, max_tokens=None):
    """Pre-split token lists of the corpus lines (whole lines, at most ``max_tokens`` tokens).

    The file is read line by line (no transient copy of the whole text) and equal tokens
    share one ``str`` object, so the corpus held in memory is about 8 bytes per token plus
    one list per line, the same for both trainers.
    """
    path = Path(path)
    opener = lzma.open if path.suffix == ".xz" else open
    interned = {}
    intern = interned.setdefault
    sentences, n_tokens = [], 0
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            tokens = line.split()
            if not tokens:
                continue
            if max_tokens is not None and n_tokens + len(tokens) > max_tokens:
                break
            sentences.append([intern(t, t) for t in tokens])
            n_tokens += len(tokens)
    return sentences, n_tokens


def _count_questions(path):
    with open(path, encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip() and not line.startswith(":"))


def _evaluate_ours(words, vectors, eval_dir):
    """Our evaluation functions on a ``(words, vectors)`` embedding (rows by frequency)."""
    from sklearn_w2v.evaluation import evaluate_analogies, evaluate_word_pairs

    started = time.perf_counter()
    analogy = evaluate_analogies((words, vectors), eval_dir / ANALOGY_FILE,
                                 restrict_vocab=RESTRICT_VOCAB)
    pairs = evaluate_word_pairs((words, vectors), eval_dir / WORDSIM_FILE,
                                restrict_vocab=RESTRICT_VOCAB)
    return {
        "analogy_accuracy": analogy.accuracy,
        "analogy_coverage": analogy.coverage,
        "analogy_evaluated": analogy.n_evaluated,
        "wordsim_spearman": pairs.spearman,
        "wordsim_pairs": pairs.n_pairs,
        "seconds": time.perf_counter() - started,
    }


def _evaluate_gensim(kv, eval_dir):
    """gensim's own evaluators (``evaluate_word_analogies``, ``evaluate_word_pairs``)."""
    import logging

    logging.getLogger("gensim").setLevel(logging.ERROR)
    started = time.perf_counter()
    analogy_path = str(eval_dir / ANALOGY_FILE)
    accuracy, sections = kv.evaluate_word_analogies(analogy_path,
                                                    restrict_vocab=RESTRICT_VOCAB)
    total = next(s for s in sections if s["section"] == "Total accuracy")
    n_evaluated = len(total["correct"]) + len(total["incorrect"])
    pearson, spearman, oov_percent = kv.evaluate_word_pairs(
        str(eval_dir / WORDSIM_FILE), restrict_vocab=RESTRICT_VOCAB)
    return {
        "analogy_accuracy": float(accuracy),
        "analogy_coverage": n_evaluated / _count_questions(analogy_path),
        "analogy_evaluated": n_evaluated,
        "wordsim_spearman": float(spearman[0]),
        "wordsim_oov_percent": float(oov_percent),
        "seconds": time.perf_counter() - started,
    }


def _keyed_vectors(words, vectors):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=vectors.shape[1], dtype=vectors.dtype)
    kv.add_vectors(list(words), vectors)
    return kv


# -------------------------------------------------------------------------------- workers


def _ours_params(args, jobs, objective="negative"):
    config = CONFIGS[args.configs[0]]
    if objective == "negative":
        objective = config["objective"]
    params = dict(
        objective=objective, architecture=config["architecture"], vector_size=VECTOR_SIZE,
        window=WINDOW, min_count=MIN_COUNT, sample=SAMPLE, negative=NEGATIVE,
        ns_exponent=NS_EXPONENT, epochs=args.epochs, learning_rate=config["alpha"],
        min_learning_rate=MIN_ALPHA, shrink_windows=True,
        n_jobs=jobs, random_state=args.seed, verbose=int(args.verbose),
    )  # documents are token lists, which the estimator takes verbatim (no analyzer)
    if args.batch_size is not None:
        params["batch_size"] = args.batch_size
    if args.per_pair_negatives:
        params["share_negatives"] = False
    if objective == "softmax":
        params["max_vocab_size"] = args.max_vocab_size
    return params


def _words_of(model):
    return list(model.index_to_word_)


def _fit_ours(args, sentences, jobs, objective):
    sys.path.insert(0, str(REPO))  # benchmark the package of this checkout
    import sklearn_w2v
    from sklearn_w2v import Word2VecTransformer

    model = Word2VecTransformer(**_ours_params(args, jobs, objective))
    gc.collect()
    rss_before = _proc_status_kib("VmRSS")
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    model.fit(sentences)
    fit_seconds = time.perf_counter() - started
    hwm = _proc_status_kib("VmHWM")
    if jobs > 1:
        _stop_worker_processes()  # their CPU time joins RUSAGE_CHILDREN
    fit_cpu = _cpu_seconds() - cpu_before
    train_seconds = model.training_seconds_
    return model, {
        "package_file": sklearn_w2v.__file__,
        "fit_seconds": fit_seconds,
        "fit_cpu_seconds": fit_cpu,
        "train_seconds": float(train_seconds),
        "vocab_seconds": max(fit_seconds - float(train_seconds), 0.0),
        "effective_words": model.n_effective_words_,
        "pairs": model.n_pairs_,
        "n_centers": model.n_centers_,
        "share_negatives": model.share_negatives,
        "vocab_size": len(model.vocabulary_),
        "rss_before_fit_mib": _mib(rss_before),
        "vm_hwm_mib": _mib(hwm),
        "loss_curve": [float(x) for x in getattr(model, "loss_curve_", [])],
    }


def worker_ours(args, sentences, jobs):
    model, result = _fit_ours(args, sentences, jobs, "negative")
    words, vectors = _words_of(model), model.embedding_
    result["eval_ours"] = _evaluate_ours(words, vectors, args.eval_dir)
    result["eval_gensim"] = _evaluate_gensim(_keyed_vectors(words, vectors), args.eval_dir)
    return result


def worker_gensim(args, sentences, jobs):
    import logging

    import gensim
    from gensim.models import Word2Vec
    from gensim.models.word2vec_inner import FAST_VERSION

    if args.verbose:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s",
                            level=logging.INFO)
    config = CONFIGS[args.configs[0]]
    model = Word2Vec(
        sg=config["sg"], hs=config["hs"], vector_size=VECTOR_SIZE, window=WINDOW,
        min_count=MIN_COUNT, sample=SAMPLE, negative=config["negative"],
        ns_exponent=NS_EXPONENT, epochs=args.epochs, alpha=config["alpha"],
        min_alpha=MIN_ALPHA, shrink_windows=True, seed=args.seed, workers=jobs)
    gc.collect()
    rss_before = _proc_status_kib("VmRSS")
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    model.build_vocab(sentences)
    vocab_done = time.perf_counter()
    effective, raw = model.train(sentences, total_examples=model.corpus_count,
                                 epochs=model.epochs)
    done = time.perf_counter()
    fit_cpu = _cpu_seconds() - cpu_before
    hwm = _proc_status_kib("VmHWM")
    wv = model.wv
    return {
        "gensim_version": gensim.__version__,
        "gensim_fast_version": FAST_VERSION,
        "fit_seconds": done - started,
        "fit_cpu_seconds": fit_cpu,
        "train_seconds": done - vocab_done,
        "train_seconds_source": "train()",
        "vocab_seconds": vocab_done - started,
        "effective_words": int(effective),
        "effective_words_source": "train() return value",
        "raw_words": int(raw),
        "pairs": None,
        "vocab_size": len(wv.index_to_key),
        "rss_before_fit_mib": _mib(rss_before),
        "vm_hwm_mib": _mib(hwm),
        "eval_gensim": _evaluate_gensim(wv, args.eval_dir),
        "eval_ours": _evaluate_ours(wv.index_to_key, wv.vectors, args.eval_dir),
    }


def measure_sgemm(jobs, n_words, batch_size, d=VECTOR_SIZE, min_seconds=0.5):
    """Best float32 GEMM GFLOP/s of this machine with BLAS limited to ``jobs`` threads.

    Times the three GEMMs of one softmax minibatch (logits B x d @ d x V, center gradient
    B x V @ V x d, output gradient V x B @ B x d) and a large square 2048^3 product.
    """
    import numpy as np
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)

    def rand(*shape):
        return rng.standard_normal(shape, dtype=np.float32)

    B, V = batch_size, n_words
    shapes = {
        f"({B}x{d})@({d}x{V})": (rand(B, d), rand(d, V)),
        f"({B}x{V})@({V}x{d})": (rand(B, V), rand(V, d)),
        f"({V}x{B})@({B}x{d})": (rand(V, B), rand(B, d)),
        "(2048x2048)@(2048x2048)": (rand(2048, 2048), rand(2048, 2048)),
    }
    results = {}
    with threadpool_limits(limits=jobs, user_api="blas"):
        for name, (a, b) in shapes.items():
            out = np.empty((a.shape[0], b.shape[1]), dtype=np.float32)
            np.dot(a, b, out=out)  # warm-up
            best, total, reps = float("inf"), 0.0, 0
            while total < min_seconds or reps < 3:
                t0 = time.perf_counter()
                np.dot(a, b, out=out)
                elapsed = time.perf_counter() - t0
                best, total, reps = min(best, elapsed), total + elapsed, reps + 1
            results[name] = 2.0 * a.shape[0] * a.shape[1] * b.shape[1] / best / 1e9
    return results


def worker_softmax(args, sentences, jobs):
    model, result = _fit_ours(args, sentences, jobs, "softmax")
    n_words, d = len(model.vocabulary_), model.vectors_.shape[1]
    # Three GEMMs of 2 * n_centers * n_words * d flops each per minibatch (logits, and the
    # gradients of the center and of all output vectors).
    result["flops"] = 6.0 * result["n_centers"] * n_words * d
    result["gflops"] = (result["flops"] / result["train_seconds"] / 1e9
                        if result["flops"] else None)
    result["sgemm_gflops"] = measure_sgemm(jobs, n_words, model.batch_size_)
    words, vectors = _words_of(model), model.embedding_
    result["eval_ours"] = _evaluate_ours(words, vectors, args.eval_dir)
    return result


WORKERS = {"ours": worker_ours, "gensim": worker_gensim, "softmax": worker_softmax}


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
    repeat. Skip-gram NS runs at every --jobs value, the other configurations at the first."""
    runs = []
    for repeat in range(args.repeats):
        for config in args.configs:
            for jobs in (args.jobs if config == "sg-ns" else args.jobs[:1]):
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


def machine_facts():
    import numpy
    import scipy
    import scipy.linalg  # noqa: F401  (loads scipy's BLAS so threadpoolctl lists it)
    import sklearn
    from threadpoolctl import threadpool_info

    facts = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    facts["cpu"] = cpu
    facts["logical_cpus"] = os.cpu_count()
    try:
        facts["usable_cpus"] = len(os.sched_getaffinity(0))
    except AttributeError:
        facts["usable_cpus"] = None
    try:
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        facts["ram_gib"] = int(mem.split()[1]) / 1024 ** 2
    except (OSError, StopIteration):
        facts["ram_gib"] = None
    facts["platform"] = platform.platform()
    facts["python"] = platform.python_version()
    facts["versions"] = {"numpy": numpy.__version__, "scipy": scipy.__version__,
                         "scikit-learn": sklearn.__version__}
    try:
        import gensim
        facts["versions"]["gensim"] = gensim.__version__
    except ImportError:
        facts["versions"]["gensim"] = "not installed"
    sys.path.insert(0, str(REPO))
    try:
        import sklearn_w2v
        facts["versions"]["sklearn-w2v"] = getattr(sklearn_w2v, "__version__", "?")
    except ImportError:
        facts["versions"]["sklearn-w2v"] = "not importable"
    facts["git"] = _git_state()
    facts["blas"] = [
        {k: info.get(k) for k in ("user_api", "internal_api", "version", "num_threads",
                                  "threading_layer", "architecture", "filepath")}
        for info in threadpool_info()
    ]
    facts["env"] = {name: os.environ.get(name, "(unset)") for name in (
        "OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
        "PYTHONHASHSEED")}
    return facts


def _git_state():
    def git(*cmd):
        return subprocess.run(["git", "-C", str(REPO), *cmd], capture_output=True,
                              text=True, check=True).stdout.strip()
    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "sklearn_w2v")
        return head + (" + uncommitted changes in sklearn_w2v/" if dirty else " (clean)")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ------------------------------------------------------------------------------- report


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(value, kind):
    if value is None:
        return "n/a"
    if kind == "s":
        return f"{value:.1f}"
    if kind == "int":
        return f"{value:,.0f}"
    if kind == "mib":
        return f"{value:,.0f}"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "3":
        return f"{value:.3f}"
    if kind == "ratio":
        return f"{value:.2f}"
    return str(value)


# (label, getter, format); getters take one run's result dict.
METRICS = [
    ("train seconds (training loop)", lambda r: r.get("train_seconds"), "s"),
    ("vocabulary + other fit seconds", lambda r: r.get("vocab_seconds"), "s"),
    ("fit seconds (total)", lambda r: r.get("fit_seconds"), "s"),
    ("fit CPU seconds (user + sys, all threads and worker processes)",
     lambda r: r.get("fit_cpu_seconds"), "s"),
    ("effective words/s", lambda r: r.get("words_per_second"), "int"),
    ("pairs/s", lambda r: r.get("pairs_per_second"), "int"),
    ("effective words (all epochs)", lambda r: r.get("effective_words"), "int"),
    ("vocabulary size", lambda r: r.get("vocab_size"), "int"),
    ("peak RSS MiB (ru_maxrss)", lambda r: r.get("peak_rss_mib"), "mib"),
    ("RSS before fit MiB", lambda r: r.get("rss_before_fit_mib"), "mib"),
    ("RSS growth in fit MiB (VmHWM − VmRSS before)", lambda r: r.get("rss_growth_mib"), "mib"),
    ("analogy accuracy, gensim eval",
     lambda r: r.get("eval_gensim", {}).get("analogy_accuracy"), "pct"),
    ("analogy accuracy, our eval",
     lambda r: r.get("eval_ours", {}).get("analogy_accuracy"), "pct"),
    ("analogy coverage, gensim eval",
     lambda r: r.get("eval_gensim", {}).get("analogy_coverage"), "pct"),
    ("analogy coverage, our eval",
     lambda r: r.get("eval_ours", {}).get("analogy_coverage"), "pct"),
    ("WordSim-353 Spearman, gensim eval",
     lambda r: r.get("eval_gensim", {}).get("wordsim_spearman"), "3"),
    ("WordSim-353 Spearman, our eval",
     lambda r: r.get("eval_ours", {}).get("wordsim_spearman"), "3"),
]


def _ok(results, kind, jobs, config="sg-ns"):
    return [r for r in results if r.get("trainer") == kind and r.get("jobs") == jobs
            and r.get("config", "sg-ns") == config and r.get("status") == "ok"]


def render_report(args, results, facts, total_seconds):
    lines = ["# Training benchmark: sklearn-w2v vs gensim", ""]
    ok = [r for r in results if r.get("status") == "ok"]
    n_tokens = next((r["n_tokens"] for r in ok if r["trainer"] != "softmax"), None)
    n_lines = next((r["n_sentences"] for r in ok if r["trainer"] != "softmax"), None)
    scope = ("the whole corpus" if args.max_tokens is None
             else f"a prefix of whole lines, at most {args.max_tokens:,} tokens")
    lines += [
        f"Generated by `benchmarks/bench_train.py` on {facts['date']} "
        f"({total_seconds / 60:.1f} min in all).",
        "",
        "Command line:",
        "",
        "    " + shlex.join(["python", "benchmarks/bench_train.py", *sys.argv[1:]]),
        "",
        f"Corpus: `{args.corpus}`, {scope}"
        + (f" — {n_lines:,} lines, {n_tokens:,} tokens" if n_tokens else "") + ".",
        f"Settings (both trainers): "
        + "; ".join(f"{CONFIGS[c]['label']} (gensim sg={CONFIGS[c]['sg']}, "
                    f"hs={CONFIGS[c]['hs']}, negative={CONFIGS[c]['negative']}; learning "
                    f"rate {CONFIGS[c]['alpha']} → {MIN_ALPHA}, linear)"
                    for c in args.configs)
        + f"; vector_size={VECTOR_SIZE}, "
        f"window={WINDOW}, min_count={MIN_COUNT}, sample={SAMPLE:g}, "
        f"ns_exponent={NS_EXPONENT}, epochs={args.epochs}, seed={args.seed}"
        + (f", our batch_size={args.batch_size}" if args.batch_size else
           ", our batch_size=default") + ".",
        f"Repeats: {args.repeats}; tables show the median over repeats. "
        f"Evaluation: analogies = questions-words.txt (3CosAdd, restrict_vocab="
        f"{RESTRICT_VOCAB:,}, case-insensitive), WordSim-353 Spearman.",
        "",
    ]
    if args.max_tokens is not None or args.epochs != 5:
        lines += ["**This is a reduced run (corpus prefix and/or fewer epochs): speeds are "
                  "indicative, quality numbers are not comparable to full-corpus "
                  "5-epoch results.**", ""]

    loads = [x for r in results for x in (r.get("load_before"), r.get("load_after"))
             if x is not None]
    cores = facts.get("usable_cpus") or facts.get("logical_cpus")
    if loads and cores and max(loads) > cores:
        lines += [f"**The machine was busy: the 1-minute load average was {min(loads):.1f}–"
                  f"{max(loads):.1f} on {cores} usable CPUs during the runs, so other processes "
                  f"competed for the CPU. Compare fit CPU seconds with fit seconds below; "
                  f"speeds (especially with 2 threads) are pessimistic.**", ""]

    for config in args.configs:
        for jobs in args.jobs:
            ours = _ok(results, "ours", jobs, config)
            gens = _ok(results, "gensim", jobs, config)
            if not ours and not gens:
                continue
            lines += [f"## {CONFIGS[config]['label']}: ours n_jobs={jobs} vs gensim "
                      f"workers={jobs}", "",
                      "| metric | ours | gensim | ours / gensim |", "|---|---:|---:|---:|"]
            for label, get, kind in METRICS:
                a = _median([get(r) for r in ours])
                b = _median([get(r) for r in gens])
                ratio = a / b if a is not None and b not in (None, 0) else None
                lines.append(f"| {label} | {_fmt(a, kind)} | {_fmt(b, kind)} | "
                             f"{_fmt(ratio, 'ratio')} |")
            lines.append("")

    lines += render_scaling(args, results)

    soft = [r for r in results if r.get("trainer") == "softmax" and r.get("status") == "ok"]
    if soft:
        r0 = soft[0]
        lines += [
            "## Full softmax (ours, `objective=\"softmax\"`)", "",
            f"max_vocab_size={args.max_vocab_size:,} (vocabulary {r0['vocab_size']:,} words), "
            f"{r0['n_tokens']:,} tokens, {r0['epochs']} epoch(s). FLOPs = 6 · centers · |V| · d "
            f"(three GEMMs of 2·B·|V|·d per minibatch of B centers with a context; centers: "
            f"the estimator's `n_centers_`). sgemm GFLOP/s measured in the same worker, "
            f"float32, BLAS threads = n_jobs; peak = the best of the shapes.", "",
            "| n_jobs | train s | pairs/s | effective words/s | GFLOP/s achieved | "
            "sgemm B×d@d×V | sgemm B×V@V×d | sgemm V×B@B×d | sgemm 2048³ | "
            "fraction of peak | peak RSS MiB | analogy acc | WS-353 ρ |",
            "|---:|" + "---:|" * 12,
        ]
        for jobs in args.jobs:
            runs = _ok(results, "softmax", jobs)
            if not runs:
                continue
            gemm_names = list(runs[0]["sgemm_gflops"])
            gemm = {n: _median([r["sgemm_gflops"][n] for r in runs]) for n in gemm_names}
            achieved = _median([r.get("gflops") for r in runs])
            peak = max(gemm.values())
            lines.append(
                f"| {jobs} | {_fmt(_median([r['train_seconds'] for r in runs]), 's')} | "
                f"{_fmt(_median([r.get('pairs_per_second') for r in runs]), 'int')} | "
                f"{_fmt(_median([r.get('words_per_second') for r in runs]), 'int')} | "
                f"{_fmt(achieved, 'ratio')} | "
                + " | ".join(f"{gemm[n]:.1f}" for n in gemm_names)
                + f" | {_fmt(achieved / peak if achieved else None, 'pct')} | "
                f"{_fmt(_median([r['peak_rss_mib'] for r in runs]), 'mib')} | "
                f"{_fmt(_median([r['eval_ours']['analogy_accuracy'] for r in runs]), 'pct')} | "
                f"{_fmt(_median([r['eval_ours']['wordsim_spearman'] for r in runs]), '3')} |")
        lines.append("")

    lines += ["## Runs", "",
              "| # | trainer | jobs | repeat | status | train s | fit s | fit CPU s | words/s "
              "| pairs/s | peak RSS MiB | wall s (incl. read + eval) | load avg before → after |",
              "|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for i, r in enumerate(results, 1):
        lines.append(
            f"| {i} | {r.get('trainer')} | {r.get('jobs')} | {r.get('repeat')} | "
            f"{r.get('status')} | {_fmt(r.get('train_seconds'), 's')} | "
            f"{_fmt(r.get('fit_seconds'), 's')} | {_fmt(r.get('fit_cpu_seconds'), 's')} | "
            f"{_fmt(r.get('words_per_second'), 'int')} | "
            f"{_fmt(r.get('pairs_per_second'), 'int')} | {_fmt(r.get('peak_rss_mib'), 'mib')} | "
            f"{_fmt(r.get('wall_seconds'), 's')} | "
            f"{_fmt(r.get('load_before'), 'ratio')} → {_fmt(r.get('load_after'), 'ratio')} |")
    lines.append("")

    ours_any = next((r for r in ok if r["trainer"] in ("ours", "softmax")), None)
    lines += ["## How our numbers were obtained", ""]
    if ours_any:
        lines += [
            "* training seconds: the estimator's `training_seconds_`; vocabulary building "
            "happens inside `fit`, so \"vocabulary + other\" = fit − training loop (it also "
            "includes idf/SIF fitting for `transform`).",
            "* effective words and pairs: the estimator's `n_effective_words_` and "
            "`n_pairs_` (totals over all epochs); noise words "
            + ("drawn per pair (`share_negatives=False`)." if ours_any.get("share_negatives")
               is False else "shared by the pairs of a window, whose context words are "
               "the inputs (`share_negatives=True`)."),
            f"* package imported from `{ours_any.get('package_file')}`.",
        ]
    lines += [
        "* gensim: training seconds = `train()`, vocabulary = `build_vocab()`; effective "
        "words = first value returned by `train()`; gensim does not count pairs.",
        "* peak RSS = `ru_maxrss` of the worker process (corpus + model + evaluation); growth "
        "in fit = VmHWM after fit − VmRSS just before fit (VmHWM cannot be reset, so this "
        "is a lower bound of the fit's own peak if loading the corpus peaked higher).",
        "",
        "## Machine", "",
        f"* CPU: {facts['cpu']}, {facts['logical_cpus']} logical CPUs "
        f"({facts['usable_cpus']} usable), RAM {facts['ram_gib']:.1f} GiB"
        if facts["ram_gib"] else f"* CPU: {facts['cpu']}",
        f"* {facts['platform']}, Python {facts['python']}",
        "* versions: " + ", ".join(f"{k} {v}" for k, v in facts["versions"].items()),
        f"* sklearn-w2v git: {facts['git']}",
        "* environment: " + ", ".join(f"{k}={v}" for k, v in facts["env"].items()),
        "* BLAS (threadpoolctl.threadpool_info() in the driver):",
    ]
    for info in facts["blas"]:
        lines.append("  * " + ", ".join(f"{k}={v}" for k, v in info.items() if v is not None))
    lines.append("")
    return "\n".join(lines)


def _median_of(results, kind, jobs, get, config="sg-ns"):
    return _median([get(r) for r in _ok(results, kind, jobs, config)])


def _analogy(r):
    return r.get("eval_ours", {}).get("analogy_accuracy")


def _wordsim(r):
    return r.get("eval_ours", {}).get("wordsim_spearman")


def _words_per_second(r):
    return r.get("words_per_second")


def render_scaling(args, results):
    """Effective words/s per n_jobs for both trainers, and the targets of issue 8."""
    jobs_list = sorted(j for j in args.jobs
                       if _ok(results, "ours", j) or _ok(results, "gensim", j))
    lines = _scaling_table(args, results, jobs_list) if jobs_list else []
    targets = _targets(results)
    if targets:
        lines += ["## Targets", "", "| figure | measured | target | met? |",
                  "|---|---:|---|---|"]
        for label, value, target, met in targets:
            lines.append(f"| {label} | {value} | {target} | {'✔' if met else '✘'} |")
        lines.append("")
    return lines


def _scaling_table(args, results, jobs_list):
    lines = ["## Scaling with n_jobs / workers", "",
             "| n_jobs / workers | ours words/s | ours speed-up | gensim words/s | "
             "gensim speed-up | ours / gensim |", "|---:|---:|---:|---:|---:|---:|"]
    base = {kind: _median_of(results, kind, jobs_list[0], _words_per_second)
            for kind in ("ours", "gensim")}
    for jobs in jobs_list:
        ours = _median_of(results, "ours", jobs, _words_per_second)
        gens = _median_of(results, "gensim", jobs, _words_per_second)
        lines.append(
            f"| {jobs} | {_fmt(ours, 'int')} | "
            f"{_fmt(ours / base['ours'] if ours and base['ours'] else None, 'ratio')} | "
            f"{_fmt(gens, 'int')} | "
            f"{_fmt(gens / base['gensim'] if gens and base['gensim'] else None, 'ratio')} | "
            f"{_fmt(ours / gens if ours and gens else None, 'ratio')} |")
    lines += ["", f"![effective words/s against n_jobs]({_plot_path(args).name})", ""]
    return lines


def _targets(results):
    """(label, measured, target, met) for every figure both runs exist for."""
    rows = []

    def both(jobs, get):
        return (_median_of(results, "ours", jobs, get),
                _median_of(results, "gensim", jobs, get))

    for jobs in (1, 2):
        ours, gens = both(jobs, _words_per_second)
        if ours and gens:
            rows.append((f"effective words/s, n_jobs={jobs} / gensim workers={jobs}",
                         f"{ours / gens:.2f}×", "≥ 1.0×", ours / gens >= 1.0))
    one = _median_of(results, "ours", 1, _words_per_second)
    two = _median_of(results, "ours", 2, _words_per_second)
    if one and two:
        rows.append(("n_jobs=2 / n_jobs=1 (ours)", f"{two / one:.2f}×", "≥ 1.8×",
                     two / one >= 1.8))
    ours, gens = both(2, lambda r: r.get("eval_ours", {}).get("analogy_accuracy"))
    if ours is not None and gens is not None:
        rows.append(("analogy accuracy at n_jobs=2 (gensim workers=2)",
                     f"{100 * ours:.1f}% ({100 * gens:.1f}%)", "≥ gensim − 1 point",
                     ours >= gens - 0.01))
    ours, gens = both(2, lambda r: r.get("eval_ours", {}).get("wordsim_spearman"))
    if ours is not None and gens is not None:
        rows.append(("WordSim-353 at n_jobs=2 (gensim workers=2)",
                     f"{ours:.3f} ({gens:.3f})", "≥ gensim − 0.02", ours >= gens - 0.02))
    for config in CONFIGS:
        if config == "sg-ns":
            continue
        label = CONFIGS[config]["label"]

        def one_job(kind, get, config=config):
            return _median_of(results, kind, 1, get, config)

        speed = [one_job(kind, _words_per_second) for kind in ("ours", "gensim")]
        if all(speed):
            rows.append((f"{label}: effective words/s, n_jobs=1 / gensim workers=1",
                         f"{speed[0] / speed[1]:.2f}×", "≥ 1.0×", speed[0] / speed[1] >= 1.0))
        for name, get, margin, fmt in (
                ("analogy accuracy", _analogy, 0.01, lambda x: f"{100 * x:.1f}%"),
                ("WordSim-353", _wordsim, 0.02, lambda x: f"{x:.3f}")):
            ours_q, gens_q = (one_job(kind, get) for kind in ("ours", "gensim"))
            if ours_q is not None and gens_q is not None:
                rows.append((f"{label}: {name} (gensim)", f"{fmt(ours_q)} ({fmt(gens_q)})",
                             f"≥ gensim − {'1 point' if margin == 0.01 else margin}",
                             ours_q >= gens_q - margin))
    ours, gens = both(1, lambda r: r.get("vocab_seconds"))
    if ours and gens:
        rows.append(("fit time outside the training loop / gensim build_vocab (1 job)",
                     f"{ours:.1f} s / {gens:.1f} s = {ours / gens:.2f}×", "≤ 1.25×",
                     ours / gens <= 1.25))
    return rows


def _plot_path(args):
    return args.output.with_name(args.output.stem + "-scaling.png")


def plot_scaling(args, results, path):
    """PNG of effective words/s against n_jobs / workers for both trainers."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no scaling plot", file=sys.stderr)
        return False
    fig, ax = plt.subplots(figsize=(5, 3.6))
    plotted = False
    for kind, label, marker in (("ours", "sklearn-w2v (processes)", "o"),
                                ("gensim", "gensim (threads)", "s")):
        points = [(jobs, _median_of(results, kind, jobs, _words_per_second))
                  for jobs in sorted(args.jobs)]
        points = [(j, w) for j, w in points if w]
        if points:
            ax.plot(*zip(*points), marker=marker, label=label)
            plotted = True
    if not plotted:
        plt.close(fig)
        return False
    ax.set_xlabel("n_jobs (ours) / workers (gensim)")
    ax.set_ylabel("effective words/s")
    ax.set_xticks(sorted(args.jobs))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Skip-gram NS training speed, same run", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------------- CLI


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
                        help="model configurations: sg-ns (skip-gram + negative sampling, "
                             "at every --jobs), cbow-ns, sg-hs, cbow-hs (hierarchical "
                             "softmax), the latter at the first --jobs value only "
                             "(default: sg-ns)")
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
