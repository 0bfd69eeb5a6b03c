"""Tests of sklearn_w2v._steps: every step's updates descend its own loss."""

import numpy as np
import pytest

from sklearn_w2v._batches import iter_minibatches
from sklearn_w2v._segments import scatter_add_rows
from sklearn_w2v._huffman import huffman_tree
from sklearn_w2v._steps import (
    BlockRandom,
    CbowHierarchicalStep,
    CbowNoiseStep,
    CbowSoftmaxStep,
    PairNoiseStep,
    SoftmaxStep,
    WindowHierarchicalStep,
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


TREE = huffman_tree([9, 7, 5, 3, 2, 1])

STEPS = [
    SoftmaxStep(),
    PairNoiseStep(sampler=make_sampler(6), negative=3),
    PairNoiseStep(sampler=make_sampler(6), negative=3, nce=True),
    WindowNoiseStep(sampler=make_sampler(6), negative=3),
    WindowNoiseStep(sampler=make_sampler(6), negative=3, nce=True),
    WindowHierarchicalStep(tree=TREE),
    CbowSoftmaxStep(mean=True),
    CbowSoftmaxStep(mean=False),
    CbowNoiseStep(sampler=make_sampler(6), negative=3),
    CbowNoiseStep(sampler=make_sampler(6), negative=3, nce=True, mean=False),
    CbowHierarchicalStep(tree=TREE),
    CbowHierarchicalStep(tree=TREE, mean=False),
]


def step_id(step):
    return f"{type(step).__name__}-{getattr(step, 'nce', '')}-{getattr(step, 'mean', '')}"


def make_parameters(seed, d=4):
    rng = np.random.default_rng(seed)
    return {"input": rng.standard_normal((6, d)), "output": rng.standard_normal((6, d)),
            "inner": rng.standard_normal((5, d))}


def apply(parameters, result, rate):
    for update in result.updates:
        matrix = parameters[update.parameter]
        if update.rows is None:
            matrix -= rate * update.gradients
        else:
            scatter_add_rows(matrix, update.rows, update.gradients, update.weights,
                             factor=-rate, groups=update.groups)


@pytest.mark.parametrize("step", STEPS, ids=step_id)
def test_a_small_step_along_the_updates_lowers_the_minibatch_loss(step):
    """The updates descend: a small step against them lowers the same loss."""
    parameters = make_parameters(1)
    batch = make_batch()
    result = step(parameters, batch, random(2))
    assert result.n_pairs == batch.n_pairs > 0
    is_cbow = type(step).__name__.startswith("Cbow")
    assert result.loss_per_prediction * (len(batch.centers) if is_cbow
                                         else batch.n_pairs) == pytest.approx(result.loss)
    moved = {name: matrix.copy() for name, matrix in parameters.items()}
    apply(moved, result, 1e-3)
    after = step(moved, batch, random(2)).loss  # same noise draws
    assert after < result.loss
    # And the step is pure: it read the parameters without writing them.
    assert not any(np.shares_memory(update.gradients, matrix)
                   for update in result.updates for matrix in parameters.values())


def exact_gradients(step, result, batch):
    """The summed gradient per parameter row. CBOW's input updates follow word2vec.c: each
    context word gets the hidden layer's whole error for the mean (count times its
    gradient) and the error / count for the sum (1 / count times its gradient); undo that."""
    counts = batch.window_mask.sum(axis=1)
    dense = {name: np.zeros_like(matrix) for name, matrix in make_parameters(0).items()}
    for update in result.updates:
        gradients = update.gradients
        if update.parameter == "input" and update.groups is not None:
            gradients = gradients / counts[:, None] if step.mean else gradients * counts[:, None]
        if update.rows is None:
            dense[update.parameter] += gradients
        else:
            scatter_add_rows(dense[update.parameter], update.rows, gradients, update.weights,
                             groups=update.groups)
    return dense


@pytest.mark.parametrize("step", STEPS, ids=step_id)
def test_gradients_match_finite_differences(step):
    """Per parameter entry: the (de-scaled) updates are the loss's gradient."""
    parameters = make_parameters(5)
    batch = make_batch()
    result = step(parameters, batch, random(9))
    dense = exact_gradients(step, result, batch)
    eps = 1e-6
    for name, matrix in parameters.items():
        numerical = np.zeros_like(matrix)
        for index in np.ndindex(matrix.shape):
            for sign in (1, -1):
                moved = {key: value.copy() for key, value in parameters.items()}
                moved[name][index] += sign * eps
                numerical[index] += sign * step(moved, batch, random(9)).loss / (2 * eps)
        np.testing.assert_allclose(dense[name], numerical, rtol=1e-5, atol=1e-6,
                                   err_msg=name)


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
    with pytest.raises(ValueError, match="architecture='doc2vec'"):
        make_step("doc2vec", "negative", sampler=sampler)


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
