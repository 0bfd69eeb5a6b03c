"""Vocabulary, integer encoding, subsampling and the noise distribution.

The corpus is held as flat word ids plus document offsets (:class:`EncodedCorpus`), so that
everything downstream (batching, subsampling) is vectorized NumPy instead of Python loops
over tokens. The ids take 2 bytes per token (see :class:`EncodedCorpus`).

Building it takes one pass over the token lists: every distinct word gets a provisional id
in order of first appearance while the corpus is encoded (in chunks, so that no
corpus-length temporary exists), then :func:`build_vocabulary` decides which words survive
and in what order, and :func:`remap_corpus` rewrites the ids chunk by chunk in place.
"""

from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import chain, count, repeat

import numpy as np

__all__ = [
    "EncodedCorpus",
    "NoiseSampler",
    "build_vocabulary",
    "count_and_encode",
    "encode_documents",
    "keep_probabilities",
    "noise_distribution",
    "remap_corpus",
]

# Stored in place of an id that does not fit in 16 bits (>= 65535); the real id is in the
# corpus's table of escaped tokens.
_ESCAPE = np.iinfo(np.uint16).max

# Word ids that fit in a uint16: 0 .. 65535.
_UINT16_IDS = 1 << 16


class EncodedCorpus:
    """A tokenized corpus as flat word ids plus document boundaries.

    Document ``i`` is ``ids[doc_offsets[i]:doc_offsets[i + 1]]``. Empty documents keep their
    slot (two equal consecutive offsets), so document ``i`` of the corpus is always
    document ``i`` of the input.

    The ids are stored in 2 bytes per token: an id below 65535 is stored as a ``uint16``;
    a larger one is stored as 65535 and its value is kept in a table of (position, id) of
    such *escaped* tokens. Vocabulary rows are ordered by descending count, so only the
    rarest words of a vocabulary of more than 65,535 words are escaped (on the 13M-token
    benchmark corpus, 42 words and a few hundred tokens). :meth:`token_ids` decodes a range
    of tokens with a few vectorized calls.

    Parameters
    ----------
    ids : array-like of int, shape (n_tokens,)
        Word ids (vocabulary rows), ``0 <= id < 2**31``.
    doc_offsets : array-like of int, shape (n_docs + 1,)
        Non-decreasing, ``doc_offsets[0] == 0`` and ``doc_offsets[-1] == n_tokens``.
        Stored as int32 unless the corpus has 2**31 tokens or more.
    """

    __slots__ = ("_stored", "_escaped_positions", "_escaped_ids", "_doc_offsets")

    def __init__(self, ids, doc_offsets):
        ids = np.ascontiguousarray(ids, dtype=np.int32)
        doc_offsets = np.ascontiguousarray(doc_offsets, dtype=np.int64)
        if ids.ndim != 1 or doc_offsets.ndim != 1:
            raise ValueError("`ids` and `doc_offsets` must be one-dimensional.")
        if doc_offsets.size == 0 or doc_offsets[0] != 0:
            raise ValueError("`doc_offsets` must start with 0.")
        if doc_offsets[-1] != ids.size:
            raise ValueError(
                f"`doc_offsets` must end with n_tokens={ids.size}, got "
                f"{doc_offsets[-1]}."
            )
        if doc_offsets.size > 1 and np.any(np.diff(doc_offsets) < 0):
            raise ValueError("`doc_offsets` must be non-decreasing.")
        if ids.size and ids.min() < 0:
            raise ValueError("`ids` must be non-negative.")
        builder = _CompactIdsBuilder()
        builder.append(ids)
        self._set_storage(*builder.finish(), _compact_offsets(doc_offsets))

    @classmethod
    def _from_storage(cls, stored, escaped_positions, escaped_ids, doc_offsets):
        """A corpus around already encoded arrays (no copy, no validation)."""
        corpus = cls.__new__(cls)
        corpus._set_storage(stored, escaped_positions, escaped_ids, doc_offsets)
        return corpus

    def _storage_arrays(self):
        """The arrays :meth:`_set_storage` takes, in its order (for a process that swaps
        them for shared maps with the same values)."""
        return (self._stored, self._escaped_positions, self._escaped_ids, self._doc_offsets)

    def _set_storage(self, stored, escaped_positions, escaped_ids, doc_offsets):
        self._stored = stored  # uint16, _ESCAPE where the id is escaped
        self._escaped_positions = escaped_positions  # int64, increasing
        self._escaped_ids = escaped_ids  # int32
        self._doc_offsets = doc_offsets  # int32 below 2**31 tokens, else int64

    @property
    def doc_offsets(self):
        """ndarray of shape (n_docs + 1,): document boundaries.

        int32 (4 bytes per document) when the corpus has fewer than 2**31 tokens, else
        int64.
        """
        return self._doc_offsets

    @property
    def ids(self):
        """ndarray of int32, shape (n_tokens,): all word ids, decoded into a new array.

        This allocates 4 bytes per token; code that walks a large corpus reads ranges with
        :meth:`token_ids` instead.
        """
        return self.token_ids(0, self.n_tokens)

    @property
    def n_docs(self) -> int:
        """Number of documents, including empty ones."""
        return self._doc_offsets.size - 1

    @property
    def n_tokens(self) -> int:
        """Total number of tokens over all documents."""
        return self._stored.size

    @property
    def nbytes(self) -> int:
        """Bytes held by the ids, the escaped-token table and the offsets."""
        return (self._stored.nbytes + self._escaped_positions.nbytes
                + self._escaped_ids.nbytes + self._doc_offsets.nbytes)

    def token_ids(self, start, stop):
        """Word ids of tokens ``start:stop`` as a new int32 array."""
        ids = self._stored[start:stop].astype(np.int32)
        if self._escaped_positions.size:
            first, last = np.searchsorted(self._escaped_positions, (start, stop))
            ids[self._escaped_positions[first:last] - start] = self._escaped_ids[first:last]
        return ids

    def id_bounds(self):
        """``(min id, max id)`` without decoding the corpus; ``(0, -1)`` if it is empty."""
        if self.n_tokens == 0:
            return 0, -1
        low, high = int(self._stored.min()), int(self._stored.max())
        if self._escaped_ids.size:
            # Escaped ids are >= _ESCAPE (the constructor rejects negative ids) and stored
            # as _ESCAPE, the largest uint16.
            high = int(self._escaped_ids.max())
            if low == _ESCAPE:
                low = int(self._escaped_ids.min())
        return low, high

    def document_slice(self, first, last):
        """Documents ``first:last`` as a corpus that shares this corpus's ids (a view)."""
        offsets = self._doc_offsets[first:last + 1]
        start, stop = int(offsets[0]), int(offsets[-1])
        lo, hi = np.searchsorted(self._escaped_positions, (start, stop))
        return EncodedCorpus._from_storage(
            self._stored[start:stop], self._escaped_positions[lo:hi] - start,
            self._escaped_ids[lo:hi], offsets - start)


