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
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from ._batches import iter_minibatches
from ._objectives import (
    grouped_contrastive_loss_and_grads,
    nce_loss_and_grads,
    negative_sampling_loss_and_grads,
    softmax_loss_and_grads,
)


class TrainingDivergedError(FloatingPointError):
    """Training produced a non-finite loss or non-finite vectors."""


def scatter_add_rows(matrix, rows, updates):
    """``matrix[rows[i]] += updates[i]`` for every i, correct when ``rows`` repeats.

    ``matrix[rows] += updates`` would keep only one update per repeated row. Summing the
    updates of each distinct row first with a sparse one-hot matrix product and then adding
    once per distinct row is the fastest correct form measured on this machine (faster than
    ``np.add.at`` and than sort + ``np.add.reduceat``; see docs/architecture.md).
    """
    unique_rows, inverse = np.unique(rows, return_inverse=True)
    n_updates = len(rows)
    one_hot = sp.csr_matrix(
        (np.ones(n_updates, dtype=updates.dtype), inverse.ravel(), np.arange(n_updates + 1)),
        shape=(n_updates, len(unique_rows)),
    )
    matrix[unique_rows] += one_hot.T @ updates


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


class SoftmaxStep:
    """One SGD step on the exact full-softmax skip-gram objective."""

    def __call__(self, center_vectors, output_vectors, batch, learning_rate, rng):
        loss, grad_centers, grad_output = softmax_loss_and_grads(
            center_vectors[batch.centers], output_vectors, batch.contexts, batch.owner)
        scatter_add_rows(center_vectors, batch.centers, -learning_rate * grad_centers)
        # The output gradient is dense: every word is in every center's normaliser.
        grad_output *= -learning_rate
        output_vectors += grad_output
        return loss


@dataclass
class ContrastiveStep:
    """One SGD step on negative sampling (``nce=False``) or NCE (``nce=True``)."""

    noise: NoiseModel
    negative: int
    nce: bool = False
    log_negative: float = field(init=False)

    def __post_init__(self):
        self.log_negative = float(np.log(self.negative))

    def __call__(self, center_vectors, output_vectors, batch, learning_rate, rng):
        pair_centers = batch.pair_centers
        noise_words = self.noise.sampler.sample(rng, (batch.n_pairs, self.negative))
        center_rows = center_vectors[pair_centers]
        context_rows = output_vectors[batch.contexts]
        noise_rows = output_vectors[noise_words]
        if self.nce:
            log_q = self.noise.log_probabilities
            loss, grad_center, grad_context, grad_noise = nce_loss_and_grads(
                center_rows, context_rows, noise_rows,
                self.log_negative + log_q[batch.contexts],
                self.log_negative + log_q[noise_words])
        else:
            loss, grad_center, grad_context, grad_noise = negative_sampling_loss_and_grads(
                center_rows, context_rows, noise_rows)
        # Pairs of one center are contiguous (center-major batches): sum them per center
        # before the scatter, which then touches one row per center instead of one per pair.
        starts = np.flatnonzero(np.r_[True, np.diff(batch.owner) != 0])
        grad_per_center = np.add.reduceat(grad_center, starts, axis=0)
        scatter_add_rows(center_vectors, batch.centers, -learning_rate * grad_per_center)
        d = output_vectors.shape[1]
        output_rows = np.concatenate([batch.contexts, noise_words.ravel()])
        output_updates = np.concatenate([grad_context, grad_noise.reshape(-1, d)])
        output_updates *= -learning_rate
        scatter_add_rows(output_vectors, output_rows, output_updates)
        return loss


@dataclass
class CenterNoiseStep:
    """One SGD step on NS or NCE where the pairs of a center share its noise words.

    Each center draws ``negative`` noise words used by all its contexts (Ji et al. 2016),
    see :func:`~sklearn_w2v._objectives.grouped_contrastive_loss_and_grads`: every pair
    still gets ``negative`` draws from q, but the noise is scored once per center and
    touches about ``2 * window / 2`` times fewer rows than :class:`ContrastiveStep`.
    """

    noise: NoiseModel
    negative: int
    nce: bool = False

    def __call__(self, center_vectors, output_vectors, batch, learning_rate, rng):
        n_centers = len(batch.centers)
        noise_words = self.noise.sampler.sample(rng, (n_centers, self.negative))
        context_offset = noise_offset = 0.0
        if self.nce:
            log_k = np.log(self.negative)
            log_q = self.noise.log_probabilities
            context_offset = log_k + log_q[batch.contexts]
            noise_offset = log_k + log_q[noise_words]
        loss, grad_center, grad_context, grad_noise = grouped_contrastive_loss_and_grads(
            center_vectors[batch.centers], output_vectors[batch.contexts], batch.owner,
            output_vectors[noise_words],
            context_offset=context_offset, noise_offset=noise_offset)
        grad_center *= -learning_rate
        scatter_add_rows(center_vectors, batch.centers, grad_center)
        d = output_vectors.shape[1]
        output_rows = np.concatenate([batch.contexts, noise_words.ravel()])
        output_updates = np.concatenate([grad_context, grad_noise.reshape(-1, d)])
        output_updates *= -learning_rate
        scatter_add_rows(output_vectors, output_rows, output_updates)
        return loss


