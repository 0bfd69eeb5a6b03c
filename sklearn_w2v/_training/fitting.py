"""The fit procedure: documents and a starting point in, a complete fitted state out.

``fit``, ``partial_fit`` and ``fit`` with ``warm_start`` all run :func:`fit_state`; they
differ in where training starts and what is kept from before:

================  ============================  =====================  ===================
call              starts from                   new words of X         statistics, clock
================  ============================  =====================  ===================
fit               random (word2vec.c) or init   rows (min_count, ...)  from X
fit, epochs=0     init as it is                 ignored                from X, no training
fit, warm_start   the fitted model              rows appended          from X; counters go on
partial_fit       the fitted model (1st call:   only with              accumulated; the
                  like fit, epochs=1)           grow_vocabulary=True   schedule goes on
================  ============================  =====================  ===================

Nothing here reads or writes the estimator: :func:`fit_state` receives the resolved
:class:`~sklearn_w2v._training.settings.FitSettings` and the fitted state to continue from (a dict),
makes a :class:`FitPlan` once, and returns the new state as a dict, which the estimator
swaps in at once (an interrupt never leaves half of one fit with half of another). Vectors
that training continues from are copied first for the same reason.
"""

import time
from dataclasses import dataclass
from functools import partial

import numpy as np

from .._features import (
    document_frequency,
    fit_sif_component_from_corpus,
    pool_documents,
    sif_weights,
    smoothed_idf,
)
from .._model import fitted_layer, make_layer, make_step, noise_distribution
from .._text import (
    build_vocabulary,
    corpus_store,
    extend_vocabulary,
    fit_coverage,
    iter_token_lists,
    keep_probabilities,
)
from .._vectors import resolve_init
from .progress import log_vocabulary
from .schedule import InverseTimeDecay
from .trainer import SerialBlockRunner, TrainingConfig, train, warn_if_untrained
from .workers import MIN_TOKENS_FOR_PROCESSES, ProcessBlockRunner

# Corpus tokens per block, the unit of work of the trainer and its worker processes: large
# enough that the per-block costs (spawning a generator, a task for a worker) vanish next to
# ~0.3 s of training, small enough that two workers finish an epoch at about the same time.
BLOCK_SIZE = 65536

# Values of the initial vectors drawn at once: a 1 MB float64 temporary instead of two
# (n_words, d) float64 matrices (100 MB on the benchmark corpus).
INIT_BLOCK_VALUES = 1 << 17


@dataclass(frozen=True)
class FittedParts:
    """What a fitted :class:`~sklearn_w2v.Word2VecTransformer` holds (``fitted_parts_``).

    Attributes
    ----------
    origin : {"trained", "fine-tuned", "pretrained", "loaded"}
        ``"trained"``: by fit / partial_fit from word2vec.c's random start; ``"fine-tuned"``:
        trained from ``init``'s vectors; ``"pretrained"``: ``init``'s vectors as they are
        (``epochs=0``), with what pooling needs learned from X; ``"loaded"``: from
        :meth:`~sklearn_w2v.Word2VecTransformer.from_word2vec_format`, nothing learned.
    output_vectors : bool
        ``context_vectors_`` and ``noise_distribution_`` exist (``score``,
        ``word_vectors="input+output"``).
    word_counts : bool
        ``word_counts_``, ``sif_weights_`` and ``idf_`` exist (learned from the training
        documents).
    idf : bool
        ``idf_`` exists (learned with the word counts).
    sif_component : bool
        ``sif_component_`` exists (``pooling="sif"``).
    node_vectors : bool
        ``node_vectors_`` and ``huffman_tree_`` exist (``objective="hierarchical"``).

    Examples
    --------
    >>> from sklearn_w2v import Word2VecTransformer
    >>> model = Word2VecTransformer(init=(["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]]),
    ...                             vector_size=2, epochs=0).fit(["cat dog"])
    >>> model.fitted_parts_.origin, model.fitted_parts_.output_vectors
    ('pretrained', False)
    """

    origin: str
    output_vectors: bool
    word_counts: bool
    idf: bool
    sif_component: bool
    node_vectors: bool = False