class _CompactIdsBuilder:
    """Append chunks of int32 ids to the 2-byte storage of :class:`EncodedCorpus`.

    The storage grows with ``ndarray.resize`` (``realloc``, which moves the pages of a
    large buffer instead of copying them), so building never holds two copies. Negative
    ids are escaped too (only used internally, to mark unknown words before they are
    dropped).
    """

    # Growth step: never less than this many tokens (8 MB), else a quarter of the size.
    _MIN_GROWTH = 1 << 22

    def __init__(self, buffer=None):
        # ``buffer``: existing uint16 storage to overwrite with write_at (remapping).
        self._stored = np.empty(0, dtype=np.uint16) if buffer is None else buffer
        self._size = 0
        self._positions = []
        self._ids = []

    def append(self, ids):
        size = self._size + ids.size
        if size > self._stored.size:
            capacity = max(size, self._stored.size + max(self._stored.size // 4,
                                                         self._MIN_GROWTH))
            # Nothing else references the buffer, so refcheck (which also counts this
            # method's own references) is not needed.
            self._stored.resize(capacity, refcheck=False)
        self._write(self._stored[self._size:size], ids, self._size)
        self._size = size

    def write_at(self, position, ids):
        """Store ``ids`` at ``position`` of an existing buffer (for in-place remapping)."""
        self._write(self._stored[position:position + ids.size], ids, position)
        self._size = position + ids.size

    def _write(self, out, ids, position):
        # Casting wraps values outside [0, 65535); they are all escaped below.
        np.copyto(out, ids, casting="unsafe")
        escaped = np.flatnonzero(ids.view(np.uint32) >= _ESCAPE)
        if escaped.size:
            out[escaped] = _ESCAPE
            self._positions.append(escaped + position)
            self._ids.append(ids[escaped])

    def finish(self) -> "tuple[np.ndarray, np.ndarray, np.ndarray]":
        """``(stored, escaped_positions, escaped_ids)``; the buffer is trimmed to size."""
        if self._stored.size != self._size:
            self._stored.resize(self._size, refcheck=False)
        return (self._stored,) + self._escaped_table()

    def finish_view(self, size) -> "tuple[np.ndarray, np.ndarray, np.ndarray]":
        """Like :meth:`finish` for a buffer that may be shared: keep a view of the first
        ``size`` entries, or a copy when the unused tail is large."""
        stored = self._stored[:size]
        if size < 0.9 * self._stored.size:
            stored = stored.copy()
        return (stored,) + self._escaped_table()

    def _escaped_table(self) -> "tuple[np.ndarray, np.ndarray]":
        positions = (np.concatenate(self._positions) if self._positions
                     else np.zeros(0, dtype=np.int64))
        escaped = (np.concatenate(self._ids) if self._ids else np.zeros(0, dtype=np.int32))
        return positions.astype(np.int64, copy=False), escaped


