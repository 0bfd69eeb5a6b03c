"""sklearn-w2v: word2vec and paragraph vectors as scikit-learn transformers.

:class:`Word2VecTransformer` learns word vectors (skip-gram or CBOW) with the exact full
softmax, negative sampling, noise-contrastive estimation or hierarchical softmax, in
vectorized NumPy, and pools them into dense document features for a
:class:`~sklearn.pipeline.Pipeline`; :class:`Doc2VecTransformer` learns a vector per
document (PV-DBOW or PV-DM) on the same engine and infers vectors for new documents.
"""

from ._doc2vec import Doc2VecTransformer
from ._fitting import FittedParts
from ._lines import read_lines
from ._parallel import TrainingWorkerError
from ._trainer import TrainingDivergedError
from ._transformer import InconsistentVersionWarning, Word2VecTransformer
from ._version import __version__
from ._word2vec_format import load_word2vec_format, save_word2vec_format

__all__ = ["Word2VecTransformer", "Doc2VecTransformer", "TrainingDivergedError", "TrainingWorkerError",
           "InconsistentVersionWarning", "FittedParts", "load_word2vec_format",
           "read_lines", "save_word2vec_format", "__version__"]
