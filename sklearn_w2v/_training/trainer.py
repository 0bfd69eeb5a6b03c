"""The training loop: epochs of blocks of minibatches, learning-rate schedule, updates.

The objective math lives in :mod:`sklearn_w2v._model.objectives` (pure functions), the
steps that turn a minibatch into gradients in :mod:`sklearn_w2v._model.steps`, the windows
in :mod:`sklearn_w2v._text.minibatches` and the worker processes in
:mod:`sklearn_w2v._training.workers`. This module runs the loop: for every minibatch of
every block of every epoch it calls the step and adds ``-learning_rate * gradient`` to the
rows of each parameter matrix the step names.

Updates are plain SGD on the *summed* minibatch gradient, which is what word2vec.c does one
pair at a time; a row that occurs many times in a minibatch gets the sum of its updates,
capped (see :data:`MAX_UPDATES_PER_ROW`).

The unit of work is a block of the corpus (:func:`train_block`); a runner runs the blocks of
an epoch (:class:`SerialBlockRunner` here, the worker processes of
:mod:`sklearn_w2v._training.workers` there), and the caller chooses it. Everything a block
needs is fixed before it starts: its random generator is spawned from the epoch's seed by block index,
and its learning rate follows from its position in the corpus. So a block trains the same
way whichever process runs it and in whatever order: one process runs the blocks in corpus
order (bit-reproducible), several processes share them (:mod:`sklearn_w2v._training.workers`).
"""

import time
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from threadpoolctl import threadpool_limits

from .._model import BlockRandom, RowUpdateCap, scatter_add_rows
from .._text import block_boundaries, block_minibatches
from .._utils import release_mapped_rows
from .progress import EpochProgress
from .schedule import LinearDecay


class TrainingDivergedError(FloatingPointError):
    """Training produced a non-finite loss or non-finite vectors.

    Examples
    --------
    >>> from sklearn_w2v import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, FloatingPointError)  # caught as numpy's errors
    True
    """


# Summing a minibatch's updates is word2vec.c's sequential SGD only while each row's updates
# are small: sequentially, the score of a frequent noise word drops after its first few
# updates and the later ones shrink, but summed they are all computed at the starting point
# and overshoot. With sample=0 and K=15, a frequent word is a noise word ~1,000 times in one
# 256-center minibatch and training diverged at learning_rate 0.025. Capping each row's
# summed update at this many single updates (a per-row step-size limit, which leaves the
# optimum unchanged) keeps those runs stable; with the default subsampling it rarely binds.
# It always binds for hierarchical softmax's root and top nodes, which are on every path;
# without the cap hierarchical softmax did not diverge either, but it learned no better
# (benchmarks/DESIGN.md), so the cap is kept for all objectives.
MAX_UPDATES_PER_ROW = 32

# A minibatch whose mean loss per pair exceeds this multiple of the reference (the first
# minibatch's) has diverged even if nothing is inf yet (an exploding softmax reaches 1e7
# before overflowing).
_DIVERGENCE_FACTOR = 100.0

# Rows of a parameter matrix checked for non-finite values at a time (a bounded temporary).
_FINITE_CHECK_ROWS = 1 << 14


@dataclass(frozen=True)
class TrainingConfig:
    """What the loop needs besides the data, the parameters and the step.

    ``epochs``, ``window``, ``shrink_windows``, ``keep_probability`` and ``batch_size`` are
    those of :class:`~sklearn_w2v.Word2VecTransformer`; the learning rate decays linearly
    from ``learning_rate`` to ``min_learning_rate`` over all epochs, by corpus tokens
    processed (as word2vec.c), unless ``schedule`` (see :mod:`sklearn_w2v._training.schedule`) maps
    the tokens processed to the rate otherwise. ``block_size`` is the number of tokens per
    block, the unit of work. ``keep_isolated`` and ``with_documents`` are the minibatch
    options of the paragraph-vector architectures (see
    :func:`~sklearn_w2v._text.minibatches.block_minibatches`); updates of the parameters named in
    ``frozen`` are not applied.
    """

    epochs: int
    window: int
    shrink_windows: bool
    keep_probability: object
    batch_size: int
    learning_rate: float
    min_learning_rate: float
    block_size: int = 65536
    schedule: object = None  # None: LinearDecay over the epochs of this run
    # Paragraph vectors: keep centers without a context (their document predicts them) and
    # give each minibatch the document of each center.
    keep_isolated: bool = False
    with_documents: bool = False
    # Minibatches of consecutive windows (fastText's subword inputs, see
    # sklearn_w2v._text.minibatches.block_windows).
    in_corpus_order: bool = False
    # Parameters that the loop does not update (inference of document vectors keeps the
    # word and output vectors fixed).
    frozen: tuple = ()


