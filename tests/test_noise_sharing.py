"""Tests of sklearn_w2v._model.noise_sharing and the Predictions value of _model.steps: each
noise-sharing scheme draws what it documents, and its gradients are those of the per-pair
kernel (the oracle) with the shared noise words repeated for every prediction."""

import dataclasses

import numpy as np
import pytest

from sklearn_w2v._model import fitted_layer, make_layer, objectives
from sklearn_w2v._model.huffman import huffman_tree
from sklearn_w2v._model.layers import HierarchicalSoftmax, NoiseContrastive, Softmax
from sklearn_w2v._model.noise import NoiseSampler
from sklearn_w2v._model.noise_sharing import (
    GroupedWindowNoise,
    MinibatchNoise,
    NoiseWords,
    PerPairNoise,
    PerWindowNoise,
    noise_sharing_schemes,
)
from sklearn_w2v._model.sparse_rows import scatter_add_rows
from sklearn_w2v._model.steps import BlockRandom, Form, Predictions

N_WORDS, D, K = 7, 4, 3


def random(seed):
    return BlockRandom(np.random.default_rng(seed))


def noise_words(nce=False, negative=K):
    counts = np.random.default_rng(0).integers(1, 50, size=N_WORDS)
    sampler = NoiseSampler(counts / counts.sum())
    return NoiseWords(sampler.probabilities, negative, nce=nce, sampler=sampler)


def matrix(seed=1):
    return np.random.default_rng(seed).standard_normal((N_WORDS, D))


def grid_predictions(seed=2, n_windows=5, width=3):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_windows, width)) < 0.7
    mask[:, 0] = True
    return Predictions.grid(rng.standard_normal((n_windows, width, D)), mask,
                            rng.integers(0, N_WORDS, size=n_windows))


def row_predictions(seed=3, n_windows=7):
    rng = np.random.default_rng(seed)
    return Predictions.one_row(rng.standard_normal((n_windows, D)),
                               rng.integers(0, N_WORDS, size=n_windows))


def fan_out_predictions(seed=4, n_rows=3):
    rng = np.random.default_rng(seed)
    owner = np.sort(rng.integers(0, n_rows, size=8))
    return Predictions.fan_out(rng.standard_normal((n_rows, D)),
                               rng.integers(0, N_WORDS, size=8), owner)


def dense_update(out):
    """The layer matrix's summed gradient of a LayerOutput."""
    dense = np.zeros((N_WORDS, D))
    for update in out.updates:
        scatter_add_rows(dense, update.rows, update.gradients, update.weights,
                         groups=update.groups)
    return dense


def oracle(noise, hidden, targets, noise_rows, output):
    """The per-pair kernel on (hidden row, target, its noise words) triples, and the dense
    gradient of the output matrix it implies."""
    if noise.nce:
        log_kq = np.log(noise.negative) + np.log(noise.sampler.probabilities)
        loss, grad_hidden, grad_target, grad_noise = objectives.nce_loss_and_grads(
            hidden, output[targets], output[noise_rows], log_kq[targets], log_kq[noise_rows])
    else:
        loss, grad_hidden, grad_target, grad_noise = (
            objectives.negative_sampling_loss_and_grads(hidden, output[targets],
                                                        output[noise_rows]))
    dense = np.zeros_like(output)
    np.add.at(dense, targets, grad_target)
    np.add.at(dense, noise_rows.ravel(), grad_noise.reshape(-1, D))
    return loss, grad_hidden, dense


def test_predictions_say_their_form_and_are_frozen():
    grid = grid_predictions()
    assert grid.form is Form.GRID and grid.owner is None and grid.mask is not None
    fan = fan_out_predictions()
    assert fan.form is Form.FAN_OUT and fan.mask is None and fan.n_predictions == 8
    rows = row_predictions()
    assert rows.form is Form.ONE_ROW and rows.mask is None and rows.owner is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        rows.targets = None


def test_each_scheme_draws_the_documented_shape_and_weight():
    noise = noise_words()
    assert PerPairNoise(noise, "output").draw(random(0), 8).shape == (8, K)
    assert PerWindowNoise(noise, "output").draw(random(0), 5).shape == (5, K)
    grouped = GroupedWindowNoise(noise, "output", 4, 6)
    assert grouped.draw(random(0), 9).shape == (3, 6)  # 4 + 4 + a short group of 1
    assert grouped.noise_weight == K / 6
    assert MinibatchNoise(noise, "output").draw(random(0), 9).shape == (K,)
    for scheme in (PerPairNoise, PerWindowNoise, MinibatchNoise):
        assert scheme(noise, "output").noise_weight == 1.0


