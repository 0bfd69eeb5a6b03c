"""Pretrained word vectors: frozen or fine-tuned

``init=`` starts :class:`~sklearn_w2v.Word2VecTransformer` from existing word vectors:
the path of a word2vec, fastText ``.vec`` or GloVe file, a ``(words, vectors)`` tuple or
a gensim ``KeyedVectors``. With ``epochs=0`` the vectors are used as they are (*frozen*;
``fit`` learns only what the pooling needs); with ``epochs > 0`` they are *fine-tuned* on
the documents given to ``fit``.

No download is needed here: the example makes its own "pretrained" vectors by fitting
word2vec on the general-purpose sample corpus shipped with the package (public-domain
books and WordNet glosses) and saving them in word2vec's text format, then classifies the
Rotten Tomatoes reviews with the vectors frozen, fine-tuned, and with word2vec fitted on
the reviews alone. It also shows what fine-tuning changes: which vectors move, and by
how much.

Run it with ``python examples/plot_pretrained_vectors.py`` (vectors from the whole
4.7-million-word corpus, about 1.5 minutes on 2 cores) or add ``--quick`` (60,000 lines
of it, about 25 seconds; the gallery page shows a quick run).
"""

# %%
# Quick or full run
# -----------------
import argparse

parser = argparse.ArgumentParser(description="Pretrained vectors: frozen or fine-tuned.")
parser.add_argument("--quick", action="store_true", help="a smaller corpus")
QUICK = parser.parse_known_args()[0].quick
n_lines, corpus_epochs = (60_000, 2) if QUICK else (None, 5)

# %%
# Make the pretrained vectors
# ---------------------------
# Any word2vec file would do; this one is written by the package itself, from the sample
# corpus (one worker process per CPU for the whole corpus).
import tempfile
from pathlib import Path

from sklearn_w2v import Word2VecTransformer, load_word2vec_format
from sklearn_w2v.datasets import load_rotten_tomatoes, load_sample_corpus

folder = tempfile.TemporaryDirectory()
vectors_path = str(Path(folder.name) / "sample_corpus_vectors.txt")
corpus = load_sample_corpus(n_lines=n_lines)
general = Word2VecTransformer(epochs=corpus_epochs, random_state=0, n_jobs=1 if QUICK else -1)
general.fit(corpus).save_word2vec_format(vectors_path)
pretrained_words, pretrained_vectors = load_word2vec_format(vectors_path)
print(f"{len(corpus):,} lines of the sample corpus -> {len(pretrained_words):,} word "
      f"vectors of dimension {pretrained_vectors.shape[1]} in {Path(vectors_path).name}")

# %%
# Three pipelines on the reviews
# ------------------------------
# The vectors of each pipeline are pooled (mean), standardised, and fed to a logistic
# regression whose ``C`` is picked by 3-fold cross-validation. The file is read once per
# process and shared by every clone that names it.
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

train = load_rotten_tomatoes(subset="train")
test = load_rotten_tomatoes(subset="test")
review_epochs = 3 if QUICK else 10
embeddings = {
    "pretrained, frozen (epochs=0)": Word2VecTransformer(init=vectors_path, epochs=0),
    f"pretrained, fine-tuned (epochs={review_epochs})": Word2VecTransformer(
        init=vectors_path, epochs=review_epochs, random_state=0),
    f"reviews only (epochs={review_epochs})": Word2VecTransformer(
        epochs=review_epochs, random_state=0),
}
accuracy, fitted = {}, {}
for name, embedding in embeddings.items():
    pipe = Pipeline([("w2v", embedding), ("scale", StandardScaler()),
                     ("clf", GridSearchCV(LogisticRegression(max_iter=2000),
                                          {"C": np.logspace(-3, 2, 6)}, cv=3))])
    pipe.fit(train.data, train.target)
    accuracy[name] = pipe.score(test.data, test.target)
    fitted[name] = pipe.named_steps["w2v"]
    print(f"{name:<36} test accuracy {accuracy[name]:.3f}   "
          f"{fitted[name].fitted_parts_.origin}, {len(fitted[name].vocabulary_):,} words")

# %%
# How much of the reviews the pretrained vocabulary covers: ``coverage_`` counts the
# review tokens that have a pretrained vector, and names frequent ones that do not.
coverage = fitted["pretrained, frozen (epochs=0)"].coverage_
print(f"{coverage.n_tokens_covered / coverage.n_tokens:.1%} of the training reviews' "
      f"tokens and {coverage.n_types_covered:,} of their {coverage.n_types:,} distinct "
      f"words have a pretrained vector; frequent ones without: "
      f"{', '.join(coverage.examples)}")

# %%
# What fine-tuning changed
# ------------------------
# Fine-tuning keeps the pretrained words in their rows and appends the reviews' new
# frequent words after them. A pretrained word that never occurs in the reviews is
# never trained and keeps its vector exactly; the others move, the more the more often
# they occur.
tuned = fitted[f"pretrained, fine-tuned (epochs={review_epochs})"]
n_pretrained = len(pretrained_words)
assert tuned.index_to_word_[:n_pretrained] == pretrained_words
before = pretrained_vectors
after = tuned.vectors_[:n_pretrained]
counts = tuned.word_counts_[:n_pretrained]  # occurrences in the reviews
cosine = (before * after).sum(axis=1) / (
    np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1))
unseen = counts == 0
print(f"{unseen.sum():,} pretrained words absent from the reviews: unchanged "
      f"{np.array_equal(before[unseen], after[unseen])}")
print(f"{(~unseen).sum():,} pretrained words in the reviews: median cosine to their "
      f"pretrained vector {np.median(cosine[~unseen]):.3f}")
print(f"{len(tuned.vocabulary_) - n_pretrained:,} words of the reviews added, e.g. "
      f"{', '.join(tuned.index_to_word_[n_pretrained:n_pretrained + 8])}")

# %%
# Plot: test accuracy of the three pipelines, and for every pretrained word seen in the
# reviews, how far fine-tuning moved its vector against how often it occurs there.
import matplotlib.pyplot as plt

fig, (ax_acc, ax_drift) = plt.subplots(1, 2, figsize=(12, 4.2))
ax_acc.bar_label(ax_acc.barh(list(accuracy), list(accuracy.values()),
                             color=["tab:blue", "tab:green", "tab:gray"]),
                 fmt="%.3f", padding=3)
lowest = np.mean(test.target == "fresh")  # always answering "fresh" scores this much
ax_acc.set_xlim(lowest, max(accuracy.values()) + 0.03)
ax_acc.invert_yaxis()
ax_acc.set_xlabel(f"test accuracy; the axis starts at the majority class's {lowest:.3f}")
ax_acc.set_title("Rotten Tomatoes reviews")

ax_drift.scatter(counts[~unseen], 1 - cosine[~unseen], s=4, alpha=0.4)
ax_drift.set_xscale("log")
ax_drift.set_xlabel("occurrences in the training reviews")
ax_drift.set_ylabel("1 - cosine(pretrained, fine-tuned)")
ax_drift.set_title(f"Fine-tuning moves frequent words most\n"
                   f"({unseen.sum():,} words absent from the reviews: not moved)")
ax_drift.grid(alpha=0.3)
fig.tight_layout()
plt.show()
folder.cleanup()
