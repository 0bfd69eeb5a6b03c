"""Tests of sklearn_w2v._training.trainer and _segments: updates, schedule, loop, divergence."""

import numpy as np
import pytest

from sklearn_w2v._model.architectures import SkipGram
from sklearn_w2v._model.layers import NoiseContrastive, Softmax
from sklearn_w2v._model.noise import NoiseSampler
from sklearn_w2v._model.sparse_rows import RowUpdateCap, scatter_add_rows, sum_per_owner
from sklearn_w2v._model.steps import make_step
from sklearn_w2v._text.encoded_corpus import EncodedCorpus
from sklearn_w2v._training.schedule import linear_learning_rate
from sklearn_w2v._training.trainer import (
    TrainingConfig,
    TrainingDivergedError,
    TrainingState,
    train,
)


def test_scatter_add_rows_sums_repeated_rows():
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((20, 3)).astype(np.float32)
    rows = np.array([3, 3, 3, 0, 19, 3, 0])
    updates = rng.standard_normal((7, 3)).astype(np.float32)
    scales = rng.random(7).astype(np.float32)
    expected = matrix.copy()
    np.add.at(expected, rows, -0.5 * scales[:, None] * updates)
    scatter_add_rows(matrix, rows, updates, scales, -0.5)
    np.testing.assert_allclose(matrix, expected, rtol=1e-6)
    # The naive form loses updates of repeated rows: make sure the test would catch that.
    naive = expected.copy()
    naive[rows] += updates
    assert not np.allclose(naive, expected)


def test_scatter_add_rows_fallback_gives_the_same_result(monkeypatch):
    from sklearn_w2v._model import sparse_rows as _segments

    rng = np.random.default_rng(3)
    rows = rng.integers(0, 10, size=50)
    updates = rng.standard_normal((50, 2, 4)).astype(np.float32)  # leading axes flattened
    fast = np.zeros((100, 4), dtype=np.float32)
    scatter_add_rows(fast, np.repeat(rows, 2), updates, factor=2.0)
    monkeypatch.setattr(_segments, "_csc_matvecs", None)
    slow = np.zeros((100, 4), dtype=np.float32)
    scatter_add_rows(slow, np.repeat(rows, 2), updates, factor=2.0)
    np.testing.assert_allclose(fast, slow, rtol=1e-6)


def test_row_update_cap():
    rows = np.array([0, 0, 0, 1, 2, 2])
    counts = np.array([10, 10, 20, 5, 0, 3], dtype=np.float32)
    cap = RowUpdateCap(4, max_updates_per_row=8)
    # Row 0 sums 40 pair updates: each of its occurrences is scaled by 8 / 40; row 1 is
    # under the cap; row 2's padding occurrence (count 0) carries nothing.
    np.testing.assert_allclose(cap.scales(rows, counts), [0.2, 0.2, 0.2, 1.0, 0.0, 1.0])
    # The totals do not carry over from one call to the next.
    np.testing.assert_allclose(cap.scales(rows, counts), [0.2, 0.2, 0.2, 1.0, 0.0, 1.0])
    np.testing.assert_allclose(RowUpdateCap(3, 2).scales(rows),
                               [2 / 3] * 3 + [1, 1, 1], rtol=1e-6)
    np.testing.assert_array_equal(RowUpdateCap(3, None).scales(rows, counts),
                                  [1, 1, 1, 1, 0, 1])


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


def make_sampler(n_words, seed=0):
    counts = np.random.default_rng(seed).integers(1, 100, size=n_words)
    return NoiseSampler(counts / counts.sum())


def softmax_step(n_words=40):
    return make_step(SkipGram(), Softmax(np.full(n_words, 1 / n_words)))


def noise_step(n_words, negative):
    sampler = make_sampler(n_words)
    return make_step(SkipGram(), NoiseContrastive(sampler.probabilities, negative,
                                                  sampler=sampler))


def random_corpus(seed=0, n_docs=400, n_words=40):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 30, size=n_docs)
    # Documents walk through the vocabulary so that neighbours are predictable.
    ids = np.concatenate([(rng.integers(0, n_words) + np.arange(n)) % n_words
                          for n in lengths]).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return EncodedCorpus(ids=ids, doc_offsets=offsets)


