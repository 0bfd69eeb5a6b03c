"""The stages of a fit, each a function of what the stage before it made.

read and count (:func:`read_and_count`) → vocabulary (:func:`choose_vocabulary`) →
training (:func:`train_vectors`, or :func:`untrained_vectors` for ``epochs=0``) → the
counters of continued training (:func:`continued_counters`). The estimator's own extras
and the assembly of the fitted state are in :mod:`sklearn_w2v._training.fit`.
"""

import time
from dataclasses import dataclass

import numpy as np

from .._model import NGRAMS, WORD_INPUTS, make_step, noise_distribution
from .._text import (
    build_vocabulary,
    extend_vocabulary,
    fit_coverage,
    iter_token_lists,
    subword_fit_coverage,
    whose_vectors,
)
from .._utils import current_hooks
from .parameters import initial_center_vectors, initial_parameters, seed_sequence_of
from .progress import log_vocabulary
from .schedule import InverseTimeDecay
from .trainer import train, warn_if_untrained

# Tokens after which partial_fit's learning rate has halved (see InverseTimeDecay). The
# rate must stay high long enough for words to move from their random start; a slow decay
# costs little at the end of a long stream, a fast one starves every later chunk
# (measured in benchmarks/DESIGN.md).
PARTIAL_FIT_HALF_LIFE = 10_000_000

# epochs="auto": enough passes that training sees at least _AUTO_TOKENS tokens, at least
# word2vec's 5 and at most _MAX_AUTO_EPOCHS (chosen on a learning curve of the Rotten
# Tomatoes pipeline, benchmarks/DESIGN.md).
_AUTO_TOKENS = 4_000_000
_MIN_AUTO_EPOCHS = 5
_MAX_AUTO_EPOCHS = 50


@dataclass
class CountedCorpus:
    """What the first pass over the documents gives: every distinct word (provisional
    ids in order of first appearance), its count, the encoded corpus, and how much of it
    the starting vectors cover (None without them)."""

    words: list
    counts: np.ndarray
    corpus: object
    coverage: object
    started: float  # perf_counter() when the pass began (for the log record)


@dataclass
class Vocabulary:
    """The rows of the new model and the corpus encoded with them.

    Attributes
    ----------
    new_words : list of str
        Words of X that get rows after the ``n_known`` rows training starts from.
    n_known : int
    counts : ndarray of int64
        The word counts the model records: X's, plus the earlier calls' in ``partial_fit``.
    corpus : EncodedCorpus
    pending : dict or None
        Counts of words still below ``min_count``, kept between the ``partial_fit`` calls
        that grow the vocabulary.
    """

    new_words: list
    n_known: int
    counts: np.ndarray
    corpus: object
    pending: object

    @property
    def n_words(self):
        return self.n_known + len(self.new_words)


def read_and_count(settings, plan, X):
    """Tokenize and encode ``X`` into the plan's store, counting every word."""
    started = time.perf_counter()
    words, counts, corpus = plan.store.count_and_encode(
        iter_token_lists(X, settings.text.analyzer))
    if corpus.n_docs == 0:
        raise ValueError("X is an empty corpus: fit needs at least one document.")
    start = plan.start_vectors
    coverage = None if start is None else start_coverage(settings, start, words, counts)
    return CountedCorpus(words, counts, corpus, coverage, started)


def start_coverage(settings, start, words, counts):
    """How much of X the vectors training starts from cover (warning when ``init``'s
    cover little): with fastText's n-gram rows, every word with an n-gram is covered."""
    pretrained, init, lowercase = (start.origin == "init", settings.training.init,
                                   settings.text.lowercase)
    if start.ngrams is not None and settings.model.has_subwords:
        subwords = settings.model.subwords
        return subword_fit_coverage(words, counts, start.index, min_n=subwords.min_n,
                                    max_n=subwords.max_n, pretrained=pretrained,
                                    whose=whose_vectors(init, pretrained),
                                    lowercase=lowercase)
    return fit_coverage(words, counts, start.index, pretrained=pretrained, init=init,
                        lowercase=lowercase)


