"""Pretrained word vectors as a starting point: what ``init`` accepts, and a file cache.

``Word2VecTransformer(init=...)`` takes pretrained input vectors from a word2vec.c file (text
or binary, found out from its bytes), a ``(words, vectors)`` tuple, or any object with
gensim KeyedVectors' ``index_to_key`` and ``vectors`` (duck-typed: gensim is not a
dependency). :func:`resolve_init` turns each into one :class:`PretrainedVectors`, validated
against the estimator's ``vector_size`` and ``dtype``, with read-only vectors.

A grid search clones the estimator for every fold and candidate, and every clone fits: a
file is read once per process and kept in a small cache keyed by the file's real path, size
and modification time (a rewritten file is read again), so cloning stays cheap and every
clone with ``epochs=0`` shares the one read-only matrix.
"""

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ._word2vec_format import (
    _MAX_VALUE_BYTES,
    _MAX_WORD_BYTES,
    _first_nonfinite_row,
    _open_for_reading,
    _parse_header,
    _read_header,
    load_word2vec_format,
)

__all__ = ["PretrainedVectors", "describe_init", "is_word_vector_file", "resolve_init"]

# Files kept loaded per process. A grid search uses one file; a second entry lets a search
# compare two files without reading them once per fit. Entries are whole matrices (a
# 3M x 300 file is 3.6 GB), so the cache stays this small.
_CACHE_ENTRIES = 2
_cache = OrderedDict()
_cache_lock = threading.Lock()

# Characters of the values of a text row (numbers, inf and nan in any case, separators):
# the first row of a text file has nothing else between its word and its newline.
_TEXT_VALUE_BYTES = frozenset(b"0123456789+-.eEinfatyINFATY \t\r")


@dataclass(frozen=True)
class PretrainedVectors:
    """Validated pretrained input vectors.

    Attributes
    ----------
    words : list of str
        Row ``i`` of ``vectors`` belongs to ``words[i]``.
    vectors : ndarray of shape (n_words, vector_size)
        Finite, in the estimator's dtype, read-only (shared by every model that uses them
        as they are).
    index : dict
        Word → row.
    source : str
        Where they come from, for error messages (``"init='vectors.bin'"``).
    """

    words: list
    vectors: np.ndarray
    index: dict
    source: str


def is_word_vector_file(init):
    """Whether ``init`` names a file (a str or path-like), as opposed to vectors in memory."""
    return isinstance(init, (str, bytes, os.PathLike))


def describe_init(init):
    """A short description of an ``init`` value for messages."""
    if is_word_vector_file(init):
        return f"init={os.fsdecode(init)!r}"
    if isinstance(init, tuple):
        return "init (a (words, vectors) tuple)"
    return f"init (a {type(init).__name__})"


def resolve_init(init, *, vector_size, dtype):
    """The :class:`PretrainedVectors` of an ``init`` value.

    Parameters
    ----------
    init : str, path-like, (words, vectors) tuple or KeyedVectors-like object
        See :class:`~sklearn_w2v.Word2VecTransformer`.
    vector_size : int
        The estimator's dimension, which the vectors must have.
    dtype : numpy.dtype
        float32 or float64.

    Returns
    -------
    PretrainedVectors

    Raises
    ------
    ValueError
        If the file is not a valid word2vec file (the message names the file and the line or
        byte offset), holds no vectors, or the vectors' dimension is not ``vector_size``;
        if a tuple's words are not unique strings matching the rows of a finite 2-D array.
    TypeError
        If ``init`` is none of the accepted kinds.
    """
    if is_word_vector_file(init):
        pretrained = _load_file(init, dtype)
    elif isinstance(init, tuple):
        if len(init) != 2:
            raise TypeError(
                f"init must be a (words, vectors) tuple, got a tuple of length {len(init)}.")
        pretrained = _from_memory(init[0], init[1], dtype, describe_init(init))
    elif hasattr(init, "index_to_key") and hasattr(init, "vectors"):
        pretrained = _from_memory(init.index_to_key, init.vectors, dtype, describe_init(init))
    else:
        raise TypeError(
            f"init must be None, the path of a word2vec file, a (words, vectors) tuple or an "
            f"object with index_to_key and vectors (such as gensim's KeyedVectors); got "
            f"{type(init).__name__}.")
    if not pretrained.words:
        raise ValueError(f"{pretrained.source} holds no vectors; pass vectors of at least "
                         f"one word, or init=None to train from scratch.")
    dimension = pretrained.vectors.shape[1]
    if dimension != vector_size:
        raise ValueError(
            f"{pretrained.source} holds vectors of dimension {dimension}, but "
            f"vector_size={vector_size}; set vector_size={dimension}.")
    return pretrained