def test_each_scheme_names_a_kernel_of_the_objectives_for_each_form_it_serves():
    kernels = {PerPairNoise: {Form.FAN_OUT: "contrastive_loss_and_grads"},
               PerWindowNoise: {Form.GRID: "window_contrastive_loss_and_grads",
                                Form.ONE_ROW: "window_binary_loss_and_logit_grads"},
               GroupedWindowNoise: {Form.ONE_ROW: "group_noise_loss_and_grads"},
               MinibatchNoise: {Form.ONE_ROW: "shared_noise_loss_and_grads",
                                Form.FAN_OUT: "shared_noise_loss_and_grads"}}
    for scheme, expected in kernels.items():
        assert {form: kernel.__name__ for form, kernel in scheme.kernels.items()} == expected
        assert all(getattr(objectives, name) is scheme.kernels[form]
                   for form, name in expected.items())


def test_the_schemes_are_chosen_once_per_form():
    noise = noise_words()
    training = noise_sharing_schemes(noise, "output", share_negatives=True,
                                     noise_groups=(32, 24))
    assert {form: type(scheme) for form, scheme in training.items()} == {
        Form.GRID: PerWindowNoise, Form.FAN_OUT: PerPairNoise,
        Form.ONE_ROW: GroupedWindowNoise}
    for groups, share in [((32, 24), False), (None, True), ((1, 5), True)]:
        schemes = noise_sharing_schemes(noise, "output", share_negatives=share,
                                        noise_groups=groups)
        assert type(schemes[Form.ONE_ROW]) is PerWindowNoise
    inference = noise_sharing_schemes(noise, "output", minibatch_noise=True,
                                      frozen_matrix=True)
    assert inference[Form.ONE_ROW] is inference[Form.FAN_OUT]
    assert isinstance(inference[Form.ONE_ROW], MinibatchNoise)
    assert inference[Form.ONE_ROW].frozen
    with pytest.raises(ValueError, match="frozen_matrix needs minibatch_noise"):
        noise_sharing_schemes(noise, "output", frozen_matrix=True)
    # Every form a noise layer can receive has its scheme, whatever its construction.
    for layer in (NoiseContrastive(noise.distribution, K),
                  NoiseContrastive(noise.distribution, K, minibatch_noise=True)):
        assert set(layer.noise_sharing) == set(Form)
        assert all(form in scheme.kernels for form, scheme in layer.noise_sharing.items())


def test_the_offset_is_log_k_q_for_nce_and_zero_for_negative_sampling():
    words = np.array([[0, 3], [6, 6]])
    assert noise_words().offsets(words) == 0.0
    nce = noise_words(nce=True)
    np.testing.assert_array_equal(
        nce.offsets(words), np.log(K) + nce.sampler.log_probabilities[words])
    # A NoiseWords without a sampler builds it (and the offsets) when first needed.
    lazy = NoiseWords(nce.distribution, K, nce=True)
    np.testing.assert_array_equal(lazy.offsets(words), nce.offsets(words))


