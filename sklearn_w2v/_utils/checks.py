"""Checks of parameter values that several packages share."""

import numpy as np


def check_not_boolean(**values):
    """Raise ValueError naming the first of ``values`` that is a boolean.

    scikit-learn's validation counts ``True`` as an Integral, but ``vector_size=True`` is a
    mistake, not a one-dimensional model.
    """
    for name, value in values.items():
        if isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name}={value!r} is a boolean; {name} must be an integer.")


def float_dtype_or_none(dtype):
    """np.float32 or np.float64 as a dtype, None for anything else.

    ``np.dtype(None)`` is float64 and ``np.dtype("float64") == None`` is true in NumPy,
    hence the explicit checks.
    """
    if dtype is None or isinstance(dtype, (bool, np.bool_)):
        return None
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        return None
    return dtype if dtype.type in (np.float32, np.float64) else None


def check_dtype(dtype):
    """np.float32 or np.float64 as a dtype; ValueError naming the choices otherwise."""
    resolved = float_dtype_or_none(dtype)
    if resolved is None:
        raise ValueError(f"dtype={dtype!r} is not supported; use np.float32 (default) or "
                         f"np.float64.")
    return resolved


__all__ = ["check_dtype", "check_not_boolean", "float_dtype_or_none"]
