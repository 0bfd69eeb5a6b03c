#!/usr/bin/env python
"""Side by side: sklearn-w2v's ``FastTextTransformer`` against gensim's ``FastText``.

Both train subword vectors on the same in-memory token lists (whole lines of the shared
corpus, or a prefix) with the same settings: skip-gram or CBOW + negative sampling,
vector_size=100, window=5, min_count=5, sample=1e-3, negative=5, n-grams of 3..6
characters, ``--bucket`` buckets (gensim's 2,000,000 by default), word2vec.c's learning
rate for the architecture, fixed seed. Every fit runs in its own subprocess (peak memory
per fit), and the driver alternates the trainers (ours first, then gensim first on the
next repeat), so a noisy machine slows both alike.

Measured per fit:

* speed: effective words (tokens kept by subsampling, over all epochs) per second of
  training, at 1 and 2 workers (``n_jobs`` / ``workers``);
* memory: the growth of the peak RSS during fit (VmHWM - VmRSS before; the coordinator's,
  as ``bench_train.py`` measures it);
* quality: the Google analogies, semantic and syntactic sections separately (3CosAdd over
  the 300,000 most frequent words, ``sklearn_w2v.evaluation`` for both trainers), and
  WordSim-353 Spearman;
* rare and out-of-vocabulary words: the fits are repeated with ``min_count`` raised to
  ``--rare-min-count`` (default: 200 on the full corpus, scaled to a prefix), so that one
  word of some pairs falls out of the vocabulary. Two pair lists are made from the
  corpus's counts: the WordSim-353 pairs with exactly one word below that count (Spearman
  against the human scores), and the pairs of the analogy questions (``a b``, ``c d``)
  with exactly one word below it (the share of pairs whose cosine beats that of the same
  first word with the partner of 10 random other pairs of the section). Word2vec
  (``Word2VecTransformer`` at the same ``min_count``) has no vector for the rare word: its
  Spearman is undefined and its share is chance, 0.5.

``--buckets`` adds our fits at other numbers of buckets (the default ``bucket`` was chosen
on such a sweep): time, memory, analogies and rare-word pairs.

The report goes to ``benchmarks/RESULTS-fasttext.md`` (with the raw results as JSON
beside it). Run it on a quiet machine (``README.md``).

Examples
--------
Full run (the full corpus, 5 epochs, 1 and 2 workers, skip-gram and CBOW, a bucket
sweep; several hours)::

    python benchmarks/bench_fasttext.py --configs sg-ns cbow-ns --jobs 1 2 \\
        --buckets 100000 500000 2000000

Quick check (a 1M-token prefix, one epoch, a few minutes)::

    python benchmarks/bench_fasttext.py --max-tokens 1000000 --epochs 1 --jobs 1 \\
        --output /tmp/fasttext.md
"""

import argparse
import collections
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))  # the package of this checkout

from bench_train_report import machine_facts, report_preamble, write_report  # noqa: E402
from bench_train_runners import (  # noqa: E402
    ANALOGY_FILE,
    CONFIGS,
    DEFAULT_CORPUS,
    DEFAULT_EVAL_DIR,
    RESTRICT_VOCAB,
    WORDSIM_FILE,
    _cpu_seconds,
    _load_average,
    _mib,
    _proc_status_kib,
    _stop_worker_processes,
    gensim_settings,
    ours_settings,
    read_corpus,
)

FULL_CORPUS_TOKENS = 13_261_293
# min_count of the rare-word fits on the full corpus (scaled to a prefix): one word of 117
# WordSim-353 pairs and of about 200 analogy pairs falls below it.
RARE_MIN_COUNT_FULL = 200
MIN_N, MAX_N = 3, 6
SEMANTIC_SECTIONS = ("capital-common-countries", "capital-world", "currency",
                     "city-in-state", "family")
N_DISTRACTORS = 10


# ------------------------------------------------------------------------- pair lists


