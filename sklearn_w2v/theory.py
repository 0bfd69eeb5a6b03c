r"""Corpus statistics that the skip-gram objectives converge to (see docs/theory.md).

For a center word c and a context word o let ``N[c, o]`` be the (expected) number of
training pairs (c, o) per epoch and ``p(o|c) = N[c, o] / sum_w N[c, w]``. With K noise words
per pair drawn from q (``noise_distribution_``), the minimisers of the three objectives of
:class:`~sklearn_w2v.Word2VecTransformer`, pair by pair, are

* ``"softmax"``: ``u_o.v_c = log p(o|c) + b_c`` (any per-center constant b_c),
* ``"nce"`` (self-normalised): ``u_o.v_c = log p(o|c)``,
* ``"negative"``: ``u_o.v_c = log p(o|c) - log(K q(o))``, which is
  ``PMI(c, o) - log K`` when q is the unigram distribution (``ns_exponent=1``),
* ``"hierarchical"``: the model's own distribution, a product of sigmoids along the path of
  o in the Huffman tree, equal to ``p(o|c)`` (no pairwise score to compare: see
  :func:`model_log_probabilities`),

provided the vectors have enough capacity to represent every pair independently
(``vector_size >= n_words``); otherwise training finds a low-rank compromise.

:func:`cooccurrence_counts` computes ``N`` with the window weighting of training;
:func:`pmi_targets` turns it into the optimum of a fitted model's objective.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ._model import fitted_layer
from ._text import encode, keep_probabilities
from ._utils import Documents, FloatArray

if TYPE_CHECKING:
    from ._estimators import Doc2VecTransformer, Word2VecTransformer

__all__ = ["cooccurrence_counts", "conditional_log_probabilities", "pmi_targets",
           "pair_scores", "model_log_probabilities", "document_word_counts",
           "document_scores"]


def cooccurrence_counts(X: Documents, model: Word2VecTransformer, *, window: int | None = None,
                        shrink_windows: bool | None = None,
                        subsampling: bool = False) -> sp.csr_matrix:
    """Expected number of (center, context) training pairs per epoch.

    Documents are tokenized and encoded with the fitted ``model`` exactly as training does
    (out-of-vocabulary tokens are removed first, so they do not count towards distances).
    A pair at distance k (``1 <= k <= window``, inside one document) is counted with weight

    * ``(window - k + 1) / window`` if ``shrink_windows`` (the probability that a window
      drawn uniformly from 1..window reaches distance k, as in training),
    * ``1`` otherwise.

    Both directions are counted: the pair (a, b) adds to ``N[a, b]`` and ``N[b, a]``.

    Parameters
    ----------
    X : iterable of str, bytes or list of str
        Documents (normally the training documents).
    model : Word2VecTransformer
        A fitted model: its vocabulary, analyzer, ``window`` and ``shrink_windows`` are used.
    window : int, default=None
        Overrides ``model.window``.
    shrink_windows : bool, default=None
        Overrides ``model.shrink_windows``.
    subsampling : bool, default=False
        Multiply each pair's weight by the keep probabilities of both words under
        ``model.sample``. This is only a first-order approximation of what training sees:
        dropping a token also brings the remaining tokens closer together, which this
        ignores. With ``sample=0`` there is no subsampling and the counts are exact.

    Returns
    -------
    counts : scipy.sparse.csr_matrix of float64, shape (n_words, n_words)
        ``counts[c, o]``: weighted number of pairs with center c and context o. Symmetric.

    Examples
    --------
    >>> from sklearn_w2v.theory import cooccurrence_counts
    >>> from sklearn_w2v import Word2VecTransformer
    >>> from sklearn_w2v.datasets import load_sample_corpus
    >>> texts = load_sample_corpus(n_lines=2000)
    >>> model = Word2VecTransformer(vector_size=20, epochs=3, sample=0, n_jobs=1,
    ...                             random_state=0).fit(texts)
    >>> counts = cooccurrence_counts(texts, model)
    >>> counts.shape == (len(model.vocabulary_),) * 2, (counts != counts.T).nnz
    (True, 0)
    """
    window = model.window if window is None else int(window)
    shrink_windows = model.shrink_windows if shrink_windows is None else bool(shrink_windows)
    corpus = encode(X, model._build_analyzer(), model.vocabulary_)
    n_words = len(model.vocabulary_)
    ids = corpus.ids.astype(np.int64)
    doc = np.searchsorted(corpus.doc_offsets, np.arange(len(ids)), side="right")
    keep = None
    if subsampling and model.sample > 0:
        keep = keep_probabilities(model.word_counts_, model.sample)
    counts = sp.csr_matrix((n_words, n_words), dtype=np.float64)
    for k in range(1, window + 1):
        same_doc = doc[:-k] == doc[k:] if len(ids) > k else np.zeros(0, dtype=bool)
        left, right = ids[:-k][same_doc], ids[k:][same_doc]
        weight = (window - k + 1) / window if shrink_windows else 1.0
        w = np.full(len(left), weight)
        if keep is not None:
            w = w * keep[left] * keep[right]
        rows = np.concatenate([left, right])
        cols = np.concatenate([right, left])
        counts = counts + sp.csr_matrix((np.concatenate([w, w]), (rows, cols)),
                                        shape=(n_words, n_words))
    counts.sum_duplicates()
    return counts


def document_word_counts(X: Documents, model: Word2VecTransformer | Doc2VecTransformer
                         ) -> sp.csr_matrix:
    """How often each word of the fitted vocabulary occurs in each document of ``X``.

    For PV-DBOW (:class:`~sklearn_w2v.Doc2VecTransformer`, ``architecture="dbow"``) without
    subsampling these are exactly the (document, word) predictions of one epoch, the
    counterpart of :func:`cooccurrence_counts` with the document as the center: pass them
    to :func:`pmi_targets` for the optimum of ``document_vectors_ @ context_vectors_.T``.

    Parameters
    ----------
    X : iterable of str, bytes or list of str
    model : Word2VecTransformer or Doc2VecTransformer
        Fitted; its analyzer and vocabulary encode X.

    Returns
    -------
    counts : scipy.sparse.csr_matrix of float64, shape (n_documents, n_words)

    Examples
    --------
    >>> from sklearn_w2v.theory import document_word_counts
    >>> from sklearn_w2v import Doc2VecTransformer
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 10
    >>> model = Doc2VecTransformer(vector_size=8, min_count=1, epochs=5, n_jobs=1,
    ...                            random_state=0).fit(docs)
    >>> counts = document_word_counts(["the cat sat on the mat"], model)
    >>> int(counts[0, model.vocabulary_["the"]]), counts.shape
    (2, (1, 7))
    """
    corpus = encode(X, model._build_analyzer(), model.vocabulary_)
    ids = corpus.ids.astype(np.int64)
    doc = np.searchsorted(corpus.doc_offsets, np.arange(len(ids)), side="right") - 1
    counts = sp.csr_matrix((np.ones(len(ids)), (doc, ids)),
                           shape=(corpus.n_docs, len(model.vocabulary_)))
    counts.sum_duplicates()
    return counts


def document_scores(model: Doc2VecTransformer) -> FloatArray:
    """``S[j, o] = u_o . d_j``: the scores of a fitted Doc2VecTransformer, document vector
    against output word vector (PV-DBOW's counterpart of :func:`pair_scores`).

    Parameters
    ----------
    model : Doc2VecTransformer
        Fitted, with output word vectors (``context_vectors_``).

    Returns
    -------
    scores : ndarray of float64, shape (n_documents, n_words)

    Examples
    --------
    >>> from sklearn_w2v.theory import document_scores
    >>> from sklearn_w2v import Doc2VecTransformer
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 10
    >>> model = Doc2VecTransformer(vector_size=8, min_count=1, epochs=5, n_jobs=1,
    ...                            random_state=0).fit(docs)
    >>> document_scores(model).shape
    (20, 7)
    """
    return (model.document_vectors_.astype(np.float64)
            @ model.context_vectors_.astype(np.float64).T)


def conditional_log_probabilities(counts: npt.ArrayLike | sp.spmatrix) -> FloatArray:
    """``log p(o|c) = log(N[c, o] / sum_w N[c, w])``, dense, ``-inf`` where N is 0.

    Parameters
    ----------
    counts : array-like or sparse matrix of shape (n_words, n_words)

    Returns
    -------
    log_p : ndarray of float64, shape (n_words, n_words)
        Rows of centers that never occur are all ``nan``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v.theory import conditional_log_probabilities
    >>> np.exp(conditional_log_probabilities(np.array([[1, 3], [2, 2]])))
    array([[0.25, 0.75],
           [0.5 , 0.5 ]])
    """
    # scipy has no type stubs, so issparse does not narrow the type of counts.
    N = (counts.toarray() if sp.issparse(counts)  # type: ignore[union-attr]
         else np.asarray(counts, dtype=np.float64))
    N = N.astype(np.float64, copy=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(N) - np.log(N.sum(axis=1, keepdims=True))


def pmi_targets(counts: npt.ArrayLike | sp.spmatrix, model: Word2VecTransformer | None = None,
                *, objective: str | None = None,
                noise_distribution: npt.ArrayLike | None = None,
                negative: int | None = None) -> FloatArray:
    """Pairwise optimum of ``u_o.v_c`` for the objective of ``model``.

    * ``"negative"``: ``log p(o|c) - log(K q(o))`` (= ``PMI(c, o) - log K`` for unigram q);
    * ``"nce"``: ``log p(o|c)``;
    * ``"softmax"``: ``log p(o|c)``, defined only up to a constant per center (row).

    Each is the output layer's own
    :meth:`~sklearn_w2v._model.layers.OutputLayer.pairwise_optimum`.

    Parameters
    ----------
    counts : array-like or sparse matrix of shape (n_words, n_words)
        Pair counts, e.g. from :func:`cooccurrence_counts`.
    model : Word2VecTransformer, default=None
        Fitted model giving ``objective``, ``noise_distribution_`` and ``negative``; the
        keyword arguments override it.
    objective : {"negative", "nce", "softmax"}, default=None
    noise_distribution : array-like of shape (n_words,), default=None
        q(w), summing to 1.
    negative : int, default=None
        K.

    Returns
    -------
    targets : ndarray of float64, shape (n_words, n_words)
        ``targets[c, o]``; ``-inf`` for pairs that never occur (their optimum is
        unbounded below).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v.theory import pmi_targets
    >>> counts = np.array([[1, 3], [2, 2]])
    >>> pmi_targets(counts, objective="nce").round(3)  # log p(o|c)
    array([[-1.386, -0.288],
           [-0.693, -0.693]])
    >>> pmi_targets(counts, objective="negative", noise_distribution=[0.2, 0.8],
    ...             negative=5).round(3)  # log p(o|c) - log(K q(o))
    array([[-1.386, -1.674],
           [-0.693, -2.079]])
    """
    if model is not None:
        objective = model.objective if objective is None else objective
        if noise_distribution is None:
            noise_distribution = getattr(model, "noise_distribution_", None)
        negative = model.negative if negative is None else negative
    if objective not in ("negative", "nce", "softmax"):
        raise ValueError(f"objective must be 'negative', 'nce' or 'softmax', got {objective!r}")
    if objective == "negative" and (noise_distribution is None or negative is None):
        raise ValueError("The negative-sampling optimum needs noise_distribution and negative.")
    log_p = conditional_log_probabilities(counts)
    n_words = log_p.shape[1]
    q = (np.full(n_words, 1.0 / n_words) if noise_distribution is None
         else np.asarray(noise_distribution, dtype=np.float64))
    layer = fitted_layer(objective, noise_distribution=q,
                         negative=1 if negative is None else negative)
    return layer.pairwise_optimum(log_p)


def pair_scores(model: Word2VecTransformer) -> FloatArray:
    """All learned scores ``S[c, o] = u_o.v_c = (vectors_ @ context_vectors_.T)[c, o]``.

    Note the two different matrices: the input vector of the center and the output vector
    of the context; this is not a similarity between two word embeddings.

    Parameters
    ----------
    model : Word2VecTransformer
        Fitted, with output vectors (``context_vectors_``).

    Returns
    -------
    scores : ndarray of float64, shape (n_words, n_words)

    Examples
    --------
    >>> from sklearn_w2v.theory import pair_scores
    >>> from sklearn_w2v import Word2VecTransformer
    >>> from sklearn_w2v.datasets import load_sample_corpus
    >>> texts = load_sample_corpus(n_lines=2000)
    >>> model = Word2VecTransformer(vector_size=20, epochs=3, sample=0, n_jobs=1,
    ...                             random_state=0).fit(texts)
    >>> pair_scores(model).shape == (len(model.vocabulary_),) * 2
    True
    """
    return model.vectors_.astype(np.float64) @ model.context_vectors_.astype(np.float64).T


def model_log_probabilities(model: Word2VecTransformer) -> FloatArray:
    """``log p(o|c)`` for every center word c (rows) and word o (columns), as the fitted
    skip-gram ``model`` defines it (the distribution ``score`` evaluates).

    * ``"hierarchical"``: ``sum_k log sigma(-t_k u_{n_k}.v_c)`` along o's path, a normalised
      distribution by construction;
    * the others: the softmax over o of ``u_o.v_c``, plus ``log q(o)`` for ``"negative"``.

    Both are the output layer's
    :meth:`~sklearn_w2v._model.layers.OutputLayer.log_probabilities`, the forward pass that
    ``score`` runs.

    Parameters
    ----------
    model : Word2VecTransformer
        Fitted, with output vectors (``context_vectors_`` or, for hierarchical softmax,
        ``node_vectors_``).

    Returns
    -------
    log_p : ndarray of float64, shape (n_words, n_words)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v.theory import model_log_probabilities
    >>> from sklearn_w2v import Word2VecTransformer
    >>> from sklearn_w2v.datasets import load_sample_corpus
    >>> texts = load_sample_corpus(n_lines=2000)
    >>> model = Word2VecTransformer(objective="hierarchical", vector_size=20, epochs=3,
    ...                             n_jobs=1, random_state=0).fit(texts[:500])
    >>> log_p = model_log_probabilities(model)
    >>> np.allclose(np.exp(log_p).sum(axis=1), 1)  # a distribution over o for every c
    True
    """
    layer, matrix = model._fitted_layer()
    return layer.log_probabilities(model.vectors_.astype(np.float64), matrix)
