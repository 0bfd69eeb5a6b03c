"""Word vectors -> document vectors.

Every pooling method except ``"max"`` is a weighted sum of word vectors, so it is computed
as one sparse product ``W @ embedding`` where ``W`` is the (n_docs, n_words) document-term
matrix with per-entry weights. ``"max"`` uses :func:`numpy.maximum.reduceat` over the
gathered token vectors. Neither loops over documents or tokens in Python.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from ._vocab import EncodedCorpus

__all__ = [
    "POOLING_METHODS",
    "document_term_matrix",
    "inverse_document_frequency",
    "sif_weights",
    "fit_sif_component",
    "pool_documents",
]

POOLING_METHODS = ("mean", "sum", "max", "tfidf", "sif")

# Upper bound on the size of the (tokens, d) block gathered at once by max pooling (1M
# float32 values), so that pooling neither a large corpus nor one long document
# materialises one vector per token in memory.
_MAX_POOL_BLOCK_BYTES = 4 * 2**20


def _check_corpus(corpus, n_words):
    """Validate an :class:`EncodedCorpus`-like object and return ``(ids, doc_offsets)``.

    Parameters
    ----------
    corpus : EncodedCorpus
        Object with ``ids`` and ``doc_offsets`` attributes.
    n_words : int
        Number of vocabulary rows; every id must lie in ``[0, n_words)``.

    Returns
    -------
    ids : ndarray of shape (n_tokens,), int
        For an :class:`EncodedCorpus`, a decoded int32 copy (4 bytes per token): the
        functions that read a whole training corpus use :func:`_check_corpus_offsets` and
        :func:`_token_ids` instead.
    doc_offsets : ndarray of shape (n_docs + 1,), int32 or int64
    """
    offsets = _check_corpus_offsets(corpus, n_words)
    return _token_ids(corpus, 0, int(offsets[-1])), offsets


def _check_corpus_offsets(corpus, n_words):
    """:func:`_check_corpus` without decoding the ids; returns ``doc_offsets``."""
    if not isinstance(n_words, Integral) or isinstance(n_words, bool) or n_words < 0:
        raise ValueError(f"n_words must be a non-negative integer, got {n_words!r}.")
    try:
        offsets = np.asarray(corpus.doc_offsets)
        if isinstance(corpus, EncodedCorpus):
            n_tokens, integer_ids = corpus.n_tokens, True
            low, high = corpus.id_bounds()
        else:
            ids = np.asarray(corpus.ids)
            if ids.ndim != 1:
                raise ValueError("corpus.ids must be a 1-D integer array.")
            n_tokens = ids.size
            integer_ids = ids.size == 0 or np.issubdtype(ids.dtype, np.integer)
            low, high = (ids.min(), ids.max()) if ids.size and integer_ids else (0, -1)
    except AttributeError as exc:
        raise TypeError(
            "corpus must be an EncodedCorpus (with `ids` and `doc_offsets` attributes), "
            f"got {type(corpus).__name__}."
        ) from exc
    if not integer_ids:
        raise ValueError("corpus.ids must be a 1-D integer array.")
    if offsets.ndim != 1 or offsets.size == 0 or not np.issubdtype(offsets.dtype, np.integer):
        raise ValueError("corpus.doc_offsets must be a non-empty 1-D integer array.")
    if offsets.dtype != np.int32:  # EncodedCorpus offsets are int32 or int64: no copy
        offsets = offsets.astype(np.int64, copy=False)
    if offsets[0] != 0 or offsets[-1] != n_tokens or np.any(np.diff(offsets) < 0):
        raise ValueError(
            "corpus.doc_offsets must be non-decreasing, start at 0 and end at len(corpus.ids)."
        )
    if n_tokens and (low < 0 or high >= n_words):
        raise ValueError(f"corpus.ids must lie in [0, {n_words}) (the number of words).")
    return offsets


def _token_ids(corpus, start, stop):
    """Ids of tokens ``start:stop`` of an EncodedCorpus(-like) object, without decoding
    the rest of an :class:`EncodedCorpus`."""
    if isinstance(corpus, EncodedCorpus):
        return corpus.token_ids(start, stop)
    return np.asarray(corpus.ids)[start:stop]


def document_term_matrix(corpus, n_words):
    """Count how often each word occurs in each document.

    Parameters
    ----------
    corpus : EncodedCorpus
        Encoded documents (flat ``ids`` plus ``doc_offsets``).
    n_words : int
        Number of vocabulary rows (columns of the result).

    Returns
    -------
    counts : scipy.sparse.csr_matrix of shape (n_docs, n_words), float64
        ``counts[i, w]`` is the number of occurrences of word ``w`` in document ``i``, in
        canonical form (sorted indices, no duplicate entries). Empty documents are empty rows.
    """
    ids, offsets = _check_corpus(corpus, n_words)
    n_docs = offsets.size - 1
    # The flat encoding already *is* a CSR structure with one entry per token; summing the
    # duplicates turns token occurrences into counts. copy=True because csr_matrix would
    # otherwise share `ids`, and sum_duplicates sorts the indices in place, which would
    # reorder the caller's corpus.
    counts = sp.csr_matrix(
        (np.ones(ids.size, dtype=np.float64), ids, offsets),
        shape=(n_docs, n_words),
        copy=True,
    )
    counts.sum_duplicates()
    return counts


def inverse_document_frequency(corpus, n_words):
    """Smoothed inverse document frequency, as ``TfidfVectorizer(smooth_idf=True)``.

    ``idf(w) = ln((1 + n_docs) / (1 + df(w))) + 1`` where ``df(w)`` is the number of documents
    containing ``w``. The smoothing acts as if one extra document contained every word once,
    so words absent from ``corpus`` get a finite idf.

    Parameters
    ----------
    corpus : EncodedCorpus
        Encoded documents.
    n_words : int
        Number of vocabulary rows.

    Returns
    -------
    idf : ndarray of shape (n_words,), float64
    """
    offsets = _check_corpus_offsets(corpus, n_words)
    df = np.zeros(n_words, dtype=np.int64)
    # Chunks of whole documents keep the temporary (document, word) keys small on a
    # 13M-token corpus; np.unique of the keys leaves each word once per document.
    for first, last in _document_chunks(offsets):
        chunk_ids = _token_ids(corpus, offsets[first], offsets[last]).astype(np.int64)
        doc_of_token = np.repeat(np.arange(last - first, dtype=np.int64),
                                 np.diff(offsets[first:last + 1]))
        keys = np.unique(doc_of_token * n_words + chunk_ids)
        df += np.bincount(keys % n_words, minlength=n_words)
    n_docs = offsets.size - 1
    return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0


def _document_chunks(offsets, max_tokens=1 << 18):
    """``(first, last)`` document ranges of about ``max_tokens`` tokens (at least one doc)."""
    n_docs = offsets.size - 1
    first = 0
    while first < n_docs:
        last = int(np.searchsorted(offsets, offsets[first] + max_tokens, side="right")) - 1
        last = min(max(last, first + 1), n_docs)
        yield first, last
        first = last


_SIF_CHUNK_TOKENS = 1 << 15


def _corpus_slice(corpus, first, last):
    if isinstance(corpus, EncodedCorpus):
        return corpus.document_slice(first, last)
    offsets = corpus.doc_offsets[first:last + 1]
    return type(corpus)(ids=corpus.ids[offsets[0]:offsets[-1]], doc_offsets=offsets - offsets[0])


def fit_sif_component_from_corpus(corpus, embedding, sif_weights):
    """:func:`fit_sif_component` of the SIF vectors of ``corpus``, in bounded memory.

    Pools chunks of documents and accumulates the (d, d) Gram matrix of their SIF vectors,
    instead of holding the (n_docs, d) matrix of a whole training corpus.
    """
    embedding = np.asarray(embedding)
    gram = np.zeros((embedding.shape[1], embedding.shape[1]))
    # Small chunks: pooling holds several (documents, d) copies of a chunk at once
    # (40 MiB with 2**18-token chunks on the benchmark corpus, where they are the peak).
    chunks = _document_chunks(np.asarray(corpus.doc_offsets), max_tokens=_SIF_CHUNK_TOKENS)
    for first, last in chunks:
        pooled = pool_documents(_corpus_slice(corpus, first, last), embedding, "sif",
                                sif_weights=sif_weights).astype(np.float64)
        gram += pooled.T @ pooled  # empty documents are zero rows and add nothing
    return _top_eigenvector(gram).astype(embedding.dtype)


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
    if not isinstance(alpha, Real) or isinstance(alpha, bool) or not alpha > 0:
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
    # X^T X. Forming it is one BLAS product, several times faster than an SVD of the tall
    # (n_docs, d) matrix, and the squared condition number only matters when the top two
    # singular values nearly coincide, where the direction is ill-defined anyway.
    return _top_eigenvector(X.T @ X).astype(out_dtype)


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


def _max_pool(corpus, offsets, embedding):
    """Element-wise max over each document's token vectors; empty documents give zeros.

    Tokens are gathered in blocks of at most ``_MAX_POOL_BLOCK_BYTES`` of vectors whatever the
    document lengths (a 5M-token document used to take one 2 GB temporary). A document cut by
    a block boundary gets the maximum of its partial maxima, which is exactly its maximum.
    """
    n_docs = offsets.size - 1
    d = embedding.shape[1]
    out = np.zeros((n_docs, d), dtype=embedding.dtype)
    n_tokens = int(offsets[-1])
    if n_tokens == 0 or d == 0:
        return out
    block_tokens = max(1, _MAX_POOL_BLOCK_BYTES // (d * embedding.itemsize))
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
        :func:`inverse_document_frequency`).
    sif_weights : array-like of shape (n_words,), default=None
        Per-word SIF weights; required for ``pooling="sif"`` (see :func:`sif_weights`).
    sif_component : array-like of shape (d,), default=None
        Direction to remove for ``pooling="sif"`` (see :func:`fit_sif_component`). It is
        normalised to unit length first; ``None`` or a zero vector removes nothing (this is how
        the vectors used to fit the component are computed).
    normalize : bool, default=False
        L2-normalise each row. Zero rows stay zero.

    Returns
    -------
    doc_vectors : ndarray of shape (n_docs, d)
        In the embedding's dtype (float64 if it is not a floating type). A document with no
        token gives a zero row.
    """
    if pooling not in POOLING_METHODS:
        raise ValueError(f"pooling must be one of {POOLING_METHODS}, got {pooling!r}.")
    embedding = np.asarray(embedding)
    if embedding.ndim != 2:
        raise ValueError(f"embedding must be 2-D (n_words, d), got shape {embedding.shape}.")
    if not np.issubdtype(embedding.dtype, np.floating):
        embedding = embedding.astype(np.float64)
    n_words, d = embedding.shape
    dtype = embedding.dtype

    def _per_word(name, values):
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (n_words,):
            raise ValueError(
                f"{name} must have shape ({n_words},) (one value per embedding row), "
                f"got {values.shape}."
            )
        return values

    if pooling == "tfidf":
        if idf is None:
            raise ValueError(
                'pooling="tfidf" needs idf (per-word inverse document frequencies, e.g. from '
                "inverse_document_frequency)."
            )
        idf = _per_word("idf", idf)
    if pooling == "sif":
        if sif_weights is None:
            raise ValueError(
                'pooling="sif" needs sif_weights (per-word a/(a+p(w)) weights, e.g. from '
                "sif_weights)."
            )
        sif_weights = _per_word("sif_weights", sif_weights)
        if sif_component is not None:
            sif_component = np.asarray(sif_component, dtype=np.float64)
            if sif_component.shape != (d,):
                raise ValueError(
                    f"sif_component must have shape ({d},), got {sif_component.shape}."
                )

    if pooling == "max":
        # Only the offsets are checked whole; ids are decoded block by block.
        out = _max_pool(corpus, _check_corpus_offsets(corpus, n_words), embedding)
    else:
        weights = document_term_matrix(corpus, n_words)
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
        # embedding to a float64 copy (52 MB for 65k x 100 words) on every call.
        pooled = np.asarray(weights.astype(dtype) @ embedding, dtype=np.float64)
        if pooling == "sif" and sif_component is not None:
            norm = np.linalg.norm(sif_component)
            if norm > 0:
                c = sif_component / norm
                pooled -= np.outer(pooled @ c, c)
        out = pooled.astype(dtype, copy=False)

    if normalize:
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
    return out
