"""Sparse row updates and segment sums: the sparse half of every minibatch update.

A minibatch touches some rows of a matrix many times (frequent words, the pairs of one
window). ``matrix[rows] += updates`` would keep only one update per repeated row, and
``np.add.at`` on rows is far slower than a compiled kernel. Both functions here go
through scipy's compiled sparse-times-dense kernels, called directly:

* :func:`scatter_add_rows` is ``matrix += S @ updates`` with ``S`` a one-entry-per-column
  CSC matrix (column i holds ``scale_i`` at row ``rows[i]``): the kernel adds each update
  row into its matrix row in one pass, in place, with no sort (measured faster than
  sorting the rows and summing segments first).
* :func:`segment_sums` is ``S @ values`` with a CSR selector whose row i picks segment i.
"""

import numpy as np
import scipy.sparse as sp

try:
    # scipy's compiled CSR/CSC x dense kernels. Calling them directly skips building a
    # sparse matrix object, whose Python-level validation costs as much as the product
    # itself for the few-thousand-row products of a minibatch; the public paths below are
    # the fallback.
    from scipy.sparse._sparsetools import csc_matvecs as _csc_matvecs
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - depends on the scipy version
    _csc_matvecs = _csr_matvecs = None


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


def weighted_row_sums(matrix, rows, groups, weights):
    """``out[g] = sum_i weights[i] * matrix[rows[i]]`` over ``i`` in group ``g``.

    Reads the rows straight from ``matrix`` with scipy's CSR kernel (row ``g`` of the CSR
    selector holds ``weights[i]`` at column ``rows[i]``), so no (n, d) gather is made.

    Parameters
    ----------
    matrix : ndarray of shape (n_rows, d)
    rows : ndarray of int, shape (n,)
    groups : ndarray of int, shape (n_groups + 1,)
        Group ``g`` is entries ``groups[g]:groups[g + 1]``.
    weights : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (n_groups, d), dtype of ``matrix``
    """
    n_rows, d = matrix.shape
    n_groups = len(groups) - 1
    groups = np.asarray(groups, dtype=np.int64)
    rows = np.asarray(rows, dtype=np.int64)
    weights = np.asarray(weights, dtype=matrix.dtype)
    if _csr_matvecs is not None and matrix.flags.c_contiguous:
        out = np.zeros((n_groups, d), dtype=matrix.dtype)
        _csr_matvecs(n_groups, n_rows, d, groups, rows, weights, matrix.reshape(-1),
                     out.reshape(-1))
        return out
    selector = sp.csr_matrix((weights, rows, groups), shape=(n_groups, n_rows))
    return np.asarray(selector @ matrix)


def sum_per_owner(values, owner, n_owners):
    """Sum the rows of ``values`` per owner; ``owner`` is sorted (center-major pairs)."""
    indptr = np.zeros(n_owners + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n_owners), out=indptr[1:])
    return segment_sums(values, indptr)


