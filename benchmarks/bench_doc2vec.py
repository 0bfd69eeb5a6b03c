#!/usr/bin/env python
"""Paragraph vectors side by side: sklearn-w2v ``Doc2VecTransformer`` vs gensim ``Doc2Vec``.

For each labelled data set of ``../shared/data/classification`` and each architecture
(PV-DBOW, PV-DM, optionally PV-DBOW with word training), both trainers get the same token
lists (the training documents tokenized once by our default analyzer, in memory) and the same
settings: vector_size 100, window 5, min_count 2, sample 1e-3, negative 5, ns_exponent 0.75,
``--epochs`` epochs, learning rate 0.025 -> 0.0001, one worker, seed ``--seed``. They run
alternately (ours first on even repeats, gensim first on odd ones), each fit in this process
one after the other.

Reported per run:

* test accuracy of ``LogisticRegression(max_iter=2000)`` trained on the trained document
  vectors of the training split and evaluated on the *inferred* vectors of the test split
  (newsgroups_mini, which has no split: 5-fold cross-validation, inferred held-out folds);
* training words/s: tokens of the training documents times epochs per second of training
  (ours: ``training_seconds_``; gensim: wall time of ``train()``, whose ``Doc2Vec`` returns
  no word count; vocabulary building excluded for both);
* inference documents/s on the test documents at the training epochs: our ``transform``
  (all documents at once) against a Python loop of gensim's ``infer_vector``.

The report goes to ``benchmarks/RESULTS-doc2vec.md``.

Example::

    python benchmarks/bench_doc2vec.py                      # about 20 minutes on 2 cores
    python benchmarks/bench_doc2vec.py --datasets rotten_tomatoes --epochs 5   # quick
"""

import argparse
import datetime
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))  # benchmark the package of this checkout

from bench_classification import load  # noqa: E402 (this folder, the same CSV reader)

from sklearn_w2v import Doc2VecTransformer  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "classification"
DATASETS = ("rotten_tomatoes", "fine_foods", "news_source", "newsgroups_mini")
# name -> (our parameters, gensim's)
CONFIGS = {
    "dbow": (dict(architecture="dbow"), dict(dm=0)),
    "dm": (dict(architecture="dm"), dict(dm=1)),
    "dbow-words": (dict(architecture="dbow", dbow_words=True), dict(dm=0, dbow_words=1)),
}
SHARED = dict(vector_size=100, window=5, min_count=2, sample=1e-3, negative=5,
              ns_exponent=0.75)


def splits(labels, split):
    """(train, test) index pairs: the data set's own split, or 5 folds."""
    if set(split) >= {"train", "test"}:
        return [(np.flatnonzero(split == "train"), np.flatnonzero(split == "test"))]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    return list(folds.split(np.zeros(len(labels)), labels))


def run_ours(params, train_tokens, test_tokens, epochs, seed):
    model = Doc2VecTransformer(**SHARED, **params, epochs=epochs, random_state=seed,
                               n_jobs=1)
    X_train = model.fit_transform(train_tokens)
    started = time.perf_counter()
    X_test = model.transform(test_tokens)
    infer_seconds = time.perf_counter() - started
    return X_train, X_test, model.training_seconds_, len(test_tokens) / infer_seconds


def run_gensim(params, train_tokens, test_tokens, epochs, seed):
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument

    documents = [TaggedDocument(tokens, [i]) for i, tokens in enumerate(train_tokens)]
    model = Doc2Vec(**SHARED, **params, epochs=epochs, seed=seed, workers=1,
                    alpha=0.025, min_alpha=0.0001, hs=0)
    model.build_vocab(documents)
    started = time.perf_counter()
    model.train(documents, total_examples=len(documents), epochs=epochs)
    train_seconds = time.perf_counter() - started
    X_train = np.vstack([model.dv[i] for i in range(len(train_tokens))])
    started = time.perf_counter()
    X_test = np.vstack([model.infer_vector(tokens) for tokens in test_tokens])
    infer_seconds = time.perf_counter() - started
    return X_train, X_test, train_seconds, len(test_tokens) / infer_seconds


RUNNERS = {"ours": run_ours, "gensim": run_gensim}


def accuracy(X_train, y_train, X_test, y_test):
    classifier = LogisticRegression(max_iter=2000).fit(X_train, y_train)
    return classifier.score(X_test, y_test)


