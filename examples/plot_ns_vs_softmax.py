"""Negative sampling vs NCE vs hierarchical softmax vs the full softmax: what each learns.

Trains six skip-gram models on the embedded sample corpus, restricted to a vocabulary small
enough for the exact softmax (``max_vocab_size=2000``), and writes four figures used by
docs/theory.md:

1. ``likelihood_curves.png``: held-out softmax log-likelihood (``score``) after every epoch,
   against epochs and against training wall-clock time. Hierarchical softmax is scored with
   its own normalised distribution (exact), the others with the full softmax.
2. ``pmi_scatter.png``: learned ``u_o.v_c`` against the value each objective's optimum
   predicts from the corpus co-occurrence counts (``sklearn_w2v.theory``).
3. ``score_histograms.png``: ``u_o.v_c`` of pairs seen together vs never seen together.
4. ``downstream.png``: sentiment classification accuracy (Rotten Tomatoes, logistic
   regression on mean-pooled vectors) and nearest neighbours per objective.

Usage::

    python examples/plot_ns_vs_softmax.py            # full run, about 3 minutes on 2 cores
    python examples/plot_ns_vs_softmax.py --quick    # about 20 seconds (the gallery runs this)
    python examples/plot_ns_vs_softmax.py --output-dir /tmp/figs

Per-epoch snapshots come from the estimator's ``epoch_callback``, which copies the vectors
after every epoch (fitting with ``epochs=1`` repeatedly would restart the learning-rate
schedule). The snapshots are scored after training, so scoring time is not counted as
training time (the time axis is the wall clock since ``fit`` started, vocabulary building
included).
"""

import argparse
import copy
import os
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklearn_w2v import LowCoverageWarning, Word2VecTransformer  # noqa: E402
from sklearn_w2v.datasets import load_rotten_tomatoes, load_sample_corpus  # noqa: E402
from sklearn_w2v.evaluation import most_similar  # noqa: E402
from sklearn_w2v.theory import (  # noqa: E402
    conditional_log_probabilities,
    cooccurrence_counts,
    model_log_probabilities,
    pair_scores,
    pmi_targets,
)

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "figures"

# label, objective, K, optimisation settings. The trainer applies the *summed* gradient of a
# minibatch, so a frequent word's step grows with the minibatch: the pairwise objectives
# diverge at batch_size=256 with sample=0 here (K=15), hence small minibatches. The softmax
# is stable with larger minibatches at a smaller rate, and much faster with them (its cost is
# one (batch x vocabulary) matrix product per minibatch). It runs with n_jobs=1: with
# n_jobs=2 the softmax was ~13x slower on the 2-core machine this was written on.
PAIRWISE = dict(batch_size=32, learning_rate=0.025)
MODELS = [
    ("softmax", "softmax", 5, dict(batch_size=128, learning_rate=0.01, n_jobs=1)),
    ("NS K=1", "negative", 1, PAIRWISE),
    ("NS K=5", "negative", 5, PAIRWISE),
    ("NS K=15", "negative", 15, PAIRWISE),
    ("NCE K=5", "nce", 5, PAIRWISE),
    ("HS", "hierarchical", 0, PAIRWISE),
]
COLORS = {"softmax": "black", "NS K=1": "tab:orange", "NS K=5": "tab:red",
          "NS K=15": "tab:purple", "NCE K=5": "tab:blue", "HS": "tab:green"}
QUERY_WORDS = ["king", "water", "ship", "love", "sea", "house", "god", "three"]


class SnapshotWord2Vec(Word2VecTransformer):
    """Word2VecTransformer that records (seconds, vectors, context vectors) after each epoch,
    through the public ``epoch_callback`` parameter."""

    def fit(self, X, y=None):
        self.snapshots_ = []
        started = time.perf_counter()

        def snapshot(report, vectors, context_vectors):
            self.snapshots_.append((time.perf_counter() - started, vectors.copy(),
                                    context_vectors.copy()))

        self.set_params(epoch_callback=snapshot)
        super().fit(X, y)
        self.fit_seconds_ = time.perf_counter() - started
        return self


