"""Reading word vectors from word2vec.c, fastText ``.vec`` and GloVe files.

:func:`load_word2vec_format` checks its options, opens the file (decompressing by suffix,
:mod:`.compressed`), finds out its layout (:mod:`.sniffing`) and hands the rows to the text
or binary reader (:mod:`.text_format`, :mod:`.binary_format`). These are the files written
by word2vec.c (``-binary 0/1``), fastText and GloVe, and read and written by gensim's
``KeyedVectors.load_word2vec_format`` / ``save_word2vec_format``.

Files are treated as untrusted input: the header's counts are claims, checked against what
the file holds, and nothing is allocated or read because the header says so.
"""

from __future__ import annotations

import codecs
from collections.abc import Collection
from typing import NamedTuple

import numpy as np

from .._utils import FloatArray, FloatDType, PathLike, check_float_dtype
from .binary_format import read_binary
from .compressed import open_for_reading
from .rows import CHUNK_SIZE, ReadRequest
from .sniffing import detect_layout
from .text_format import read_text

__all__ = ["ReadOptions", "load_word2vec_format", "read_word_vectors"]


class ReadOptions(NamedTuple):
    """The options of :func:`load_word2vec_format`, with its defaults."""

    binary: bool | None = None
    no_header: bool | None = None
    encoding: str = "utf-8"
    unicode_errors: str = "strict"
    limit: int | None = None
    restrict_to: Collection[str] | None = None
    dtype: FloatDType = np.float32


def load_word2vec_format(
    path: PathLike,
    *,
    binary: bool | None = None,
    no_header: bool | None = None,
    encoding: str = "utf-8",
    unicode_errors: str = "strict",
    limit: int | None = None,
    restrict_to: Collection[str] | None = None,
    dtype: FloatDType = np.float32,
) -> tuple[list[str], FloatArray]:
    """Read word vectors from a word2vec.c, fastText ``.vec`` or GloVe file.

    The formats read:

    * word2vec.c text and fastText ``.vec``: a header line ``"n_words vector_size"``, then
      one line ``"word v1 ... vd"`` per word;
    * word2vec.c binary: the same header, then per word its bytes, ``b" "`` and
      ``vector_size`` little-endian float32 values;
    * GloVe: text lines ``"word v1 ... vd"`` without a header.

    Which one a file is, is found out from its first rows unless ``binary`` or ``no_header``
    say it. The file is treated as untrusted: memory and time are bounded by what it really
    holds, whatever its header claims, and anything that is not a valid file raises
    ValueError.

    Parameters
    ----------
    path : str or os.PathLike
        Input file. A name ending in ``.gz``, ``.bz2`` or ``.xz`` is read as gzip-, bzip2- or
        xz-compressed.
    binary : bool or None, default=None
        True: the binary format; False: a text format; None: found out from the bytes of
        the first row (after the header, the values of a text row are digits, signs, dots,
        exponents and spaces, which the float32 bytes of a binary row practically never
        are). gensim's default is False; passing ``binary=False`` reads like gensim.
    no_header : bool or None, default=None
        True: the file has no header line (GloVe), every line is a word and its values;
        False: the first line must be a header. None: a first line of two integers is a
        header, a first line of a word and numbers followed by lines of as many values is
        a row of a file without header. Binary files always have a header.
    encoding : str, default="utf-8"
        Encoding of the words.
    unicode_errors : str, default="strict"
        How to handle undecodable words, as in :meth:`bytes.decode`. word2vec.c may cut a
        multi-byte character when it truncates long words; ``"replace"`` or ``"ignore"`` then
        loads such files.
    limit : int or None, default=None
        Read only the first ``limit`` rows of the file (the most frequent words in files
        written by word2vec.c, fastText and GloVe), as gensim's ``limit``. None reads all.
    restrict_to : collection of str or None, default=None
        Keep only the rows of these words (in file order), e.g. the vocabulary of the
        documents at hand: the vectors of a multi-GB file that a task needs, without the
        memory of the others. Words of ``restrict_to`` that the file lacks are ignored. The
        values of the rows skipped are not parsed (nor checked); the file's structure still
        is (row lengths, word counts). Applied to the rows ``limit`` lets through.
    dtype : {np.float32, np.float64}, default=np.float32
        dtype of the returned vectors.

    Returns
    -------
    words : list of str
        The words in file order.
    vectors : ndarray of shape (n_words, vector_size)
        The vectors, row ``i`` belonging to ``words[i]``; all values are finite.

    Raises
    ------
    ValueError
        If a parameter is invalid, or the file is malformed: a missing, invalid or overlong
        header (the message says which formats were expected and what was found), a binary
        file read with ``binary=False`` or a text file with ``binary=True``, a header that
        claims more words than the file holds or fewer than it has, a line with the wrong
        number of values or longer than a valid row can be, a value that is not a number or
        is nan or inf (or does not fit in ``dtype``), a word that appears twice, cannot be
        decoded or could not be written back (see :func:`save_word2vec_format`), or
        compressed data that is corrupt or truncated. The message names the file, the line
        number (text) or byte offset (binary) and what was expected. Unlike gensim, which
        keeps the first of two duplicate words with a warning, a duplicate is an error here:
        it means the file is not what its writer intended.

    See Also
    --------
    save_word2vec_format : Write files in this format.

    Notes
    -----
    A file without header is read to its end, so its size is not known in advance; the
    first row of such a file may take at most 1 MiB (vectors of tens of thousands of
    values), and a blank line may only be followed by blank lines.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_w2v import load_word2vec_format
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "glove.txt")
    >>> with open(path, "w") as f:  # GloVe's format: no header line
    ...     _ = f.write("the 0.1 0.2\\ncat 1.0 0.5\\ndog 0.0 1.0\\n")
    >>> words, vectors = load_word2vec_format(path, restrict_to={"cat", "dog"})
    >>> words, vectors.shape
    (['cat', 'dog'], (2, 2))
    >>> folder.cleanup()
    """
    return read_word_vectors(path, ReadOptions(binary, no_header, encoding, unicode_errors,
                                               limit, restrict_to, dtype))


