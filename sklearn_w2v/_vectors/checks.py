"""What the writer and both readers check alike: words, finite values, duplicates.

One rule for what a word may be (:func:`word_problem`), so that every file the writer
writes reads back and every word a reader accepts can be written again; one scan for nan
and inf (:func:`first_nonfinite_row`); and the errors both readers raise for a word that
is invalid, repeated, or whose vector is not finite.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["BLOCK_VALUES", "MAX_WORD_BYTES", "bad_word_error", "check_finite",
           "duplicate_error", "first_nonfinite_row", "word_problem"]

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

# Vectors are grown and checked in blocks of about this many values (8 MiB of float64), so
# no temporary scales with the whole matrix.
BLOCK_VALUES = 1 << 20


def word_problem(word):
    """Why ``word`` cannot be stored in a word2vec file, or None if it can.

    The single rule of the writer and both readers, so that every file this package writes
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


def first_nonfinite_row(matrix):
    """Index of the first row of ``matrix`` holding nan or inf, or None.

    Checked in blocks of rows, so the boolean temporary stays small for any matrix.
    """
    rows_per_block = max(1, BLOCK_VALUES // max(1, matrix.shape[1]))
    for start in range(0, matrix.shape[0], rows_per_block):
        finite = np.isfinite(matrix[start:start + rows_per_block]).all(axis=1)
        if not finite.all():
            return start + int(np.argmin(finite))
    return None


def duplicate_error(word, first, where, path):
    """The ValueError of a reader that meets ``word`` a second time."""
    return ValueError(
        f"{path}: {where}: duplicate word {word!r} (first seen as word {first + 1}); "
        "expected unique words"
    )


def bad_word_error(word, problem, where, path, vector_size):
    """The ValueError of a reader that meets a word the writer could not write back."""
    return ValueError(
        f"{path}: {where}: word {word!r} {problem}, so it could not be written back in this "
        f"format; the file is corrupt (in a binary file, or vector_size {vector_size} in the "
        "header is wrong): fix or remove that word"
    )


def check_finite(vectors, words, where, path, *, from_text):
    """Raise ValueError if a vector holds nan or inf; ``where(row)`` locates a row.

    Checked once on the result, in blocks, rather than row by row: a per-row check would
    cost more than the rest of reading a binary row. Text values beyond float32's range,
    finite in the file, became inf when stored as float32, so they are caught here too.
    """
    bad = first_nonfinite_row(vectors)
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