# Every attribute of the fitted state, public and private: a new state replaces all of them,
# so that one from an earlier fit (an idf_ of another vocabulary) never survives.
FITTED_ATTRIBUTES = (
    "vocabulary_", "index_to_word_", "vectors_", "context_vectors_", "node_vectors_",
    "huffman_tree_", "document_vectors_", "word_counts_",
    "noise_distribution_", "idf_", "sif_weights_", "sif_component_", "loss_curve_",
    "n_pairs_", "n_centers_", "n_effective_words_", "training_seconds_", "batch_size_",
    "epochs_", "corpus_word_count_", "fitted_parts_", "coverage_",
    "_structure", "_training_tokens", "_document_frequency", "_n_documents",
    "_pending_counts",
)


@dataclass
class _Start:
    """Vectors that training continues from: rows ``0..len(words) - 1`` of the new model."""

    words: list
    index: dict
    vectors: np.ndarray
    output: object  # ndarray or None
    origin: str
    nodes: object = None  # hierarchical softmax's inner-node vectors, or None
    tree: object = None  # and its Huffman tree, which training must keep

    def layer_matrix(self, parameter):
        """The starting matrix of the output layer's ``parameter``, or None."""
        return {"output": self.output, "inner": self.nodes}.get(parameter)


@dataclass(frozen=True)
class FitPlan:
    """What kind of fit this is, decided once before any document is read.

    Attributes
    ----------
    start : {"fresh", "pretrained", "continue"}
        word2vec.c's random start, ``init``'s vectors, or the fitted model's.
    start_vectors : _Start or None
        The vectors of ``"pretrained"`` and ``"continue"``.
    previous : dict or None
        The fitted state that ``"continue"`` goes on from (counters, curve, statistics).
    incremental : bool
        ``partial_fit``: one pass, statistics accumulated.
    grow_vocabulary : bool
        ``partial_fit(grow_vocabulary=True)``: counts of rare words kept between calls.
    trains : bool
        Whether the vectors are trained (``epochs=0`` keeps them as they are).
    add_words : bool
        Whether words of X that are not in the starting vocabulary get rows.
    store : MemoryStore or FolderStore
        Where the encoded corpus lives (:mod:`sklearn_w2v._text.stores`).
    n_jobs : int
        Worker processes allowed; see :func:`runner_factory`.
    """

    start: str
    start_vectors: object
    previous: object
    incremental: bool
    grow_vocabulary: bool
    trains: bool
    add_words: bool
    store: object
    n_jobs: int

    def runner_factory(self, n_tokens_times_epochs):
        """The block runner of :func:`~sklearn_w2v._training.trainer.train` for this much work."""
        return runner_factory(self.n_jobs, n_tokens_times_epochs)


def runner_factory(n_jobs, n_tokens_times_epochs):
    """The block runner for ``n_jobs`` allowed processes: one process below
    :data:`MIN_TOKENS_FOR_PROCESSES` tokens x epochs (starting workers would cost more than
    they give), else ``n_jobs`` worker processes."""
    if n_jobs > 1 and n_tokens_times_epochs >= MIN_TOKENS_FOR_PROCESSES:
        return partial(ProcessBlockRunner, n_jobs=n_jobs)
    return SerialBlockRunner


def plan_fit(settings, previous, *, incremental=False, grow_vocabulary=False):
    """The :class:`FitPlan` of a fit with ``settings`` from the fitted state ``previous``
    (None for an unfitted estimator, or when fit starts anew).

    Raises
    ------
    ValueError
        When training cannot continue with these settings, or ``epochs=0`` has nothing to
        keep; nothing has been read or created then.
    """
    if previous is not None and not (incremental or settings.warm_start):
        previous = None
    if previous is not None:
        check_continuation(settings, previous, "partial_fit" if incremental else
                           "fit with warm_start=True")
    start = _starting_point(settings, previous)
    trains = incremental or settings.epochs != 0
    if not trains and start is None:
        raise ValueError(
            "epochs=0 uses pretrained vectors as they are, but init is None: pass the "
            "vectors as init (a word2vec file, (words, vectors) or KeyedVectors), or set "
            "epochs to train.")
    if not trains and start.output is None and settings.word_vectors == "input+output":
        raise ValueError(
            "word_vectors='input+output' needs output vectors, which epochs=0 does not "
            "train and pretrained vectors do not carry; use word_vectors='input' or set "
            "epochs > 0.")
    add_words = (start is None or (incremental and (previous is None or grow_vocabulary))
                 or (not incremental and settings.epochs != 0))
    if start is not None and start.tree is not None:
        # The inner-node vectors belong to the tree of the first fit's counts; a new word
        # would change the tree, so continued hierarchical softmax keeps its vocabulary.
        if incremental and grow_vocabulary:
            raise ValueError(
                "grow_vocabulary=True cannot be used with objective='hierarchical': the "
                "inner-node vectors belong to the Huffman tree of the first fit's "
                "vocabulary, which a new word would change. Call partial_fit without it, "
                "or use objective='negative'.")
        add_words = False
    return FitPlan(
        start="fresh" if start is None else ("continue" if previous is not None
                                             else "pretrained"),
        start_vectors=start, previous=previous, incremental=incremental,
        grow_vocabulary=grow_vocabulary, trains=trains, add_words=add_words,
        store=corpus_store(settings.out_of_core, settings.temp_folder),
        n_jobs=settings.n_jobs)


