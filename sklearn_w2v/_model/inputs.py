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
from typing import ClassVar

import numpy as np

from .._text import ngram_buckets, ngrams_enabled
from .sparse_rows import scatter_add_rows, weighted_row_sums
from .steps import RowUpdate

__all__ = ["InputRows", "NGRAMS", "SubwordInputs", "SubwordSettings", "WORD_INPUTS", "WordInputs",
           "ngram_vectors"]

# The name of the n-gram matrix among the parameters (fastText's rows nwords.. of wi).
NGRAMS = "ngrams"


@dataclass
class InputRows:
    """The input vectors of the words of a minibatch, as an input side gathered them,
    and what it needs to route their gradient back (its own business).

    Attributes
    ----------
    vectors : ndarray of shape words.shape + (d,), or None
        None after :meth:`WordInputs.combine`, which never forms them one by one.
    words : ndarray of int
        The words, flattened.
    """

    vectors: object
    words: np.ndarray
    distinct: object = None  # SubwordInputs: the distinct words,
    inverse: object = None  # each occurrence's index among them,
    buckets: object = None  # the distinct buckets of their n-grams (sorted),
    bucket_words: object = None  # and the words of each bucket (bucket b's are
    bucket_groups: object = None  # bucket_words[bucket_groups[b]:bucket_groups[b + 1]])


