"""Quickstart: train word2vec on the embedded corpus, then tune a review classifier.

1. Fits a skip-gram negative-sampling model on the embedded sample corpus (4.7M tokens of
   public-domain books and WordNet glosses) and prints nearest neighbours of a few words.
2. Tunes ``Pipeline([Word2VecTransformer, LogisticRegression])`` with ``GridSearchCV`` on the
   Rotten Tomatoes review snippets (raw strings in) and prints the test accuracy.

Run:  python examples/quickstart.py  (about 2-3 minutes on 2 cores; --quick for seconds)
"""

import argparse
import time

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.datasets import load_rotten_tomatoes, load_sample_corpus

QUERY_WORDS = ["king", "whale", "sea", "love", "computer", "sister"]


def train_on_sample_corpus(n_lines, epochs):
    texts = load_sample_corpus(n_lines=n_lines)
    n_tokens = sum(text.count(" ") + 1 for text in texts)
    print(f"Training skip-gram (negative sampling) on {len(texts):,} lines, "
          f"{n_tokens:,} tokens of the embedded sample corpus ...")
    # n_jobs=-1: one worker process per CPU (small corpora stay in this process).
    model = Word2VecTransformer(objective="negative", vector_size=100, window=5,
                                min_count=5, epochs=epochs, random_state=0, verbose=1,
                                n_jobs=-1)
    model.fit(texts)
    print(f"Vocabulary: {len(model.vocabulary_):,} words; "
          f"{model.n_effective_words_ / model.training_seconds_:,.0f} words/s\n")
    for word in QUERY_WORDS:
        if word in model.vocabulary_:
            neighbours = ", ".join(w for w, _ in model.most_similar(word, topn=6))
            print(f"  {word:>9} -> {neighbours}")
    print()


def tune_review_classifier(grid, cv, n_jobs):
    train = load_rotten_tomatoes(subset="train")
    test = load_rotten_tomatoes(subset="test")
    print(f"Rotten Tomatoes reviews: {len(train.data):,} train, {len(test.data):,} test")
    pipe = Pipeline([
        ("w2v", Word2VecTransformer(objective="negative", epochs=15, random_state=0)),
        ("clf", LogisticRegression(max_iter=1000)),
    ])
    search = GridSearchCV(pipe, grid, cv=cv, n_jobs=n_jobs)
    search.fit(train.data, train.target)
    for params, mean, std in zip(search.cv_results_["params"],
                                 search.cv_results_["mean_test_score"],
                                 search.cv_results_["std_test_score"]):
        print(f"  {params}: cv accuracy {mean:.3f} ± {std:.3f}")
    print(f"Best: {search.best_params_}")
    print(f"Test accuracy: {search.score(test.data, test.target):.3f} "
          f"(TF-IDF + LogisticRegression: 0.764, majority class: 0.578)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a small corpus and grid, for a smoke test in seconds")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.quick:
        train_on_sample_corpus(n_lines=20000, epochs=1)
        tune_review_classifier({"w2v__vector_size": [50]}, cv=2, n_jobs=1)
    else:
        train_on_sample_corpus(n_lines=None, epochs=2)
        tune_review_classifier({"w2v__negative": [5, 15], "w2v__vector_size": [50, 100]},
                               cv=3, n_jobs=2)
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
