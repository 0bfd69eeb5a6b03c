"""Tests of sklearn_w2v._model.steps, _architectures and _layers: every (architecture, output
layer) step's updates descend its own loss and are its gradient."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_w2v._model.architectures import (
    Cbow,
    DistributedBagOfWords,
    DistributedMemory,
    SkipGram,
    make_architecture,
)
from sklearn_w2v._model.huffman import huffman_tree
from sklearn_w2v._model.layers import (
    HierarchicalSoftmax,
    NoiseContrastive,
    Softmax,
    make_layer,
)
from sklearn_w2v._model.noise import NoiseSampler
from sklearn_w2v._model.sparse_rows import scatter_add_rows
from sklearn_w2v._model.steps import BlockRandom, Predictions, Step, make_step
from sklearn_w2v._text.encoded_corpus import EncodedCorpus
from sklearn_w2v._text.minibatches import iter_minibatches


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


def noise_layer(nce=False, share_negatives=True, noise_groups=None):
    sampler = make_sampler(6)
    return NoiseContrastive(sampler.probabilities, 3, nce=nce,
                            share_negatives=share_negatives, sampler=sampler,
                            noise_groups=noise_groups)


def softmax_layer():
    return Softmax(make_sampler(6).probabilities)


STEPS = [
    Step(SkipGram(), softmax_layer()),
    Step(SkipGram(), noise_layer(share_negatives=False)),
    Step(SkipGram(), noise_layer(nce=True, share_negatives=False)),
    Step(SkipGram(), noise_layer()),
    Step(SkipGram(), noise_layer(nce=True)),
    Step(SkipGram(), HierarchicalSoftmax(TREE)),
    Step(Cbow(mean=True), softmax_layer()),
    Step(Cbow(mean=False), softmax_layer()),
    Step(Cbow(), noise_layer()),
    Step(Cbow(mean=False), noise_layer(nce=True)),
    Step(Cbow(), noise_layer(noise_groups=Cbow.noise_groups)),
    # Several groups of windows sharing noise words, the last one short.
    Step(Cbow(), noise_layer(noise_groups=(4, 5))),
    Step(Cbow(), noise_layer(nce=True, noise_groups=(3, 2))),
    Step(Cbow(), noise_layer(share_negatives=False)),
    Step(Cbow(), HierarchicalSoftmax(TREE)),
    Step(Cbow(mean=False), HierarchicalSoftmax(TREE)),
    # Paths split nearer the root: dense top steps and gathered deep ones both in use.
    Step(SkipGram(), HierarchicalSoftmax(TREE, top_depth=1)),
    Step(Cbow(), HierarchicalSoftmax(TREE, top_depth=2)),
    Step(Cbow(), HierarchicalSoftmax(TREE, top_depth=0)),
]


def step_id(step):
    layer = step.layer
    return (f"{step.architecture.name}-{getattr(step.architecture, 'mean', '')}-"
            f"{layer.objective}-{getattr(layer, 'share_negatives', '')}-"
            f"{getattr(layer, 'group_windows', '')}{getattr(layer, 'top_depth', '')}")


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
    is_cbow = isinstance(step.architecture, Cbow)
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
            gradients = (gradients / counts[:, None] if step.architecture.mean
                         else gradients * counts[:, None])
        if update.rows is None:
            dense[update.parameter] += gradients
        else:
            scatter_add_rows(dense[update.parameter], update.rows, gradients, update.weights,
                             groups=update.groups)
    return dense


def assert_matches_finite_differences(step, parameters, batch, gradients, eps=1e-6):
    """Every entry of ``gradients`` (name -> dense array) is the derivative of the step's
    loss (with the same noise draws) by central differences."""
    for name, matrix in parameters.items():
        numerical = np.zeros_like(matrix)
        for index in np.ndindex(matrix.shape):
            for sign in (1, -1):
                moved = {key: value.copy() for key, value in parameters.items()}
                moved[name][index] += sign * eps
                numerical[index] += sign * step(moved, batch, random(9)).loss / (2 * eps)
        np.testing.assert_allclose(gradients[name], numerical, rtol=1e-5, atol=1e-6,
                                   err_msg=name)


@pytest.mark.parametrize("step", STEPS, ids=step_id)
def test_gradients_match_finite_differences(step):
    """Per parameter entry: the (de-scaled) updates are the loss's gradient."""
    parameters = make_parameters(5)
    batch = make_batch()
    result = step(parameters, batch, random(9))
    dense = exact_gradients(step, result, batch)
    assert_matches_finite_differences(step, parameters, batch, dense)


