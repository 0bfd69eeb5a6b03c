"""Reading the text rows of word2vec.c, fastText ``.vec`` and GloVe files.

One line per word, ``"word v1 v2 ... vd\\n"``, values separated by single spaces.
word2vec.c writes a trailing space before the newline; gensim does not. Both are read. The
rows follow a header ``"n_words vector_size"`` (word2vec.c, fastText) or stand alone, the
first row giving the dimension (GloVe); :mod:`.sniffing` finds out which.
"""

from __future__ import annotations

import sys
from array import array

import numpy as np

from .checks import (
    MAX_WORD_BYTES,
    bad_word_error,
    check_finite,
    duplicate_error,
    word_problem,
)
from .rows import GrowingRows, chunks_of, first_content

__all__ = ["MAX_VALUE_BYTES", "TEXT_ROW_SLACK", "read_text", "text_row_limit"]

# Longest text a writer produces for one value: C's "%lf" prints -DBL_MAX with 309 digits and
# ".000000" (317 characters); repr() and "%g" forms are much shorter.
MAX_VALUE_BYTES = 320

# Room for a trailing space, "\r\n" and the odd doubled separator in a text row.
TEXT_ROW_SLACK = 16


def text_row_limit(n_values):
    """The most bytes a valid text row of a word and ``n_values`` values can take."""
    return MAX_WORD_BYTES + n_values * (MAX_VALUE_BYTES + 1) + TEXT_ROW_SLACK


def read_text(fin, request):
    """Words and vectors of the text rows of ``fin``, positioned at the first row.

    ``request.n_read`` rows at most (None: up to the end, for a file without header);
    ``request.keep``, if not None, the set of words whose rows are kept.
    """
    path, layout, n_read, keep = request.path, request.layout, request.n_read, request.keep
    words: list[str] = []
    seen: dict[str, int] = {}
    vector_size, n_words = layout.vector_size, layout.n_words
    rows = GrowingRows(vector_size, request.dtype, sys.maxsize if n_read is None else n_read)
    line_numbers = array("q")  # of the rows kept, to name a non-finite one afterwards
    row_limit = text_row_limit(vector_size)
    n_rows = 0
    while n_read is None or n_rows < n_read:
        line_no = n_rows + layout.first_line
        # A bounded readline: a corrupt file of one huge line costs row_limit bytes, not the
        # line (decoding and splitting a line takes many times its size).
        raw = fin.readline(min(row_limit + 1, sys.maxsize))
        if n_words is None and not raw.strip():
            _check_only_blank_lines_follow(fin, request, raw, line_no)
            break  # the end of a file without header
        _check_row_length(raw, line_no, n_rows, row_limit, request)
        n_rows += 1
        if keep is not None and _text_row_word(raw, request) not in keep:
            continue
        word, values = _parse_text_row(raw, line_no, request)
        # Values beyond float32's range become inf here, and check_finite reports them.
        with np.errstate(over="ignore"):
            rows.append(values)
        first = seen.setdefault(word, len(words))
        if first != len(words):
            raise duplicate_error(word, first, f"line {line_no}", path)
        words.append(word)
        line_numbers.append(line_no)
    if n_words is not None and n_read == n_words:
        _check_nothing_follows(fin, request)
    vectors = rows.to_array()
    check_finite(vectors, words, lambda row: f"line {line_numbers[row]}", path,
                 from_text=True)
    return words, vectors


def _check_row_length(raw, line_no, n_rows, row_limit, request):
    """Raise if the row ``raw`` is missing (the file ended early) or longer than a row can
    be."""
    if not raw:
        raise ValueError(
            f"{request.path}: line {line_no}: unexpected end of file; the header declares "
            f"{request.layout.n_words} words but only {n_rows} were found"
        )
    if len(raw) > row_limit:
        raise ValueError(
            f"{request.path}: line {line_no}: longer than {row_limit} bytes, the most a word "
            f"and {request.layout.vector_size} values ({_dimension_source(request.layout)}) "
            "can take; the file is corrupt or its header wrong"
        )


def _check_nothing_follows(fin, request):
    """Anything but whitespace after the declared words means the header is wrong."""
    found = first_content(chunks_of(fin, request.chunk_size))
    if found is not None:
        n_words = request.layout.n_words
        raise ValueError(
            f"{request.path}: line {n_words + 2 + found[1]}: the header declares {n_words} "
            "words but the file has more lines"
        )


def _dimension_source(layout):
    return ("vector_size from the header" if layout.n_words is not None
            else "as many as in line 1, this file having no header")


def _check_only_blank_lines_follow(fin, request, blank, line_no):
    """In a file without header a blank line ends the rows: raise if any follow."""
    found = first_content(chunks_of(fin, request.chunk_size))
    if found is not None and blank:
        next_line = line_no + blank.count(b"\n") + found[1]
        raise ValueError(
            f"{request.path}: line {line_no}: blank line, but the file goes on (line "
            f"{next_line}); a file without header may only end with blank lines"
        )


def _text_row_word(raw, request):
    """The word of a text row, without parsing its values (rows ``restrict_to`` skips)."""
    word = raw.lstrip(b" ").split(b" ", 1)[0].rstrip(b"\r\n")
    try:
        return word.decode(request.encoding, errors=request.unicode_errors)
    except UnicodeDecodeError:
        return None  # not a word anyone asked for; a kept row would be decoded again


def _parse_text_row(raw, line_no, request):
    """``(word, float64 values)`` of one raw text line."""
    path, encoding, vector_size = request.path, request.encoding, request.layout.vector_size
    try:
        line = raw.decode(encoding, errors=request.unicode_errors)
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
            f"({_dimension_source(request.layout)}), found {max(len(parts) - 1, 0)} values"
        )
    word = parts[0]
    problem = word_problem(word)
    if problem is not None:
        raise bad_word_error(word, problem, f"line {line_no}", path, vector_size)
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
