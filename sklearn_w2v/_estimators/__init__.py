"""The scikit-learn estimators on top of the engine.

May import every package below it. ``base`` holds what both estimators share (text input
tags, the versioned pickle, the fitted state swapped in at once), ``word2vec`` and
``doc2vec`` the two estimators, ``keyed_vectors`` gensim's word queries
(``model[word]``, ``most_similar``, ...).
"""

from .base import InconsistentVersionWarning
from .doc2vec import Doc2VecTransformer
from .word2vec import Word2VecTransformer

__all__ = ["Doc2VecTransformer", "InconsistentVersionWarning", "Word2VecTransformer"]