def read_word_vectors(path, options=ReadOptions(), *, chunk_size=CHUNK_SIZE):
    """:func:`load_word2vec_format` with its ``options``, reading ``chunk_size`` bytes at a
    time where the readers read chunks (a binary row, what follows the last row)."""
    dtype = check_float_dtype(options.dtype)
    _check_limit(options.limit)
    _check_decoding(options.encoding, options.unicode_errors)
    _check_optional_flag("binary", options.binary)
    _check_optional_flag("no_header", options.no_header)
    keep = _restriction(options.restrict_to)
    with open_for_reading(path) as fin:
        layout = detect_layout(fin, path, options.encoding, options.binary,
                               options.no_header)
        fin.seek(layout.data_offset)
        n_read = layout.n_words
        if options.limit is not None:
            limit = int(options.limit)
            n_read = limit if n_read is None else min(n_read, limit)
        reader = read_binary if layout.binary else read_text
        return reader(fin, ReadRequest(path, layout, n_read, keep, options.encoding,
                                       options.unicode_errors, dtype, chunk_size))


def _check_optional_flag(name, value):
    if value is not None and not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True, False or None (find out), got {value!r}")


def _restriction(restrict_to):
    """``restrict_to`` as a set of words, or None."""
    if restrict_to is None:
        return None
    if isinstance(restrict_to, (str, bytes)):
        raise ValueError(
            f"restrict_to must be a collection of words, got the single string "
            f"{restrict_to!r}; pass [{restrict_to!r}] for one word"
        )
    try:
        return set(restrict_to)
    except TypeError:
        raise ValueError(
            f"restrict_to must be None or a collection of words (str), got "
            f"{type(restrict_to).__name__}"
        ) from None


def _check_limit(limit):
    try:
        valid = limit is None or (
            not isinstance(limit, bool) and int(limit) == limit and limit >= 1
        )
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(f"limit must be None or a positive integer, got {limit!r}")


def _check_decoding(encoding, unicode_errors):
    try:
        # Decoding (not just codecs.lookup) also refuses codecs that do not turn bytes into
        # str, such as rot13. Empty input would skip the lookup altogether.
        b"a".decode(encoding)
    except UnicodeDecodeError:
        pass  # a real text codec, e.g. UTF-16 needs two bytes
    except (LookupError, TypeError):
        raise ValueError(
            f"encoding must be the name of a Python codec such as 'utf-8', got {encoding!r}"
        ) from None
    try:
        codecs.lookup_error(unicode_errors)
    except (LookupError, TypeError):
        raise ValueError(
            "unicode_errors must be an error handler of bytes.decode such as 'strict', "
            f"'replace' or 'ignore', got {unicode_errors!r}"
        ) from None
