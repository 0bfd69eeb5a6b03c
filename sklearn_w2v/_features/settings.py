"""The document-feature settings of ``Word2VecTransformer``: how word vectors are pooled."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureSettings:
    """How ``transform`` turns word vectors into document vectors.

    Attributes
    ----------
    pooling : {"mean", "sum", "max", "tfidf", "sif"}
    sif_alpha : float
    normalize : bool
    word_vectors : {"input", "input+output"}
    """

    pooling: str
    sif_alpha: float
    normalize: bool
    word_vectors: str


def embedding_of(word_vectors, vectors, context_vectors):
    """The word vectors of documents and queries: ``vectors`` for
    ``word_vectors="input"``, ``vectors + context_vectors`` for ``"input+output"``."""
    if word_vectors == "input+output":
        if context_vectors is None:
            raise ValueError(
                "word_vectors='input+output' needs output vectors, which are trained "
                "only when epochs > 0; with epochs=0 use word_vectors='input'.")
        return vectors + context_vectors
    return vectors


__all__ = ["FeatureSettings", "embedding_of"]