def run_train(step, seed=0, learning_rate=0.05, epochs=3, n_words=40, block_size=1000,
              **kwargs):
    corpus = random_corpus(n_words=n_words)
    init = np.random.default_rng(0)
    parameters = {"input": ((init.random((n_words, 8)) - 0.5) / 8).astype(np.float32),
                  "output": np.zeros((n_words, 8), dtype=np.float32)}
    config = TrainingConfig(epochs=epochs, window=2, shrink_windows=True,
                            keep_probability=None, batch_size=16,
                            learning_rate=learning_rate, min_learning_rate=1e-4,
                            block_size=block_size)
    reports = train(corpus, parameters, step, config,
                    seed_sequence=np.random.SeedSequence(seed), **kwargs)
    return parameters["input"], parameters["output"], reports


@pytest.mark.parametrize("step", [softmax_step(), noise_step(40, 5)])
def test_training_lowers_the_loss(step):
    _, _, reports = run_train(step)
    losses = [r.mean_loss for r in reports]
    assert losses[-1] < losses[0]
    assert all(r.n_pairs > 0 and r.n_effective_words == reports[0].n_effective_words
               for r in reports)


def test_training_is_reproducible_in_one_process():
    step = noise_step(40, 5)
    V1, U1, _ = run_train(step, seed=3)
    V2, U2, _ = run_train(step, seed=3)
    assert np.array_equal(V1, V2) and np.array_equal(U1, U2)
    V3, _, _ = run_train(step, seed=4)
    assert not np.array_equal(V1, V3)


def test_block_size_changes_only_the_cutting_not_the_pair_count():
    """Blocks are cut at document boundaries: every window is trained whatever the size."""
    step = noise_step(40, 5)
    pairs = {size: sum(r.n_pairs for r in run_train(step, block_size=size)[2])
             for size in (50, 1000, 10**6)}
    # Different seeds per block change the windows drawn, not their expected number.
    assert len(set(pairs.values())) > 1
    assert max(pairs.values()) < 1.05 * min(pairs.values())


def test_epoch_seeds_are_spawned_when_the_epoch_starts():
    state = TrainingState(np.random.SeedSequence(0))
    config = TrainingConfig(epochs=10**9, window=2, shrink_windows=True,
                            keep_probability=None, batch_size=4, learning_rate=0.1,
                            min_learning_rate=1e-4)
    cuts = np.array([0, 10, 25])
    first = state.epoch_tasks(0, cuts, config)
    assert state.seed_sequence.n_children_spawned == 1
    second = state.epoch_tasks(1, cuts, config)
    assert [t.start for t in first] == [0, 10] and first[1].progress_tokens == 10
    assert second[0].progress_tokens == 25
    assert first[0].seed.entropy == second[0].seed.entropy
    assert first[0].seed.spawn_key != second[0].seed.spawn_key


def test_divergence_raises_and_names_the_learning_rate():
    with pytest.raises(TrainingDivergedError, match="learning_rate"):
        run_train(softmax_step(), learning_rate=1e4)


def test_an_epoch_without_pairs_reports_nan():
    corpus = EncodedCorpus(ids=np.arange(5, dtype=np.int32), doc_offsets=np.arange(6))
    parameters = {"input": np.zeros((5, 2), np.float32),
                  "output": np.zeros((5, 2), np.float32)}
    config = TrainingConfig(epochs=2, window=2, shrink_windows=True, keep_probability=None,
                            batch_size=4, learning_rate=0.1, min_learning_rate=1e-4)
    reports = train(corpus, parameters, noise_step(5, 2), config,
                    seed_sequence=np.random.SeedSequence(0))
    assert [r.n_pairs for r in reports] == [0, 0]
    assert all(np.isnan(r.mean_loss) for r in reports)
    assert reports[0].n_effective_words == 5


@pytest.mark.parametrize("fast", [True, False])
def test_scatter_add_rows_by_groups(fast, monkeypatch):
    from sklearn_w2v._model import sparse_rows as _segments

    if not fast:
        monkeypatch.setattr(_segments, "_csc_matvecs", None)
    rng = np.random.default_rng(5)
    matrix = rng.standard_normal((10, 3))
    rows = np.array([1, 4, 4, 0, 9, 1])
    groups = np.array([0, 3, 3, 6])  # group 1 is empty
    updates = rng.standard_normal((3, 3))
    scales = rng.random(6)
    expected = matrix.copy()
    for g in range(3):
        for i in range(groups[g], groups[g + 1]):
            expected[rows[i]] += -0.1 * scales[i] * updates[g]
    scatter_add_rows(matrix, rows, updates, scales, -0.1, groups=groups)
    np.testing.assert_allclose(matrix, expected, rtol=1e-12)