def test_window_step_counts_mark_padding_and_pairs():
    sampler = make_sampler(6)
    step = Step(SkipGram(), NoiseContrastive(sampler.probabilities, 2, sampler=sampler))
    batch = make_batch()
    rng = np.random.default_rng(0)
    parameters = {"input": rng.standard_normal((6, 3)), "output": rng.standard_normal((6, 3))}
    inputs, outputs = step(parameters, batch, BlockRandom(rng)).updates
    assert np.array_equal(inputs.counts, batch.window_mask.ravel())
    pairs = batch.window_mask.sum(axis=1)
    assert np.array_equal(outputs.counts, np.repeat(pairs, 3))
    assert np.array_equal(outputs.rows.reshape(-1, 3)[:, 0], batch.centers)


def test_cbow_windows_share_noise_words_in_groups():
    """With share_negatives, each run of ``group_windows`` windows draws ``group_draws``
    noise words, weighted ``negative / group_draws``; without, every window draws
    ``negative`` of its own (word2vec.c)."""
    batch = make_batch()
    n_windows = len(batch.centers)
    parameters = make_parameters(6)
    layer = noise_layer(noise_groups=(4, 6))
    (inputs, outputs) = Step(Cbow(), layer)(parameters, batch, random(2)).updates
    n_groups = -(-n_windows // 4)
    assert len(outputs.rows) == n_windows + 6 * n_groups
    assert_array_equal(outputs.rows[:n_windows], batch.centers)
    noise_counts = outputs.counts[n_windows:].reshape(n_groups, 6)
    short = n_windows - 4 * (n_groups - 1)
    np.testing.assert_allclose(noise_counts[:-1], 4 * 3 / 6)
    np.testing.assert_allclose(noise_counts[-1], short * 3 / 6)
    per_window = Step(Cbow(), noise_layer(share_negatives=False))(parameters, batch,
                                                                   random(2)).updates[1]
    assert len(per_window.rows) == n_windows * 4  # the target and 3 noise words each
    q = np.full(6, 1 / 6)
    for share, groups, expected in [(True, Cbow.noise_groups, Cbow.noise_groups),
                                    (False, Cbow.noise_groups, (1, 7)),
                                    (True, DistributedMemory.noise_groups, (1, 7))]:
        layer = make_layer("negative", counts=np.arange(1, 7), noise_distribution=q,
                           negative=7, share_negatives=share, noise_groups=groups)
        assert (layer.group_windows, layer.group_draws) == expected


def test_hierarchical_grid_buckets_equal_one_padded_grid():
    """Skip-gram's windows cut into grids by path length give the loss, the hidden
    gradient and the summed node gradient of the single padded grid."""
    counts = np.sort(np.random.default_rng(4).integers(1, 500, size=30))[::-1]
    tree = huffman_tree(counts)
    rng = np.random.default_rng(5)
    n_windows, width, d = 11, 4, 3
    hidden = rng.standard_normal((n_windows, width, d))
    mask = rng.random((n_windows, width)) < 0.8
    mask[:, 0] = True
    targets = rng.integers(0, 30, size=n_windows)
    matrix = rng.standard_normal((29, d))
    results = []
    for buckets in (1, 3):
        out = HierarchicalSoftmax(tree, grid_buckets=buckets).forward(
            Predictions.grid(hidden, mask, targets), matrix, None)
        (update,) = out.updates
        dense = np.zeros_like(matrix)
        np.add.at(dense, update.rows, update.gradients * (update.counts > 0)[:, None])
        totals = np.bincount(update.rows, weights=update.counts, minlength=29)
        results.append((out.loss, out.grad_hidden, dense, totals))
    (loss1, grad1, dense1, totals1), (loss3, grad3, dense3, totals3) = results
    np.testing.assert_allclose(loss3, loss1, rtol=1e-12)
    np.testing.assert_allclose(grad3, grad1, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dense3, dense1, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(totals3, totals1)


def test_layers_and_architectures_are_made_from_the_parameters():
    counts = np.array([9, 7, 5, 3, 2, 1])
    q = counts / counts.sum()
    layer = make_layer("negative", counts=counts, noise_distribution=q, negative=4)
    assert isinstance(layer, NoiseContrastive) and layer.negative == 4 and not layer.nce
    assert layer.skipgram_input == "contexts" and layer.parameter == "output"
    layer = make_layer("nce", counts=counts, noise_distribution=q, share_negatives=False)
    assert layer.nce and layer.skipgram_input == "center"
    assert isinstance(make_layer("softmax", counts=counts, noise_distribution=q), Softmax)
    tree_layer = make_layer("hierarchical", counts=counts, noise_distribution=q)
    assert tree_layer.parameter == "inner" and tree_layer.n_rows(6) == 5
    assert_array_equal(tree_layer.tree.points, huffman_tree(counts).points)
    # A continued fit keeps its tree.
    assert make_layer("hierarchical", counts=counts[::-1], noise_distribution=q,
                      tree=TREE).tree is TREE
    with pytest.raises(ValueError, match="objective='doc2vec'"):
        make_layer("doc2vec", counts=counts, noise_distribution=q)
    assert make_architecture("cbow", cbow_mean=False) == Cbow(mean=False)
    with pytest.raises(ValueError, match="architecture='doc2vec'"):
        make_architecture("doc2vec")
    assert make_architecture("dbow", dbow_words=True) == DistributedBagOfWords(True)
    assert make_architecture("dm", cbow_mean=False) == DistributedMemory(mean=False)
    assert make_step(SkipGram(), layer) == Step(SkipGram(), layer)


@pytest.mark.parametrize("step", STEPS, ids=step_id)
def test_the_layer_scores_what_it_trains(step):
    """Where the training loss is the exact log-likelihood (softmax, hierarchical
    softmax), the layer's log_likelihood of the same predictions sums to minus it."""
    if step.layer.uses_noise_words:
        pytest.skip("the sampled loss of NS and NCE is not a log-likelihood")
    parameters = make_parameters(7)
    batch = make_batch()
    result = step(parameters, batch, random(0))
    architecture, layer = step.architecture, step.layer
    matrix = parameters[layer.parameter]
    if isinstance(architecture, Cbow):
        hidden, targets, owner = architecture.score_inputs(batch, parameters)
    else:  # the skip-gram pairs, as training forms them for this layer
        hidden, targets, owner = (parameters["input"][batch.contexts], batch.pair_centers,
                                  np.arange(batch.n_pairs))
        if layer.skipgram_input == "center":
            hidden, targets, owner = architecture.score_inputs(batch, parameters)
    log_p = layer.log_likelihood(hidden, targets, owner, matrix)
    assert -log_p.sum() == pytest.approx(result.loss, rel=1e-10)


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


# ------------------------------------------------------------------ paragraph vectors


def make_document_batch(n_words=6):
    rng = np.random.default_rng(3)
    docs = [rng.integers(0, n_words, size=length) for length in (9, 1, 9, 5)]
    lengths = np.cumsum([0] + [len(doc) for doc in docs])
    corpus = EncodedCorpus(np.concatenate(docs), lengths)
    return next(iter_minibatches(corpus, window=2, batch_size=64, keep_isolated=True,
                                 with_documents=True,
                                 seed_sequence=np.random.SeedSequence(1)))


def make_document_parameters(seed, d=4):
    return {**make_parameters(seed, d),
            "documents": np.random.default_rng(seed + 100).standard_normal((4, d))}


def minibatch_noise_layer(frozen_matrix=False):
    sampler = make_sampler(6)
    return NoiseContrastive(sampler.probabilities, 3, sampler=sampler, minibatch_noise=True,
                            frozen_matrix=frozen_matrix)


DOCUMENT_STEPS = [
    Step(DistributedBagOfWords(), noise_layer()),
    Step(DistributedBagOfWords(), minibatch_noise_layer()),
    Step(DistributedBagOfWords(), HierarchicalSoftmax(TREE)),
    Step(DistributedBagOfWords(train_words=True), noise_layer()),
    Step(DistributedMemory(mean=True), noise_layer()),
    Step(DistributedMemory(mean=False), HierarchicalSoftmax(TREE)),
    Step(DistributedMemory(mean=True), softmax_layer()),
]


def test_document_batches_name_the_document_of_every_kept_token():
    batch = make_document_batch()
    # Every token is kept (no subsampling) and is a center, even the one-word document.
    assert len(batch.centers) == 24
    assert sorted(np.bincount(batch.documents, minlength=4)) == [1, 5, 9, 9]
    assert batch.window_mask[batch.documents == 1].sum() == 0


@pytest.mark.parametrize("step", DOCUMENT_STEPS, ids=step_id)
def test_document_step_gradients_match_finite_differences(step):
    parameters = make_document_parameters(5)
    batch = make_document_batch()
    result = step(parameters, batch, random(9))
    assert result.loss > 0
    # CBOW's rule for the combined rows (document and context words of PV-DM): the whole
    # hidden error for the mean, the error / count for the sum; undo it.
    n_combined = batch.window_mask.sum(axis=1) + 1
    dense = {name: np.zeros_like(matrix) for name, matrix in parameters.items()}
    for update in result.updates:
        gradients = update.gradients.reshape(-1, 4)
        if isinstance(step.architecture, DistributedMemory) and update.parameter in (
                "documents", "input"):
            gradients = (gradients / n_combined[:, None] if step.architecture.mean
                         else gradients * n_combined[:, None])
        if update.rows is None:
            dense[update.parameter] += gradients
        else:
            scatter_add_rows(dense[update.parameter], update.rows, gradients,
                             update.weights, groups=update.groups)
    assert_matches_finite_differences(step, parameters, batch, dense)


def test_a_frozen_layer_returns_no_update_of_its_matrix():
    layer = minibatch_noise_layer(frozen_matrix=True)
    result = Step(DistributedBagOfWords(), layer)(make_document_parameters(2),
                                                   make_document_batch(), random(3))
    assert [update.parameter for update in result.updates] == ["documents"]
