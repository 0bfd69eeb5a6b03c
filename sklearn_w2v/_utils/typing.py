"""Type aliases of the public signatures.

Annotations only: nothing here is checked at run time (the estimators validate their
input themselves, with messages that say what was wrong).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any, Union

import numpy as np
import numpy.typing as npt

__all__ = ["Documents", "FloatArray", "FloatDType", "IntArray", "PathLike", "Term",
           "WordVectorsSource"]

#: What ``fit``, ``transform`` and ``score`` accept: raw texts (str, or bytes decoded with
#: ``encoding``) or pre-tokenized documents, in any iterable (list, ndarray, pandas
#: Series, generator, :func:`~sklearn_w2v.read_lines`).
Documents = Iterable[Union[str, bytes, Sequence[str]]]

#: A file path.
PathLike = Union[str, os.PathLike[str]]

#: Matrices and vectors the package returns.
FloatArray = npt.NDArray[np.floating[Any]]
IntArray = npt.NDArray[np.integer[Any]]

#: The ``dtype`` parameters: float32 or float64, as a type, a dtype or a name.
FloatDType = npt.DTypeLike

#: A term of a similarity query: a word, a vector, or either with a weight.
Term = Union[str, npt.ArrayLike, tuple[Union[str, npt.ArrayLike], float]]

#: Word vectors the evaluation functions read: a fitted estimator, a gensim
#: ``KeyedVectors``, the path of a word2vec file or a ``(words, vectors)`` pair. Duck-typed
#: (checked at run time), hence ``Any`` beside the forms that can be named.
WordVectorsSource = Union[PathLike, tuple[Sequence[str], npt.ArrayLike], Any]
