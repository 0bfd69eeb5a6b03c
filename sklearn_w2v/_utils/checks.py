"""Checks of parameter values that the settings of several packages share."""

import numpy as np


def check_not_boolean(**values):
    """Raise ValueError naming the first of ``values`` that is a boolean.

    scikit-learn's validation counts ``True`` as an Integral, but ``vector_size=True`` is a
    mistake, not a one-dimensional model.
    """
    for name, value in values.items():
        if isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name}={value!r} is a boolean; {name} must be an integer.")


__all__ = ["check_not_boolean"]
