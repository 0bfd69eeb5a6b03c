"""Reading the binary rows of word2vec.c's binary format.

Per word: the bytes of the word, ``b" "``, ``vector_size`` little-endian float32 values,
then ``b"\\n"``. word2vec.c writes that newline, gensim's writer omits it, so the reader
skips newlines in front of a word rather than expect one after a vector. The rows follow a
header ``"n_words vector_size\\n"``, which :mod:`.sniffing` has read.
"""

from __future__ import annotations

from array import array

import numpy as np

from .checks import (
    MAX_WORD_BYTES,
    bad_word_error,
    check_finite,
    duplicate_error,
    word_problem,
)
from .rows import CHUNK_SIZE, GrowingRows, first_content

__all__ = ["ByteStream", "read_binary"]


class ByteStream:
    """The bytes of a binary file, consumed front to back, read in bounded chunks.

    Nothing is read because a header claims it exists: a long row is gathered chunk by chunk,
    so memory follows the bytes the file really delivers. The buffer is a bytearray whose
    consumed front is dropped with ``del buf[:n]`` (O(1) in CPython) and which grows by
    amortised appends, so reading a row costs time linear in its length (concatenating
    ``buf[pos:] + chunk`` for each chunk would copy the partial row every time: quadratic).
    ``chunk_size`` bytes are asked of the file per read.
    """

    def __init__(self, fin, offset, chunk_size=CHUNK_SIZE):
        self._fin = fin
        self._chunk_size = chunk_size
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
        chunk = self._fin.read(self._chunk_size)
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


def read_binary(fin, request):
    """Words and vectors of the binary rows of ``fin``, positioned at the first row."""
    path, layout, n_read, keep = request.path, request.layout, request.n_read, request.keep
    words: list[str] = []
    seen: dict[str, int] = {}
    vector_size = layout.vector_size
    rows = GrowingRows(vector_size, request.dtype, n_read)
    vector_offsets = array("q")  # 8 bytes a row, to name a non-finite row afterwards
    stream = ByteStream(fin, layout.data_offset, request.chunk_size)
    for i in range(n_read):
        word_offset, word = _next_word(stream, i, request)
        kept = keep is None or word in keep
        if kept:
            problem = word_problem(word)
            if problem is not None:
                raise bad_word_error(word, problem, f"byte offset {word_offset}", path,
                                     vector_size)
        vector_offset = stream.offset
        n_found = stream.read_floats(vector_size, rows.append if kept else _ignore)
        if n_found < 4 * vector_size:
            raise ValueError(
                f"{path}: byte offset {vector_offset}: unexpected end of file in the "
                f"vector of word {i + 1} of {layout.n_words} ({word!r}); expected "
                f"{4 * vector_size} bytes, found {n_found}"
            )
        if not kept:
            continue
        first = seen.setdefault(word, len(words))
        if first != len(words):
            raise duplicate_error(word, first, f"byte offset {word_offset}", path)
        words.append(word)
        vector_offsets.append(vector_offset)
    if n_read == layout.n_words:
        _check_nothing_follows(stream, request)
    vectors = rows.to_array()
    check_finite(vectors, words, lambda row: f"byte offset {vector_offsets[row]}", path,
                 from_text=False)
    return words, vectors


def _next_word(stream, i, request):
    """``(offset, word)``: word ``i`` (from 0) decoded, or a ValueError saying why not."""
    path, encoding = request.path, request.encoding
    vector_size, n_words = request.layout.vector_size, request.layout.n_words
    word_offset, raw_word = stream.next_word()
    if raw_word is None:
        what = (
            "unexpected end of file" if stream.at_eof
            else f"no space within {MAX_WORD_BYTES} bytes (the longest word allowed)"
        )
        raise ValueError(
            f"{path}: byte offset {word_offset}: {what} while reading word {i + 1} of "
            f"{n_words}; expected a word followed by b' ' and {4 * vector_size} bytes of "
            f"float32 (is vector_size {vector_size} in the header right?)"
        )
    try:
        return word_offset, raw_word.decode(encoding, errors=request.unicode_errors)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: byte offset {word_offset}: word {i + 1} cannot be decoded with "
            f"{encoding} ({exc}); the file may be corrupt or vector_size in the header "
            "wrong, or pass unicode_errors='replace'"
        ) from None


def _check_nothing_follows(stream, request):
    """Anything but whitespace after the declared words means the header is wrong."""
    end_of_words = stream.offset
    found = first_content(stream.remaining_chunks())
    if found is not None:
        raise ValueError(
            f"{request.path}: byte offset {end_of_words + found[0]}: the header declares "
            f"{request.layout.n_words} words but the file continues after them"
        )


def _ignore(values):
    """Where the vectors of the rows that ``restrict_to`` skips go."""
