"""Releasing the pages of a shared memory map that this process has read.

The worker processes of a fit share the parameter matrices through files mapped into every
process (``sklearn_w2v._training.workers``). A page of such a map that a process reads
counts in its resident memory until it unmaps the file, although the memory belongs to the
file (in ``/dev/shm`` or the page cache) and not to the process: a coordinator that reads
a whole shared matrix (to check it, or to copy it back when training ends) would hold it
twice, as its map's pages and as its copy. ``madvise(MADV_DONTNEED)`` on a shared file
mapping drops the process's pages and keeps the file's data, which a later read maps
again: nothing is lost, only the process's share of the memory.
"""

import mmap
from typing import Any

import numpy as np

__all__ = ["release_mapped_rows"]


def release_mapped_rows(array, first, last):
    """Drop this process's pages of rows ``first:last`` of ``array`` if it is a shared,
    writable file map (``np.memmap`` in mode ``"r+"``); do nothing otherwise.

    Parameters
    ----------
    array : ndarray
    first, last : int
        Rows, as in a slice.
    """
    base: Any = getattr(array, "_mmap", None)
    advise = getattr(base, "madvise", None)
    if (not isinstance(array, np.memmap) or array.mode != "r+" or advise is None
            or not hasattr(mmap, "MADV_DONTNEED") or not array.flags.c_contiguous):
        return
    # np.memmap maps from the allocation boundary below the data's offset in the file.
    start = array.offset % mmap.ALLOCATIONGRANULARITY
    row_bytes = array.strides[0] if array.ndim else array.itemsize
    begin = start + first * row_bytes
    end = min(start + max(last, first) * row_bytes, len(base))
    begin -= begin % mmap.PAGESIZE
    if end > begin:
        advise(mmap.MADV_DONTNEED, begin, end - begin)
