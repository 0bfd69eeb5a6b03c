"""Tuning a word2vec pipeline with GridSearchCV

:class:`~sklearn_w2v.Word2VecTransformer` is a scikit-learn transformer: raw review
texts go in, one dense vector per review comes out, and the word2vec hyperparameters are
parameters of a pipeline step like any other. Here ``GridSearchCV`` tunes the number of
noise words of negative sampling (``negative``) and the dimension of the vectors
(``vector_size``) of a ``Pipeline(Word2VecTransformer, LogisticRegression)`` on the
Rotten Tomatoes review snippets shipped with the package, and plots the cross-validated
accuracy and the fit time of every grid point.

Run it with ``python examples/plot_grid_search.py`` (3 x 4 grid, all 10,203 training
reviews, about 3 minutes on 2 cores) or add ``--quick`` (2 x 2 grid on 6,000 reviews,
about 15 seconds; the gallery page shows a quick run).
"""

# %%
# Quick or full run
# -----------------
# ``--quick`` trades faithfulness for time: fewer reviews, fewer epochs and a smaller
# grid. ``parse_known_args`` lets the script also run inside a notebook.
import argparse

parser = argparse.ArgumentParser(description="Tune a word2vec pipeline with GridSearchCV.")
parser.add_argument("--quick", action="store_true", help="a small grid on a subset")
QUICK = parser.parse_known_args()[0].quick

if QUICK:
    n_reviews, epochs = 6000, 5
    grid = {"w2v__negative": [2, 10], "w2v__vector_size": [25, 100]}
else:
    n_reviews, epochs = None, 10
    grid = {"w2v__negative": [2, 5, 15], "w2v__vector_size": [25, 50, 100, 200]}

# %%
# The data: raw review snippets and their labels
# ----------------------------------------------
# ``load_rotten_tomatoes`` returns the texts as they were written (not lowercased) with
# the label ``"fresh"`` or ``"rotten"`` and the published train/test split.
import numpy as np

from sklearn_w2v.datasets import load_rotten_tomatoes

train = load_rotten_tomatoes(subset="train")
test = load_rotten_tomatoes(subset="test")
X_train, y_train = np.asarray(train.data, dtype=object), train.target
if n_reviews is not None:
    rows = np.random.default_rng(0).permutation(len(X_train))[:n_reviews]
    X_train, y_train = X_train[rows], y_train[rows]
print(f"{len(X_train):,} training reviews, {len(test.data):,} test reviews; "
      f"e.g. {X_train[0]!r}")

# %%
# The pipeline and the grid
# -------------------------
# Every candidate is cloned and fitted on each training fold:
#
# 1. word2vec is trained on the fold's reviews (``random_state`` fixes its random draws;
#    the reviews are a small corpus, hence a higher learning rate and a wider window
#    than the defaults, which are meant for millions of words);
# 2. each review becomes the mean of its words' vectors (``pooling="mean"``);
# 3. the document vectors are standardised: averages of word vectors are small and
#    correlated, and without the scaler the default ``C=1`` holds a classifier trained on
#    a few thousand reviews near the majority class;
# 4. the logistic regression is trained on them.
#
# The parameters of a step are addressed as ``<step name>__<parameter>``.
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import Word2VecTransformer

pipe = Pipeline([
    ("w2v", Word2VecTransformer(epochs=epochs, learning_rate=0.05, window=10,
                                random_state=0)),
    ("scale", StandardScaler()),
    ("clf", LogisticRegression(max_iter=1000)),
])
search = GridSearchCV(pipe, grid, cv=3, n_jobs=1)
search.fit(X_train, y_train)
print(f"best: {search.best_params_}, cv accuracy {search.best_score_:.3f}")
print(f"test accuracy of the refitted best pipeline: "
      f"{search.score(test.data, test.target):.3f} (majority class: 0.578)")

# %%
# ``cv_results_`` holds every grid point; as a table:
import pandas as pd

results = pd.DataFrame(search.cv_results_)
columns = {"param_w2v__negative": "negative", "param_w2v__vector_size": "vector_size",
           "mean_test_score": "cv accuracy", "std_test_score": "std",
           "mean_fit_time": "fit seconds"}
print(results[list(columns)].rename(columns=columns).round(3).to_string(index=False))

# %%
# Score and cost of every grid point
# ----------------------------------
# Left: mean cross-validated accuracy (bars: one standard deviation over the folds) against
# ``vector_size``, one line per value of ``negative``. Right: what each candidate costs to
# fit. More noise words make each training step more expensive; larger vectors mostly cost
# the classifier more.
import matplotlib.pyplot as plt

fig, (ax_score, ax_time) = plt.subplots(1, 2, figsize=(10, 4))
for negative, rows in results.groupby("param_w2v__negative"):
    sizes = rows["param_w2v__vector_size"].astype(int)
    ax_score.errorbar(sizes, rows["mean_test_score"], yerr=rows["std_test_score"],
                      marker="o", capsize=3, label=f"negative={negative}")
    ax_time.plot(sizes, rows["mean_fit_time"], marker="o", label=f"negative={negative}")
for ax in (ax_score, ax_time):
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xticks(grid["w2v__vector_size"], [str(v) for v in grid["w2v__vector_size"]])
    ax.set_xlabel("vector_size")
    ax.grid(alpha=0.3)
    ax.legend()
ax_score.set_ylabel("mean cv accuracy (3 folds)")
ax_score.set_title("Cross-validated accuracy per grid point")
ax_time.set_ylabel("mean fit time per fold (s)")
ax_time.set_title("Fit time per grid point")
fig.tight_layout()
plt.show()
