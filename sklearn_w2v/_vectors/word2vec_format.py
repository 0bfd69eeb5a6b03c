"""Reading and writing the word2vec.c vector file formats.

Both formats start with an ASCII header line ``"<n_words> <vector_size>\\n"``.

* text: one line per word, ``"word v1 v2 ... vd\\n"``, values separated by single spaces.
  word2vec.c writes a trailing space before the newline; gensim does not. Both are read.
* binary: per word, the UTF-8 bytes of the word, ``b" "``, ``vector_size`` little-endian
  float32 values, then ``b"\\n"``. word2vec.c writes that newline, gensim's writer omits it,
  so readers skip newlines in front of a word rather than expect one after a vector.

These are the files written by word2vec.c (``-binary 0/1``) and read and written by gensim's
``KeyedVectors.load_word2vec_format`` / ``save_word2vec_format``.

Files are treated as untrusted input: the header's counts are claims, checked against what
the file holds, and nothing is allocated or read because the header says so. Every read is
bounded by what a valid header or row can be, so memory and time follow the bytes the file
really contains.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import errno
import gzip
import lzma
import os
import re
import stat
import sys
import zlib
from array import array
from collections.abc import Collection, Sequence
from functools import partial
from typing import Callable, NamedTuple

import numpy as np
import numpy.typing as npt

from .._utils import FloatArray, FloatDType, PathLike
from .compressed import open_decompressed

__all__ = ["load_word2vec_format", "save_word2vec_format"]

# Characters no word may contain, on reading and writing alike: ASCII whitespace ends a word
# for some reader of the format (gensim splits text lines and finds the end of a binary word
# at b" ", word2vec.c's ReadWord stops at space, tab and newline, a newline ends a text line),
# NUL ends a C string, and a lone surrogate has no UTF-8 encoding.
_UNWRITABLE_CHARACTER = re.compile(r"[\x00\t\n\v\f\r ]|[\ud800-\udfff]")
_CHARACTER_NAMES = {
    "\x00": "NUL", "\t": "a tab", "\n": "a newline", "\v": "a vertical tab",
    "\f": "a form feed", "\r": "a carriage return", " ": "a space",
}

# A word longer than this (in UTF-8 bytes) is rejected: in a binary file it means float bytes
# are being read as a word (the header's vector_size is wrong or the file is corrupt). Real
# vocabularies stay far below it; word2vec.c itself truncates words at 100 bytes.
MAX_WORD_BYTES = 1 << 16

# Longest header a valid file can have: two integers of at most 20 digits, separators, CRLF.
_MAX_HEADER_BYTES = 100

# Longest text a writer produces for one value: C's "%lf" prints -DBL_MAX with 309 digits and
# ".000000" (317 characters); repr() and "%g" forms are much shorter.
_MAX_VALUE_BYTES = 320

# Room for a trailing space, "\r\n" and the odd doubled separator in a text row.
_TEXT_ROW_SLACK = 16

# Bytes asked of the file per read. Large enough that per-chunk Python overhead is negligible,
# small enough not to matter for memory.
_CHUNK_SIZE = 1 << 20

# Vectors are grown and checked in blocks of about this many values (8 MiB of float64), so
# no temporary scales with the whole matrix.
_BLOCK_VALUES = 1 << 20

# Each value takes at least 2 bytes of a text file (" 1") and 4 of a binary one, and no file
# exceeds 2**63 bytes: a header claiming more values than this is not a size, it is garbage.
_MAX_CLAIMED_VALUES = 1 << 62

_SUPPORTED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class _Compression(NamedTuple):
    name: str
    open: Callable  # (binary file object, mode, target file name) -> file object


# By file name suffix, as gensim and most tools decide. Each wraps an already open file, so
# that opening errors (missing file, permissions) are not mistaken for corrupt data.
_COMPRESSIONS = {
    ".gz": _Compression("gzip", lambda f, mode, name: gzip.GzipFile(name, mode, fileobj=f)),
    ".bz2": _Compression("bzip2", lambda f, mode, name: bz2.BZ2File(f, mode)),
    ".xz": _Compression("xz", lambda f, mode, name: lzma.LZMAFile(f, mode)),
}

# What the decompressors raise on corrupt or truncated data: gzip.BadGzipFile and bz2's
# "Invalid data stream" are OSErrors, a stream cut short is an EOFError.
_DECOMPRESSION_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)


def _compression_of(path):
    """The :class:`_Compression` that the suffix of ``path`` asks for, or None."""
    name = os.fsdecode(path)
    return next((c for suffix, c in _COMPRESSIONS.items() if name.endswith(suffix)), None)


def _word_problem(word):
    """Why ``word`` cannot be stored in a word2vec file, or None if it can.

    The single rule of the writer and both readers, so that every file this module writes
    reads back and every word it reads can be written again.
    """
    if not isinstance(word, str):
        return f"is {type(word).__name__}, expected str"
    if not word:
        return "is empty"
    bad = _UNWRITABLE_CHARACTER.search(word)
    if bad is not None:
        char = bad.group()
        if char in _CHARACTER_NAMES:
            return (
                f"contains {_CHARACTER_NAMES[char]}, which readers of the format take as the "
                "end of a word"
            )
        return f"contains the lone surrogate U+{ord(char):04X}, which UTF-8 cannot encode"
    # Four UTF-8 bytes per character at most: only long words need encoding to be measured.
    if len(word) > MAX_WORD_BYTES // 4 and len(word.encode("utf-8")) > MAX_WORD_BYTES:
        return f"is longer than {MAX_WORD_BYTES} bytes in UTF-8"
    return None


def _check_dtype(dtype):
    """``dtype`` as a NumPy dtype if it is float32 or float64, else a ValueError."""
    try:
        # np.dtype(None) is float64, but None is not one of the two documented choices.
        checked = None if dtype is None else np.dtype(dtype)
    except (TypeError, ValueError):
        checked = None
    # (``is None`` first: a dtype compares equal to None, which it reads as float64.)
    if checked is None or checked not in _SUPPORTED_DTYPES:
        raise ValueError(
            f"dtype={dtype!r} is not supported; use np.float32 (default) or np.float64."
        )
    return checked


def _first_nonfinite_row(matrix):
    """Index of the first row of ``matrix`` holding nan or inf, or None.

    Checked in blocks of rows, so the boolean temporary stays small for any matrix.
    """
    rows_per_block = max(1, _BLOCK_VALUES // max(1, matrix.shape[1]))
    for start in range(0, matrix.shape[0], rows_per_block):
        finite = np.isfinite(matrix[start:start + rows_per_block]).all(axis=1)
        if not finite.all():
            return start + int(np.argmin(finite))
    return None


# ------------------------------------------------------------------------------ writing


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
    vectors = _check_vectors_shape(vectors)
    encoded = _encode_words(words, vectors.shape[0])
    data = _values_to_write(vectors, encoded, binary)
    header = f"{data.shape[0]} {data.shape[1]}\n".encode("ascii")
    compression = _compression_of(path)

    def write(raw):
        target_name = os.path.basename(os.fspath(path))
        with (contextlib.nullcontext(raw) if compression is None
              else compression.open(raw, "wb", target_name)) as fout:
            fout.write(header)
            for row in _row_bytes(encoded, data, binary):
                fout.write(row)

    _replace_file(path, write)


def _check_vectors_shape(vectors) -> np.ndarray:
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[1] < 1:
        raise ValueError(
            f"vectors must be a 2-D array with at least one column, got shape {vectors.shape}"
        )
    if not np.issubdtype(vectors.dtype, np.number) or np.iscomplexobj(vectors):
        raise ValueError(f"vectors must be a real numeric array, got dtype {vectors.dtype}")
    return vectors


def _encode_words(words, n_vectors):
    """The UTF-8 bytes of each word, after checking every word against :func:`_word_problem`."""
    words = list(words)
    if len(words) != n_vectors:
        raise ValueError(
            f"got {len(words)} words but {n_vectors} vectors; they must match one to one"
        )
    seen = set()
    for i, word in enumerate(words):
        problem = _word_problem(word)
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
    bad = _first_nonfinite_row(data)
    if bad is not None:
        raise ValueError(
            f"the vector of word {bad} {encoded_words[bad].decode('utf-8')!r} holds nan or "
            f"inf (in {data.dtype.name}, the type it is stored as); readers reject such "
            "files. Fix or drop that row before saving."
        )
    return data


def _row_bytes(encoded_words, data, binary):
    """Yield the bytes of each word's row of the file, in order."""
    if binary:
        for word, row in zip(encoded_words, data):
            yield word + b" " + row.tobytes() + b"\n"
    else:
        for word, row in zip(encoded_words, data):
            yield word + b" " + " ".join(map(str, row)).encode("ascii") + b"\n"


