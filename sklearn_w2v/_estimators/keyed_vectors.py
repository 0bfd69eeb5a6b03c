"""gensim's ``KeyedVectors`` query API, as a mixin of the fitted estimator.

Code written for gensim (``wv["king"]``, ``"king" in wv``, ``wv.most_similar(...)``) runs
on a fitted :class:`~sklearn_w2v.Word2VecTransformer` unchanged. Every query follows
gensim 4.4's definition (the docstrings say where we differ), on the matrix chosen by
``word_vectors``.

Out-of-vocabulary words: every query raises :class:`UnknownWordError` for a word that has
no vector. It is a ``KeyError``, as gensim's and a dict's lookups raise, and also a
``ValueError``, which code written for the first queries of this package catches.

The neighbour queries (``most_similar``, ``similar_by_word``, ``most_similar_cosmul``, ...)
compute on a :class:`~sklearn_w2v._vectors.WordVectors` of the fitted words and query
matrix, the value :mod:`sklearn_w2v.evaluation` computes on too; word lookups read the
fitted rows directly. The host class provides ``vocabulary_`` (word -> row),
``index_to_word_`` (row -> word), ``vectors_``, ``context_vectors_``, ``embedding_``,
``word_vectors`` and ``_require_part``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sklearn.utils.validation import check_is_fitted

from .._utils import FloatArray, Term
from .._vectors import (
    WordVectors,
    cosines,
    row_norms,
    term_list,
    unit,
    unknown_word,
)

if TYPE_CHECKING:
    from gensim.models import KeyedVectors

__all__ = ["KeyedVectorsMixin"]


class KeyedVectorsMixin:
    """gensim ``KeyedVectors`` queries on a fitted model's word vectors."""

    # What the host class provides (declared for the type checker).
    vocabulary_: dict[str, int]
    index_to_word_: list[str]
    vectors_: FloatArray
    context_vectors_: FloatArray
    word_vectors: str

    if TYPE_CHECKING:
        @property
        def embedding_(self) -> FloatArray: ...

        def _require_part(self, part: str, what: str) -> None: ...

    # Rows are looked up by word, not position: ``for x in model`` would call
    # ``model[0]``; iterate over ``index_to_word_`` instead.
    __iter__ = None

    # ----------------------------------------------------------------- lookups

    def _row(self, word):
        check_is_fitted(self, "vectors_")
        try:
            return self.vocabulary_[word]
        except (KeyError, TypeError):  # TypeError: an unhashable "word"
            raise unknown_word(word, len(self.vocabulary_)) from None

    def _vectors_of(self, rows):
        """The query vectors of ``rows`` (an int or an index array), per ``word_vectors``."""
        if self.word_vectors == "input+output":
            self._require_part("output_vectors", "word_vectors='input+output'")
            return self.vectors_[rows] + self.context_vectors_[rows]
        return np.array(self.vectors_[rows])  # a copy: the caller may change it

    def _word_vectors(self):
        """The words, vocabulary and query matrix (``embedding_``) as one value, which the
        neighbour queries compute on."""
        check_is_fitted(self, "vectors_")
        return WordVectors(self.index_to_word_, self.embedding_, self.vocabulary_)

    def __contains__(self, word: object) -> bool:
        """Whether ``word`` has a vector (``"king" in model``).

        Parameters
        ----------
        word : str

        Returns
        -------
        bool

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> "king" in model, "pear" in model
        (True, False)
        """
        check_is_fitted(self, "vectors_")
        try:
            return word in self.vocabulary_
        except TypeError:
            return False

    def __getitem__(self, words: str | Iterable[str]) -> FloatArray:
        """``model["king"]``: the vector of a word; ``model[["king", "queen"]]``: one row
        per word.

        Parameters
        ----------
        words : str or iterable of str

        Returns
        -------
        ndarray of shape (vector_size,) or (len(words), vector_size)
            A copy.

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if a word has no vector.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> model["queen"]
        array([1., 0., 1.], dtype=float32)
        >>> model[["king", "man"]].shape
        (2, 3)
        """
        if isinstance(words, str):
            return self.get_vector(words)
        rows = [self._row(word) for word in words]
        return self._vectors_of(np.asarray(rows, dtype=np.intp))

    def get_vector(self, word: str, norm: bool = False) -> FloatArray:
        """The vector of ``word``, from the matrix chosen by ``word_vectors``.

        Parameters
        ----------
        word : str
        norm : bool, default=False
            Scale it to unit length (gensim's ``norm``).

        Returns
        -------
        vector : ndarray of shape (vector_size,)
            A copy.

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if ``word`` has no vector.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> model.get_vector("king", norm=True).round(3)
        array([0.707, 0.707, 0.   ], dtype=float32)
        """
        vector = self._vectors_of(self._row(word))
        return unit(vector) if norm else vector

    # ---------------------------------------------------------------- similarity

    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of the vectors of two words (0.0 if one is zero).

        Computed in float64 whatever the dtype of the vectors, as
        :func:`~sklearn_w2v.evaluation.cosine_similarity_of` computes it (gensim computes
        in the vectors' dtype: the two agree to float32 precision).

        Parameters
        ----------
        word1, word2 : str

        Returns
        -------
        float

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if a word has no vector.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> round(model.similarity("king", "queen"), 3)
        0.5
        """
        return _cosine(self.get_vector(word1), self.get_vector(word2))

    def distance(self, word1: str, word2: str) -> float:
        """Cosine distance, ``1 - similarity(word1, word2)``.

        Parameters
        ----------
        word1, word2 : str

        Returns
        -------
        float

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if a word has no vector.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> round(model.distance("king", "apple"), 3)
        1.707
        """
        return 1.0 - self.similarity(word1, word2)

    def distances(self, word_or_vector: str | npt.ArrayLike,
                  other_words: Collection[str] = ()) -> FloatArray:
        """Cosine distances from a word or vector to ``other_words`` (all words if empty).

        Parameters
        ----------
        word_or_vector : str or array-like of shape (vector_size,)
        other_words : collection of str, default=()
            The words to measure; empty means every word, in row order.

        Returns
        -------
        ndarray of shape (len(other_words),) or (n_words,)

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if a word has no vector.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> model.distances("king", ["queen", "man"]).round(3)
        array([0.5  , 0.293], dtype=float32)
        >>> model.distances([0, 0, 1]).shape
        (5,)
        """
        vector = (self.get_vector(word_or_vector) if isinstance(word_or_vector, str)
                  else np.asarray(word_or_vector))
        if len(other_words) == 0:
            word_vectors = self._word_vectors()
            others, norms = word_vectors.vectors, word_vectors.norms()
        else:
            others = self[list(other_words)]
            norms = row_norms(others)
        return 1.0 - (others @ unit(vector)) / norms

    def n_similarity(self, words1: Collection[str], words2: Collection[str]) -> float:
        """Cosine similarity of the means of two sets of words' vectors.

        As gensim: the raw vectors (not unit-normalised) are averaged; their cosine is
        computed in float64, as :meth:`similarity`'s. Unlike gensim, which
        skips unknown words silently here, an unknown word raises, and an empty set raises
        ValueError (gensim: ZeroDivisionError).

        Parameters
        ----------
        words1, words2 : collection of str

        Returns
        -------
        float

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if a word has no vector.
        ValueError
            If a set is empty.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> round(model.n_similarity(["king", "man"], ["queen", "woman"]), 3)
        0.2
        """
        if not (len(words1) and len(words2)):
            raise ValueError("n_similarity needs at least one word in each set")
        mean1 = self[list(words1)].mean(axis=0)
        mean2 = self[list(words2)].mean(axis=0)
        return _cosine(mean1, mean2)

    # ----------------------------------------------------------------- neighbours

    def most_similar(self, positive: Term | Iterable[Term] | None = None,
                     negative: Term | Iterable[Term] | None = None, topn: int | None = 10,
                     restrict_vocab: int | None = None
                     ) -> list[tuple[str, float]] | FloatArray:
        """Words closest by cosine to the weighted mean of the query terms.

        gensim's ``KeyedVectors.most_similar``: words are unit-normalised, vectors taken
        as given; the mean ``sum(w_i t_i) / sum(|w_i|)`` (weights 1 for ``positive``, -1
        for ``negative``) is normalised and every word ranked by its cosine with it, the
        query words excluded. ``most_similar(positive=["king", "woman"],
        negative=["man"])`` answers man : king :: woman : ?.

        Parameters
        ----------
        positive, negative : str, ndarray, or list of them or of (term, weight) pairs
            Words or vectors that pull towards them / push away.
        topn : int or None, default=10
            Number of neighbours; None returns the cosine of every candidate (an array in
            row order), as gensim does.
        restrict_vocab : int or None, default=None
            Only the first (most frequent) ``restrict_vocab`` words are candidates.

        Returns
        -------
        list of (str, float), or ndarray if ``topn`` is None

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if a query word has no vector.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> model.most_similar(positive=["king", "woman"], negative=["man"], topn=1)
        [('queen', 0.958...)]
        >>> [word for word, _ in model.most_similar("king", topn=2)]
        ['man', 'queen']
        """
        return self._word_vectors().most_similar(positive, negative, topn, restrict_vocab)

    def similar_by_vector(self, vector: npt.ArrayLike, topn: int | None = 10,
                          restrict_vocab: int | None = None
                          ) -> list[tuple[str, float]] | FloatArray:
        """Words closest by cosine to ``vector`` (gensim's ``similar_by_vector``).

        Parameters
        ----------
        vector : array-like of shape (vector_size,)
        topn : int or None, default=10
            Number of neighbours; None returns the cosine of every word (in row order).
        restrict_vocab : int or None, default=None
            Only the first (most frequent) ``restrict_vocab`` words are candidates.

        Returns
        -------
        list of (str, float), or ndarray if ``topn`` is None

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> model.similar_by_vector([0, 0.5, 1], topn=1)
        [('woman', 0.894...)]
        """
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_word(self, word: str, topn: int | None = 10,
                        restrict_vocab: int | None = None
                        ) -> list[tuple[str, float]] | FloatArray:
        """Words closest by cosine to ``word``, itself excluded.

        Parameters
        ----------
        word : str
        topn : int or None, default=10
            Number of neighbours; None returns the cosine of every word (in row order).
        restrict_vocab : int or None, default=None
            Only the first (most frequent) ``restrict_vocab`` words are candidates.

        Returns
        -------
        list of (str, float), or ndarray if ``topn`` is None

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if ``word`` has no vector.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> model.similar_by_word("queen", topn=1)
        [('woman', 0.707...)]
        """
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    def most_similar_cosmul(self, positive: Term | Iterable[Term] | None = None,
                            negative: Term | Iterable[Term] | None = None,
                            topn: int | None = 10, restrict_vocab: int | None = None
                            ) -> list[tuple[str, float]] | FloatArray:
        """Neighbours by the multiplicative objective 3CosMul (Levy & Goldberg 2014, eq. 4).

        gensim's ``most_similar_cosmul``: each candidate x scores
        ``prod_p cos'(x, p) / (prod_n cos'(x, n) + 1e-6)`` with ``cos' = (1 + cos) / 2``,
        words unit-normalised, vectors taken as given. Unlike gensim, which ignores it
        here, ``restrict_vocab`` limits the candidates.

        Parameters
        ----------
        positive, negative : str, ndarray or list of them
        topn : int or None, default=10
        restrict_vocab : int or None, default=None

        Returns
        -------
        list of (str, float), or ndarray if ``topn`` is None

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> model.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=1)
        [('queen', 1.28...)]
        """
        return self._word_vectors().most_similar_cosmul(positive, negative, topn,
                                                        restrict_vocab)

    def doesnt_match(self, words: str | Iterable[str]) -> str:
        """The word farthest from the mean of the unit vectors of ``words`` (gensim's
        ``doesnt_match``).

        Unlike gensim, which skips unknown words with a log message, an unknown word raises
        :class:`UnknownWordError`.

        Parameters
        ----------
        words : str or iterable of str

        Returns
        -------
        str

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if a word has no vector.
        ValueError
            If ``words`` is empty.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> model.doesnt_match(["king", "queen", "apple"])
        'apple'
        """
        words = term_list(words)
        if not words:
            raise ValueError("doesnt_match needs at least one word")
        units = np.array([self.get_vector(word, norm=True) for word in words])
        to_mean = units @ unit(units.mean(axis=0))
        # gensim sorts (cosine, word) pairs and takes the smallest.
        return min(zip(to_mean.tolist(), words))[1]

    # ------------------------------------------------------------------- gensim

    def to_keyedvectors(self) -> KeyedVectors:
        """The word vectors as a gensim ``KeyedVectors`` (gensim must be installed).

        The matrix chosen by ``word_vectors``, rows in the order of ``index_to_word_``;
        a copy, so changing one does not change the other. Each word carries its corpus
        count (``word_counts_``) as gensim's ``"count"`` attribute
        (``get_vecattr(word, "count")``), except for vectors loaded with
        :meth:`from_word2vec_format` and not fitted since, which have no counts.

        Returns
        -------
        gensim.models.KeyedVectors

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> words = ["king", "queen", "man", "woman", "apple"]
        >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
        >>> model = Word2VecTransformer(init=(words, vectors), vector_size=3, epochs=0)
        >>> model = model.fit(words)  # the vectors as they are (epochs=0)
        >>> keyed_vectors = model.to_keyedvectors()
        >>> keyed_vectors.most_similar("king", topn=1)
        [('man', 0.707...)]
        >>> int(keyed_vectors.get_vecattr("king", "count"))  # "king" occurs once in X
        1
        """
        try:
            from gensim.models import KeyedVectors
        except ImportError as exc:
            raise ImportError(
                "to_keyedvectors needs gensim, an optional dependency: pip install gensim"
            ) from exc
        matrix = self._word_vectors().vectors
        keyed_vectors = KeyedVectors(matrix.shape[1], count=0, dtype=matrix.dtype)
        keyed_vectors.add_vectors(list(self.index_to_word_), np.array(matrix))
        counts = getattr(self, "word_counts_", None)
        if counts is not None:
            # One assignment instead of a set_vecattr call per word (add_vectors' own
            # `extras` argument is broken in gensim 4.4: it iterates the dict's keys).
            keyed_vectors.allocate_vecattrs(["count"], [np.int64])
            keyed_vectors.expandos["count"][:] = counts
        return keyed_vectors


def _cosine(u, v):
    """The cosine of two vectors (:func:`~sklearn_w2v._vectors.cosines`, in float64)."""
    return float(cosines(u[None, :], v[None, :])[0])
