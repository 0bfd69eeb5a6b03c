"""One value for word vectors: the words, their index, the matrix, and the queries on it.

:class:`WordVectors` is what the query methods of a fitted estimator
(``model.most_similar(...)``) and :mod:`sklearn_w2v.evaluation` both compute on: one
``most_similar`` with gensim 4.4's definition, one cosine (:func:`cosines`), one rule for
unknown words (:class:`UnknownWordError`). :meth:`WordVectors.of` makes one from
anything the evaluation functions accept: a fitted estimator, a gensim ``KeyedVectors``
(or any object with its ``index_to_key`` and ``vectors``), the path of a vector file, or
``(words, vectors)``.

Vectors of norm zero have cosine 0 with everything (gensim: nan).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from .pretrained import is_word_vector_file
from .reader import load_word2vec_format

__all__ = ["COSMUL_EPSILON", "UnknownWordError", "WordVectors", "cosines", "row_norms",
           "term_list", "unit", "unit_rows", "unknown_word"]

# gensim adds this to the denominator of 3CosMul (Levy & Goldberg 2014 suggest 1e-3; we
# follow gensim so that results agree).
COSMUL_EPSILON = 1e-6


class UnknownWordError(KeyError, ValueError):
    """A word of a query has no vector.

    A ``KeyError`` (as gensim's ``KeyedVectors`` and dict lookups raise) and a
    ``ValueError`` (which code written for the first queries of this package catches).

    Examples
    --------
    >>> from sklearn_w2v import UnknownWordError, Word2VecTransformer
    >>> model = Word2VecTransformer(init=(["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]]),
    ...                             vector_size=2, epochs=0).fit(["cat dog"])
    >>> try:
    ...     model["horse"]
    ... except KeyError as error:
    ...     print(error)
    word 'horse' is not in the vocabulary (2 words)
    >>> issubclass(UnknownWordError, ValueError)
    True
    """

    def __str__(self) -> str:
        # KeyError would show the repr of the message, quotes and escapes included.
        return str(self.args[0]) if self.args else ""


def unknown_word(word, n_words):
    """The :class:`UnknownWordError` of ``word`` in a vocabulary of ``n_words`` words."""
    return UnknownWordError(f"word {word!r} is not in the vocabulary ({n_words} words)")


def term_list(items):
    """The terms of a query as a list: gensim accepts a single word (or vector) as well as
    a list of them, and None for none."""
    if items is None:
        return []
    if isinstance(items, (str, np.ndarray)):
        return [items]
    return list(items)


def unit(vector):
    """``vector`` scaled to unit length (a zero vector stays zero, as gensim's unitvec)."""
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def row_norms(matrix):
    """The Euclidean norm of each row of ``matrix``, 1 for a zero row (whose cosines are
    then 0)."""
    norms = np.linalg.norm(matrix, axis=1)
    norms[norms == 0] = 1
    return norms


def unit_rows(matrix):
    """The rows of ``matrix`` scaled to unit length; all-zero rows stay zero."""
    return matrix / row_norms(matrix)[:, None]


def cosines(a, b):
    """The cosine of each row of ``a`` with the same row of ``b``, in float64.

    The one cosine of a pair of words (:meth:`WordVectors.similarity`, the estimators'
    ``similarity``) and of the word pairs an evaluation scores: float64 whatever the
    vectors' dtype, so that a float32 model's cosines carry no float32 rounding.
    """
    a = np.asarray(a).astype(np.float64, copy=False)
    b = np.asarray(b).astype(np.float64, copy=False)
    return np.einsum("ij,ij->i", unit_rows(a), unit_rows(b))


class WordVectors:
    """Words, their rows and their vectors, and the nearest-neighbour queries on them.

    Parameters
    ----------
    words : list of str
        Row ``i`` of ``vectors`` belongs to ``words[i]``; unique.
    vectors : ndarray of shape (n_words, vector_size)
        Not copied: the caller keeps it unchanged while the value is used.
    index : dict of str to int or None, default=None
        Word -> row, if the caller has it already; built from ``words`` otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._vectors import WordVectors
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]], float)
    >>> WordVectors(words, vectors).most_similar(["king", "woman"], ["man"], topn=1)
    [('queen', 0.958...)]
    """

    def __init__(self, words, vectors, index=None):
        self.words = words
        self.vectors = vectors
        self.index = {w: row for row, w in enumerate(words)} if index is None else index
        self._norms = None  # of the first rows, computed when first needed

    @classmethod
    def of(cls, source):
        """The word vectors of a fitted model, a KeyedVectors, a file or a ``(words,
        vectors)`` tuple (what :mod:`sklearn_w2v.evaluation` accepts).

        Parameters
        ----------
        source : fitted estimator, KeyedVectors-like, path or tuple
            A model with ``vocabulary_`` and ``embedding_`` (and ``index_to_word_``), an
            object with ``index_to_key`` and ``vectors``, the path of a vector file, or
            ``(words, vectors)`` with ``words`` in row order.

        Returns
        -------
        WordVectors
            Floating vectors (integers become float64, float16 float32); unique words.
        """
        if is_word_vector_file(source):
            return _checked(*load_word2vec_format(source))
        if hasattr(source, "index_to_key") and hasattr(source, "vectors"):
            return _checked(list(source.index_to_key), source.vectors)
        if isinstance(source, tuple):
            if len(source) != 2:
                raise TypeError(
                    f"expected a (words, vectors) tuple, got a tuple of length {len(source)}"
                )
            return _checked(list(source[0]), source[1])
        return _checked(*_words_and_vectors_of_model(source))

    def __len__(self):
        return len(self.words)

    def row(self, word):
        """The row of ``word``; :class:`UnknownWordError` if it has none."""
        try:
            return self.index[word]
        except (KeyError, TypeError):  # TypeError: an unhashable "word"
            raise unknown_word(word, len(self.words)) from None

    def vector(self, word, norm=False):
        """A copy of the vector of ``word``, scaled to unit length if ``norm``."""
        vector = np.array(self.vectors[self.row(word)])
        return unit(vector) if norm else vector

    def norms(self, stop=None):
        """:func:`row_norms` of the rows ``[:stop]``, computed once for the value."""
        n_rows = len(self.vectors[:stop])
        if self._norms is None or len(self._norms) < n_rows:
            self._norms = row_norms(self.vectors[:n_rows])
        return self._norms[:n_rows]

    def unit_rows(self, stop=None):
        """The rows ``[:stop]`` scaled to unit length (a zero row stays zero)."""
        norms = self.norms(stop)
        return self.vectors[:len(norms)] / norms[:, None]

    def similarity(self, word1, word2):
        """The cosine of the vectors of two words (:func:`cosines`)."""
        pair = self.vectors[[self.row(word1), self.row(word2)]]
        return float(cosines(pair[:1], pair[1:])[0])

    def cosines_to(self, vector, stop=None):
        """The cosine of each of the rows ``[:stop]`` with the unit vector ``vector``,
        computed in the vectors' dtype as gensim computes it."""
        candidates = self.vectors[:stop]
        return candidates @ vector.astype(candidates.dtype) / self.norms(stop)

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Words closest by cosine to the weighted mean of the query terms (gensim 4.4's
        ``KeyedVectors.most_similar``).

        Words are unit-normalised, vectors taken as given; each term may be a ``(term,
        weight)`` pair, the weights 1 for ``positive`` and -1 for ``negative`` otherwise.
        The mean ``sum(w_i t_i) / sum(|w_i|)`` is normalised and the rows ``[:restrict_vocab]``
        ranked by their cosine with it, the query words excluded.

        Returns
        -------
        list of (str, float), or ndarray of every row's cosine if ``topn`` is None
        """
        if isinstance(topn, Integral) and topn < 1:
            return []
        vectors, weights, rows = self._weighted_terms(positive, negative)
        mean = unit(weights @ vectors / np.abs(weights).sum())
        sims = self.cosines_to(mean, restrict_vocab)
        if topn is None:
            return sims
        return self.best(sims, topn, rows)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10,
                            restrict_vocab=None):
        """Neighbours by 3CosMul, gensim's ``most_similar_cosmul`` (Levy & Goldberg 2014).

        Each candidate x scores ``prod_p cos'(x, p) / (prod_n cos'(x, n) + 1e-6)`` with
        ``cos' = (1 + cos) / 2``; words unit-normalised, vectors taken as given.
        """
        if isinstance(topn, Integral) and topn < 1:
            return []
        pos_vectors, _, pos_rows = self._weighted_terms(positive, None)
        neg_vectors, neg_rows = np.zeros((0, pos_vectors.shape[1])), []
        if term_list(negative):
            neg_vectors, _, neg_rows = self._weighted_terms(negative, None)
        candidates = self.vectors[:restrict_vocab]
        norms = self.norms(restrict_vocab)

        def shifted_cosines(terms):
            return (1 + (candidates @ terms.T.astype(candidates.dtype)) / norms[:, None]) / 2

        scores = (shifted_cosines(pos_vectors).prod(axis=1)
                  / (shifted_cosines(neg_vectors).prod(axis=1) + COSMUL_EPSILON))
        if topn is None:
            return scores
        return self.best(scores, topn, pos_rows + neg_rows)

    def best(self, scores, topn, excluded):
        """The ``topn`` best ``(word, score)`` pairs of ``scores`` (one per row from the
        first), the rows ``excluded`` left out; ties keep row order."""
        scores = np.array(scores, dtype=np.float64)
        excluded = [row for row in excluded if row < len(scores)]
        scores[excluded] = -np.inf
        k = min(int(topn), len(scores) - len(set(excluded)))
        if k <= 0:
            return []
        # argpartition finds the k best in linear time; only those are sorted.
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in top.tolist()]

    def _weighted_terms(self, positive, negative):
        """``(vectors, weights, rows)`` of the terms of a query: words (unit-normalised, as
        gensim) or raw vectors, each optionally as a ``(term, weight)`` pair; ``rows``
        are the rows of the words, which the answer excludes."""
        terms, weights = [], []
        for items, default in ((term_list(positive), 1.0), (term_list(negative), -1.0)):
            for item in items:
                if isinstance(item, tuple) and len(item) == 2:
                    item, weight = item
                else:
                    weight = default
                terms.append(item)
                weights.append(float(weight))
        if not terms:
            raise ValueError("cannot compute similarity with no input words or vectors")
        rows, vectors = [], []
        for term in terms:
            if isinstance(term, str):
                rows.append(self.row(term))
                vectors.append(self.vector(term, norm=True))
            else:
                vectors.append(np.asarray(term, dtype=np.float64).ravel())
        return np.array(vectors), np.array(weights), rows


def _words_and_vectors_of_model(model):
    """``(words, vectors)`` of a fitted model with ``vocabulary_`` and ``embedding_``."""
    vocabulary = getattr(model, "vocabulary_", None)
    vectors = getattr(model, "embedding_", None)
    if vocabulary is None or vectors is None:
        if hasattr(model, "fit"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"This {type(model).__name__} instance is not fitted yet; call 'fit' "
                "before evaluating it."
            )
        raise TypeError(
            "expected a fitted model with vocabulary_ and embedding_, a KeyedVectors, "
            f"the path of a vector file or a (words, vectors) tuple; got "
            f"{type(model).__name__}"
        )
    words = getattr(model, "index_to_word_", None)
    if words is not None and len(words) == len(vocabulary):
        return list(words), vectors
    words = [None] * len(vocabulary)
    for word, row in vocabulary.items():
        if not 0 <= row < len(words) or words[row] is not None:
            raise ValueError(
                "model.vocabulary_ must map its words one to one onto rows "
                f"0..{len(words) - 1}; row {row} of {word!r} breaks that"
            )
        words[row] = word
    return words, vectors


def _checked(words, vectors):
    """A :class:`WordVectors` of ``words`` and ``vectors`` after checking that they fit."""
    vectors = np.asarray(vectors)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be 2-D, got shape {vectors.shape}")
    if not np.issubdtype(vectors.dtype, np.floating):
        vectors = vectors.astype(np.float64)
    elif vectors.dtype.itemsize < 4:
        vectors = vectors.astype(np.float32)  # float16 BLAS is slow and imprecise
    if len(words) != vectors.shape[0]:
        raise ValueError(f"got {len(words)} words but {vectors.shape[0]} vectors")
    value = WordVectors(words, vectors)
    if len(value.index) != len(words):
        raise ValueError("words must be unique")
    return value
