"""Tests of sklearn_w2v._trainer: sparse updates, schedule, steps, threads, divergence."""

import numpy as np
import pytest

from sklearn_w2v._batches import Minibatch
from sklearn_w2v._trainer import (
    ContrastiveStep,
    NoiseModel,
    SoftmaxStep,
    TrainingDivergedError,
    WindowNoiseStep,
    linear_learning_rate,
    train,
)
from sklearn_w2v._segments import scatter_add_rows, sum_per_owner
from sklearn_w2v._vocab import EncodedCorpus, NoiseSampler


def test_scatter_add_rows_sums_repeated_rows():
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((20, 3)).astype(np.float32)
    rows = np.array([3, 3, 3, 0, 19, 3, 0])
    updates = rng.standard_normal((7, 3)).astype(np.float32)
    expected = matrix.copy()
    np.add.at(expected, rows, updates)
    scatter_add_rows(matrix, rows, updates)
    np.testing.assert_allclose(matrix, expected, rtol=1e-6)
    # The naive form loses updates of repeated rows: make sure the test would catch that.
    naive = expected.copy()
    naive[rows] += updates
    assert not np.allclose(naive, expected)


def test_public_scipy_fallback_gives_the_same_sums(monkeypatch):
    from sklearn_w2v import _segments

    rng = np.random.default_rng(3)
    rows = rng.integers(0, 10, size=50)
    updates = rng.standard_normal((50, 4)).astype(np.float32)
    fast = np.zeros((10, 4), dtype=np.float32)
    scatter_add_rows(fast, rows, updates)
    monkeypatch.setattr(_segments, "_csr_matvecs", None)
    slow = np.zeros((10, 4), dtype=np.float32)
    scatter_add_rows(slow, rows, updates)
    np.testing.assert_allclose(fast, slow, rtol=1e-6)


def test_sum_per_owner():
    grads = np.arange(12, dtype=np.float64).reshape(6, 2)
    owner = np.array([0, 0, 1, 3, 3, 3])
    np.testing.assert_array_equal(sum_per_owner(grads, owner, 4),
                                  [[2, 4], [4, 5], [0, 0], [24, 27]])


def test_linear_learning_rate():
    assert linear_learning_rate(0.025, 1e-4, 0.0) == 0.025
    assert linear_learning_rate(0.025, 1e-4, 1.0) == pytest.approx(1e-4)
    assert linear_learning_rate(0.025, 1e-4, 0.5) == pytest.approx((0.025 + 1e-4) / 2)
    assert linear_learning_rate(0.025, 1e-4, 2.0) == pytest.approx(1e-4)  # clipped


def make_noise(n_words, seed=0):
    counts = np.random.default_rng(seed).integers(1, 100, size=n_words)
    q = counts / counts.sum()
    return NoiseModel(sampler=NoiseSampler(q), log_probabilities=np.log(q))


def make_batch():
    centers = np.array([0, 1, 2], dtype=np.int32)
    contexts = np.array([1, 2, 2, 0, 3, 3], dtype=np.int32)
    owner = np.array([0, 0, 1, 2, 2, 2])
    return Minibatch(centers=centers, contexts=contexts, owner=owner, n_raw_tokens=3.0,
                     n_effective_words=3)


@pytest.mark.parametrize("step", [
    SoftmaxStep(),
    ContrastiveStep(noise=make_noise(5), negative=3),
    ContrastiveStep(noise=make_noise(5), negative=3, nce=True),
    WindowNoiseStep(noise=make_noise(5), negative=3),
    WindowNoiseStep(noise=make_noise(5), negative=3, nce=True),
])
def test_a_small_step_lowers_the_minibatch_loss(step):
    """Gradients point uphill: a small step along -gradient lowers the same loss."""
    rng = np.random.default_rng(1)
    V = rng.standard_normal((5, 4))
    U = rng.standard_normal((5, 4))
    batch = make_batch()
    gradients = step(V, U, batch, np.random.default_rng(2))
    assert gradients.n_pairs == 6
    V2, U2 = V.copy(), U.copy()
    scatter_add_rows(V2, gradients.center_rows, -1e-3 * gradients.center_grads)
    if gradients.output_rows is None:
        U2 -= 1e-3 * gradients.output_grads
    else:
        scatter_add_rows(U2, gradients.output_rows, -1e-3 * gradients.output_grads)
    after = step(V2, U2, batch, np.random.default_rng(2)).loss  # same noise draws
    assert after < gradients.loss


def random_corpus(seed=0, n_docs=400, n_words=40):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 30, size=n_docs)
    # Documents walk through the vocabulary so that neighbours are predictable.
    ids = np.concatenate([(rng.integers(0, n_words) + np.arange(n)) % n_words
                          for n in lengths]).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return EncodedCorpus(ids=ids, doc_offsets=offsets)


def run_train(step, n_threads=1, seed=0, learning_rate=0.05, epochs=3, n_words=40):
    corpus = random_corpus(n_words=n_words)
    init = np.random.default_rng(0)
    V = ((init.random((n_words, 8)) - 0.5) / 8).astype(np.float32)
    U = np.zeros((n_words, 8), dtype=np.float32)
    reports = train(corpus, V, U, step, epochs=epochs, window=2, shrink_windows=True,
                    keep_probability=None, batch_size=16, learning_rate=learning_rate,
                    min_learning_rate=1e-4, seed_sequence=np.random.SeedSequence(seed),
                    n_threads=n_threads)
    return V, U, reports


@pytest.mark.parametrize("step", [SoftmaxStep(), ContrastiveStep(make_noise(40), 5),
                                  WindowNoiseStep(make_noise(40), 5)])
def test_training_lowers_the_loss(step):
    _, _, reports = run_train(step)
    losses = [r.mean_loss for r in reports]
    assert losses[-1] < losses[0]
    assert all(r.n_pairs > 0 and r.n_effective_words == reports[0].n_effective_words
               for r in reports)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_training_is_reproducible_for_a_given_thread_count(n_threads):
    step = WindowNoiseStep(make_noise(40), 5)
    V1, U1, _ = run_train(step, n_threads=n_threads, seed=3)
    V2, U2, _ = run_train(step, n_threads=n_threads, seed=3)
    assert np.array_equal(V1, V2) and np.array_equal(U1, U2)
    V3, _, _ = run_train(step, n_threads=n_threads, seed=4)
    assert not np.array_equal(V1, V3)


def test_two_threads_learn_as_well_as_one():
    step = WindowNoiseStep(make_noise(40), 5)
    _, _, one = run_train(step, n_threads=1, epochs=5)
    _, _, two = run_train(step, n_threads=2, epochs=5)
    # Synchronous pairs of minibatches are a batch twice as large: same objective, close.
    assert two[-1].mean_loss == pytest.approx(one[-1].mean_loss, rel=0.05)
    assert two[-1].mean_loss < two[0].mean_loss


def test_divergence_raises_and_names_the_learning_rate():
    with pytest.raises(TrainingDivergedError, match="learning_rate"):
        run_train(SoftmaxStep(), learning_rate=1e4)
