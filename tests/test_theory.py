"""What the three objectives converge to, checked on a corpus with a known pair distribution.

The corpus is made of two-token documents ``[c, o]``; with ``window=1``,
``shrink_windows=False`` and ``sample=0`` each document gives exactly the two training pairs
(c, o) and (o, c). Document ``[c, o]`` occurs ``C[c, o]`` times, so the pair counts the trainer
sees every epoch are exactly ``N = C + C.T``, ``p(o|c) = N[c, o] / N[c].sum()`` and the corpus
count of a word is ``N[w].sum()`` (every token is the center of one pair and the context of
another), which fixes q. Every entry of N is positive, so every optimum is finite, and
``vector_size >= n_words`` so that any matrix of scores, in particular the optimum, is
reachable (the derivations in docs/theory.md assume this).

Thresholds. With 20 epochs of SGD and the learning rate decaying to ~0 the parameters settle
within SGD noise of the optimum. Measured on this corpus (float64, random_state=0): MAE of
u.v against the target 0.017-0.032 nats, correlation >= 0.999, score within 3.4e-4 nats of
the true mean log-likelihood (-2.0277), NCE's log-normaliser |log sum_o exp(u_o.v_c)| <= 0.045. The largest errors are on the rarest pairs (N = 2, p(o|c) ~ 3e-4),
which receive few updates, hence the MAE is also checked weighted by N. The thresholds below
leave a factor ~2-3 of margin, and are still far tighter than the quantities being
distinguished: NS scores differ from log p(o|c) by log(K q(o)), here 1-4 nats (MAE 1.3 for
K=5, 3.0 for K=1); see ``test_negative_sampling_is_not_log_probability``.

Optimisation settings: learning_rate=0.01, batch_size=64. With the default batch_size=256
on a 16-word vocabulary, every word occurs ~100 times per minibatch and the trainer's summed
minibatch gradient makes the effective step ~100x the learning rate: NS with K=5 diverged.
"""

import numpy as np
import pytest

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.theory import (
    conditional_log_probabilities,
    cooccurrence_counts,
    model_log_probabilities,
    pair_scores,
    pmi_targets,
)

N_WORDS = 16
WORDS = [f"w{i:02d}" for i in range(N_WORDS)]


def _make_corpus(n_docs=12000, seed=0):
    """Documents [c, o] repeated C[c, o] times, shuffled; log C has low-rank structure."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(N_WORDS, 3))
    rank = np.log1p(np.arange(N_WORDS))
    # Zipf-like marginals times a symmetric low-rank association
    log_joint = 0.6 * Z @ Z.T - 0.7 * rank[:, None] - 0.7 * rank[None, :]
    joint = np.exp(log_joint)
    joint /= joint.sum()
    C = np.maximum(np.round(joint * n_docs), 1).astype(np.int64)
    docs = [[WORDS[c], WORDS[o]]
            for c in range(N_WORDS) for o in range(N_WORDS) for _ in range(C[c, o])]
    order = rng.permutation(len(docs))
    return [docs[i] for i in order], C


DOCS, C = _make_corpus()
N = (C + C.T).astype(np.float64)            # pairs per epoch, center x context
TRUE_P = N / N.sum(axis=1, keepdims=True)   # p(o|c)
TRUE_LOGP = np.log(TRUE_P)
# mean log p(o|c) over the pairs of the corpus = -(conditional entropy); the best score
TRUE_MEAN_LOGLIK = float((N * TRUE_LOGP).sum() / N.sum())


def _fit(objective, negative=5, ns_exponent=0.75):
    return Word2VecTransformer(
        objective=objective, negative=negative, ns_exponent=ns_exponent,
        window=1, shrink_windows=False, sample=0, min_count=1,
        vector_size=N_WORDS + 4, epochs=20, learning_rate=0.01, batch_size=64,
        dtype=np.float64, random_state=0, analyzer=lambda doc: doc,
    ).fit(DOCS)


@pytest.fixture(scope="module")
def models():
    return {
        "ns5": _fit("negative", negative=5, ns_exponent=0.75),
        "ns1": _fit("negative", negative=1, ns_exponent=1.0),
        "nce": _fit("nce", negative=5),
        "softmax": _fit("softmax"),
        "hs": _fit("hierarchical"),
    }


def _in_word_order(model, matrix):
    """Rows/columns of a vocabulary-ordered matrix, reordered to WORDS order."""
    idx = np.array([model.vocabulary_[w] for w in WORDS])
    return matrix[np.ix_(idx, idx)]


def _scores(model):
    return _in_word_order(model, pair_scores(model))


def _q(model):
    idx = np.array([model.vocabulary_[w] for w in WORDS])
    return model.noise_distribution_[idx]


def _errors(scores, targets):
    err = scores - targets
    return {
        "corr": np.corrcoef(scores.ravel(), targets.ravel())[0, 1],
        "mae": np.abs(err).mean(),
        "weighted_mae": (np.abs(err) * N).sum() / N.sum(),
    }


def N_counts(model):
    """N in the model's vocabulary order."""
    return cooccurrence_counts(DOCS, model)