def _first_appearance_ids():
    """A dict that gives each unseen key the next integer id (0, 1, 2, ...).

    ``defaultdict.__missing__`` and ``count.__next__`` are both C code, so
    ``map(ids.__getitem__, tokens)`` runs no Python code at all, not even once per
    distinct word (a ``dict`` subclass with a Python ``__missing__`` spent 0.1-0.2 s in
    it for the 194k words of the 13M-token benchmark corpus).
    """
    return defaultdict(count().__next__)


# Tokens encoded per chunk while reading documents, and per chunk of remapping: bounds the
# int32/int64 temporaries to a few MB whatever the corpus size.
_ENCODE_CHUNK = 1 << 18
_REMAP_CHUNK = 1 << 18


def count_and_encode(
    token_lists: Iterable[list[str]],
) -> tuple[list[str], np.ndarray, EncodedCorpus]:
    """Count words and encode the corpus with provisional ids in one pass.

    Parameters
    ----------
    token_lists : iterable of list of str
        Tokens of each document, e.g. from
        :func:`sklearn_w2v._text.iter_token_lists`. It is consumed once, so a
        generator works.

    Returns
    -------
    words : list of str
        Every distinct word, in order of first appearance; ``words[k]`` has
        provisional id ``k``.
    counts : ndarray of int64, shape (len(words),)
        Number of occurrences of each word.
    corpus : EncodedCorpus
        The corpus encoded with the provisional ids. Empty documents keep
        their slot. Use :func:`build_vocabulary` and :func:`remap_corpus` to
        turn it into vocabulary ids.
    """
    word_to_id = _first_appearance_ids()
    counts = np.zeros(0, dtype=np.int64)

    def add_counts(chunk):
        nonlocal counts
        # Words first seen in this chunk extend the counts.
        chunk_counts = np.bincount(chunk, minlength=len(word_to_id))
        chunk_counts[:counts.size] += counts
        counts = chunk_counts

    builder, doc_offsets = _encode_in_chunks(token_lists, word_to_id.__getitem__,
                                             add_counts)
    words = list(word_to_id)  # dicts keep insertion order == provisional ids
    return words, counts, EncodedCorpus._from_storage(*builder.finish(), doc_offsets)


