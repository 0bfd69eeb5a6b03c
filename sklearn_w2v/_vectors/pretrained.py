"""Pretrained word vectors as a starting point: what ``init`` accepts, and a file cache.

``Word2VecTransformer(init=...)`` takes pretrained input vectors from a word vector file
(word2vec.c text or binary, fastText ``.vec``, GloVe; the format found out from its bytes, or
read with the options of a :class:`VectorFile`), a ``(words, vectors)`` tuple, any object with
gensim KeyedVectors' ``index_to_key`` and ``vectors``, or a gensim model through its ``wv``
(duck-typed: gensim is not a dependency). :func:`resolve_init` turns each into one
:class:`PretrainedVectors`, validated against the estimator's ``vector_size`` (when it is
set) and ``dtype``, with read-only vectors; :func:`init_dimension` is the dimension that
``vector_size=None`` follows.

A grid search clones the estimator for every fold and candidate, and every clone fits: a
file is read once per process and kept in a small cache keyed by the file's real path, size
and modification time (a rewritten file is read again), so cloning stays cheap and every
clone with ``epochs=0`` shares the one read-only matrix.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .checks import first_nonfinite_row
from .download import named_vector_file
from .reader import load_word2vec_format

__all__ = ["PretrainedVectors", "VectorFile", "clear_cache", "describe_init", "file_reads",
           "init_dimension", "is_word_vector_file", "load_vector_file", "resolve_init"]

# Files kept loaded per process. A grid search uses one file; a second entry lets a search
# compare two files without reading them once per fit. Entries are whole matrices (a
# 3M x 300 file is 3.6 GB), so the cache stays this small.
_CACHE_ENTRIES = 2


@dataclass(frozen=True)
class VectorFile:
    """A word vector file and how to read it: an ``init`` value that reads like a path.

    ``init="glove.txt"`` reads the whole file with the format found out from its bytes;
    ``init=VectorFile("glove.txt", restrict_to=words, unicode_errors="replace")`` passes
    the reading options of :func:`~sklearn_w2v.load_word2vec_format`. The options are part
    of the value, so the clones a grid search fits read the file the same way (once per
    process: files are cached by path, size, modification time and options).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    binary, no_header, encoding, unicode_errors, limit, restrict_to
        As for :func:`~sklearn_w2v.load_word2vec_format`. ``restrict_to`` is stored as a
        frozenset.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_w2v import VectorFile, Word2VecTransformer
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "glove.txt")
    >>> with open(path, "w") as f:  # GloVe's format: no header line
    ...     _ = f.write("the 0.1 0.2\\ncat 1.0 0.5\\ndog 0.0 1.0\\n")
    >>> init = VectorFile(path, no_header=True, restrict_to=["cat", "dog"])
    >>> model = Word2VecTransformer(init=init, vector_size=2, epochs=0).fit(["cat dog"])
    >>> model.index_to_word_  # only the rows of restrict_to were read
    ['cat', 'dog']
    >>> folder.cleanup()
    """

    path: str | bytes | os.PathLike
    binary: bool | None = None
    no_header: bool | None = None
    encoding: str = "utf-8"
    unicode_errors: str = "strict"
    limit: int | None = None
    restrict_to: Iterable[str] | None = None

    def __post_init__(self) -> None:
        if self.restrict_to is not None and not isinstance(self.restrict_to, (str, bytes)):
            # Hashable (the cache key) and safe from later changes of the caller's set.
            object.__setattr__(self, "restrict_to", frozenset(self.restrict_to))

    def read_options(self) -> dict[str, object]:
        """The keyword arguments of :func:`~sklearn_w2v.load_word2vec_format`.

        Returns
        -------
        dict

        Examples
        --------
        >>> from sklearn_w2v import VectorFile
        >>> VectorFile("vectors.bin", binary=True, limit=1000).read_options()["limit"]
        1000
        """
        return {"binary": self.binary, "no_header": self.no_header,
                "encoding": self.encoding, "unicode_errors": self.unicode_errors,
                "limit": self.limit, "restrict_to": self.restrict_to}

    def is_plain(self) -> bool:
        """Whether every option is the default, so that the path alone says the same.

        Returns
        -------
        bool

        Examples
        --------
        >>> from sklearn_w2v import VectorFile
        >>> VectorFile("vectors.bin").is_plain()
        True
        >>> VectorFile("vectors.bin", limit=10).is_plain()
        False
        """
        return self == VectorFile(self.path)


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
    """Whether ``init`` names a file (a str, path-like or :class:`VectorFile`), as opposed
    to vectors in memory."""
    return isinstance(init, (str, bytes, os.PathLike, VectorFile))


def describe_init(init):
    """A short description of an ``init`` value for messages."""
    if isinstance(init, VectorFile):
        return f"init={os.fsdecode(init.path)!r}"
    if is_word_vector_file(init):
        return f"init={os.fsdecode(init)!r}"
    if isinstance(init, tuple):
        return "init (a (words, vectors) tuple)"
    if _keyed_vectors_of(init) is not None and _keyed_vectors_of(init) is not init:
        return f"init (a {type(init).__name__}'s .wv)"
    return f"init (a {type(init).__name__})"


def _keyed_vectors_of(init):
    """The KeyedVectors-like object of ``init`` (``index_to_key`` and ``vectors``): itself,
    or the ``wv`` of a gensim ``Word2Vec``, ``Doc2Vec`` or ``FastText`` model; else None."""
    for candidate in (init, getattr(init, "wv", None)):
        if hasattr(candidate, "index_to_key") and hasattr(candidate, "vectors"):
            return candidate
    return None


def resolve_init(init, *, vector_size, dtype):
    """The :class:`PretrainedVectors` of an ``init`` value.

    Parameters
    ----------
    init : str, path-like, VectorFile, (words, vectors) tuple, KeyedVectors-like object or \
            gensim model
        See :class:`~sklearn_w2v.Word2VecTransformer`. A gensim ``Word2Vec``, ``Doc2Vec``
        or ``FastText`` model gives the vectors of its ``wv`` (the word vectors; FastText's
        subword n-grams are not used).
    vector_size : int or None
        The estimator's dimension, which the vectors must have; None accepts theirs.
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

    Examples
    --------
    >>> from sklearn_w2v._vectors import resolve_init
    >>> pretrained = resolve_init((["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]]),
    ...                           vector_size=None, dtype="float32")
    >>> pretrained.words, pretrained.vectors.shape
    (['cat', 'dog'], (2, 2))
    """
    keyed_vectors = None if is_word_vector_file(init) else _keyed_vectors_of(init)
    if is_word_vector_file(init):
        pretrained = _load_file(init, dtype)
    elif isinstance(init, tuple):
        if len(init) != 2:
            raise TypeError(
                f"init must be a (words, vectors) tuple, got a tuple of length {len(init)}.")
        pretrained = _from_memory(init[0], init[1], dtype, describe_init(init))
    elif keyed_vectors is not None:
        pretrained = _from_memory(keyed_vectors.index_to_key, keyed_vectors.vectors, dtype,
                                  describe_init(init))
    else:
        raise TypeError(
            f"init must be None, the path of a word2vec file (or GloVe, fastText .vec: any "
            f"word vector file, or a VectorFile), a (words, vectors) tuple, an object "
            f"with index_to_key and vectors (such as gensim's KeyedVectors) or a gensim "
            f"model with such a .wv; got {type(init).__name__}.")
    if not pretrained.words:
        raise ValueError(f"{pretrained.source} holds no vectors; pass vectors of at least "
                         f"one word, or init=None to train from scratch.")
    dimension = pretrained.vectors.shape[1]
    if vector_size is not None and dimension != vector_size:
        raise ValueError(
            f"{pretrained.source} holds vectors of dimension {dimension}, but "
            f"vector_size={vector_size}; set vector_size={dimension}, or vector_size=None "
            f"(the default) to follow init.")
    return pretrained


def init_dimension(init, dtype):
    """The dimension of ``init``'s vectors: what ``vector_size=None`` resolves to.

    Vectors in memory are not copied for this (their shape is read); a file is read
    through the cache, so the fit that follows does not read it again.

    Parameters
    ----------
    init : object
        An ``init`` value other than None (see :func:`resolve_init`).
    dtype : numpy.dtype
        The estimator's dtype (part of the file cache's key).

    Returns
    -------
    int

    Raises
    ------
    ValueError, TypeError
        As :func:`resolve_init`, when ``init`` is not valid.

    Examples
    --------
    >>> from sklearn_w2v._vectors import init_dimension
    >>> init_dimension((["cat", "dog"], [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]]), "float32")
    3
    """
    if not is_word_vector_file(init):
        keyed_vectors = _keyed_vectors_of(init)
        vectors = (keyed_vectors.vectors if keyed_vectors is not None
                   else init[1] if isinstance(init, tuple) and len(init) == 2 else None)
        shape: tuple[int, ...] = ()
        try:
            shape = np.shape(vectors) if vectors is not None else ()
        except ValueError:  # a ragged nested list: resolve_init says what is wrong
            pass
        if len(shape) == 2 and shape[1] > 0 and shape[0] > 0:
            return int(shape[1])
    # Files, and anything malformed: resolve_init reads (or rejects) it.
    return int(resolve_init(init, vector_size=None, dtype=dtype).vectors.shape[1])


class _FileCache:
    """The vector files read in this process, the most recently used last.

    Attributes
    ----------
    reads : int
        How many times a file was read (not found in the cache) since the process started.
    """

    def __init__(self, entries):
        self._entries = entries
        self._files: OrderedDict[tuple, PretrainedVectors] = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0

    def load(self, source, dtype):
        """A file's vectors, read once per (path, size, mtime, dtype, options)."""
        path = source.path
        stat = os.stat(path)
        options = source.read_options()
        key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, np.dtype(dtype).str,
               tuple(options.items()))
        # One lock for loading too: threads of a grid search that want the same file wait
        # for the first to read it instead of reading it each.
        with self._lock:
            if key in self._files:
                self._files.move_to_end(key)
                return self._files[key]
            self.reads += 1
            words, vectors = load_word2vec_format(path, dtype=dtype, **options)
            vectors.flags.writeable = False
            pretrained = PretrainedVectors(words, vectors,
                                           _index_of(words, describe_init(path)),
                                           describe_init(path))
            self._files[key] = pretrained
            while len(self._files) > self._entries:
                self._files.popitem(last=False)
            return pretrained

    def clear(self):
        with self._lock:
            self._files.clear()


