"""Finding out the layout of a vector file: header or not, text or binary.

word2vec.c's text and binary files and fastText's ``.vec`` start with a header line
``"<n_words> <vector_size>"``; GloVe files have none, their first row says the dimension.
After a header, the bytes of the first row tell text from binary: a text row is a word and
numbers, which the float32 bytes of a binary row practically never are. The caller may
state either (``binary``, ``no_header``); what the bytes show certainly contradicts a
wrong statement with an error rather than a misread.
"""

from __future__ import annotations

from typing import NamedTuple

from .checks import MAX_WORD_BYTES
from .compressed import open_for_reading
from .text_format import TEXT_ROW_SLACK, text_row_limit

__all__ = ["Layout", "detect_layout", "sniff_binary"]

# Longest header a valid file can have: two integers of at most 20 digits, separators, CRLF.
_MAX_HEADER_BYTES = 100

# Each value takes at least 2 bytes of a text file (" 1") and 4 of a binary one, and no file
# exceeds 2**63 bytes: a header claiming more values than this is not a size, it is garbage.
_MAX_CLAIMED_VALUES = 1 << 62

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


class Layout(NamedTuple):
    """Where the rows of a vector file are and how to read them."""

    binary: bool
    n_words: object  # int from the header, or None: no header, rows up to the end
    vector_size: int
    data_offset: int  # offset of the first row in the (decompressed) file

    @property
    def first_line(self):
        """Line number of the first row: 2 after a header, else 1."""
        return 1 if self.n_words is None else 2


def detect_layout(fin, path, encoding, binary, no_header):
    """The :class:`Layout` of an open vector file: header or not, text or binary.

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
        return Layout(bool(binary), 0, vector_size, len(first))
    fin.seek(len(first))
    wanted = min(_SNIFF_BYTES, MAX_WORD_BYTES + 4 * vector_size + TEXT_ROW_SLACK)
    head = fin.read(wanted)
    found_binary = _binary_row_follows(head, vector_size, n_words,
                                       whole_file=len(head) < wanted)
    if binary is not None and bool(binary) != found_binary and _sure_of(
            head, vector_size, found_binary, n_words, whole_file=len(head) < wanted):
        stated = "binary (binary=True)" if binary else "text (binary=False)"
        found = "binary float32 values" if found_binary else "a text row of numbers"
        raise ValueError(
            f"{path}: line 2: expected the {stated} word2vec format, found {found} after "
            "the first word; pass binary=None to have the format found out, or the other "
            "value of binary"
        )
    return Layout(found_binary if binary is None else bool(binary), n_words, vector_size,
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
        row_limit = text_row_limit(n_fields)
        second = fin.readline(row_limit + 1)
        n_second = len(second.split())
        if n_second not in (0, n_fields):
            raise _header_error(
                first[:_MAX_HEADER_BYTES], path, headerless_tried=True,
                detail=f" (line 1 has {n_fields - 1} values, line 2 {max(n_second - 1, 0)})")
    return Layout(False, None, n_fields - 1, 0)


def _binary_row_follows(head, vector_size, n_words=None, *, whole_file=False):
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
        # Number characters up to a newline: a text row, unless they are not the row's
        # values and the bytes fit binary rows instead (a float32 can hold "+\n").
        # Found out (binary=None), binary needs a byte no text holds among the values.
        return (not _is_text_row(values, vector_size)
                and row[:4 * vector_size].translate(None, _CONTROL_BYTES)
                != row[:4 * vector_size]
                and _fits_binary_rows(row, vector_size, n_words, whole_file))
    printable = values.translate(None, _CONTROL_BYTES) == values
    if printable and len(values.split()) == vector_size:
        return False  # a text row with a malformed value: the text reader names it
    return True


def _is_text_row(values, vector_size):
    """Whether ``values`` (a first row after its word) are ``vector_size`` numbers."""
    fields = values.split()
    if len(fields) != vector_size:
        return False
    try:
        [float(field) for field in fields]
    except ValueError:
        return False
    return True


def _fits_binary_rows(row, vector_size, n_words, whole_file):
    """Whether ``row`` (the bytes after the first word) reads as binary rows: ``vector_size``
    float32 values, word2vec.c's optional newline, then the next word and its space, up to
    the ``n_words`` rows of the header or the end of what was read (``whole_file``: the
    file ends there, so every row must be complete)."""
    end, position = 4 * vector_size, 0
    for index in range(n_words or 1):
        if index:  # the next row's word, up to its space
            space = row.find(b" ", position, position + MAX_WORD_BYTES + 1)
            if space == -1 or b"\n" in row[position:space]:
                return not whole_file and len(row) - position <= MAX_WORD_BYTES
            position = space + 1
        if len(row) < position + end:
            return not whole_file
        position += end
        if row[position:position + 1] == b"\n":
            position += 1
        if position >= len(row):
            return not whole_file or index == (n_words or 1) - 1
    return not row[position:].strip()


def _sure_of(head, vector_size, found_binary, n_words=None, whole_file=False):
    """Whether the format found is certain enough to contradict what the caller stated:
    a whole text row of numbers, or a NUL byte (which no text file holds)."""
    row = head.lstrip(b"\r\n")
    row = row[row.find(b" ") + 1:]
    if found_binary:
        return b"\x00" in row[:4 * vector_size]
    newline = row.find(b"\n")
    return (newline > 0 and not row[:newline].translate(None, _TEXT_VALUE_BYTES)
            and _is_text_row(row[:newline], vector_size)
            and not _fits_binary_rows(row, vector_size, n_words, whole_file))


def sniff_binary(path):
    """Whether the word vector file at ``path`` is in the binary format.

    What :func:`~sklearn_w2v.load_word2vec_format` finds out with ``binary=None``: the
    first row of a text file is a word, a space, then only numbers and blanks up to its
    newline, which the float32 bytes after the first word of a binary file practically
    never are. Files without header and files of zero words are text.
    """
    with open_for_reading(path) as fin:
        return detect_layout(fin, path, "utf-8", None, None).binary