def _encode_in_chunks(token_lists, lookup, on_chunk=None,
                      default=None) -> "tuple[_CompactIdsBuilder, np.ndarray]":
    """Encode all tokens with ``lookup`` into a :class:`_CompactIdsBuilder`.

    Documents are gathered into blocks of about ``_ENCODE_CHUNK`` tokens (Python code once
    per document: append, len, add); each block's tokens then go through one C-level
    pipeline (chain -> lookup -> fromiter) ``_ENCODE_CHUNK`` tokens at a time, so no
    Python code runs per token except once per new word in ``count_and_encode``. A
    generator's documents are held one block at a time. ``on_chunk`` is called with each
    chunk of ids. ``default`` is passed as a second argument to ``lookup`` (``dict.get``).

    Returns the builder and the document offsets.
    """
    builder = _CompactIdsBuilder()
    doc_lengths = array("q")
    block, block_tokens = [], 0
    for tokens in token_lists:
        block.append(tokens)
        block_tokens += len(tokens)
        if block_tokens >= _ENCODE_CHUNK:
            _encode_block(block, block_tokens, lookup, default, builder, on_chunk)
            doc_lengths.extend(map(len, block))
            block, block_tokens = [], 0
    _encode_block(block, block_tokens, lookup, default, builder, on_chunk)
    doc_lengths.extend(map(len, block))
    return builder, _offsets_from_lengths(doc_lengths)


def _encode_block(block, n_tokens, lookup, default, builder, on_chunk):
    """Encode the ``n_tokens`` tokens of the documents in ``block`` into ``builder``."""
    tokens = chain.from_iterable(block)
    stream = (map(lookup, tokens) if default is None
              else map(lookup, tokens, repeat(default)))
    # A block ends with the document that fills it, which may be long: encode it in
    # chunks so that the temporaries stay bounded.
    for start in range(0, n_tokens, _ENCODE_CHUNK):
        # With a count, fromiter takes exactly that many items and leaves the rest.
        chunk = np.fromiter(stream, dtype=np.int32,
                            count=min(_ENCODE_CHUNK, n_tokens - start))
        builder.append(chunk)
        if on_chunk is not None:
            on_chunk(chunk)


