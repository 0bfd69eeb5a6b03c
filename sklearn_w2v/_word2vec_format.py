"""Reading and writing the word2vec.c vector file formats.

Both formats start with an ASCII header line ``"<n_words> <vector_size>\\n"``.

* text: one line per word, ``"word v1 v2 ... vd\\n"``, values separated by single spaces.
  word2vec.c writes a trailing space before the newline; gensim does not. Both are read.
* binary: per word, the UTF-8 bytes of the word, ``b" "``, ``vector_size`` little-endian
  float32 values, then ``b"\\n"``. word2vec.c writes that newline, gensim's writer omits it,
  so readers skip newlines in front of a word rather than expect one after a vector.

These are the files written by word2vec.c (``-binary 0/1``) and read and written by gensim's
``KeyedVectors.load_word2vec_format`` / ``save_word2vec_format``.
"""

import gzip
import os

import numpy as np

__all__ = ["load_word2vec_format", "save_word2vec_format"]

# Characters that end a word for some reader of the format: gensim splits text lines and finds
# the end of a binary word at b" ", word2vec.c's fscanf("%s") stops at any ASCII whitespace,
# and a newline would end a text line. A word containing one of them cannot be read back.
_SEPARATORS = frozenset(" \t\n\r\v\f")

# Bytes read from the file per call when reading the binary format. Large enough that the
# per-chunk Python overhead is negligible, small enough not to matter for memory.
_CHUNK_SIZE = 1 << 20

# A binary word longer than this (in bytes) means we are reading float bytes as a word: the
# header's vector_size is wrong or the file is corrupt. Real vocabularies stay far below it.
_MAX_WORD_BYTES = 1 << 16


def _open(path, mode):
    """Open ``path`` in binary ``mode``, transparently (de)compressing ``.gz`` files."""
    path = os.fspath(path)
    if str(path).endswith(".gz"):
        return gzip.open(path, mode)
    return open(path, mode)


def save_word2vec_format(path, words, vectors, *, binary=False):
    """Write word vectors in the word2vec.c text or binary format.

    Parameters
    ----------
    path : str or os.PathLike
        Output file. A name ending in ``.gz`` is written gzip-compressed.
    words : sequence of str
        The words, in row order of ``vectors``. Words must be unique, non-empty and must not
        contain ASCII whitespace (space, tab, newline, carriage return, vertical tab, form
        feed): readers of the format use those characters to find where a word ends.
    vectors : array-like of shape (n_words, vector_size)
        The vectors. The binary format always stores float32. The text format writes the
        shortest decimal representation that reads back to the same float32 value (float64
        when ``vectors`` is float64).
    binary : bool, default=False
        Write the binary format instead of the text format.

    Raises
    ------
    ValueError
        If the shapes disagree, ``vectors`` is not 2-D with at least one column, or a word is
        empty, duplicated, not a string or contains whitespace.

    See Also
    --------
    load_word2vec_format : Read the files this function writes.
    """
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[1] < 1:
        raise ValueError(
            f"vectors must be a 2-D array with at least one column, got shape {vectors.shape}"
        )
    if not np.issubdtype(vectors.dtype, np.number) or np.iscomplexobj(vectors):
        raise ValueError(f"vectors must be a real numeric array, got dtype {vectors.dtype}")
    words = list(words)
    if len(words) != vectors.shape[0]:
        raise ValueError(
            f"got {len(words)} words but {vectors.shape[0]} vectors; they must match one to one"
        )
    seen = set()
    for i, word in enumerate(words):
        if not isinstance(word, str):
            raise ValueError(f"word {i} is {type(word).__name__}, expected str")
        if not word:
            raise ValueError(f"word {i} is empty; the word2vec format cannot represent it")
        if not _SEPARATORS.isdisjoint(word):
            raise ValueError(
                f"word {i} {word!r} contains whitespace; the word2vec format cannot represent "
                "it (readers split words at spaces, tabs and newlines)"
            )
        if word in seen:
            raise ValueError(f"word {i} {word!r} is a duplicate; words must be unique")
        seen.add(word)

    n_words, vector_size = vectors.shape
    with _open(path, "wb") as fout:
        fout.write(f"{n_words} {vector_size}\n".encode("ascii"))
        if binary:
            # '<f4' pins little-endian float32 whatever the machine, as word2vec.c files are
            # read everywhere as little-endian.
            data = np.ascontiguousarray(vectors, dtype="<f4")
            for word, row in zip(words, data):
                fout.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
        else:
            # str() of a NumPy float scalar is its shortest round-tripping representation, so
            # text files reload bit-identically. Other dtypes go through float32, the format's
            # native precision.
            data = vectors if vectors.dtype == np.float64 else vectors.astype(np.float32)
            for word, row in zip(words, data):
                line = word + " " + " ".join(map(str, row)) + "\n"
                fout.write(line.encode("utf-8"))


