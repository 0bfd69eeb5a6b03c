"""Word vectors -> document vectors, and the SIF statistics fit learns for them.

Every pooling method except ``"max"`` is a weighted sum of word vectors, so it is computed
as one sparse product ``W @ embedding`` where ``W`` is the (n_docs, n_words) document-term
matrix (:mod:`sklearn_w2v._features.document_terms`) with per-entry weights. ``"max"``
uses :func:`numpy.maximum.reduceat` over the gathered token vectors. Neither loops over
documents or tokens in Python.

SIF pooling (Arora et al., 2017) needs per-word weights (:func:`sif_weights`) and the
first principal direction of the training documents' vectors
(:func:`fit_sif_component_from_corpus`), which pools exactly as :func:`pool_documents`
does, so they live together here.
"""

from numbers import Real

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from .document_terms import (
    _check_corpus_offsets,
    _chunk_ids,
    _document_chunks,
    _document_term_counts,
    _local_offsets,
    _token_ids,
    document_term_matrix,
)

__all__ = [
    "POOLING_METHODS",
    "sif_weights",
    "fit_sif_component",
    "fit_sif_component_from_corpus",
    "pool_documents",
]

POOLING_METHODS = ("mean", "sum", "max", "tfidf", "sif")

# Upper bound on the size of the (tokens, d) block gathered at once by max pooling (1M
# float32 values), so that pooling neither a large corpus nor one long document
# materialises one vector per token in memory.
_MAX_POOL_BLOCK_BYTES = 4 * 2**20

# Tokens of the chunks of documents whose SIF vectors are pooled at once when fitting the
# SIF component: the pooled (documents, d) block of a chunk is the peak memory. The
# chunks also fix how the Gram matrix is summed: other sizes change its last bits.
_SIF_CHUNK_TOKENS = 1 << 15