def choose_vocabulary(settings, plan, counted):
    """The rows of the new model (``min_count``, ``max_vocab_size``, the starting rows
    kept) and the corpus rewritten with them."""
    start, corpus_settings = plan.start_vectors, settings.corpus
    words, counts, corpus = counted.words, counted.counts, counted.corpus
    pending = _pending_counts(plan)
    if start is None:
        # The common case, kept on the plain path (no lookups of the known words).
        new_words, new_counts, old_to_new = build_vocabulary(
            words, counts, min_count=corpus_settings.min_count,
            max_vocab_size=corpus_settings.max_vocab_size)
        known_counts = np.zeros(0, dtype=np.int64)
        if pending is not None:
            pending = {words[i]: int(counts[i]) for i in np.flatnonzero(old_to_new < 0)}
    else:
        growth = extend_vocabulary(start.index, words, counts,
                                   min_count=corpus_settings.min_count,
                                   max_vocab_size=corpus_settings.max_vocab_size,
                                   add_words=plan.add_words, pending=pending)
        known_counts, new_words, new_counts = (growth.known_counts, growth.new_words,
                                               growth.new_counts)
        old_to_new, pending = growth.old_to_new, growth.pending
    if start is None and not new_words:
        raise ValueError(
            f"The vocabulary is empty: no word occurs at least min_count="
            f"{corpus_settings.min_count} times in the {corpus.n_docs} documents "
            f"({corpus.n_tokens} tokens). Lower min_count or pass a larger corpus.")
    # Every distinct word of X (194k on the benchmark corpus) is released before the
    # remap allocates.
    counted.words = counted.counts = counted.corpus = None
    del words, counts
    corpus = plan.store.remap(corpus, old_to_new)
    del old_to_new
    n_known = 0 if start is None else len(start.index)
    log_vocabulary(corpus.n_docs, corpus.n_tokens, n_known + len(new_words),
                   time.perf_counter() - counted.started)
    return Vocabulary(new_words, n_known, _counts_so_far(plan, known_counts, new_counts),
                      corpus, pending)


def _pending_counts(plan):
    """The counts of rare words that a growing ``partial_fit`` carries on, or None."""
    if not plan.incremental:
        return None
    pending = plan.previous.get("_pending_counts") if plan.previous is not None else None
    if plan.grow_vocabulary and pending is None:
        pending = {}
    return pending


def _counts_so_far(plan, known_counts, new_counts):
    """Counts of X, plus the earlier calls' for ``partial_fit``."""
    counts = np.concatenate([known_counts, new_counts])
    previous = plan.previous
    if plan.incremental and previous is not None and "word_counts_" in previous:
        counts = counts + _padded(previous["word_counts_"], len(counts))
    return counts


def resolve_epochs(epochs, n_tokens):
    """Passes over a corpus of ``n_tokens`` tokens for the ``epochs`` parameter."""
    if epochs != "auto":
        return int(epochs)
    return auto_epochs(n_tokens)


