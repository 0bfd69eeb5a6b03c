"""The scikit-learn estimators on top of the engine.

May import every package below it. ``base`` holds what both estimators share (text input
tags, the versioned pickle, the fitted state swapped in at once), ``word2vec`` and
``doc2vec`` the two estimators, ``keyed_vectors`` gensim's word queries
(``model[word]``, ``most_similar``, ...), ``persistence`` their ``save`` and :func:`load`
(files of data only, never pickles).
"""

from .doc2vec import Doc2VecTransformer
from .persistence import load
from .versions import InconsistentVersionWarning
from .word2vec import Word2VecTransformer

__all__ = ["Doc2VecTransformer", "InconsistentVersionWarning", "Word2VecTransformer", "load"]
