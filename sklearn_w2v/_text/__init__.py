"""Text and corpus: documents → tokens → vocabulary → encoded corpus → minibatches.

May import ``_utils`` and ``_vectors`` (the compressed-stream reader of :func:`read_lines`,
the description of ``init`` in coverage messages), nothing above. Other packages import
only the names below, never its modules.

* ``analyzer``: CountVectorizer-style analyzer options, document validation, documents →
  token lists;
* ``lines``: :func:`read_lines`, documents of a text file read lazily;
* ``vocabulary``: ``min_count``/``max_vocab_size``, the row order, subsampling
  probabilities;
* ``vocabulary_growth``: a fixed vocabulary met by a new corpus (the rows of its known
  words, the words that join);
* ``encoded_corpus``: :class:`EncodedCorpus`, flat 2-byte word ids and document offsets in
  memory, built in one counting pass and remapped in place; :func:`encode` with a fixed
  vocabulary (``transform``, ``score``);
* ``corpus_folder``: the same corpus in files of a temporary folder (``out_of_core``), the
  folder's life and its full-disk errors;
* ``corpus_stores``: the store a fit keeps its corpus in, memory or folder
  (:func:`corpus_store`), both with the same two operations;
* ``minibatches``: a block of the corpus → windows (subsampling, dynamic window) → the
  minibatch grids the model trains on;
* ``coverage``: how much of a text a vocabulary covers, and the low-coverage warning
  (judged over windows of ``transform`` calls by a :class:`CoverageWatch`);
* ``subwords``: fastText's character n-grams of words and their hash buckets;
* ``subword_coverage``: what a fastText model covers through its vocabulary and through
  n-grams alone, and ``transform``'s encoding with a row for each word n-grams cover.
"""

from .analyzer import DEFAULT_TOKEN_PATTERN, build_analyzer, iter_token_lists
from .corpus_stores import corpus_store
from .coverage import (
    JUDGED_TOKENS,
    Coverage,
    CoverageWatch,
    LowCoverageWarning,
    fit_coverage,
    transform_corpus,
)
from .encoded_corpus import EncodedCorpus, encode
from .lines import read_lines
from .minibatches import block_boundaries, block_minibatches, iter_all_pairs
from .settings import CorpusSettings, TextSettings
from .subword_coverage import (
    SubwordCoverage,
    WordsWithVectors,
    encode_with_subwords,
    has_character_ngram,
    subword_fit_coverage,
    whose_vectors,
)
from .subwords import NgramBuckets, character_ngrams, ngram_buckets, ngrams_enabled
from .vocabulary import build_vocabulary, keep_probabilities
from .vocabulary_growth import extend_vocabulary

__all__ = ["CorpusSettings", "Coverage", "CoverageWatch", "DEFAULT_TOKEN_PATTERN",
           "EncodedCorpus", "JUDGED_TOKENS", "LowCoverageWarning", "NgramBuckets",
           "SubwordCoverage", "TextSettings", "WordsWithVectors", "block_boundaries",
           "block_minibatches", "build_analyzer", "build_vocabulary", "character_ngrams",
           "corpus_store", "encode", "encode_with_subwords", "extend_vocabulary",
           "fit_coverage", "has_character_ngram", "iter_all_pairs", "iter_token_lists",
           "keep_probabilities", "ngram_buckets", "ngrams_enabled", "read_lines",
           "subword_fit_coverage", "transform_corpus", "whose_vectors"]
