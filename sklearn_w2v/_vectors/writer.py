"""Writing word vectors in word2vec.c's text and binary formats.

Both formats start with an ASCII header line ``"<n_words> <vector_size>\\n"``, then one row
per word: in text, ``"word v1 v2 ... vd\\n"``; in binary, the UTF-8 bytes of the word,
``b" "``, ``vector_size`` little-endian float32 values and ``b"\\n"`` (as word2vec.c
writes it). Every word and value is checked before the first byte is written, and the
file replaces an existing one only once complete (:mod:`.atomic_write`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .._utils import PathLike
from .atomic_write import replace_file
from .checks import first_nonfinite_row, word_problem
from .compressed import compressing

__all__ = ["row_bytes", "save_word2vec_format", "write_word_vectors"]


def save_word2vec_format(path: PathLike, words: Sequence[str], vectors: npt.ArrayLike, *,
                         binary: bool = False) -> None:
    """Write word vectors in the word2vec.c text or binary format.

    The file is written to a temporary file beside ``path`` that replaces ``path`` only once
    it is complete: if anything fails (an invalid word, a full disk, Ctrl-C), an existing
    file at ``path`` is left as it was and no temporary file remains.

    Parameters
    ----------
    path : str or os.PathLike
        Output file. A name ending in ``.gz``, ``.bz2`` or ``.xz`` is written compressed
        with gzip, bzip2 or xz. A symbolic link is followed: the file it points to is
        replaced and the link kept.
    words : sequence of str
        The words, in row order of ``vectors``. Words must be unique, non-empty, at most
        65536 bytes in UTF-8, and must not contain ASCII whitespace (space, tab, newline,
        carriage return, vertical tab, form feed), NUL or lone surrogates: readers of the
        format use those characters to find where a word ends, or cannot encode them.
    vectors : array-like of shape (n_words, vector_size)
        The vectors, finite. The binary format always stores float32. The text format writes
        the shortest decimal representation that reads back to the same float32 value
        (float64 when ``vectors`` is float64).
    binary : bool, default=False
        Write the binary format instead of the text format.

    Raises
    ------
    ValueError
        If the shapes disagree, ``vectors`` is not 2-D with at least one column or holds nan
        or inf (or values beyond float32's range when they are stored as float32), or a word
        is not a string, empty, duplicated or contains a character listed above. Nothing is
        written then.

    See Also
    --------
    load_word2vec_format : Read the files this function writes.

    Notes
    -----
    Replacing the file gives ``path`` a new inode: hard links to the old file keep the old
    content. The old file's permission bits are kept. A ``path`` that exists and is not a
    regular file (``/dev/null``, a named pipe) is written in place.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_w2v import load_word2vec_format, save_word2vec_format
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "vectors.bin")
    >>> save_word2vec_format(path, ["cat", "dog"], np.array([[1.0, 0.5], [0.0, 1.0]]),
    ...                      binary=True)
    >>> words, vectors = load_word2vec_format(path)  # binary or text: found out
    >>> words
    ['cat', 'dog']
    >>> vectors
    array([[1. , 0.5],
           [0. , 1. ]], dtype=float32)
    >>> folder.cleanup()
    """
    write_word_vectors(path, words, vectors, binary=binary)


def _check_vectors_shape(vectors) -> np.ndarray:
    """``vectors`` as a 2-D real array with at least one column, else ValueError."""
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[1] < 1:
        raise ValueError(
            f"vectors must be a 2-D array with at least one column, got shape {vectors.shape}"
        )
    if not np.issubdtype(vectors.dtype, np.number) or np.iscomplexobj(vectors):
        raise ValueError(f"vectors must be a real numeric array, got dtype {vectors.dtype}")
    return vectors


def _encode_words(words, n_vectors):
    """The UTF-8 bytes of each word, after checking every word against :func:`word_problem`."""
    words = list(words)
    if len(words) != n_vectors:
        raise ValueError(
            f"got {len(words)} words but {n_vectors} vectors; they must match one to one"
        )
    seen = set()
    for i, word in enumerate(words):
        problem = word_problem(word)
        if problem is not None:
            raise ValueError(
                f"word {i} {word!r} {problem}; the word2vec format cannot represent it. "
                "Remove or rename the word before saving."
            )
        if word in seen:
            raise ValueError(f"word {i} {word!r} is a duplicate; words must be unique")
        seen.add(word)
    return [word.encode("utf-8") for word in words]


def _values_to_write(vectors, encoded_words, binary):
    """The array whose values go to the file, checked to be finite in the stored type."""
    with np.errstate(over="ignore"):  # an overflow becomes inf, reported below
        if binary:
            # '<f4' pins little-endian float32 whatever the machine, as word2vec.c files are
            # read everywhere as little-endian.
            data = np.ascontiguousarray(vectors, dtype="<f4")
        else:
            # str() of a NumPy float scalar is its shortest round-tripping representation,
            # so text files reload bit-identically. Other dtypes go through float32, the
            # format's native precision.
            data = vectors if vectors.dtype == np.float64 else vectors.astype(np.float32)
    # Checked after the cast: a finite float64 beyond float32's range becomes inf on disk.
    bad = first_nonfinite_row(data)
    if bad is not None:
        raise ValueError(
            f"the vector of word {bad} {encoded_words[bad].decode('utf-8')!r} holds nan or "
            f"inf (in {data.dtype.name}, the type it is stored as); readers reject such "
            "files. Fix or drop that row before saving."
        )
    return data


def row_bytes(encoded_words, data, binary):
    """Yield the bytes of each word's row of the file, in order."""
    if binary:
        for word, row in zip(encoded_words, data):
            yield word + b" " + row.tobytes() + b"\n"
    else:
        for word, row in zip(encoded_words, data):
            yield word + b" " + " ".join(map(str, row)).encode("ascii") + b"\n"


def write_word_vectors(path, words, vectors, *, binary, rows=row_bytes):
    """:func:`save_word2vec_format`, each row's bytes made by ``rows``.

    ``rows(encoded_words, data, binary)`` yields the bytes of each row of the file, in
    order (:func:`row_bytes`); a caller may pass another, e.g. one that fails midway, to
    see that the old file survives.
    """
    vectors = _check_vectors_shape(vectors)
    encoded = _encode_words(words, vectors.shape[0])
    data = _values_to_write(vectors, encoded, binary)
    header = f"{data.shape[0]} {data.shape[1]}\n".encode("ascii")

    def write(raw):
        with compressing(raw, path) as fout:
            fout.write(header)
            for row in rows(encoded, data, binary):
                fout.write(row)

    replace_file(path, write)
