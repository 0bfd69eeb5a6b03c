"""Sums of row segments: the sparse half of every minibatch update.

A minibatch touches some rows of a matrix many times (frequent words, the pairs of one
center). Summing the updates of each row first and then writing each row once is both
correct for repeated rows and the fastest form measured on this machine (see
docs/architecture.md): a CSR matrix whose row i selects the updates of segment i, times the
dense updates.
"""

import numpy as np
import scipy.sparse as sp

try:
    # scipy's compiled CSR x dense kernel. Calling it directly skips building a csr_matrix
    # object, whose Python-level validation cost as much as the product itself for the
    # few-thousand-row products of a minibatch; the public path below is the fallback.
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - depends on the scipy version
    _csr_matvecs = None


def segment_sums(values, indptr, order=None):
    """Row sums of ``values`` over consecutive segments.

    Parameters
    ----------
    values : ndarray of shape (n, d)
    indptr : ndarray of int64, shape (n_segments + 1,)
        Segment i covers positions ``indptr[i]:indptr[i + 1]``.
    order : ndarray of int64, shape (n,) or None
        Position j stands for row ``order[j]`` of ``values`` (None: row j).

    Returns
    -------
    sums : ndarray of shape (n_segments, d), dtype of ``values``
    """
    n, d = values.shape
    n_segments = len(indptr) - 1
    columns = np.arange(n, dtype=np.int64) if order is None else order.astype(np.int64)
    ones = np.ones(n, dtype=values.dtype)
    indptr = indptr.astype(np.int64, copy=False)
    if _csr_matvecs is not None:
        values = np.ascontiguousarray(values)
        sums = np.zeros((n_segments, d), dtype=values.dtype)
        _csr_matvecs(n_segments, n, d, indptr, columns, ones, values.ravel(), sums.ravel())
        return sums
    selector = sp.csr_matrix((ones, columns, indptr), shape=(n_segments, n))
    return np.asarray(selector @ values)


def scatter_add_rows(matrix, rows, updates, max_updates_per_row=None, update_counts=None):
    """``matrix[rows[i]] += updates[i]`` for every i, correct when ``rows`` repeats.

    ``matrix[rows] += updates`` would keep only one update per repeated row.

    Parameters
    ----------
    matrix : ndarray of shape (n_rows, d)
        Updated in place.
    rows : ndarray of int, shape (n,)
    updates : ndarray of shape (n, d)
    max_updates_per_row : int or None
        If a row occurs ``m`` times with ``m`` above this, its summed update is scaled by
        ``max_updates_per_row / m``: no row moves further in one call than this many
        single updates would move it on average. See ``_trainer.MAX_UPDATES_PER_ROW``.
    update_counts : ndarray of shape (n,) or None
        How many single (pair) updates each row of ``updates`` sums, for the cap
        (default: one each).
    """
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    first = np.empty(len(rows), dtype=bool)
    first[:1] = True
    np.not_equal(sorted_rows[1:], sorted_rows[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    indptr = np.append(starts, len(rows))
    sums = segment_sums(updates, indptr, order)
    if max_updates_per_row is not None:
        if update_counts is None:
            occurrences = np.diff(indptr)
        else:
            occurrences = np.add.reduceat(update_counts[order], starts)
        crowded = occurrences > max_updates_per_row
        if crowded.any():
            sums[crowded] *= (max_updates_per_row / occurrences[crowded]).astype(
                sums.dtype)[:, None]
    matrix[sorted_rows[starts]] += sums


def sum_per_owner(values, owner, n_owners):
    """Sum the rows of ``values`` per owner; ``owner`` is sorted (center-major pairs)."""
    indptr = np.zeros(n_owners + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n_owners), out=indptr[1:])
    return segment_sums(values, indptr)