def sif_weights(word_counts, alpha=1e-3):
    """Smooth inverse frequency weights ``a / (a + p(w))`` (Arora et al., 2017).

    Parameters
    ----------
    word_counts : array-like of shape (n_words,)
        Corpus frequency of each word (non-negative).
    alpha : float, default=1e-3
        Smoothing parameter ``a`` (> 0). Smaller values down-weight frequent words more.

    Returns
    -------
    weights : ndarray of shape (n_words,), float64
        ``alpha / (alpha + count / count.sum())``. If all counts are zero, ``p(w) = 0`` and
        every weight is 1.

    References
    ----------
    S. Arora, Y. Liang, T. Ma. "A Simple but Tough-to-Beat Baseline for Sentence
    Embeddings", ICLR 2017.
    """
    counts = np.asarray(word_counts, dtype=np.float64)
    if counts.ndim != 1:
        raise ValueError("word_counts must be 1-D.")
    if np.any(~np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("word_counts must be finite and non-negative.")
    if not isinstance(alpha, Real) or isinstance(alpha, bool) or not float(alpha) > 0:
        raise ValueError(f"alpha must be a positive number, got {alpha!r}.")
    total = counts.sum()
    p = counts / total if total > 0 else np.zeros_like(counts)
    return alpha / (alpha + p)


def fit_sif_component(doc_vectors):
    """First principal direction of SIF-weighted document vectors, to be removed.

    As in Arora et al.'s reference code (``TruncatedSVD`` on the raw matrix), the matrix is
    **not** centred: the direction is the first right singular vector. All-zero rows
    (documents without a known token) are excluded so they do not dilute the estimate.

    Parameters
    ----------
    doc_vectors : array-like of shape (n_docs, d)
        SIF-weighted document vectors, e.g. ``pool_documents(..., pooling="sif")`` without
        ``sif_component``.

    Returns
    -------
    component : ndarray of shape (d,)
        Unit vector, in the input's floating dtype (float64 for non-float input). Its sign is
        fixed so that its largest-magnitude entry is positive, making the result
        deterministic. A zero vector if no row is non-zero.
    """
    X = np.asarray(doc_vectors)
    if X.ndim != 2:
        raise ValueError(f"doc_vectors must be 2-D, got shape {X.shape}.")
    out_dtype = X.dtype if np.issubdtype(X.dtype, np.floating) else np.float64
    X = X.astype(np.float64, copy=False)
    X = X[np.any(X != 0, axis=1)]
    if X.shape[0] == 0:
        return np.zeros(X.shape[1], dtype=out_dtype)
    # The first right singular vector of X is the top eigenvector of the (d, d) Gram matrix
    # X^T X. Forming it is one BLAS product, faster than an SVD of the tall (n_docs, d)
    # matrix, and the squared condition number only matters when the top two
    # singular values nearly coincide, where the direction is ill-defined anyway.
    return _top_eigenvector(X.T @ X).astype(out_dtype)


def fit_sif_component_from_corpus(corpus, embedding, sif_weights, *,
                                  chunk_tokens=_SIF_CHUNK_TOKENS):
    """:func:`fit_sif_component` of the SIF vectors of ``corpus``, in bounded memory.

    Pools chunks of documents and accumulates the (d, d) Gram matrix of their SIF vectors,
    instead of holding the (n_docs, d) matrix of a whole training corpus. Each document's
    vector is computed exactly as ``pool_documents(..., "sif")`` computes it.

    BLAS runs on one thread here: the Gram updates are (d, d) products of a few thousand
    rows, which several OpenBLAS threads make slower (benchmarks/DESIGN.md) and
    whose last bits would depend on the number of threads.

    Parameters
    ----------
    corpus : EncodedCorpus
        Encoded documents.
    embedding : array-like of shape (n_words, d)
        Word vectors.
    sif_weights : array-like of shape (n_words,)
        Per-word SIF weights (see :func:`sif_weights`).
    chunk_tokens : int, optional
        Tokens of the chunks of whole documents pooled at once. The result depends on it
        in its last bits (the order of the Gram matrix's sums); fit uses the default.

    Returns
    -------
    component : ndarray of shape (d,)
        As :func:`fit_sif_component`, in the embedding's dtype.
    """
    embedding = np.asarray(embedding)
    # pool_documents pools in the embedding's dtype (float64 if it is not a float type).
    vectors = _float_embedding(embedding)
    n_words, d = vectors.shape
    sif_weights = _per_word("sif_weights", sif_weights, n_words)
    offsets = _check_corpus_offsets(corpus, n_words)
    gram = np.zeros((d, d))
    with threadpool_limits(limits=1, user_api="blas"):
        for first, last in _document_chunks(offsets, chunk_tokens):
            pooled = _sif_vectors(_chunk_ids(corpus, offsets, first, last),
                                  _local_offsets(offsets, first, last), vectors, sif_weights)
            gram += pooled.T @ pooled  # empty documents are zero rows and add nothing
        component = _top_eigenvector(gram)
    return component.astype(embedding.dtype)


def _sif_vectors(ids, offsets, vectors, word_weights):
    """SIF vectors (float64) of consecutive documents, bit-identical to pool_documents.

    The same operations in the same order as ``pool_documents(..., "sif")`` without a
    component: float64 weights ``count * a / (a + p(w)) * (1 / n_tokens)`` per distinct
    word of a document, cast to the vectors' dtype, then scipy's sparse product.
    """
    n_docs, n_words = offsets.size - 1, vectors.shape[0]
    words, counts, indptr = _document_term_counts(ids, offsets, n_words)
    weights = counts * np.take(word_weights, words)  # take: faster than fancy indexing
    n_tokens = np.diff(offsets).astype(np.float64)
    weights *= np.repeat(_safe_reciprocal(n_tokens), np.diff(indptr))
    # int32 index arrays (a chunk has far fewer than 2**31 entries) are used as they
    # are by csr_matrix; int64 ones would be checked and converted.
    matrix = sp.csr_matrix(
        (weights.astype(vectors.dtype), words, indptr.astype(np.int32)),
        shape=(n_docs, n_words))
    return (matrix @ vectors).astype(np.float64)


def _top_eigenvector(gram):
    """Unit top eigenvector of a symmetric PSD matrix, sign fixed; zero for a zero matrix."""
    if not np.any(gram):
        return np.zeros(gram.shape[0])
    _, eigvecs = np.linalg.eigh(gram)
    component = eigvecs[:, -1]  # eigh sorts eigenvalues in ascending order
    if component[np.argmax(np.abs(component))] < 0:
        component = -component
    return component


def _row_scale(matrix, scale):
    """Multiply each row of a CSR matrix by ``scale`` in place (no structure change)."""
    matrix.data *= np.repeat(scale, np.diff(matrix.indptr))


def _safe_reciprocal(x):
    """``1 / x`` where ``x > 0``, else 0 (empty documents must give zero rows, not NaN)."""
    out = np.zeros_like(x, dtype=np.float64)
    np.divide(1.0, x, out=out, where=x > 0)
    return out


def _max_pool(corpus, offsets, embedding, max_block_bytes):
    """Element-wise max over each document's token vectors; empty documents give zeros.

    Tokens are gathered in blocks of at most ``max_block_bytes`` of vectors whatever the
    document lengths, so that one long document does not take a temporary of its length.
    A document cut by a block boundary gets the maximum of its partial maxima, which is
    exactly its maximum.
    """
    n_docs = offsets.size - 1
    d = embedding.shape[1]
    out = np.zeros((n_docs, d), dtype=embedding.dtype)
    n_tokens = int(offsets[-1])
    if n_tokens == 0 or d == 0:
        return out
    block_tokens = max(1, max_block_bytes // (d * embedding.itemsize))
    for lo in range(0, n_tokens, block_tokens):
        hi = min(lo + block_tokens, n_tokens)
        docs, starts = _documents_in_block(offsets, lo, hi)
        vectors = embedding[_token_ids(corpus, lo, hi)]
        partial = np.maximum.reduceat(vectors, starts - lo, axis=0)
        if offsets[docs[0]] < lo:
            # The first document began in an earlier block. Earlier maxima come first, as in
            # reduceat's own left-to-right order.
            np.maximum(out[docs[0]], partial[0], out=partial[0])
        out[docs] = partial
    return out


def _documents_in_block(offsets, lo, hi):
    """The non-empty documents holding tokens ``lo:hi`` and where each starts in that range.

    Returns ``(docs, starts)``; ``starts`` are token positions clipped to ``lo``. reduceat
    needs them strictly increasing: with an empty document included it would return the
    next token's vector for it instead of an empty reduction, so those are left out.
    """
    # side="right" skips the empty documents that share an offset with the one holding lo.
    first = int(np.searchsorted(offsets, lo, side="right")) - 1
    last = int(np.searchsorted(offsets, hi - 1, side="right")) - 1
    doc_starts = offsets[first:last + 1]
    nonempty = offsets[first + 1:last + 2] > doc_starts
    docs = np.arange(first, last + 1)[nonempty]
    return docs, np.maximum(doc_starts[nonempty], lo)


def pool_documents(
    corpus,
    embedding,
    pooling="mean",
    *,
    idf=None,
    sif_weights=None,
    sif_component=None,
    normalize=False,
    max_block_bytes=_MAX_POOL_BLOCK_BYTES,
):
    """Combine the word vectors of each document into one document vector.

    Parameters
    ----------
    corpus : EncodedCorpus
        Encoded documents; ids index rows of ``embedding``. Unknown words are expected to have
        been dropped by the encoding, so every id counts as a known token.
    embedding : array-like of shape (n_words, d)
        Word vectors.
    pooling : {"mean", "sum", "max", "tfidf", "sif"}, default="mean"
        - ``"mean"``: average of the document's token vectors (repeated tokens count each
          time).
        - ``"sum"``: sum of the token vectors.
        - ``"max"``: element-wise maximum over the token vectors.
        - ``"tfidf"``: idf-weighted **average** ``sum_w tf(w) idf(w) v_w / sum_w tf(w) idf(w)``
          (the weights are normalised to sum to 1, so it is a weighted mean, not a sum).
        - ``"sif"``: ``(1 / n_tokens) sum_t a / (a + p(w_t)) v_{w_t}``, then, if
          ``sif_component`` is given, its projection on that direction is removed:
          ``x - (x . c) c``.
    idf : array-like of shape (n_words,), default=None
        Inverse document frequencies; required for ``pooling="tfidf"`` (see
        :func:`~sklearn_w2v._features.document_terms.inverse_document_frequency`).
    sif_weights : array-like of shape (n_words,), default=None
        Per-word SIF weights; required for ``pooling="sif"`` (see :func:`sif_weights`).
    sif_component : array-like of shape (d,), default=None
        Direction to remove for ``pooling="sif"`` (see :func:`fit_sif_component`). It is
        normalised to unit length first; ``None`` or a zero vector removes nothing (this is how
        the vectors used to fit the component are computed).
    normalize : bool, default=False
        L2-normalise each row. Zero rows stay zero.
    max_block_bytes : int, optional
        ``"max"`` gathers the token vectors in blocks of at most this many bytes (memory
        only, not the result).

    Returns
    -------
    doc_vectors : ndarray of shape (n_docs, d)
        In the embedding's dtype (float64 if it is not a floating type). A document with no
        token gives a zero row.
    """
    if pooling not in POOLING_METHODS:
        raise ValueError(f"pooling must be one of {POOLING_METHODS}, got {pooling!r}.")
    embedding = _float_embedding(np.asarray(embedding))
    idf, sif_weights, sif_component = _check_statistics(
        pooling, embedding.shape, idf, sif_weights, sif_component)
    if pooling == "max":
        # Only the offsets are checked whole; ids are decoded block by block.
        out = _max_pool(corpus, _check_corpus_offsets(corpus, embedding.shape[0]), embedding,
                        max_block_bytes)
    else:
        out = _weighted_pool(corpus, embedding, pooling, idf, sif_weights, sif_component)
    if normalize:
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
    return out


def _float_embedding(embedding):
    """``embedding`` (an ndarray) checked 2-D, as float64 unless it is a float type."""
    if embedding.ndim != 2:
        raise ValueError(f"embedding must be 2-D (n_words, d), got shape {embedding.shape}.")
    if not np.issubdtype(embedding.dtype, np.floating):
        return embedding.astype(np.float64)
    return embedding


def _per_word(name, values, n_words):
    """``values`` as float64, checked to hold one value per embedding row."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (n_words,):
        raise ValueError(
            f"{name} must have shape ({n_words},) (one value per embedding row), "
            f"got {values.shape}."
        )
    return values


def _check_statistics(pooling, shape, idf, sif_weights, sif_component):
    """``(idf, sif_weights, sif_component)`` checked and converted for ``pooling``; the
    statistics another pooling ignores are returned unchanged."""
    n_words, d = shape
    if pooling == "tfidf":
        if idf is None:
            raise ValueError(
                'pooling="tfidf" needs idf (per-word inverse document frequencies, e.g. from '
                "inverse_document_frequency)."
            )
        idf = _per_word("idf", idf, n_words)
    if pooling == "sif":
        if sif_weights is None:
            raise ValueError(
                'pooling="sif" needs sif_weights (per-word a/(a+p(w)) weights, e.g. from '
                "sif_weights)."
            )
        sif_weights = _per_word("sif_weights", sif_weights, n_words)
        if sif_component is not None:
            sif_component = np.asarray(sif_component, dtype=np.float64)
            if sif_component.shape != (d,):
                raise ValueError(
                    f"sif_component must have shape ({d},), got {sif_component.shape}."
                )
    return idf, sif_weights, sif_component


def _weighted_pool(corpus, embedding, pooling, idf, sif_weights, sif_component):
    """Every pooling but ``"max"``: the document-term matrix, weighted, times the
    embedding; the SIF component removed. In the embedding's dtype."""
    dtype = embedding.dtype
    weights = document_term_matrix(corpus, embedding.shape[0])
    n_tokens = np.asarray(weights.sum(axis=1)).ravel()
    if pooling == "mean":
        _row_scale(weights, _safe_reciprocal(n_tokens))
    elif pooling == "tfidf":
        weights.data *= idf[weights.indices]
        _row_scale(weights, _safe_reciprocal(np.asarray(weights.sum(axis=1)).ravel()))
    elif pooling == "sif":
        weights.data *= sif_weights[weights.indices]
        _row_scale(weights, _safe_reciprocal(n_tokens))
    # Weights in the embedding's dtype: with float64 weights scipy would upcast a float32
    # embedding to a float64 copy of the whole embedding on every call.
    pooled = np.asarray(weights.astype(dtype) @ embedding, dtype=np.float64)
    if pooling == "sif" and sif_component is not None:
        norm = np.linalg.norm(sif_component)
        if norm > 0:
            c = sif_component / norm
            pooled -= np.outer(pooled @ c, c)
    return pooled.astype(dtype, copy=False)
