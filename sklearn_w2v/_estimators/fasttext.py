"""FastTextTransformer: subword vectors (fastText) as a scikit-learn transformer.

fastText's model is word2vec whose input vector of a word is the mean of its own row and
the rows of its character n-grams (Bojanowski et al. 2017): one more input side of the
same engine (``sklearn_w2v._model.inputs.SubwordInputs``), with the same objectives,
minibatches, trainer and worker processes. The estimator is
:class:`~sklearn_w2v.Word2VecTransformer` with three more parameters; what it adds is a
vector for every word (a word outside the vocabulary gets the mean of its n-gram rows, as
gensim's ``FastTextKeyedVectors`` gives it) and Facebook's binary model format.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from numbers import Integral
from typing import Any, Literal, TypeVar

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .._features import pool_documents, smoothed_idf
from .._model import (
    NGRAMS,
    SubwordSettings,
    make_architecture,
    ngram_vectors,
    noise_distribution,
)
from .._text import (
    DEFAULT_TOKEN_PATTERN,
    encode_with_subwords,
    has_character_ngram,
    iter_token_lists,
    ngram_buckets,
    whose_vectors,
)
from .._training import FittedParts
from .._utils import Documents, FloatArray, FloatDType, PathLike, Term
from .._vectors import (
    FastTextFile,
    FastTextModel,
    load_fasttext_model,
    term_list,
    unit,
    unknown_word,
    write_fasttext_model,
)
from .base import fit_context
from .word2vec import Word2VecTransformer

_Model = TypeVar("_Model", bound="FastTextTransformer")

# The default number of buckets: chosen on the benchmark corpus (quality against memory,
# benchmarks/DESIGN.md); see the ``bucket`` parameter.
DEFAULT_BUCKET = 500_000

# fastText's loss of each objective (fastText has no NCE: its models are written as
# negative sampling, whose output vectors NCE's resemble most).
_FASTTEXT_LOSS = {"negative": "negative", "nce": "negative", "hierarchical": "hierarchical",
                  "softmax": "softmax"}


class FastTextTransformer(Word2VecTransformer):
    """fastText's subword vectors (skip-gram or CBOW) as a scikit-learn transformer.

    A word is the set of its character n-grams (Bojanowski et al. 2017, "Enriching Word
    Vectors with Subword Information"): the n-grams of ``min_n`` to ``max_n`` characters
    of ``<word>``, ``<`` and ``>`` marking its ends, each hashed with fastText's own hash
    into one of ``bucket`` rows. A word's input vector is the mean of its own row and the
    rows of its n-grams; everything after that is :class:`Word2VecTransformer`'s model:
    skip-gram or CBOW with negative sampling, hierarchical softmax, the softmax or NCE,
    trained on the same minibatches by the same trainer and worker processes. The hash
    and the n-grams are fastText's byte for byte, so vectors and n-gram rows are
    interchangeable with Facebook's models and gensim's ``FastText``.

    What subwords give is a vector for every word: a word outside the vocabulary (a
    typo, an inflection or a rare name the training text never showed often enough) gets
    the mean of its n-gram rows, as gensim's ``FastTextKeyedVectors`` and fastText's
    ``getWordVector`` give it. ``transform`` pools those vectors too, and ``model[word]``,
    :meth:`most_similar` and the other queries accept such words. Only a word with no
    n-gram at all (shorter than ``min_n - 2`` characters), or any unknown word of a model
    without n-gram rows, is unknown, as in :class:`Word2VecTransformer`.

    Read more in the :ref:`user guide <objectives>`.

    Parameters
    ----------
    min_n : int, default=3
        Shortest n-gram, in characters (gensim's and fastText's 3).
    max_n : int, default=6
        Longest n-gram, in characters (gensim's and fastText's 6). ``max_n=0`` or
        ``min_n > max_n`` turns subwords off: the model is then word2vec, the same
        vectors as :class:`Word2VecTransformer` with the same parameters, bit for bit.
    bucket : int, default=500_000
        Rows of the n-gram matrix, the memory of this model: ``bucket * vector_size``
        floats (200 MB at the default and ``vector_size=100`` in float32), allocated at
        fit, saved with the model and, with ``n_jobs > 1``, shared by the worker
        processes (one copy, in their shared folder). Distinct n-grams that hash to one
        row share it. fastText and gensim default to 2,000,000; this default was chosen
        by measurement on the benchmark corpus: fewer rows than theirs cost no analogy,
        WordSim-353 or rare-word accuracy there, for a quarter of the memory, and
        500,000 keeps most of the n-grams of a vocabulary of that corpus's size in rows
        of their own (``benchmarks/DESIGN.md``). Raise it for larger vocabularies (many
        millions of distinct n-grams), lower it when memory matters. A model read from a
        file (:meth:`from_fasttext_format`, ``init``) keeps the file's.
    objective, architecture, cbow_mean, vector_size, window, init, min_count, \
max_vocab_size, sample, negative, ns_exponent, epochs, learning_rate, min_learning_rate, \
batch_size, share_negatives, shrink_windows, pooling, sif_alpha, normalize, word_vectors, \
lowercase, token_pattern, tokenizer, preprocessor, analyzer, encoding, decode_error, \
dtype, n_jobs, random_state, verbose, warm_start, out_of_core, temp_folder, \
epoch_callback
        As for :class:`Word2VecTransformer`, with these differences:

        * ``architecture="cbow"`` with subwords: as in fastText and gensim, the hidden
          vector is the mean of all the rows of the window's context words, their own
          rows and their n-grams' (``cbow_mean=False``: their sum, gensim's), and every
          row receives the hidden vector's error whole (the sum's divided by the number
          of rows, as gensim divides it). In skip-gram too every row of a word receives
          the gradient with respect to the word's vector whole, as fastText's
          unsupervised models do.
        * ``init`` also accepts a fastText binary model (``.bin``; a path, or a
          :class:`~sklearn_w2v.FastTextFile` with reading options). Its word rows and
          n-gram rows are the start (its ``min_n``, ``max_n`` and ``bucket`` must be
          this model's: :meth:`from_fasttext_format` sets them), and its output vectors
          too with negative sampling. A word vector file (or vectors in memory) gives
          the words' rows, and the n-gram rows start at random, as fastText's
          ``-pretrainedVectors`` starts them; with ``epochs=0`` such a model has no
          n-gram rows, and unknown words have no vector.
        * ``word_vectors="input+output"``: a word outside the vocabulary has no output
          vector; its vector is its n-gram vector alone.

    Attributes
    ----------
    vectors_ : ndarray of shape (n_words, vector_size)
        Each word's input vector: the mean of its own row and its n-gram rows (gensim's
        ``wv.vectors``). What ``transform``, the queries and
        :meth:`save_word2vec_format` (fastText's ``.vec``) use.
    vectors_vocab_ : ndarray of shape (n_words, vector_size)
        The words' own rows (gensim's ``wv.vectors_vocab``). Absent without n-gram rows,
        where ``vectors_`` are the rows.
    vectors_ngrams_ : ndarray of shape (bucket, vector_size)
        The n-gram rows (gensim's ``wv.vectors_ngrams``). Absent without subwords.
    coverage_ : Coverage or None
        As for :class:`Word2VecTransformer`; when the vectors training starts from have
        n-gram rows, a ``SubwordCoverage``, which also counts the tokens covered by
        n-grams alone (``n_tokens_by_ngrams``).
    vocabulary_, index_to_word_, fitted_parts_, context_vectors_, node_vectors_, \
huffman_tree_, word_counts_, noise_distribution_, idf_, sif_weights_, sif_component_, \
loss_curve_, n_pairs_, n_centers_, n_effective_words_, training_seconds_, batch_size_, \
epochs_, corpus_word_count_
        As for :class:`Word2VecTransformer`.

    See Also
    --------
    Word2VecTransformer : The same model without subwords.
    gensim.models.FastText : gensim's implementation, whose vectors these equal when
        loaded from the same file.

    Notes
    -----
    ``fit_transform(X)`` is ``fit(X).transform(X)``: the words of X below ``min_count``
    count with their n-gram vectors, as ``transform`` counts them. A one-shot iterator X
    is read into a list first.

    A CBOW or skip-gram minibatch forms the vector of each distinct word once, from one
    gather of the distinct n-gram rows it uses, and sums the gradients of each row
    before the trainer adds them: each row of the n-gram matrix a minibatch uses is read
    and written once.

    Examples
    --------
    >>> from sklearn_w2v import FastTextTransformer
    >>> from sklearn_w2v.datasets import load_sample_corpus
    >>> texts = load_sample_corpus(n_lines=2000)
    >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=3, n_jobs=1,
    ...                             random_state=0).fit(texts)
    >>> "whaleship" in model.vocabulary_, "whaleship" in model  # a vector from n-grams
    (False, True)
    >>> model["whaleship"].shape
    (20,)
    >>> model.transform(["the whaleship sailed"]).shape
    (1, 20)
    """

    _parameter_constraints = {
        **Word2VecTransformer._parameter_constraints,
        "min_n": [Interval(Integral, 0, None, closed="left")],
        "max_n": [Interval(Integral, 0, None, closed="left")],
        # fastText stores the number of buckets as an int32.
        "bucket": [Interval(Integral, 0, 2**31 - 1, closed="both")],
    }

    def __init__(
        self, *,
        min_n: int = 3,
        max_n: int = 6,
        bucket: int = DEFAULT_BUCKET,
        objective: Literal["negative", "softmax", "nce", "hierarchical"] = "negative",
        architecture: Literal["skipgram", "cbow"] = "skipgram",
        cbow_mean: bool = True,
        vector_size: int | None = None,
        window: int = 5,
        init: Any = None,  # a path, VectorFile, (words, vectors) or KeyedVectors-like
        min_count: int = 5,
        max_vocab_size: int | None = None,
        sample: float = 1e-3,
        negative: int = 5,
        ns_exponent: float = 0.75,
        epochs: int | Literal["auto"] = "auto",
        learning_rate: float | Literal["auto"] = "auto",
        min_learning_rate: float = 1e-4,
        batch_size: int | Literal["auto"] = "auto",
        share_negatives: bool = True,
        shrink_windows: bool = True,
        pooling: Literal["mean", "sum", "max", "tfidf", "sif"] = "mean",
        sif_alpha: float = 1e-3,
        normalize: bool = False,
        word_vectors: Literal["input", "input+output"] = "input",
        lowercase: bool = True,
        token_pattern: str | None = DEFAULT_TOKEN_PATTERN,
        tokenizer: Callable[[str], list[str]] | None = None,
        preprocessor: Callable[[str], str] | None = None,
        analyzer: Literal["word"] | Callable[[str], list[str]] = "word",
        encoding: str = "utf-8",
        decode_error: Literal["strict", "ignore", "replace"] = "strict",
        dtype: FloatDType = np.float32,
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
        warm_start: bool = False,
        out_of_core: bool = False,
        temp_folder: PathLike | None = None,
        epoch_callback: Callable[..., object] | None = None,
    ) -> None:
        self.min_n = min_n
        self.max_n = max_n
        self.bucket = bucket
        self.objective = objective
        self.architecture = architecture
        self.cbow_mean = cbow_mean
        self.vector_size = vector_size
        self.window = window
        self.init = init
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.sample = sample
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.min_learning_rate = min_learning_rate
        self.batch_size = batch_size
        self.share_negatives = share_negatives
        self.shrink_windows = shrink_windows
        self.pooling = pooling
        self.sif_alpha = sif_alpha
        self.normalize = normalize
        self.word_vectors = word_vectors
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.preprocessor = preprocessor
        self.analyzer = analyzer
        self.encoding = encoding
        self.decode_error = decode_error
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.out_of_core = out_of_core
        self.temp_folder = temp_folder
        self.epoch_callback = epoch_callback

    # ------------------------------------------------------------------ fitting

    def _model_settings(self, **architecture_options):
        """The model settings with fastText's subword options."""
        return super()._model_settings(
            **architecture_options,
            subwords=SubwordSettings(int(self.min_n), int(self.max_n), int(self.bucket)))

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X: Documents, y: None = None, **fit_params: Any) -> FloatArray:
        """Fit to ``X``, then return ``transform(X)``.

        Unlike :meth:`Word2VecTransformer.fit_transform`, which pools the training
        documents as the fit encoded them, the words of X below ``min_count`` count
        here with their n-gram vectors, as ``transform`` counts them. A one-shot
        iterator X is read into a list first.

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Documents.
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size)

        Examples
        --------
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> texts = load_sample_corpus(n_lines=2000)
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=3, n_jobs=1,
        ...                             random_state=0)
        >>> model.fit_transform(texts).shape
        (2000, 20)
        """
        if iter(X) is X:
            X = list(X)
        self._fit(X)
        return self.transform(X)

    def _fitted_subwords(self):
        """The subword options the model was fitted with (its structure)."""
        structure = getattr(self, "_structure", {})
        return (structure.get("min_n", self.min_n), structure.get("max_n", self.max_n),
                structure.get("bucket", self.bucket))

    @property
    def _has_ngram_rows(self):
        return hasattr(self, "vectors_ngrams_")

    def _scored_inputs(self):
        """``score`` evaluates the model as it trains it: with its word and n-gram rows
        (CBOW's hidden vector is the mean of all the rows of the window)."""
        if not hasattr(self, "vectors_vocab_"):
            return super()._scored_inputs()
        inputs = SubwordSettings(*self._fitted_subwords()).inputs_for(self.index_to_word_)
        architecture = make_architecture(self.architecture, cbow_mean=self.cbow_mean,
                                         inputs=inputs)
        return architecture, {"input": self.vectors_vocab_, NGRAMS: self.vectors_ngrams_}

    # ---------------------------------------------------------------- transform

    def transform(self, X: Documents) -> FloatArray:
        """Document vectors: the pooled vectors of each document's words, those outside
        the vocabulary included (their n-gram vectors).

        Words without any vector (no n-gram, or a model without n-gram rows) are skipped
        as :meth:`Word2VecTransformer.transform` skips unknown words; when few tokens of
        X have a vector, one ``LowCoverageWarning`` says how many, and how many of them
        only through their n-grams. For ``pooling="tfidf"`` a word the training
        documents lacked has the largest idf (document frequency 0); for ``"sif"`` its
        weight is 1 (frequency 0).

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Documents, in the same forms ``fit`` accepts.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size)

        Examples
        --------
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=3, n_jobs=1,
        ...                             random_state=0).fit(load_sample_corpus(n_lines=2000))
        >>> bool(model.transform(["whaleships"]).any())  # unknown, but it has n-grams
        True
        """
        check_is_fitted(self, "vectors_")
        min_n, max_n, _ = self._fitted_subwords()
        pretrained = self.fitted_parts_.origin != "trained"
        corpus, new_words, _ = encode_with_subwords(
            iter_token_lists(X, self._build_analyzer()), self.vocabulary_, min_n=min_n,
            max_n=max_n, ngram_rows=self._has_ngram_rows,
            whose=whose_vectors(self.init, pretrained), pretrained=pretrained,
            lowercase=self.lowercase,
            watch=self._transform_watch())
        return self._pool_with(corpus, self._ngram_vectors(new_words))

    def _ngram_vectors(self, words):
        """The n-gram vectors of ``words`` (outside the vocabulary), shape (n, d)."""
        if not words:
            return np.zeros((0, self.vectors_.shape[1]), dtype=self.vectors_.dtype)
        table = ngram_buckets(words, *self._fitted_subwords())
        return ngram_vectors(self.vectors_ngrams_, table).astype(self.vectors_.dtype)

    def _pool_with(self, corpus, extra):
        """Pool ``corpus``, whose rows past the vocabulary are the words of ``extra``."""
        if self.pooling in ("tfidf", "sif"):
            self._require_pooling_statistics()
        embedding, idf = self.embedding_, getattr(self, "idf_", None)
        sif = getattr(self, "sif_weights_", None)
        if len(extra):
            embedding = np.concatenate([embedding, extra])
            if idf is not None:
                idf = np.concatenate([idf, smoothed_idf(np.zeros(len(extra)),
                                                        self._n_documents)])
            if sif is not None:
                sif = np.concatenate([sif, np.ones(len(extra))])
        return pool_documents(corpus, embedding, self.pooling, idf=idf, sif_weights=sif,
                              sif_component=getattr(self, "sif_component_", None),
                              normalize=self.normalize)

    # ------------------------------------------------------------ word queries

    def __contains__(self, word: object) -> bool:
        """Whether ``word`` has a vector: it is in the vocabulary, or the model has
        n-gram rows and the word has an n-gram.

        Examples
        --------
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=1, n_jobs=1,
        ...                             random_state=0).fit(load_sample_corpus(n_lines=500))
        >>> "whale" in model, "xyzzy" in model, "x" in model  # "<x>" is 3 characters
        (True, True, True)
        """
        check_is_fitted(self, "vectors_")
        if super().__contains__(word):
            return True
        min_n, max_n, _ = self._fitted_subwords()
        return (self._has_ngram_rows and isinstance(word, str)
                and has_character_ngram(word, min_n, max_n))

    def get_vector(self, word: str, norm: bool = False) -> FloatArray:
        """The vector of ``word``: its row of the query matrix (``word_vectors``), or,
        outside the vocabulary, the mean of its n-gram rows (as gensim's
        ``FastTextKeyedVectors.get_vector``).

        Parameters
        ----------
        word : str
        norm : bool, default=False
            Scale it to unit length.

        Returns
        -------
        vector : ndarray of shape (vector_size,)

        Raises
        ------
        UnknownWordError
            A ``KeyError``, if ``word`` has no vector (no n-gram, or no n-gram rows).

        Examples
        --------
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=1, n_jobs=1,
        ...                             random_state=0).fit(load_sample_corpus(n_lines=500))
        >>> model.get_vector("unwhaleable", norm=True).shape
        (20,)
        """
        check_is_fitted(self, "vectors_")
        if isinstance(word, str) and word not in self.vocabulary_ and word in self:
            vector = self._ngram_vectors([word])[0]
            return unit(vector) if norm else vector
        return super().get_vector(word, norm)

    def __getitem__(self, words: str | Iterable[str]) -> FloatArray:
        """``model["word"]``, ``model[["word", ...]]``: vectors, n-gram vectors for words
        outside the vocabulary (see :meth:`get_vector`).

        Examples
        --------
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=1, n_jobs=1,
        ...                             random_state=0).fit(load_sample_corpus(n_lines=500))
        >>> model[["whale", "unwhaleable"]].shape  # the second word from its n-grams
        (2, 20)
        """
        if isinstance(words, str):
            return self.get_vector(words)
        words = list(words)
        if all(isinstance(w, str) and w in self.vocabulary_ for w in words):
            return super().__getitem__(words)
        return np.array([self.get_vector(word) for word in words]).reshape(
            len(words), self.vectors_.shape[1])

    def _known_terms(self, terms):
        """The terms of a query with each word outside the vocabulary replaced by its unit
        n-gram vector (a word is unit-normalised as gensim normalises it); words without
        any vector raise."""
        resolved = []
        for item in term_list(terms):
            term, weight = item if isinstance(item, tuple) and len(item) == 2 else (item, None)
            if isinstance(term, str) and term not in self.vocabulary_:
                if term not in self:
                    raise unknown_word(term, len(self.vocabulary_))
                term = self.get_vector(term, norm=True)
            resolved.append(term if weight is None else (term, weight))
        return resolved

    def most_similar(self, positive: Term | Iterable[Term] | None = None,
                     negative: Term | Iterable[Term] | None = None, topn: int | None = 10,
                     restrict_vocab: int | None = None
                     ) -> list[tuple[str, float]] | FloatArray:
        """:meth:`Word2VecTransformer.most_similar`, words outside the vocabulary taken
        by their n-gram vectors (the candidates are the vocabulary's words).

        Examples
        --------
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=1, n_jobs=1,
        ...                             random_state=0).fit(load_sample_corpus(n_lines=500))
        >>> len(model.most_similar("whaleships", topn=3))
        3
        """
        check_is_fitted(self, "vectors_")
        return super().most_similar(self._known_terms(positive), self._known_terms(negative),
                                    topn, restrict_vocab)

    def most_similar_cosmul(self, positive: Term | Iterable[Term] | None = None,
                            negative: Term | Iterable[Term] | None = None,
                            topn: int | None = 10, restrict_vocab: int | None = None
                            ) -> list[tuple[str, float]] | FloatArray:
        """:meth:`Word2VecTransformer.most_similar_cosmul`, words outside the vocabulary
        taken by their n-gram vectors.

        Examples
        --------
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=1, n_jobs=1,
        ...                             random_state=0).fit(load_sample_corpus(n_lines=500))
        >>> [word for word, score in model.most_similar_cosmul(["whaleships"], topn=2)]
        ... # doctest: +SKIP
        ['whales', 'whale']
        >>> len(model.most_similar_cosmul(["whaleships", "sea"], ["ship"], topn=2))
        2
        """
        check_is_fitted(self, "vectors_")
        return super().most_similar_cosmul(self._known_terms(positive),
                                           self._known_terms(negative), topn, restrict_vocab)

    # -------------------------------------------------------------------- files

    def save_fasttext_format(self, path: PathLike) -> None:
        """Write the model in fastText's binary format (``.bin``), which fastText,
        gensim's ``load_facebook_model`` and :meth:`from_fasttext_format` read.

        The arguments, the dictionary with each word's count, the word rows and n-gram
        rows, and the output rows of negative sampling (NCE's too: fastText has no NCE),
        hierarchical softmax's inner-node rows padded with a zero row (gensim reads them,
        fastText's tree is its own), or zero rows without output vectors. A word whose
        count is 0 (a pretrained word that the training documents lack) is written with
        count 1, as gensim's reader drops the words below 1. ``.gz``, ``.bz2`` and ``.xz``
        paths are compressed; the file is replaced whole or not at all.

        Parameters
        ----------
        path : str or path-like

        Examples
        --------
        >>> import os, tempfile
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=1, n_jobs=1,
        ...                             random_state=0).fit(load_sample_corpus(n_lines=500))
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "model.bin")
        >>> model.save_fasttext_format(path)
        >>> loaded = FastTextTransformer.from_fasttext_format(path)
        >>> bool((loaded["whaleships"] == model["whaleships"]).all())
        True
        >>> folder.cleanup()
        """
        check_is_fitted(self, "vectors_")
        write_fasttext_model(path, self._fasttext_model())

    def _fasttext_model(self):
        """The model as a ``FastTextModel`` (what the file holds)."""
        min_n, max_n, bucket = self._fitted_subwords()
        ngrams = getattr(self, "vectors_ngrams_", None)
        if ngrams is None:  # no subwords: fastText's word2vec (bucket 0, maxn 0)
            min_n = max_n = bucket = 0
            ngrams = self.vectors_[:0]
        counts = getattr(self, "word_counts_", getattr(self, "_fasttext_counts", None))
        counts = (np.ones(len(self.vectors_), dtype=np.int64) if counts is None
                  else np.maximum(counts, 1))
        return FastTextModel(
            words=list(self.index_to_word_), counts=counts,
            n_tokens=int(self.corpus_word_count_),
            vectors_vocab=getattr(self, "vectors_vocab_", self.vectors_),
            vectors_ngrams=ngrams, output=self._output_rows(), dim=self.vectors_.shape[1],
            window=self.window, epochs=int(self.epochs_), min_count=self.min_count,
            negative=self.negative, word_ngrams=1, loss=_FASTTEXT_LOSS[self.objective],
            model=self.architecture, bucket=bucket, min_n=min_n, max_n=max_n,
            sample=self.sample)

    def _output_rows(self):
        if hasattr(self, "context_vectors_"):
            return self.context_vectors_
        if hasattr(self, "node_vectors_"):
            nodes = self.node_vectors_
            return np.concatenate([nodes, np.zeros((1, nodes.shape[1]), nodes.dtype)])
        return None

    @classmethod
    def from_fasttext_format(cls: type[_Model], path: PathLike, *, encoding: str = "utf-8",
                             unicode_errors: str = "strict", **params: Any) -> _Model:
        """A fitted transformer with the model of a fastText binary file (``.bin``).

        Reads what gensim's ``load_facebook_model`` reads: the arguments, the dictionary
        with its counts, the word and n-gram rows and the output rows (formats of
        fastText 0.1 to today; ``.gz``, ``.bz2``, ``.xz`` decompressed). The vectors, in
        and out of the vocabulary, equal gensim's. The parameters the file records
        (``window``, ``min_count``, ``negative``, ``sample``, ``architecture``,
        ``objective``, ``min_n``, ``max_n``, ``bucket``) are taken from it unless given in
        ``params``, and ``vector_size=None`` follows its dimension; the model is
        ``FastTextTransformer(init=path, epochs=0, ...)`` with the vectors already in
        place, so ``fit(X)`` learns what pooling needs and keeps the vectors, or
        fine-tunes them with ``epochs > 0``.
        With negative sampling the output vectors come too, and ``score`` works.
        Supervised models (classifiers) and quantized models (``.ftz``) are refused.

        Parameters
        ----------
        path : str or path-like
        encoding : str, default="utf-8"
            Of the words (gensim's ``encoding``).
        unicode_errors : str, default="strict"
            ``"backslashreplace"`` reads undecodable words as gensim does.
        **params
            Other parameters of the transformer (``pooling``, ``lowercase``, ...).

        Returns
        -------
        FastTextTransformer

        Raises
        ------
        ValueError
            If the file is not a fastText model, is truncated or corrupt (the message
            names the byte offset), or holds a supervised or quantized model.

        Examples
        --------
        >>> import os, tempfile
        >>> from sklearn_w2v import FastTextTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=1, n_jobs=1,
        ...                             random_state=0).fit(load_sample_corpus(n_lines=500))
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "model.bin")
        >>> model.save_fasttext_format(path)
        >>> loaded = FastTextTransformer.from_fasttext_format(path, pooling="sum")
        >>> loaded.fitted_parts_.origin, loaded.bucket, loaded.pooling
        ('loaded', 20000, 'sum')
        >>> folder.cleanup()
        """
        source = FastTextFile(path, encoding, unicode_errors)
        probe = cls(**{"epochs": 0, **params})
        fasttext = load_fasttext_model(source, probe._check_dtype())
        init = path if (fasttext.version is not None
                        and source == FastTextFile(path)) else source
        recorded = _parameters_of(fasttext)
        for name in ("min_n", "max_n", "bucket"):
            if name in params and params[name] != recorded[name]:
                raise ValueError(
                    f"{name}={params[name]!r}, but {os.fsdecode(path)!r} hashes its n-grams "
                    f"with {name}={recorded[name]!r}: its n-gram rows belong to that value; "
                    f"leave {name} out.")
        model = cls(**{**recorded, "epochs": 0, **params})
        model.set_params(init=init)
        model._validate_params()
        if model.vector_size not in (None, fasttext.dim):  # the error a fit would raise
            raise ValueError(f"{os.fsdecode(path)!r} holds vectors of dimension "
                             f"{fasttext.dim}, but vector_size={model.vector_size}; leave "
                             f"vector_size out (None follows the file).")
        model._set_fitted_state(_loaded_state(model, fasttext))
        return model


