"""sklearn-w2v: word2vec skip-gram embeddings as a scikit-learn transformer.

The estimator, :class:`Word2VecTransformer`, trains with the exact full softmax, negative
sampling or noise-contrastive estimation in vectorized NumPy, and turns documents into dense
feature vectors for a :class:`~sklearn.pipeline.Pipeline`.
"""

from ._coverage import Coverage, LowCoverageWarning
from ._fitting import FittedParts
from ._keyed_vectors import UnknownWordError
from ._lines import read_lines
from ._parallel import TrainingWorkerError
from ._pretrained import VectorFile
from ._trainer import TrainingDivergedError
from ._transformer import InconsistentVersionWarning, Word2VecTransformer
from ._version import __version__
from ._word2vec_format import load_word2vec_format, save_word2vec_format

__all__ = ["Word2VecTransformer", "TrainingDivergedError", "TrainingWorkerError",
           "InconsistentVersionWarning", "FittedParts", "load_word2vec_format",
           "read_lines", "save_word2vec_format", "VectorFile", "Coverage",
           "LowCoverageWarning", "UnknownWordError", "__version__"]
