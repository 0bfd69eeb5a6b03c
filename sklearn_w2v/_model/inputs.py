"""Input sides: which parameter rows make a word's input vector, and where its gradient goes.

An architecture (:mod:`sklearn_w2v._model.architectures`) asks its input side for the
input vectors of the words of a minibatch and hands it the gradient with respect to them;
the input side answers with vectors and with :class:`~sklearn_w2v._model.steps.RowUpdate`
objects, which the trainer applies as it applies every other update. fastText's
``FastText::cbow`` and ``skipgram`` differ only in how they collect input ids; here the
collecting is this one object, chosen once per fit:

* :class:`WordInputs` (word2vec): a word's input vector is its row of ``"input"``;
* :class:`SubwordInputs` (fastText, Bojanowski et al. 2017): a word's input vector is the
  mean of its own row of ``"input"`` and the rows of ``"ngrams"`` of its character
  n-grams' buckets (:mod:`sklearn_w2v._text.subwords`), read through a CSR table word ->
  buckets built once per fit. The table is an array of the step, so the worker processes
  map it from the shared folder as they map the noise tables, and the n-gram matrix is
  one more shared parameter.

As fastText (whose ``Model::update`` normalises the gradient only for supervised models)
and gensim do, every row of a word receives the gradient with respect to the word's
input vector whole, not divided by the number of rows: ``1 + n`` times the gradient of
the mean for a word of ``n`` n-grams, the per-row step size that fastText's learning
rates are tuned for (word2vec.c's CBOW treats its context rows the same way).
"""

from dataclasses import dataclass

import numpy as np

from .._text import ngram_buckets, ngrams_enabled
from .sparse_rows import segment_sums, weighted_row_sums
from .steps import RowUpdate

__all__ = ["NGRAMS", "SubwordInputs", "SubwordSettings", "WORD_INPUTS", "WordInputs",
           "ngram_vectors"]

# The name of the n-gram matrix among the parameters (fastText's rows nwords.. of wi).
NGRAMS = "ngrams"


@dataclass(frozen=True)
class WordInputs:
    """word2vec's input side: word ``w``'s input vector is row ``w`` of ``"input"``."""

    def vectors(self, parameters, words):
        """The input vectors of ``words`` (int array of any shape): shape + (d,)."""
        # np.take: measured faster than fancy indexing for these row gathers.
        return np.take(parameters["input"], words, axis=0)

    def updates(self, words, gradients, counts=None):
        """The updates of the gradients with respect to the input vectors of ``words``.

        Parameters
        ----------
        words : ndarray of int, shape (n,)
        gradients : ndarray of shape (n, d) or (..., d) with n rows in all
        counts : ndarray of shape (n,) or None
            Pair updates summed in each gradient (0: padding, no update).
        """
        return [RowUpdate("input", words, gradients, counts)]

    def combine(self, parameters, words, groups, weights):
        """``out[g] = sum_i weights[i] * vector(words[i])`` over ``i`` in group ``g``."""
        return weighted_row_sums(parameters["input"], words, groups, weights)

    def combined_updates(self, words, gradients, groups):
        """Every ``words[i]`` of group ``g`` receives ``gradients[g]`` (CBOW)."""
        return [RowUpdate("input", words, gradients, groups=groups)]

    def extra_rows(self):
        """The parameter matrices this side adds to ``"input"``: name -> rows."""
        return {}

    def fitted_state(self, parameters):
        """The fitted attributes of the trained input side."""
        return {"vectors_": parameters["input"]}


WORD_INPUTS = WordInputs()


