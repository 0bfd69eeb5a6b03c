"""Document features: word vectors → one vector per document.

May import ``_utils``, ``_vectors`` and ``_text``. ``pooling`` holds the poolings of
``Word2VecTransformer.transform`` (mean, sum, max, tf-idf, SIF) and the statistics they
learn at fit (document frequencies, SIF weights and principal component).
"""

from .pooling import (
    document_frequency,
    fit_sif_component_from_corpus,
    pool_documents,
    sif_weights,
    smoothed_idf,
)
from .settings import FeatureSettings, embedding_of
from .statistics import POOLING_ATTRIBUTES, PoolingStatistics

__all__ = ["FeatureSettings", "POOLING_ATTRIBUTES", "PoolingStatistics",
           "document_frequency", "embedding_of", "fit_sif_component_from_corpus",
           "pool_documents", "sif_weights", "smoothed_idf"]