def auto_epochs(n_tokens):
    """``epochs="auto"``: ``ceil(4,000,000 / n_tokens)`` passes, clipped to 5..50."""
    passes = -(-_AUTO_TOKENS // max(int(n_tokens), 1))
    return int(min(max(passes, _MIN_AUTO_EPOCHS), _MAX_AUTO_EPOCHS))


def train_vectors(settings, plan, vocabulary, epochs):
    """Train from the plan's start (or word2vec.c's random start); the state training
    sets."""
    start, previous, corpus = plan.start_vectors, plan.previous, vocabulary.corpus
    model, training = settings.model, settings.training
    init_seed, train_seed = seed_sequence_of(training.random_state).spawn(2)
    noise_probabilities = noise_distribution(vocabulary.counts, model.ns_exponent)
    # Continued hierarchical softmax keeps its tree (the vocabulary is unchanged, see
    # plan_fit).
    layer = model.make_layer(vocabulary.counts, noise_probabilities,
                             tree=None if start is None else start.tree)
    inputs = input_side(model, start, vocabulary.new_words)
    rng = np.random.default_rng(init_seed)
    parameters = initial_parameters(start, vocabulary.n_words, model.vector_size,
                                    model.dtype, rng, layer, inputs)
    architecture = model.architecture_with(inputs)
    if architecture.trains_documents:
        # One vector per training document, started as the word vectors are (gensim).
        parameters["documents"] = initial_center_vectors(
            rng, corpus.n_docs, model.vector_size, model.dtype)
    hooks = current_hooks()
    step = make_step(architecture, layer)
    if hooks.wrap_step is not None:
        step = hooks.wrap_step(step)
    schedule = None  # fit: linear decay over its epochs
    if plan.incremental:
        schedule = InverseTimeDecay(training.learning_rate, training.min_learning_rate,
                                    PARTIAL_FIT_HALF_LIFE,
                                    0 if previous is None else previous["_training_tokens"])
    config = training.config(architecture, vocabulary.counts, epochs=epochs,
                             learning_rate=training.learning_rate,
                             block_size=hooks.block_size, schedule=schedule)
    hooks.notify("training", corpus=corpus, parameters=parameters, config=config)
    reports = train(corpus, parameters, step, config, seed_sequence=train_seed,
                    runner_factory=plan.runner_factory(corpus.n_tokens * epochs),
                    verbose=training.verbose,
                    epoch_callback=_epoch_callback(training.epoch_callback, layer))
    warn_if_untrained(reports)
    return _trained_state(parameters, layer, inputs, reports, noise_probabilities, epochs,
                          corpus.n_tokens, architecture.trains_documents)


def input_side(model, start, new_words):
    """The input side of the model of ``start``'s words and ``new_words``: word rows
    (word2vec), or their n-grams' rows too (fastText)."""
    if not model.has_subwords:
        return WORD_INPUTS
    return model.inputs_for(([] if start is None else list(start.words)) + list(new_words))


def _trained_state(parameters, layer, inputs, reports, noise_probabilities, epochs,
                   n_tokens, trains_documents):
    documents = ({"document_vectors_": parameters["documents"]} if trains_documents
                 else {})
    return {
        **inputs.fitted_state(parameters),
        **layer.fitted_state(parameters[layer.parameter]),
        **documents,
        "noise_distribution_": noise_probabilities,
        "loss_curve_": [float(report.mean_loss) for report in reports],
        "n_pairs_": int(sum(report.n_pairs for report in reports)),
        "n_centers_": int(sum(report.n_centers for report in reports)),
        "n_effective_words_": int(sum(report.n_effective_words for report in reports)),
        "training_seconds_": float(sum(report.seconds for report in reports)),
        "epochs_": epochs,
        "_training_tokens": int(n_tokens) * epochs,
    }


def _epoch_callback(user_callback, layer):
    """The trainer's ``callback(report, parameters)`` calling the user's
    ``epoch_callback(report, input_vectors, output_vectors)``: the output vectors are the
    layer's matrix (per word, or per inner node for hierarchical softmax)."""
    if user_callback is None:
        return None

    def callback(report, parameters):
        user_callback(report, parameters["input"], parameters[layer.parameter])
    return callback


def untrained_vectors(plan, model, counts):
    """The state of ``epochs=0``: the starting vectors as they are (with fastText's
    n-gram rows, the mean of each word's rows); a fastText model's output rows come with
    the noise distribution of the word ``counts`` of X, as a fit's would."""
    start, previous = plan.start_vectors, plan.previous
    inputs = WORD_INPUTS if start.ngrams is None else input_side(model, start, [])
    state = {**inputs.fitted_state({"input": start.vectors, NGRAMS: start.ngrams}),
             "loss_curve_": [], "n_pairs_": 0, "n_centers_": 0,
             "n_effective_words_": 0, "training_seconds_": 0.0, "epochs_": 0,
             "_training_tokens": 0}
    if start.output is not None:
        state["context_vectors_"] = start.output
    if start.nodes is not None:
        state.update(node_vectors_=start.nodes, huffman_tree_=start.tree)
    if previous is not None and "noise_distribution_" in previous:
        state["noise_distribution_"] = previous["noise_distribution_"]
    elif start.output is not None:
        state["noise_distribution_"] = noise_distribution(counts, model.ns_exponent)
    return state


def continued_counters(state, plan, vocabulary, batch_size):
    """The counters, curve and counts of the new state, going on from the previous
    model's when training continues (as MLPClassifier's ``loss_curve_`` does)."""
    previous, corpus = plan.previous, vocabulary.corpus
    counters = {}
    if previous is not None:
        for name in ("n_pairs_", "n_centers_", "n_effective_words_", "training_seconds_",
                     "_training_tokens"):
            counters[name] = state[name] + previous[name]
        counters["loss_curve_"] = previous["loss_curve_"] + state["loss_curve_"]
    counters["corpus_word_count_"] = int(corpus.n_tokens) + (
        previous["corpus_word_count_"] if plan.incremental and previous is not None else 0)
    counters["batch_size_"] = batch_size
    counters["word_counts_"] = vocabulary.counts
    return counters


def vocabulary_state(start, new_words, n_known):
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


__all__ = ["CountedCorpus", "PARTIAL_FIT_HALF_LIFE", "Vocabulary", "auto_epochs",
           "choose_vocabulary", "continued_counters", "input_side", "read_and_count",
           "resolve_epochs", "start_coverage", "train_vectors", "untrained_vectors",
           "vocabulary_state"]