@dataclass(frozen=True)
class BlockTask:
    """One block of one epoch: tokens ``start:stop``, its seed and schedule position."""

    epoch: int
    start: int
    stop: int
    seed: np.random.SeedSequence
    progress_tokens: float  # tokens of this run processed before this block, all epochs


@dataclass
class BlockReport:
    """What training one block did."""

    loss: float = 0.0
    n_pairs: int = 0
    n_predictions: int = 0  # what the loss is summed over: pairs, or centers for CBOW
    n_centers: int = 0
    n_effective_words: int = 0
    first_loss_per_pair: object = None  # mean loss per prediction of its first minibatch


@dataclass
class EpochReport:
    """What one epoch of training did (passed to ``epoch_callback``)."""

    epoch: int
    mean_loss: float
    n_pairs: int
    n_centers: int
    n_effective_words: int
    seconds: float


@dataclass
class TrainingState:
    """The loop's state between epochs: seeds, the divergence reference, the reports.

    Parameters
    ----------
    seed_sequence : numpy.random.SeedSequence
        Source of all randomness; epoch ``e`` uses its ``e``-th child, spawned when the
        epoch starts (spawning all epochs up front would cost memory for huge ``epochs``).
    """

    seed_sequence: np.random.SeedSequence
    reference_loss: object = None
    reports: list = field(default_factory=list)

    def epoch_tasks(self, epoch, cuts, config):
        """The blocks of ``epoch`` as tasks, in corpus order."""
        epoch_seed = self.seed_sequence.spawn(1)[0]
        n_tokens = int(cuts[-1])
        seeds = epoch_seed.spawn(len(cuts) - 1)
        return [BlockTask(epoch=epoch, start=int(start), stop=int(stop), seed=seed,
                          progress_tokens=float(epoch * n_tokens + start))
                for start, stop, seed in zip(cuts[:-1], cuts[1:], seeds)]

    def record_block(self, report):
        """Fix the divergence reference of later epochs from the first block (in corpus
        order) that trained any pair."""
        if self.reference_loss is None and report.first_loss_per_pair is not None:
            self.reference_loss = report.first_loss_per_pair


