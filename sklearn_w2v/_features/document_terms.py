"""Which words each document holds: document-term counts, document frequencies and idf.

The counts of a corpus are computed from chunks of whole documents: each token's
(document, word) pair is packed into one integer key and the keys of a chunk are sorted,
so equal pairs are neighbours (:func:`_sorted_pair_keys`). Chunks bound the temporaries
whatever the corpus size; no Python loop runs over documents or tokens. The poolings
(:mod:`sklearn_w2v._features.pooling`) weight these counts; fit learns the document
frequencies (``idf_``) from them.

Every function takes an :class:`~sklearn_w2v._text.EncodedCorpus` or any object with
``ids`` and ``doc_offsets`` arrays.
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp

from .._text import EncodedCorpus

__all__ = ["document_frequency", "document_term_matrix", "inverse_document_frequency",
           "smoothed_idf"]

# Tokens of the chunks of whole documents counted at once: the sort keys of a chunk are
# 1 or 2 MB, whatever the corpus size.
_CHUNK_TOKENS = 1 << 18


def _check_corpus_offsets(corpus, n_words):
    """Validate an :class:`EncodedCorpus`-like object without decoding its ids.

    Parameters
    ----------
    corpus : EncodedCorpus
        Object with ``ids`` and ``doc_offsets`` attributes.
    n_words : int
        Number of vocabulary rows; every id must lie in ``[0, n_words)``.

    Returns
    -------
    doc_offsets : ndarray of shape (n_docs + 1,), int32 or int64
        The functions that read the ids then decode them a range at a time
        (:func:`_token_ids`), never the whole corpus at once.
    """
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


def document_term_matrix(corpus, n_words, *, chunk_tokens=_CHUNK_TOKENS):
    """Count how often each word occurs in each document.

    Parameters
    ----------
    corpus : EncodedCorpus
        Encoded documents (flat ``ids`` plus ``doc_offsets``).
    n_words : int
        Number of vocabulary rows (columns of the result).
    chunk_tokens : int, optional
        Tokens of the chunks of whole documents counted at once (memory only, not the
        result).

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
    for first, last in _document_chunks(offsets, chunk_tokens):
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
    ``np.sort`` (SIMD-vectorized for these dtypes) group equal pairs; this was measured
    faster than ``np.unique`` of the keys (which hashes in recent NumPy) and than scipy's
    per-row sort of a CSR matrix (benchmarks/DESIGN.md). The keys are uint32 when
    they fit (a chunk of a few thousand documents over a
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


def inverse_document_frequency(corpus, n_words, *, chunk_tokens=_CHUNK_TOKENS):
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
    chunk_tokens : int, optional
        See :func:`document_term_matrix`.

    Returns
    -------
    idf : ndarray of shape (n_words,), float64
    """
    # document_frequency validates the corpus first.
    df = document_frequency(corpus, n_words, chunk_tokens=chunk_tokens)
    return smoothed_idf(df, np.asarray(corpus.doc_offsets).size - 1)


def smoothed_idf(df, n_docs):
    """``ln((1 + n_docs) / (1 + df)) + 1``: see :func:`inverse_document_frequency`."""
    return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0


def document_frequency(corpus, n_words, *, chunk_tokens=_CHUNK_TOKENS):
    """Number of documents of ``corpus`` containing each word: int64, shape (n_words,).

    ``chunk_tokens``: see :func:`document_term_matrix`.
    """
    offsets = _check_corpus_offsets(corpus, n_words)
    df = np.zeros(n_words, dtype=np.int64)
    # Chunks of whole documents keep the (document, word) keys small on a large corpus;
    # each distinct key of a chunk is one document containing the word.
    for first, last in _document_chunks(offsets, chunk_tokens):
        keys, shift = _sorted_pair_keys(_chunk_ids(corpus, offsets, first, last),
                                        _local_offsets(offsets, first, last), n_words)
        words = keys[_first_of_each_pair(keys)] & keys.dtype.type((1 << shift) - 1)
        df += np.bincount(words.astype(np.intp), minlength=n_words)
    return df


def _document_chunks(offsets, max_tokens):
    """``(first, last)`` document ranges of about ``max_tokens`` tokens (at least one doc)."""
    n_docs = offsets.size - 1
    first = 0
    while first < n_docs:
        last = int(np.searchsorted(offsets, offsets[first] + max_tokens, side="right")) - 1
        last = min(max(last, first + 1), n_docs)
        yield first, last
        first = last