@dataclass(frozen=True)
class WordInputs:
    """word2vec's input side: word ``w``'s input vector is row ``w`` of ``"input"``."""

    # The minibatch options this side asks for (see TrainingConfig): none.
    batch_options: ClassVar[dict] = {}

    def gather(self, parameters, words):
        """The :class:`InputRows` of ``words`` (int array of any shape)."""
        # np.take: measured faster than fancy indexing for these row gathers.
        return InputRows(np.take(parameters["input"], words, axis=0), words.ravel())

    def vectors(self, parameters, words):
        """The input vectors of ``words``: shape + (d,)."""
        return self.gather(parameters, words).vectors

    def updates(self, gathered, gradients, counts=None):
        """The updates of the gradients with respect to the gathered vectors.

        Parameters
        ----------
        gathered : InputRows
        gradients : ndarray of shape (n, d) or (..., d) with one row per gathered word
        counts : ndarray of shape (n,) or None
            Pair updates summed in each gradient (0: padding, no update).
        """
        return [RowUpdate("input", gathered.words, gradients, counts)]

    def combine(self, parameters, words, groups, weights):
        """``(sums, gathered)``: ``sums[g] = sum_i weights[i] * vector(words[i])`` over
        ``i`` in group ``g``, read without forming the vectors one by one."""
        return (weighted_row_sums(parameters["input"], words, groups, weights),
                InputRows(None, words))

    def combined_updates(self, gathered, gradients, groups):
        """Every word of group ``g`` receives ``gradients[g]`` (CBOW)."""
        return [RowUpdate("input", gathered.words, gradients, groups=groups)]

    def window_weights(self, words, counts, groups, mean):
        """CBOW's weights of the context words of each window, and what a window
        combines: ``(weights, n_combined)``. The mean (``1 / count`` each) or the sum
        (1 each) of the words' vectors; ``n_combined`` is the words per window."""
        scale = 1.0 / counts if mean else None
        weights = np.ones(len(words)) if scale is None else np.repeat(scale, counts)
        return weights, counts

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
    The n-gram matrix is the large one (``bucket`` rows), and its rows are read and
    written at random: what a minibatch costs is the rows it touches there. A
    minibatch's input vectors are formed once per distinct word, from one gather of the
    distinct buckets of their n-grams (fewer than their n-grams: frequent n-grams are
    shared by many words), and their gradients are summed per distinct word and then per
    distinct bucket before the trainer adds them: each row of the n-gram matrix that the
    minibatch uses is read once and written once.
    """

    # Minibatches of consecutive windows: their context words repeat the same few hundred
    # tokens, so a minibatch has fewer distinct words, and far fewer distinct n-gram
    # rows, than one of windows of equal width from across a block, with the same
    # quality (measured in benchmarks/DESIGN.md).
    batch_options: ClassVar[dict] = {"in_corpus_order": True}

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
        groups = _pointers(lengths)
        positions = (np.repeat(self.table.indptr[words] - groups[:-1], lengths)
                     + np.arange(groups[-1], dtype=np.int64))
        return self.table.buckets[positions], groups

    def _distinct(self, parameters, words):
        """The :class:`InputRows` of ``words`` (flat) with the vectors of the distinct
        words (not yet one per occurrence)."""
        distinct, inverse = np.unique(words, return_inverse=True)
        buckets, bucket_words, bucket_groups = self._buckets_of(distinct)
        inputs = parameters["input"]
        scale = self._scale[distinct]
        vectors = np.take(inputs, distinct, axis=0) * scale[:, None].astype(inputs.dtype)
        # Bucket by bucket, the gathered rows read in order and each added to its words'
        # vectors (a block of a few hundred kB): measured faster than reading each word's
        # n-gram rows at random from the gathered block.
        scatter_add_rows(vectors, bucket_words, np.take(parameters[NGRAMS], buckets, axis=0),
                         scale[bucket_words], groups=bucket_groups)
        return InputRows(vectors, words, distinct, inverse, buckets, bucket_words,
                         bucket_groups)

    def _buckets_of(self, words):
        """The distinct buckets of the n-grams of the distinct ``words`` (sorted), and
        each bucket's words as CSR columns and pointers (a word as many times as its
        n-grams fall in the bucket)."""
        entries, groups = self._rows(words)
        # The default sort: numpy's vectorized quicksort, several times faster here than
        # a stable sort (the order of a bucket's words does not matter).
        order = np.argsort(entries)
        ordered = entries[order]
        first = np.ones(len(entries), dtype=bool)
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
        pointers = np.append(np.flatnonzero(first), len(entries)).astype(np.int64)
        word_of_entry = np.repeat(np.arange(len(words)), np.diff(groups))
        return ordered[first], word_of_entry[order], pointers

    def gather(self, parameters, words):
        words = np.asarray(words)
        gathered = self._distinct(parameters, words.ravel())
        gathered.vectors = np.take(gathered.vectors, gathered.inverse, axis=0).reshape(
            words.shape + gathered.vectors.shape[1:])
        return gathered

    def vectors(self, parameters, words):
        return self.gather(parameters, words).vectors

    def combine(self, parameters, words, groups, weights):
        gathered = self._distinct(parameters, words)
        return (weighted_row_sums(gathered.vectors, gathered.inverse, groups, weights),
                gathered)

    def window_weights(self, words, counts, groups, mean):
        """fastText's CBOW: the mean (or with ``mean=False`` gensim's sum) of all the rows
        of the window's context words, each word's vector weighted by its number of
        rows ``1 + n``; ``n_combined`` is the rows per window (the sum's error is divided
        by it, as gensim divides it)."""
        rows = 1.0 + self._lengths[words]
        n_combined = np.add.reduceat(rows, groups[:-1]) if len(rows) else rows
        if not mean:
            return rows, n_combined
        return rows / np.repeat(n_combined, counts), n_combined

    def updates(self, gathered, gradients, counts=None):
        gradients = gradients.reshape(len(gathered.words), -1)
        word_gradients = np.zeros((len(gathered.distinct), gradients.shape[1]),
                                  dtype=gradients.dtype)
        # Padding slots (count 0) carry no update.
        scatter_add_rows(word_gradients, gathered.inverse, gradients,
                         None if counts is None else (counts > 0))
        totals = np.bincount(gathered.inverse, weights=counts,
                             minlength=len(gathered.distinct))
        return self._word_updates(gathered, word_gradients, totals)

    def combined_updates(self, gathered, gradients, groups):
        word_gradients = np.zeros((len(gathered.distinct), gradients.shape[1]),
                                  dtype=gradients.dtype)
        # Each occurrence receives its window's gradient.
        scatter_add_rows(word_gradients, gathered.inverse, gradients, groups=groups)
        totals = np.bincount(gathered.inverse, minlength=len(gathered.distinct))
        return self._word_updates(gathered, word_gradients, totals.astype(np.float64))

    def _word_updates(self, gathered, word_gradients, totals):
        """Each distinct word's own row and its n-gram rows receive its gradient whole;
        summed per distinct bucket."""
        # Each bucket's row summed from the few-hundred-kB block of word gradients and
        # written once: measured several times faster than scattering every n-gram's
        # gradient into the buckets.
        words, groups = gathered.bucket_words, gathered.bucket_groups
        bucket_gradients = weighted_row_sums(word_gradients, words, groups,
                                             np.ones(len(words)))
        # A pair update moves a word's vector through one of its 1 + n rows: an n-gram row
        # counts a word's updates by that share, so the per-row cap (which guards
        # against summed updates overshooting what the words' vectors can take) binds
        # for a row as it would for a word of its own.
        shares = totals * self._scale[gathered.distinct]
        bucket_totals = (np.add.reduceat(shares[words], groups[:-1]) if len(words)
                         else np.zeros(0))
        return [RowUpdate("input", gathered.distinct, word_gradients, totals, distinct=True),
                RowUpdate(NGRAMS, gathered.buckets, bucket_gradients, bucket_totals,
                          distinct=True)]

    def word_vectors(self, parameters):
        """The input vectors of every word of the table, shape (n_words, d)."""
        words = np.arange(self.table.n_words)
        entries, groups = self._rows(words)
        inputs = parameters["input"]
        vectors = weighted_row_sums(parameters[NGRAMS], entries, groups,
                                    np.repeat(self._scale, self._lengths))
        vectors += inputs * self._scale[:, None].astype(inputs.dtype)
        return vectors

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
