"""sklearn-w2v: word2vec and paragraph vectors as scikit-learn transformers.

:class:`Word2VecTransformer` learns word vectors (skip-gram or CBOW) with the exact full
softmax, negative sampling, noise-contrastive estimation or hierarchical softmax, in
vectorized NumPy, and pools them into dense document features for a
:class:`~sklearn.pipeline.Pipeline`; :class:`Doc2VecTransformer` learns a vector per
document (PV-DBOW or PV-DM) on the same engine and infers vectors for new documents;
:class:`FastTextTransformer` adds fastText's subwords, a vector for every word, and
reads and writes Facebook's models.
"""

# The public names are imported when first used (PEP 562): a worker process of n_jobs > 1
# imports this package to reach the training modules, which need NumPy and SciPy only,
# and importing the estimators here would add scikit-learn, most of a worker's memory
# (benchmarks/DESIGN.md), to every worker.
from typing import TYPE_CHECKING

from . import _renamed_modules
from ._version import __version__

if TYPE_CHECKING:  # type checkers see the names and their types as plain imports
    from ._estimators import (
        Doc2VecTransformer,
        FastTextTransformer,
        InconsistentVersionWarning,
        Word2VecTransformer,
        load,
    )
    from ._text import Coverage, LowCoverageWarning, read_lines
    from ._training import FittedParts, TrainingDivergedError, TrainingWorkerError
    from ._vectors import (
        FastTextFile,
        UnknownWordError,
        VectorFile,
        load_word2vec_format,
        save_word2vec_format,
    )

# Pickles of earlier versions name classes by the private modules of their time.
_renamed_modules.install(__name__)

# public name -> the sub-package that exports it
_PUBLIC = {
    "Word2VecTransformer": "._estimators", "Doc2VecTransformer": "._estimators",
    "FastTextTransformer": "._estimators", "FastTextFile": "._vectors",
    "InconsistentVersionWarning": "._estimators", "load": "._estimators",
    "UnknownWordError": "._vectors",
    "Coverage": "._text", "LowCoverageWarning": "._text", "read_lines": "._text",
    "FittedParts": "._training", "TrainingDivergedError": "._training",
    "TrainingWorkerError": "._training",
    "VectorFile": "._vectors", "load_word2vec_format": "._vectors",
    "save_word2vec_format": "._vectors",
}

__all__ = ["Word2VecTransformer", "Doc2VecTransformer", "FastTextTransformer", "FastTextFile",
           "TrainingDivergedError",
           "TrainingWorkerError",
           "InconsistentVersionWarning", "FittedParts", "load_word2vec_format",
           "read_lines", "save_word2vec_format", "VectorFile", "Coverage",
           "LowCoverageWarning", "UnknownWordError", "load", "__version__"]


def __getattr__(name):
    if name in _PUBLIC:
        import importlib

        value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