def rare_pairs(sentences, min_count, eval_dir, seed=0):
    """The WordSim-353 pairs and the analogy pairs with exactly one word counted fewer
    than ``min_count`` times in ``sentences``; each analogy pair with ``N_DISTRACTORS``
    partners of other pairs of its section."""
    counts = collections.Counter(token for sentence in sentences for token in sentence)
    rare = lambda word: counts[word] < min_count  # noqa: E731
    wordsim = []
    for line in open(eval_dir / WORDSIM_FILE, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        a, b, score = line.rstrip("\n").split("\t")
        if rare(a.lower()) != rare(b.lower()):
            wordsim.append((a.lower(), b.lower(), float(score)))
    sections = collections.defaultdict(dict)
    section = None
    for line in open(eval_dir / ANALOGY_FILE, encoding="utf-8"):
        if line.startswith(":"):
            section = line[1:].strip()
            continue
        a, b, c, d = line.lower().split()
        for x, y in ((a, b), (c, d)):
            sections[section][(x, y)] = None
    rng = np.random.default_rng(seed)
    analogy = []
    for name, pairs in sections.items():
        pairs = list(pairs)
        partners = [y for _, y in pairs]
        for x, y in pairs:
            if rare(x) != rare(y):
                others = [p for p in partners if p not in (x, y)]
                distractors = rng.choice(others, min(N_DISTRACTORS, len(others)),
                                         replace=False).tolist()
                analogy.append((name, x, y, distractors))
    return {"wordsim": wordsim, "analogy": analogy, "min_count": min_count}


def score_rare_pairs(vector_of, pairs):
    """Spearman of the rare WordSim pairs and the analogy pairs' share of wins over the
    distractors; ``vector_of(word)`` is None for a word without a vector."""
    from scipy.stats import spearmanr

    def cosine(u, v):
        if u is None or v is None:
            return None
        norm = np.linalg.norm(u) * np.linalg.norm(v)
        return float(u @ v / norm) if norm else 0.0

    scored = [(cosine(vector_of(a), vector_of(b)), s) for a, b, s in pairs["wordsim"]]
    known = [(c, s) for c, s in scored if c is not None]
    spearman = (float(spearmanr(*zip(*known))[0]) if len(known) > 2 else float("nan"))
    wins, covered = [], 0
    for _, x, y, distractors in pairs["analogy"]:
        true = cosine(vector_of(x), vector_of(y))
        if true is None:
            wins.append(0.5)  # no vector: chance
            continue
        covered += 1
        others = [cosine(vector_of(x), vector_of(z)) for z in distractors]
        wins.append(np.mean([true > o if o is not None else 1.0 for o in others]))
    return {"wordsim_rare_spearman": spearman, "wordsim_rare_pairs": len(pairs["wordsim"]),
            "wordsim_rare_covered": len(known),
            "analogy_rare_win_share": float(np.mean(wins)) if wins else float("nan"),
            "analogy_rare_pairs": len(pairs["analogy"]), "analogy_rare_covered": covered}


# ---------------------------------------------------------------------------- quality


def analogy_by_kind(words, vectors, eval_dir):
    """Accuracy on the semantic and the syntactic sections, and in all."""
    from sklearn_w2v.evaluation import evaluate_analogies, evaluate_word_pairs

    result = evaluate_analogies((words, vectors), eval_dir / ANALOGY_FILE,
                                restrict_vocab=RESTRICT_VOCAB)
    out = {"analogy": result.accuracy, "analogy_coverage": result.coverage}
    for kind, semantic in (("semantic", True), ("syntactic", False)):
        parts = [s for name, s in result.sections.items()
                 if (name in SEMANTIC_SECTIONS) == semantic]
        total = sum(s["total"] for s in parts)
        out[f"analogy_{kind}"] = (sum(s["correct"] for s in parts) / total if total
                                  else float("nan"))
    pairs = evaluate_word_pairs((words, vectors), eval_dir / WORDSIM_FILE,
                                restrict_vocab=RESTRICT_VOCAB)
    out["wordsim"] = pairs.spearman
    return out


# ---------------------------------------------------------------------------- workers


def _fasttext_params(args):
    params = ours_settings(args.config, epochs=args.epochs, jobs=args.jobs, seed=args.seed)
    params.update(min_count=args.min_count, min_n=MIN_N, max_n=MAX_N, bucket=args.bucket)
    if args.batch_size:
        params["batch_size"] = args.batch_size
    return params


def _fit_ours(args, sentences):
    from sklearn_w2v import FastTextTransformer, Word2VecTransformer

    params = _fasttext_params(args)
    if args.worker == "word2vec":
        params = {k: v for k, v in params.items() if k not in ("min_n", "max_n", "bucket")}
        model = Word2VecTransformer(**params)
    else:
        model = FastTextTransformer(**params)
    started = time.perf_counter()
    model.fit(sentences)
    seconds = time.perf_counter() - started

    def vector_of(word):
        return model[word] if word in model else None

    return (model.index_to_word_, model.embedding_, vector_of, seconds,
            model.training_seconds_, model.n_effective_words_)


def _fit_gensim(args, sentences):
    import logging

    from gensim.models import FastText

    logging.getLogger("gensim").setLevel(logging.ERROR)
    settings = gensim_settings(args.config, epochs=args.epochs, workers=args.jobs,
                               seed=args.seed)
    settings.update(min_count=args.min_count, min_n=MIN_N, max_n=MAX_N, bucket=args.bucket)
    model = FastText(**settings)
    started = time.perf_counter()
    model.build_vocab(sentences)
    trained = time.perf_counter()
    effective, _ = model.train(sentences, total_examples=model.corpus_count,
                               epochs=model.epochs)
    done = time.perf_counter()
    wv = model.wv
    return (list(wv.index_to_key), wv.vectors, lambda word: wv[word], done - started,
            done - trained, int(effective))


def worker(args):
    sentences, n_tokens = read_corpus(args.corpus, args.max_tokens)
    pairs = json.loads(Path(args.pairs).read_text())
    gc.collect()
    rss_before = _proc_status_kib("VmRSS")
    cpu_before = _cpu_seconds()
    fit = _fit_gensim if args.worker == "gensim" else _fit_ours
    words, vectors, vector_of, fit_seconds, train_seconds, effective = fit(args, sentences)
    hwm = _proc_status_kib("VmHWM")
    if args.jobs > 1 and args.worker != "gensim":
        _stop_worker_processes()
    result = {"kind": args.worker, "config": args.config, "jobs": args.jobs,
              "min_count": args.min_count, "bucket": args.bucket, "n_tokens": n_tokens,
              "fit_seconds": fit_seconds, "train_seconds": train_seconds,
              "cpu_seconds": _cpu_seconds() - cpu_before, "effective_words": effective,
              "words_per_second": effective / train_seconds,
              "rss_growth_mib": _mib(hwm - rss_before), "vocabulary": len(words)}
    if not args.rare_only:
        result.update(analogy_by_kind(words, vectors, args.eval_dir))
    result.update(score_rare_pairs(vector_of, pairs))
    return result


# ----------------------------------------------------------------------------- driver


def run(args, kind, config, jobs, min_count, bucket, rare_only=False, role="main"):
    command = [sys.executable, __file__, "--worker", kind, "--config", config,
               "--jobs-one", str(jobs), "--min-count", str(min_count), "--bucket",
               str(bucket), "--epochs", str(args.epochs), "--seed", str(args.seed),
               "--corpus", str(args.corpus), "--eval-dir", str(args.eval_dir),
               "--pairs", str(args.pairs)]
    if args.max_tokens:
        command += ["--max-tokens", str(args.max_tokens)]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    if rare_only:
        command += ["--rare-only"]
    output = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["load_average"] = _load_average()
    result["role"] = role
    print(f"{kind:8s} {config} jobs={jobs} min_count={min_count} bucket={bucket}: "
          f"{result['words_per_second']:,.0f} words/s, "
          f"+{result['rss_growth_mib']:,.0f} MiB", flush=True)
    return result


def plan(args):
    """Every fit, in the order they run: the trainers alternate within each repeat."""
    fits = []
    for repeat in range(args.repeats):
        for config in args.configs:
            for jobs in args.jobs:
                kinds = ("ours", "gensim") if repeat % 2 == 0 else ("gensim", "ours")
                fits += [(kind, config, jobs, 5, args.bucket, False) for kind in kinds]
    for config in args.configs:
        for kind in ("ours", "gensim", "word2vec"):
            fits.append((kind, config, 1, args.rare_min_count, args.bucket, True, "rare"))
    for bucket in args.buckets:
        fits.append(("ours", args.configs[0], 1, args.rare_min_count, bucket, False,
                     "buckets"))
    return fits


def _median(values):
    values = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.median(values)) if values else float("nan")


