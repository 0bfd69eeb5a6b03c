"""The encoded corpus in memory: documents as flat word ids, built in one pass, remapped
in place.

The corpus is held as flat word ids plus document offsets (:class:`EncodedCorpus`), so that
everything downstream (batching, subsampling) is vectorized NumPy instead of Python loops
over tokens. The ids take 2 bytes per token (see :class:`EncodedCorpus`).

Building it takes one pass over the token lists (:func:`count_and_encode`): every distinct
word gets a provisional id in order of first appearance while the corpus is encoded (in
chunks, so that no corpus-length temporary exists), then
:func:`~sklearn_w2v._text.vocabulary.build_vocabulary` decides which words survive and in
what order, and :func:`remap_corpus` rewrites the ids chunk by chunk in place.
:func:`encode` (``transform``, ``score``) encodes documents with a fixed vocabulary
instead. The same corpus in files of a folder is
:class:`~sklearn_w2v._text.corpus_folder.MappedCorpus`.
"""

from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, count, repeat

import numpy as np

from .analyzer import iter_token_lists

__all__ = ["ChunkSizes", "EncodedCorpus", "count_and_encode", "encode", "encode_documents",
           "remap_corpus"]

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
    rarest words of a vocabulary of more than 65,535 words are escaped, which are few
    words and fewer tokens. :meth:`token_ids` decodes a range of tokens with a few
    vectorized calls.

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


@dataclass(frozen=True)
class ChunkSizes:
    """How many tokens the encoded corpus is built and rewritten in at a time.

    They bound the temporaries (int32/int64 arrays of a chunk) to a few MB whatever the
    corpus size; the corpus built does not depend on them. Tests pass small ones to
    exercise the chunk boundaries.

    Attributes
    ----------
    encode : int
        Tokens encoded at once: whole documents are gathered until they hold this many,
        and a longer document is encoded in pieces of this size.
    remap : int
        Tokens rewritten at once by :func:`remap_corpus`.
    min_growth : int
        The id storage grows by at least this many tokens (8 MB of ``uint16`` by
        default), else by a quarter of its size.
    """

    encode: int = 1 << 18
    remap: int = 1 << 18
    min_growth: int = 1 << 22


# The sizes every caller uses; only tests pass others.
_CHUNK_SIZES = ChunkSizes()


class _CompactIdsBuilder:
    """Append chunks of int32 ids to the 2-byte storage of :class:`EncodedCorpus`.

    The storage grows with ``ndarray.resize`` (``realloc``, which moves the pages of a
    large buffer instead of copying them), so building never holds two copies. Negative
    ids are escaped too (only used internally, to mark unknown words before they are
    dropped).

    Parameters
    ----------
    buffer : ndarray of uint16 or None
        Existing storage to overwrite with :meth:`write_at` (remapping); None starts empty.
    min_growth : int
        Growth step of :meth:`append`: never less than this many tokens, else a quarter of
        the size.
    """

    def __init__(self, buffer=None, min_growth=_CHUNK_SIZES.min_growth):
        self._stored = np.empty(0, dtype=np.uint16) if buffer is None else buffer
        self._min_growth = min_growth
        self._size = 0
        self._positions = []
        self._ids = []

    def append(self, ids):
        size = self._size + ids.size
        if size > self._stored.size:
            capacity = max(size, self._stored.size + max(self._stored.size // 4,
                                                         self._min_growth))
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
    distinct word (a ``dict`` subclass with a Python ``__missing__`` would run it once per
    distinct word; see benchmarks/DESIGN.md).
    """
    return defaultdict(count().__next__)


def count_and_encode(
    token_lists: Iterable[list[str]], *, chunks: ChunkSizes = _CHUNK_SIZES,
) -> tuple[list[str], np.ndarray, EncodedCorpus]:
    """Count words and encode the corpus with provisional ids in one pass.

    Parameters
    ----------
    token_lists : iterable of list of str
        Tokens of each document, e.g. from
        :func:`sklearn_w2v._text.analyzer.iter_token_lists`. It is consumed once, so a
        generator works (whole documents are held one chunk at a time).
    chunks : ChunkSizes, optional
        Chunk sizes (memory only, not the result).

    Returns
    -------
    words : list of str
        Every distinct word, in order of first appearance; ``words[k]`` has
        provisional id ``k``.
    counts : ndarray of int64, shape (len(words),)
        Number of occurrences of each word.
    corpus : EncodedCorpus
        The corpus encoded with the provisional ids. Empty documents keep
        their slot. Use :func:`~sklearn_w2v._text.vocabulary.build_vocabulary` and
        :func:`remap_corpus` to turn it into vocabulary ids.
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
                                             add_counts, chunks=chunks)
    words = list(word_to_id)  # dicts keep insertion order == provisional ids
    return words, counts, EncodedCorpus._from_storage(*builder.finish(), doc_offsets)