class RowUpdateCap:
    """Per-occurrence factors that cap each row's summed update in one call.

    A row that receives ``m`` single (pair) updates in one call, with ``m`` above
    ``max_updates_per_row``, has each of its updates scaled by ``max_updates_per_row / m``,
    so that no row moves further in one call than that many single updates would move it on
    average (see ``_trainer.MAX_UPDATES_PER_ROW``).

    The per-row totals are accumulated in a buffer of one float per matrix row that is
    cleared again after each call, so a call costs O(len(rows)), not O(n_rows) (a bincount
    over the whole vocabulary measured slower on a large vocabulary).

    Parameters
    ----------
    n_rows : int
        Number of rows of the matrix.
    max_updates_per_row : int or None
        None: no cap.
    """

    def __init__(self, n_rows, max_updates_per_row):
        self.max_updates_per_row = max_updates_per_row
        self._totals = np.zeros(n_rows, dtype=np.float32)

    def scales(self, rows, counts=None, distinct=False):
        """Factors for the occurrences ``rows``.

        Parameters
        ----------
        rows : ndarray of int, shape (n,)
        counts : ndarray of shape (n,) or None
            Single updates summed in each occurrence's gradient (None: one each; 0 marks
            an occurrence that carries no update, such as padding).
        distinct : bool
            ``rows`` has no repeats: each row's total is its own count, and the buffer of
            totals (random access over the whole matrix) is not needed.

        Returns
        -------
        scales : ndarray of float32, shape (n,)
            ``min(1, max_updates_per_row / m[rows])``, and 0 where ``counts`` is 0.
        """
        weights = (np.ones(len(rows), dtype=np.float32) if counts is None
                   else np.asarray(counts, dtype=np.float32))
        if self.max_updates_per_row is None:
            return (weights > 0).astype(np.float32)
        if distinct:
            totals = weights.copy()
        else:
            np.add.at(self._totals, rows, weights)
            totals = self._totals[rows]
            self._totals[rows] = 0
        # A zero total only comes with zero counts, whose scale is zeroed below anyway.
        with np.errstate(divide="ignore"):
            scales = np.float32(self.max_updates_per_row) / totals
        np.minimum(scales, np.float32(1), out=scales)
        if counts is not None:
            scales *= weights > 0
        return scales


def scatter_add_rows(matrix, rows, updates, scales=None, factor=1.0, groups=None, *,
                     compiled=True):
    """``matrix[rows[i]] += factor * scales[i] * updates[i]`` for every i, in place.

    Correct when ``rows`` repeats (each occurrence is added), unlike
    ``matrix[rows] += updates``.

    Parameters
    ----------
    matrix : ndarray of shape (n_rows, d), C-contiguous
        Updated in place (it may be a shared-memory map written by several processes).
    rows : ndarray of int, shape (n,)
    updates : ndarray of shape (n, d) or (n, ..., d)
        One update row per entry of ``rows`` (leading axes are flattened); with ``groups``,
        one per group instead.
    scales : ndarray of shape (n,) or None
        Per-row factor, e.g. from :meth:`RowUpdateCap.scales` (None: 1).
    factor : float
        Common factor, e.g. ``-learning_rate``.
    groups : ndarray of int, shape (n_groups + 1,) or None
        ``rows[groups[g]:groups[g + 1]]`` all receive ``updates[g]`` (CBOW: every context
        word of a window gets the window's update), without materialising the repeats.
    compiled : bool, default=True
        Use scipy's compiled kernel when it is importable; False: the pure NumPy
        fallback (the same sums, for tests).
    """
    n_rows, d = matrix.shape
    n = len(rows)
    if n == 0:
        return
    dtype = matrix.dtype
    data = (np.full(n, factor, dtype=dtype) if scales is None
            else np.multiply(scales, factor, dtype=dtype))
    n_columns = n if groups is None else len(groups) - 1
    updates = np.ascontiguousarray(updates, dtype=dtype).reshape(n_columns, d)
    pointers = (_column_pointers(n) if groups is None
                else np.asarray(groups, dtype=np.int64))
    if compiled and _csc_matvecs is not None and matrix.flags.c_contiguous:
        rows = rows.astype(np.int64, copy=False)
        # Column j of the (n_rows x n_columns) CSC matrix holds data[i] at row rows[i] for
        # the entries i of column j (one per update row, or a group's rows).
        _csc_matvecs(n_rows, n_columns, d, pointers, rows, data, updates,
                     matrix.reshape(-1))
        return
    sources = np.repeat(np.arange(n_columns), np.diff(pointers))
    np.add.at(matrix, rows, data[:, None] * updates[sources])


def _column_pointers(n):
    """``arange(n + 1)`` as int64, from a cache that grows to the largest size asked."""
    global _COLUMN_POINTERS
    if len(_COLUMN_POINTERS) <= n:
        _COLUMN_POINTERS = np.arange(max(n + 1, 2 * len(_COLUMN_POINTERS)), dtype=np.int64)
    return _COLUMN_POINTERS[:n + 1]


_COLUMN_POINTERS = np.arange(1 << 12, dtype=np.int64)