def train_block(parameters, corpus, step, config, task, reference_loss=None):
    """Train on one block of the corpus, updating ``parameters`` in place.

    Parameters
    ----------
    parameters : dict of str to ndarray
        The parameter matrices the step reads and its updates name.
    corpus : EncodedCorpus
    step : callable
        ``step(parameters, batch, random) -> StepResult`` (see :mod:`sklearn_w2v._model.steps`).
    config : TrainingConfig
        With its ``schedule`` set (:func:`train` sets the default one).
    task : BlockTask
    reference_loss : float or None
        Mean loss per pair that marks divergence when exceeded
        ``_DIVERGENCE_FACTOR``-fold; None (in the first epoch): this block's first
        minibatch sets it.

    Returns
    -------
    BlockReport

    Raises
    ------
    TrainingDivergedError
        If a minibatch loss is not finite or exceeds the divergence threshold.
    """
    rng = np.random.default_rng(task.seed)
    random = BlockRandom(rng)
    report = BlockReport()
    progress = task.progress_tokens
    caps = {name: RowUpdateCap(len(matrix), MAX_UPDATES_PER_ROW)
            for name, matrix in parameters.items()}
    for batch in block_minibatches(
            corpus, task.start, task.stop, window=config.window,
            batch_size=config.batch_size, shrink_windows=config.shrink_windows,
            keep_probability=config.keep_probability, rng=rng,
            keep_isolated=config.keep_isolated, with_documents=config.with_documents,
            in_corpus_order=config.in_corpus_order):
        rate = config.schedule.rate(progress)
        progress += batch.n_raw_tokens
        report.n_effective_words += batch.n_effective_words
        if not batch.trainable:
            continue
        result = step(parameters, batch, random)
        loss_per_prediction = result.loss_per_prediction
        if report.first_loss_per_pair is None:
            report.first_loss_per_pair = max(loss_per_prediction, 1e-3)
            if reference_loss is None:
                reference_loss = report.first_loss_per_pair
        if not (np.isfinite(loss_per_prediction)
                and loss_per_prediction <= _DIVERGENCE_FACTOR * reference_loss):
            raise_diverged(task.epoch, config.learning_rate)
        apply_updates(parameters, result.updates, caps, rate, frozen=config.frozen)
        report.loss += result.loss
        report.n_pairs += result.n_pairs
        report.n_predictions += (result.n_pairs if result.n_predictions is None
                                 else result.n_predictions)
        report.n_centers += len(batch.centers)
    return report


def apply_updates(parameters, updates, caps, rate, *, frozen=()):
    """Descend one step's updates: ``parameters[u.parameter] -= rate * u`` for each.

    Parameters
    ----------
    parameters : dict of str to ndarray
        Updated in place.
    updates : list of RowUpdate
    caps : dict of str to RowUpdateCap
        The per-row cap of each parameter's summed update.
    rate : float
        The learning rate.
    frozen : collection of str
        Parameters left as they are.
    """
    for update in updates:
        if update.parameter in frozen:
            continue
        matrix = parameters[update.parameter]
        if update.rows is None:  # dense: one gradient row per matrix row
            matrix -= rate * update.gradients
        else:
            scales = caps[update.parameter].scales(update.rows, update.counts,
                                                   update.distinct)
            if update.weights is not None:
                scales *= update.weights
            scatter_add_rows(matrix, update.rows, update.gradients, scales, -rate,
                             groups=update.groups)


def train(corpus, parameters, step, config, *, seed_sequence, runner_factory=None,
          verbose=0, epoch_callback=None):
    """Train ``parameters`` in place for ``config.epochs`` epochs.

    Parameters
    ----------
    corpus : EncodedCorpus
    parameters : dict of str to ndarray
        ``{"input": ..., "output": ...}`` (see :mod:`sklearn_w2v._model.steps`), updated in place;
        with worker processes the dict's trained entries are replaced by new arrays (see
        :class:`~sklearn_w2v._training.workers.ProcessBlockRunner`), so read them from the dict.
    step : callable
        ``step(parameters, batch, random) -> StepResult``.
    config : TrainingConfig
    seed_sequence : numpy.random.SeedSequence
        Source of all randomness (subsampling, windows, noise words).
    runner_factory : callable or None
        ``runner_factory(parameters, corpus, step, config)`` makes the context manager that
        runs the blocks of each epoch. None (:class:`SerialBlockRunner`) trains in this
        process, block after block: bit-reproducible.
        :class:`~sklearn_w2v._training.workers.ProcessBlockRunner` runs them in worker processes
        that update ``parameters`` lock-free in shared memory: the same blocks with the same
        random draws, but the order in which concurrent updates land depends on timing.
    verbose : int
        Detail of the progress records (see :mod:`sklearn_w2v._training.progress`): they are logged
        whatever its value; 2 or more asks for a progress bar on a terminal.
    epoch_callback : callable or None
        Called as ``epoch_callback(report, parameters)`` after each epoch with the live
        parameter arrays (copy them to keep a snapshot).

    Returns
    -------
    list of EpochReport
    """
    cuts = block_boundaries(corpus.doc_offsets, config.block_size)
    if config.schedule is None:
        config = replace(config, schedule=LinearDecay(
            config.learning_rate, config.min_learning_rate, int(cuts[-1]) * config.epochs))
    state = TrainingState(seed_sequence)
    runner = (runner_factory or SerialBlockRunner)(parameters, corpus, step, config)
    progress = EpochProgress(config.epochs, int(cuts[-1]), verbose)
    with runner, threadpool_limits(limits=1), _ignore_overflow():
        for epoch in range(config.epochs):
            epoch_started = time.perf_counter()
            progress.start_epoch(epoch)
            blocks = runner.run(state.epoch_tasks(epoch, cuts, config), state,
                                on_block=progress.block_done)
            check_finite({name: matrix for name, matrix in runner.parameters.items()
                          if name not in config.frozen}, epoch, config.learning_rate)
            report = _epoch_report(epoch, blocks, time.perf_counter() - epoch_started)
            state.reports.append(report)
            progress.epoch_done(report)
            if epoch_callback is not None:
                epoch_callback(report, runner.parameters)
    return state.reports


