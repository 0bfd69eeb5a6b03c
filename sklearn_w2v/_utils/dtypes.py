"""The floating types of the package: float32 and float64, checked in one place.

Vectors are trained, read and stored in one of the two. Everything that takes a ``dtype``
parameter (the estimators, the vector-file reader) checks it here, so that every one of
them accepts the same values and says the same thing about the others.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["FLOAT_DTYPES", "check_float_dtype", "float_dtype_or_none"]

#: The two supported dtypes, native byte order.
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def float_dtype_or_none(dtype: Any) -> np.dtype | None:
    """``dtype`` as np.float32 or np.float64, None for anything else.

    Parameters
    ----------
    dtype : object
        What a caller passed as ``dtype``.

    Returns
    -------
    numpy.dtype or None
        None for None (``np.dtype(None)`` is float64, but None is not one of the two
        choices), booleans, what NumPy cannot read as a dtype, and every other dtype
        (float16, integers, non-native byte order).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._utils import float_dtype_or_none
    >>> float_dtype_or_none("float32"), float_dtype_or_none(np.float16)
    (dtype('float32'), None)
    """
    if dtype is None or isinstance(dtype, (bool, np.bool_)):
        return None
    try:
        resolved = np.dtype(dtype)
    except (TypeError, ValueError):
        return None
    # ``in`` compares with ==, which also tells byte orders apart; ``is None`` above
    # matters because a dtype compares equal to None (read as float64).
    return resolved if resolved in FLOAT_DTYPES else None


def check_float_dtype(dtype: Any) -> np.dtype:
    """``dtype`` as np.float32 or np.float64; ValueError naming the two choices otherwise.

    Parameters
    ----------
    dtype : object

    Returns
    -------
    numpy.dtype

    Raises
    ------
    ValueError
        If ``dtype`` is not float32 or float64 (see :func:`float_dtype_or_none`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._utils import check_float_dtype
    >>> check_float_dtype(np.float64)
    dtype('float64')
    """
    resolved = float_dtype_or_none(dtype)
    if resolved is None:
        raise ValueError(
            f"dtype={dtype!r} is not supported; use np.float32 (default) or np.float64."
        )
    return resolved
