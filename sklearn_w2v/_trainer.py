"""The training loop: epochs of minibatches, learning-rate schedule, sparse updates.

The objective math lives in :mod:`sklearn_w2v._objectives` (pure functions); the pairs come
from :mod:`sklearn_w2v._batches`. This module gathers the rows a minibatch touches, calls the
objective, and scatter-adds ``-learning_rate * gradient`` back into the two matrices:

* ``center_vectors`` (v, ``vectors_``), shape (n_words, d)
* ``output_vectors`` (u, ``context_vectors_``), shape (n_words, d)

Updates are plain SGD on the *summed* minibatch gradient, which is what word2vec.c does one
pair at a time; a row that occurs many times in a minibatch gets the sum of its updates.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ._batches import iter_minibatches
from ._segments import scatter_add_rows, sum_per_owner
from ._objectives import (
    nce_loss_and_grads,
    negative_sampling_loss_and_grads,
    softmax_loss_and_grads,
    window_contrastive_loss_and_grads,
)


class TrainingDivergedError(FloatingPointError):
    """Training produced a non-finite loss or non-finite vectors."""


def linear_learning_rate(initial, final, progress):
    """Learning rate decayed linearly from ``initial`` to ``final`` as ``progress`` goes 0 → 1."""
    return initial - (initial - final) * min(max(progress, 0.0), 1.0)


@dataclass
class NoiseModel:
    """The noise distribution q of the pairwise objectives.

    Attributes
    ----------
    sampler : NoiseSampler
        Draws word rows from q.
    log_probabilities : ndarray of float64, shape (n_words,)
        log q(w), used by NCE's logit offset log(K q(w)).
    """

    sampler: object
    log_probabilities: np.ndarray


@dataclass
class Gradients:
    """Loss and row gradients of one minibatch, before the learning rate is applied.

    ``output_rows is None`` means ``output_grads`` is dense, one row per word.
    """

    loss: float
    n_pairs: int
    center_rows: np.ndarray
    center_grads: np.ndarray
    output_rows: object
    output_grads: np.ndarray
    center_counts: object = None  # pair updates summed in each gradient row (None: 1 each)
    output_counts: object = None


class SoftmaxStep:
    """Gradients of the exact full-softmax skip-gram objective for a minibatch."""

    def __call__(self, center_vectors, output_vectors, batch, rng):
        loss, grad_centers, grad_output = softmax_loss_and_grads(
            center_vectors[batch.centers], output_vectors, batch.contexts, batch.owner)
        # The output gradient is dense: every word is in every center's normaliser.
        return Gradients(loss, batch.n_pairs, batch.centers, grad_centers, None, grad_output,
                         center_counts=_pairs_per_center(batch))


@dataclass
class ContrastiveStep:
    """Gradients of NS (``nce=False``) or NCE (``nce=True``) with noise words per pair.

    Every pair draws its own ``negative`` noise words, exactly as word2vec.c does.
    """

    noise: NoiseModel
    negative: int
    nce: bool = False

    def __call__(self, center_vectors, output_vectors, batch, rng):
        noise_words = self.noise.sampler.sample(rng, (batch.n_pairs, self.negative))
        center_rows = center_vectors[batch.pair_centers]
        context_rows = output_vectors[batch.contexts]
        noise_rows = output_vectors[noise_words]
        if self.nce:
            log_kq = np.log(self.negative) + self.noise.log_probabilities
            loss, grad_center, grad_context, grad_noise = nce_loss_and_grads(
                center_rows, context_rows, noise_rows,
                log_kq[batch.contexts], log_kq[noise_words])
        else:
            loss, grad_center, grad_context, grad_noise = negative_sampling_loss_and_grads(
                center_rows, context_rows, noise_rows)
        d = output_vectors.shape[1]
        return Gradients(
            loss, batch.n_pairs,
            batch.centers, sum_per_owner(grad_center, batch.owner, len(batch.centers)),
            np.concatenate([batch.contexts, noise_words.ravel()]),
            np.concatenate([grad_context, grad_noise.reshape(-1, d)]),
            center_counts=_pairs_per_center(batch))


@dataclass
class WindowNoiseStep:
    """Gradients of NS or NCE in word2vec.c's orientation, noise shared by a window.

    Each context word of a window is an input (row of ``center_vectors``, i.e. ``v``) that
    predicts the window's center word (row of ``output_vectors``, ``u``), and the window
    draws ``negative`` noise words that all its pairs use; see
    :func:`~sklearn_w2v._objectives.window_contrastive_loss_and_grads`. The noise rows
    gathered and updated are ``K`` per window instead of ``K`` per pair
    (:class:`ContrastiveStep`), while every input occurrence still meets its own noise
    draws, as with per-pair draws.
    """

    noise: NoiseModel
    negative: int
    nce: bool = False

    def __call__(self, center_vectors, output_vectors, batch, rng):
        noise_words = self.noise.sampler.sample(rng, (len(batch.centers), self.negative))
        # Each window's output words: its center word (the data), then its noise words.
        output_words = np.column_stack([batch.centers, noise_words])
        offsets = 0.0
        if self.nce:
            offsets = np.log(self.negative) + self.noise.log_probabilities[output_words]
        loss, grad_input, grad_output = window_contrastive_loss_and_grads(
            center_vectors[batch.contexts], output_vectors[output_words], batch.owner,
            output_offsets=offsets)
        return Gradients(
            loss, batch.n_pairs, batch.contexts, grad_input,
            output_words.ravel(), grad_output.reshape(-1, output_vectors.shape[1]),
            # A window's output rows carry the terms of all its pairs.
            output_counts=np.repeat(_pairs_per_center(batch), self.negative + 1))


def _pairs_per_center(batch):
    return np.bincount(batch.owner, minlength=len(batch.centers))


@dataclass
class EpochReport:
    """What one epoch of training did (passed to ``epoch_callback``)."""

    epoch: int
    mean_loss: float
    n_pairs: int
    n_centers: int
    n_effective_words: int
    seconds: float


# Summing a minibatch's updates is word2vec.c's sequential SGD only while each row's updates
# are small: sequentially, the score of a frequent noise word drops after its first few
# updates and the later ones shrink, but summed they are all computed at the starting point
# and overshoot. With sample=0 and K=15, a frequent word is a noise word ~1,000 times in one
# 256-center minibatch and training diverged at learning_rate 0.025. Capping each row's
# summed update at this many single updates (a per-row step-size limit, which leaves the
# optimum unchanged) keeps those runs stable; with the default subsampling it rarely binds.
MAX_UPDATES_PER_ROW = 32

# A minibatch whose mean loss per pair exceeds this multiple of the first minibatch's has
# diverged even if nothing is inf yet (an exploding softmax reaches 1e7 before overflowing).
_DIVERGENCE_FACTOR = 100.0


def train(corpus, center_vectors, output_vectors, step, *, epochs, window, shrink_windows,
          keep_probability, batch_size, learning_rate, min_learning_rate, seed_sequence,
          n_threads=1, blas_threads=1, verbose=0, epoch_callback=None):
    """Train ``center_vectors`` and ``output_vectors`` in place.

    Parameters
    ----------
    corpus : EncodedCorpus
    center_vectors, output_vectors : ndarray, shape (n_words, vector_size)
        Updated in place.
    step : callable
        ``step(center_vectors, output_vectors, batch, rng) -> Gradients``.
    epochs, window, shrink_windows, keep_probability, batch_size :
        See :class:`~sklearn_w2v.Word2VecTransformer`.
    learning_rate, min_learning_rate : float
        Linear decay from the first to the second over all epochs, by corpus tokens
        processed (as word2vec.c).
    seed_sequence : numpy.random.SeedSequence
        Source of all randomness (subsampling, windows, noise words).
    n_threads : int
        Minibatches processed at once. Their gradients are computed in parallel threads
        from the same parameters and then applied together (synchronous data-parallel
        SGD), each thread adding the updates of its own share of rows; the result depends
        on ``n_threads`` but not on thread timing, so it is reproducible.
    blas_threads : int
        Threads OpenBLAS may use. The pairwise objectives multiply tiny matrices, where
        BLAS threading is a large slowdown, so they run with 1.
    verbose : int
    epoch_callback : callable or None
        Called as ``epoch_callback(report, center_vectors, output_vectors)`` after each
        epoch (the arrays are the live ones: copy them to keep a snapshot).

    Returns
    -------
    list of EpochReport
    """
    total_tokens = max(corpus.n_tokens * epochs, 1)
    processed_tokens = 0.0
    reports = []
    reference_loss = None
    started = time.perf_counter()
    epoch_seeds = seed_sequence.spawn(epochs)
    pool = ThreadPoolExecutor(max_workers=n_threads) if n_threads > 1 else None
    try:
        with threadpool_limits(limits=blas_threads), _ignore_overflow():
            for epoch, epoch_seed in enumerate(epoch_seeds):
                batch_seed, noise_seed = epoch_seed.spawn(2)
                noise_rng = np.random.default_rng(noise_seed)
                epoch_started = time.perf_counter()
                loss_sum, n_pairs, n_centers, n_effective = 0.0, 0, 0, 0
                batches = iter_minibatches(
                    corpus, window=window, batch_size=batch_size,
                    shrink_windows=shrink_windows, keep_probability=keep_probability,
                    seed_sequence=batch_seed)
                for group in _groups(batches, n_threads):
                    jobs = []
                    for batch in group:
                        rate = linear_learning_rate(learning_rate, min_learning_rate,
                                                    processed_tokens / total_tokens)
                        processed_tokens += batch.n_raw_tokens
                        n_effective += batch.n_effective_words
                        n_centers += len(batch.centers)
                        if batch.n_pairs:
                            jobs.append((batch, rate, _batch_rng(noise_rng, pool)))
                    if not jobs:
                        continue
                    results = _compute(step, center_vectors, output_vectors, jobs, pool)
                    for gradients in results:
                        batch_loss = gradients.loss / gradients.n_pairs
                        if reference_loss is None:
                            reference_loss = max(batch_loss, 1e-3)
                        if not (np.isfinite(batch_loss)
                                and batch_loss <= _DIVERGENCE_FACTOR * reference_loss):
                            _raise_diverged(epoch, learning_rate)
                        loss_sum += gradients.loss
                        n_pairs += gradients.n_pairs
                    _apply(center_vectors, output_vectors, results, pool, n_threads)
                if not (np.isfinite(center_vectors).all()
                        and np.isfinite(output_vectors).all()):
                    _raise_diverged(epoch, learning_rate)
                seconds = time.perf_counter() - epoch_started
                report = EpochReport(epoch=epoch + 1, mean_loss=loss_sum / max(n_pairs, 1),
                                     n_pairs=n_pairs, n_centers=n_centers,
                                     n_effective_words=n_effective,
                                     seconds=seconds)
                reports.append(report)
                if verbose:
                    _print_progress(report, epochs, time.perf_counter() - started)
                if epoch_callback is not None:
                    epoch_callback(report, center_vectors, output_vectors)
    finally:
        if pool is not None:
            pool.shutdown()
    return reports


def _groups(batches, size):
    group = []
    for batch in batches:
        group.append(batch)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


def _batch_rng(noise_rng, pool):
    # Serially one generator is consumed in order; in parallel each minibatch gets a child
    # generator seeded in order from it, so the draws do not depend on thread timing.
    if pool is None:
        return noise_rng
    return np.random.default_rng(noise_rng.integers(0, 2**63))


def _ignore_overflow():
    # A diverging run overflows before the loss check sees it; the check reports it as
    # TrainingDivergedError, so numpy's RuntimeWarnings would only be noise (or, under
    # -W error, the wrong exception).
    return np.errstate(over="ignore", invalid="ignore")


def _compute_one(step, center_vectors, output_vectors, job):
    batch, rate, rng = job
    with _ignore_overflow():
        gradients = step(center_vectors, output_vectors, batch, rng)
        gradients.center_grads *= -rate
        gradients.output_grads *= -rate
    return gradients


def _compute(step, center_vectors, output_vectors, jobs, pool):
    if pool is None or len(jobs) == 1:
        return [_compute_one(step, center_vectors, output_vectors, job) for job in jobs]
    return list(pool.map(lambda job: _compute_one(step, center_vectors, output_vectors, job),
                         jobs))


def _apply(center_vectors, output_vectors, results, pool, n_parts):
    """Add the (rate-scaled) updates; with a pool, thread i adds rows with row % n == i."""
    if pool is None:
        _apply_part(center_vectors, output_vectors, results, 0, 1)
        return
    list(pool.map(lambda part: _apply_part(center_vectors, output_vectors, results, part,
                                           n_parts), range(n_parts)))


def _apply_part(center_vectors, output_vectors, results, part, n_parts):
    with _ignore_overflow():
        for gradients in results:
            _add_rows(center_vectors, gradients.center_rows, gradients.center_grads,
                      gradients.center_counts, part, n_parts)
            _add_rows(output_vectors, gradients.output_rows, gradients.output_grads,
                      gradients.output_counts, part, n_parts)


def _add_rows(matrix, rows, updates, counts, part, n_parts):
    if rows is None:  # dense update, split into contiguous row ranges
        bounds = np.linspace(0, len(matrix), n_parts + 1).astype(int)
        matrix[bounds[part]:bounds[part + 1]] += updates[bounds[part]:bounds[part + 1]]
        return
    if n_parts > 1:
        mine = rows % n_parts == part
        rows, updates = rows[mine], updates[mine]
        counts = None if counts is None else counts[mine]
    if len(rows):
        scatter_add_rows(matrix, rows, updates, max_updates_per_row=MAX_UPDATES_PER_ROW,
                         update_counts=counts)


def _raise_diverged(epoch, learning_rate):
    raise TrainingDivergedError(
        f"Training diverged in epoch {epoch + 1}: the loss exploded or the vectors became "
        f"non-finite (inf or NaN). Lower learning_rate (currently {learning_rate!r}), "
        f"for example by a factor of 10, or reduce batch_size.")


def _print_progress(report, epochs, elapsed):
    words_per_second = report.n_effective_words / max(report.seconds, 1e-9)
    remaining = elapsed / report.epoch * (epochs - report.epoch)
    print(f"[Word2VecTransformer] epoch {report.epoch}/{epochs}: "
          f"loss {report.mean_loss:.4f} per pair, {report.n_pairs:,} pairs, "
          f"{words_per_second:,.0f} words/s, {report.seconds:.1f} s, "
          f"ETA {remaining:.0f} s", flush=True)