# ------------------------------------------------------------------ the corpus itself


def test_cooccurrence_counts_match_generating_counts(models):
    model = models["ns5"]
    counts = _in_word_order(model, cooccurrence_counts(DOCS, model).toarray())
    np.testing.assert_array_equal(counts, N)
    np.testing.assert_allclose(conditional_log_probabilities(counts), TRUE_LOGP, atol=1e-12)
    # unigram counts = row sums of N, so q is known in closed form
    np.testing.assert_allclose(_q(model), N.sum(1) ** 0.75 / (N.sum(1) ** 0.75).sum())
    # every epoch sees exactly the pairs of N (n_pairs_ is per epoch or per fit, depending
    # on the estimator version)
    assert model.n_pairs_ in (N.sum(), model.epochs * N.sum())


def test_cooccurrence_counts_shrink_window_weights():
    # sample=0: subsampling would drop all four tokens of this corpus and the fit would warn
    # that it trained nothing (the counts do not subsample either way).
    model = Word2VecTransformer(window=3, min_count=1, analyzer=lambda d: d, epochs=1,
                                vector_size=4, sample=0,
                                random_state=0).fit([["a", "b", "c", "d"]])
    counts = cooccurrence_counts([["a", "b", "c", "d"]], model).toarray()
    a, d = model.vocabulary_["a"], model.vocabulary_["d"]
    b = model.vocabulary_["b"]
    assert counts[a, b] == pytest.approx(1.0)      # distance 1: always in the window
    assert counts[a, d] == pytest.approx(1 / 3)    # distance 3: only if the window is 3
    np.testing.assert_allclose(counts, counts.T)
    flat = cooccurrence_counts([["a", "b", "c", "d"]], model, shrink_windows=False).toarray()
    assert flat[a, d] == 1.0


# ------------------------------------------------------------------ the optima


@pytest.mark.parametrize("name, K, ns_exponent", [("ns5", 5, 0.75), ("ns1", 1, 1.0)])
def test_negative_sampling_converges_to_shifted_pmi(models, name, K, ns_exponent):
    """NS: u_o.v_c -> log p(o|c) - log(K q(o)); with q = unigram that is PMI(c, o) - log K."""
    model = models[name]
    q = _q(model)
    target = TRUE_LOGP - np.log(K * q)[None, :]
    np.testing.assert_allclose(_in_word_order(model, pmi_targets(N_counts(model), model)),
                               target, atol=1e-12)
    if ns_exponent == 1.0:
        # unigram noise: the target is exactly PMI - log K
        p_o = N.sum(0) / N.sum()
        pmi = TRUE_LOGP - np.log(p_o)[None, :]
        np.testing.assert_allclose(target, pmi - np.log(K), atol=1e-12)
    e = _errors(_scores(model), target)
    assert e["corr"] > 0.995, e
    assert e["mae"] < 0.08, e
    assert e["weighted_mae"] < 0.06, e


