"""The trainers' runners of ``bench_train.py``: one fit of ours or gensim's per worker
process, its timings, memory and quality, and the shared settings and corpus reader.

Imported by the driver (``bench_train.py``), which runs each worker as
``python benchmarks/bench_train.py --worker ours|gensim|softmax``.
"""

import gc
import json
import lzma
import resource
import sys
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


def parse_or_serve(parser, argv, worker):
    """Parse a small benchmark's arguments; in its ``--worker`` subprocess, run ``worker``.

    Returns the arguments, or None once the worker has printed its JSON result (the caller
    then returns). A missing corpus stops either with a message naming ``--corpus``.
    """
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        raise SystemExit(f"corpus not found: {args.corpus} (pass --corpus)")
    if args.worker:
        print(json.dumps(worker(args)))
        return None
    return args


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


def ours_settings(config, *, epochs, jobs, seed):
    """``Word2VecTransformer`` parameters of configuration ``config`` (a key of CONFIGS).

    Documents are token lists, which the estimator takes verbatim (no analyzer).
    """
    c = CONFIGS[config]
    return dict(
        objective=c["objective"], architecture=c["architecture"], vector_size=VECTOR_SIZE,
        window=WINDOW, min_count=MIN_COUNT, sample=SAMPLE, negative=NEGATIVE,
        ns_exponent=NS_EXPONENT, epochs=epochs, learning_rate=c["alpha"],
        min_learning_rate=MIN_ALPHA, shrink_windows=True, n_jobs=jobs, random_state=seed)


def gensim_settings(config, *, epochs, workers, seed):
    """gensim ``Word2Vec`` parameters of configuration ``config``, the same as ours."""
    c = CONFIGS[config]
    return dict(
        sg=c["sg"], hs=c["hs"], vector_size=VECTOR_SIZE, window=WINDOW,
        min_count=MIN_COUNT, sample=SAMPLE, negative=c["negative"],
        ns_exponent=NS_EXPONENT, epochs=epochs, alpha=c["alpha"],
        min_alpha=MIN_ALPHA, shrink_windows=True, seed=seed, workers=workers)


def _ours_params(args, jobs, objective="negative"):
    params = ours_settings(args.configs[0], epochs=args.epochs, jobs=jobs, seed=args.seed)
    params["verbose"] = int(args.verbose)
    if objective != "negative":
        params["objective"] = objective
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
    model = Word2Vec(**gensim_settings(args.configs[0], epochs=args.epochs, workers=jobs,
                                       seed=args.seed))
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


