"""Few labels: fit word2vec on all the task's text, then freeze it

With a few hundred labelled documents, a bag of words has seen too few of the words it
will meet. Word vectors can be learned without labels, from every text of the task: the
documents you have labels for, the ones you do not, and the ones you will classify. This
example fits :class:`~sklearn_w2v.Word2VecTransformer` once on all the Rotten Tomatoes
reviews (no labels), freezes the vectors, and draws a learning curve, test accuracy
against the number of labelled reviews, next to TF-IDF and next to word2vec fitted on the
labelled reviews alone. Each classifier's ``C`` is tuned by an inner cross-validation,
for every pipeline alike.

Run it with ``python examples/plot_few_labels.py`` (5 random draws per size, up to all
10,203 labels, about a minute on 2 cores) or add ``--quick`` (3 draws, up to 3,000
labels, about 25 seconds; the gallery page shows a quick run).
"""

# %%
# Quick or full run
# -----------------
import argparse

parser = argparse.ArgumentParser(description="Learning curves: frozen word2vec vs TF-IDF.")
parser.add_argument("--quick", action="store_true", help="fewer draws and sizes")
QUICK = parser.parse_known_args()[0].quick

if QUICK:
    sizes, n_draws, epochs = [50, 100, 300, 1000, 3000], 3, 8
else:
    sizes, n_draws, epochs = [50, 100, 300, 1000, 3000, 10203], 5, 20

# %%
# Fit the embedding on all the texts, without labels
# --------------------------------------------------
# Training and test reviews alike: no label is read, so nothing of the test set's answers
# leaks into the vectors. The fitted vectors are saved in word2vec's format; a pipeline
# that starts from them with ``epochs=0`` uses them as they are (*frozen*): its ``fit``
# learns only what the pooling needs.
#
# The reviews are one-sentence snippets, 237,000 words in all: a corpus this small needs
# more passes, a higher starting learning rate and a wider window than word2vec's
# defaults, which are tuned for corpora of millions of words (on this task, measured
# with 300 labels: 5 epochs at the default rate 0.59, 8 epochs at 0.05 with ``window=10``
# 0.67).
import tempfile
from pathlib import Path

import numpy as np

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.datasets import load_rotten_tomatoes

reviews = load_rotten_tomatoes()  # subset="all": train and test, with their split
is_train = reviews.split == "train"
texts = np.asarray(reviews.data, dtype=object)
X_train, y_train = texts[is_train], reviews.target[is_train]
X_test, y_test = texts[~is_train], reviews.target[~is_train]

small_corpus = dict(epochs=epochs, learning_rate=0.05, window=10, random_state=0)
embedding = Word2VecTransformer(**small_corpus).fit(texts)
folder = tempfile.TemporaryDirectory()
vectors_path = Path(folder.name) / "reviews_vectors.txt"
embedding.save_word2vec_format(vectors_path)  # the text format
print(f"word2vec on {len(texts):,} unlabelled reviews: {len(embedding.vocabulary_):,} "
      f"words, {embedding.epochs_} epochs, {embedding.training_seconds_:.1f} s")

# %%
# Three pipelines, tuned alike
# ----------------------------
# The classifier of each pipeline picks its ``C`` by an inner 3-fold cross-validation on
# the labelled reviews it is given, from the same grid for every pipeline. The frozen
# embedding could also be wrapped in :class:`sklearn.frozen.FrozenEstimator`; ``init=``
# a file keeps the pipeline cloneable and picklable without the fitted object.
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def classifier():
    return GridSearchCV(LogisticRegression(max_iter=2000), {"C": np.logspace(-3, 2, 6)}, cv=3)


def make_pipelines():
    return {
        "TF-IDF": Pipeline([("tfidf", TfidfVectorizer()), ("clf", classifier())]),
        "word2vec on all texts, frozen": Pipeline([
            ("w2v", Word2VecTransformer(init=str(vectors_path), epochs=0)),
            ("scale", StandardScaler()), ("clf", classifier())]),
        "word2vec on labelled texts only": Pipeline([
            ("w2v", Word2VecTransformer(**small_corpus)),
            ("scale", StandardScaler()), ("clf", classifier())]),
    }


# %%
# The learning curve
# ------------------
# For each number of labels, a few random draws of labelled reviews (the same draws for
# every pipeline); each pipeline is fitted on the draw and scored on the 2,549 test
# reviews. Fitted on a few dozen reviews, word2vec has vectors for few of the test
# reviews' words and says so with a ``LowCoverageWarning``: expected here, it is what the
# curve measures, so it is silenced.
import warnings

from sklearn_w2v import LowCoverageWarning

rng = np.random.default_rng(0)
accuracy = {name: np.full((len(sizes), n_draws), np.nan) for name in make_pipelines()}
for i, size in enumerate(sizes):
    for draw in range(n_draws if size < len(X_train) else 1):
        rows = rng.choice(len(X_train), size=size, replace=False)
        for name, pipe in make_pipelines().items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", LowCoverageWarning)
                pipe.fit(X_train[rows], y_train[rows])
                accuracy[name][i, draw] = pipe.score(X_test, y_test)
    print(f"{size:>6,} labels: " + ", ".join(
        f"{name} {np.nanmean(acc[i]):.3f}" for name, acc in accuracy.items()))

# %%
# Plot: mean test accuracy over the draws, the band one standard deviation.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 4.5))
for (name, acc), marker in zip(accuracy.items(), "osv"):
    mean, std = np.nanmean(acc, axis=1), np.nan_to_num(np.nanstd(acc, axis=1))
    ax.plot(sizes, mean, marker=marker, label=name)
    ax.fill_between(sizes, mean - std, mean + std, alpha=0.2)
ax.axhline(np.mean(y_test == "fresh"), color="gray", ls="--", lw=1,
           label="majority class (fresh)")
ax.set_xscale("log")
ax.set_xlabel("number of labelled training reviews")
ax.set_ylabel("test accuracy (2,549 reviews)")
ax.set_title("Rotten Tomatoes: learning curves, C tuned for each pipeline")
ax.grid(alpha=0.3)
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %%
# With few labels the frozen embedding, which has seen every review, is ahead of TF-IDF,
# whose vocabulary is only the labelled reviews' words; word2vec fitted on the labelled
# reviews alone has too little text to learn from. As labels accumulate TF-IDF catches
# up: with many labels, see the TF-IDF + word2vec union of :ref:`the many-label example
# <sphx_glr_auto_examples_plot_tfidf_union.py>`.
folder.cleanup()