def fit_state(settings, X, previous=None, *, incremental=False, grow_vocabulary=False,
              transform=False):
    """Fit parameters to ``X``; return ``(state, X_new)``.

    Parameters
    ----------
    settings : FitSettings
    X : iterable of documents
    previous : dict or None
        The estimator's fitted state (every attribute of :data:`FITTED_ATTRIBUTES` it
        has), or None if unfitted; training continues from it with ``partial_fit``
        (``incremental``) and ``warm_start``.
    incremental : bool
        ``partial_fit``: one pass, continuing from the fitted state if any.
    grow_vocabulary : bool
        ``partial_fit`` on a fitted model: append rows for new words of ``X``.
    transform : bool
        Also return the document vectors of ``X`` under the new state.

    Returns
    -------
    state : dict
        Every name of :data:`FITTED_ATTRIBUTES` that the model has.
    X_new : ndarray or None
    """
    plan = plan_fit(settings, previous, incremental=incremental,
                    grow_vocabulary=grow_vocabulary)
    # With out_of_core, the encoded corpus lives in files of a folder until the end.
    with plan.store:
        return _fit_with_plan(settings, plan, X, transform)


def _fit_with_plan(settings, plan, X, transform):
    previous, start, incremental = plan.previous, plan.start_vectors, plan.incremental
    started = time.perf_counter()
    words, counts, corpus = plan.store.count_and_encode(
        iter_token_lists(X, settings.analyzer))
    if corpus.n_docs == 0:
        raise ValueError("X is an empty corpus: fit needs at least one document.")
    known = {} if start is None else start.index
    # Coverage of X by the vectors the fit starts from: coverage_, and one warning when
    # init's cover little of it (sklearn_w2v/_coverage.py).
    coverage = None if start is None else fit_coverage(
        words, counts, start, init=settings.init, lowercase=settings.structure["lowercase"])
    # Counts of words still below min_count, kept between the partial_fit calls that grow
    # the vocabulary (a fit counts X alone).
    pending = None
    if incremental:
        pending = previous.get("_pending_counts") if previous is not None else None
        if plan.grow_vocabulary and pending is None:
            pending = {}
    if start is None:
        # The common case, kept on the plain path (no lookups of the known words).
        new_words, new_counts, old_to_new = build_vocabulary(
            words, counts, min_count=settings.min_count,
            max_vocab_size=settings.max_vocab_size)
        known_counts = np.zeros(0, dtype=np.int64)
        if pending is not None:
            dropped = np.flatnonzero(old_to_new < 0).tolist()
            pending = {words[i]: int(counts[i]) for i in dropped}
    else:
        growth = extend_vocabulary(known, words, counts, min_count=settings.min_count,
                                   max_vocab_size=settings.max_vocab_size,
                                   add_words=plan.add_words, pending=pending)
        known_counts, new_words, new_counts = (growth.known_counts, growth.new_words,
                                               growth.new_counts)
        old_to_new, pending = growth.old_to_new, growth.pending
    del words, counts  # every distinct word (194k on the benchmark corpus)
    if start is None and not new_words:
        raise ValueError(
            f"The vocabulary is empty: no word occurs at least min_count="
            f"{settings.min_count} times in the {corpus.n_docs} documents "
            f"({corpus.n_tokens} tokens). Lower min_count or pass a larger corpus.")
    corpus = plan.store.remap(corpus, old_to_new)
    del old_to_new
    n_known, n_words = len(known), len(known) + len(new_words)
    log_vocabulary(corpus.n_docs, corpus.n_tokens, n_words, time.perf_counter() - started)
    # Counts of X, then what the statistics use: partial_fit adds them up over its calls.
    x_counts = np.concatenate([known_counts, new_counts])
    counts_so_far = x_counts
    if incremental and previous is not None and "word_counts_" in previous:
        counts_so_far = x_counts + _padded(previous["word_counts_"], n_words)
    epochs = 1 if incremental else resolve_epochs(settings.epochs, corpus.n_tokens)

    state = {"coverage_": coverage}
    # Before the vector matrices exist, so that its temporaries do not add to them. idf is
    # cheap (one sort of packed keys per chunk), so it is always learned; the SIF component
    # (a pass pooling every document) only for "sif".
    df, n_docs = document_frequency(corpus, n_words), corpus.n_docs
    if incremental and previous is not None and "_document_frequency" in previous:
        df += _padded(previous["_document_frequency"], n_words)
        n_docs += previous["_n_documents"]
    state.update(_document_frequency=df, _n_documents=n_docs, idf_=smoothed_idf(df, n_docs))

    if epochs > 0:
        state.update(_train(settings, plan, corpus, n_words, counts_so_far, epochs))
    else:
        state.update(_untrained(start, previous))
    if previous is not None:
        # Training goes on: the curve and the counters continue (as MLPClassifier's).
        for name in ("n_pairs_", "n_centers_", "n_effective_words_", "training_seconds_",
                     "_training_tokens"):
            state[name] += previous[name]
        state["loss_curve_"] = previous["loss_curve_"] + state["loss_curve_"]
    state["corpus_word_count_"] = int(corpus.n_tokens) + (
        previous["corpus_word_count_"] if incremental and previous is not None else 0)
    state["batch_size_"] = settings.batch_size
    state["word_counts_"] = counts_so_far
    state["sif_weights_"] = sif_weights(counts_so_far, settings.sif_alpha)
    embedding = embedding_of(settings.word_vectors, state["vectors_"],
                             state.get("context_vectors_"))
    if settings.pooling == "sif":
        state["sif_component_"] = fit_sif_component_from_corpus(
            corpus, embedding, state["sif_weights_"])
    X_new = None
    if transform:
        X_new = pool_documents(
            corpus, embedding, settings.pooling, idf=state.get("idf_"),
            sif_weights=state["sif_weights_"], sif_component=state.get("sif_component_"),
            normalize=settings.normalize)
    del embedding, corpus  # freed before the vocabulary dict is built: a lower peak

    state.update(_vocabulary(start, new_words, n_known))
    if pending is not None:
        state["_pending_counts"] = pending
    state["_structure"] = dict(settings.structure)
    state["fitted_parts_"] = FittedParts(
        origin=_origin(start, epochs, previous),
        output_vectors="context_vectors_" in state, word_counts=True,
        idf="idf_" in state, sif_component="sif_component_" in state,
        node_vectors="node_vectors_" in state)
    return state, X_new


