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

Nothing here writes to the estimator: :func:`fit_state` returns the new state as a dict,
which the estimator swaps in at once (an interrupt never leaves half of one fit with half
of another). Vectors that training continues from are copied first for the same reason.
"""

from dataclasses import dataclass, replace

import numpy as np

from ._corpus_store import corpus_folder, encode_to_folder, remap_in_folder
from ._coverage import fit_coverage
from ._huffman import huffman_tree
from ._parallel import MIN_TOKENS_FOR_PROCESSES, effective_n_jobs
from ._pooling import (
    document_frequency,
    fit_sif_component_from_corpus,
    pool_documents,
    sif_weights,
    smoothed_idf,
)
from ._pretrained import resolve_init
from ._schedule import InverseTimeDecay
from ._steps import make_step
from ._text import iter_token_lists
from ._trainer import TrainingConfig, train, warn_if_untrained
from ._vocab import (
    NoiseSampler,
    build_vocabulary,
    count_and_encode,
    keep_probabilities,
    noise_distribution,
    remap_corpus,
)
from ._vocab_growth import extend_vocabulary

# Corpus tokens per block, the unit of work of the trainer and its worker processes: large
# enough that the per-block costs (spawning a generator, a task for a worker) vanish next to
# ~0.3 s of training, small enough that two workers finish an epoch at about the same time.
BLOCK_SIZE = 65536

# Values of the initial vectors drawn at once: a 1 MB float64 temporary instead of two
# (n_words, d) float64 matrices (100 MB on the benchmark corpus).
INIT_BLOCK_VALUES = 1 << 17

# Parameters that define what a fitted model is: training can only continue (warm_start,
# partial_fit) with the values the model was fitted with.
STRUCTURE_PARAMETERS = ("vector_size", "objective", "architecture", "lowercase",
                        "token_pattern", "tokenizer", "preprocessor", "analyzer", "encoding",
                        "decode_error")


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
    "huffman_tree_", "word_counts_",
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


def fit_state(estimator, X, *, incremental=False, grow_vocabulary=False, transform=False):
    """Fit ``estimator``'s parameters to ``X``; return ``(state, X_new)``.

    Parameters
    ----------
    estimator : Word2VecTransformer
        Read only: its parameters and, when training continues, its fitted state.
    X : iterable of documents
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
    # With out_of_core, the encoded corpus lives in files of this folder until the end.
    with corpus_folder(estimator.out_of_core, estimator.temp_folder) as folder:
        return _fit_state(estimator, X, incremental, grow_vocabulary, transform, folder)