def load_word2vec_format(
    path,
    *,
    binary=False,
    encoding="utf-8",
    unicode_errors="strict",
    limit=None,
    dtype=np.float32,
):
    """Read word vectors from a word2vec.c text or binary file.

    Parameters
    ----------
    path : str or os.PathLike
        Input file. A name ending in ``.gz`` is read as gzip-compressed.
    binary : bool, default=False
        Read the binary format instead of the text format.
    encoding : str, default="utf-8"
        Encoding of the words.
    unicode_errors : str, default="strict"
        How to handle undecodable words, as in :meth:`bytes.decode`. word2vec.c may cut a
        multi-byte character when it truncates long words; ``"replace"`` or ``"ignore"`` then
        loads such files.
    limit : int or None, default=None
        Read only the first ``limit`` vectors (the most frequent ones in files written by
        word2vec.c). None reads all of them.
    dtype : numpy dtype, default=np.float32
        dtype of the returned vectors.

    Returns
    -------
    words : list of str
        The words in file order.
    vectors : ndarray of shape (n_words, vector_size)
        The vectors, row ``i`` belonging to ``words[i]``.

    Raises
    ------
    ValueError
        If the file is malformed: a missing or invalid header, a truncated file, a line with
        the wrong number of values, a value that is not a number, a word that appears twice,
        data after the declared number of words, or a word that cannot be decoded. The
        message names the line number (text) or byte offset (binary) and what was expected.
        Unlike gensim, which keeps the first of two duplicate words with a warning, a
        duplicate is an error here: it means the file is not what its writer intended.

    See Also
    --------
    save_word2vec_format : Write files in this format.
    """
    if limit is not None and (isinstance(limit, bool) or int(limit) != limit or limit < 1):
        raise ValueError(f"limit must be None or a positive integer, got {limit!r}")
    with _open(path, "rb") as fin:
        header = fin.readline()
        n_words, vector_size = _parse_header(header, path, encoding)
        n_read = n_words if limit is None else min(n_words, int(limit))
        if binary:
            words, vectors = _read_binary(
                fin, path, n_words, n_read, vector_size, len(header), encoding, unicode_errors
            )
        else:
            words, vectors = _read_text(
                fin, path, n_words, n_read, vector_size, encoding, unicode_errors
            )
    return words, vectors.astype(dtype, copy=False)


def _parse_header(header, path, encoding):
    """Return ``(n_words, vector_size)`` from the raw header line, or raise ValueError."""
    expected = "expected a header 'n_words vector_size' (two non-negative integers)"
    if not header:
        raise ValueError(f"{path}: line 1: file is empty; {expected}")
    try:
        fields = header.decode(encoding).split()
        n_words, vector_size = (int(x) for x in fields)
    except ValueError:
        raise ValueError(f"{path}: line 1: {expected}, found {header[:80]!r}") from None
    if n_words < 0 or vector_size < 1:
        raise ValueError(
            f"{path}: line 1: {expected} with vector_size >= 1, found {header[:80]!r}"
        )
    return n_words, vector_size


def _check_duplicate(word, index, seen, where, path):
    first = seen.setdefault(word, index)
    if first != index:
        raise ValueError(
            f"{path}: {where}: duplicate word {word!r} (first seen as word {first + 1}); "
            "expected unique words"
        )


