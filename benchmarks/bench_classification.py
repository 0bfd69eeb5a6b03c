#!/usr/bin/env python
"""Document classification with word vectors: test accuracy per pipeline and data set.

Pipelines, each followed by ``LogisticRegression(max_iter=1000)``:

* ``tfidf``: ``TfidfVectorizer()`` (the bag-of-words baseline);
* ``w2v (epochs=5)``: ``Word2VecTransformer(epochs=5)``, the default before ``"auto"``;
* ``w2v (defaults)``: ``Word2VecTransformer()`` trained on the training documents only;
* ``pretrained, frozen``: vectors pretrained on the embedded sample corpus (4.7M tokens of
  public-domain books and WordNet glosses, see ``--pretrain-epochs``), used as they are
  (``init=path, epochs=0``), with ``pooling="tfidf"`` (idf learned on the training texts);
* ``pretrained, fine-tuned``: the same vectors trained further on the training documents
  (``epochs=--fine-tune-epochs``);
* ``tfidf + pretrained``: ``FeatureUnion`` of the TF-IDF features and the frozen pretrained
  features (``normalize=True``, so that both parts have unit norm).

Data sets: ``../shared/data/classification/*.csv.gz`` (columns ``text,label,split``) with
their train/test split; ``newsgroups_mini`` has none and is scored by stratified 5-fold
cross-validation. Every word2vec pipeline uses ``random_state=0``. The report goes to
``benchmarks/RESULTS-classification.md``.

Example::

    python benchmarks/bench_classification.py            # about 15 minutes on 2 cores
"""

import argparse
import csv
import datetime
import gzip
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import FeatureUnion, Pipeline

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))  # benchmark the package of this checkout

from sklearn_w2v import Word2VecTransformer  # noqa: E402
from sklearn_w2v.datasets import load_sample_corpus  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "classification"
DATASETS = ("rotten_tomatoes", "fine_foods", "news_source", "newsgroups_mini")


def load(path):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return ([r["text"] for r in rows], np.array([r["label"] for r in rows]),
            np.array([r["split"] for r in rows]))


def pipelines(vectors_path, fine_tune_epochs):
    def classifier(features):
        return Pipeline([("features", features), ("clf", LogisticRegression(max_iter=1000))])

    frozen = dict(init=str(vectors_path), epochs=0, random_state=0)
    return {
        "tfidf": lambda: classifier(TfidfVectorizer()),
        "w2v (epochs=5)": lambda: classifier(Word2VecTransformer(epochs=5, random_state=0)),
        "w2v (defaults)": lambda: classifier(Word2VecTransformer(random_state=0)),
        "pretrained, frozen": lambda: classifier(
            Word2VecTransformer(pooling="tfidf", **frozen)),
        "pretrained, fine-tuned": lambda: classifier(Word2VecTransformer(
            init=str(vectors_path), epochs=fine_tune_epochs, pooling="tfidf",
            random_state=0)),
        "tfidf + pretrained": lambda: classifier(FeatureUnion([
            ("tfidf", TfidfVectorizer()),
            ("w2v", Word2VecTransformer(pooling="tfidf", normalize=True, **frozen))])),
    }


def pretrain(path, epochs):
    started = time.perf_counter()
    model = Word2VecTransformer(epochs=epochs, random_state=0, n_jobs=-1)
    model.fit(load_sample_corpus())
    model.save_word2vec_format(path, binary=True)
    return time.perf_counter() - started


def evaluate(make, texts, labels, split):
    started = time.perf_counter()
    if (split == "all").all():
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        score = cross_val_score(make(), texts, labels, cv=folds).mean()
    else:
        train, test = split == "train", split == "test"
        model = make().fit([t for t, keep in zip(texts, train) if keep], labels[train])
        score = model.score([t for t, keep in zip(texts, test) if keep], labels[test])
    return float(score), time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--pretrain-epochs", type=int, default=5)
    parser.add_argument("--fine-tune-epochs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-classification.md")
    args = parser.parse_args(argv)
    if not args.data.exists():
        sys.exit(f"{args.data} not found; pass --data (see benchmarks/README.md)")
    started = time.perf_counter()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        vectors = Path(tmp) / "sample_corpus_vectors.bin"
        pretrain_seconds = pretrain(vectors, args.pretrain_epochs)
        print(f"pretrained on the sample corpus in {pretrain_seconds:.0f} s", flush=True)
        makers = pipelines(vectors, args.fine_tune_epochs)
        for name in args.datasets:
            texts, labels, split = load(args.data / f"{name}.csv.gz")
            majority = max(np.mean(labels[split != "train"] == c) for c in set(labels))
            results[name] = {"majority class": (float(majority), 0.0)}
            for pipeline, make in makers.items():
                results[name][pipeline] = evaluate(make, texts, labels, split)
                score, seconds = results[name][pipeline]
                print(f"{name:16s} {pipeline:24s} {score:.3f}  ({seconds:.0f} s)", flush=True)
    report = render(args, results, pretrain_seconds, time.perf_counter() - started)
    args.output.write_text(report)
    print(report)


def render(args, results, pretrain_seconds, seconds):
    names = list(next(iter(results.values())))
    lines = [
        "# Document classification: accuracy per pipeline and data set",
        "",
        f"`python benchmarks/bench_classification.py {' '.join(sys.argv[1:])}`".replace(
            " `", "`"),
        f"on {datetime.date.today()} ({platform.machine()}, Python "
        f"{platform.python_version()}), {seconds / 60:.0f} minutes in all. Pretrained vectors: "
        f"`Word2VecTransformer(epochs={args.pretrain_epochs})` on the embedded sample corpus "
        f"(4.7M tokens), {pretrain_seconds:.0f} s; fine-tuning: "
        f"{args.fine_tune_epochs} epochs. Test accuracy on each set's test split "
        "(newsgroups_mini: stratified 5-fold cross-validation; its majority class is the "
        "class share); fit + score seconds in parentheses. See the script's docstring for "
        "the pipelines.",
        "",
        "| pipeline | " + " | ".join(results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for name in names:
        cells = []
        for dataset in results:
            score, secs = results[dataset][name]
            cells.append(f"{score:.3f}" + (f" ({secs:.0f} s)" if secs else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
