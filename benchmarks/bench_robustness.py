#!/usr/bin/env python
"""Robustness to typos: accuracy of TF-IDF, word2vec and fastText pipelines when the test
documents carry character noise.

A word vector model trained on clean text has no vector for "teh" or "movei": word2vec
skips such tokens and TF-IDF has no column for them, while fastText gives them the mean of
their character n-grams' rows, most of which the clean word shares. This script measures
what that is worth on the four labelled sets of ``../shared/data/classification``:

* each pipeline is fitted on the clean training documents: ``TfidfVectorizer()``, or
  ``Word2VecTransformer()`` / ``FastTextTransformer()`` fitted on the training texts (no
  labels), followed by a logistic regression whose ``C`` is tuned by a stratified inner
  cross-validation (``LogisticRegressionCV``, the dense features standardised);
* the test documents are scored clean and with typos injected, at each ``--rates``: that
  share of the words of at least 3 letters gets one typo (at least one per document), a
  deletion, an insertion, a substitution of a letter or a swap of two neighbours, drawn
  with a fixed seed (``--seed``), so every pipeline sees the same noisy documents;
* newsgroups_mini, which has no test split, is split 80/20 (stratified, the same seed).

The accuracy drop (clean - noisy) per pipeline, data set and rate goes to
``benchmarks/RESULTS-robustness.md`` and ``benchmarks/RESULTS-robustness.png``.

Examples::

    python benchmarks/bench_robustness.py                       # the committed run
    python benchmarks/bench_robustness.py --max-train 1000 --datasets rotten_tomatoes \\
        --output /tmp/robustness.md                             # a quick check
"""

import argparse
import csv
import gzip
import json
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))  # benchmark the package of this checkout
sys.path.insert(0, str(BENCH_DIR))

from bench_train_report import machine_facts, report_preamble, write_report  # noqa: E402

from sklearn_w2v import (  # noqa: E402
    FastTextTransformer,
    LowCoverageWarning,
    Word2VecTransformer,
)

DEFAULT_DATA = REPO.parent / "shared" / "data"
DATASETS = ("rotten_tomatoes", "fine_foods", "news_source", "newsgroups_mini")
PIPELINES = ("tfidf", "word2vec", "fasttext")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
WORD = re.compile(r"[A-Za-z]{3,}")


def load(path):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return (np.array([r["text"] for r in rows], dtype=object),
            np.array([r["label"] for r in rows]), np.array([r["split"] for r in rows]))


def split_of(labels, split, seed, max_train):
    if (split == "all").all():
        train, test = train_test_split(np.arange(len(labels)), test_size=0.2,
                                       stratify=labels, random_state=seed)
    else:
        train, test = np.flatnonzero(split == "train"), np.flatnonzero(split == "test")
    if max_train and len(train) > max_train:
        train, _ = train_test_split(train, train_size=max_train, stratify=labels[train],
                                    random_state=seed)
    return np.sort(train), test


# ------------------------------------------------------------------------------ noise


