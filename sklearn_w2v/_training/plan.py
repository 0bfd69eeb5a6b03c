"""What kind of fit this is, decided once before any document is read.

``fit``, ``partial_fit`` and ``fit`` with ``warm_start`` all run the same stages
(:mod:`sklearn_w2v._training.fit`); they differ in where training starts and what is kept
from before:

================  ============================  =====================  ===================
call              starts from                   new words of X         statistics, clock
================  ============================  =====================  ===================
fit               random (word2vec.c) or init   rows (min_count, ...)  from X
fit, epochs=0     init as it is                 ignored                from X, no training
fit, warm_start   the fitted model              rows appended          from X; counters go on
partial_fit       the fitted model (1st call:   only with              accumulated; the
                  like fit, epochs=1)           grow_vocabulary=True   schedule goes on
================  ============================  =====================  ===================
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from .._model import NGRAMS, SubwordSettings
from .._utils import current_hooks
from .._vectors import is_fasttext_init, load_fasttext_model, resolve_init
from .trainer import SerialBlockRunner
from .workers import ProcessBlockRunner


@dataclass
class Start:
    """Vectors that training continues from: rows ``0..len(words) - 1`` of the new model."""

    words: list
    index: dict
    vectors: np.ndarray
    output: object  # ndarray or None
    origin: str
    nodes: object = None  # hierarchical softmax's inner-node vectors, or None
    tree: object = None  # and its Huffman tree, which training must keep
    ngrams: object = None  # fastText's n-gram rows, or None

    def layer_matrix(self, parameter):
        """The starting matrix of the output layer's ``parameter``, or None."""
        return {"output": self.output, "inner": self.nodes}.get(parameter)

    def extra_matrix(self, parameter):
        """The starting matrix of an input side's extra ``parameter``, or None."""
        return {NGRAMS: self.ngrams}.get(parameter)