def _encode_in_chunks(token_lists, lookup, on_chunk=None, default=None,
                      chunks=_CHUNK_SIZES) -> "tuple[_CompactIdsBuilder, np.ndarray]":
    """Encode all tokens with ``lookup`` into a :class:`_CompactIdsBuilder`.

    Documents are gathered into blocks of about ``chunks.encode`` tokens
    (:func:`_document_blocks`: Python code once per document); each block's tokens then go
    through one C-level pipeline (chain -> lookup -> fromiter) ``chunks.encode`` tokens at
    a time, so no Python code runs per token except once per new word in
    ``count_and_encode``. A generator's documents are held one block at a time.
    ``on_chunk`` is called with each chunk of ids. ``default`` is passed as a second
    argument to ``lookup`` (``dict.get``).

    Returns the builder and the document offsets.
    """
    builder = _CompactIdsBuilder(min_growth=chunks.min_growth)
    doc_lengths = array("q")
    for block, block_tokens in _document_blocks(token_lists, chunks.encode):
        _encode_block(block, block_tokens, lookup, default, builder, on_chunk,
                      chunks.encode)
        doc_lengths.extend(map(len, block))
    return builder, _offsets_from_lengths(doc_lengths)


def _document_blocks(token_lists, chunk_tokens):
    """Yield ``(documents, n_tokens)``: runs of whole documents, each ending with the
    document that brings it to ``chunk_tokens`` tokens, then the rest (maybe empty).

    Documents are pulled from ``token_lists`` only as the blocks are consumed, so a
    generator's documents are held one block at a time.
    """
    block, block_tokens = [], 0
    for tokens in token_lists:
        block.append(tokens)
        block_tokens += len(tokens)
        if block_tokens >= chunk_tokens:
            yield block, block_tokens
            block, block_tokens = [], 0
    yield block, block_tokens


def _encode_block(block, n_tokens, lookup, default, builder, on_chunk, chunk_tokens):
    """Encode the ``n_tokens`` tokens of the documents in ``block`` into ``builder``."""
    tokens = chain.from_iterable(block)
    stream = (map(lookup, tokens) if default is None
              else map(lookup, tokens, repeat(default)))
    # A block ends with the document that fills it, which may be long: encode it in
    # chunks so that the temporaries stay bounded.
    for start in range(0, n_tokens, chunk_tokens):
        # With a count, fromiter takes exactly that many items and leaves the rest.
        chunk = np.fromiter(stream, dtype=np.int32,
                            count=min(chunk_tokens, n_tokens - start))
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


def remap_corpus(corpus: EncodedCorpus, old_to_new, *, in_place=False,
                 chunks: ChunkSizes = _CHUNK_SIZES) -> EncodedCorpus:
    """Rewrite the ids of ``corpus`` and drop the tokens mapped to -1.

    Parameters
    ----------
    corpus : EncodedCorpus
        Corpus with provisional ids.
    old_to_new : array-like of int, shape (n_old_ids,) or None
        New id of each old id, -1 to drop it (from
        :func:`~sklearn_w2v._text.vocabulary.build_vocabulary`). None keeps every id and
        drops negative ones (used internally for unknown words).
    in_place : bool, default=False
        Reuse the ids of ``corpus`` as the output buffer (``corpus`` must not be used
        afterwards, nor corpora sliced from it). A fit otherwise holds two id arrays of
        the whole corpus at once.
    chunks : ChunkSizes, optional
        ``chunks.remap`` tokens are rewritten at a time (memory only, not the result).

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
    for start in range(0, n_tokens, chunks.remap):
        stop = min(start + chunks.remap, n_tokens)
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


def encode_documents(token_lists, vocabulary: Mapping[str, int], *,
                     chunks: ChunkSizes = _CHUNK_SIZES) -> EncodedCorpus:
    """Encode token lists with a fixed vocabulary (for transform / score).

    Parameters
    ----------
    token_lists : iterable of list of str
        Tokens of each document.
    vocabulary : dict of str to int
        Row of each known word; values must be >= 0 and fit in int32.
    chunks : ChunkSizes, optional
        Chunk sizes (memory only, not the result).

    Returns
    -------
    corpus : EncodedCorpus
        Unknown words are dropped; every document keeps its slot, even if it
        becomes empty.
    """
    # dict.get with a default of -1 marks unknown words at C level; they are escaped in
    # storage and removed afterwards by the chunked remap.
    builder, doc_offsets = _encode_in_chunks(token_lists, vocabulary.get, default=-1,
                                             chunks=chunks)
    with_unknown = EncodedCorpus._from_storage(*builder.finish(), doc_offsets)
    return remap_corpus(with_unknown, None, in_place=True, chunks=chunks)


def encode(X, analyzer, vocabulary: Mapping[str, int]) -> EncodedCorpus:
    """Documents ``X`` tokenized by ``analyzer`` and encoded with a fixed ``vocabulary``
    (word -> row), unknown words dropped; every document keeps its slot.

    The entry point of ``transform``, ``score`` and :mod:`sklearn_w2v.theory`.
    """
    return encode_documents(iter_token_lists(X, analyzer), vocabulary)


