"""Paragraph vectors against pooled word vectors

Two ways to turn a review into one vector. :class:`~sklearn_w2v.Word2VecTransformer`
learns a vector per *word* and pools the words of a review (their mean, or the smooth
inverse-frequency weighting of Arora et al. 2017, ``pooling="sif"``).
:class:`~sklearn_w2v.Doc2VecTransformer` learns a vector per *document* (Le & Mikolov
2014): PV-DBOW trains each review's vector to predict the review's words, and with
``dbow_words=True`` trains skip-gram word vectors alongside (Lau & Baldwin 2016 found this
variant the strongest).

All models are fitted on every Rotten Tomatoes review without labels; a logistic
regression trained on the training reviews' vectors then classifies the test reviews.
A paragraph-vector model has two vectors for a review it was fitted on: its trained row
(``document_vectors_``, what ``fit_transform`` returns) and the vector ``transform``
*infers* for it with everything else frozen, as for a new document. The example measures
both and how close they are.

Run it with ``python examples/plot_paragraph_vectors.py`` (20 epochs, PV-DM as well,
about a minute on 2 cores) or add ``--quick`` (6 epochs except for PV-DBOW, about 25
seconds; the gallery page shows a quick run).
"""

# %%
# Quick or full run
# -----------------
import argparse

parser = argparse.ArgumentParser(description="Paragraph vectors vs pooled word vectors.")
parser.add_argument("--quick", action="store_true", help="fewer epochs")
QUICK = parser.parse_known_args()[0].quick
epochs = 6 if QUICK else 20

# %%
# The models
# ----------
# The reviews are short and few (237,000 words), so every model gets more passes, a
# higher starting learning rate and a wider window than the defaults meant for large
# corpora. PV-DBOW alone is cheap per pass (a review predicts its words; there are no
# word pairs) and each review's vector is updated only about 20 times a pass, so it gets
# 20 passes in both modes.
import numpy as np

from sklearn_w2v import Doc2VecTransformer, Word2VecTransformer
from sklearn_w2v.datasets import load_rotten_tomatoes

reviews = load_rotten_tomatoes()
is_train = reviews.split == "train"
texts = np.asarray(reviews.data, dtype=object)
y_train, y_test = reviews.target[is_train], reviews.target[~is_train]

small_corpus = dict(epochs=epochs, learning_rate=0.05, window=10, random_state=0)
paragraph_models = {"PV-DBOW": Doc2VecTransformer(**{**small_corpus, "epochs": 20}),
                    "PV-DBOW + word vectors": Doc2VecTransformer(dbow_words=True,
                                                                 **small_corpus)}
if not QUICK:
    paragraph_models["PV-DM"] = Doc2VecTransformer(architecture="dm", **small_corpus)

# %%
# Document vectors of every review
# --------------------------------
# Word vectors are fitted once; the SIF pooling starts from the same vectors (``init=``
# them with ``epochs=0``) and learns only its word weights and the common component it
# removes.
import time

features, seconds = {}, {}
started = time.perf_counter()
word2vec = Word2VecTransformer(**small_corpus).fit(texts)
seconds["word2vec, mean"] = time.perf_counter() - started
features["word2vec, mean"] = word2vec.transform(texts)
sif = Word2VecTransformer(init=(word2vec.index_to_word_, word2vec.vectors_), epochs=0,
                          pooling="sif").fit(texts)
features["word2vec, SIF"] = sif.transform(texts)
seconds["word2vec, SIF"] = seconds["word2vec, mean"]

inferred = {}
for name, model in paragraph_models.items():
    started = time.perf_counter()
    features[name] = model.fit_transform(texts)  # the trained rows
    seconds[name] = time.perf_counter() - started
    inferred[name] = model.transform(texts[~is_train])  # inferred, as for new reviews
for name in features:
    print(f"{name:<24} fitted in {seconds[name]:5.1f} s")

# %%
# Classify
# --------
# The same classifier for every representation: standardised features and a logistic
# regression whose ``C`` is picked by 3-fold cross-validation on the training reviews.
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

accuracy = {}
for name, X in features.items():
    clf = make_pipeline(StandardScaler(), GridSearchCV(
        LogisticRegression(max_iter=2000), {"C": np.logspace(-3, 2, 6)}, cv=3))
    clf.fit(X[is_train], y_train)
    accuracy[name] = clf.score(X[~is_train], y_test)
    line = f"{name:<24} test accuracy {accuracy[name]:.3f}"
    if name in inferred:
        accuracy[f"{name} (inferred)"] = clf.score(inferred[name], y_test)
        line += f", {accuracy[f'{name} (inferred)']:.3f} with inferred test vectors"
    print(line)

# %%
# Trained rows against inferred vectors
# -------------------------------------
# For the test reviews, the cosine similarity between the row trained in ``fit`` and the
# vector ``transform`` infers: close, not equal. A pipeline trains its classifier on
# trained rows (``fit_transform``) and predicts from inferred ones (``transform``).
import matplotlib.pyplot as plt


def cosine(a, b):
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


fig, (ax_acc, ax_cos) = plt.subplots(1, 2, figsize=(12, 4.2),
                                     gridspec_kw={"width_ratios": [1.2, 1]})
bars = ax_acc.barh(list(accuracy), list(accuracy.values()),
                   color=["tab:gray" if "inferred" in n else "tab:blue" for n in accuracy])
ax_acc.bar_label(bars, fmt="%.3f", padding=3)
majority = np.mean(y_test == "fresh")  # the axis starts at the majority class's accuracy
ax_acc.set_xlim(majority, max(accuracy.values()) + 0.04)
ax_acc.invert_yaxis()
ax_acc.set_xlabel(f"test accuracy (axis from the majority class, {majority:.3f})")
ax_acc.set_title("Rotten Tomatoes, models fitted on all reviews")

similarity = {name: cosine(features[name][~is_train], vectors)
              for name, vectors in inferred.items()}
# the bins from the 1st percentile: a few reviews with hardly a known word are outliers
bins = np.linspace(np.percentile(np.concatenate(list(similarity.values())), 1), 1, 50)
for name, values in similarity.items():
    ax_cos.hist(values, bins=bins, alpha=0.6, label=name)
ax_cos.set_xlabel("cosine(trained row, inferred vector), test reviews")
ax_cos.set_ylabel("reviews")
ax_cos.set_title("Inference finds a vector near the trained one")
ax_cos.legend(loc="upper left")
fig.tight_layout()
plt.show()

# %%
# On these short reviews, paragraph vectors trained together with word vectors
# (``dbow_words=True``) do much better than PV-DBOW alone, and pooled word vectors are a
# strong, cheaper baseline. The package's benchmarks against gensim's ``Doc2Vec`` on four
# labelled sets are in ``benchmarks/RESULTS-doc2vec.md``.