def assert_is_the_oracle(out, grad_rows, noise, output, rows, row_of_pair, targets, draws):
    """``out`` (a scheme's LayerOutput, ``grad_rows`` its gradient of ``rows``) is the
    per-pair kernel of the pairs (``rows[row_of_pair]``, ``targets``, ``draws``), the pair
    gradients summed per row."""
    loss, grad_pairs, dense = oracle(noise, rows[row_of_pair], targets, draws, output)
    expected = np.zeros_like(rows)
    np.add.at(expected, row_of_pair, grad_pairs)
    np.testing.assert_allclose(out.loss, loss, rtol=1e-12)
    np.testing.assert_allclose(grad_rows, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dense_update(out), dense, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("nce", [False, True], ids=["ns", "nce"])
def test_per_pair_noise_is_the_oracle(nce):
    noise, output = noise_words(nce), matrix()
    scheme = PerPairNoise(noise, "output")
    predictions = fan_out_predictions()
    draws = scheme.draw(random(5), predictions.n_predictions)
    out = scheme.forward(predictions, output, random(5))
    assert_is_the_oracle(out, out.grad_hidden, noise, output, predictions.hidden,
                         predictions.owner, predictions.targets, draws)


@pytest.mark.parametrize("nce", [False, True], ids=["ns", "nce"])
def test_per_window_noise_equals_the_oracle_with_each_window_noise_repeated(nce):
    noise, output = noise_words(nce), matrix()
    scheme = PerWindowNoise(noise, "output")
    for predictions in (grid_predictions(), row_predictions()):
        n_windows = len(predictions.targets)
        draws = scheme.draw(random(6), n_windows)
        out = scheme.forward(predictions, output, random(6))
        rows, grad_rows, window = predictions.hidden, out.grad_hidden, np.arange(n_windows)
        if predictions.form is Form.GRID:  # one pair per slot in use
            assert not grad_rows[~predictions.mask].any()
            window, _ = np.nonzero(predictions.mask)
            rows, grad_rows = rows[predictions.mask], grad_rows[predictions.mask]
        assert_is_the_oracle(out, grad_rows, noise, output, rows, np.arange(len(rows)),
                             predictions.targets[window], draws[window])


@pytest.mark.parametrize("nce", [False, True], ids=["ns", "nce"])
def test_grouped_noise_of_k_draws_equals_the_oracle_with_each_group_noise_repeated(nce):
    """With ``group_draws = K`` the weight is 1: each window meets its group's K words."""
    noise, output = noise_words(nce), matrix()
    scheme = GroupedWindowNoise(noise, "output", 3, K)
    predictions = row_predictions(n_windows=7)  # groups of 3, 3 and a short one of 1
    draws = scheme.draw(random(7), 7)
    out = scheme.forward(predictions, output, random(7))
    assert_is_the_oracle(out, out.grad_hidden, noise, output, predictions.hidden,
                         np.arange(7), predictions.targets, draws[np.arange(7) // 3])


@pytest.mark.parametrize("nce", [False, True], ids=["ns", "nce"])
def test_minibatch_noise_equals_the_oracle_with_the_noise_repeated(nce):
    noise, output = noise_words(nce), matrix()
    scheme = MinibatchNoise(noise, "output")
    for predictions in (row_predictions(), fan_out_predictions()):
        owner = (np.arange(len(predictions.targets)) if predictions.owner is None
                 else predictions.owner)
        draws = scheme.draw(random(8), len(owner))
        out = scheme.forward(predictions, output, random(8))
        assert_is_the_oracle(out, out.grad_hidden, noise, output, predictions.hidden, owner,
                             predictions.targets, np.broadcast_to(draws, (len(owner), K)))


@pytest.mark.parametrize("objective", ["negative", "nce"])
def test_a_layer_built_for_inference_computes_no_output_gradient(objective):
    noise = noise_words()
    layer = fitted_layer(objective, noise_distribution=noise.distribution, negative=K,
                         inference=True)
    assert layer.minibatch_noise and layer.frozen_matrix and layer.groups_by_hidden
    assert layer.noise._sampler is not None  # built before any worker starts
    training = NoiseContrastive(noise.distribution, K, nce=objective == "nce",
                                minibatch_noise=True)
    output = matrix()
    for predictions in (row_predictions(), fan_out_predictions()):
        frozen = layer.forward(predictions, output, random(9))
        trained = training.forward(predictions, output, random(9))
        assert frozen.updates == [] and trained.updates
        assert frozen.loss == trained.loss
        np.testing.assert_array_equal(frozen.grad_hidden, trained.grad_hidden)


def test_layers_are_made_complete():
    q = noise_words().distribution
    counts = np.arange(N_WORDS, 0, -1)
    # A training layer has its sampler (and NCE its offsets) before any worker starts.
    trained = make_layer("nce", counts=counts, noise_distribution=q, negative=K)
    assert trained.noise._sampler is not None and trained.noise._log_kq is not None
    assert not trained.minibatch_noise and not trained.frozen_matrix
    # A scoring layer draws no noise: no sampler until one is needed.
    assert fitted_layer("negative", noise_distribution=q).noise._sampler is None
    # The softmax and hierarchical softmax are the same layers for inference.
    assert isinstance(fitted_layer("softmax", noise_distribution=q, inference=True),
                      Softmax)
    tree = huffman_tree(counts)
    assert fitted_layer("hierarchical", tree=tree, inference=True).tree is tree


def test_layers_reject_a_form_they_do_not_take():
    output = matrix()
    with pytest.raises(ValueError, match="grid"):
        Softmax(noise_words().distribution).forward(grid_predictions(), output, None)
    tree = huffman_tree(np.arange(N_WORDS, 0, -1))
    with pytest.raises(ValueError, match="one target per window"):
        HierarchicalSoftmax(tree).forward(fan_out_predictions(), output[:-1], None)