def _select(results, **where):
    return [r for r in results if all(r.get(k) == v for k, v in where.items())]


def speed_table(args, results):
    lines = ["## Speed and memory", "",
             "Effective words per second of training (median over repeats) and the growth "
             "of the peak RSS during fit, `min_count=5`.", "",
             "| configuration | workers | ours, words/s | gensim, words/s | ours / gensim | "
             "ours, +MiB | gensim, +MiB | ours / gensim |", "|---|---:|---:|---:|---:|---:|"
             "---:|---:|"]
    for config in args.configs:
        for jobs in args.jobs:
            ours = _select(results, kind="ours", config=config, jobs=jobs, min_count=5)
            theirs = _select(results, kind="gensim", config=config, jobs=jobs, min_count=5)
            speed = [_median([r["words_per_second"] for r in side]) for side in (ours, theirs)]
            memory = [_median([r["rss_growth_mib"] for r in side]) for side in (ours, theirs)]
            lines.append(f"| {CONFIGS[config]['label']} | {jobs} | {speed[0]:,.0f} | "
                         f"{speed[1]:,.0f} | {speed[0] / speed[1]:.2f}x | {memory[0]:,.0f} | "
                         f"{memory[1]:,.0f} | {memory[0] / memory[1]:.2f}x |")
    return lines + [""]