def test_negative_sampling_is_not_log_probability(models):
    """The NS optimum is off log p(o|c) by log(K q(o)) - several nats here, not SGD noise."""
    for name, K in [("ns5", 5), ("ns1", 1)]:
        model = models[name]
        S = _scores(model)
        assert np.abs(S - TRUE_LOGP).mean() > 1.0
        # Unrelated pairs (co-occurring less than K times as often as chance) are negative,
        # pairs with u.v > 0 are those at least K times more frequent than under q.
        shifted = TRUE_LOGP - np.log(K * _q(model))[None, :]
        clear = np.abs(shifted) > 0.3
        assert np.all(np.sign(S[clear]) == np.sign(shifted[clear]))


def test_nce_converges_to_log_probability(models):
    """NCE (self-normalised): u_o.v_c -> log p(o|c), so each row of exp(u.v) sums to ~1."""
    model = models["nce"]
    S = _scores(model)
    e = _errors(S, TRUE_LOGP)
    assert e["corr"] > 0.995, e
    assert e["mae"] < 0.08, e
    assert e["weighted_mae"] < 0.06, e
    # self-normalisation: log sum_o exp(u_o.v_c) ~ 0 for every center
    log_z = np.log(np.exp(S).sum(axis=1))
    assert np.abs(log_z).max() < 0.1, log_z


def test_softmax_recovers_log_probability_up_to_a_constant_per_center(models):
    model = models["softmax"]
    S = _scores(model)
    # the softmax is invariant to adding b_c to row c: compare row-centred matrices
    S_c = S - S.mean(axis=1, keepdims=True)
    T_c = TRUE_LOGP - TRUE_LOGP.mean(axis=1, keepdims=True)
    e = _errors(S_c, T_c)
    assert e["corr"] > 0.995, e
    assert e["mae"] < 0.08, e
    assert e["weighted_mae"] < 0.06, e


# ------------------------------------------------------------------ score()


@pytest.mark.parametrize("name", ["ns5", "ns1", "nce", "softmax", "hs"])
def test_score_matches_true_log_likelihood(models, name):
    """score() (NS logits corrected by log q) ~ the best achievable mean log-likelihood.

    The documents scored are the training documents: their pairs are distributed exactly as
    the generating distribution, so the score of the true model is TRUE_MEAN_LOGLIK and no
    model can do better on them. A fresh sample from the same distribution would add
    sampling noise, not information.
    """
    score = models[name].score(DOCS)
    assert score <= TRUE_MEAN_LOGLIK + 1e-9
    assert score == pytest.approx(TRUE_MEAN_LOGLIK, abs=3e-3)


def test_uncorrected_negative_sampling_logits_score_worse(models):
    """Without the log q(o) correction an NS model's softmax is far from p(o|c)."""
    model = models["ns5"]
    S = _scores(model)
    log_p_raw = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    raw = float((N * log_p_raw).sum() / N.sum())
    assert raw < TRUE_MEAN_LOGLIK - 0.05
    assert models["ns5"].score(DOCS) > raw + 0.05


def test_hierarchical_softmax_learns_the_true_distribution(models):
    """Hierarchical softmax is a normalised model: its p(o|c), a product of sigmoids along
    o's path in the Huffman tree, sums to 1 over o exactly, and on a corpus it can represent
    (16 words, 15 inner nodes, 20 dimensions) it approaches the true p(o|c)."""
    model = models["hs"]
    log_p = _in_word_order(model, model_log_probabilities(model))
    np.testing.assert_allclose(np.exp(log_p).sum(axis=1), 1.0, rtol=1e-12)
    e = _errors(log_p, TRUE_LOGP)
    assert e["corr"] > 0.995, e
    assert e["mae"] < 0.08, e
    assert e["weighted_mae"] < 0.06, e
    assert not hasattr(model, "context_vectors_") and model.node_vectors_.shape == (N_WORDS - 1,
                                                                          N_WORDS + 4)