def typo(word, rng):
    """One typo in ``word``: a deletion, an insertion, a substitution or a swap."""
    i = int(rng.integers(len(word)))
    kind = int(rng.integers(4))
    letter = LETTERS[int(rng.integers(26))]
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + letter + word[i:]
    if kind == 2:
        return word[:i] + letter + word[i + 1:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def with_typos(text, rate, rng):
    """``text`` with one typo in a share ``rate`` of its words of 3+ letters (at least
    one word when it has any)."""
    spans = [m.span() for m in WORD.finditer(text)]
    if not spans or rate <= 0:
        return text
    n = max(1, int(round(rate * len(spans))))
    chosen = sorted(rng.choice(len(spans), size=min(n, len(spans)), replace=False).tolist())
    pieces, last = [], 0
    for index in chosen:
        start, stop = spans[index]
        pieces += [text[last:start], typo(text[start:stop], rng)]
        last = stop
    return "".join(pieces + [text[last:]])


def noisy(texts, rate, seed):
    rng = np.random.default_rng(seed)
    return np.array([with_typos(text, rate, rng) for text in texts], dtype=object)


# -------------------------------------------------------------------------- pipelines


def classifier(args):
    return LogisticRegressionCV(Cs=args.cs, l1_ratios=(0.0,), cv=args.folds,
                                scoring="accuracy", max_iter=args.max_iter,
                                use_legacy_attributes=False)


def make_pipeline_of(name, args):
    if name == "tfidf":
        return make_pipeline(TfidfVectorizer(), classifier(args))
    common = dict(vector_size=args.vector_size, min_count=args.min_count, n_jobs=1,
                  random_state=args.seed)
    if name == "word2vec":
        embedding = Word2VecTransformer(**common)
    else:
        embedding = FastTextTransformer(bucket=args.bucket, **common)
    return make_pipeline(embedding, StandardScaler(), classifier(args))


def run_dataset(name, args, log):
    texts, labels, split = load(args.data / "classification" / f"{name}.csv.gz")
    train, test = split_of(labels, split, args.seed, args.max_train)
    test_sets = {0.0: texts[test]}
    for rate in args.rates:
        test_sets[rate] = noisy(texts[test], rate, args.seed)
    rows = []
    for pipeline in args.pipelines:
        started = time.perf_counter()
        model = make_pipeline_of(pipeline, args)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", LowCoverageWarning)  # noisy text, by design
            model.fit(list(texts[train]), labels[train])
            scores = {rate: float(model.score(list(docs), labels[test]))
                      for rate, docs in test_sets.items()}
        rows.append(dict(dataset=name, pipeline=pipeline, n_train=len(train),
                         n_test=len(test), scores=scores,
                         seconds=time.perf_counter() - started))
        log(f"{name:16s} {pipeline:9s} " + "  ".join(
            f"{rate:.2f}: {score:.3f}" for rate, score in scores.items())
            + f"  ({rows[-1]['seconds']:.0f} s)")
    return rows


# ----------------------------------------------------------------------------- report


def render(args, rows, minutes):
    facts = machine_facts()
    lines = report_preamble("Robustness to typos in the test documents", "bench_robustness.py",
                            minutes, f"{facts['cpu']}, {facts['logical_cpus']} CPUs")
    lines += [
        "Each pipeline is fitted on the clean training documents and scored on the test "
        "documents, clean and with one typo in the given share of their words of 3+ "
        f"letters (at least one per document; seed {args.seed}). Embeddings: "
        f"`vector_size={args.vector_size}`, `min_count={args.min_count}`, mean pooling, "
        f"fitted on the training texts only (FastText `bucket={args.bucket:,}`); logistic "
        f"regression with `C` tuned by {args.folds}-fold inner cross-validation over "
        f"{len(args.cs)} values.", "",
        "| data set | train / test | pipeline | clean | " + " | ".join(
            f"typos {rate:.0%}" for rate in args.rates) + " | " + " | ".join(
            f"drop at {rate:.0%} (points)" for rate in args.rates) + " |",
        "|---|---|---|---:|" + "---:|" * (2 * len(args.rates))]
    for row in rows:
        clean = row["scores"][0.0]
        lines.append(
            f"| {row['dataset']} | {row['n_train']} / {row['n_test']} | {row['pipeline']} | "
            f"{clean:.3f} | " + " | ".join(f"{row['scores'][r]:.3f}" for r in args.rates)
            + " | " + " | ".join(f"{100 * (clean - row['scores'][r]):.1f}"
                                 for r in args.rates) + " |")
    return lines + [""]


def plot(args, rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    fig, axes = plt.subplots(1, len(datasets), figsize=(4 * len(datasets), 3.4),
                             squeeze=False)
    rates = [0.0, *args.rates]
    for ax, dataset in zip(axes[0], datasets):
        for row in (r for r in rows if r["dataset"] == dataset):
            ax.plot([100 * r for r in rates], [row["scores"][r] for r in rates], marker="o",
                    label=row["pipeline"])
        ax.set_title(dataset)
        ax.set_xlabel("words with a typo (%)")
    axes[0][0].set_ylabel("test accuracy")
    axes[0][0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--pipelines", nargs="+", default=list(PIPELINES), choices=PIPELINES)
    parser.add_argument("--rates", nargs="+", type=float, default=[0.1, 0.25])
    parser.add_argument("--max-train", type=int, default=None,
                        help="subsample the training documents (a quick check)")
    parser.add_argument("--vector-size", type=int, default=100)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--bucket", type=int, default=FastTextTransformer().bucket)
    parser.add_argument("--cs", nargs="+", type=float, default=[0.01, 0.1, 1.0, 10.0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--max-iter", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-robustness.md")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = []
    for name in args.datasets:
        rows += run_dataset(name, args, lambda message: print(message, flush=True))
    lines = render(args, rows, (time.perf_counter() - started) / 60)
    picture = args.output.with_suffix(".png")
    plot(args, rows, picture)
    lines += [f"![accuracy against the share of words with a typo]({picture.name})", ""]
    write_report(args.output, lines)
    args.output.with_suffix(".json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