def quality_table(args, results):
    lines = ["## Quality", "",
             "Analogy accuracy (3CosAdd, 300,000 most frequent words; semantic and "
             "syntactic sections) and WordSim-353 Spearman, median over the fits "
             "(`min_count=5`).", "",
             "| configuration | trainer | semantic | syntactic | all | WordSim-353 |",
             "|---|---|---:|---:|---:|---:|"]
    for config in args.configs:
        for kind in ("ours", "gensim"):
            fits = _select(results, kind=kind, config=config, min_count=5)
            values = [_median([r[key] for r in fits]) for key in
                      ("analogy_semantic", "analogy_syntactic", "analogy", "wordsim")]
            lines.append(f"| {CONFIGS[config]['label']} | {kind} | " + " | ".join(
                f"{v:.3f}" for v in values) + " |")
    return lines + [""]


def rare_table(args, results):
    lines = ["## Rare and out-of-vocabulary words", "",
             f"Fits with `min_count={args.rare_min_count}`: the WordSim-353 pairs and the "
             "analogy pairs with exactly one word below that count (see the script's "
             "docstring). Word2vec has no vector for that word.", "",
             "| configuration | trainer | WordSim rare pairs, Spearman (pairs scored) | "
             "analogy pairs, share of wins over distractors (pairs with vectors) |",
             "|---|---|---:|---:|"]
    for config in args.configs:
        for kind in ("ours", "gensim", "word2vec"):
            for r in _select(results, kind=kind, config=config, role="rare"):
                lines.append(
                    f"| {CONFIGS[config]['label']} | {kind} | "
                    f"{r['wordsim_rare_spearman']:.3f} ({r['wordsim_rare_covered']} of "
                    f"{r['wordsim_rare_pairs']}) | {r['analogy_rare_win_share']:.3f} "
                    f"({r['analogy_rare_covered']} of {r['analogy_rare_pairs']}) |")
    return lines + [""]