_FILE_CACHE = _FileCache(_CACHE_ENTRIES)


def _load_file(source, dtype):
    """A file's vectors, read once per process per (path, size, mtime, dtype, options)."""
    if not isinstance(source, VectorFile):
        source = VectorFile(source)
    return _FILE_CACHE.load(_named_vectors(source), dtype)


def _named_vectors(source):
    """``source`` reading the downloaded file when its path is a name of the catalogue of
    word vectors (``"glove-wiki-gigaword-100"``), downloaded once into scikit-learn's data
    folder; an existing file of that name is read as a path."""
    path = named_vector_file(source.path)
    return source if path is None else dataclasses.replace(source, path=path)


def load_vector_file(source, dtype):
    """``(init, pretrained)``: the vectors of a file, read like ``init=source`` reads them
    (through the cache), and the ``init`` value that reads them again the same way (the path
    itself when every reading option is the default)."""
    if not isinstance(source, VectorFile):
        source = VectorFile(source)
    init = source.path if source.is_plain() else source
    return init, _load_file(source, dtype)


def clear_cache():
    """Forget every file loaded so far (the next fit reads its file again)."""
    _FILE_CACHE.clear()


def file_reads():
    """How many times a vector file was read for ``init`` in this process (cached reads
    not counted)."""
    return _FILE_CACHE.reads


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
    row = first_nonfinite_row(vectors) if vectors.size else None
    if row is not None:
        raise ValueError(f"{source}: the vector of {words[row]!r} (row {row}) holds nan or "
                         f"inf.")
    vectors.flags.writeable = False
    return PretrainedVectors(words, vectors, _index_of(words, source), source)


def _index_of(words, source):
    index: dict[str, int] = {}
    for row, word in enumerate(words):
        first = index.setdefault(word, row)
        if first != row:
            raise ValueError(f"{source}: the word {word!r} appears twice (rows {first} and "
                             f"{row}); each word must have one vector.")
    return index
