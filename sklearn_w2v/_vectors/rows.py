"""What the text and binary readers share: the request, the matrix grown row by row, and
the look for content after the last row.

Files are untrusted input: the header's counts are claims, checked against what the file
holds, and nothing is allocated or read because the header says so. Every read is bounded
by what a valid header or row can be, so memory and time follow the bytes the file really
contains.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import numpy as np

from .checks import BLOCK_VALUES

__all__ = ["CHUNK_SIZE", "GrowingRows", "ReadRequest", "chunks_of", "first_content"]

# Bytes asked of the file per read. Large enough that per-chunk Python overhead is negligible,
# small enough not to matter for memory.
CHUNK_SIZE = 1 << 20

# Size up to which the matrix being read doubles its capacity (see GrowingRows).
_DOUBLING_BYTES = 64 << 20


class ReadRequest(NamedTuple):
    """What a reader of rows needs besides the open file: where the rows are, how many to
    read and keep, and how to decode and store them."""

    path: object  # for messages
    layout: object  # a sniffing.Layout
    n_read: object  # rows to read; None: up to the end (a file without header)
    keep: object  # the set of words whose rows are kept, or None for all
    encoding: str
    unicode_errors: str
    dtype: np.dtype
    chunk_size: int  # bytes asked of the file per read


class GrowingRows:
    """An (n, d) array filled one row at a time, grown as the rows arrive.

    The header's word count is a claim: allocating it up front would let a 20-byte file ask
    for terabytes. Capacity starts at about one block of values and doubles, up to the
    claimed count, so memory follows the rows actually read. Storing straight into the
    requested dtype avoids a second full-size copy at the end.

    Past ``_DOUBLING_BYTES`` the capacity grows by an eighth instead: ``ndarray.resize``
    zero-fills (and so makes resident) the capacity it adds, so when the count is not
    known (no header; ``restrict_to``) doubling could leave up to half of the final matrix
    again as unused resident memory, an eighth at most 1/8 (measured: see
    benchmarks/DESIGN.md). The larger reallocations are moved by the kernel
    (mremap), not copied.
    """

    def __init__(self, n_columns, dtype, max_rows):
        self._data = np.empty((0, n_columns), dtype=dtype)
        self._max_rows = max_rows
        self.n_rows = 0

    def append(self, row):
        """Store ``row`` (an array of the row's values) as the next row."""
        if self.n_rows == len(self._data):
            self._grow()
        self._data[self.n_rows] = row
        self.n_rows += 1

    def _grow(self):
        n_rows, n_columns = self._data.shape
        step = n_rows if self._data.nbytes < _DOUBLING_BYTES else n_rows // 8
        capacity = max(n_rows + step, BLOCK_VALUES // n_columns, 1)
        # ndarray.resize reallocates in place where it can; no view of _data ever escapes,
        # so skipping the reference check is safe.
        self._data.resize((min(capacity, self._max_rows), n_columns), refcheck=False)

    def to_array(self):
        """The rows stored, as an array of shape (n_rows, n_columns) (no copy)."""
        self._data.resize((self.n_rows, self._data.shape[1]), refcheck=False)
        return self._data


def chunks_of(fin, chunk_size):
    """The rest of the binary file ``fin``, ``chunk_size`` bytes at a time."""
    return iter(partial(fin.read, chunk_size), b"")


def first_content(chunks):
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