class SerialBlockRunner:
    """Runs the blocks one after the other in this process (``n_jobs=1``)."""

    def __init__(self, parameters, corpus, step, config):
        self.parameters = parameters
        self._args = (parameters, corpus, step, config)

    def run(self, tasks, state, on_block=None):
        """Train the blocks of ``tasks`` in order; ``on_block(task, report)`` after each."""
        # The reference is the one known when the epoch starts, as for the processes.
        reference = state.reference_loss
        reports = []
        for task in tasks:
            reports.append(train_block(*self._args, task, reference))
            if on_block is not None:
                on_block(task, reports[-1])
        for report in reports:
            state.record_block(report)
        return reports

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


def _epoch_report(epoch, blocks, seconds):
    n_pairs = sum(block.n_pairs for block in blocks)
    n_predictions = sum(block.n_predictions for block in blocks)
    # An epoch that trained no pair has no mean loss (NaN, not a misleading 0).
    mean_loss = (sum(block.loss for block in blocks) / n_predictions if n_predictions
                 else float("nan"))
    return EpochReport(epoch=epoch + 1, mean_loss=mean_loss, n_pairs=n_pairs,
                       n_centers=sum(block.n_centers for block in blocks),
                       n_effective_words=sum(block.n_effective_words for block in blocks),
                       seconds=seconds)


def check_finite(parameters, epoch, learning_rate):
    """Raise TrainingDivergedError if a parameter holds inf or NaN (checked in row blocks,
    so that the check needs no matrix-sized temporary; a shared map's pages read are
    released, so that the check does not make the workers' matrices resident here)."""
    for matrix in parameters.values():
        for first in range(0, len(matrix), _FINITE_CHECK_ROWS):
            finite = np.isfinite(matrix[first:first + _FINITE_CHECK_ROWS]).all()
            release_mapped_rows(matrix, first, first + _FINITE_CHECK_ROWS)
            if not finite:
                raise_diverged(epoch, learning_rate)


def _ignore_overflow():
    # A diverging run overflows before the loss check sees it; the check reports it as
    # TrainingDivergedError, so numpy's RuntimeWarnings would only be noise (or, under
    # -W error, the wrong exception).
    return np.errstate(over="ignore", invalid="ignore")


def raise_diverged(epoch, learning_rate):
    """Raise the error that tells the user training diverged and what to change."""
    raise TrainingDivergedError(
        f"Training diverged in epoch {epoch + 1}: the loss exploded or the vectors became "
        f"non-finite (inf or NaN). Lower learning_rate (currently {learning_rate!r}), "
        f"for example by a factor of 10, or reduce batch_size.")


def warn_if_untrained(reports):
    """Warn when no epoch trained any pair: the vectors are their random initialisation."""
    if reports and not any(report.n_pairs for report in reports):
        warnings.warn(
            "Training saw no (center, context) pair: subsampling and the documents left no "
            "two known words within the window, so the vectors are their random "
            "initialisation and loss_curve_ is NaN. Pass more text, lower min_count, or "
            "disable subsampling with sample=0.", RuntimeWarning, stacklevel=3)