@dataclass
class EpochReport:
    epoch: int
    mean_loss: float
    n_pairs: int
    n_effective_words: int
    seconds: float


def train(corpus, center_vectors, output_vectors, step, *, epochs, window, shrink_windows,
          keep_probability, batch_size, learning_rate, min_learning_rate, seed_sequence,
          blas_threads=1, verbose=0):
    """Train ``center_vectors`` and ``output_vectors`` in place.

    Parameters
    ----------
    corpus : EncodedCorpus
    center_vectors, output_vectors : ndarray, shape (n_words, vector_size)
        Updated in place.
    step : callable
        ``step(center_vectors, output_vectors, batch, learning_rate, rng) -> loss_sum``.
    epochs, window, shrink_windows, keep_probability, batch_size :
        See :class:`~sklearn_w2v.Word2VecTransformer`.
    learning_rate, min_learning_rate : float
        Linear decay from the first to the second over all epochs, by corpus tokens
        processed (as word2vec.c).
    seed_sequence : numpy.random.SeedSequence
        Source of all randomness (subsampling, windows, noise words).
    blas_threads : int
        Threads OpenBLAS may use. The pairwise objectives multiply tiny matrices, where
        BLAS threading is a large slowdown, so they run with 1.
    verbose : int

    Returns
    -------
    list of EpochReport
    """
    total_tokens = max(corpus.n_tokens * epochs, 1)
    processed_tokens = 0.0
    reports = []
    started = time.perf_counter()
    epoch_seeds = seed_sequence.spawn(epochs)
    with threadpool_limits(limits=blas_threads):
        for epoch, epoch_seed in enumerate(epoch_seeds):
            batch_seed, noise_seed = epoch_seed.spawn(2)
            noise_rng = np.random.default_rng(noise_seed)
            epoch_started = time.perf_counter()
            loss_sum, n_pairs, n_effective = 0.0, 0, 0
            for batch in iter_minibatches(
                    corpus, window=window, batch_size=batch_size,
                    shrink_windows=shrink_windows, keep_probability=keep_probability,
                    seed_sequence=batch_seed):
                rate = linear_learning_rate(learning_rate, min_learning_rate,
                                            processed_tokens / total_tokens)
                processed_tokens += batch.n_raw_tokens
                n_effective += batch.n_effective_words
                if batch.n_pairs == 0:
                    continue
                loss = step(center_vectors, output_vectors, batch, rate, noise_rng)
                if not np.isfinite(loss):
                    _raise_diverged(epoch, learning_rate)
                loss_sum += loss
                n_pairs += batch.n_pairs
            if not (np.isfinite(center_vectors).all() and np.isfinite(output_vectors).all()):
                _raise_diverged(epoch, learning_rate)
            seconds = time.perf_counter() - epoch_started
            report = EpochReport(epoch=epoch + 1, mean_loss=loss_sum / max(n_pairs, 1),
                                 n_pairs=n_pairs, n_effective_words=n_effective,
                                 seconds=seconds)
            reports.append(report)
            if verbose:
                _print_progress(report, epochs, time.perf_counter() - started)
    return reports


def _raise_diverged(epoch, learning_rate):
    raise TrainingDivergedError(
        f"Training diverged in epoch {epoch + 1}: the loss or the vectors became "
        f"non-finite (inf or NaN). Lower learning_rate (currently {learning_rate!r}), "
        f"for example by a factor of 10, or reduce batch_size.")


def _print_progress(report, epochs, elapsed):
    words_per_second = report.n_effective_words / max(report.seconds, 1e-9)
    remaining = elapsed / report.epoch * (epochs - report.epoch)
    print(f"[Word2VecTransformer] epoch {report.epoch}/{epochs}: "
          f"loss {report.mean_loss:.4f} per pair, {report.n_pairs:,} pairs, "
          f"{words_per_second:,.0f} words/s, {report.seconds:.1f} s, "
          f"ETA {remaining:.0f} s", flush=True)
