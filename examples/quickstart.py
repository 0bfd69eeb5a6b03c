"""Quickstart: train word2vec on the embedded corpus, then reuse it in a review classifier.

1. Fits a skip-gram negative-sampling model on the embedded sample corpus (4.7M tokens of
   public-domain books and WordNet glosses), prints nearest neighbours of a few words and
   saves the vectors in word2vec's binary format.
2. On the Rotten Tomatoes review snippets (raw strings in), tunes
   ``Pipeline([Word2VecTransformer(init=<those vectors>), LogisticRegression])`` with
   ``GridSearchCV`` over the pooling and the fine-tuning epochs (0 = the vectors as they
   are), and prints its test accuracy.
3. Prints the test accuracy of other pipelines next to it: TF-IDF alone, word2vec trained
   on the reviews alone (the defaults), and a ``FeatureUnion`` of TF-IDF with the
   pretrained word-vector features; with matplotlib installed, draws them as a bar chart.

Run:  python examples/quickstart.py  (97 s on a quiet 2-core machine; --quick: a 20,000-line
corpus, one grid point and 5 epochs on the reviews alone, about 15 seconds)
"""

import argparse
import tempfile
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, Pipeline

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.datasets import load_rotten_tomatoes, load_sample_corpus

QUERY_WORDS = ["king", "whale", "sea", "love", "computer", "sister"]


def train_on_sample_corpus(n_lines, epochs, path):
    texts = load_sample_corpus(n_lines=n_lines)
    n_tokens = sum(text.count(" ") + 1 for text in texts)
    print(f"Training skip-gram (negative sampling) on {len(texts):,} lines, "
          f"{n_tokens:,} tokens of the embedded sample corpus ...")
    # n_jobs=-1: one worker process per CPU (small corpora stay in this process).
    model = Word2VecTransformer(epochs=epochs, random_state=0, verbose=1, n_jobs=-1)
    model.fit(texts)
    print(f"Vocabulary: {len(model.vocabulary_):,} words; "
          f"{model.n_effective_words_ / model.training_seconds_:,.0f} words/s\n")
    for word in QUERY_WORDS:
        if word in model.vocabulary_:
            neighbours = ", ".join(w for w, _ in model.most_similar(word, topn=6))
            print(f"  {word:>9} -> {neighbours}")
    model.save_word2vec_format(path, binary=True)
    print(f"\nSaved the vectors to {path}\n")


def classifier(features, name="features"):
    return Pipeline([(name, features), ("clf", LogisticRegression(max_iter=1000))])


def tune_review_classifier(vectors, grid, cv, n_jobs, alone_epochs="auto"):
    train = load_rotten_tomatoes(subset="train")
    test = load_rotten_tomatoes(subset="test")
    print(f"Rotten Tomatoes reviews: {len(train.data):,} train, {len(test.data):,} test")
    # The path is read once per process and shared by every fit of the grid search.
    search = GridSearchCV(
        classifier(Word2VecTransformer(init=vectors, random_state=0), name="w2v"),
        grid, cv=cv, n_jobs=n_jobs)
    search.fit(train.data, train.target)
    for params, mean, std in zip(search.cv_results_["params"],
                                 search.cv_results_["mean_test_score"],
                                 search.cv_results_["std_test_score"]):
        print(f"  {params}: cv accuracy {mean:.3f} ± {std:.3f}")
    print(f"Best: {search.best_params_}")
    accuracies = {"pretrained word vectors, tuned": search.score(test.data, test.target)}
    print(f"Test accuracy: {accuracies['pretrained word vectors, tuned']:.3f} "
          f"(pretrained vectors, pooling and fine-tuning tuned; majority class: 0.578)\n")

    alone = ("word2vec on the reviews alone (defaults)" if alone_epochs == "auto" else
             f"word2vec on the reviews alone ({alone_epochs} epochs)")
    others = {
        "TF-IDF + LogisticRegression": classifier(TfidfVectorizer()),
        alone: classifier(Word2VecTransformer(epochs=alone_epochs, random_state=0)),
        "TF-IDF + pretrained word vectors (FeatureUnion)": classifier(FeatureUnion([
            ("tfidf", TfidfVectorizer()),
            ("w2v", Word2VecTransformer(init=vectors, epochs=0, pooling="tfidf",
                                        normalize=True))])),
    }
    print("Test accuracy of other pipelines:")
    for name, pipe in others.items():
        started = time.perf_counter()
        pipe.fit(train.data, train.target)
        seconds = time.perf_counter() - started
        accuracies[name] = pipe.score(test.data, test.target)
        print(f"  {name:<48} {accuracies[name]:.3f}  (fit {seconds:.0f} s)")
    return accuracies


def plot_accuracies(accuracies):
    """A bar chart of the test accuracies, when matplotlib is installed."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(8, 3))
    bars = ax.barh(list(accuracies), list(accuracies.values()))
    ax.bar_label(bars, fmt="%.3f", padding=3)
    ax.set_xlim(0.578, max(accuracies.values()) + 0.03)
    ax.invert_yaxis()
    ax.set_xlabel("Rotten Tomatoes test accuracy (the axis starts at the majority class)")
    fig.tight_layout()
    plt.show()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a small corpus and grid, for a smoke test in seconds")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        vectors = Path(tmp) / "sample_corpus_vectors.bin"
        if args.quick:
            train_on_sample_corpus(n_lines=20000, epochs=1, path=vectors)
            # Vectors from 20k lines and one epoch are too weak to use frozen: fine-tune.
            accuracies = tune_review_classifier(
                vectors, {"w2v__pooling": ["mean"], "w2v__epochs": [8]}, cv=2, n_jobs=1,
                alone_epochs=5)
        else:
            train_on_sample_corpus(n_lines=None, epochs=3, path=vectors)
            # epochs: 0 = the vectors as they are, "auto" = 23 passes over the reviews.
            accuracies = tune_review_classifier(
                vectors, {"w2v__pooling": ["mean", "tfidf"], "w2v__epochs": [0, 3, "auto"]},
                cv=3, n_jobs=2)
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    plot_accuracies(accuracies)


if __name__ == "__main__":
    main()
