"""Word2VecTransformer: the scikit-learn estimator.

This module only validates parameters and stores fitted state: ``_settings`` resolves the
parameters once, ``_fitting`` runs the fit procedure on them (vocabulary, output layer and
architecture, trainer), ``_pooling`` turns word vectors into document vectors and
``_scoring`` scores held-out text; see docs/architecture.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from numbers import Integral, Real
from typing import Any, Literal, TypeVar

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._features import (
    POOLING_ATTRIBUTES,
    FeatureSettings,
    PoolingStatistics,
    embedding_of,
    pool_documents,
)
from .._model import (
    NO_OUTPUT_WORD_VECTORS,
    fitted_layer_of,
    make_architecture,
    mean_log_likelihood,
)
from .._text import (
    DEFAULT_TOKEN_PATTERN,
    CorpusSettings,
    CoverageWatch,
    encode,
    iter_token_lists,
    transform_corpus,
)
from .._training import (
    TRAINED_ATTRIBUTES,
    FitSettings,
    FittedParts,
    fit_state,
    verbose_output,
)
from .._utils import Documents, FloatArray, FloatDType, PathLike, check_float_dtype
from .._vectors import VectorFile, load_vector_file, resolve_init, save_word2vec_format
from .base import TextEstimatorMixin, fit_context
from .keyed_vectors import KeyedVectorsMixin

_Model = TypeVar("_Model", bound="Word2VecTransformer")


class Word2VecTransformer(KeyedVectorsMixin, TextEstimatorMixin, ClassNamePrefixFeaturesOutMixin,
                          TransformerMixin, BaseEstimator):
    """word2vec embeddings (skip-gram or CBOW) as a scikit-learn transformer.

    ``fit`` learns word vectors from raw texts (or token lists) with the skip-gram or the
    CBOW model;
    ``transform`` turns each document into one dense vector by pooling the vectors of its
    words, so the transformer can feed a classifier in a :class:`~sklearn.pipeline.Pipeline`;
    ``score`` is the held-out log-likelihood under the full softmax, so
    :class:`~sklearn.model_selection.GridSearchCV` can tune embeddings without labels.

    Training can start from pretrained vectors (``init``), use them as they are
    (``epochs=0``), continue from the fitted vectors (``warm_start``, :meth:`partial_fit`)
    and read corpora larger than memory (``out_of_core``, :func:`sklearn_w2v.read_lines`).

    Read more in the :ref:`user guide <objectives>`.

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
    vector_size : int or None, default=None
        Dimension of the word vectors (and of the document vectors ``transform`` returns).
        None is 100, or the dimension of ``init``'s vectors when ``init`` is given (a
        model that continues training keeps its dimension); ``vector_size_`` is the
        resolved value. An int that differs from ``init``'s dimension is an error at fit,
        so a grid search over ``vector_size`` compares what it says it does.
    window : int, default=5
        Maximum distance between a center word and a context word.
    init : str, path-like, (words, vectors) tuple, KeyedVectors-like or None, \
            default=None
        Pretrained input vectors to start from, as ``KMeans(init=array)`` starts from
        given centers; None is word2vec.c's random start. Accepted:

        * the path of a word2vec.c (text or binary), fastText ``.vec`` or GloVe (no
          header) file, the format found out from its first rows (see
          :func:`~sklearn_w2v.load_word2vec_format`), or a
          :class:`~sklearn_w2v.VectorFile` with reading options (``binary``,
          ``no_header``, ``limit``, ``restrict_to``, ...); ``.gz``, ``.bz2`` and
          ``.xz`` files are decompressed. A file is read once per process (cached by its
          path, size, modification time and options, at most two files), so the clones a
          grid search fits share one read-only matrix;
        * ``(words, vectors)``: a sequence of unique str and an array with one row each;
        * any object with gensim KeyedVectors' ``index_to_key`` and ``vectors``, or a
          gensim ``Word2Vec``, ``Doc2Vec`` or ``FastText`` model (its ``wv``: the word
          vectors; FastText's subword n-grams are not used).

        Vectors in memory are copied at fit. ``vector_size=None`` follows their
        dimension; an int ``vector_size`` must equal it.
        With ``epochs=0`` fit uses them as they are (see ``epochs``). With ``epochs > 0``
        fit continues training them on X (fine-tuning):

        * every pretrained word keeps its row, in the order given; one that X does not
          contain is never a center, context or noise word, so its vector stays exactly
          as given;
        * words of X that are not pretrained get new rows after them, chosen by
          ``min_count`` and ``max_vocab_size`` (which caps the total) as in a fresh fit,
          initialised as word2vec.c initialises them, and trained;
        * output vectors, which word2vec files do not carry, start at zero for every
          word, as word2vec.c starts them.

        The learning rate decays from ``learning_rate`` as in any fit; fine-tuning often
        wants fewer epochs or a lower rate than training from scratch.
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
    epochs : int >= 0 or "auto", default="auto"
        Passes over the corpus. ``"auto"`` gives small corpora more passes:
        ``ceil(4,000,000 / n_tokens)`` clipped to 5..50, where ``n_tokens`` counts the
        training tokens in the vocabulary (``corpus_word_count_``): word2vec's 5 passes
        from 800k tokens up, more for a task's own small corpus, where word2vec's 5
        passes leave the vectors of a few thousand reviews undertrained (the learning
        curve behind the rule is in ``benchmarks/DESIGN.md``). ``epochs_`` is the
        resolved value.
        ``0`` needs ``init`` (or a fitted model and ``warm_start``): the vectors are used
        as they are, and fit learns from X only what pooling needs (word counts, idf, SIF
        weights and component); the vocabulary is that of the vectors, and words of X
        that are not in it are unknown to ``transform``. :meth:`partial_fit` ignores
        ``epochs`` (one pass per call).
    learning_rate : float or "auto", default="auto"
        Initial SGD step size. ``"auto"`` is word2vec.c's choice for the architecture:
        0.025 for skip-gram, 0.05 for CBOW.
    min_learning_rate : float, default=1e-4
        Final step size; the rate decays linearly from ``learning_rate`` over all epochs,
        by corpus tokens processed, as in word2vec.c.
    batch_size : int or "auto", default="auto"
        Center words per minibatch. Each brings up to ``2 * window`` pairs. The gradient of
        a minibatch is summed, so larger batches are faster but add up many updates on
        frequent words at once. ``"auto"`` is 256 for skip-gram and 1024 for CBOW (one
        prediction per window) with ``"negative"``, ``"nce"`` and ``"hierarchical"``, and 32
        for ``"softmax"``, whose dense output gradient adds every center's update to every
        output row (256 diverges there at the default learning rate). Within a block of the
        corpus the windows are grouped by size before they are cut into minibatches (see
        ``n_jobs``), so that a minibatch pads little.
    share_negatives : bool, default=True
        For ``"negative"`` and ``"nce"``: noise words shared by several predictions,
        the objective unchanged. Skip-gram: the pairs of one window share K noise words.
        As in word2vec.c, each context word of the window is an input (row of
        ``vectors_``) that predicts the window's center word (row of
        ``context_vectors_``); every pair still has K draws from q and every input
        occurrence meets its own, so the objective is the same, but the noise rows
        gathered and updated are K per window instead of K per pair (faster, with the
        same analogy accuracy as per-pair draws). CBOW: groups of 32 windows share 24
        noise words, each weighted K / 24, so that the noise term still estimates K
        draws from q (with lower variance); the noise logits of a group are one matrix
        product (Ji et al. 2016), faster than K draws per window and no less accurate.
        ``False`` draws K noise words per pair (per window for CBOW), as word2vec.c.
        The measurements are in ``benchmarks/DESIGN.md``.
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
        in shared memory without locks, as word2vec.c's and gensim's threads do (Hogwild),
        with the same quality as one process (speed-ups in ``benchmarks/RESULTS.md``).
        Starting the processes costs more than they give on a small corpus, so a fit with
        fewer than 2 million tokens x epochs (5 epochs over 400k tokens; note that
        ``epochs="auto"`` gives small corpora more epochs) trains in this process
        (``benchmarks/RESULTS-processes.md``). Inside a joblib worker (e.g.
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
    warm_start : bool, default=False
        When the model is fitted, ``fit`` continues from its vectors (input and output)
        instead of starting again, and ``init`` is ignored: the rows keep their words,
        frequent new words of X are appended as with ``init``, the learning rate decays
        again over this fit's epochs, and ``loss_curve_`` and the training counters go
        on. The statistics of the words (counts, idf, SIF) are those of the new X. The
        parameters that define the model (``vector_size``, ``objective``, ``dtype`` and
        the tokenization parameters) must keep the values it was fitted with.
    out_of_core : bool, default=False
        Keep the encoded training corpus in files instead of memory, for corpora larger
        than RAM: fit reads X once (pass an iterable that reads lazily, such as
        :func:`sklearn_w2v.read_lines`), writes the word ids (2 bytes a token) and the
        document offsets (8 bytes a document) to a new folder in ``temp_folder``, and
        every epoch (and the idf and SIF passes) streams them from there; the folder is
        removed when fit ends, also on errors. Memory then follows the vocabulary and the
        vectors, not the corpus (measured in ``benchmarks/RESULTS-memory.md``). The
        documents of ``fit_transform``'s result and of ``transform`` and ``score`` are
        still held in memory.
    temp_folder : str, path-like or None, default=None
        Where ``out_of_core`` puts its folder (an existing folder on a disk with room for
        the corpus); None is the system's temporary folder (``tempfile.gettempdir()``).
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
        Word → row of ``vectors_``. Rows are in descending order of corpus count, except
        that continued training keeps the rows it starts from (the pretrained words in
        their given order, or the fitted vocabulary) and appends new words after them.
    index_to_word_ : list of str
        Row → word, the inverse of ``vocabulary_`` (gensim's ``index_to_key``).
    fitted_parts_ : FittedParts
        What this model holds and where its vectors come from: ``origin`` is
        ``"trained"``, ``"fine-tuned"`` (from ``init``), ``"pretrained"`` (``init`` used
        as it is, ``epochs=0``) or ``"loaded"`` (:meth:`from_word2vec_format`); the flags
        ``output_vectors``, ``word_counts``, ``idf`` and ``sif_component`` say which of
        the attributes below exist. An attribute the model does not hold is absent (not
        None), and what needs it fails with a message that says how to get it.
    vector_size_ : int
        The dimension of the vectors: ``vector_size``, or what None resolved to (the
        dimension of ``init``, or 100).
    vectors_ : ndarray of shape (n_words, vector_size)
        Input (center) vectors v. Read-only when they are ``init``'s file vectors used as
        they are (shared by every model fitted from that file in this process).
    context_vectors_ : ndarray of shape (n_words, vector_size)
        Output (context) vectors u. Absent for ``objective="hierarchical"`` and when
        nothing was trained (``epochs=0``, :meth:`from_word2vec_format`).
    node_vectors_ : ndarray of shape (n_words - 1, vector_size)
        Inner-node vectors of hierarchical softmax (word2vec.c's syn1), row ``n_words - 2``
        the root; only for ``objective="hierarchical"``.
    huffman_tree_ : HuffmanTree
        The tree of hierarchical softmax: each word's path (``points``), code bits
        (``codes``) and path length (``lengths``); only for ``objective="hierarchical"``.
    word_counts_ : ndarray of int64, shape (n_words,)
        Corpus count of each word (0 for pretrained words that X does not contain);
        summed over the calls of :meth:`partial_fit`.
    noise_distribution_ : ndarray of float64, shape (n_words,)
        Noise distribution q(w) ∝ count(w)^ns_exponent (used by ``"negative"``, ``"nce"``
        and by ``score`` of negative-sampling models).
    idf_ : ndarray of float64, shape (n_words,)
        Smooth inverse document frequency over the training documents (all the documents
        of the :meth:`partial_fit` calls). Only with ``pooling="tfidf"``.
    sif_weights_ : ndarray of float64, shape (n_words,)
        SIF weights ``sif_alpha / (sif_alpha + p(w))``.
    sif_component_ : ndarray of shape (vector_size,)
        First principal component of the SIF-weighted training document vectors (of the
        last :meth:`partial_fit` call's documents). Only with ``pooling="sif"``.
    loss_curve_ : list of float
        Mean training loss per prediction in each epoch: per (center, context) pair for
        skip-gram, per center word for CBOW (for ``"negative"`` and ``"nce"`` this includes
        the noise terms; NaN for an epoch that trained no pair); continued training and
        :meth:`partial_fit` (one entry per call) append to it.
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
    epochs_ : int
        Passes of the last fit (``epochs`` with ``"auto"`` resolved; 1 for
        :meth:`partial_fit`).
    corpus_word_count_ : int
        Tokens of the training corpus that are in the vocabulary (summed over the calls
        of :meth:`partial_fit`).
    coverage_ : Coverage or None
        How much of the last fit's X the vectors it started from cover (``init``'s, or
        the fitted model's when training continues): tokens and distinct words with a
        vector, and tokens whose case variant (or whose word without its punctuation)
        has one. None when training from scratch. ``fit`` warns (``LowCoverageWarning``)
        when ``init``'s vectors cover little of X or their case differs from the
        analyzer's, naming the fix (``lowercase`` for a case mismatch); ``transform``
        warns about the documents it transforms, once per cause (see :meth:`transform`).

    Notes
    -----
    Unknown words (without a vector): ``fit`` with ``epochs=0`` and ``transform`` skip
    them (a document of unknown words is a row of zeros) and warn when they are many;
    ``fit`` with ``epochs > 0`` gives the frequent ones rows (``min_count``); every word
    query (``model[word]``, :meth:`get_vector`, :meth:`most_similar`, :meth:`similarity`,
    ...) raises ``UnknownWordError``, a ``KeyError`` as gensim and dict lookups raise.

    See Also
    --------
    sklearn.feature_extraction.text.TfidfVectorizer : Sparse bag-of-words features.
    sklearn_w2v.read_lines : Documents of a text file, one per line, read lazily.

    Examples
    --------
    >>> from sklearn_w2v import Word2VecTransformer
    >>> from sklearn_w2v.datasets import load_sample_corpus
    >>> texts = load_sample_corpus(n_lines=2000)
    >>> model = Word2VecTransformer(vector_size=50, epochs=3, n_jobs=1, random_state=0)
    >>> model.fit(texts).transform(["the whale and the sea"]).shape
    (1, 50)
    """

    # Every attribute a fit sets: a new fit replaces all of them (see _set_fitted_state).
    # The coverage watch of transform (sklearn_w2v._text.coverage) starts over with each fit.
    _fitted_attributes = TRAINED_ATTRIBUTES + POOLING_ATTRIBUTES + ("_coverage_watch",)
    # Kept for the session only (transform's coverage watch starts over in a copy): not
    # saved by save().
    _transient_attributes = ("_coverage_watch",)

    _parameter_constraints = {
        "objective": [StrOptions({"negative", "softmax", "nce", "hierarchical"})],
        "architecture": [StrOptions({"skipgram", "cbow"})],
        "cbow_mean": ["boolean"],
        "vector_size": [Interval(Integral, 1, None, closed="left"), None],
        "window": [Interval(Integral, 1, None, closed="left")],
        # A path, a tuple or any object with index_to_key and vectors: checked at fit by
        # resolve_init, whose messages say what each kind must hold.
        "init": "no_validation",
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "max_vocab_size": [Interval(Integral, 1, None, closed="left"), None],
        "sample": [Interval(Real, 0, None, closed="left")],
        "negative": [Interval(Integral, 0, None, closed="left")],
        "ns_exponent": [Interval(Real, None, None, closed="neither")],
        "epochs": [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})],
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
        "warm_start": ["boolean"],
        "out_of_core": ["boolean"],
        "temp_folder": [str, os.PathLike, None],
        "epoch_callback": [callable, None],
    }

    def __init__(
        self, *,
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

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Documents, y: None = None) -> Word2VecTransformer:
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

        Examples
        --------
        >>> from sklearn_w2v import Word2VecTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> texts = load_sample_corpus(n_lines=2000)
        >>> model = Word2VecTransformer(vector_size=20, epochs=3, n_jobs=1, random_state=0)
        >>> model.fit(texts)
        Word2VecTransformer(epochs=3, n_jobs=1, random_state=0, vector_size=20)
        >>> model.vectors_.shape, model.epochs_
        ((954, 20), 3)
        >>> len(model.loss_curve_)
        3
        """
        self._fit(X)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X: Documents, y: None = None, **fit_params: Any) -> FloatArray:
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

        Examples
        --------
        >>> from sklearn_w2v import Word2VecTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> texts = load_sample_corpus(n_lines=2000)
        >>> model = Word2VecTransformer(vector_size=20, epochs=3, n_jobs=1, random_state=0)
        >>> model.fit_transform(texts).shape
        (2000, 20)
        """
        return self._fit(X, transform=True)

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: Documents, y: None = None, *,
                    grow_vocabulary: bool = False) -> Word2VecTransformer:
        """Update the word vectors with one pass over ``X``.

        As scikit-learn's ``partial_fit`` (MiniBatchNMF, MLPClassifier): ``X`` is the next
        chunk of a stream (or of a corpus too large to fit at once), seen once. The first
        call on an unfitted model builds the vocabulary from ``X`` (with ``init``: the
        pretrained words plus the frequent new words of ``X``); a call on a fitted model
        (also one fitted by ``fit``) continues from its vectors.

        The vocabulary stays as it is unless ``grow_vocabulary=True``: then words of
        ``X`` that reach ``min_count`` get new rows appended after the existing ones,
        which stay unchanged. Counts of words still below ``min_count`` are kept across
        the calls made with ``grow_vocabulary=True``, so a word that is rare in every
        chunk joins once its total reaches ``min_count`` (``max_vocab_size`` caps the
        total number of rows). Word counts and the idf add up over all calls; the SIF
        component is estimated on the last call's documents.

        Learning rate: the schedule of ``fit`` decays to ``min_learning_rate`` over a
        corpus size known in advance; here nobody knows how much text will follow, so
        the rate depends only on the number t of corpus tokens the model has been
        trained on so far (by ``fit`` and all ``partial_fit`` calls), whatever the
        chunk sizes: ``learning_rate / (1 + t / 10,000,000)``, never below
        ``min_learning_rate``. It halves after 10M tokens and keeps decreasing, which
        lets every word learn however long the stream (the sum of the rates diverges)
        while later chunks move the vectors less and less. Passes of ``partial_fit`` over
        a corpus cut into chunks come close to ``fit`` with as many epochs
        (``tests/test_end_to_end.py``; the figures are in ``benchmarks/DESIGN.md``).

        Parameters that define the model (``vector_size``, ``objective``, ``dtype`` and
        the tokenization parameters) must keep the values of the first call; ``epochs``
        is ignored.

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Documents, as for :meth:`fit`.
        y : None
            Ignored.
        grow_vocabulary : bool, default=False
            Append rows for the new words of ``X`` that reach ``min_count``.

        Returns
        -------
        self : Word2VecTransformer

        Examples
        --------
        >>> from sklearn_w2v import Word2VecTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> texts = load_sample_corpus(n_lines=2000)
        >>> model = Word2VecTransformer(vector_size=20, n_jobs=1, random_state=0)
        >>> n_words = []
        >>> for start in range(0, 2000, 500):  # four chunks of a stream
        ...     model = model.partial_fit(texts[start:start + 500], grow_vocabulary=True)
        ...     n_words.append(len(model.vocabulary_))
        >>> len(model.loss_curve_), model.vectors_.shape[1]
        (4, 20)
        >>> n_words == sorted(n_words) and n_words[0] < n_words[-1]  # the vocabulary grows
        True
        """
        if hasattr(self, "vectors_"):
            # _fit_context validates only the first call of partial_fit; a parameter
            # changed since is checked too (it is cheap).
            self._validate_params()
        if not isinstance(grow_vocabulary, (bool, np.bool_)):
            raise ValueError(f"grow_vocabulary must be True or False, got "
                             f"{grow_vocabulary!r}.")
        self._fit(X, incremental=True, grow_vocabulary=bool(grow_vocabulary))
        return self

    def _fit(self, X, *, incremental=False, grow_vocabulary=False, transform=False):
        """Fit (``incremental``: partial_fit) and swap the new state in; return the
        document vectors of ``X`` if ``transform``."""
        # Parameters are validated by _fit_context (fit) or partial_fit before this runs;
        # the settings check their combinations and resolve every "auto" once.
        previous = self._fitted_state() if incremental or self.warm_start else None
        settings, features = self._settings(fitted=previous is not None)
        with verbose_output(self.verbose):
            state, X_new = fit_state(settings, X, previous, incremental=incremental,
                                     grow_vocabulary=grow_vocabulary,
                                     extras=WordVectorExtras(features, transform=transform))
        watch = CoverageWatch()
        if previous is None:
            # What the fit warned about init's vectors, transform does not repeat.
            watch.seen_at_fit(state["coverage_"])
        state["_coverage_watch"] = watch
        self._set_fitted_state(state)
        return X_new

    def _settings(self, *, fitted=False):
        """The resolved settings of the parameters: the parts of a fit, and the document
        features; ``fitted``: of the fitted model (training that continues from it)."""
        model = self._model_settings(fitted=fitted, cbow_mean=self.cbow_mean)
        model.check_word_vectors(self.word_vectors)
        settings = FitSettings(
            text=self._text_settings(),
            corpus=CorpusSettings.resolve(
                min_count=self.min_count, max_vocab_size=self.max_vocab_size,
                out_of_core=self.out_of_core, temp_folder=self.temp_folder),
            model=model,
            training=self._training_settings(model, epoch_callback=self.epoch_callback))
        features = FeatureSettings(pooling=self.pooling, sif_alpha=self.sif_alpha,
                                   normalize=self.normalize, word_vectors=self.word_vectors)
        return settings, features

    def _check_dtype(self):
        return check_float_dtype(self.dtype)

    def _learning_rate(self):
        return self._settings(fitted=hasattr(self, "vectors_"))[0].training.learning_rate

    def _fitted_layer(self):
        """The output layer of the fitted model and its matrix (``score``, theory)."""
        return fitted_layer_of(self.objective, self.negative, self.share_negatives,
                               vars(self))

    # ---------------------------------------------------------------- transform

    @property
    def embedding_(self) -> FloatArray:
        """Word vectors used by ``transform`` and queries, per ``word_vectors``.

        ``vectors_`` for ``word_vectors="input"``, ``vectors_ + context_vectors_`` for
        ``"input+output"``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Word2VecTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> model = Word2VecTransformer(vector_size=20, epochs=1, n_jobs=1, random_state=0,
        ...                             word_vectors="input+output")
        >>> model = model.fit(load_sample_corpus(n_lines=2000))
        >>> np.allclose(model.embedding_, model.vectors_ + model.context_vectors_)
        True
        """
        check_is_fitted(self, "vectors_")
        if self.word_vectors == "input+output":
            if not self.fitted_parts_.output_vectors and self.fitted_parts_.node_vectors:
                raise ValueError(NO_OUTPUT_WORD_VECTORS)
            self._require_part("output_vectors", "word_vectors='input+output'")
        return embedding_of(self.word_vectors, self.vectors_,
                            getattr(self, "context_vectors_", None))

    def _require_part(self, part, what):
        """Raise ValueError saying how to get ``part`` if this model does not have it."""
        parts = self.fitted_parts_
        if getattr(parts, part):
            return
        if part == "output_vectors":
            missing = "output vectors (context_vectors_)"
            fix = ("fit on documents with epochs > 0 (with init= these vectors, or "
                   "warm_start=True) to train them")
        elif part in ("idf", "sif_component") and parts.word_counts:
            missing = ("the idf of the training documents" if part == "idf"
                       else "the SIF principal component of the training documents")
            fix = (f"fit learns it only when pooling={self.pooling!r}; this model was "
                   f"fitted with another pooling. Fit again with pooling={self.pooling!r}")
        else:
            missing = "statistics of training documents (word counts, idf, SIF)"
            fix = ("call fit(X) on documents; with epochs=0 it keeps the vectors as they "
                   "are and learns only what pooling needs")
        source = {"loaded": "vectors loaded with from_word2vec_format",
                  "pretrained": "a model fitted with epochs=0 (pretrained vectors used as "
                                "they are)"}.get(parts.origin, "this model")
        raise ValueError(f"{what} needs {missing}, which {source} does not have: {fix}.")

    def _require_pooling_statistics(self):
        self._require_part("idf" if self.pooling == "tfidf" else "sif_component",
                           f"pooling={self.pooling!r}")

    def transform(self, X: Documents) -> FloatArray:
        """Document vectors: the pooled vectors of each document's known words.

        Unknown words are skipped; a document without any known word gives a zero row.
        When few of the tokens transformed have a vector, a ``LowCoverageWarning`` says
        how many, why and what to change. It judges the calls since the fit together, in
        windows of at least 1,000 tokens (a call with that many alone), so that
        transforming one short document at a time does not warn about the share of a few
        words; and it warns once per fitted model and cause: a case mismatch between the
        vectors and the analyzer, punctuation that the analyzer keeps, or a low share
        that neither explains (below 70% of the tokens for ``init``'s vectors, 50% for
        vectors learned from the training text: text of another language or kind).

        Parameters
        ----------
        X : iterable of str, bytes or list of str
            Documents, in the same forms ``fit`` accepts.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size)
            In the dtype of the vectors (``dtype``).

        Examples
        --------
        >>> from sklearn_w2v import Word2VecTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> texts = load_sample_corpus(n_lines=2000)
        >>> model = Word2VecTransformer(vector_size=20, epochs=3, n_jobs=1, random_state=0)
        >>> model = model.fit(texts)
        >>> X = model.transform(["the lord is my shepherd", "a whale of a ship"])
        >>> X.shape, X.dtype
        ((2, 20), dtype('float32'))
        """
        check_is_fitted(self, "vectors_")
        corpus = transform_corpus(
            iter_token_lists(X, self._build_analyzer()), self.vocabulary_,
            pretrained=self.fitted_parts_.origin != "trained", init=self.init,
            lowercase=self.lowercase, watch=self._transform_watch(),
            min_count=self.min_count)
        return self._pool(corpus)

    def _transform_watch(self):
        """The fitted model's coverage watch, to which transform adds the counts of its
        documents; it warns once per cause when a window of calls shows a mistake
        (_text/coverage.py). A model pickled before the watch existed gets one here."""
        return self.__dict__.setdefault("_coverage_watch", CoverageWatch())

    def _pool(self, corpus):
        if self.pooling in ("tfidf", "sif"):
            self._require_pooling_statistics()
        return pool_documents(
            corpus, self.embedding_, self.pooling, idf=getattr(self, "idf_", None),
            sif_weights=getattr(self, "sif_weights_", None),
            sif_component=getattr(self, "sif_component_", None), normalize=self.normalize)

    @property
    def _n_features_out(self):
        # Used by ClassNamePrefixFeaturesOutMixin for get_feature_names_out().
        return self.vectors_.shape[1]

    # -------------------------------------------------------------------- score

    def score(self, X: Documents, y: None = None) -> float:
        """Mean held-out log-likelihood of the words of ``X`` under the model.

        For skip-gram, the mean of ``log p(o|c)`` over every (center, context) pair of known
        words within ``window``; for CBOW, the mean of ``log p(c|context)`` over every center
        word with a context, the context being the mean (or sum) of the context vectors. The
        windows are full width, without subsampling, so the score is deterministic; higher is
        better. After fine-tuning (``init``), pretrained words that the training documents
        did not contain have untrained output vectors: they are left out of the softmax,
        and predictions of them are skipped like unknown words.

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

        Examples
        --------
        >>> from sklearn_w2v import Word2VecTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> texts = load_sample_corpus(n_lines=2000)
        >>> model = Word2VecTransformer(objective="softmax", vector_size=20, epochs=3,
        ...                             n_jobs=1, random_state=0).fit(texts[:1500])
        >>> score = model.score(texts[1500:])  # mean log p(context | center), in nats
        >>> bool(-7.0 < score < 0)
        True
        """
        check_is_fitted(self, "vectors_")
        if not self.fitted_parts_.node_vectors:  # hierarchical softmax scores with its nodes
            self._require_part("output_vectors", "score")
        layer, matrix = self._fitted_layer()
        architecture, inputs = self._scored_inputs()
        mean, n_predictions = mean_log_likelihood(
            encode(X, self._build_analyzer(), self.vocabulary_), architecture=architecture,
            layer=layer, window=self.window, parameters={**inputs, layer.parameter: matrix})
        if n_predictions == 0:
            raise ValueError(
                "X has no (center, context) pair of known words within the window, so "
                "there is nothing to score. Pass longer documents or documents that use "
                "the fitted vocabulary.")
        return mean

    def _scored_inputs(self):
        """The architecture ``score`` evaluates and its input matrices (a subclass with
        another input side overrides it)."""
        return (make_architecture(self.architecture, cbow_mean=self.cbow_mean),
                {"input": self.vectors_})

    # ------------------------------------------------------------ word queries
    # model[word], word in model, most_similar, ...: KeyedVectorsMixin (_keyed_vectors.py).

    def save_word2vec_format(self, path: PathLike, binary: bool = False) -> None:
        """Write the word vectors in word2vec.c's text or binary format.

        The file holds the matrix chosen by ``word_vectors``, rows in the order of
        ``index_to_word_``, and can be read by gensim's
        ``KeyedVectors.load_word2vec_format``, by :meth:`from_word2vec_format` or as
        ``init`` of another model.

        Parameters
        ----------
        path : str or path-like
            ``.gz`` paths are compressed.
        binary : bool, default=False

        Examples
        --------
        >>> import os, tempfile
        >>> from sklearn_w2v import Word2VecTransformer, load_word2vec_format
        >>> model = Word2VecTransformer(init=(["cat", "dog"], [[1.0, 0.5], [0.0, 1.0]]),
        ...                             vector_size=2, epochs=0).fit(["cat dog"])
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "vectors.txt")
        >>> model.save_word2vec_format(path)
        >>> print(open(path).read())
        2 2
        cat 1.0 0.5
        dog 0.0 1.0
        <BLANKLINE>
        >>> folder.cleanup()
        """
        check_is_fitted(self, "vectors_")
        save_word2vec_format(path, self.index_to_word_, self.embedding_, binary=binary)

    @classmethod
    def from_word2vec_format(cls: type[_Model], path: PathLike, binary: bool | None = None, *,
                             no_header: bool | None = None, limit: int | None = None,
                             restrict_to: Iterable[str] | None = None,
                             unicode_errors: str = "strict", **params: Any) -> _Model:
        """A fitted transformer with the vectors of a word2vec.c, fastText or GloVe file.

        The result transforms documents with the loaded vectors (pooling ``"mean"``,
        ``"sum"`` or ``"max"``) and answers word queries, so published vectors can be
        plugged into a Pipeline. It is ``Word2VecTransformer(init=path, epochs=0,
        **params)`` with the file's vectors already in place (``vector_size=None``
        follows the file's dimension, which ``vector_size_`` gives):
        ``fit(X)`` then learns from X what pooling needs (``"tfidf"``, ``"sif"``) and keeps
        the vectors, or fine-tunes them with ``epochs > 0`` (see ``init``), and its clones
        (a grid search's) do the same. The file has no output vectors and no counts, so
        until such a fit ``score``, ``word_vectors="input+output"`` and pooling
        ``"tfidf"``/``"sif"`` raise an error that says so.

        Parameters
        ----------
        path : str or path-like
        binary : bool or None, default=None
            Binary or text format; None finds it out from the file's bytes.
        no_header, limit, restrict_to, unicode_errors
            Reading options, as for :func:`~sklearn_w2v.load_word2vec_format` (GloVe files
            without header are found out without ``no_header``). When one is not the
            default, ``init`` is a :class:`~sklearn_w2v.VectorFile` holding them, so that
            clones read the file the same way.
        **params
            Other parameters of the transformer (``pooling``, ``lowercase``, ...).

        Returns
        -------
        Word2VecTransformer

        Examples
        --------
        >>> import os, tempfile
        >>> from sklearn_w2v import Word2VecTransformer
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "vectors.txt")
        >>> with open(path, "w") as f:
        ...     _ = f.write("3 2\\ncat 1 0\\ndog 0.8 0.6\\ncar 0 1\\n")
        >>> model = Word2VecTransformer.from_word2vec_format(path)
        >>> model.fitted_parts_.origin, model.vector_size_
        ('loaded', 2)
        >>> model.transform(["cat dog"]).round(2)  # the mean of the two vectors
        array([[0.9, 0.3]], dtype=float32)
        >>> model.most_similar("cat", topn=1)
        [('dog', 0.8...)]
        >>> folder.cleanup()
        """
        model = cls(**{"epochs": 0, **params})
        # The estimator's dtype rule (float32 or float64), with its error message.
        dtype = model._check_dtype()
        init, pretrained = load_vector_file(VectorFile(
            path, binary=binary, no_header=no_header, limit=limit, restrict_to=restrict_to,
            unicode_errors=unicode_errors), dtype)
        model.set_params(init=init)
        model._validate_params()
        # An explicit vector_size must be the file's dimension (the error of a fit).
        resolve_init(init, vector_size=model.vector_size, dtype=dtype)
        model._set_fitted_state(_loaded_state(model, pretrained))
        return model


def _loaded_state(model, pretrained):
    """The fitted state of vectors loaded without documents (nothing learned)."""
    settings, _ = model._settings()
    state = {
        "vocabulary_": pretrained.index, "index_to_word_": pretrained.words,
        "vectors_": pretrained.vectors, "loss_curve_": [], "n_pairs_": 0,
        "n_centers_": 0, "n_effective_words_": 0, "training_seconds_": 0.0,
        "corpus_word_count_": 0, "epochs_": 0,
        "batch_size_": settings.training.batch_size, "_training_tokens": 0,
        "_structure": settings.structure,
        "fitted_parts_": FittedParts(origin="loaded", output_vectors=False,
                                     word_counts=False, idf=False, sif_component=False),
        "_coverage_watch": CoverageWatch(),
    }
    return state


class WordVectorExtras(PoolingStatistics):
    """What ``Word2VecTransformer`` learns at fit besides the vectors: the pooling
    statistics, after checking that the fit gives the word vectors ``transform`` uses."""

    def check_plan(self, plan):
        start = plan.start_vectors
        if (not plan.trains and start.output is None
                and self.features.word_vectors == "input+output"):
            raise ValueError(
                "word_vectors='input+output' needs output vectors, which epochs=0 does not "
                "train and pretrained vectors do not carry; use word_vectors='input' or set "
                "epochs > 0.")
