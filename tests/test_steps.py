"""Tests of sklearn_w2v._steps: every step's updates descend its own loss."""

import numpy as np
import pytest

from sklearn_w2v._batches import iter_minibatches
from sklearn_w2v._segments import scatter_add_rows
from sklearn_w2v._steps import (
    BlockRandom,
    PairNoiseStep,
    SoftmaxStep,
    WindowNoiseStep,
    make_step,
)
from sklearn_w2v._vocab import EncodedCorpus, NoiseSampler


def random(seed):
    return BlockRandom(np.random.default_rng(seed))


def make_sampler(n_words, seed=0):
    counts = np.random.default_rng(seed).integers(1, 100, size=n_words)
    return NoiseSampler(counts / counts.sum())


def make_batch(n_words=6):
    rng = np.random.default_rng(3)
    docs = [rng.integers(0, n_words, size=9) for _ in range(3)]
    corpus = EncodedCorpus(np.concatenate(docs), np.arange(0, 28, 9))
    return next(iter_minibatches(corpus, window=2, batch_size=64,
                                 seed_sequence=np.random.SeedSequence(1)))


STEPS = [
    SoftmaxStep(),
    PairNoiseStep(sampler=make_sampler(6), negative=3),
    PairNoiseStep(sampler=make_sampler(6), negative=3, nce=True),
    WindowNoiseStep(sampler=make_sampler(6), negative=3),
    WindowNoiseStep(sampler=make_sampler(6), negative=3, nce=True),
]


def apply(parameters, result, rate):
    for update in result.updates:
        matrix = parameters[update.parameter]
        if update.rows is None:
            matrix -= rate * update.gradients
        else:
            scatter_add_rows(matrix, update.rows, update.gradients, factor=-rate)


@pytest.mark.parametrize("step", STEPS, ids=lambda s: f"{type(s).__name__}")
def test_a_small_step_along_the_updates_lowers_the_minibatch_loss(step):
    """The updates are gradients: a small step against them lowers the same loss."""
    rng = np.random.default_rng(1)
    parameters = {"input": rng.standard_normal((6, 4)), "output": rng.standard_normal((6, 4))}
    batch = make_batch()
    result = step(parameters, batch, random(2))
    assert result.n_pairs == batch.n_pairs > 0
    assert {update.parameter for update in result.updates} == {"input", "output"}
    moved = {name: matrix.copy() for name, matrix in parameters.items()}
    apply(moved, result, 1e-3)
    after = step(moved, batch, random(2)).loss  # same noise draws
    assert after < result.loss
    # And the step is pure: it read the parameters without writing them.
    assert not any(np.shares_memory(update.gradients, matrix)
                   for update in result.updates for matrix in parameters.values())


@pytest.mark.parametrize("step", STEPS[1:], ids=lambda s: f"{type(s).__name__}")
def test_update_directional_derivative_matches_finite_differences(step):
    """-d loss/d t along the applied updates equals the squared gradient norm."""
    rng = np.random.default_rng(5)
    parameters = {"input": rng.standard_normal((6, 4)), "output": rng.standard_normal((6, 4))}
    batch = make_batch()
    result = step(parameters, batch, random(9))
    dense = {name: np.zeros_like(matrix) for name, matrix in parameters.items()}
    apply(dense, result, -1.0)  # the summed gradient per parameter row
    eps = 1e-6

    def loss_at(t):
        moved = {name: parameters[name] - t * dense[name] for name in parameters}
        return step(moved, batch, random(9)).loss

    numerical = (loss_at(eps) - loss_at(-eps)) / (2 * eps)
    expected = -sum((g ** 2).sum() for g in dense.values())
    np.testing.assert_allclose(numerical, expected, rtol=1e-6)


def test_window_step_counts_mark_padding_and_pairs():
    step = WindowNoiseStep(sampler=make_sampler(6), negative=2)
    batch = make_batch()
    rng = np.random.default_rng(0)
    parameters = {"input": rng.standard_normal((6, 3)), "output": rng.standard_normal((6, 3))}
    inputs, outputs = step(parameters, batch, BlockRandom(rng)).updates
    assert np.array_equal(inputs.counts, batch.window_mask.ravel())
    pairs = batch.window_mask.sum(axis=1)
    assert np.array_equal(outputs.counts, np.repeat(pairs, 3))
    assert np.array_equal(outputs.rows.reshape(-1, 3)[:, 0], batch.centers)


def test_make_step_table():
    sampler = make_sampler(6)
    assert isinstance(make_step("skipgram", "softmax"), SoftmaxStep)
    step = make_step("skipgram", "negative", sampler=sampler, negative=4)
    assert isinstance(step, WindowNoiseStep) and step.negative == 4 and not step.nce
    step = make_step("skipgram", "nce", sampler=sampler, share_negatives=False)
    assert isinstance(step, PairNoiseStep) and step.nce
    with pytest.raises(ValueError, match="architecture='cbow'"):
        make_step("cbow", "negative", sampler=sampler)


def test_block_random_serves_noise_in_request_order_from_bulk_draws():
    sampler = make_sampler(50)
    bulk = sampler.sample(np.random.default_rng(4), BlockRandom._NOISE_CHUNK)
    source = random(4)
    first = source.noise(sampler, (3, 5))
    second = source.noise(sampler, (7,))
    assert first.shape == (3, 5) and first.dtype == np.int32
    np.testing.assert_array_equal(np.concatenate([first.ravel(), second]), bulk[:22])
    # A request larger than what is left draws more; nothing is skipped or repeated.
    rest = source.noise(sampler, (BlockRandom._NOISE_CHUNK,))
    np.testing.assert_array_equal(rest[:BlockRandom._NOISE_CHUNK - 22], bulk[22:])