def _fit_state(estimator, X, incremental, grow_vocabulary, transform, folder):
    dtype = estimator._check_dtype()
    previous = _previous_state(estimator, incremental)
    if previous is not None:
        check_continuation(estimator, previous, "partial_fit" if incremental else
                           "fit with warm_start=True")
    start = _starting_point(estimator, previous, dtype)
    untrained = not incremental and estimator.epochs == 0
    if untrained and start is None:
        raise ValueError(
            "epochs=0 uses pretrained vectors as they are, but init is None: pass the "
            "vectors as init (a word2vec file, (words, vectors) or KeyedVectors), or set "
            "epochs to train.")
    if untrained and start.output is None and estimator.word_vectors == "input+output":
        raise ValueError(
            "word_vectors='input+output' needs output vectors, which epochs=0 does not "
            "train and pretrained vectors do not carry; use word_vectors='input' or set "
            "epochs > 0.")
    add_words = (start is None or (incremental and (previous is None or grow_vocabulary))
                 or (not incremental and estimator.epochs != 0))
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
    token_lists = iter_token_lists(X, estimator._build_analyzer())
    if folder is None:
        words, counts, corpus = count_and_encode(token_lists)
    else:
        words, counts, corpus = encode_to_folder(token_lists, folder)
    if corpus.n_docs == 0:
        raise ValueError("X is an empty corpus: fit needs at least one document.")
    known = {} if start is None else start.index
    # Coverage of X by the vectors the fit starts from: coverage_, and one warning when
    # init's cover little of it (sklearn_w2v/_coverage.py).
    coverage = None if start is None else fit_coverage(words, counts, start, estimator)
    # Counts of words still below min_count, kept between the partial_fit calls that grow
    # the vocabulary (a fit counts X alone).
    pending = None
    if incremental:
        pending = previous.get("_pending_counts") if previous is not None else None
        if grow_vocabulary and pending is None:
            pending = {}
    if start is None:
        # The common case, kept on the plain path (no lookups of the known words).
        new_words, new_counts, old_to_new = build_vocabulary(
            words, counts, min_count=estimator.min_count,
            max_vocab_size=estimator.max_vocab_size)
        known_counts = np.zeros(0, dtype=np.int64)
        if pending is not None:
            dropped = np.flatnonzero(old_to_new < 0).tolist()
            pending = {words[i]: int(counts[i]) for i in dropped}
    else:
        growth = extend_vocabulary(known, words, counts, min_count=estimator.min_count,
                                   max_vocab_size=estimator.max_vocab_size,
                                   add_words=add_words, pending=pending)
        known_counts, new_words, new_counts = (growth.known_counts, growth.new_words,
                                               growth.new_counts)
        old_to_new, pending = growth.old_to_new, growth.pending
    del words, counts  # every distinct word (194k on the benchmark corpus)
    if start is None and not new_words:
        raise ValueError(
            f"The vocabulary is empty: no word occurs at least min_count="
            f"{estimator.min_count} times in the {corpus.n_docs} documents "
            f"({corpus.n_tokens} tokens). Lower min_count or pass a larger corpus.")
    if folder is None:
        corpus = remap_corpus(corpus, old_to_new, in_place=True)
    else:
        corpus = remap_in_folder(corpus, old_to_new, folder)
    del old_to_new
    n_known, n_words = len(known), len(known) + len(new_words)
    # Counts of X, then what the statistics use: partial_fit adds them up over its calls.
    x_counts = np.concatenate([known_counts, new_counts])
    counts_so_far = x_counts
    if incremental and previous is not None and "word_counts_" in previous:
        counts_so_far = x_counts + _padded(previous["word_counts_"], n_words)
    epochs = 1 if incremental else resolve_epochs(estimator.epochs, corpus.n_tokens)

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
        state.update(_train(estimator, corpus, start, n_words, counts_so_far, epochs, dtype,
                            incremental, previous))
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
    state["batch_size_"] = estimator._batch_size()
    state["word_counts_"] = counts_so_far
    state["sif_weights_"] = sif_weights(counts_so_far, estimator.sif_alpha)
    embedding = estimator._embedding_of(state["vectors_"], state.get("context_vectors_"))
    if estimator.pooling == "sif":
        state["sif_component_"] = fit_sif_component_from_corpus(
            corpus, embedding, state["sif_weights_"])
    X_new = None
    if transform:
        X_new = pool_documents(
            corpus, embedding, estimator.pooling, idf=state.get("idf_"),
            sif_weights=state["sif_weights_"], sif_component=state.get("sif_component_"),
            normalize=estimator.normalize)
    del embedding, corpus  # freed before the vocabulary dict is built: a lower peak

    state.update(_vocabulary(start, new_words, n_known))
    if pending is not None:
        state["_pending_counts"] = pending
    state["_structure"] = {name: getattr(estimator, name) for name in STRUCTURE_PARAMETERS}
    state["_structure"]["dtype"] = dtype
    state["fitted_parts_"] = FittedParts(
        origin=_origin(start, epochs, previous),
        output_vectors="context_vectors_" in state, word_counts=True,
        idf="idf_" in state, sif_component="sif_component_" in state,
        node_vectors="node_vectors_" in state)
    return state, X_new


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


def check_continuation(estimator, previous, method):
    """Raise ValueError if ``estimator``'s parameters no longer fit its fitted model."""
    structure = previous["_structure"]
    for name, fitted_value in structure.items():
        value = (estimator._check_dtype() if name == "dtype"
                 else getattr(estimator, name))
        if value != fitted_value:
            raise ValueError(
                f"{method} continues training the fitted model, which was fitted with "
                f"{name}={fitted_value!r}, but now {name}={value!r}. Set {name} back to "
                f"{fitted_value!r}, or fit a new model (fit with warm_start=False).")


def _previous_state(estimator, incremental):
    """The fitted state that training continues from, as a dict, or None."""
    if not hasattr(estimator, "vectors_") or not (incremental or estimator.warm_start):
        return None
    return {name: getattr(estimator, name) for name in FITTED_ATTRIBUTES
            if hasattr(estimator, name)}


def _starting_point(estimator, previous, dtype):
    if previous is not None:
        return _Start(previous["index_to_word_"], previous["vocabulary_"],
                      previous["vectors_"], previous.get("context_vectors_"), "model",
                      previous.get("node_vectors_"), previous.get("huffman_tree_"))
    if estimator.init is None:
        return None
    pretrained = resolve_init(estimator.init, vector_size=estimator.vector_size,
                              dtype=dtype)
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


