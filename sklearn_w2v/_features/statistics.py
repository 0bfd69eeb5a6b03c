"""What ``Word2VecTransformer``'s fit learns for pooling, as one stage of the fit.

The fit procedure (``sklearn_w2v._training``) trains the vectors; an estimator adds what it
learns besides them through an object with ``before_training`` and ``after_training``
(the fit's "extras"). :class:`PoolingStatistics` is the word-vector estimator's: document
frequencies and idf before training (while the vector matrices do not exist yet, so that
its temporaries do not add to them), SIF weights and the SIF principal component after,
and, for ``fit_transform``, the pooled vectors of the training documents.
"""

import numpy as np

from .document_terms import document_frequency, smoothed_idf
from .pooling import fit_sif_component_from_corpus, pool_documents, sif_weights
from .settings import embedding_of

# The fitted attributes this stage sets (replaced as a whole by every fit).
POOLING_ATTRIBUTES = ("idf_", "sif_weights_", "sif_component_", "_document_frequency",
                      "_n_documents")


class PoolingStatistics:
    """The pooling statistics of a fit with ``features`` (a ``FeatureSettings``).

    Parameters
    ----------
    features : FeatureSettings
    transform : bool
        Also pool the training documents (``fit_transform``).
    """

    attributes = POOLING_ATTRIBUTES

    def __init__(self, features, *, transform=False):
        self.features = features
        self.transform = transform

    def before_training(self, corpus, n_words, previous):
        """Document frequencies and idf of ``corpus``, added to ``previous``'s (a
        ``partial_fit`` goes on from a fitted state; None otherwise).

        idf is cheap (one sort of packed keys per chunk), so it is always learned."""
        df, n_docs = document_frequency(corpus, n_words), corpus.n_docs
        if previous is not None and "_document_frequency" in previous:
            df += _padded(previous["_document_frequency"], n_words)
            n_docs += previous["_n_documents"]
        return {"_document_frequency": df, "_n_documents": n_docs,
                "idf_": smoothed_idf(df, n_docs)}

    def after_training(self, corpus, state):
        """SIF weights of the fitted word counts; the SIF component (``pooling="sif"``)
        and the pooled training documents (``transform``) under the fitted vectors.

        Returns
        -------
        learned : dict
        X_new : ndarray or None
        """
        features = self.features
        learned = {"sif_weights_": sif_weights(state["word_counts_"], features.sif_alpha)}
        embedding = embedding_of(features.word_vectors, state["vectors_"],
                                 state.get("context_vectors_"))
        if features.pooling == "sif":
            learned["sif_component_"] = fit_sif_component_from_corpus(
                corpus, embedding, learned["sif_weights_"])
        X_new = None
        if self.transform:
            X_new = pool_documents(
                corpus, embedding, features.pooling, idf=state.get("idf_"),
                sif_weights=learned["sif_weights_"],
                sif_component=learned.get("sif_component_"),
                normalize=features.normalize)
        return learned, X_new


def _padded(values, n):
    """``values`` followed by zeros up to length ``n`` (rows appended since)."""
    out = np.zeros(n, dtype=values.dtype)
    out[:len(values)] = values
    return out


__all__ = ["POOLING_ATTRIBUTES", "PoolingStatistics"]
