"""Doc2VecTransformer: paragraph vectors (Le & Mikolov 2014) as a scikit-learn transformer.

The estimator validates parameters and wires the engine together; paragraph vectors are two
more architectures of it (:class:`~sklearn_w2v._model.architectures.DistributedBagOfWords`,
:class:`~sklearn_w2v._model.architectures.DistributedMemory`) that read a ``"documents"`` matrix,
trained by the same fit procedure (:mod:`sklearn_w2v._training.fitting`), output layers and trainer
as :class:`~sklearn_w2v.Word2VecTransformer`, and inferred for new documents by
:func:`~sklearn_w2v._training.fitting.infer_document_vectors`.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._model import mean_log_likelihood
from .._text import DEFAULT_TOKEN_PATTERN, CorpusSettings, encode
from .._training import (
    TRAINED_ATTRIBUTES,
    FitSettings,
    fit_state,
    infer_document_vectors,
    verbose_output,
)
from .._utils import Documents, FloatArray, FloatDType
from .base import TextEstimatorMixin, fit_context
from .word2vec import Word2VecTransformer

# Parameters that mean what they mean for Word2VecTransformer, validated the same way.
_SHARED_PARAMETERS = (
    "objective", "vector_size", "window", "init", "min_count", "max_vocab_size", "sample",
    "negative", "ns_exponent", "learning_rate", "min_learning_rate", "batch_size",
    "share_negatives", "shrink_windows", "lowercase", "token_pattern", "tokenizer",
    "preprocessor", "analyzer", "encoding", "decode_error", "dtype", "n_jobs",
    "random_state", "verbose")

class Doc2VecTransformer(TextEstimatorMixin, ClassNamePrefixFeaturesOutMixin,
                         TransformerMixin, BaseEstimator):
    """Paragraph vectors (doc2vec) as a scikit-learn transformer.

    Each training document gets a vector of its own, learned with the word vectors and the
    output layer to predict the document's words (Le & Mikolov 2014):

    * ``architecture="dbow"`` (PV-DBOW, gensim's ``dm=0``): the document vector d predicts
      each of its words, skip-gram with the document as the center "word":
      ``J = -log s(u_o.d) - sum_k log s(-u_{n_k}.d)`` per word o of the document with
      negative sampling. With ``dbow_words=True`` skip-gram also trains the word vectors
      on the same windows, in the same space as the document vectors (gensim's
      ``dbow_words=1``; Lau & Baldwin 2016 found it the best setting on most tasks).
    * ``architecture="dm"`` (PV-DM, gensim's ``dm=1``): the mean (``dm_mean=True``) or the
      sum of the document vector and the window's context word vectors predicts the center
      word, CBOW with the document as one more context word.

    The output layer is any of Word2VecTransformer's objectives (``"negative"``,
    ``"hierarchical"``, ``"nce"``, ``"softmax"``), on the same engine: minibatches of
    windows, the same steps, the same trainer and worker processes (``n_jobs``).

    ``fit(X)`` learns the word vectors, the output layer and one vector per document of X
    (``document_vectors_``); ``fit_transform(X)`` returns those trained vectors.
    ``transform(X)`` *infers* a vector for each document of X: it starts from a random
    vector and takes ``infer_epochs`` passes of gradient steps on that document's words with
    everything else frozen, all documents of X at once (gensim's ``infer_vector`` does one
    document per call). So ``transform`` of the training documents gives inferred vectors,
    close to but not equal to ``document_vectors_``; a pipeline's ``fit`` uses the trained
    ones (through ``fit_transform``) and its ``predict`` the inferred ones, which is what
    new documents will get.

    Read more in the :ref:`user guide <paragraph_vectors>`.

    Parameters
    ----------
    architecture : {"dbow", "dm"}, default="dbow"
        PV-DBOW or PV-DM (gensim's ``dm=0`` / ``dm=1``; gensim defaults to PV-DM).
    dbow_words : bool, default=False
        PV-DBOW only: also train skip-gram word vectors on the same windows (gensim's
        ``dbow_words``). Without it the word vectors stay at their random start, as in
        gensim.
    dm_mean : bool, default=True
        PV-DM only: the hidden vector is the mean (True) or the sum of the document vector
        and the context word vectors (gensim's ``dm_mean``). As in gensim, each of them
        receives the hidden error, divided by their number for the sum.
    objective : {"negative", "hierarchical", "nce", "softmax"}, default="negative"
        Output layer; see :class:`Word2VecTransformer`.
    vector_size : int or None, default=None
        Dimension of the word and document vectors. None is 100, or the dimension of
        ``init``'s vectors when ``init`` is given; ``vector_size_`` is the resolved value.
    window : int, default=5
        Maximum distance between the center word and a context word (PV-DM, and PV-DBOW's
        skip-gram with ``dbow_words``).
    init : str, path-like, (words, vectors) tuple, KeyedVectors-like or None, \
            default=None
        Pretrained word vectors to start from, as :class:`Word2VecTransformer`'s ``init``
        (Lau & Baldwin 2016: they help on small corpora, with ``dbow_words`` or PV-DM,
        which train word vectors).
    min_count, max_vocab_size, sample, negative, ns_exponent : see Word2VecTransformer
    epochs : int, default=10
        Passes over X in ``fit`` (gensim's Doc2Vec default).
    learning_rate : float or "auto", default="auto"
        Starting learning rate, decaying linearly to ``min_learning_rate``; ``"auto"`` is
        gensim's Doc2Vec ``alpha`` 0.025.
    min_learning_rate : float, default=1e-4
    batch_size : int or "auto", default="auto"
        Windows per minibatch; ``"auto"``: 1024 (256 for PV-DBOW with ``dbow_words``, 32
        for the full softmax).
    share_negatives, shrink_windows : bool, default=True
        See :class:`Word2VecTransformer` (``share_negatives`` only matters for
        ``dbow_words``' skip-gram: a document's predictions draw K noise words each).
    infer_epochs : int or None, default=None
        Passes of inference in ``transform`` and ``score``; None is ``epochs``, as
        gensim's ``infer_vector(epochs=None)``.
    infer_learning_rate : float or None, default=None
        Starting learning rate of inference; None is the training one, as gensim's
        ``infer_vector(alpha=None)``.
    lowercase, token_pattern, tokenizer, preprocessor, analyzer, encoding, decode_error :
        Text input, as for :class:`Word2VecTransformer` and
        :class:`~sklearn.feature_extraction.text.CountVectorizer`.
    dtype : {np.float32, np.float64}, default=np.float32
    n_jobs : int or None, default=None
        Worker processes for training and inference (see :class:`Word2VecTransformer`).
    random_state : int, RandomState instance or None, default=None
        With an int and ``n_jobs=1``, ``fit`` and ``transform`` are bit-reproducible.
    verbose : int, default=0

    Attributes
    ----------
    vocabulary_ : dict of str to int
    index_to_word_ : list of str
    vector_size_ : int
        The dimension of the vectors (``vector_size`` with None resolved).
    vectors_ : ndarray of shape (n_words, vector_size)
        Input word vectors (random for PV-DBOW without ``dbow_words``).
    context_vectors_ : ndarray of shape (n_words, vector_size)
        Output word vectors (not for ``objective="hierarchical"``).
    node_vectors_, huffman_tree_ :
        Hierarchical softmax's inner-node vectors and tree.
    document_vectors_ : ndarray of shape (n_documents, vector_size)
        The trained vector of each document of the X given to ``fit``, in order.
    word_counts_, noise_distribution_ : ndarray of shape (n_words,)
    loss_curve_ : list of float
        Mean loss per prediction of each epoch.
    epochs_, n_pairs_, n_effective_words_, training_seconds_ :
        As for :class:`Word2VecTransformer` (``n_pairs_`` counts predictions: document ->
        word, and word pairs with ``dbow_words``).

    See Also
    --------
    Word2VecTransformer : word vectors pooled into document vectors.
    gensim.models.Doc2Vec : the same models, trained document by document.

    Examples
    --------
    >>> from sklearn_w2v import Doc2VecTransformer
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 20
    >>> model = Doc2VecTransformer(vector_size=8, min_count=1, epochs=5, random_state=0)
    >>> model.fit_transform(docs).shape
    (40, 8)
    >>> model.transform(["a cat on a log"]).shape
    (1, 8)
    """

    # Every attribute a fit sets: a new fit replaces all of them (see _set_fitted_state).
    # Fits of earlier versions also set pooling statistics, which a new fit drops.
    _fitted_attributes = TRAINED_ATTRIBUTES + ("idf_", "sif_weights_", "_document_frequency",
                                               "_n_documents")

    _parameter_constraints = {
        **{name: Word2VecTransformer._parameter_constraints[name]
           for name in _SHARED_PARAMETERS},
        "architecture": [StrOptions({"dbow", "dm"})],
        "dbow_words": ["boolean"],
        "dm_mean": ["boolean"],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "infer_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "infer_learning_rate": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self, *,
        architecture: Literal["dbow", "dm"] = "dbow",
        dbow_words: bool = False,
        dm_mean: bool = True,
        objective: Literal["negative", "softmax", "nce", "hierarchical"] = "negative",
        vector_size: int | None = None,
        window: int = 5,
        init: Any = None,  # as Word2VecTransformer's init
        min_count: int = 5,
        max_vocab_size: int | None = None,
        sample: float = 1e-3,
        negative: int = 5,
        ns_exponent: float = 0.75,
        epochs: int = 10,
        learning_rate: float | Literal["auto"] = "auto",
        min_learning_rate: float = 1e-4,
        batch_size: int | Literal["auto"] = "auto",
        share_negatives: bool = True,
        shrink_windows: bool = True,
        infer_epochs: int | None = None,
        infer_learning_rate: float | None = None,
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
    ) -> None:
        self.architecture = architecture
        self.dbow_words = dbow_words
        self.dm_mean = dm_mean
        self.objective = objective
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
        self.infer_epochs = infer_epochs
        self.infer_learning_rate = infer_learning_rate
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

    def _settings(self, *, fitted=False):
        """The resolved settings of the parameters: the parts of a fit of paragraph
        vectors (no document features: its document vectors are trained or inferred);
        ``fitted``: of the fitted model (inference, ``score``)."""
        model = self._model_settings(fitted=fitted, cbow_mean=self.dm_mean,
                                     dbow_words=self.dbow_words)
        return FitSettings(
            text=self._text_settings(),
            corpus=CorpusSettings.resolve(min_count=self.min_count,
                                          max_vocab_size=self.max_vocab_size),
            model=model, training=self._training_settings(model))

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Documents, y: None = None) -> Doc2VecTransformer:
        """Learn the vocabulary, word and output vectors and a vector per document of X.

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Documents: raw strings or pre-tokenized documents (a list of str tokens each).
        y : None
            Ignored.

        Returns
        -------
        self : Doc2VecTransformer

        Examples
        --------
        >>> from sklearn_w2v import Doc2VecTransformer
        >>> docs = ["the cat sat on the mat", "the dog sat on the log",
        ...         "a cat and a dog", "the mat and the log"] * 10
        >>> model = Doc2VecTransformer(vector_size=8, min_count=1, epochs=5, n_jobs=1,
        ...                            random_state=0)
        >>> model.fit(docs).document_vectors_.shape
        (40, 8)
        """
        settings = self._settings()
        with verbose_output(self.verbose):
            state, _ = fit_state(settings, X)
        self._set_fitted_state(state)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X: Documents, y: None = None, **fit_params: Any) -> FloatArray:
        """Fit to X and return the trained document vectors (``document_vectors_``).

        Parameters
        ----------
        X : iterable of str, bytes or list of str
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size)
            A copy of ``document_vectors_``: the vectors training learned, not inferred
            ones (see :meth:`transform`).

        Examples
        --------
        >>> from sklearn_w2v import Doc2VecTransformer
        >>> docs = ["the cat sat on the mat", "the dog sat on the log",
        ...         "a cat and a dog", "the mat and the log"] * 10
        >>> model = Doc2VecTransformer(vector_size=8, min_count=1, epochs=5, n_jobs=1,
        ...                            random_state=0)
        >>> X = model.fit_transform(docs)
        >>> X.shape, bool((X == model.document_vectors_).all())
        ((40, 8), True)
        """
        settings = self._settings()
        with verbose_output(self.verbose):
            state, _ = fit_state(settings, X)
        self._set_fitted_state(state)
        return self.document_vectors_.copy()

    def transform(self, X: Documents) -> FloatArray:
        """Infer a vector for each document of X, the trained parameters frozen.

        Each document starts from a random vector and is trained for ``infer_epochs``
        passes from ``infer_learning_rate`` (gensim's ``infer_vector``), all documents of X
        together in minibatches. The training documents too get inferred vectors here,
        not their rows of ``document_vectors_``. Unknown words are skipped; a document
        without a known word keeps its random start.

        Parameters
        ----------
        X : iterable of str, bytes or list of str

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size)

        Examples
        --------
        >>> from sklearn_w2v import Doc2VecTransformer
        >>> docs = ["the cat sat on the mat", "the dog sat on the log",
        ...         "a cat and a dog", "the mat and the log"] * 10
        >>> model = Doc2VecTransformer(vector_size=8, min_count=1, epochs=5, n_jobs=1,
        ...                            random_state=0).fit(docs)
        >>> model.transform(["a dog on a mat", "the cat"]).shape
        (2, 8)
        """
        check_is_fitted(self, "document_vectors_")
        return self._infer(self._settings(fitted=True), X)[0]

    def _infer(self, settings, X):
        corpus = encode(X, settings.text.analyzer, self.vocabulary_)
        epochs = self.epochs_ if self.infer_epochs is None else self.infer_epochs
        rate = (settings.training.learning_rate if self.infer_learning_rate is None
                else self.infer_learning_rate)
        documents = infer_document_vectors(settings.model, settings.training, vars(self),
                                           corpus, epochs=epochs, learning_rate=rate)
        return documents, corpus

    def score(self, X: Documents, y: None = None) -> float:
        """Mean held-out log-likelihood of the words of X given their inferred vectors.

        The document vectors of X are inferred as in :meth:`transform`; then each word is
        scored as training predicts it (PV-DBOW: ``log p(o | d)`` per word o of document d;
        PV-DM: ``log p(center | d and context)`` per word), with the exact distribution of
        the output layer as :meth:`Word2VecTransformer.score` defines it. Higher is better.

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Held-out documents.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Mean log p in nats per predicted word.

        Examples
        --------
        >>> from sklearn_w2v import Doc2VecTransformer
        >>> docs = ["the cat sat on the mat", "the dog sat on the log",
        ...         "a cat and a dog", "the mat and the log"] * 10
        >>> model = Doc2VecTransformer(vector_size=8, min_count=1, epochs=5, n_jobs=1,
        ...                            random_state=0).fit(docs)
        >>> score = model.score(["the dog sat on the mat"])  # mean log p(word | document)
        >>> bool(score < 0)
        True
        """
        check_is_fitted(self, "document_vectors_")
        settings = self._settings(fitted=True)
        documents, corpus = self._infer(settings, X)
        layer, matrix = settings.model.layer_of_fitted(vars(self))
        mean, n_predictions = mean_log_likelihood(
            corpus, architecture=settings.model.architecture.documents_alone(), layer=layer,
            window=self.window,
            parameters={"input": self.vectors_, layer.parameter: matrix,
                        "documents": documents})
        if n_predictions == 0:
            raise ValueError("X has no word of the fitted vocabulary, so there is nothing "
                             "to score. Pass documents that use the fitted vocabulary.")
        return mean

    @property
    def _n_features_out(self):
        # Used by ClassNamePrefixFeaturesOutMixin for get_feature_names_out().
        return self.document_vectors_.shape[1]