@pytest.mark.parametrize("name", ["ns5", "nce", "softmax", "hs"])
def test_model_log_probabilities_is_what_score_evaluates(models, name):
    model = models[name]
    log_p = _in_word_order(model, model_log_probabilities(model))
    expected = float((N * log_p).sum() / N.sum())
    assert model.score(DOCS) == pytest.approx(expected, abs=1e-9)


def test_hierarchical_log_probabilities_by_blocks_equal_the_pairwise_definition(models):
    """All pairs at once would gather n_words^2 paths of vectors (21 GiB at 2,000 words,
    d=50); blocks of words give the same numbers as scoring every pair on its own."""
    from sklearn_w2v._model import fitted_layer
    from sklearn_w2v._model.objectives import hierarchical_log_likelihood

    model = models["hs"]
    n_words = len(model.vectors_)
    centers = np.repeat(np.arange(n_words), n_words)
    words = np.tile(np.arange(n_words), n_words)
    pairwise = hierarchical_log_likelihood(
        model.vectors_.astype(np.float64)[centers], model.node_vectors_.astype(np.float64),
        model.huffman_tree_, words).reshape(n_words, n_words)
    np.testing.assert_allclose(model_log_probabilities(model), pairwise, rtol=1e-12,
                               atol=1e-12)
    layer = fitted_layer("hierarchical", tree=model.huffman_tree_)
    for entries in (1, 3 * n_words * 8, 1 << 22):  # one word a block, a few, all at once
        log_p = layer.log_probabilities(model.vectors_.astype(np.float64),
                                        model.node_vectors_, block_entries=entries)
        np.testing.assert_allclose(log_p, pairwise, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------ PV-DBOW: documents as centers


def _document_corpus(n_docs=12, seed=0):
    """Documents of known word distributions p(o|j) (all positive, low-rank logits)."""
    rng = np.random.default_rng(seed)
    topics, loadings = rng.normal(size=(n_docs, 3)), rng.normal(size=(N_WORDS, 3))
    logits = 0.8 * topics @ loadings.T - 0.6 * np.log1p(np.arange(N_WORDS))[None, :]
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    docs = []
    for j in range(n_docs):
        tokens = [WORDS[o] for o in range(N_WORDS)
                  for _ in range(max(int(round(p[j, o] * 1500)), 1))]
        rng.shuffle(tokens)
        docs.append(tokens)
    return docs


@pytest.mark.parametrize("negative", [5, 1])
def test_pv_dbow_converges_to_the_shifted_pmi_of_documents_and_words(negative):
    """PV-DBOW is skip-gram with the document as the center: under negative sampling
    u_o . d_j -> log p(o|j) - log(K q(o)), the shifted PMI between documents and words.
    Measured (float64, 20 epochs): MAE 0.025 (K=5) and 0.037 (K=1) nats, correlation
    0.999, against MAE 1.24 and 2.85 from log p(o|j) itself."""
    from sklearn_w2v import Doc2VecTransformer
    from sklearn_w2v.theory import document_scores, document_word_counts

    docs = _document_corpus()
    model = Doc2VecTransformer(vector_size=N_WORDS, min_count=1, sample=0, epochs=20,
                               negative=negative, learning_rate=0.01, batch_size=64,
                               dtype=np.float64, random_state=0).fit(docs)
    counts = document_word_counts(docs, model)
    assert counts.shape == (12, N_WORDS) and counts.sum() == sum(map(len, docs))
    targets = pmi_targets(counts, model)
    scores = document_scores(model)
    assert np.abs(scores - targets).mean() < 0.08
    assert np.corrcoef(scores.ravel(), targets.ravel())[0, 1] > 0.998
    # Not log p(o|j): the shift log(K q(o)) is what separates them.
    log_p = conditional_log_probabilities(counts)
    assert np.abs(scores - log_p).mean() > 1.0
