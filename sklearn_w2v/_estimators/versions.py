"""The package version a saved estimator records, and the warning when it differs.

Pickles (``TextEstimatorMixin.__getstate__``) and model files (``persistence``) record the
sklearn-w2v version that wrote them; loading one written by another version warns.
"""

from __future__ import annotations

import warnings

from sklearn.exceptions import InconsistentVersionWarning as _SklearnInconsistentVersion

from .._version import __version__


class InconsistentVersionWarning(_SklearnInconsistentVersion):
    """A pickled estimator of this package is loaded with another sklearn-w2v version.

    A subclass of scikit-learn's warning of that name, so that the filters that catch one
    catch both (``warnings.simplefilter("error", sklearn.exceptions.
    InconsistentVersionWarning)`` also stops this one).

    Attributes
    ----------
    estimator_name : str
    current_sklearn_version : str
        The sklearn-w2v version that loads the pickle.
    original_sklearn_version : str
        The sklearn-w2v version that wrote it.

    Examples
    --------
    >>> import sklearn.exceptions
    >>> from sklearn_w2v import InconsistentVersionWarning
    >>> issubclass(InconsistentVersionWarning, sklearn.exceptions.InconsistentVersionWarning)
    True
    >>> print(InconsistentVersionWarning(estimator_name="Word2VecTransformer",
    ...                                  current_sklearn_version="0.2.0",
    ...                                  original_sklearn_version="0.1.0"))
    ... # doctest: +NORMALIZE_WHITESPACE
    This Word2VecTransformer was pickled with sklearn-w2v 0.1.0 and is loaded with 0.2.0; it
    may not work or may give different results. Refit it with this version, or load it with
    0.1.0.
    """

    def __init__(self, *, estimator_name: str, current_sklearn_version: str,
                 original_sklearn_version: str) -> None:
        super().__init__(estimator_name=estimator_name,
                         current_sklearn_version=current_sklearn_version,
                         original_sklearn_version=original_sklearn_version)

    def __str__(self) -> str:
        return (f"This {self.estimator_name} was pickled with sklearn-w2v "
                f"{self.original_sklearn_version} and is loaded with "
                f"{self.current_sklearn_version}; it may not work or may give different "
                f"results. Refit it with this version, or load it with "
                f"{self.original_sklearn_version}.")


def warn_if_other_version(estimator_name: str, version: str, *, stacklevel: int) -> None:
    """Warn (:class:`InconsistentVersionWarning`) if ``version`` is not this package's."""
    if version != __version__:
        warnings.warn(InconsistentVersionWarning(
            estimator_name=estimator_name, current_sklearn_version=__version__,
            original_sklearn_version=str(version)), stacklevel=stacklevel + 1)


__all__ = ["InconsistentVersionWarning", "warn_if_other_version"]
