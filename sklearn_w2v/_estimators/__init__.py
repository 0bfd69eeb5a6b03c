"""The scikit-learn estimators on top of the engine.

May import every package below it. ``base`` holds what the estimators share (text input
tags, the versioned pickle, the fitted state swapped in at once), ``word2vec``,
``doc2vec`` and ``fasttext`` the estimators (``FastTextTransformer`` is
``Word2VecTransformer`` with subword inputs and Facebook's model files),
``keyed_vectors`` gensim's word queries (``model[word]``, ``most_similar``, ...),
``persistence`` their ``save`` and :func:`load` (files of data only, never pickles).
"""

from .doc2vec import Doc2VecTransformer
from .fasttext import FastTextTransformer
from .persistence import load
from .versions import InconsistentVersionWarning
from .word2vec import Word2VecTransformer

__all__ = ["Doc2VecTransformer", "FastTextTransformer", "InconsistentVersionWarning",
           "Word2VecTransformer", "load"]