def _load_file(path, dtype):
    """A file's vectors, read once per process per (path, size, mtime, dtype)."""
    stat = os.stat(path)
    key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, np.dtype(dtype).str)
    # One lock for loading too: threads of a grid search that want the same file wait for
    # the first to read it instead of reading it each.
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        words, vectors = load_word2vec_format(path, binary=sniff_binary(path), dtype=dtype)
        vectors.flags.writeable = False
        pretrained = PretrainedVectors(words, vectors, _index_of(words, describe_init(path)),
                                       describe_init(path))
        _cache[key] = pretrained
        while len(_cache) > _CACHE_ENTRIES:
            _cache.popitem(last=False)
        return pretrained


def clear_cache():
    """Forget every file loaded so far (the next fit reads its file again)."""
    with _cache_lock:
        _cache.clear()


def sniff_binary(path):
    """Whether the word2vec file at ``path`` is in the binary format.

    The first row of a text file is a word, a space, then only numbers and blanks up to its
    newline. After the first word of a binary file come 4 x vector_size bytes of raw
    float32 values, which practically never consist of such characters only: the
    sign-and-exponent byte of any value between 5e-4 and 8 in magnitude (most components
    of word vectors) is not a character of a number. So the file is text exactly when its
    first row looks like one. A text file with a wrong number of values in its first row
    is still read as text, so that its error names the line. Where the guess could be
    wrong, read the file with ``load_word2vec_format(path, binary=...)`` and pass the
    ``(words, vectors)`` it returns.

    Files of zero words are text (both readers accept them).
    """
    with _open_for_reading(path) as fin:
        header = _read_header(fin, path)
        n_words, vector_size = _parse_header(header, path, "utf-8")
        if n_words == 0:
            return False
        limit = _MAX_WORD_BYTES + vector_size * (_MAX_VALUE_BYTES + 1) + 16
        head = fin.read(limit).lstrip(b"\r\n")
    space = head.find(b" ")
    if space == -1:
        return False  # no word at all: the text reader reports the line
    row = head[space + 1:]
    newline = row.find(b"\n")
    values = row[:newline] if newline != -1 else row[:4 * vector_size]
    return not (values and all(b in _TEXT_VALUE_BYTES for b in values))


def _from_memory(words, vectors, dtype, source):
    words = list(words)
    bad = next((w for w in words if not isinstance(w, str)), None)
    if bad is not None:
        raise ValueError(f"{source}: words must be str, found {bad!r} of type "
                         f"{type(bad).__name__}.")
    try:
        # A copy, so that the caller's array and the model never change each other.
        vectors = np.array(vectors, dtype=dtype, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{source}: the vectors must be a 2-D array of numbers ({exc}).") \
            from None
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(
            f"{source}: expected one vector per word, a 2-D array with {len(words)} rows; "
            f"got shape {vectors.shape}.")
    row = _first_nonfinite_row(vectors) if vectors.size else None
    if row is not None:
        raise ValueError(f"{source}: the vector of {words[row]!r} (row {row}) holds nan or "
                         f"inf.")
    vectors.flags.writeable = False
    return PretrainedVectors(words, vectors, _index_of(words, source), source)


def _index_of(words, source):
    index = {}
    for row, word in enumerate(words):
        first = index.setdefault(word, row)
        if first != row:
            raise ValueError(f"{source}: the word {word!r} appears twice (rows {first} and "
                             f"{row}); each word must have one vector.")
    return index