def benchmark(args):
    analyzer = Doc2VecTransformer()._settings().analyzer
    rows = []
    for name in args.datasets:
        texts, labels, split = load(args.data / f"{name}.csv.gz")
        tokens = [analyzer(text) for text in texts]
        for config in args.configs:
            for repeat in range(args.repeats):
                order = ("ours", "gensim") if repeat % 2 == 0 else ("gensim", "ours")
                for trainer in order:
                    params = CONFIGS[config][0 if trainer == "ours" else 1]
                    accuracies, words, docs = [], [], []
                    for train, test in splits(labels, split):
                        train_tokens = [tokens[i] for i in train]
                        X_train, X_test, seconds, dps = RUNNERS[trainer](
                            params, train_tokens, [tokens[i] for i in test], args.epochs,
                            args.seed + repeat)
                        accuracies.append(accuracy(X_train, labels[train], X_test,
                                                   labels[test]))
                        words.append(sum(map(len, train_tokens)) * args.epochs / seconds)
                        docs.append(dps)
                    row = dict(dataset=name, config=config, trainer=trainer, repeat=repeat,
                               accuracy=float(np.mean(accuracies)),
                               words_per_second=float(np.median(words)),
                               docs_per_second=float(np.median(docs)))
                    rows.append(row)
                    print(f"{name:16s} {config:10s} {trainer:6s} acc {row['accuracy']:.3f} "
                          f"train {row['words_per_second']:>9,.0f} words/s, infer "
                          f"{row['docs_per_second']:>8,.0f} docs/s", flush=True)
    return rows


def render(args, rows, seconds):
    def median(dataset, config, trainer, key):
        return statistics.median(r[key] for r in rows if (r["dataset"], r["config"],
                                                          r["trainer"]) ==
                                 (dataset, config, trainer))

    lines = [
        "# Paragraph vectors: Doc2VecTransformer vs gensim Doc2Vec",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on "
        f"{platform.node()} ({platform.processor() or platform.machine()}), "
        f"{seconds / 60:.0f} minutes; `python benchmarks/bench_doc2vec.py "
        f"{' '.join(sys.argv[1:])}`.",
        "",
        f"Same token lists and settings for both: vector_size 100, window 5, min_count 2, "
        f"sample 1e-3, negative 5, {args.epochs} epochs, learning rate 0.025 -> 0.0001, "
        f"one worker, {args.repeats} run(s) each, alternating (medians shown). Accuracy: "
        f"LogisticRegression on the trained vectors of the training split, evaluated on "
        f"the inferred vectors of the test split (newsgroups_mini: 5 folds). Inference at "
        f"{args.epochs} epochs: our `transform` of all test documents against a loop of "
        f"gensim's `infer_vector`.",
        "",
        "| data set | model | accuracy ours | gensim | Δ (points) | train words/s ours | "
        "gensim | ratio | infer docs/s ours | gensim | ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for dataset in args.datasets:
        for config in args.configs:
            a = [median(dataset, config, t, "accuracy") for t in ("ours", "gensim")]
            w = [median(dataset, config, t, "words_per_second") for t in ("ours", "gensim")]
            d = [median(dataset, config, t, "docs_per_second") for t in ("ours", "gensim")]
            lines.append(
                f"| {dataset} | {config} | {a[0]:.3f} | {a[1]:.3f} | "
                f"{100 * (a[0] - a[1]):+.1f} | {w[0]:,.0f} | {w[1]:,.0f} | "
                f"{w[0] / w[1]:.2f}× | {d[0]:,.0f} | {d[1]:,.0f} | {d[0] / d[1]:.1f}× |")
    lines += ["", "Targets (issue 15): accuracy ≥ gensim − 1 point, training words/s ≥ 1.0×, "
              "inference documents/s ≥ 5× gensim's `infer_vector` loop.", ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS),
                        default=["dbow", "dm"])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-doc2vec.md")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        sys.exit(f"{args.data} not found: the benchmark reads the shared labelled data sets")
    started = time.perf_counter()
    rows = benchmark(args)
    report = render(args, rows, time.perf_counter() - started)
    print(report)
    args.output.write_text(report)


if __name__ == "__main__":
    main()