def embedding_of(word_vectors, vectors, context_vectors):
    """The word vectors of documents and queries: ``vectors`` for
    ``word_vectors="input"``, ``vectors + context_vectors`` for ``"input+output"``."""
    if word_vectors == "input+output":
        if context_vectors is None:
            raise ValueError(
                "word_vectors='input+output' needs output vectors, which are trained "
                "only when epochs > 0; with epochs=0 use word_vectors='input'.")
        return vectors + context_vectors
    return vectors


def resolve_epochs(epochs, n_tokens):
    """Passes over a corpus of ``n_tokens`` tokens for the ``epochs`` parameter."""
    if epochs != "auto":
        return int(epochs)
    return auto_epochs(n_tokens)


# epochs="auto": enough passes that training sees at least _AUTO_TOKENS tokens, at least
# word2vec's 5 and at most _MAX_AUTO_EPOCHS. Measured on the Rotten Tomatoes pipeline
# (175k training tokens, Word2VecTransformer + LogisticRegression, test accuracy, seeds 0
# and 1): 5 epochs 0.61, 10 0.65, 15 0.68, 20 0.70, 30 0.71, 40 0.72, 60 0.73, 100 0.73,
# at 0.45 s an epoch; 4M tokens (23 epochs there) is past the knee of that curve. Corpora
# of 800k tokens and more keep word2vec's 5 epochs.
_AUTO_TOKENS = 4_000_000
_MIN_AUTO_EPOCHS = 5
_MAX_AUTO_EPOCHS = 50