def _read_text(fin, path, n_words, n_read, vector_size, encoding, unicode_errors):
    words = []
    seen = {}
    vectors = np.empty((n_read, vector_size), dtype=np.float64)
    for i in range(n_read):
        line_no = i + 2  # 1-based, after the header
        raw = fin.readline()
        if not raw:
            raise ValueError(
                f"{path}: line {line_no}: unexpected end of file; the header declares "
                f"{n_words} words but only {i} were found"
            )
        try:
            line = raw.decode(encoding, errors=unicode_errors)
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"{path}: line {line_no}: cannot decode with {encoding}: {exc}"
            ) from None
        # Split on single spaces like gensim, so words may contain non-ASCII whitespace such
        # as U+00A0; empty fields from repeated spaces and word2vec.c's trailing space go.
        parts = [p for p in line.rstrip("\r\n").split(" ") if p]
        if len(parts) != vector_size + 1:
            raise ValueError(
                f"{path}: line {line_no}: expected a word and {vector_size} values "
                f"(vector_size from the header), found {max(len(parts) - 1, 0)} values"
            )
        try:
            vectors[i] = np.array(parts[1:], dtype=np.float64)
        except ValueError:
            bad = next(p for p in parts[1:] if not _is_float(p))
            raise ValueError(
                f"{path}: line {line_no}: value {bad!r} of word {parts[0]!r} is not a number"
            ) from None
        words.append(parts[0])
        _check_duplicate(parts[0], i, seen, f"line {line_no}", path)
    if n_read == n_words:
        # Anything but blank lines after the declared words means the header is wrong.
        line_no = n_words + 2
        for raw in fin:
            if raw.strip():
                raise ValueError(
                    f"{path}: line {line_no}: the header declares {n_words} words but the "
                    "file has more lines"
                )
            line_no += 1
    return words, vectors


def _is_float(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_binary(fin, path, n_words, n_read, vector_size, start_offset, encoding, unicode_errors):
    words = []
    seen = {}
    vectors = np.empty((n_read, vector_size), dtype=np.float32)
    n_bytes = 4 * vector_size
    buf = b""
    pos = 0  # position of the next unread byte in buf
    buf_offset = start_offset  # file offset of buf[0], for error messages
    eof = False

    def refill():
        # Drop consumed bytes and append the next chunk; returns False at end of file.
        nonlocal buf, pos, buf_offset, eof
        chunk = fin.read(_CHUNK_SIZE)
        buf_offset += pos
        buf = buf[pos:] + chunk
        pos = 0
        eof = not chunk
        return bool(chunk)

    for i in range(n_read):
        # Skip the newline word2vec.c writes after each vector (and in front of the first
        # word some writers leave one too). gensim strips only b"\n" here; we also skip
        # b"\r" since no word can start with it.
        while True:
            while pos < len(buf) and buf[pos] in b"\n\r":
                pos += 1
            if pos < len(buf) or not refill():
                break
        word_start = pos
        while True:
            space = buf.find(b" ", word_start)
            if space != -1:
                break
            if len(buf) - pos > _MAX_WORD_BYTES or not refill():
                what = "unexpected end of file" if eof else "no space after a word"
                raise ValueError(
                    f"{path}: byte offset {buf_offset + pos}: {what} while reading word {i + 1} "
                    f"of {n_words}; expected a word followed by b' ' and {n_bytes} bytes of "
                    f"float32 (is vector_size {vector_size} in the header right?)"
                )
            word_start = pos
        word_offset = buf_offset + pos
        try:
            word = buf[pos:space].decode(encoding, errors=unicode_errors)
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"{path}: byte offset {word_offset}: word {i + 1} cannot be decoded with "
                f"{encoding} ({exc}); the file may be corrupt or vector_size in the header "
                "wrong, or pass unicode_errors='replace'"
            ) from None
        if not word or not _SEPARATORS.isdisjoint(word):
            raise ValueError(
                f"{path}: byte offset {word_offset}: word {i + 1} {word!r} is empty or "
                "contains whitespace; the file is corrupt or vector_size "
                f"{vector_size} in the header is wrong"
            )
        pos = space + 1
        while len(buf) - pos < n_bytes and refill():
            pass
        if len(buf) - pos < n_bytes:
            raise ValueError(
                f"{path}: byte offset {buf_offset + pos}: unexpected end of file in the vector "
                f"of word {i + 1} of {n_words} ({word!r}); expected {n_bytes} bytes, found "
                f"{len(buf) - pos}"
            )
        vectors[i] = np.frombuffer(buf, dtype="<f4", count=vector_size, offset=pos)
        pos += n_bytes
        words.append(word)
        _check_duplicate(word, i, seen, f"byte offset {word_offset}", path)
    if n_read == n_words:
        while True:
            rest = buf[pos:]
            if rest.strip():
                extra = len(rest) - len(rest.lstrip())
                raise ValueError(
                    f"{path}: byte offset {buf_offset + pos + extra}: the header declares "
                    f"{n_words} words but the file continues after them"
                )
            pos = len(buf)
            if not refill():
                break
    return words, vectors
