"""Word vectors -> document vectors.

Every pooling method except ``"max"`` is a weighted sum of word vectors, so it is computed
as one sparse product ``W @ embedding`` where ``W`` is the (n_docs, n_words) document-term
matrix with per-entry weights. ``"max"`` uses :func:`numpy.maximum.reduceat` over the
gathered token vectors. Neither loops over documents or tokens in Python.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from .._text import EncodedCorpus

__all__ = [
    "POOLING_METHODS",
    "document_term_matrix",
    "document_frequency",
    "inverse_document_frequency",
    "smoothed_idf",
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
    offsets = _check_corpus_offsets(corpus, n_words)
    # Built from chunks of whole documents, so the temporaries (sort keys) stay small
    # whatever the corpus size; only the result grows with it.
    words, counts, indptr = [], [], [np.zeros(1, dtype=np.int64)]
    n_entries = 0
    for first, last in _document_chunks(offsets):
        chunk_words, chunk_counts, chunk_indptr = _document_term_counts(
            _chunk_ids(corpus, offsets, first, last), _local_offsets(offsets, first, last),
            n_words)
        words.append(chunk_words)
        counts.append(chunk_counts)
        indptr.append(chunk_indptr[1:] + n_entries)
        n_entries += chunk_words.size
    matrix = sp.csr_matrix(
        (_concatenate(counts, np.float64), _concatenate(words, np.int32),
         np.concatenate(indptr)),
        shape=(offsets.size - 1, n_words),
    )
    matrix.has_canonical_format = True  # sorted, distinct (document, word) pairs
    return matrix


def _concatenate(arrays, dtype):
    """``np.concatenate`` that also accepts an empty list (a corpus without documents)."""
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)


def _chunk_ids(corpus, offsets, first, last):
    """Ids of documents ``first:last`` (a decoded copy of that range only)."""
    return _token_ids(corpus, int(offsets[first]), int(offsets[last]))


def _local_offsets(offsets, first, last):
    """Offsets of documents ``first:last`` within their chunk (starting at 0)."""
    return offsets[first:last + 1] - offsets[first]


def _sorted_pair_keys(ids, offsets, n_words):
    """Sorted ``(document << shift) | word`` keys of the tokens of consecutive documents.

    Packing each token's (document, word) pair into one unsigned integer lets one
    ``np.sort`` (SIMD-vectorized for these dtypes) group equal pairs. ``np.unique`` of
    such keys, which hashes in recent NumPy, took 3.0 s over the 13M-token benchmark
    corpus where sorting takes 0.1 s; scipy's per-row sort of a CSR matrix took 0.25 s.
    The keys are uint32 when they fit (a chunk of a few thousand documents over a
    vocabulary of 2**17 words), else uint64.

    Parameters
    ----------
    ids : ndarray of int, shape (n_tokens,)
        Word ids in ``[0, n_words)`` of the tokens of the documents, concatenated.
    offsets : ndarray of int, shape (n_docs + 1,)
        Document boundaries in ``ids``: ``offsets[0] == 0``, ``offsets[-1] == ids.size``.
    n_words : int
        Number of vocabulary rows.

    Returns
    -------
    keys : ndarray of uint32 or uint64, shape (n_tokens,)
        Sorted by document (0 for the first one) then word. The keys of document ``i``
        stay in ``offsets[i]:offsets[i + 1]``.
    shift : int
        Bits of the word part: ``keys & ((1 << shift) - 1)`` is the word,
        ``keys >> shift`` the document.
    """
    n_docs = offsets.size - 1
    shift = max(int(n_words) - 1, 1).bit_length()
    document_bits = max(n_docs - 1, 1).bit_length()
    # n_words < 2**31 and fewer than 2**32 documents per chunk: 63 bits at most.
    key_dtype = np.uint32 if shift + document_bits <= 32 else np.uint64
    keys = np.repeat(np.arange(n_docs, dtype=key_dtype), np.diff(offsets))
    keys <<= key_dtype(shift)
    keys |= ids.astype(key_dtype, copy=False)
    keys.sort()
    return keys, shift


def _first_of_each_pair(sorted_keys):
    """Boolean mask of the first occurrence of each distinct key (keys are sorted)."""
    first = np.empty(sorted_keys.size, dtype=bool)
    first[:1] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=first[1:])
    return first


def _document_term_counts(ids, offsets, n_words):
    """Canonical CSR arrays of the document-term counts of consecutive documents.

    ``ids`` and ``offsets`` are as in :func:`_sorted_pair_keys`. Returns ``(words, counts,
    indptr)``: the distinct words of each document in increasing order (int32), how
    often each occurs there (float64, the CSR data), and the row pointers (int64).
    """
    keys, shift = _sorted_pair_keys(ids, offsets, n_words)
    starts = np.flatnonzero(_first_of_each_pair(keys))
    counts = np.diff(starts, append=keys.size).astype(np.float64)
    words = (keys[starts] & keys.dtype.type((1 << shift) - 1)).astype(np.int32)
    # Sorting kept each document's keys in its own range, so the distinct pairs that
    # start before a document's first token are the entries of the rows above it.
    return words, counts, np.searchsorted(starts, offsets)


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
    df = document_frequency(corpus, n_words)  # validates the corpus first
    return smoothed_idf(df, np.asarray(corpus.doc_offsets).size - 1)


def smoothed_idf(df, n_docs):
    """``ln((1 + n_docs) / (1 + df)) + 1``: see :func:`inverse_document_frequency`."""
    return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0


def document_frequency(corpus, n_words):
    """Number of documents of ``corpus`` containing each word: int64, shape (n_words,)."""
    offsets = _check_corpus_offsets(corpus, n_words)
    df = np.zeros(n_words, dtype=np.int64)
    # Chunks of whole documents keep the (document, word) keys small on a 13M-token
    # corpus; each distinct key of a chunk is one document containing the word.
    for first, last in _document_chunks(offsets):
        keys, shift = _sorted_pair_keys(_chunk_ids(corpus, offsets, first, last),
                                        _local_offsets(offsets, first, last), n_words)
        words = keys[_first_of_each_pair(keys)] & keys.dtype.type((1 << shift) - 1)
        df += np.bincount(words.astype(np.intp), minlength=n_words)
    return df


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


def fit_sif_component_from_corpus(corpus, embedding, sif_weights):
    """:func:`fit_sif_component` of the SIF vectors of ``corpus``, in bounded memory.

    Pools chunks of documents and accumulates the (d, d) Gram matrix of their SIF vectors,
    instead of holding the (n_docs, d) matrix of a whole training corpus. Each document's
    vector is computed exactly as ``pool_documents(..., "sif")`` computes it.

    BLAS runs on one thread here: the Gram updates are (d, d) products of a few thousand
    rows, which two OpenBLAS threads made 5-15x slower on a 2-core machine (and whose
    last bits depended on the number of threads).

    Parameters
    ----------
    corpus : EncodedCorpus
        Encoded documents.
    embedding : array-like of shape (n_words, d)
        Word vectors.
    sif_weights : array-like of shape (n_words,)
        Per-word SIF weights (see :func:`sif_weights`).

    Returns
    -------
    component : ndarray of shape (d,)
        As :func:`fit_sif_component`, in the embedding's dtype.
    """
    embedding = np.asarray(embedding)
    if embedding.ndim != 2:
        raise ValueError(f"embedding must be 2-D (n_words, d), got shape {embedding.shape}.")
    # pool_documents pools in the embedding's dtype (float64 if it is not a float type).
    vectors = (embedding if np.issubdtype(embedding.dtype, np.floating)
               else embedding.astype(np.float64))
    n_words, d = vectors.shape
    sif_weights = np.asarray(sif_weights, dtype=np.float64)
    if sif_weights.shape != (n_words,):
        raise ValueError(
            f"sif_weights must have shape ({n_words},) (one value per embedding row), "
            f"got {sif_weights.shape}."
        )
    offsets = _check_corpus_offsets(corpus, n_words)
    gram = np.zeros((d, d))
    with threadpool_limits(limits=1, user_api="blas"):
        # Small chunks: the pooled (documents, d) block of a chunk is the peak memory.
        # The chunks also fix how the Gram matrix is summed: other sizes change its
        # last bits.
        for first, last in _document_chunks(offsets, max_tokens=_SIF_CHUNK_TOKENS):
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