def auto_epochs(n_tokens):
    """``epochs="auto"``: ``ceil(4,000,000 / n_tokens)`` passes, clipped to 5..50."""
    passes = -(-_AUTO_TOKENS // max(int(n_tokens), 1))
    return int(min(max(passes, _MIN_AUTO_EPOCHS), _MAX_AUTO_EPOCHS))


def check_continuation(settings, previous, method):
    """Raise ValueError if ``settings`` no longer fit the fitted model ``previous``."""
    for name, fitted_value in previous["_structure"].items():
        value = settings.structure[name]
        if value != fitted_value:
            raise ValueError(
                f"{method} continues training the fitted model, which was fitted with "
                f"{name}={fitted_value!r}, but now {name}={value!r}. Set {name} back to "
                f"{fitted_value!r}, or fit a new model (fit with warm_start=False).")


def _starting_point(settings, previous):
    if previous is not None:
        return _Start(previous["index_to_word_"], previous["vocabulary_"],
                      previous["vectors_"], previous.get("context_vectors_"), "model",
                      previous.get("node_vectors_"), previous.get("huffman_tree_"))
    if settings.init is None:
        return None
    pretrained = resolve_init(settings.init, vector_size=settings.vector_size,
                              dtype=settings.dtype)
    return _Start(pretrained.words, pretrained.index, pretrained.vectors, None, "init")


def _origin(start, epochs, previous):
    if previous is not None:
        origin = previous["fitted_parts_"].origin
        if epochs == 0 or origin in ("trained", "fine-tuned"):
            return origin
        return "fine-tuned"
    if start is None:
        return "trained"
    return "fine-tuned" if epochs > 0 else "pretrained"


def _train(settings, plan, corpus, n_words, counts, epochs):
    """Train from the plan's start (or word2vec.c's random start); the state training
    sets."""
    start, previous = plan.start_vectors, plan.previous
    seed_sequence = seed_sequence_of(settings.random_state)
    init_seed, train_seed = seed_sequence.spawn(2)
    noise_probabilities = noise_distribution(counts, settings.ns_exponent)
    # Continued hierarchical softmax keeps its tree (the vocabulary is unchanged, see
    # plan_fit).
    architecture = settings.architecture
    layer = make_layer(settings.objective, counts=counts,
                       noise_distribution=noise_probabilities, negative=settings.negative,
                       share_negatives=settings.share_negatives,
                       tree=None if start is None else start.tree,
                       noise_groups=architecture.noise_groups)
    rng = np.random.default_rng(init_seed)
    parameters = _initial_parameters(start, n_words, settings.vector_size, settings.dtype,
                                     rng, layer)
    if architecture.trains_documents:
        # One vector per training document, started as the word vectors are (gensim).
        parameters["documents"] = initial_center_vectors(
            rng, corpus.n_docs, settings.vector_size, settings.dtype)
    step = make_step(architecture, layer)
    schedule = None  # fit: linear decay over its epochs
    if plan.incremental:
        schedule = partial_fit_schedule(settings, 0 if previous is None
                                        else previous["_training_tokens"])
    config = training_config(settings, architecture, counts, epochs=epochs,
                             learning_rate=settings.learning_rate, schedule=schedule)
    reports = train(corpus, parameters, step, config, seed_sequence=train_seed,
                    runner_factory=plan.runner_factory(corpus.n_tokens * epochs),
                    verbose=settings.verbose,
                    epoch_callback=_epoch_callback(settings.epoch_callback, layer))
    warn_if_untrained(reports)
    documents = ({"document_vectors_": parameters["documents"]}
                 if architecture.trains_documents else {})
    return {
        "vectors_": parameters["input"],
        **layer.fitted_state(parameters[layer.parameter]),
        **documents,
        "noise_distribution_": noise_probabilities,
        "loss_curve_": [float(report.mean_loss) for report in reports],
        "n_pairs_": int(sum(report.n_pairs for report in reports)),
        "n_centers_": int(sum(report.n_centers for report in reports)),
        "n_effective_words_": int(sum(report.n_effective_words for report in reports)),
        "training_seconds_": float(sum(report.seconds for report in reports)),
        "epochs_": epochs,
        "_training_tokens": int(corpus.n_tokens) * epochs,
    }


def training_config(settings, architecture, counts, *, epochs, learning_rate,
                    schedule=None, frozen=()):
    """The :class:`~sklearn_w2v._training.trainer.TrainingConfig` of ``settings``, with the
    minibatch options of ``architecture`` and subsampling by the word ``counts``."""
    batches = {"window": settings.window, "shrink_windows": settings.shrink_windows,
               "keep_isolated": False, "with_documents": False,
               **architecture.batch_options}
    return TrainingConfig(
        epochs=epochs, keep_probability=(keep_probabilities(counts, settings.sample)
                                         if settings.sample > 0 else None),
        batch_size=settings.batch_size, learning_rate=learning_rate,
        min_learning_rate=settings.min_learning_rate, block_size=BLOCK_SIZE,
        schedule=schedule, frozen=tuple(frozen), **batches)


def infer_document_vectors(settings, fitted, corpus, *, epochs, learning_rate):
    """Vectors of the documents of ``corpus`` by gradient steps on them alone, the word
    and output vectors of the ``fitted`` state frozen (Le & Mikolov's inference).

    All documents train together, as one corpus of minibatches (gensim's
    ``infer_vector`` runs one document per call); each starts as word2vec.c's random
    vectors and follows ``learning_rate`` down to ``min_learning_rate`` over ``epochs``.
    PV-DBOW's optional skip-gram part is left out: it would only train frozen vectors.

    Parameters
    ----------
    settings : FitSettings
    fitted : dict
        The fitted state (``vectors_``, the layer's matrix and tables, ``word_counts_``).
    corpus : EncodedCorpus
        The documents, encoded with the fitted vocabulary.
    epochs : int
    learning_rate : float

    Returns
    -------
    ndarray of shape (corpus.n_docs, vector_size)
    """
    layer, matrix = fitted_layer_of(settings, fitted)
    architecture = settings.architecture.documents_alone()
    init_seed, train_seed = seed_sequence_of(settings.random_state).spawn(2)
    vectors = fitted["vectors_"]
    documents = initial_center_vectors(np.random.default_rng(init_seed), corpus.n_docs,
                                       vectors.shape[1], vectors.dtype)
    if corpus.n_tokens == 0:
        return documents
    if layer.uses_noise_words:
        # The output layer is frozen: a minibatch's predictions can share their noise
        # words, which makes inference several times faster (see NoiseContrastive).
        layer.minibatch_noise = layer.frozen_matrix = True
        layer.sampler  # built once here, not in every worker
    parameters = {"input": vectors, layer.parameter: matrix, "documents": documents}
    config = training_config(settings, architecture, fitted["word_counts_"], epochs=epochs,
                             learning_rate=learning_rate,
                             frozen=("input", layer.parameter))
    train(corpus, parameters, make_step(architecture, layer), config,
          seed_sequence=train_seed,
          runner_factory=runner_factory(settings.n_jobs, corpus.n_tokens * epochs))
    return parameters["documents"]


def fitted_layer_of(params, fitted):
    """The output layer of a fitted state, and its matrix (None if the state has none).

    ``params`` gives ``objective``, ``negative`` and ``share_negatives`` (FitSettings or
    an estimator); ``fitted`` is the fitted state as a dict."""
    layer = fitted_layer(params.objective,
                         noise_distribution=fitted.get("noise_distribution_"),
                         tree=fitted.get("huffman_tree_"), negative=params.negative,
                         share_negatives=params.share_negatives)
    return layer, fitted.get(layer.public_name)


def _epoch_callback(user_callback, layer):
    """The trainer's ``callback(report, parameters)`` calling the user's
    ``epoch_callback(report, input_vectors, output_vectors)``: the output vectors are the
    layer's matrix (per word, or per inner node for hierarchical softmax)."""
    if user_callback is None:
        return None

    def callback(report, parameters):
        user_callback(report, parameters["input"], parameters[layer.parameter])
    return callback


def _untrained(start, previous):
    """The state of ``epochs=0``: the starting vectors as they are."""
    state = {"vectors_": start.vectors, "loss_curve_": [], "n_pairs_": 0, "n_centers_": 0,
             "n_effective_words_": 0, "training_seconds_": 0.0, "epochs_": 0,
             "_training_tokens": 0}
    if start.output is not None:
        state["context_vectors_"] = start.output
    if start.nodes is not None:
        state.update(node_vectors_=start.nodes, huffman_tree_=start.tree)
    if previous is not None and "noise_distribution_" in previous:
        state["noise_distribution_"] = previous["noise_distribution_"]
    return state


def partial_fit_schedule(settings, tokens_before):
    """The learning rate of ``partial_fit``: see :class:`~sklearn_w2v._training.schedule.InverseTimeDecay`."""
    return InverseTimeDecay(settings.learning_rate, settings.min_learning_rate,
                            PARTIAL_FIT_HALF_LIFE, tokens_before)


# Tokens after which partial_fit's learning rate has halved (see InverseTimeDecay). On the
# 3.3M-token prefix of the benchmark corpus, 10 chunks x 3 passes (10M tokens), measured
# against fit's linear decay over the same 3 passes (8.2% analogies, WS-353 0.445): a
# half-life of 10M reached 8.0% and 0.482, 3.3M (one pass) 7.1% and 0.404, 1M 3.7% and
# 0.300, 330k (one chunk) 1.8% and 0.202; restarting fit's decay in every call 5.0%.
# The rate must stay high long enough for words to move from their random start; a slow
# decay costs little at the end of a long stream, a fast one starves every later chunk.
PARTIAL_FIT_HALF_LIFE = 10_000_000


def _initial_parameters(start, n_words, d, dtype, rng, layer):
    """Input matrix and the layer's matrix: the starting rows copied, word2vec.c's start for
    the rest (input rows uniform in [-0.5/d, 0.5/d), the layer's rows zero)."""
    n_known = 0 if start is None else len(start.words)
    parameters = {
        "input": np.empty((n_words, d), dtype=dtype),
        layer.parameter: np.zeros((layer.n_rows(n_words), d), dtype=dtype),
    }
    if n_known:
        parameters["input"][:n_known] = start.vectors
        previous_output = start.layer_matrix(layer.parameter)
        if previous_output is not None:
            parameters[layer.parameter][:len(previous_output)] = previous_output
    # Drawn straight into the matrix: a separate array would hold a second copy of it.
    initial_center_vectors(rng, n_words - n_known, d, dtype, out=parameters["input"][n_known:])
    return parameters


def initial_center_vectors(rng, n_words, d, dtype, out=None):
    """word2vec.c's ``(u - 0.5) / d`` with u uniform in [0, 1), drawn in blocks of rows
    (into ``out`` if given).

    ``Generator.random`` fills arrays from one stream in C order, so the blocks hold the
    same values as one ``rng.random((n_words, d))`` draw.
    """
    vectors = np.empty((n_words, d), dtype=dtype) if out is None else out
    rows = max(1, INIT_BLOCK_VALUES // d)
    for first in range(0, n_words, rows):
        block = rng.random((min(rows, n_words - first), d))
        block -= 0.5
        block /= d
        vectors[first:first + len(block)] = block
    return vectors


def _vocabulary(start, new_words, n_known):
    """``vocabulary_`` and ``index_to_word_``; shared with ``start`` when nothing joins."""
    if start is not None and not new_words:
        return {"vocabulary_": start.index, "index_to_word_": start.words}
    words = (list(start.words) if start is not None else []) + list(new_words)
    vocabulary = dict(start.index) if start is not None else {}
    vocabulary.update(zip(new_words, range(n_known, n_known + len(new_words))))
    return {"vocabulary_": vocabulary, "index_to_word_": words}


def _padded(values, n):
    """``values`` followed by zeros up to length ``n`` (rows appended since)."""
    out = np.zeros(n, dtype=values.dtype)
    out[:len(values)] = values
    return out


def seed_sequence_of(random_state):
    """A SeedSequence from scikit-learn's random_state convention."""
    from numbers import Integral

    from sklearn.utils import check_random_state

    if random_state is None:
        return np.random.SeedSequence()
    if isinstance(random_state, Integral):
        return np.random.SeedSequence(int(random_state))
    # A RandomState instance: draw the seed from it, so successive fits differ.
    rng = check_random_state(random_state)
    return np.random.SeedSequence(int(rng.randint(np.iinfo(np.int32).max)))


__all__ = ["FITTED_ATTRIBUTES", "FitPlan", "FittedParts", "auto_epochs",
           "check_continuation", "embedding_of", "fit_state", "plan_fit", "resolve_epochs"]