def bucket_table(args, results):
    if not args.buckets:
        return []
    lines = ["## Number of buckets", "",
             f"Ours, {CONFIGS[args.configs[0]]['label']}, one worker, "
             f"`min_count={args.rare_min_count}`.", "",
             "| bucket | train s | +MiB | analogy | WordSim-353 | WordSim rare | "
             "analogy pairs, wins |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for bucket in args.buckets:
        for r in _select(results, kind="ours", bucket=bucket, role="buckets"):
            lines.append(f"| {bucket:,} | {r['train_seconds']:.1f} | "
                         f"{r['rss_growth_mib']:,.0f} | {r['analogy']:.3f} | "
                         f"{r['wordsim']:.3f} | {r['wordsim_rare_spearman']:.3f} | "
                         f"{r['analogy_rare_win_share']:.3f} |")
    return lines + [""]


def targets(args, results):
    lines = ["## Targets (issue 30)", ""]
    for config in args.configs:
        for jobs in args.jobs:
            sides = [_select(results, kind=k, config=config, jobs=jobs, min_count=5)
                     for k in ("ours", "gensim")]
            speed = [_median([r["words_per_second"] for r in s]) for s in sides]
            memory = [_median([r["rss_growth_mib"] for r in s]) for s in sides]
            lines.append(f"- {CONFIGS[config]['label']}, {jobs} worker(s): speed "
                         f"{speed[0] / speed[1]:.2f}x gensim (target >= 1.0x: "
                         f"{'met' if speed[0] >= speed[1] else 'missed'}); RSS growth "
                         f"{memory[0] / memory[1]:.2f}x (target <= 1.25x: "
                         f"{'met' if memory[0] <= 1.25 * memory[1] else 'missed'})")
        values = {k: _select(results, kind=k, config=config, min_count=5)
                  for k in ("ours", "gensim")}
        for key, slack in (("analogy_semantic", 0.01), ("analogy_syntactic", 0.01),
                           ("wordsim", 0.02)):
            ours, theirs = (_median([r[key] for r in values[k]]) for k in ("ours", "gensim"))
            lines.append(f"- {CONFIGS[config]['label']}, {key}: {ours:.3f} vs gensim "
                         f"{theirs:.3f} (target >= gensim - {slack}: "
                         f"{'met' if ours >= theirs - slack else 'missed'})")
    return lines + [""]


def host_line(facts):
    """CPU (with its family and model, which tell Intel hosts apart), BLAS kernel, commit."""
    cpuinfo = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            cpuinfo.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    kernels = ", ".join(f"{b['internal_api']} {b['version']} {b['architecture']}"
                        for b in facts["blas"] if b.get("architecture"))
    return (f"{facts['cpu']} (family {cpuinfo.get('cpu family', '?')}, model "
            f"{cpuinfo.get('model', '?')}), {facts['logical_cpus']} CPUs, BLAS {kernels}, "
            f"package commit {facts['git']}")


def report(args, results, minutes):
    facts = machine_facts()
    n_tokens = results[0]["n_tokens"] if results else 0
    loads = [r["load_average"] for r in results if r.get("load_average") is not None]
    lines = report_preamble("FastText side by side with gensim", "bench_fasttext.py",
                            minutes, host_line(facts))
    lines += [f"Corpus `{args.corpus}`, {n_tokens:,} tokens, {args.epochs} epochs, "
              f"bucket {args.bucket:,}, n-grams {MIN_N}..{MAX_N}, {args.repeats} repeats; "
              f"versions {facts['versions']}; load average during the fits "
              f"{min(loads, default=0):.1f}..{max(loads, default=0):.1f} on "
              f"{facts['logical_cpus']} CPUs.", ""]
    # A fit's own workers make up its load: a 2-worker fit alone holds the 1-minute
    # load average near 2. What counts as other work is the load beyond the fit's own.
    beyond = [r["load_average"] - r["jobs"] for r in results
              if r.get("load_average") is not None]
    if max(beyond, default=0) > 0.75:
        lines += ["**Other work was running (the load average exceeded the fit's own "
                  f"workers by up to {max(beyond):.1f}): the speed figures are indicative "
                  "only.**", ""]
    lines += (speed_table(args, results) + quality_table(args, results)
              + rare_table(args, results) + bucket_table(args, results)
              + targets(args, results))
    write_report(args.output, lines)
    args.output.with_suffix(".json").write_text(json.dumps(results, indent=1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", nargs="+", default=["sg-ns"],
                        choices=["sg-ns", "cbow-ns"])
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--bucket", type=int, default=2_000_000)
    parser.add_argument("--buckets", nargs="*", type=int, default=[])
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--rare-min-count", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-fasttext.md")
    parser.add_argument("--worker", choices=("ours", "gensim", "word2vec"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--jobs-one", type=int, dest="jobs_one", help=argparse.SUPPRESS)
    parser.add_argument("--min-count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pairs", help=argparse.SUPPRESS)
    parser.add_argument("--rare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        raise SystemExit(f"corpus not found: {args.corpus} (pass --corpus)")
    if args.worker:
        args.jobs = args.jobs_one
        print(json.dumps(worker(args)))
        return
    started = time.perf_counter()
    sentences, n_tokens = read_corpus(args.corpus, args.max_tokens)
    if args.rare_min_count is None:
        args.rare_min_count = max(10, round(RARE_MIN_COUNT_FULL * n_tokens
                                            / FULL_CORPUS_TOKENS))
    with tempfile.TemporaryDirectory(prefix="bench-fasttext-") as folder:
        args.pairs = Path(folder) / "pairs.json"
        args.pairs.write_text(json.dumps(rare_pairs(sentences, args.rare_min_count,
                                                    args.eval_dir)))
        del sentences
        results = [run(args, *fit) for fit in plan(args)]
    report(args, results, (time.perf_counter() - started) / 60)


if __name__ == "__main__":
    main()