def with_vectors(model, V, U):
    """A shallow copy of ``model`` whose vectors are a snapshot, for ``score``/``transform``
    (``U``: the context vectors, or the inner-node vectors of hierarchical softmax)."""
    clone = copy.copy(model)
    clone.vectors_ = V
    if model.objective == "hierarchical":
        clone.node_vectors_ = U
    else:
        clone.context_vectors_ = U
    return clone


# --------------------------------------------------------------------------- figures


def plot_curves(results, path):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for label, r in results.items():
        epochs = np.arange(1, len(r["curve"]) + 1)
        p = r["model"]
        axes[0].plot(epochs, r["curve"], "o-", color=COLORS[label],
                     label=f"{label} (batch {p.batch_size}, lr {p.learning_rate:g})")
        axes[1].plot(r["seconds"], r["curve"], "o-", color=COLORS[label], label=label)
    axes[0].set_xlabel("epoch")
    axes[1].set_xlabel("wall-clock seconds since fit started")
    axes[0].set_ylabel("held-out mean log p(o|c) per pair (nats)\nhigher is better")
    axes[0].set_title("Held-out likelihood (HS: its own exact p), per epoch")
    axes[1].set_title("... and against wall-clock training time")
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[0].legend(title="objective (NS scored with logits u·v + log q(o))", fontsize=8,
                   title_fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_scatter(results, counts, min_count, path):
    labels = ["NS K=1", "NS K=5", "NS K=15", "NCE K=5", "softmax"]
    fig, axes = plt.subplots(1, len(labels), figsize=(4.0 * len(labels), 4.2))
    frequent = counts >= min_count
    for ax, label in zip(axes, labels):
        r = results[label]
        S, T = r["S"][frequent], r["T"][frequent]
        if label == "softmax":
            # defined up to a constant per center: centre each row on the frequent pairs
            S, T = _row_centred(r["S"], r["T"], frequent)
        lo, hi = np.percentile(np.r_[S, T], [0.5, 99.5])
        ax.hexbin(T, S, gridsize=45, bins="log", cmap="viridis", extent=(lo, hi, lo, hi),
                  mincnt=1)
        ax.plot([lo, hi], [lo, hi], "r--", lw=1, label="u·v = predicted optimum")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_title(f"{label}: r = {r['corr']:.3f}, MAE = {r['mae']:.2f}")
        if label.startswith("NS"):
            ax.set_xlabel("log p(o|c) − log(K·q(o))  [NS optimum]")
        elif label == "NCE K=5":
            ax.set_xlabel("log p(o|c)  [NCE optimum]")
        else:
            ax.set_xlabel("log p(o|c) − mean over o  [softmax optimum]")
        ax.legend(loc="upper left", fontsize=8)
    axes[0].set_ylabel("learned u_o · v_c")
    fig.suptitle(f"Learned scores vs the optimum predicted from corpus counts "
                 f"(pairs with ≥ {min_count:g} co-occurrences; colour = number of pairs, log)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _row_centred(S, T, mask):
    n = mask.sum(axis=1, keepdims=True).clip(1)
    S_c = S - (S * mask).sum(axis=1, keepdims=True) / n
    T_c = np.where(mask, T, 0) - (np.where(mask, T, 0)).sum(axis=1, keepdims=True) / n
    return S_c[mask], T_c[mask]


def plot_histograms(results, counts, path):
    labels = ["NS K=5", "NCE K=5", "softmax"]
    fig, axes = plt.subplots(1, len(labels), figsize=(14, 4.2))
    seen, unseen = counts > 0, counts == 0
    for ax, label in zip(axes, labels):
        r = results[label]
        S = r["S"]
        finite_T = r["T"][seen][np.isfinite(r["T"][seen])]
        lo, hi = np.percentile(S, [0.1, 99.9])
        if label != "softmax":
            lo = min(lo, np.percentile(finite_T, 1), -0.5)
            hi = max(hi, np.percentile(finite_T, 99), 0.5)
        bins = np.linspace(lo, hi, 80)
        ax.hist(S[unseen], bins=bins, density=True, alpha=0.55, color="tab:gray",
                label=f"never together ({unseen.mean():.0%} of pairs)")
        ax.hist(S[seen], bins=bins, density=True, alpha=0.55, color="tab:green",
                label="seen together")
        if label != "softmax":
            T = finite_T[(finite_T >= lo) & (finite_T <= hi)]
            ax.hist(T, bins=bins, density=True, histtype="step", color="k",
                    lw=1.3, label="predicted optimum, seen pairs")
        ax.axvline(0, color="tab:red", ls="--", lw=1.2, label="u·v = 0")
        ax.set_xlabel("u_o · v_c")
        title = f"{label}: {np.mean(S < 0):.0%} of all pairs have u·v < 0"
        if label == "softmax":
            title += "\n(u·v only defined up to a constant per center)"
        ax.set_title(title)
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel("density")
    fig.suptitle("Scores of word pairs: unrelated pairs are pushed below 0, not to 0 "
                 "(top-2000 words × top-2000 words)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_downstream(results, baseline_accuracy, neighbours, path):
    labels = list(results)
    fig = plt.figure(figsize=(17, 5.2))
    ax = fig.add_axes([0.06, 0.14, 0.2, 0.72])
    acc = [results[label]["accuracy"] for label in labels]
    ax.barh(labels, acc, color=[COLORS[label] for label in labels])
    ax.axvline(baseline_accuracy, color="tab:gray", ls="--",
               label=f"random vectors ({baseline_accuracy:.3f})")
    for i, label in enumerate(labels):
        ax.text(acc[i] + 0.002, i, f"{acc[i]:.3f}\n(score {results[label]['curve'][-1]:.2f})",
                va="center", fontsize=8)
    ax.set_xlim(min(acc + [baseline_accuracy]) - 0.03, max(acc) + 0.06)
    ax.set_xlabel("test accuracy")
    ax.set_title("Rotten Tomatoes sentiment:\nlogistic regression on mean word vectors")
    ax.legend(fontsize=8, loc="lower right")
    ax.invert_yaxis()

    tab = fig.add_axes([0.33, 0.05, 0.66, 0.85])
    tab.axis("off")
    words = list(neighbours[labels[0]])
    cell_text = [[", ".join(neighbours[label][w]) for label in labels] for w in words]
    table = tab.table(cellText=cell_text, rowLabels=words, colLabels=labels, loc="center",
                      cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(8.5)
    table.scale(1, 2.0)
    tab.set_title("3 nearest neighbours of each query word (cosine of vectors_ v)",
                  fontsize=11)
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT,
                        help="where to write the PNG figures (default: docs/figures)")
    parser.add_argument("--quick", action="store_true",
                        help="smaller corpus and fewer epochs (about 20 seconds)")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    n_train, n_test, epochs = (6000, 1000, 2) if args.quick else (20000, 2000, 5)
    lines = load_sample_corpus(n_lines=n_train + n_test)
    train, test = lines[:n_train], lines[n_train:]
    # sample=0: no subsampling, so cooccurrence_counts gives exactly the pair distribution
    # training sees (shrink_windows weighting included).
    common = dict(vector_size=50, window=5, min_count=5, max_vocab_size=2000, sample=0,
                  epochs=epochs, random_state=0, n_jobs=args.n_jobs)
    print(f"corpus: {n_train} training lines, {n_test} held-out lines; {common}")

    results = {}
    for label, objective, K, optim in MODELS:
        params = {**common, **optim}
        model = SnapshotWord2Vec(objective=objective, negative=K, **params).fit(train)
        curve = [with_vectors(model, V, U).score(test) for _, V, U in model.snapshots_]
        results[label] = dict(model=model, curve=curve,
                              seconds=[s for s, _, _ in model.snapshots_])
        print(f"  {label:8s} {optim}: trained in {model.fit_seconds_:6.1f} s; held-out score per "
              f"epoch: {np.round(curve, 3).tolist()}", flush=True)
    vocab_model = results["softmax"]["model"]
    plot_curves(results, args.output_dir / "likelihood_curves.png")

    # ---- theory: learned u.v vs the optimum from co-occurrence counts
    counts = cooccurrence_counts(train, vocab_model).toarray()
    min_pairs = 20.0 if not args.quick else 5.0
    frequent = counts >= min_pairs
    for label, r in results.items():
        model = r["model"]
        if model.objective == "hierarchical":
            # No pairwise score u.v: compare the model's own log p(o|c) with the corpus's.
            r["S"] = model_log_probabilities(model)
            r["T"] = conditional_log_probabilities(counts)
        else:
            r["S"] = pair_scores(model)
            r["T"] = pmi_targets(counts, model)
        if label == "softmax":
            S, T = _row_centred(r["S"], r["T"], frequent)
        else:
            S, T = r["S"][frequent], r["T"][frequent]
        r["corr"] = float(np.corrcoef(S, T)[0, 1])
        r["mae"] = float(np.abs(S - T).mean())
        r["bias"] = float(np.mean(S - T))
        r["frac_negative"] = (float(np.mean(r["S"] < 0))
                              if model.objective != "hierarchical" else float("nan"))
        V = model.vectors_ / np.linalg.norm(model.vectors_, axis=1, keepdims=True)
        cos = V @ V.T
        r["mean_cos"] = float(cos[~np.eye(len(cos), dtype=bool)].mean())
    plot_scatter(results, counts, min_pairs, args.output_dir / "pmi_scatter.png")
    plot_histograms(results, counts, args.output_dir / "score_histograms.png")

    # ---- downstream: sentiment classification and nearest neighbours
    rt = load_rotten_tomatoes()
    is_train = rt.split == "train"
    X = np.asarray(rt.data, dtype=object)
    X_tr, X_te, y_tr, y_te = X[is_train], X[~is_train], rt.target[is_train], rt.target[~is_train]

    def accuracy(model):
        clf = make_pipeline(FrozenEstimator(model), StandardScaler(),
                            LogisticRegression(max_iter=2000))
        # The vocabulary is capped at 2,000 words of the books for the exact softmax, so
        # a third of the reviews' tokens have no vector: expected, not a mistake.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LowCoverageWarning)
            return float(clf.fit(list(X_tr), y_tr).score(list(X_te), y_te))

    rng = np.random.default_rng(0)
    random_model = with_vectors(vocab_model, rng.normal(size=vocab_model.vectors_.shape),
                                vocab_model.context_vectors_)
    baseline = accuracy(random_model)
    queries = [w for w in QUERY_WORDS if w in vocab_model.vocabulary_]
    neighbours = {}
    for label, r in results.items():
        r["accuracy"] = accuracy(r["model"])
        neighbours[label] = {w: [n for n, _ in most_similar(r["model"], w, topn=3)]
                             for w in queries}
    plot_downstream(results, baseline, neighbours, args.output_dir / "downstream.png")

    # ---- summary
    print()
    header = (f"{'objective':9s} {'held-out score':>14s} {'train s':>8s} {'corr(u.v, opt)':>14s} "
              f"{'MAE':>6s} {'bias':>6s} {'u.v<0':>6s} {'mean cos(v,v)':>13s} {'RT acc':>7s}")
    print(header)
    print("-" * len(header))
    for label, r in results.items():
        print(f"{label:9s} {r['curve'][-1]:14.3f} {r['model'].fit_seconds_:8.1f} "
              f"{r['corr']:14.3f} {r['mae']:6.2f} {r['bias']:6.2f} "
              f"{'n/a' if np.isnan(r['frac_negative']) else format(r['frac_negative'], '.0%'):>6s} "
              f"{r['mean_cos']:13.3f} {r['accuracy']:7.3f}")
    print(f"{'random v':9s} {'':14s} {'':8s} {'':14s} {'':6s} {'':6s} {'':6s} {'':13s} "
          f"{baseline:7.3f}")
    print(f"\ncorr/MAE/bias: learned u.v vs the objective's optimum on the {frequent.sum():,} "
          f"pairs with >= {min_pairs:g} co-occurrences (softmax: row-centred; HS: its own "
          f"log p(o|c) vs the corpus's).")
    print("Nearest neighbours (cosine of vectors_):")
    for w in queries:
        print(f"  {w:8s} " + " | ".join(f"{label}: {', '.join(neighbours[label][w])}"
                                        for label in results))
    print(f"\nfigures written to {args.output_dir}; total {time.perf_counter() - started:.0f} s "
          f"(pid {os.getpid()})")


if __name__ == "__main__":
    main()
