"""The fit procedure: documents and a starting point in, a complete fitted state out.

:func:`fit_state` runs the stages of :mod:`sklearn_w2v._training.stages` in order, with
the estimator's own extras (what it learns besides the vectors) before and after
training, and returns the new state as one dict, which the estimator swaps in at once: an
interrupt never leaves half of one fit with half of another. Nothing here reads or writes
the estimator. Each stage is announced to the engine hooks' ``on_event`` (see
``sklearn_w2v._utils.hooks``), which is where tests interrupt or watch a fit.
"""

from dataclasses import dataclass

from .._utils import current_hooks
from .plan import origin, plan_fit
from .stages import (
    choose_vocabulary,
    continued_counters,
    read_and_count,
    resolve_epochs,
    train_vectors,
    untrained_vectors,
    vocabulary_state,
)


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


# Every attribute of the state a fit makes, public and private, besides the extras': a new
# state replaces all of them, so that one from an earlier fit never survives.
TRAINED_ATTRIBUTES = (
    "vocabulary_", "index_to_word_", "vectors_", "vectors_vocab_", "vectors_ngrams_",
    "context_vectors_", "node_vectors_",
    "huffman_tree_", "document_vectors_", "word_counts_", "noise_distribution_",
    "loss_curve_", "n_pairs_", "n_centers_", "n_effective_words_", "training_seconds_",
    "batch_size_", "epochs_", "corpus_word_count_", "fitted_parts_", "coverage_",
    "_structure", "_training_tokens", "_pending_counts",
    "_fasttext_counts",  # a FastTextTransformer loaded from a file: the file's counts
)


class NoExtras:
    """The extras of an estimator that learns nothing besides what training makes."""

    attributes = ()

    def check_plan(self, plan):
        """Raise before anything is read if this fit cannot give what the extras need."""

    def before_training(self, corpus, n_words, previous):
        """What is learned from the encoded corpus before the vectors exist (a dict);
        ``previous`` is the state a ``partial_fit`` goes on from, else None."""
        return {}

    def after_training(self, corpus, state):
        """What is learned with the trained ``state``: ``(dict, output or None)``."""
        return {}, None


def fit_state(settings, X, previous=None, *, incremental=False, grow_vocabulary=False,
              extras=None):
    """Fit to ``X``; return ``(state, output)``.

    Parameters
    ----------
    settings : FitSettings
    X : iterable of documents
    previous : dict or None
        The fitted state that training continues from (``partial_fit``, ``warm_start``),
        or None for a new model.
    incremental : bool
        ``partial_fit``: one pass, statistics accumulated.
    grow_vocabulary : bool
        ``partial_fit`` on a fitted model: append rows for new words of ``X``.
    extras : object or None
        What the estimator learns besides the vectors (see :class:`NoExtras`).

    Returns
    -------
    state : dict
        The new fitted state: :data:`TRAINED_ATTRIBUTES` and the extras' attributes.
    output
        What the extras return after training (``fit_transform``'s document vectors).
    """
    extras = NoExtras() if extras is None else extras
    hooks = current_hooks()
    hooks.notify("plan")
    plan = plan_fit(settings, previous, incremental=incremental,
                    grow_vocabulary=grow_vocabulary)
    extras.check_plan(plan)
    # With out_of_core, the encoded corpus lives in files of a folder until the end.
    with plan.store:
        hooks.notify("count", store=plan.store)
        counted = read_and_count(settings, plan, X)
        hooks.notify("vocabulary", store=plan.store, corpus=counted.corpus)
        vocabulary = choose_vocabulary(settings, plan, counted)
        epochs = 1 if incremental else resolve_epochs(settings.training.epochs,
                                                      vocabulary.corpus.n_tokens)
        hooks.notify("statistics", corpus=vocabulary.corpus)
        state = {"coverage_": counted.coverage, **extras.before_training(
            vocabulary.corpus, vocabulary.n_words, plan.previous if incremental else None)}
        hooks.notify("train", corpus=vocabulary.corpus)
        state.update(train_vectors(settings, plan, vocabulary, epochs) if epochs > 0
                     else untrained_vectors(plan, settings.model, vocabulary.counts))
        state.update(continued_counters(state, plan, vocabulary,
                                        settings.training.batch_size))
        hooks.notify("extras", state=state)
        learned, output = extras.after_training(vocabulary.corpus, state)
        state.update(learned)
        vocabulary.corpus = None  # freed before the vocabulary dict is built: a lower peak
        hooks.notify("assemble", state=state)
        return _assembled(state, settings, plan, vocabulary, epochs), output


def _assembled(state, settings, plan, vocabulary, epochs):
    """The fitted state: the vocabulary, the structure and the parts the model holds."""
    state.update(vocabulary_state(plan.start_vectors, vocabulary.new_words,
                                  vocabulary.n_known))
    if vocabulary.pending is not None:
        state["_pending_counts"] = vocabulary.pending
    state["_structure"] = dict(settings.structure)
    state["fitted_parts_"] = FittedParts(
        origin=origin(plan, epochs), output_vectors="context_vectors_" in state,
        word_counts=True, idf="idf_" in state, sif_component="sif_component_" in state,
        node_vectors="node_vectors_" in state)
    return state


__all__ = ["FittedParts", "NoExtras", "TRAINED_ATTRIBUTES", "fit_state"]