def _replace_file(path, write):
    """Call ``write(binary_file)`` so that ``path`` ends up either complete or unchanged.

    The bytes go to a temporary file in the folder of the target (``os.replace`` is atomic
    only within one file system), are flushed to disk, and the temporary file is then renamed
    over the target. On any failure, KeyboardInterrupt included, the temporary file is
    removed and the exception re-raised.
    """
    # Replace the file a symbolic link points to rather than the link itself.
    target = os.path.realpath(os.fspath(path))
    if os.path.exists(target) and not os.path.isfile(target):
        # /dev/null, a named pipe...: there is nothing to keep intact, and renaming over
        # such a path would be wrong.
        with open(target, "wb") as raw:
            write(raw)
        return
    fd, temporary = _create_file_beside(target)
    try:
        with open(fd, "wb") as raw:
            if os.path.exists(target):
                os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
            write(raw)
            raw.flush()
            _sync_to_disk(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    # The rename lives in the folder's own data: until the folder is synced, a crash can
    # bring back the old file (or none) although the new one was complete on disk.
    _sync_folder(os.path.dirname(target))


def _create_file_beside(target):
    """Create a new, uniquely named hidden file in the folder of ``target``.

    Returns ``(fd, path)``. ``os.open`` with mode 0o666 lets the umask decide the
    permissions, as ``open(target, "wb")`` would (``tempfile.mkstemp`` forces 0o600).
    """
    folder, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        # 200 characters of the name leave room for the suffix within NAME_MAX (255).
        temporary = os.path.join(folder, f".{name[:200]}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
        except FileNotFoundError:
            # Name the folder, not the temporary file the user never asked for.
            raise FileNotFoundError(
                errno.ENOENT, "No such folder to write the file in", folder or "."
            ) from None
    raise FileExistsError(errno.EEXIST, "no free temporary file name beside", target)


def _sync_folder(folder):
    """fsync a folder, where the file system allows it (not on Windows, where a folder
    cannot be opened, nor on file systems that refuse to sync one)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder or ".", flags)
    except OSError:
        return  # PermissionError on Windows; the file itself is on disk already
    try:
        _sync_to_disk(fd)
    finally:
        os.close(fd)


def _sync_to_disk(fd):
    # A full disk can surface only when the data is flushed, and a rename that reaches the
    # disk before the data would leave an empty file after a crash.
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise  # other than "this file system cannot sync", which leaves nothing to do


# ------------------------------------------------------------------------------ reading


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
    dtype = _check_dtype(dtype)
    _check_limit(limit)
    _check_decoding(encoding, unicode_errors)
    _check_optional_flag("binary", binary)
    _check_optional_flag("no_header", no_header)
    keep = _restriction(restrict_to)
    with open_for_reading(path) as fin:
        layout = _detect_layout(fin, path, encoding, binary, no_header)
        fin.seek(layout.data_offset)
        n_read = layout.n_words
        if limit is not None:
            n_read = int(limit) if n_read is None else min(n_read, int(limit))
        reader = _read_binary if layout.binary else _read_text
        return reader(fin, path, layout, n_read, keep, encoding, unicode_errors, dtype)


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


@contextlib.contextmanager
def open_for_reading(path):
    """Open ``path`` for binary reading, decompressing by suffix.

    Corrupt or truncated compressed data, or bytes after the compressed data that are not
    another stream (zero padding is allowed), met while the file is read raise ValueError
    naming the file instead of the codec's own exception. The file itself is opened first, outside
    that translation, so a missing file is still a FileNotFoundError.
    """
    compression = _compression_of(path)
    with open(path, "rb") as raw:
        if compression is None:
            yield raw
            return
        try:
            # One rule for what follows a stream, whatever the codec (see _compressed).
            with open_decompressed(raw, compression.name) as fin:
                yield fin
        except _DECOMPRESSION_ERRORS as exc:
            raise ValueError(
                f"{path}: cannot read it as {compression.name}-compressed data ({exc}); the "
                f"file is corrupt or truncated, or not {compression.name}-compressed (rename "
                "it if its name's suffix is wrong)"
            ) from exc


_HEADER = "expected a header 'n_words vector_size'"
_HEADER_EXPECTED = f"{_HEADER} (two non-negative integers)"

# Longest first line of a file without header: its length decides the dimension, so it
# cannot be bounded by one. 1 MiB holds tens of thousands of values; splitting a hostile
# line of that size costs some tens of MB at most.
_MAX_HEADERLESS_ROW_BYTES = 1 << 20

# Bytes after the header looked at to tell text from binary: the longest word and enough
# of the first row that a binary one shows its float bytes.
_SNIFF_BYTES = MAX_WORD_BYTES + (1 << 16)

# Characters of the values of a text row (numbers, inf and nan in any case, separators).
_TEXT_VALUE_BYTES = b"0123456789+-.eEinfatyINFATY \t\r"

# Bytes no text row holds (C0 controls but tab, newline and CR, and DEL); float32 data is
# full of them (every 1.0 has two NULs).
_CONTROL_BYTES = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(14, 32)) + b"\x7f"


class _Layout(NamedTuple):
    """Where the rows of a vector file are and how to read them."""

    binary: bool
    n_words: object  # int from the header, or None: no header, rows up to the end
    vector_size: int
    data_offset: int  # offset of the first row in the (decompressed) file

    @property
    def first_line(self):
        """Line number of the first row: 2 after a header, else 1."""
        return 1 if self.n_words is None else 2


def _detect_layout(fin, path, encoding, binary, no_header):
    """The :class:`_Layout` of an open vector file: header or not, text or binary.

    ``binary`` and ``no_header`` are True, False or None (find out). Reads at most a few
    bounded lines; the caller seeks to ``data_offset`` afterwards.
    """
    if no_header:
        if binary:
            raise ValueError(
                f"{path}: binary=True and no_header=True do not go together: binary "
                "word2vec files always start with a header 'n_words vector_size'"
            )
        return _headerless_layout(fin, path, stated=True)
    first = fin.readline(_MAX_HEADER_BYTES + 1)
    header = _header_fields(first, encoding)
    if header is None:
        if no_header is None and not binary and _looks_like_a_row(first):
            return _headerless_layout(fin, path, stated=False)
        raise _header_error(first, path, headerless_tried=no_header is None and not binary)
    n_words, vector_size = _checked_header(header, first, path)
    if n_words == 0:
        return _Layout(bool(binary), 0, vector_size, len(first))
    fin.seek(len(first))
    head = fin.read(min(_SNIFF_BYTES, MAX_WORD_BYTES + 4 * vector_size + _TEXT_ROW_SLACK))
    found_binary = _sniff_binary(head, vector_size)
    if binary is not None and bool(binary) != found_binary and _sure_of(head, vector_size,
                                                                         found_binary):
        stated = "binary (binary=True)" if binary else "text (binary=False)"
        found = "binary float32 values" if found_binary else "a text row of numbers"
        raise ValueError(
            f"{path}: line 2: expected the {stated} word2vec format, found {found} after "
            "the first word; pass binary=None to have the format found out, or the other "
            "value of binary"
        )
    return _Layout(found_binary if binary is None else bool(binary), n_words, vector_size,
                   len(first))


def _header_fields(line, encoding):
    """``(n_words, vector_size)`` if ``line`` is two integers, else None."""
    if len(line) > _MAX_HEADER_BYTES:
        return None
    try:
        fields = line.decode(encoding).split()
        n_words, vector_size = (int(x) for x in fields)
    except (ValueError, UnicodeDecodeError):
        return None
    return n_words, vector_size


def _checked_header(header, line, path):
    n_words, vector_size = header
    if n_words < 0 or vector_size < 1:
        raise ValueError(
            f"{path}: line 1: {_HEADER_EXPECTED} with vector_size >= 1, found {line[:80]!r}"
        )
    if max(n_words, 1) * vector_size > _MAX_CLAIMED_VALUES:
        raise ValueError(
            f"{path}: line 1: the header claims {n_words} words of {vector_size} values, "
            "more than any file can hold; the header is corrupt"
        )
    return n_words, vector_size


def _header_error(line, path, *, headerless_tried, detail=""):
    if not line:
        return ValueError(f"{path}: line 1: file is empty; {_HEADER_EXPECTED}")
    glove = (" or, for a file without header (GloVe), a first row 'word v1 ... vd' followed "
             f"by rows of as many values{detail}" if headerless_tried else "")
    if len(line) > _MAX_HEADER_BYTES:
        return ValueError(
            f"{path}: line 1: {_HEADER} of "
            f"at most {_MAX_HEADER_BYTES} bytes{glove}, found {line[:80]!r}...; is this a "
            "word vector file?"
        )
    return ValueError(f"{path}: line 1: {_HEADER_EXPECTED}{glove}, found {line[:80]!r}")


def _looks_like_a_row(line):
    """Whether ``line`` (or its start) is a word, a space and only numbers."""
    stripped = line.rstrip(b"\r\n")
    space = stripped.find(b" ")
    if space <= 0:
        return False
    values = stripped[space + 1:]
    return bool(values.strip()) and not values.translate(None, _TEXT_VALUE_BYTES)


def _headerless_layout(fin, path, *, stated):
    """The layout of a text file without header, its dimension from the first row.

    Found out (not ``stated``), the second row must have as many values, else the file is
    neither format and the error says what each would need.
    """
    fin.seek(0)
    first = fin.readline(_MAX_HEADERLESS_ROW_BYTES + 1)
    if len(first) > _MAX_HEADERLESS_ROW_BYTES:
        raise ValueError(
            f"{path}: line 1: longer than {_MAX_HEADERLESS_ROW_BYTES} bytes; a file without "
            "header (GloVe) must have a shorter first row. Add a header line "
            "'n_words vector_size' to read longer rows"
        )
    n_fields = len(first.split())
    if stated and n_fields < 2:
        raise ValueError(
            f"{path}: line 1: expected a word and its values (no_header=True: a file "
            f"without header such as GloVe's), found {first[:80]!r}"
        )
    if not stated:
        if not _looks_like_a_row(first):
            raise _header_error(first, path, headerless_tried=True)
        row_limit = MAX_WORD_BYTES + n_fields * (_MAX_VALUE_BYTES + 1) + _TEXT_ROW_SLACK
        second = fin.readline(row_limit + 1)
        n_second = len(second.split())
        if n_second not in (0, n_fields):
            raise _header_error(
                first[:_MAX_HEADER_BYTES], path, headerless_tried=True,
                detail=f" (line 1 has {n_fields - 1} values, line 2 {max(n_second - 1, 0)})")
    return _Layout(False, None, n_fields - 1, 0)


def _sniff_binary(head, vector_size):
    """Whether the bytes after a header, ``head``, start a binary row rather than a text one.

    A text row is a word, a space, then up to its newline numbers (or, when a value is
    malformed, ``vector_size`` fields of printable text). The float32 bytes after the first
    word of a binary file practically never are: the sign-and-exponent byte of any value
    between 5e-4 and 8 in magnitude (most components of word vectors) is not a character
    of a number, and control bytes (NUL in every 1.0) abound.
    """
    head = head.lstrip(b"\r\n")
    space = head.find(b" ")
    if space == -1:
        return False  # no word at all: the text reader reports the line
    row = head[space + 1:]
    newline = row.find(b"\n")
    values = (row[:newline] if newline != -1 else row[:4 * vector_size]).rstrip(b"\r")
    if not values:
        return True
    if not values.translate(None, _TEXT_VALUE_BYTES):
        return False
    printable = values.translate(None, _CONTROL_BYTES) == values
    if printable and len(values.split()) == vector_size:
        return False  # a text row with a malformed value: the text reader names it
    return True


def _sure_of(head, vector_size, found_binary):
    """Whether the format found is certain enough to contradict what the caller stated:
    a whole text row of numbers, or a NUL byte (which no text file holds)."""
    row = head.lstrip(b"\r\n")
    row = row[row.find(b" ") + 1:]
    if found_binary:
        return b"\x00" in row[:4 * vector_size]
    newline = row.find(b"\n")
    return newline > 0 and not row[:newline].translate(None, _TEXT_VALUE_BYTES)


# Size up to which the matrix being read doubles its capacity (see _GrowingRows).
_DOUBLING_BYTES = 64 << 20


class _GrowingRows:
    """An (n, d) array filled one row at a time, grown as the rows arrive.

    The header's word count is a claim: allocating it up front would let a 20-byte file ask
    for terabytes. Capacity starts at about one block of values and doubles, up to the
    claimed count, so memory follows the rows actually read. Storing straight into the
    requested dtype avoids a second full-size copy at the end.

    Past ``_DOUBLING_BYTES`` the capacity grows by an eighth instead: ``ndarray.resize``
    zero-fills (and so makes resident) the capacity it adds, so when the count is not
    known (no header; ``restrict_to``) doubling left up to half of the final matrix again
    as unused resident memory (+12% measured on a 400k x 300 GloVe file), an eighth at most
    1/8. The larger reallocations are moved by the kernel (mremap), not copied.
    """

    def __init__(self, n_columns, dtype, max_rows):
        self._data = np.empty((0, n_columns), dtype=dtype)
        self._max_rows = max_rows
        self.n_rows = 0

    def append(self, row):
        if self.n_rows == len(self._data):
            self._grow()
        self._data[self.n_rows] = row
        self.n_rows += 1

    def _grow(self):
        n_rows, n_columns = self._data.shape
        step = n_rows if self._data.nbytes < _DOUBLING_BYTES else n_rows // 8
        capacity = max(n_rows + step, _BLOCK_VALUES // n_columns, 1)
        # ndarray.resize reallocates in place where it can; no view of _data ever escapes,
        # so skipping the reference check is safe.
        self._data.resize((min(capacity, self._max_rows), n_columns), refcheck=False)

    def to_array(self):
        self._data.resize((self.n_rows, self._data.shape[1]), refcheck=False)
        return self._data


def _duplicate_error(word, first, where, path):
    return ValueError(
        f"{path}: {where}: duplicate word {word!r} (first seen as word {first + 1}); "
        "expected unique words"
    )


def _bad_word_error(word, problem, where, path, vector_size):
    return ValueError(
        f"{path}: {where}: word {word!r} {problem}, so it could not be written back in this "
        f"format; the file is corrupt (in a binary file, or vector_size {vector_size} in the "
        "header is wrong): fix or remove that word"
    )


def _check_finite(vectors, words, where, path, *, from_text):
    """Raise ValueError if a vector holds nan or inf; ``where(row)`` locates a row.

    Checked once on the result, in blocks, rather than row by row: a per-row check would
    cost more than the rest of reading a binary row. Text values beyond float32's range,
    finite in the file, became inf when stored as float32, so they are caught here too.
    """
    bad = _first_nonfinite_row(vectors)
    if bad is None:
        return
    column = int(np.flatnonzero(~np.isfinite(vectors[bad]))[0])
    overflow = (
        ", or beyond the range of float32 (then load with dtype=np.float64)"
        if from_text and vectors.dtype == np.float32 else ""
    )
    raise ValueError(
        f"{path}: {where(bad)}: value {column + 1} of word {bad + 1} ({words[bad]!r}) is nan "
        f"or inf{overflow}; such a vector would poison transform and most_similar, so fix or "
        "remove that word"
    )


def _first_content(chunks):
    """Find the first byte that is not ASCII whitespace in a stream of byte chunks.

    Returns ``(n_bytes_before, n_newlines_before)``, or None if there is no such byte. Reads
    chunk by chunk, so a long run of data is never held whole.
    """
    n_bytes = n_newlines = 0
    for chunk in chunks:
        stripped = chunk.lstrip()
        if stripped:
            skipped = len(chunk) - len(stripped)
            return n_bytes + skipped, n_newlines + chunk.count(b"\n", 0, skipped)
        n_bytes += len(chunk)
        n_newlines += chunk.count(b"\n")
    return None


def _read_text(fin, path, layout, n_read, keep, encoding, unicode_errors, dtype):
    """Words and vectors of the text rows of ``fin``, positioned at the first row.

    ``n_read`` rows at most (None: up to the end, for a file without header); ``keep``, if
    not None, the set of words whose rows are kept.
    """
    words: list[str] = []
    seen: dict[str, int] = {}
    vector_size, n_words = layout.vector_size, layout.n_words
    rows = _GrowingRows(vector_size, dtype, sys.maxsize if n_read is None else n_read)
    line_numbers = array("q")  # of the rows kept, to name a non-finite one afterwards
    row_limit = MAX_WORD_BYTES + vector_size * (_MAX_VALUE_BYTES + 1) + _TEXT_ROW_SLACK
    n_rows = 0
    while n_read is None or n_rows < n_read:
        line_no = n_rows + layout.first_line
        # A bounded readline: a corrupt file of one huge line costs row_limit bytes, not the
        # line (whose decoding and splitting used to take twenty times its size).
        raw = fin.readline(min(row_limit + 1, sys.maxsize))
        if n_words is None and not raw.strip():
            _check_only_blank_lines_follow(fin, path, raw, line_no)
            break  # the end of a file without header
        if not raw:
            raise ValueError(
                f"{path}: line {line_no}: unexpected end of file; the header declares "
                f"{n_words} words but only {n_rows} were found"
            )
        if len(raw) > row_limit:
            raise ValueError(
                f"{path}: line {line_no}: longer than {row_limit} bytes, the most a word and "
                f"{vector_size} values ({_dimension_source(layout)}) can take; the file is "
                "corrupt or its header wrong"
            )
        n_rows += 1
        if keep is not None and _text_row_word(raw, encoding, unicode_errors) not in keep:
            continue
        word, values = _parse_text_row(raw, line_no, path, layout, encoding, unicode_errors)
        # Values beyond float32's range become inf here, and _check_finite reports them.
        with np.errstate(over="ignore"):
            rows.append(values)
        first = seen.setdefault(word, len(words))
        if first != len(words):
            raise _duplicate_error(word, first, f"line {line_no}", path)
        words.append(word)
        line_numbers.append(line_no)
    if n_words is not None and n_read == n_words:
        # Anything but whitespace after the declared words means the header is wrong.
        found = _first_content(iter(partial(fin.read, _CHUNK_SIZE), b""))
        if found is not None:
            raise ValueError(
                f"{path}: line {n_words + 2 + found[1]}: the header declares {n_words} words "
                "but the file has more lines"
            )
    vectors = rows.to_array()
    _check_finite(vectors, words, lambda row: f"line {line_numbers[row]}", path,
                  from_text=True)
    return words, vectors


def _dimension_source(layout):
    return ("vector_size from the header" if layout.n_words is not None
            else "as many as in line 1, this file having no header")


def _check_only_blank_lines_follow(fin, path, blank, line_no):
    """In a file without header a blank line ends the rows: raise if any follow."""
    found = _first_content(iter(partial(fin.read, _CHUNK_SIZE), b""))
    if found is not None and blank:
        next_line = line_no + blank.count(b"\n") + found[1]
        raise ValueError(
            f"{path}: line {line_no}: blank line, but the file goes on (line {next_line}); "
            "a file without header may only end with blank lines"
        )


def _text_row_word(raw, encoding, unicode_errors):
    """The word of a text row, without parsing its values (rows ``restrict_to`` skips)."""
    word = raw.lstrip(b" ").split(b" ", 1)[0].rstrip(b"\r\n")
    try:
        return word.decode(encoding, errors=unicode_errors)
    except UnicodeDecodeError:
        return None  # not a word anyone asked for; a kept row would be decoded again


def _parse_text_row(raw, line_no, path, layout, encoding, unicode_errors):
    """``(word, float64 values)`` of one raw text line."""
    vector_size = layout.vector_size
    try:
        line = raw.decode(encoding, errors=unicode_errors)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: line {line_no}: cannot decode with {encoding}: {exc}; pass "
            "unicode_errors='replace' to load it anyway"
        ) from None
    # Split on single spaces like gensim, so words may contain non-ASCII whitespace such
    # as U+00A0; empty fields from repeated spaces and word2vec.c's trailing space go.
    parts = [p for p in line.rstrip("\r\n").split(" ") if p]
    if len(parts) != vector_size + 1:
        raise ValueError(
            f"{path}: line {line_no}: expected a word and {vector_size} values "
            f"({_dimension_source(layout)}), found {max(len(parts) - 1, 0)} values"
        )
    word = parts[0]
    problem = _word_problem(word)
    if problem is not None:
        raise _bad_word_error(word, problem, f"line {line_no}", path, vector_size)
    try:
        return word, np.array(parts[1:], dtype=np.float64)
    except ValueError:
        bad = next(p for p in parts[1:] if not _is_number(p))
        raise ValueError(
            f"{path}: line {line_no}: value {bad!r} of word {word!r} is not a number"
        ) from None


def _is_number(text):
    # NumPy's own parser, not float(): the two disagree on a few strings, and the one that
    # failed above must be found.
    try:
        np.array([text], dtype=np.float64)
    except ValueError:
        return False
    return True


class _ByteStream:
    """The bytes of a binary file, consumed front to back, read in bounded chunks.

    Nothing is read because a header claims it exists: a long row is gathered chunk by chunk,
    so memory follows the bytes the file really delivers. The buffer is a bytearray whose
    consumed front is dropped with ``del buf[:n]`` (O(1) in CPython) and which grows by
    amortised appends, so reading a row costs time linear in its length; concatenating
    ``buf[pos:] + chunk`` for each chunk copied the partial row every time (quadratic).
    """

    def __init__(self, fin, offset):
        self._fin = fin
        self._buf = bytearray()
        self._pos = 0  # index in _buf of the next unread byte
        self._base = offset  # file offset of _buf[0]
        self.at_eof = False

    @property
    def offset(self):
        """File offset of the next unread byte."""
        return self._base + self._pos

    def _fill(self):
        """Append one chunk to the buffer; False at end of file."""
        chunk = self._fin.read(_CHUNK_SIZE)
        if not chunk:
            self.at_eof = True
            return False
        del self._buf[:self._pos]
        self._base += self._pos
        self._pos = 0
        self._buf += chunk
        return True

    def next_word(self):
        """``(offset, word)``: the bytes up to the next b" " (consumed with it) and their
        file offset; ``word`` is None if the file ends or ``MAX_WORD_BYTES`` bytes pass
        without a space.

        Newlines and CRs in front of the word are skipped: word2vec.c writes one after each
        vector, gensim none, some files have more, and no word can start with them.
        """
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in b"\n\r":
                self._pos += 1
            if self._pos < len(self._buf) or not self._fill():
                break
        offset = self.offset
        scanned = 0
        while True:
            space = self._buf.find(b" ", self._pos + scanned, self._pos + MAX_WORD_BYTES + 1)
            if space != -1:
                word = bytes(self._buf[self._pos:space])
                self._pos = space + 1
                return offset, word
            scanned = len(self._buf) - self._pos
            if scanned > MAX_WORD_BYTES or not self._fill():
                return offset, None

    def read_floats(self, count, consume):
        """Pass the next ``count`` little-endian float32 values to ``consume``.

        ``consume`` gets a view of the buffer, valid only during the call (later reads
        resize the buffer), so a long row is never copied here. Returns the number of bytes
        read: ``4 * count``, or fewer if the file ends first (``consume`` is then not called).
        """
        n_bytes = 4 * count
        while len(self._buf) - self._pos < n_bytes and self._fill():
            pass
        available = min(n_bytes, len(self._buf) - self._pos)
        if available == n_bytes:
            consume(np.frombuffer(self._buf, dtype="<f4", count=count, offset=self._pos))
        self._pos += available
        return available

    def remaining_chunks(self):
        """Yield the rest of the file, the buffered bytes first."""
        yield bytes(self._buf[self._pos:])
        self._pos = len(self._buf)
        while self._fill():
            yield bytes(self._buf)
            self._pos = len(self._buf)


def _read_binary(fin, path, layout, n_read, keep, encoding, unicode_errors, dtype):
    """Words and vectors of the binary rows of ``fin``, positioned at the first row."""
    words: list[str] = []
    seen: dict[str, int] = {}
    vector_size, n_words = layout.vector_size, layout.n_words
    rows = _GrowingRows(vector_size, dtype, n_read)
    vector_offsets = array("q")  # 8 bytes a row, to name a non-finite row afterwards
    n_bytes = 4 * vector_size
    stream = _ByteStream(fin, layout.data_offset)
    for i in range(n_read):
        word_offset, raw_word = stream.next_word()
        if raw_word is None:
            what = (
                "unexpected end of file" if stream.at_eof
                else f"no space within {MAX_WORD_BYTES} bytes (the longest word allowed)"
            )
            raise ValueError(
                f"{path}: byte offset {word_offset}: {what} while reading word {i + 1} of "
                f"{n_words}; expected a word followed by b' ' and {n_bytes} bytes of float32 "
                f"(is vector_size {vector_size} in the header right?)"
            )
        try:
            word = raw_word.decode(encoding, errors=unicode_errors)
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"{path}: byte offset {word_offset}: word {i + 1} cannot be decoded with "
                f"{encoding} ({exc}); the file may be corrupt or vector_size in the header "
                "wrong, or pass unicode_errors='replace'"
            ) from None
        kept = keep is None or word in keep
        if kept:
            problem = _word_problem(word)
            if problem is not None:
                raise _bad_word_error(word, problem, f"byte offset {word_offset}", path,
                                      vector_size)
        vector_offset = stream.offset
        n_found = stream.read_floats(vector_size, rows.append if kept else _ignore)
        if n_found < n_bytes:
            raise ValueError(
                f"{path}: byte offset {vector_offset}: unexpected end of file in the "
                f"vector of word {i + 1} of {n_words} ({word!r}); expected {n_bytes} bytes, "
                f"found {n_found}"
            )
        if not kept:
            continue
        first = seen.setdefault(word, len(words))
        if first != len(words):
            raise _duplicate_error(word, first, f"byte offset {word_offset}", path)
        words.append(word)
        vector_offsets.append(vector_offset)
    if n_read == n_words:
        end_of_words = stream.offset
        found = _first_content(stream.remaining_chunks())
        if found is not None:
            raise ValueError(
                f"{path}: byte offset {end_of_words + found[0]}: the header declares "
                f"{n_words} words but the file continues after them"
            )
    vectors = rows.to_array()
    _check_finite(vectors, words, lambda row: f"byte offset {vector_offsets[row]}", path,
                  from_text=False)
    return words, vectors


def _ignore(values):
    """Where the vectors of the rows that ``restrict_to`` skips go."""
