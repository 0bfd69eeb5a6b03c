"""The model: what one minibatch costs and which rows its gradients belong to.

May import ``_utils`` and ``_text`` (the minibatches it reads), never training, document
features or the estimators.

* ``objectives``: pure loss-and-gradient kernels of a minibatch (softmax, negative
  sampling, NCE, hierarchical softmax), checked against the formulas and finite
  differences in the tests;
* ``noise``: the noise distribution ``q ∝ count^ns_exponent`` and its exact sampler;
* ``noise_sharing``: negative sampling's and NCE's schemes of which predictions share
  which noise words (per pair, per window, grouped windows, per minibatch), each naming
  its kernel in ``objectives``, and the one home of NCE's offset ``log(K q)``;
* ``huffman``: word2vec.c's Huffman tree of hierarchical softmax;
* ``layers``: one output layer per objective (its matrix, noise or tree, ``forward`` for
  training, ``log_likelihood`` for scoring);
* ``architectures``: skip-gram, CBOW, PV-DBOW, PV-DM: a minibatch → hidden vectors and
  targets, the hidden gradient back to input rows;
* ``inputs``: the input side of skip-gram and CBOW: a word's row (word2vec) or the mean
  of its row and its character n-grams' rows (fastText), and the gradient back to them;
* ``steps``: a step = (architecture, layer) → loss and :class:`RowUpdate` objects, and
  the values the two halves pass (``Predictions``, in one of three ``Form``
  values, and ``LayerOutput``);
* ``sparse_rows``: the repeated-row-safe scatter-add and the per-row update cap;
* ``scoring``: the held-out log-likelihood of ``score``.
"""

from .architectures import make_architecture
from .huffman import HuffmanTree
from .inputs import NGRAMS, WORD_INPUTS, SubwordSettings, ngram_vectors
from .layers import (
    NO_OUTPUT_WORD_VECTORS,
    check_layer_parameters,
    fitted_layer,
    layer_class,
    make_layer,
)
from .noise import noise_distribution
from .scoring import mean_log_likelihood
from .settings import ModelSettings, fitted_layer_of
from .sparse_rows import RowUpdateCap, scatter_add_rows
from .steps import BlockRandom, make_step

__all__ = ["BlockRandom", "HuffmanTree", "ModelSettings", "NGRAMS",
           "NO_OUTPUT_WORD_VECTORS", "RowUpdateCap", "SubwordSettings", "WORD_INPUTS",
           "check_layer_parameters", "fitted_layer", "fitted_layer_of", "layer_class",
           "make_architecture", "make_layer", "make_step", "mean_log_likelihood",
           "ngram_vectors", "noise_distribution", "scatter_add_rows"]
