"""Word2VecTransformer: the scikit-learn estimator.

This module only validates parameters, wires the pipeline of private modules together and
stores fitted state; the work is done in ``_text`` (tokens), ``_vocab`` (vocabulary and
encoding), ``_batches`` (pairs), ``_objectives`` (loss and gradients), ``_trainer`` (SGD
loop) and ``_pooling`` (document vectors).
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._huffman import huffman_tree
from ._pooling import (
    fit_sif_component_from_corpus,
    inverse_document_frequency,
    pool_documents,
    sif_weights,
)
from ._text import DEFAULT_TOKEN_PATTERN, build_analyzer, iter_token_lists
from ._word2vec_format import load_word2vec_format, save_word2vec_format
from .evaluation import cosine_similarity_of, most_similar
from ._parallel import MIN_TOKENS_FOR_PROCESSES, effective_n_jobs
from ._scoring import mean_log_likelihood
from ._steps import make_step
from ._trainer import TrainingConfig, train, warn_if_untrained
from ._version import __version__
from ._vocab import (
    NoiseSampler,
    build_vocabulary,
    count_and_encode,
    encode_documents,
    keep_probabilities,
    noise_distribution,
    remap_corpus,
)

class InconsistentVersionWarning(UserWarning):
    """A pickled Word2VecTransformer is loaded with another sklearn-w2v version."""


# Corpus tokens per block, the unit of work of the trainer and its worker processes: large
# enough that the per-block costs (spawning a generator, a task for a worker) vanish next to
# ~0.3 s of training, small enough that two workers finish an epoch at about the same time.
_BLOCK_SIZE = 65536

_NO_OUTPUT_WORD_VECTORS = (
    "word_vectors='input+output' needs output word vectors, which hierarchical softmax does "
    "not have (its output vectors belong to the inner nodes of the Huffman tree). Use "
    "word_vectors='input'.")

# word2vec.c's starting learning rates: 0.025 for skip-gram, 0.05 for CBOW.
_AUTO_LEARNING_RATE = {"skipgram": 0.025, "cbow": 0.05}


class Word2VecTransformer(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """word2vec embeddings (skip-gram or CBOW) as a scikit-learn transformer.

    ``fit`` learns word vectors from raw texts (or token lists) with the skip-gram or the
    CBOW model;
    ``transform`` turns each document into one dense vector by pooling the vectors of its
    words, so the transformer can feed a classifier in a :class:`~sklearn.pipeline.Pipeline`;
    ``score`` is the held-out log-likelihood under the full softmax, so
    :class:`~sklearn.model_selection.GridSearchCV` can tune embeddings without labels.

    Four objectives train the input vectors v = ``vectors_`` together with output vectors:
    u = ``context_vectors_`` per word for the first three, one vector per inner node of a
    Huffman tree (``node_vectors_``) for hierarchical softmax. For skip-gram, a center c
    with contexts o_1..o_n (n = 2m for a full window of m words each side):

    * ``"softmax"``: the exact full-softmax skip-gram objective
      ``J = -sum_j u_{o_j}.v_c + n log sum_w exp(u_w.v_c)``. Costs O(n_words) per center;
      use it with vocabularies of up to some tens of thousands of words.
    * ``"negative"``: negative sampling (Mikolov et al. 2013), for each pair
      ``J = -log s(u_o.v_c) - sum_{k=1..K} log s(-u_{n_k}.v_c)`` with K = ``negative``
      noise words n_k drawn from q(w) ∝ count(w)^ns_exponent. Its optimum is
      ``u_o.v_c = log p(o|c) - log(K q(o))``, not ``log p(o|c)``.
    * ``"nce"``: noise-contrastive estimation, self-normalised: the same binary
      classification with logit ``u_o.v_c - log(K q(o))``; its optimum is
      ``u_o.v_c = log p(o|c)``. Negative sampling is NCE with ``K q(o)`` replaced by 1.
    * ``"hierarchical"``: hierarchical softmax (word2vec.c's ``-hs 1``):
      ``p(o|c) = prod_k s(-t_k u_{n_k}.v_c)`` over the inner nodes n_k of o's path in the
      Huffman tree of the word counts, with signs t_k = 2 code_k - 1. A normalised model
      whose likelihood is exact and costs O(log n_words) per pair.

    CBOW (``architecture="cbow"``) predicts each center word from the mean (or sum) h of
    its context words' input vectors, with the same four objectives (h in place of v_c and
    the center in place of o).

    Parameters
    ----------
    objective : {"negative", "softmax", "nce", "hierarchical"}, default="negative"
        Training objective, see above.
    architecture : {"skipgram", "cbow"}, default="skipgram"
        Skip-gram (each word predicts its context words) or CBOW (the context predicts the
        word), as gensim's ``sg=1`` / ``sg=0``.
    cbow_mean : bool, default=True
        CBOW's hidden layer is the mean of the context vectors (True) or their sum, as
        gensim's ``cbow_mean``. As in word2vec.c and gensim, each context word receives the
        hidden layer's whole error for the mean, and the error divided by the number of
        context words for the sum.
    vector_size : int, default=100
        Dimension of the word vectors (and of the document vectors ``transform`` returns).
    window : int, default=5
        Maximum distance between a center word and a context word.
    min_count : int, default=5
        Ignore words with a total corpus count below this.
    max_vocab_size : int or None, default=None
        Keep only this many of the most frequent words (after ``min_count``).
    sample : float, default=1e-3
        Subsampling threshold t of frequent words: a token of word w with corpus frequency
        f(w) is kept with probability ``min(1, (sqrt(f/t) + 1) t / f)`` (the formula of
        word2vec.c and gensim, not the paper's ``1 - sqrt(t/f)``). ``0`` disables it.
    negative : int, default=5
        Number K of noise words per pair for ``"negative"`` and ``"nce"``; ignored by
        ``"softmax"``.
    ns_exponent : float, default=0.75
        Exponent of the noise distribution q(w) ∝ count(w)^ns_exponent.
    epochs : int, default=5
        Passes over the corpus.
    learning_rate : float or "auto", default="auto"
        Initial SGD step size. ``"auto"`` is word2vec.c's choice for the architecture:
        0.025 for skip-gram, 0.05 for CBOW.
    min_learning_rate : float, default=1e-4
        Final step size; the rate decays linearly from ``learning_rate`` over all epochs,
        by corpus tokens processed, as in word2vec.c.
    batch_size : int or "auto", default="auto"
        Center words per minibatch. Each brings up to ``2 * window`` pairs. The gradient of
        a minibatch is summed, so larger batches are faster but add up many updates on
        frequent words at once. ``"auto"`` is 256 for ``"negative"`` and ``"nce"`` and 32
        for ``"softmax"``, whose dense output gradient adds every center's update to every
        output row (256 diverges there at the default learning rate). Within a block of the
        corpus the windows are grouped by size before they are cut into minibatches (see
        ``n_jobs``), so that a minibatch pads little.
    share_negatives : bool, default=True
        For ``"negative"`` and ``"nce"``: the pairs of one window share K noise words.
        As in word2vec.c, each context word of the window is an input (row of
        ``vectors_``) that predicts the window's center word (row of
        ``context_vectors_``); every pair still has K draws from q and every input
        occurrence meets its own, so the objective is the same, but the noise rows
        gathered and updated are K per window instead of K per pair (about twice as
        fast; measured with the same analogy accuracy as per-pair draws). ``False`` draws
        K noise words per pair, as word2vec.c.
    shrink_windows : bool, default=True
        Draw each center's window uniformly from 1..``window`` (word2vec.c), which weights
        near contexts more than far ones.
    pooling : {"mean", "sum", "max", "tfidf", "sif"}, default="mean"
        How ``transform`` combines the vectors of a document's words. ``"tfidf"`` is the
        idf-weighted mean (idf learned at fit); ``"sif"`` is the smooth inverse frequency
        average of Arora et al. (2017), weights ``sif_alpha / (sif_alpha + p(w))`` followed by
        removal of the first principal component learned at fit. ``fit`` learns the
        principal component only for ``"sif"`` (it pools every training document), so
        changing ``pooling`` to ``"sif"`` after ``fit`` needs a new ``fit``.
    sif_alpha : float, default=1e-3
        The constant a of the SIF weights.
    normalize : bool, default=False
        L2-normalise each document vector (documents with no known word stay zero).
    word_vectors : {"input", "input+output"}, default="input"
        Word vectors used by ``transform`` and by the similarity queries: the input vectors
        v, or v + u (Levy, Goldberg & Dagan 2015).
    lowercase : bool, default=True
        Lowercase raw text before tokenizing (as CountVectorizer). Pre-tokenized documents
        are used verbatim.
    token_pattern : str or None, default=r"(?u)\\b\\w+\\b"
        Regular expression of a token. Unlike CountVectorizer's default ``\\w\\w+``, it
        keeps one-letter words ("a", "i"), which are frequent and informative contexts.
    tokenizer : callable or None, default=None
        Overrides ``token_pattern``: a function from a (preprocessed) string to tokens.
    preprocessor : callable or None, default=None
        A function applied to each raw string before tokenizing (replaces lowercasing).
    analyzer : "word" or callable, default="word"
        A callable replaces all of the above: it gets the decoded document and returns its
        tokens (e.g. ``str.split``).
    encoding : str, default="utf-8"
        Encoding used to decode ``bytes`` documents.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that are not valid in ``encoding``.
    dtype : {np.float32, np.float64}, default=np.float32
        Floating type of the vectors and of ``transform``'s output.
    n_jobs : int or None, default=None
        Worker processes that train the one model together, as scikit-learn counts them:
        None means 1 unless a ``joblib.parallel_config(n_jobs=...)`` context says
        otherwise, -1 all CPUs, -2 all but one. With more than one, the corpus is cut into
        blocks of 65,536 tokens and the processes take blocks in turn, updating the vectors
        in shared memory without locks, as word2vec.c's and gensim's threads do (Hogwild).
        Measured on the full benchmark corpus (benchmarks/RESULTS.md), 2 processes train
        1.9x as fast as 1 with the same quality. Starting processes costs about a second, so
        a fit with fewer than 2 million tokens x epochs (for example a cross-validation fold
        of a few thousand reviews) trains in this process. Inside a joblib worker (e.g.
        ``GridSearchCV(n_jobs=k)``) at most the ``cpu_count() // k`` CPUs joblib allots to
        that worker are used, so nested fits do not oversubscribe the machine.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation, subsampling, windows and noise words. With an int and
        ``n_jobs=1`` the vectors are bit-identical on the same machine. With several
        processes the random draws are the same (the same windows and noise words, hence
        the same ``n_pairs_``), but the order in which concurrent updates land depends on
        timing, so the vectors differ slightly from run to run, as gensim's with more than
        one worker.
    verbose : int, default=0
        Print loss, words/s and the estimated time left after each epoch.
    epoch_callback : callable or None, default=None
        Called after each epoch as ``epoch_callback(report, vectors, output_vectors)``;
        ``report`` has ``epoch``, ``mean_loss``, ``n_pairs``, ``n_centers``,
        ``n_effective_words`` and ``seconds``; ``output_vectors`` are the context vectors,
        or the inner-node vectors for hierarchical softmax. The arrays are the live
        training matrices
        (copy them to keep a snapshot), e.g. to score held-out text after every epoch.

    Attributes
    ----------
    vocabulary_ : dict
        Word → row of ``vectors_``; rows are in descending order of corpus count.
    vectors_ : ndarray of shape (n_words, vector_size)
        Input (center) vectors v.
    context_vectors_ : ndarray of shape (n_words, vector_size) or None
        Output (context) vectors u (None for ``objective="hierarchical"``).
    node_vectors_ : ndarray of shape (n_words - 1, vector_size) or None
        Inner-node vectors of hierarchical softmax (word2vec.c's syn1), row ``n_words - 2``
        the root; None for the other objectives.
    huffman_tree_ : HuffmanTree or None
        The tree of hierarchical softmax: each word's path (``points``), code bits
        (``codes``) and path length (``lengths``); None for the other objectives.
    word_counts_ : ndarray of int64, shape (n_words,)
        Corpus count of each word.
    noise_distribution_ : ndarray of float64, shape (n_words,)
        Noise distribution q(w) ∝ count(w)^ns_exponent (used by ``"negative"``, ``"nce"``
        and by ``score`` of negative-sampling models).
    idf_ : ndarray of float64, shape (n_words,)
        Smooth inverse document frequency over the training documents.
    sif_weights_ : ndarray of float64, shape (n_words,)
        SIF weights ``sif_alpha / (sif_alpha + p(w))``.
    sif_component_ : ndarray of shape (vector_size,)
        First principal component of the SIF-weighted training document vectors.
    loss_curve_ : list of float
        Mean training loss per prediction in each epoch: per (center, context) pair for
        skip-gram, per center word for CBOW (for ``"negative"`` and ``"nce"`` this includes
        the noise terms; NaN for an epoch that trained no pair).
    n_pairs_ : int
        Training (center, context) pairs over all epochs.
    n_centers_ : int
        Center tokens with at least one context, over all epochs.
    n_effective_words_ : int
        Tokens kept by subsampling over all epochs (gensim's "effective words").
    training_seconds_ : float
        Wall-clock time of the training loop (without tokenizing and counting).
    batch_size_ : int
        Centers per minibatch actually used (``batch_size`` with ``"auto"`` resolved).
    corpus_word_count_ : int
        Tokens of the training corpus that are in the vocabulary.

    See Also
    --------
    sklearn.feature_extraction.text.TfidfVectorizer : Sparse bag-of-words features.

    Examples
    --------
    >>> from sklearn_w2v import Word2VecTransformer
    >>> from sklearn_w2v.datasets import load_sample_corpus
    >>> texts = load_sample_corpus(n_lines=20000)
    >>> model = Word2VecTransformer(vector_size=50, epochs=1, random_state=0).fit(texts)
    >>> model.transform(["the whale and the sea"]).shape
    (1, 50)
    """

    _parameter_constraints = {
        "objective": [StrOptions({"negative", "softmax", "nce", "hierarchical"})],
        "architecture": [StrOptions({"skipgram", "cbow"})],
        "cbow_mean": ["boolean"],
        "vector_size": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "max_vocab_size": [Interval(Integral, 1, None, closed="left"), None],
        "sample": [Interval(Real, 0, None, closed="left")],
        "negative": [Interval(Integral, 0, None, closed="left")],
        "ns_exponent": [Interval(Real, None, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "min_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "share_negatives": ["boolean"],
        "shrink_windows": ["boolean"],
        "pooling": [StrOptions({"mean", "sum", "max", "tfidf", "sif"})],
        "sif_alpha": [Interval(Real, 0, None, closed="neither")],
        "normalize": ["boolean"],
        "word_vectors": [StrOptions({"input", "input+output"})],
        "lowercase": ["boolean"],
        "token_pattern": [str, None],
        "tokenizer": [callable, None],
        "preprocessor": [callable, None],
        "analyzer": [StrOptions({"word"}), callable],
        "encoding": [str],
        "decode_error": [StrOptions({"strict", "ignore", "replace"})],
        "dtype": "no_validation",  # checked in _check_dtype with a clearer message
        "n_jobs": [Interval(Integral, None, -1, closed="right"),
                   Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "epoch_callback": [callable, None],
    }

    def __init__(self, *, objective="negative", architecture="skipgram", cbow_mean=True,
                 vector_size=100, window=5, min_count=5,
                 max_vocab_size=None, sample=1e-3, negative=5, ns_exponent=0.75, epochs=5,
                 learning_rate="auto", min_learning_rate=1e-4, batch_size="auto",
                 share_negatives=True, shrink_windows=True, pooling="mean", sif_alpha=1e-3,
                 normalize=False,
                 word_vectors="input", lowercase=True, token_pattern=DEFAULT_TOKEN_PATTERN,
                 tokenizer=None, preprocessor=None, analyzer="word", encoding="utf-8",
                 decode_error="strict", dtype=np.float32, n_jobs=None, random_state=None,
                 verbose=0, epoch_callback=None):
        self.objective = objective
        self.architecture = architecture
        self.cbow_mean = cbow_mean
        self.vector_size = vector_size
        self.window = window
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
        self.epoch_callback = epoch_callback

    # ------------------------------------------------------------------ fitting

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary and the word vectors from the documents in ``X``.

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Documents: raw strings (list, numpy array, pandas Series, generator, ...) or
            pre-tokenized documents (a list of str tokens each).
        y : None
            Ignored.

        Returns
        -------
        self : Word2VecTransformer
            The fitted transformer.
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None, **fit_params):
        """Fit to ``X`` and return its document vectors.

        Equivalent to ``fit(X).transform(X)`` but tokenizes ``X`` once, so it also works
        when ``X`` is a one-shot iterator.

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Documents.
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size)
        """
        corpus = self._fit(X, keep_corpus=True)
        return self._pool(corpus)

    def _fit(self, X, keep_corpus=False):
        """Fit; return the encoded training corpus if ``keep_corpus``, else None."""
        # Parameters are validated by _fit_context before this runs.
        self._validate_param_combinations()
        dtype = self._check_dtype()
        analyzer = self._build_analyzer()
        words, counts, corpus = count_and_encode(iter_token_lists(X, analyzer))
        if corpus.n_docs == 0:
            raise ValueError("X is an empty corpus: fit needs at least one document.")
        vocab_words, vocab_counts, old_to_new = build_vocabulary(
            words, counts, min_count=self.min_count, max_vocab_size=self.max_vocab_size)
        del words, counts  # every distinct word (194k on the benchmark corpus)
        if not vocab_words:
            raise ValueError(
                f"The vocabulary is empty: no word occurs at least min_count="
                f"{self.min_count} times in the {corpus.n_docs} documents "
                f"({corpus.n_tokens} tokens). Lower min_count or pass a larger corpus.")
        corpus = remap_corpus(corpus, old_to_new, in_place=True)
        del old_to_new
        n_words, d = len(vocab_words), self.vector_size
        # Before the vector matrices exist, so that its temporaries do not add to them.
        # idf is cheap (one sort of packed keys per chunk, ~0.2 s on 13M tokens), so it is
        # always learned; the SIF component (a pass pooling every document) only for "sif".
        idf = inverse_document_frequency(corpus, n_words)

        seed_sequence = _seed_sequence(self.random_state)
        init_seed, train_seed = seed_sequence.spawn(2)
        # word2vec.c's initialisation: small uniform input vectors, zero output vectors
        # (or zero inner-node vectors for hierarchical softmax).
        hierarchical = self.objective == "hierarchical"
        tree = huffman_tree(vocab_counts) if hierarchical else None
        parameters = {
            "input": _initial_center_vectors(np.random.default_rng(init_seed), n_words, d,
                                             dtype),
            "inner" if hierarchical else "output":
                np.zeros((n_words - 1 if hierarchical else n_words, d), dtype=dtype),
        }
        noise_probabilities = noise_distribution(vocab_counts, self.ns_exponent)
        step = make_step(self.architecture, self.objective,
                         sampler=(NoiseSampler(noise_probabilities)
                                  if self.objective in ("negative", "nce") else None),
                         negative=self.negative, share_negatives=self.share_negatives,
                         tree=tree, cbow_mean=self.cbow_mean)
        config = TrainingConfig(
            epochs=self.epochs, window=self.window, shrink_windows=self.shrink_windows,
            keep_probability=(keep_probabilities(vocab_counts, self.sample)
                              if self.sample > 0 else None),
            batch_size=self._batch_size(), learning_rate=self._learning_rate(),
            min_learning_rate=self.min_learning_rate, block_size=_BLOCK_SIZE)
        reports = train(corpus, parameters, step, config, seed_sequence=train_seed,
                        n_jobs=self._training_processes(corpus.n_tokens),
                        verbose=self.verbose, epoch_callback=self._epoch_callback())
        warn_if_untrained(reports)

        fitted = {
            "vectors_": parameters["input"],
            "context_vectors_": parameters.get("output"),
            "node_vectors_": parameters.get("inner"),
            "huffman_tree_": tree,
            "word_counts_": vocab_counts,
            "noise_distribution_": noise_probabilities,
            "loss_curve_": [float(report.mean_loss) for report in reports],
            "n_pairs_": int(sum(report.n_pairs for report in reports)),
            "n_centers_": int(sum(report.n_centers for report in reports)),
            "n_effective_words_": int(sum(report.n_effective_words for report in reports)),
            "training_seconds_": float(sum(report.seconds for report in reports)),
            "batch_size_": self._batch_size(),
            "corpus_word_count_": int(corpus.n_tokens),
            "idf_": idf,
            "sif_weights_": sif_weights(vocab_counts, self.sif_alpha),
        }
        fitted["sif_component_"] = None
        if self.pooling == "sif":
            fitted["sif_component_"] = fit_sif_component_from_corpus(
                corpus, self._embedding_of(fitted["vectors_"], fitted["context_vectors_"]),
                fitted["sif_weights_"])
        if not keep_corpus:
            corpus = None  # freed before the vocabulary dict is built: a lower peak
        fitted["vocabulary_"] = {word: row for row, word in enumerate(vocab_words)}
        # The whole fitted state changes at once, so that an interruption never leaves
        # the vectors of one fit with the vocabulary of another.
        vars(self).update(fitted)
        return corpus

    def _training_processes(self, n_tokens):
        n_jobs = effective_n_jobs(self.n_jobs)
        if n_jobs > 1 and n_tokens * self.epochs < MIN_TOKENS_FOR_PROCESSES:
            return 1
        return n_jobs

    def _epoch_callback(self):
        if self.epoch_callback is None:
            return None

        def callback(report, parameters):
            # The output vectors: per word, or per inner node for hierarchical softmax.
            outputs = parameters["inner" if "inner" in parameters else "output"]
            self.epoch_callback(report, parameters["input"], outputs)
        return callback

    def _validate_param_combinations(self):
        if self.objective in ("negative", "nce") and self.negative < 1:
            raise ValueError(
                f"negative={self.negative!r}: the {self.objective!r} objective needs at "
                f"least one noise word per pair; set negative >= 1 (5 to 20 is usual) or "
                f"use objective='softmax'.")
        if self.min_learning_rate > self._learning_rate():
            raise ValueError(
                f"min_learning_rate={self.min_learning_rate!r} is larger than "
                f"learning_rate={self._learning_rate()!r}; the rate decays from "
                f"learning_rate to min_learning_rate, so set min_learning_rate <= "
                f"learning_rate.")
        if self.objective == "hierarchical" and self.word_vectors == "input+output":
            raise ValueError(_NO_OUTPUT_WORD_VECTORS)
        if self.tokenizer is not None and not callable(self.tokenizer):
            raise TypeError("tokenizer must be a callable or None.")
        # bool is an Integral for scikit-learn's validation, but vector_size=True is a
        # mistake, not a 1-dimensional model.
        for name in _INTEGER_PARAMETERS:
            if isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(
                    f"{name}={getattr(self, name)!r} is a boolean; {name} must be an "
                    f"integer.")

    def _check_dtype(self):
        dtype = _float_dtype_or_none(self.dtype)
        if dtype is None:
            raise ValueError(
                f"dtype={self.dtype!r} is not supported; use np.float32 (default) or "
                f"np.float64.")
        return dtype

    def __getstate__(self):
        # Like scikit-learn's own version stamp: a pickle records the package version.
        return dict(super().__getstate__(), _sklearn_w2v_version=__version__)

    def __setstate__(self, state):
        version = state.pop("_sklearn_w2v_version", "unknown (before 0.1.0)")
        if version != __version__:
            warnings.warn(
                f"This Word2VecTransformer was pickled with sklearn-w2v {version} and is "
                f"loaded with {__version__}; it may not work or may give different "
                f"results. Refit it with this version, or load it with {version}.",
                InconsistentVersionWarning, stacklevel=2)
        super().__setstate__(state)

    def _build_analyzer(self):
        return build_analyzer(
            analyzer=self.analyzer, lowercase=self.lowercase,
            token_pattern=self.token_pattern, tokenizer=self.tokenizer,
            preprocessor=self.preprocessor, encoding=self.encoding,
            decode_error=self.decode_error)

    def _learning_rate(self):
        if self.learning_rate == "auto":
            return _AUTO_LEARNING_RATE[self.architecture]
        return self.learning_rate

    def _batch_size(self):
        if self.batch_size != "auto":
            return self.batch_size
        # The softmax output gradient is dense and sums the updates of every center of the
        # minibatch into every output row; at 256 centers it diverged at learning_rate
        # 0.025 (5,000 words, d=100), at 32 it trains stably.
        return 32 if self.objective == "softmax" else 256

    # ---------------------------------------------------------------- transform

    @property
    def embedding_(self):
        """Word vectors used by ``transform`` and queries, per ``word_vectors``.

        ``vectors_`` for ``word_vectors="input"``, ``vectors_ + context_vectors_`` for
        ``"input+output"``.
        """
        check_is_fitted(self, "vectors_")
        if self.word_vectors == "input+output":
            self._require_trained("word_vectors='input+output'")
            if self.context_vectors_ is None:
                raise ValueError(_NO_OUTPUT_WORD_VECTORS)
        return self._embedding_of(self.vectors_, self.context_vectors_)

    def _embedding_of(self, vectors, context_vectors):
        if self.word_vectors == "input+output":
            return vectors + context_vectors
        return vectors

    def _require_trained(self, what):
        if self.word_counts_ is None:
            raise ValueError(
                f"{what} needs a model trained by fit: vectors loaded with "
                f"from_word2vec_format have no context vectors, counts or idf. Use "
                f"pooling='mean', 'sum' or 'max' and word_vectors='input', or fit the model.")

    def _require_pooling_statistics(self):
        self._require_trained(f"pooling={self.pooling!r}")
        learned = self.idf_ if self.pooling == "tfidf" else self.sif_component_
        if learned is None:
            what = "idf" if self.pooling == "tfidf" else "SIF principal component"
            raise ValueError(
                f"pooling={self.pooling!r} needs the {what} of the training documents, "
                f"which fit learns only when pooling={self.pooling!r}; this model was "
                f"fitted with another pooling. Fit again with pooling={self.pooling!r}.")

    def transform(self, X):
        """Document vectors: the pooled vectors of each document's known words.

        Unknown words are skipped; a document without any known word gives a zero row.

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Documents, in the same forms ``fit`` accepts.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size)
            In the dtype of the vectors (``dtype``).
        """
        check_is_fitted(self, "vectors_")
        corpus = encode_documents(iter_token_lists(X, self._build_analyzer()),
                                  self.vocabulary_)
        return self._pool(corpus)

    def _pool(self, corpus):
        if self.pooling in ("tfidf", "sif"):
            self._require_pooling_statistics()
        return pool_documents(
            corpus, self.embedding_, self.pooling, idf=self.idf_,
            sif_weights=self.sif_weights_, sif_component=self.sif_component_,
            normalize=self.normalize)

    @property
    def _n_features_out(self):
        # Used by ClassNamePrefixFeaturesOutMixin for get_feature_names_out().
        return self.vectors_.shape[1]

    # -------------------------------------------------------------------- score

    def score(self, X, y=None):
        """Mean held-out log-likelihood of the words of ``X`` under the model.

        For skip-gram, the mean of ``log p(o|c)`` over every (center, context) pair of known
        words within ``window``; for CBOW, the mean of ``log p(c|context)`` over every center
        word with a context, the context being the mean (or sum) of the context vectors. The
        windows are full width, without subsampling, so the score is deterministic; higher is
        better.

        ``"hierarchical"`` scores with the model's own normalised distribution, the product
        of the sigmoids along the word's path in the Huffman tree: exact, O(log n_words) per
        word. The other objectives score with the full softmax
        ``p(o|c) = exp(z_o) / sum_w exp(z_w)``, logits ``z_w = u_w.v_c`` for ``"softmax"``
        and ``"nce"``.

        For ``"negative"`` the raw scores are not log-probabilities: at the optimum of
        negative sampling ``u_o.v_c = log p(o|c) - log(K q(o))``, hence
        ``log p(o|c) = u_o.v_c + log q(o) + log K``. The term ``log K`` is the same for every
        o and cancels in the softmax normalisation, so the logits ``z_o = u_o.v_c + log q(o)``
        give the model's estimate of p(o|c). NCE's optimum is ``u_o.v_c = log p(o|c)``
        (self-normalised), so its scores need no correction. This puts all the objectives on
        one scale, nats per predicted word: ``score`` is ``-J_softmax`` per pair for the
        first three and ``-J_hierarchical`` per pair for hierarchical softmax, both exact
        log-likelihoods of normalised distributions.

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Held-out documents.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Mean log p in nats per predicted word (per pair for skip-gram, per center word
            for CBOW).
        """
        check_is_fitted(self, "vectors_")
        self._require_trained("score")
        corpus = encode_documents(iter_token_lists(X, self._build_analyzer()),
                                  self.vocabulary_)
        logit_offset = None
        if self.objective == "negative":
            with np.errstate(divide="ignore"):
                logit_offset = np.log(self.noise_distribution_)
        mean, n_predictions = mean_log_likelihood(
            corpus, architecture=self.architecture, window=self.window,
            input_vectors=self.vectors_, output_vectors=self.context_vectors_,
            node_vectors=self.node_vectors_, tree=self.huffman_tree_,
            logit_offset=logit_offset, cbow_mean=self.cbow_mean)
        if n_predictions == 0:
            raise ValueError(
                "X has no (center, context) pair of known words within the window, so "
                "there is nothing to score. Pass longer documents or documents that use "
                "the fitted vocabulary.")
        return mean

    # ------------------------------------------------------------ word queries

    def get_vector(self, word):
        """The vector of ``word`` (from the matrix chosen by ``word_vectors``).

        Parameters
        ----------
        word : str

        Returns
        -------
        vector : ndarray of shape (vector_size,)
        """
        check_is_fitted(self, "vectors_")
        if word not in self.vocabulary_:
            raise KeyError(f"word {word!r} is not in the vocabulary "
                           f"({len(self.vocabulary_)} words)")
        row = self.vocabulary_[word]
        if self.word_vectors == "input+output":
            return self.vectors_[row] + self.context_vectors_[row]
        return self.vectors_[row].copy()

    def most_similar(self, positive=(), negative=(), topn=10):
        """Words closest by cosine to the mean of ``positive`` minus ``negative`` words.

        Same semantics as gensim's ``KeyedVectors.most_similar``: unit-normalised vectors,
        the query words themselves excluded. ``most_similar(positive=["king", "woman"],
        negative=["man"])`` answers the analogy man : king :: woman : ?.

        Parameters
        ----------
        positive, negative : str or sequence of str
        topn : int, default=10

        Returns
        -------
        list of (str, float)
        """
        return most_similar(self, _as_word_list(positive), _as_word_list(negative),
                            topn=topn)

    def similarity(self, word1, word2):
        """Cosine similarity of the vectors of two words."""
        return cosine_similarity_of(self, word1, word2)

    def save_word2vec_format(self, path, binary=False):
        """Write the word vectors in word2vec.c's text or binary format.

        The file holds the matrix chosen by ``word_vectors``, rows in descending order of
        corpus count, and can be read by gensim's ``KeyedVectors.load_word2vec_format`` or
        by :meth:`from_word2vec_format`.

        Parameters
        ----------
        path : str or path-like
            ``.gz`` paths are compressed.
        binary : bool, default=False
        """
        check_is_fitted(self, "vectors_")
        words = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
        save_word2vec_format(path, words, self.embedding_, binary=binary)

    @classmethod
    def from_word2vec_format(cls, path, binary=False, **params):
        """A transformer with pretrained vectors from a word2vec.c text or binary file.

        The result transforms documents with the loaded vectors (pooling ``"mean"``,
        ``"sum"`` or ``"max"``) and answers word queries, so published vectors can be
        plugged into a Pipeline. The file has no context vectors, counts or documents, so
        ``score``, ``word_vectors="input+output"`` and pooling ``"tfidf"``/``"sif"`` are
        unavailable; calling ``fit`` trains from scratch and replaces the vectors.

        Parameters
        ----------
        path : str or path-like
        binary : bool, default=False
        **params
            Other parameters of the transformer (``pooling``, ``lowercase``, ...).

        Returns
        -------
        Word2VecTransformer
        """
        model = cls(**params)
        # The estimator's dtype rule (float32 or float64), with its error message.
        dtype = model._check_dtype()
        words, vectors = load_word2vec_format(path, binary=binary, dtype=dtype)
        model.set_params(vector_size=vectors.shape[1])
        model.vocabulary_ = {word: row for row, word in enumerate(words)}
        model.vectors_ = vectors
        model.context_vectors_ = None
        model.node_vectors_ = None
        model.huffman_tree_ = None
        model.word_counts_ = None
        model.noise_distribution_ = None
        model.idf_ = None
        model.sif_weights_ = None
        model.sif_component_ = None
        model.loss_curve_ = []
        return model

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Documents in, like CountVectorizer: scikit-learn's common checks then skip the
        # numeric-array tests, and tests/test_transformer.py covers the behaviour instead.
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


_INTEGER_PARAMETERS = ("vector_size", "window", "min_count", "max_vocab_size", "negative",
                       "epochs", "batch_size", "n_jobs", "verbose")


def _float_dtype_or_none(dtype):
    """np.float32 or np.float64 as a dtype, None for anything else (np.dtype(None) and
    np.dtype("float64") == None are both true in NumPy, hence the explicit checks)."""
    if dtype is None or isinstance(dtype, (bool, np.bool_)):
        return None
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        return None
    return dtype if dtype.type in (np.float32, np.float64) else None


def _as_word_list(words):
    # gensim accepts a single word as well as a list of words.
    return [words] if isinstance(words, str) else list(words)


# Values of the initial vectors drawn at once: a 1 MB float64 temporary instead of two
# (n_words, d) float64 matrices (100 MB on the benchmark corpus).
_INIT_BLOCK_VALUES = 1 << 17


def _initial_center_vectors(rng, n_words, d, dtype):
    """word2vec.c's ``(u - 0.5) / d`` with u uniform in [0, 1), drawn in blocks of rows.

    ``Generator.random`` fills arrays from one stream in C order, so the blocks hold the
    same values as one ``rng.random((n_words, d))`` draw.
    """
    vectors = np.empty((n_words, d), dtype=dtype)
    rows = max(1, _INIT_BLOCK_VALUES // d)
    for first in range(0, n_words, rows):
        block = rng.random((min(rows, n_words - first), d))
        block -= 0.5
        block /= d
        vectors[first:first + len(block)] = block
    return vectors


def _seed_sequence(random_state):
    """A SeedSequence from scikit-learn's random_state convention."""
    if random_state is None:
        return np.random.SeedSequence()
    if isinstance(random_state, Integral):
        return np.random.SeedSequence(int(random_state))
    # A RandomState instance: draw the seed from it, so successive fits differ.
    rng = check_random_state(random_state)
    return np.random.SeedSequence(int(rng.randint(np.iinfo(np.int32).max)))