def _train(estimator, corpus, start, n_words, counts, epochs, dtype, incremental, previous):
    """Train from ``start`` (or word2vec.c's random start); the state training sets."""
    seed_sequence = seed_sequence_of(estimator.random_state)
    init_seed, train_seed = seed_sequence.spawn(2)
    tree = None
    if estimator.objective == "hierarchical":
        # Continued training keeps its tree (the vocabulary is unchanged, see above).
        tree = start.tree if start is not None and start.tree is not None \
            else huffman_tree_of(counts)
    parameters = _initial_parameters(start, n_words, estimator.vector_size, dtype,
                                     np.random.default_rng(init_seed), tree)
    noise_probabilities = noise_distribution(counts, estimator.ns_exponent)
    step = make_step(estimator.architecture, estimator.objective,
                     sampler=(NoiseSampler(noise_probabilities)
                              if estimator.objective in ("negative", "nce") else None),
                     negative=estimator.negative, share_negatives=estimator.share_negatives,
                     tree=tree, cbow_mean=estimator.cbow_mean)
    schedule = None  # fit: linear decay over its epochs
    if incremental:
        schedule = partial_fit_schedule(estimator, 0 if previous is None
                                        else previous["_training_tokens"])
    config = TrainingConfig(
        epochs=epochs, window=estimator.window, shrink_windows=estimator.shrink_windows,
        keep_probability=(keep_probabilities(counts, estimator.sample)
                          if estimator.sample > 0 else None),
        batch_size=estimator._batch_size(), learning_rate=estimator._learning_rate(),
        min_learning_rate=estimator.min_learning_rate, block_size=BLOCK_SIZE,
        schedule=schedule)
    reports = train(corpus, parameters, step, config, seed_sequence=train_seed,
                    n_jobs=_training_processes(estimator, corpus.n_tokens * epochs),
                    verbose=estimator.verbose, epoch_callback=estimator._epoch_callback())
    warn_if_untrained(reports)
    outputs = ({"node_vectors_": parameters["inner"], "huffman_tree_": tree}
               if tree is not None else {"context_vectors_": parameters["output"]})
    return {
        "vectors_": parameters["input"],
        **outputs,
        "noise_distribution_": noise_probabilities,
        "loss_curve_": [float(report.mean_loss) for report in reports],
        "n_pairs_": int(sum(report.n_pairs for report in reports)),
        "n_centers_": int(sum(report.n_centers for report in reports)),
        "n_effective_words_": int(sum(report.n_effective_words for report in reports)),
        "training_seconds_": float(sum(report.seconds for report in reports)),
        "epochs_": epochs,
        "_training_tokens": int(corpus.n_tokens) * epochs,
    }


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


def partial_fit_schedule(estimator, tokens_before):
    """The learning rate of ``partial_fit``: see :class:`~sklearn_w2v._schedule.InverseTimeDecay`."""
    return InverseTimeDecay(estimator._learning_rate(), estimator.min_learning_rate,
                            PARTIAL_FIT_HALF_LIFE, tokens_before)


# Tokens after which partial_fit's learning rate has halved (see InverseTimeDecay). On the
# 3.3M-token prefix of the benchmark corpus, 10 chunks x 3 passes (10M tokens), measured
# against fit's linear decay over the same 3 passes (8.2% analogies, WS-353 0.445): a
# half-life of 10M reached 8.0% and 0.482, 3.3M (one pass) 7.1% and 0.404, 1M 3.7% and
# 0.300, 330k (one chunk) 1.8% and 0.202; restarting fit's decay in every call 5.0%.
# The rate must stay high long enough for words to move from their random start; a slow
# decay costs little at the end of a long stream, a fast one starves every later chunk.
PARTIAL_FIT_HALF_LIFE = 10_000_000


def _initial_parameters(start, n_words, d, dtype, rng, tree=None):
    """Input and output matrices: the starting rows copied, word2vec.c's start for the rest
    (input rows uniform in [-0.5/d, 0.5/d), output rows zero). With hierarchical softmax
    (``tree``) the output matrix is the ``n_words - 1`` inner-node vectors."""
    n_known = 0 if start is None else len(start.words)
    output = "inner" if tree is not None else "output"
    parameters = {
        "input": np.empty((n_words, d), dtype=dtype),
        output: np.zeros((n_words - 1 if tree is not None else n_words, d), dtype=dtype),
    }
    if n_known:
        parameters["input"][:n_known] = start.vectors
        previous_output = start.nodes if tree is not None else start.output
        if previous_output is not None:
            parameters[output][:len(previous_output)] = previous_output
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


def huffman_tree_of(counts):
    """:func:`~sklearn_w2v._huffman.huffman_tree` of counts in any row order.

    Rows that continue from ``init`` keep the pretrained order, so the counts of X need not
    be non-increasing: the tree is built on them sorted (stably) and its per-word arrays
    are put back in row order; inner nodes do not depend on the rows. A count of 0 (a
    pretrained word that X lacks) counts as 1.
    """
    # Pretrained words that X lacks count 0; as 1 they form a balanced subtree (zeros would
    # merge into one chain, a code longer than word2vec.c's 40 bits).
    counts = np.maximum(np.asarray(counts), 1)
    order = np.argsort(-counts, kind="stable")
    tree = huffman_tree(counts[order])
    if np.array_equal(order, np.arange(len(order))):
        return tree
    rows = np.empty_like(order)
    rows[order] = np.arange(len(order))
    return replace(tree, points=tree.points[rows], codes=tree.codes[rows],
                   lengths=tree.lengths[rows], mask=tree.mask[rows], signs=tree.signs[rows])


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


def _training_processes(estimator, n_tokens_times_epochs):
    n_jobs = effective_n_jobs(estimator.n_jobs)
    if n_jobs > 1 and n_tokens_times_epochs < MIN_TOKENS_FOR_PROCESSES:
        return 1
    return n_jobs


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


__all__ = ["FITTED_ATTRIBUTES", "FittedParts", "auto_epochs", "check_continuation",
           "fit_state", "resolve_epochs"]