def _offsets_from_lengths(doc_lengths) -> np.ndarray:
    lengths = np.frombuffer(doc_lengths, dtype=np.int64)
    offsets = np.zeros(len(doc_lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return _compact_offsets(offsets)


def _compact_offsets(offsets):
    """int64 document offsets as int32 when every offset fits (fewer than 2**31 tokens)."""
    if offsets[-1] <= np.iinfo(np.int32).max:
        return offsets.astype(np.int32)
    return offsets


def build_vocabulary(
    words, counts, *, min_count=5, max_vocab_size=None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Select and order the vocabulary.

    Words occurring fewer than ``min_count`` times are dropped, then only the
    ``max_vocab_size`` most frequent remain. Rows are ordered by descending
    count, ties broken by the word (Python ``str`` order, i.e. by code point),
    so the result does not depend on the order of the documents.

    Parameters
    ----------
    words : sequence of str
        Distinct words, e.g. from :func:`count_and_encode`.
    counts : array-like of int, shape (len(words),)
        Occurrences of each word.
    min_count : int, default=5
        Minimum number of occurrences to be kept.
    max_vocab_size : int or None, default=None
        Maximum number of words kept (the most frequent). None keeps all.
        Unlike gensim's parameter of the same name this is not a memory limit
        during counting (words are pruned only after the exact counts are
        known); it caps the final vocabulary.

    Returns
    -------
    vocab_words : list of str
        Kept words; row 0 is the most frequent.
    vocab_counts : ndarray of int64, shape (len(vocab_words),)
        Their counts, non-increasing.
    old_to_new : ndarray of int32, shape (len(words),)
        New row of each input word, -1 for dropped words. Pass it to
        :func:`remap_corpus`.

    Raises
    ------
    ValueError
        If the lengths differ, a count is negative, ``min_count`` is not a
        non-negative integer or ``max_vocab_size`` is not None or a positive
        integer.
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or counts.size != len(words):
        raise ValueError(
            f"`counts` must be one-dimensional with one entry per word "
            f"({len(words)}), got shape {counts.shape}."
        )
    if counts.size and not np.issubdtype(counts.dtype, np.integer):
        raise ValueError(f"`counts` must be integers, got dtype {counts.dtype}.")
    counts = counts.astype(np.int64, copy=False)
    if np.any(counts < 0):
        raise ValueError("`counts` must be non-negative.")
    if not _is_integer(min_count) or min_count < 0:
        raise ValueError(f"`min_count` must be an integer >= 0, got {min_count!r}.")
    if max_vocab_size is not None and (
        not _is_integer(max_vocab_size) or max_vocab_size < 1
    ):
        raise ValueError(
            "`max_vocab_size` must be None or an integer >= 1, got "
            f"{max_vocab_size!r}."
        )

    kept_old_ids = np.flatnonzero(counts >= min_count)
    kept_words = [words[i] for i in kept_old_ids.tolist()]
    kept_counts = counts[kept_old_ids]
    # Rank the words alphabetically with Python's sort (C-level key lookup);
    # a numpy array of str would be sized by the longest word, which can be
    # huge for junk tokens.
    alphabetical_order = sorted(range(len(kept_words)), key=kept_words.__getitem__)
    alphabetical_rank = np.empty(len(kept_words), dtype=np.int64)
    alphabetical_rank[alphabetical_order] = np.arange(len(kept_words))
    # lexsort uses the last key as the primary one.
    order = np.lexsort((alphabetical_rank, -kept_counts))
    if max_vocab_size is not None:
        order = order[:max_vocab_size]

    vocab_words = [kept_words[i] for i in order.tolist()]
    vocab_counts = kept_counts[order]
    old_to_new = np.full(len(words), -1, dtype=np.int32)
    old_to_new[kept_old_ids[order]] = np.arange(order.size, dtype=np.int32)
    return vocab_words, vocab_counts, old_to_new


def _is_integer(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def remap_corpus(corpus: EncodedCorpus, old_to_new, *, in_place=False) -> EncodedCorpus:
    """Rewrite the ids of ``corpus`` and drop the tokens mapped to -1.

    Parameters
    ----------
    corpus : EncodedCorpus
        Corpus with provisional ids.
    old_to_new : array-like of int, shape (n_old_ids,) or None
        New id of each old id, -1 to drop it (from :func:`build_vocabulary`). None keeps
        every id and drops negative ones (used internally for unknown words).
    in_place : bool, default=False
        Reuse the ids of ``corpus`` as the output buffer (``corpus`` must not be used
        afterwards, nor corpora sliced from it). Fitting a 13M-token corpus otherwise
        holds two id arrays at once.

    Returns
    -------
    corpus : EncodedCorpus
        Same number of documents; documents whose tokens are all dropped
        become empty but keep their slot.
    """
    if old_to_new is not None:
        old_to_new = np.asarray(old_to_new)
    offsets = corpus.doc_offsets
    n_tokens = corpus.n_tokens
    builder = _CompactIdsBuilder(corpus._stored if in_place
                                 else np.empty_like(corpus._stored))
    new_offsets = np.empty_like(offsets)
    written = 0
    next_doc = 0  # first document whose start offset is not mapped yet
    # Chunks bound the temporaries; the write position never passes the read position,
    # so compacting into the same buffer is safe (each chunk is decoded before writing).
    for start in range(0, n_tokens, _REMAP_CHUNK):
        stop = min(start + _REMAP_CHUNK, n_tokens)
        ids = corpus.token_ids(start, stop)
        mapped = ids if old_to_new is None else old_to_new[ids]
        keep = mapped >= 0
        # kept_before[j]: tokens kept among the chunk's first j; at a document start
        # inside the chunk it gives that document's new offset.
        kept_before = np.zeros(keep.size + 1, dtype=np.int64)
        np.cumsum(keep, out=kept_before[1:])
        doc_stop = int(np.searchsorted(offsets, stop, side="left"))
        new_offsets[next_doc:doc_stop] = written + kept_before[offsets[next_doc:doc_stop] - start]
        next_doc = doc_stop
        kept = mapped[keep].astype(np.int32, copy=False)
        builder.write_at(written, kept)
        written += kept.size
    new_offsets[next_doc:] = written  # the starts of trailing empty documents and the end
    stored, escaped_positions, escaped_ids = builder.finish_view(written)
    return EncodedCorpus._from_storage(stored, escaped_positions, escaped_ids, new_offsets)


def encode_documents(token_lists, vocabulary: Mapping[str, int]) -> EncodedCorpus:
    """Encode token lists with a fixed vocabulary (for transform / score).

    Parameters
    ----------
    token_lists : iterable of list of str
        Tokens of each document.
    vocabulary : dict of str to int
        Row of each known word; values must be >= 0 and fit in int32.

    Returns
    -------
    corpus : EncodedCorpus
        Unknown words are dropped; every document keeps its slot, even if it
        becomes empty.
    """
    # dict.get with a default of -1 marks unknown words at C level; they are escaped in
    # storage and removed afterwards by the chunked remap.
    builder, doc_offsets = _encode_in_chunks(token_lists, vocabulary.get, default=-1)
    with_unknown = EncodedCorpus._from_storage(*builder.finish(), doc_offsets)
    return remap_corpus(with_unknown, None, in_place=True)


def keep_probabilities(counts, sample) -> np.ndarray:
    """Probability of keeping each occurrence of a word when subsampling.

    This is the formula of word2vec.c (also used by gensim), not the
    ``1 - sqrt(t / f)`` discard probability printed in Mikolov et al. (2013).
    With ``t = sample * counts.sum()``::

        p_keep(w) = (sqrt(c_w / t) + 1) * t / c_w, clipped to at most 1.

    Words with ``c_w`` below roughly ``2.6 * t`` are always kept; very
    frequent words are kept with probability about ``sqrt(t / c_w)``.

    Parameters
    ----------
    counts : array-like of int, shape (n_words,)
        Occurrences of each vocabulary word (the total is taken over these,
        as word2vec.c uses the count of in-vocabulary training words).
    sample : float
        Threshold ``t`` as a fraction of the total count (word2vec.c's
        ``-sample``, typically 1e-3 to 1e-5). 0 disables subsampling.

    Returns
    -------
    p_keep : ndarray of float64, shape (n_words,)
        Values in (0, 1]. Words with a zero count get 1.

    Raises
    ------
    ValueError
        If ``sample`` is negative or not finite, or a count is negative.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if not np.isfinite(sample) or sample < 0:
        raise ValueError(f"`sample` must be a finite number >= 0, got {sample!r}.")
    if np.any(counts < 0):
        raise ValueError("`counts` must be non-negative.")
    threshold = sample * counts.sum()
    p_keep = np.ones_like(counts)
    if threshold == 0:
        return p_keep
    seen = counts > 0
    counts_seen = counts[seen]
    p_keep[seen] = (np.sqrt(counts_seen / threshold) + 1.0) * threshold / counts_seen
    return np.minimum(p_keep, 1.0, out=p_keep)


def noise_distribution(counts, ns_exponent=0.75) -> np.ndarray:
    """Noise distribution ``q(w) ∝ count(w) ** ns_exponent``.

    Parameters
    ----------
    counts : array-like of int, shape (n_words,)
        Occurrences of each vocabulary word.
    ns_exponent : float, default=0.75
        0.75 is word2vec's choice; 1 gives the unigram distribution, 0 the
        uniform one. Negative values favour rare words (allowed only when
        every count is positive).

    Returns
    -------
    q : ndarray of float64, shape (n_words,)
        Sums to 1.

    Raises
    ------
    ValueError
        If ``counts`` is empty or negative, ``ns_exponent`` is not finite, or
        it is so far from 0 that the probability of a word with a positive
        count underflows to 0.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError("`counts` must be a non-empty one-dimensional array.")
    if np.any(counts < 0):
        raise ValueError("`counts` must be non-negative.")
    if not np.isfinite(ns_exponent):
        raise ValueError(f"`ns_exponent` must be finite, got {ns_exponent!r}.")
    if ns_exponent < 0 and np.any(counts == 0):
        raise ValueError(
            "A negative `ns_exponent` needs every count to be positive "
            "(0 ** negative is infinite)."
        )
    positive = counts > 0
    if not positive.any() and ns_exponent > 0:
        raise ValueError("The noise weights count ** ns_exponent are all zero.")
    # In log space, shifted by the largest: count ** ns_exponent itself overflows or
    # underflows for large |ns_exponent|, while the normalised q may still be fine.
    # 0 ** 0 == 1 (ns_exponent == 0 is uniform over all words); 0 ** positive == 0.
    log_weights = np.full(counts.shape, -np.inf if ns_exponent > 0 else 0.0)
    log_weights[positive] = ns_exponent * np.log(counts[positive])
    weights = np.exp(log_weights - log_weights.max())
    q = weights / weights.sum()
    underflow = positive & (q == 0)
    if underflow.any():
        raise ValueError(
            f"ns_exponent={ns_exponent!r} makes the noise probability "
            f"q(w) ∝ count(w)**ns_exponent underflow to 0 for {int(underflow.sum())} of "
            f"the {counts.size} words, which could then never be noise words and would "
            f"score -inf. Use an ns_exponent closer to 0 (word2vec uses 0.75).")
    return q


class NoiseSampler:
    """Draw word ids from a fixed discrete distribution, exactly, in O(1) per draw.

    word2vec.c draws noise words from a table of 10^8 word ids in which each word fills a
    share of the slots proportional to its probability (rounded); gensim binary-searches the
    cumulative distribution. This sampler combines both, exactly: with ``T`` slots (4 to 16
    per word), word ``w`` fills ``floor(T q_w)`` slots of a table, and the leftover mass
    ``T q_w - floor(T q_w)`` (at most one slot per word, so at most a quarter of the
    draws) goes to a residual distribution sampled by inverse CDF. A draw ``x`` uniform in
    ``[0, T)`` reads the table at ``floor(x)`` when ``x`` falls in it and the residual CDF
    otherwise, so each word is drawn with probability ``(floor(T q_w) + r_w) / T = q_w``.
    Measured 6x faster than a binary search of the CDF for every draw (0.035 vs 0.23 ms per
    1,280 draws over 10k words).

    Parameters
    ----------
    probabilities : array-like of float, shape (n_words,)
        Non-negative weights, e.g. from :func:`noise_distribution`. They are
        normalized to sum to 1.

    Attributes
    ----------
    probabilities : ndarray of float64, shape (n_words,)
        The normalized distribution.
    log_probabilities : ndarray of float64, shape (n_words,)
        ``log(probabilities)``; ``-inf`` where the probability is 0. Used by
        NCE, whose logits subtract ``log(k * q(w))``.
    """

    # Table slots: more slots send fewer draws to the residual binary search (16 per word:
    # 3% of the draws, 4 per word: 12%, measured 35 vs 51 us per 1,280 draws on 65k words)
    # but cost 4 bytes each, so large vocabularies get fewer per word, never fewer than 4.
    _SLOTS_PER_WORD = 16
    _MIN_SLOTS_PER_WORD = 4
    _MAX_TABLE_SLOTS = 1 << 22

    def __init__(self, probabilities):
        probabilities = np.asarray(probabilities, dtype=np.float64)
        if probabilities.ndim != 1 or probabilities.size == 0:
            raise ValueError(
                "`probabilities` must be a non-empty one-dimensional array."
            )
        if not np.all(np.isfinite(probabilities)) or np.any(probabilities < 0):
            raise ValueError("`probabilities` must be finite and non-negative.")
        total = probabilities.sum()
        if total <= 0:
            raise ValueError("`probabilities` must not all be zero.")
        self.probabilities = probabilities / total
        with np.errstate(divide="ignore"):
            self.log_probabilities = np.log(self.probabilities)
        n_slots = max(self._MIN_SLOTS_PER_WORD * probabilities.size,
                      min(self._SLOTS_PER_WORD * probabilities.size, self._MAX_TABLE_SLOTS))
        scaled = self.probabilities * n_slots
        whole = np.floor(scaled)
        slots_per_word = whole.astype(np.int64)
        # The table holds the word ids in order, so the ids that do not fit in 16 bits
        # (words 65,536 and up, the rarest of a larger vocabulary) fill its last slots:
        # the first _table_head slots are kept as uint16 and the rest as int32 (2 MB
        # instead of 4 on the 65,577 words of the benchmark corpus).
        n_small = min(probabilities.size, _UINT16_IDS)
        self._table = np.repeat(np.arange(n_small, dtype=np.uint16), slots_per_word[:n_small])
        self._table_tail = np.repeat(np.arange(n_small, probabilities.size, dtype=np.int32),
                                     slots_per_word[n_small:])
        self._table_size = self._table.size + self._table_tail.size
        residual_cdf = np.cumsum(scaled - whole)
        self._residual_mass = float(n_slots - self._table_size)
        self._n_slots = float(n_slots)
        # The residual masses sum to n_slots - table size up to rounding: normalising the
        # last entry to exactly 1.0 makes a residual draw in [0, 1) always land in a bin.
        self._residual_cdf = (residual_cdf / residual_cdf[-1] if residual_cdf[-1] > 0
                              else residual_cdf)
        # Trailing zero-probability words share the CDF value 1.0 and can never be
        # selected; clipping to the last positive word (rather than n - 1) keeps that
        # true even if rounding ever pushed a draw past it.
        self._last_possible_id = int(np.flatnonzero(probabilities > 0)[-1])

    def sample(self, rng: np.random.Generator, size) -> np.ndarray:
        """Draw word ids.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of randomness; the same generator state gives the same ids.
        size : int or tuple of int
            Output shape.

        Returns
        -------
        ids : ndarray of int32, shape ``size``
            Each ``ids[...] == w`` with probability ``probabilities[w]``.
        """
        position = rng.random(size)
        position *= self._n_slots
        slot = position.astype(np.int64)
        n_head, n_table = self._table.size, self._table_size
        ids = (self._table[np.minimum(slot, n_head - 1)].astype(np.int32) if n_head
               else np.zeros(np.shape(position), dtype=np.int32))
        if self._table_tail.size:
            tail = (slot >= n_head) & (slot < n_table)
            if tail.any():
                ids[tail] = self._table_tail[slot[tail] - n_head]
        residual = slot >= n_table
        if residual.any():
            # Position n_table + r * residual_mass, r uniform in [0, 1), is residual draw r.
            r = (position[residual] - n_table) / self._residual_mass
            # side="right": r in [cdf[w-1], cdf[w]) maps to w, so a zero-width bin
            # (no residual mass) is never hit.
            drawn = np.searchsorted(self._residual_cdf, r, side="right")
            ids[residual] = np.minimum(drawn, self._last_possible_id)
        return ids