class SubwordInputs:
    """fastText's input side: a word's input vector is the mean of its own ``"input"``
    row and the ``"ngrams"`` rows of its character n-grams.

    Parameters
    ----------
    table : NgramBuckets
        The buckets of the n-grams of each word of the vocabulary (row order).

    Notes
    -----
    A minibatch repeats frequent words: the input vectors are formed once per distinct
    word (one CSR product over the n-gram rows), and the gradients summed per distinct
    word before they are routed to its rows, which gathers and scatters each word's
    n-gram rows once per minibatch instead of once per occurrence.
    """

    def __init__(self, table):
        self.table = table
        lengths = table.lengths
        self._lengths = lengths
        # 1 / (1 + n): the weight of each row of a word in its mean.
        self._scale = 1.0 / (1.0 + lengths)

    @property
    def n_buckets(self):
        return self.table.n_buckets

    def extra_rows(self):
        return {NGRAMS: self.n_buckets}

    def _rows(self, words):
        """The n-gram rows of the distinct ``words`` and their CSR pointers."""
        lengths = self._lengths[words]
        groups = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(lengths, out=groups[1:])
        positions = (np.repeat(self.table.indptr[words] - groups[:-1], lengths)
                     + np.arange(groups[-1], dtype=np.int64))
        return self.table.buckets[positions], groups

    def _word_vectors(self, parameters, words):
        """The input vectors of the distinct ``words`` (1-D)."""
        inputs = parameters["input"]
        rows, groups = self._rows(words)
        scale = self._scale[words]
        out = weighted_row_sums(parameters[NGRAMS], rows,
                                groups, np.repeat(scale, self._lengths[words]))
        out += np.take(inputs, words, axis=0) * scale[:, None].astype(inputs.dtype)
        return out

    def vectors(self, parameters, words):
        words = np.asarray(words)
        distinct, inverse = np.unique(words.ravel(), return_inverse=True)
        vectors = self._word_vectors(parameters, distinct)
        return np.take(vectors, inverse, axis=0).reshape(words.shape + vectors.shape[1:])

    def combine(self, parameters, words, groups, weights):
        distinct, inverse = np.unique(words, return_inverse=True)
        return weighted_row_sums(self._word_vectors(parameters, distinct), inverse, groups,
                                 weights)

    def updates(self, words, gradients, counts=None):
        gradients = gradients.reshape(len(words), -1)
        if counts is not None:
            keep = counts > 0  # padding slots carry no update
            words, gradients, counts = words[keep], gradients[keep], counts[keep]
        distinct, inverse = np.unique(words, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        pointers = _pointers(np.bincount(inverse, minlength=len(distinct)))
        summed = segment_sums(gradients, pointers, order)
        totals = np.bincount(inverse, weights=counts, minlength=len(distinct))
        return self._word_updates(distinct, summed, totals)

    def combined_updates(self, words, gradients, groups):
        group_of = np.repeat(np.arange(len(groups) - 1), np.diff(groups))
        distinct, inverse = np.unique(words, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        occurrences = np.bincount(inverse, minlength=len(distinct))
        # Each occurrence receives its window's gradient: summed per distinct word.
        summed = weighted_row_sums(gradients, group_of[order], _pointers(occurrences),
                                   np.ones(len(words)))
        return self._word_updates(distinct, summed, occurrences.astype(np.float64))

    def _word_updates(self, words, gradients, counts):
        """Each distinct word's own row and its n-gram rows receive its gradient whole."""
        rows, groups = self._rows(words)
        return [RowUpdate("input", words, gradients, counts),
                RowUpdate(NGRAMS, rows, gradients, np.repeat(counts, self._lengths[words]),
                          groups=groups)]

    def word_vectors(self, parameters):
        """The input vectors of every word of the table, shape (n_words, d)."""
        return self._word_vectors(parameters, np.arange(self.table.n_words))

    def fitted_state(self, parameters):
        return {"vectors_": self.word_vectors(parameters), "vectors_vocab_": parameters["input"],
                "vectors_ngrams_": parameters[NGRAMS]}


@dataclass(frozen=True)
class SubwordSettings:
    """fastText's subword options: n-grams of ``min_n..max_n`` characters hashed into
    ``bucket`` rows.

    Attributes
    ----------
    min_n, max_n, bucket : int
    """

    min_n: int
    max_n: int
    bucket: int

    @property
    def enabled(self):
        """Whether words have subwords (``max_n >= max(min_n, 1)`` and ``bucket > 0``);
        otherwise the model is word2vec."""
        return ngrams_enabled(self.min_n, self.max_n, self.bucket)

    def table(self, words):
        """The :class:`~sklearn_w2v._text.subwords.NgramBuckets` of ``words``."""
        return ngram_buckets(words, self.min_n, self.max_n, self.bucket)

    def inputs_for(self, words):
        """The input side of a vocabulary of ``words``: :class:`SubwordInputs`, or
        :data:`WORD_INPUTS` when subwords are off."""
        return SubwordInputs(self.table(words)) if self.enabled else WORD_INPUTS

    def structure(self):
        """The options recorded on a fitted model (training continues only with them)."""
        return {"min_n": self.min_n, "max_n": self.max_n, "bucket": self.bucket}


def _pointers(counts):
    pointers = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=pointers[1:])
    return pointers


def ngram_vectors(ngram_matrix, table):
    """The mean n-gram row of each word of ``table`` (a ``NgramBuckets``): the vector
    fastText and gensim give a word outside the vocabulary; zero for a word without
    n-grams.

    Returns
    -------
    ndarray of shape (table.n_words, d), the dtype of ``ngram_matrix``
    """
    lengths = table.lengths
    weights = np.repeat(1.0 / np.maximum(lengths, 1), lengths)
    return weighted_row_sums(ngram_matrix, table.buckets, table.indptr, weights)