@dataclass(frozen=True)
class FitPlan:
    """What kind of fit this is.

    Attributes
    ----------
    start : {"fresh", "pretrained", "continue"}
        word2vec.c's random start, ``init``'s vectors, or the fitted model's.
    start_vectors : Start or None
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
        Where the encoded corpus lives (``sklearn_w2v._text.corpus_stores``).
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
        """The block runner of :func:`~sklearn_w2v._training.trainer.train` for this much
        work."""
        return runner_factory(self.n_jobs, n_tokens_times_epochs)


def runner_factory(n_jobs, n_tokens_times_epochs):
    """The block runner for ``n_jobs`` allowed processes: one process below the hooks'
    ``min_tokens_for_processes`` tokens x epochs (starting workers would cost more than
    they give), else ``n_jobs`` worker processes."""
    if (n_jobs > 1
            and n_tokens_times_epochs >= current_hooks().min_tokens_for_processes):
        return partial(ProcessBlockRunner, n_jobs=n_jobs)
    return SerialBlockRunner


def plan_fit(settings, previous, *, incremental=False, grow_vocabulary=False):
    """The :class:`FitPlan` of a fit with ``settings`` (a ``FitSettings``) that continues
    from the fitted state ``previous`` (None: a new model).

    Raises
    ------
    ValueError
        When training cannot continue with these settings, or ``epochs=0`` has nothing to
        keep; nothing has been read or created then.
    """
    if previous is not None:
        check_continuation(settings, previous, "partial_fit" if incremental else
                           "fit with warm_start=True")
    start = _starting_point(settings, previous)
    trains = incremental or settings.training.epochs != 0
    _check_untrained_start(start, trains)
    add_words = (start is None or (incremental and (previous is None or grow_vocabulary))
                 or (not incremental and settings.training.epochs != 0))
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
        store=settings.corpus.store(), n_jobs=settings.training.n_jobs)


def _check_untrained_start(start, trains):
    if not trains and start is None:
        raise ValueError(
            "epochs=0 uses pretrained vectors as they are, but init is None: pass the "
            "vectors as init (a word2vec file, (words, vectors) or KeyedVectors), or set "
            "epochs to train.")


def check_continuation(settings, previous, method):
    """Raise ValueError if ``settings`` no longer fit the fitted model ``previous``."""
    structure = settings.structure
    for name, fitted_value in previous["_structure"].items():
        value = structure[name]
        if value != fitted_value:
            raise ValueError(
                f"{method} continues training the fitted model, which was fitted with "
                f"{name}={fitted_value!r}, but now {name}={value!r}. Set {name} back to "
                f"{fitted_value!r}, or fit a new model (fit with warm_start=False).")


def _starting_point(settings, previous):
    if previous is not None:
        # A fastText model trains its words' own rows (vectors_ are their means with
        # their n-gram rows).
        return Start(previous["index_to_word_"], previous["vocabulary_"],
                     previous.get("vectors_vocab_", previous["vectors_"]),
                     previous.get("context_vectors_"), "model",
                     previous.get("node_vectors_"), previous.get("huffman_tree_"),
                     previous.get("vectors_ngrams_"))
    if settings.training.init is None:
        return None
    if is_fasttext_init(settings.training.init):
        return fasttext_start(settings.model, settings.training.init)
    pretrained = resolve_init(settings.training.init, vector_size=settings.model.vector_size,
                              dtype=settings.model.dtype)
    return Start(pretrained.words, pretrained.index, pretrained.vectors, None, "init")


def fasttext_start(model, init):
    """The start of a fit from a fastText binary model.

    A fastText estimator (``model.subwords`` set) starts from the words' own rows and the
    n-gram rows, which must have been hashed as its ``min_n``, ``max_n`` and ``bucket``
    hash them; any other estimator from the words' fastText vectors (the mean of their
    rows). The output rows carry over to negative sampling, the objective that trained
    them.
    """
    fasttext = load_fasttext_model(init, model.dtype)
    source = f"init={str(init)!r}"
    if fasttext.dim != model.vector_size:
        raise ValueError(f"{source} holds vectors of dimension {fasttext.dim}, but "
                         f"vector_size={model.vector_size}; set vector_size={fasttext.dim}, "
                         f"or vector_size=None (the default) to follow init.")
    words = fasttext.words
    index = {word: row for row, word in enumerate(words)}
    output = fasttext.output if (fasttext.loss == model.objective == "negative") else None
    file_subwords = SubwordSettings(fasttext.min_n, fasttext.max_n, fasttext.bucket)
    if model.subwords is None:
        vectors = file_subwords.inputs_for(words).fitted_state(
            {"input": fasttext.vectors_vocab, NGRAMS: fasttext.vectors_ngrams})["vectors_"]
        return Start(words, index, vectors, output, "init")
    if file_subwords.structure() != model.subwords.structure():
        wanted = ", ".join(f"{k}={v}" for k, v in file_subwords.structure().items())
        raise ValueError(
            f"{source} hashes its n-grams with {wanted}, but this model with "
            f"{', '.join(f'{k}={v}' for k, v in model.subwords.structure().items())}; "
            f"set {wanted} (FastTextTransformer.from_fasttext_format sets them from the "
            f"file).")
    return Start(words, index, fasttext.vectors_vocab, output, "init",
                 ngrams=fasttext.vectors_ngrams if file_subwords.enabled else None)


def origin(plan, epochs):
    """The ``FittedParts.origin`` of the model a fit with ``plan`` makes."""
    if plan.previous is not None:
        previous_origin = plan.previous["fitted_parts_"].origin
        if epochs == 0 or previous_origin in ("trained", "fine-tuned"):
            return previous_origin
        return "fine-tuned"
    if plan.start_vectors is None:
        return "trained"
    return "fine-tuned" if epochs > 0 else "pretrained"


__all__ = ["FitPlan", "Start", "check_continuation", "fasttext_start", "origin", "plan_fit",
           "runner_factory"]