def _parameters_of(fasttext):
    """The parameters a fastText model records."""
    objective = {"negative": "negative", "hierarchical": "hierarchical",
                 "softmax": "softmax"}[fasttext.loss]
    parameters = {"window": fasttext.window,
                  "min_count": max(fasttext.min_count, 1), "sample": fasttext.sample,
                  "architecture": fasttext.model, "objective": objective,
                  "min_n": fasttext.min_n, "max_n": fasttext.max_n, "bucket": fasttext.bucket}
    if fasttext.negative > 0:
        parameters["negative"] = fasttext.negative
    return parameters


def _loaded_state(model, fasttext):
    """The fitted state of a fastText model loaded without documents."""
    settings, _ = model._settings()
    words = fasttext.words
    inputs = settings.model.inputs_for(words)
    output = fasttext.output if fasttext.loss == model.objective == "negative" else None
    state = {
        "vocabulary_": {word: row for row, word in enumerate(words)}, "index_to_word_": words,
        **inputs.fitted_state({"input": fasttext.vectors_vocab,
                               NGRAMS: fasttext.vectors_ngrams}),
        "loss_curve_": [], "n_pairs_": 0, "n_centers_": 0, "n_effective_words_": 0,
        "training_seconds_": 0.0, "corpus_word_count_": int(fasttext.n_tokens),
        "epochs_": 0, "batch_size_": settings.training.batch_size, "_training_tokens": 0,
        "_structure": settings.structure, "_fasttext_counts": fasttext.counts,
        "fitted_parts_": FittedParts(origin="loaded", output_vectors=output is not None,
                                     word_counts=False, idf=False, sif_component=False),
    }
    if output is not None:
        state["context_vectors_"] = output
        state["noise_distribution_"] = noise_distribution(fasttext.counts,
                                                          model.ns_exponent)
    return state
