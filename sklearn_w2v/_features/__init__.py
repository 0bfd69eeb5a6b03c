"""Document features: word vectors → one vector per document.

May import ``_utils``, ``_vectors`` and ``_text``. Other packages import only the names
below, never its modules.

* ``document_terms``: which words each document holds (the document-term matrix), the
  document frequencies and the smoothed idf that fit learns for ``pooling="tfidf"``;
* ``pooling``: the poolings of ``Word2VecTransformer.transform`` (mean, sum, max, tf-idf,
  SIF) and the SIF statistics fit learns (per-word weights, the principal component of
  the training documents' vectors).
"""

from .document_terms import document_frequency, smoothed_idf
from .pooling import fit_sif_component_from_corpus, pool_documents, sif_weights
from .settings import FeatureSettings, embedding_of
from .statistics import POOLING_ATTRIBUTES, PoolingStatistics

__all__ = ["FeatureSettings", "POOLING_ATTRIBUTES", "PoolingStatistics",
           "document_frequency", "embedding_of", "fit_sif_component_from_corpus",
           "pool_documents", "sif_weights", "smoothed_idf"]
