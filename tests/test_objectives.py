"""Tests for sklearn_w2v._model.objectives: gradients vs finite differences, stability, identities."""

import warnings

import numpy as np
import pytest

from sklearn_w2v._model.objectives import (
    contrastive_loss_and_grads,
    dense_nodes_loss_and_grads,
    group_noise_loss_and_grads,
    log_sigmoid,
    nce_loss_and_grads,
    negative_sampling_loss_and_grads,
    path_steps_loss_and_grads,
    shared_noise_loss_and_grads,
    sigmoid,
    softmax_log_likelihood,
    softmax_loss_and_grads,
    window_contrastive_loss_and_grads,
)

B, N_WORDS, D, K, N = 4, 7, 4, 3, 4

# Center 0 and 2 own several pairs, center 0 sees context 3 twice, context 1 is used by
# three different centers, center 3 owns no pair at all.
OWNER = np.array([0, 0, 0, 1, 2, 2, 2, 0, 1])
CONTEXT_IDS = np.array([3, 1, 3, 1, 5, 6, 1, 0, 4])
P = OWNER.size


def rng(seed=0):
    return np.random.default_rng(seed)


def numerical_grad(f, x, eps=1e-5):
    """Central finite differences of the scalar function ``f`` at ``x`` (float64)."""
    g = np.zeros_like(x)
    flat, gflat = x.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        fp = f()
        flat[i] = old - eps
        fm = f()
        flat[i] = old
        gflat[i] = (fp - fm) / (2 * eps)
    return g


def assert_grads(loss_fn, arrays, grads):
    """``loss_fn()`` reads ``arrays`` (perturbed in place); compare each grad."""
    for x, g in zip(arrays, grads):
        assert g.shape == x.shape
        num = numerical_grad(loss_fn, x)
        err = np.linalg.norm(num - g) / max(np.linalg.norm(num), 1e-12)
        assert err < 1e-6, err


def softmax_problem(seed=0, scale=1.0):
    r = rng(seed)
    V = scale * r.standard_normal((B, D))
    U = scale * r.standard_normal((N_WORDS, D))
    return V, U


def contrastive_problem(seed=0):
    r = rng(seed)
    V = r.standard_normal((P, D))
    Uo = r.standard_normal((P, D))
    Un = r.standard_normal((P, K, D))
    return V, Uo, Un


def naive_softmax_loss(V, U, context_ids, owner, offset=None):
    total = 0.0
    for c, o in zip(owner, context_ids):
        logits = [float(U[w] @ V[c]) + (0.0 if offset is None else float(offset[w]))
                  for w in range(U.shape[0])]
        m = max(logits)
        lse = m + np.log(sum(np.exp(s - m) for s in logits))
        total += -logits[o] + lse
    return total


# --------------------------------------------------------------------------- sigmoids


def test_sigmoid_and_log_sigmoid_stable():
    x = np.array([-1e4, -50.0, -1.0, 0.0, 1.0, 50.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(x)
        ls = log_sigmoid(x)
    assert np.all(np.isfinite(ls))
    np.testing.assert_allclose(s[1:-1], 1 / (1 + np.exp(-x[1:-1])), rtol=1e-15)
    # reference -log1p(exp(-x)): exact enough here, unlike log(1/(1+e)) which rounds to 0
    np.testing.assert_allclose(ls[1:-1], -np.log1p(np.exp(-x[1:-1])), rtol=1e-14)
    assert s[0] == 0.0 and s[-1] == 1.0
    assert ls[0] == -1e4 and ls[-1] == 0.0
    # tiny sigmoid keeps relative precision
    np.testing.assert_allclose(sigmoid(-50.0), np.exp(-50.0), rtol=1e-14)
    assert sigmoid(np.float32(3.0)).dtype == np.float32
    assert log_sigmoid(np.ones(3, np.float32)).dtype == np.float32


# --------------------------------------------------------------------------- full softmax


@pytest.mark.parametrize("with_offset", [False, True])
def test_softmax_gradients(with_offset):
    V, U = softmax_problem(1)
    offset = rng(2).standard_normal(N_WORDS) if with_offset else None

    def loss():
        return softmax_loss_and_grads(V, U, CONTEXT_IDS, OWNER, logit_offset=offset)[0]

    _, gV, gU = softmax_loss_and_grads(V, U, CONTEXT_IDS, OWNER, logit_offset=offset)
    assert_grads(loss, [V, U], [gV, gU])
    # Center 3 owns no pair: no gradient.
    np.testing.assert_array_equal(gV[3], 0.0)


def test_softmax_matches_naive():
    V, U = softmax_problem(3)
    loss, _, _ = softmax_loss_and_grads(V, U, CONTEXT_IDS, OWNER)
    assert isinstance(loss, float)
    np.testing.assert_allclose(loss, naive_softmax_loss(V, U, CONTEXT_IDS, OWNER),
                               rtol=1e-12)
    ll = softmax_log_likelihood(V, U, CONTEXT_IDS, OWNER)
    assert ll.dtype == np.float64 and ll.shape == (P,)
    np.testing.assert_allclose(-ll.sum(), loss, rtol=1e-12)


def test_softmax_stable_large_logits():
    V, U = softmax_problem(4, scale=50.0)  # logits of order 1e4
    S = V @ U.T
    assert np.abs(S).max() > 5e3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            loss, gV, gU = softmax_loss_and_grads(V, U, CONTEXT_IDS, OWNER)
            ll = softmax_log_likelihood(V, U, CONTEXT_IDS, OWNER)
    assert np.isfinite(loss) and np.all(np.isfinite(gV)) and np.all(np.isfinite(gU))
    m = S.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(S - m).sum(axis=1, keepdims=True)))[:, 0]
    expected = np.sum(lse[OWNER] - S[OWNER, CONTEXT_IDS])
    np.testing.assert_allclose(loss, expected, rtol=1e-12)
    np.testing.assert_allclose(ll, S[OWNER, CONTEXT_IDS] - lse[OWNER], rtol=1e-12,
                               atol=1e-9)


def test_softmax_log_likelihood_uniform_and_normalised():
    zeros_V, zeros_U = np.zeros((B, D)), np.zeros((N_WORDS, D))
    ll = softmax_log_likelihood(zeros_V, zeros_U, CONTEXT_IDS, OWNER)
    np.testing.assert_allclose(ll, -np.log(N_WORDS), rtol=1e-15)

    V, U = softmax_problem(5)
    offset = rng(6).standard_normal(N_WORDS)
    owner = np.repeat(np.arange(B), N_WORDS)
    ctx = np.tile(np.arange(N_WORDS), B)
    for off in (None, offset):
        logp = softmax_log_likelihood(V, U, ctx, owner, logit_offset=off)
        np.testing.assert_allclose(np.exp(logp).reshape(B, N_WORDS).sum(axis=1), 1.0,
                                   rtol=1e-14)


def test_softmax_logit_offset():
    V, U = softmax_problem(7)
    offset = rng(8).standard_normal(N_WORDS)
    loss, gV, gU = softmax_loss_and_grads(V, U, CONTEXT_IDS, OWNER, logit_offset=offset)
    np.testing.assert_allclose(
        loss, naive_softmax_loss(V, U, CONTEXT_IDS, OWNER, offset), rtol=1e-12)
    # The offset is the same as an extra dimension: v' = [v, 1], u'_w = [u_w, b_w].
    V1 = np.hstack([V, np.ones((B, 1))])
    U1 = np.hstack([U, offset[:, None]])
    loss1, gV1, gU1 = softmax_loss_and_grads(V1, U1, CONTEXT_IDS, OWNER)
    np.testing.assert_allclose(loss, loss1, rtol=1e-12)
    np.testing.assert_allclose(gV, gV1[:, :D], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gU, gU1[:, :D], rtol=1e-12, atol=1e-14)
    # A constant added to every word's offset cancels in the softmax.
    loss2, gV2, gU2 = softmax_loss_and_grads(V, U, CONTEXT_IDS, OWNER,
                                             logit_offset=offset + 3.0)
    np.testing.assert_allclose(loss2, loss, rtol=1e-12)
    np.testing.assert_allclose(gV2, gV, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(gU2, gU, rtol=1e-10, atol=1e-14)


# --------------------------------------------------------------------------- contrastive


def test_contrastive_gradients():
    V, Uo, Un = contrastive_problem(10)
    r = rng(11)
    a_ctx, a_noise = r.standard_normal(P), r.standard_normal((P, K))

    def loss():
        return contrastive_loss_and_grads(V, Uo, Un, context_offset=a_ctx,
                                          noise_offset=a_noise)[0]

    _, gV, gUo, gUn = contrastive_loss_and_grads(V, Uo, Un, context_offset=a_ctx,
                                                 noise_offset=a_noise)
    assert_grads(loss, [V, Uo, Un], [gV, gUo, gUn])


def test_negative_sampling_gradients():
    V, Uo, Un = contrastive_problem(12)

    def loss():
        return negative_sampling_loss_and_grads(V, Uo, Un)[0]

    _, gV, gUo, gUn = negative_sampling_loss_and_grads(V, Uo, Un)
    assert_grads(loss, [V, Uo, Un], [gV, gUo, gUn])


def test_nce_gradients():
    V, Uo, Un = contrastive_problem(13)
    r = rng(14)
    log_kq_ctx = np.log(K * r.uniform(0.01, 0.3, P))
    log_kq_noise = np.log(K * r.uniform(0.01, 0.3, (P, K)))

    def loss():
        return nce_loss_and_grads(V, Uo, Un, log_kq_ctx, log_kq_noise)[0]

    _, gV, gUo, gUn = nce_loss_and_grads(V, Uo, Un, log_kq_ctx, log_kq_noise)
    assert_grads(loss, [V, Uo, Un], [gV, gUo, gUn])


def test_negative_sampling_zero_vectors():
    loss, gV, gUo, gUn = negative_sampling_loss_and_grads(
        np.zeros((P, D)), np.zeros((P, D)), np.zeros((P, K, D)))
    np.testing.assert_allclose(loss, P * (K + 1) * np.log(2), rtol=1e-15)


def test_negative_sampling_matches_naive():
    V, Uo, Un = contrastive_problem(15)
    expected = 0.0
    for p in range(P):
        expected += np.log1p(np.exp(-(Uo[p] @ V[p])))
        for k in range(K):
            expected += np.log1p(np.exp(Un[p, k] @ V[p]))
    loss = negative_sampling_loss_and_grads(V, Uo, Un)[0]
    np.testing.assert_allclose(loss, expected, rtol=1e-12)


def test_nce_with_zero_offsets_is_negative_sampling():
    V, Uo, Un = contrastive_problem(16)
    ns = negative_sampling_loss_and_grads(V, Uo, Un)
    nce = nce_loss_and_grads(V, Uo, Un, np.zeros(P), np.zeros((P, K)))
    assert ns[0] == nce[0]
    for a, b in zip(ns[1:], nce[1:]):
        np.testing.assert_array_equal(a, b)


def test_contrastive_stable_large_scores():
    V, Uo, Un = contrastive_problem(17)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = negative_sampling_loss_and_grads(1e3 * V, 1e3 * Uo, 1e3 * Un)
    assert np.isfinite(out[0]) and all(np.all(np.isfinite(g)) for g in out[1:])


# --------------------------------------------------------------------------- dtype, purity


def _all_calls(dtype):
    r = rng(30)
    V, U = (x.astype(dtype) for x in softmax_problem(31))
    Vp, Uo, Un = (x.astype(dtype) for x in contrastive_problem(32))
    Ug = r.standard_normal((B, K, D)).astype(dtype)
    lkc, lkn = r.standard_normal(P), r.standard_normal((P, K))  # float64 offsets
    off = r.standard_normal(N_WORDS)
    grid, mask, _ = to_grid(Uo, np.sort(OWNER))
    inputs = [V, U, Vp, Uo, Un, Ug, lkc, lkn, off, CONTEXT_IDS, OWNER, grid, mask]
    calls = [
        lambda: softmax_loss_and_grads(V, U, CONTEXT_IDS, OWNER, logit_offset=off),
        lambda: negative_sampling_loss_and_grads(Vp, Uo, Un),
        lambda: nce_loss_and_grads(Vp, Uo, Un, lkc, lkn),
        lambda: contrastive_loss_and_grads(Vp, Uo, Un, context_offset=lkc,
                                           noise_offset=lkn),
        lambda: window_contrastive_loss_and_grads(grid, Ug, mask, output_offsets=lkn[:B]),
    ]
    return inputs, calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(dtype):
    inputs, calls = _all_calls(dtype)
    for call in calls:
        loss, *grads = call()
        assert type(loss) is float and np.isfinite(loss)
        for g in grads:
            assert g.dtype == dtype
    V, U = inputs[:2]
    assert softmax_log_likelihood(V, U, CONTEXT_IDS, OWNER).dtype == np.float64


def test_float32_close_to_float64():
    inputs64, calls64 = _all_calls(np.float64)
    inputs32, calls32 = _all_calls(np.float32)
    for c64, c32 in zip(calls64, calls32):
        r64, r32 = c64(), c32()
        np.testing.assert_allclose(r32[0], r64[0], rtol=1e-5)
        for g32, g64 in zip(r32[1:], r64[1:]):
            np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-5)


def test_inputs_not_modified():
    inputs, calls = _all_calls(np.float64)
    copies = [x.copy() for x in inputs]
    for call in calls:
        call()
    softmax_log_likelihood(inputs[0], inputs[1], CONTEXT_IDS, OWNER,
                           logit_offset=inputs[8])
    for x, c in zip(inputs, copies):
        np.testing.assert_array_equal(x, c)


def test_softmax_rejects_bad_pairs():
    V, U = softmax_problem(40)
    with pytest.raises(ValueError, match="owner"):
        softmax_loss_and_grads(V, U, CONTEXT_IDS, OWNER + B)
    with pytest.raises(ValueError, match="context_ids"):
        softmax_loss_and_grads(V, U, CONTEXT_IDS + N_WORDS, OWNER)


SORTED_OWNER = np.sort(OWNER)  # window form: the pairs of one window are contiguous


def to_grid(pair_inputs, owner, n_windows=B, padding=7.0):
    """Lay pair rows out as a left-aligned (window, slot) grid; padding slots hold
    ``padding`` (garbage that must not affect anything)."""
    counts = np.bincount(owner, minlength=n_windows)
    slots = np.arange(len(owner)) - (np.cumsum(counts) - counts)[owner]
    grid = np.full((n_windows, counts.max(), pair_inputs.shape[1]), padding,
                   dtype=pair_inputs.dtype)
    grid[owner, slots] = pair_inputs
    mask = np.zeros(grid.shape[:2], dtype=bool)
    mask[owner, slots] = True
    return grid, mask, slots


def window_problem(seed):
    """Inputs (P, D), per-window outputs (B, 1 + K, D) (center word, then noise) and their
    offsets (B, 1 + K); window 3 owns no pair."""
    r = rng(seed)
    return (r.standard_normal((P, D)), r.standard_normal((B, 1 + K, D)),
            r.standard_normal((B, 1 + K)))


def test_window_gradients():
    Vin, Uw, offsets = window_problem(30)
    grid, mask, _ = to_grid(Vin, SORTED_OWNER)

    def call():
        return window_contrastive_loss_and_grads(grid, Uw, mask, output_offsets=offsets)

    _, g_in, g_out = call()
    assert (g_in.shape, g_out.shape) == (grid.shape, (B, 1 + K, D))
    assert_grads(lambda: call()[0], [grid, Uw], [g_in, g_out])
    assert not g_out[3].any()  # the window without pairs
    assert not g_in[~mask].any()  # padding gets no gradient


def test_window_equals_per_pair_with_each_window_noise_repeated():
    """Sharing a window's noise among its pairs is the per-pair loss with repeated draws,
    with the context word as the input and the window's center word as the target."""
    Vin, Uw, offsets = window_problem(31)
    grid, mask, slots = to_grid(Vin, SORTED_OWNER)
    loss, g_in, g_out = window_contrastive_loss_and_grads(grid, Uw, mask,
                                                          output_offsets=offsets)
    per_pair = contrastive_loss_and_grads(Vin, Uw[SORTED_OWNER, 0], Uw[SORTED_OWNER, 1:],
                                          context_offset=offsets[SORTED_OWNER, 0],
                                          noise_offset=offsets[SORTED_OWNER, 1:])
    np.testing.assert_allclose(loss, per_pair[0], rtol=1e-13)
    np.testing.assert_allclose(g_in[SORTED_OWNER, slots], per_pair[1], rtol=1e-12,
                               atol=1e-14)
    per_window = np.zeros((B, 1 + K, D))
    np.add.at(per_window[:, 0], SORTED_OWNER, per_pair[2])
    np.add.at(per_window[:, 1:], SORTED_OWNER, per_pair[3])
    np.testing.assert_allclose(g_out, per_window, rtol=1e-12, atol=1e-14)


def test_window_padding_does_not_matter():
    Vin, Uw, offsets = window_problem(35)
    results = []
    for padding in (0.0, 1e3, -5.0):
        grid, mask, _ = to_grid(Vin, SORTED_OWNER, padding=padding)
        results.append(window_contrastive_loss_and_grads(grid, Uw, mask,
                                                         output_offsets=offsets))
    for other in results[1:]:
        assert other[0] == results[0][0]
        for a, b in zip(other[1:], results[0][1:]):
            np.testing.assert_array_equal(a, b)


def test_window_scalar_offsets_equal_constant_arrays():
    Vin, Uw, _ = window_problem(33)
    grid, mask, _ = to_grid(Vin, SORTED_OWNER)
    scalar = window_contrastive_loss_and_grads(grid, Uw, mask, output_offsets=0.5)
    arrays = window_contrastive_loss_and_grads(grid, Uw, mask,
                                               output_offsets=np.full((B, 1 + K), 0.5))
    for a, b in zip(scalar, arrays):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_window_stable_large_scores():
    Vin, Uw, _ = window_problem(34)
    grid, mask, _ = to_grid(1e3 * Vin, SORTED_OWNER)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = window_contrastive_loss_and_grads(grid, 1e3 * Uw, mask)
    assert np.isfinite(out[0]) and all(np.all(np.isfinite(g)) for g in out[1:])


def test_window_exact_for_thousands_of_noise_words():
    """No term depends on the others: K = 2,000 noise words give the per-pair loss
    (a product over a row of softplus factors used to overflow from K = 1,023)."""
    r = rng(36)
    n_noise = 2000
    Vin = r.standard_normal((P, D))
    Uw = r.standard_normal((B, 1 + n_noise, D))
    grid, mask, _ = to_grid(Vin, SORTED_OWNER)
    loss, _, g_out = window_contrastive_loss_and_grads(grid, Uw, mask)
    per_pair = contrastive_loss_and_grads(Vin, Uw[SORTED_OWNER, 0], Uw[SORTED_OWNER, 1:])
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, per_pair[0], rtol=1e-12)
    assert np.all(np.isfinite(g_out))


def test_window_rejects_bad_mask_and_shapes():
    Vin, Uw, _ = window_problem(32)
    grid, mask, _ = to_grid(Vin, SORTED_OWNER)
    with pytest.raises(ValueError, match="mask"):
        window_contrastive_loss_and_grads(grid, Uw, mask[:, :-1])
    with pytest.raises(ValueError, match="mask"):
        window_contrastive_loss_and_grads(grid, Uw, mask.astype(int))
    with pytest.raises(ValueError, match="input_vectors"):
        window_contrastive_loss_and_grads(Vin, Uw, mask)  # pairs, not a grid
    with pytest.raises(ValueError, match="output_vectors"):
        window_contrastive_loss_and_grads(grid, Uw[:, :1], mask)  # no noise word
    with pytest.raises(ValueError, match="output_vectors"):
        window_contrastive_loss_and_grads(grid, Uw[:, :, :-1], mask)


# ------------------------------------------------------------- general window binary loss


def binary_problem(seed, n_outputs=5):
    """Window grid inputs, per-window outputs with signs in {-1, +1} and a ragged output
    mask (as hierarchical softmax's padded paths), offsets."""
    r = rng(seed)
    Vin = r.standard_normal((P, D))
    grid, mask, _ = to_grid(Vin, SORTED_OWNER)
    outputs = r.standard_normal((B, n_outputs, D))
    signs = r.choice([-1.0, 1.0], size=(B, n_outputs))
    lengths = np.array([n_outputs, 2, 1, n_outputs - 1])[:B]
    output_mask = np.arange(n_outputs) < lengths[:, None]
    offsets = r.standard_normal((B, n_outputs))
    return grid, mask, outputs, signs, output_mask, offsets


def naive_binary(grid, mask, outputs, signs, output_mask, offsets):
    loss = 0.0
    for b in range(grid.shape[0]):
        for j in range(outputs.shape[1]):
            for s in range(grid.shape[1]):
                if mask[b, s] and output_mask[b, j]:
                    x = outputs[b, j] @ grid[b, s] - offsets[b, j]
                    loss += np.logaddexp(0, signs[b, j] * x)
    return loss


def test_window_binary_gradients_and_value_with_signs_and_output_mask():
    from sklearn_w2v._model.objectives import window_binary_loss_and_grads

    grid, mask, outputs, signs, output_mask, offsets = binary_problem(40)

    def call():
        return window_binary_loss_and_grads(grid, outputs, mask, output_signs=signs,
                                            output_mask=output_mask,
                                            output_offsets=offsets)

    loss, g_in, g_out = call()
    np.testing.assert_allclose(loss, naive_binary(grid, mask, outputs, signs, output_mask,
                                                  offsets), rtol=1e-12)
    assert_grads(lambda: call()[0], [grid, outputs], [g_in, g_out])
    assert not g_out[~output_mask].any() and not g_in[~mask].any()


def test_window_binary_default_signs_are_negative_sampling():
    from sklearn_w2v._model.objectives import window_binary_loss_and_grads

    grid, mask, outputs, _, _, offsets = binary_problem(41)
    signs = np.ones((B, outputs.shape[1]))
    signs[:, 0] = -1
    explicit = window_binary_loss_and_grads(grid, outputs, mask, output_signs=signs,
                                            output_offsets=offsets)
    implicit = window_contrastive_loss_and_grads(grid, outputs, mask, output_offsets=offsets)
    np.testing.assert_allclose(explicit[0], implicit[0], rtol=1e-13)
    for a, b in zip(explicit[1:], implicit[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


def test_window_binary_padded_outputs_do_not_matter():
    from sklearn_w2v._model.objectives import window_binary_loss_and_grads

    grid, mask, outputs, signs, output_mask, offsets = binary_problem(42)
    base = window_binary_loss_and_grads(grid, outputs, mask, output_signs=signs,
                                        output_mask=output_mask, output_offsets=offsets)
    noisy = outputs.copy()
    noisy[~output_mask] = 1e3
    other = window_binary_loss_and_grads(grid, noisy, mask, output_signs=-signs * ~output_mask
                                         + signs * output_mask, output_mask=output_mask,
                                         output_offsets=offsets)
    assert other[0] == base[0]
    np.testing.assert_array_equal(other[1], base[1])
    np.testing.assert_array_equal(other[2][output_mask], base[2][output_mask])


# ------------------------------------------------------- noise shared by a minibatch


def test_shared_noise_gradients():
    r = rng(40)
    H, T, N = r.standard_normal((P, D)), r.standard_normal((P, D)), r.standard_normal((K, D))
    a_target, a_noise = r.standard_normal(P), r.standard_normal(K)

    def loss():
        return shared_noise_loss_and_grads(H, T, N, target_offsets=a_target,
                                           noise_offsets=a_noise)[0]

    _, gH, target_grads, gN = shared_noise_loss_and_grads(
        H, T, N, target_offsets=a_target, noise_offsets=a_noise)
    assert_grads(loss, [H, T, N], [gH, target_grads[:, None] * H, gN])
    assert shared_noise_loss_and_grads(H, T, N, noise_gradient=False)[3] is None


def test_shared_noise_is_negative_sampling_with_the_noise_repeated():
    r = rng(41)
    H, T, N = r.standard_normal((P, D)), r.standard_normal((P, D)), r.standard_normal((K, D))
    shared = shared_noise_loss_and_grads(H, T, N)
    per_pair = negative_sampling_loss_and_grads(H, T, np.broadcast_to(N, (P, K, D)))
    np.testing.assert_allclose(shared[0], per_pair[0], rtol=1e-12)
    np.testing.assert_allclose(shared[1], per_pair[1], rtol=1e-12)
    np.testing.assert_allclose(shared[3], per_pair[3].sum(axis=0), rtol=1e-12)


def test_shared_noise_grouped_by_hidden_row_equals_the_rows_repeated():
    """Predictions that share a hidden row (a document's words): the noise terms computed
    once per row and counted, as if the row were repeated for each prediction."""
    r = rng(42)
    H, N = r.standard_normal((3, D)), r.standard_normal((K, D))
    owner = np.array([0, 0, 0, 1, 2, 2])
    T = r.standard_normal((len(owner), D))
    grouped = shared_noise_loss_and_grads(H, T, N, owner=owner)
    repeated = shared_noise_loss_and_grads(H[owner], T, N)
    np.testing.assert_allclose(grouped[0], repeated[0], rtol=1e-12)
    summed = np.zeros_like(H)
    np.add.at(summed, owner, repeated[1])
    np.testing.assert_allclose(grouped[1], summed, rtol=1e-12)
    np.testing.assert_allclose(grouped[2], repeated[2], rtol=1e-12)
    np.testing.assert_allclose(grouped[3], repeated[3], rtol=1e-12)

    def loss():
        return shared_noise_loss_and_grads(H, T, N, owner=owner)[0]

    assert_grads(loss, [H, N], [grouped[1], grouped[3]])


# ------------------------------------------------------- noise shared by groups of windows


def group_problem(seed, n_groups=3, size=4, draws=5):
    r = rng(seed)
    H = r.standard_normal((n_groups, size, D))
    T = r.standard_normal((n_groups, size, D))
    N = r.standard_normal((n_groups, draws, D))
    mask = np.ones((n_groups, size), dtype=bool)
    mask[-1, -2:] = False  # a short last group, as when the windows do not divide
    return H, T, N, mask


def test_group_noise_gradients():
    H, T, N, mask = group_problem(50)
    a_target = rng(51).standard_normal(mask.shape)
    a_noise = rng(52).standard_normal(N.shape[:2])
    options = dict(mask=mask, noise_weight=0.6, target_offsets=a_target,
                   noise_offsets=a_noise)

    def loss():
        return group_noise_loss_and_grads(H, T, N, **options)[0]

    _, gH, target_grads, gN = group_noise_loss_and_grads(H, T, N, **options)
    assert_grads(loss, [H, T, N], [gH, target_grads[..., None] * H, gN])
    # Masked predictions have no gradient at all.
    assert not gH[~mask].any() and not target_grads[~mask].any()


def test_one_group_of_the_whole_minibatch_is_the_minibatch_shared_noise():
    H, T, N, _ = group_problem(53, n_groups=1, size=6)
    grouped = group_noise_loss_and_grads(H, T, N)
    shared = shared_noise_loss_and_grads(H[0], T[0], N[0])
    np.testing.assert_allclose(grouped[0], shared[0], rtol=1e-12)
    for ours, theirs in zip(grouped[1:], shared[1:]):
        np.testing.assert_allclose(ours[0], theirs, rtol=1e-12)


def test_group_noise_masked_predictions_are_left_out():
    """A masked slot (padding of the last group) changes nothing: the loss and gradients
    are those of the group without it."""
    H, T, N, mask = group_problem(54)
    full = group_noise_loss_and_grads(H, T, N, mask=mask)
    kept = mask[-1].sum()
    head = group_noise_loss_and_grads(H[:-1], T[:-1], N[:-1])
    tail = group_noise_loss_and_grads(H[-1:, :kept], T[-1:, :kept], N[-1:])
    np.testing.assert_allclose(full[0], head[0] + tail[0], rtol=1e-12)
    np.testing.assert_allclose(full[1][:-1], head[1], rtol=1e-12)
    np.testing.assert_allclose(full[1][-1, :kept], tail[1][0], rtol=1e-12)
    np.testing.assert_allclose(full[3], np.concatenate([head[3], tail[3]]), rtol=1e-12)


def test_weighted_noise_draws_estimate_k_draws():
    """``M`` draws weighted ``K / M`` are negative sampling with ``K`` draws when the draws
    repeat: each of K noise words drawn r times, weighted 1 / r, is the K-word objective
    (so ``noise_weight = K / M`` keeps NS's scale for any number of draws)."""
    H, T, N, _ = group_problem(55, draws=K)
    once = group_noise_loss_and_grads(H, T, N)
    r = 4
    repeated = group_noise_loss_and_grads(H, T, np.repeat(N, r, axis=1), noise_weight=1 / r)
    np.testing.assert_allclose(repeated[0], once[0], rtol=1e-12)
    np.testing.assert_allclose(repeated[1], once[1], rtol=1e-12)
    np.testing.assert_allclose(repeated[3].reshape(*N.shape[:2], r, D).sum(axis=2), once[3],
                               rtol=1e-12)
    # Against per-prediction negative sampling with the group's words repeated.
    per_pair = negative_sampling_loss_and_grads(
        H.reshape(-1, D), T.reshape(-1, D), np.repeat(N, H.shape[1], axis=0))
    np.testing.assert_allclose(once[0], per_pair[0], rtol=1e-12)
    np.testing.assert_allclose(once[1].reshape(-1, D), per_pair[1], rtol=1e-12)


# ------------------------------------------------- hierarchical softmax: dense and flat steps


def test_dense_nodes_gradients_and_zero_signs():
    r = rng(60)
    H, U = r.standard_normal((5, D)), r.standard_normal((3, D))
    S = r.choice([-1.0, 0.0, 1.0], size=(5, 3))

    def loss():
        return dense_nodes_loss_and_grads(H, U, S)[0]

    value, gH, gU = dense_nodes_loss_and_grads(H, U, S)
    assert_grads(loss, [H, U], [gH, gU])
    # A zero sign is no term: the loss of the used entries alone.
    used = S != 0
    expected = -log_sigmoid(-(S * (H @ U.T)))[used].sum()
    np.testing.assert_allclose(value, expected, rtol=1e-12)


def test_path_steps_gradients_and_the_padded_form():
    r = rng(61)
    H = r.standard_normal((4, D))
    lengths = np.array([2, 0, 3, 1])
    pointers = np.concatenate([[0], np.cumsum(lengths)])
    U = r.standard_normal((lengths.sum(), D))
    signs = r.choice([-1.0, 1.0], size=lengths.sum())

    def loss():
        return path_steps_loss_and_grads(H, U, signs, pointers)[0]

    value, gH, c = path_steps_loss_and_grads(H, U, signs, pointers)
    owner = np.repeat(np.arange(4), lengths)
    assert_grads(loss, [H, U], [gH, c[:, None] * H[owner]])
    np.testing.assert_allclose(value, -log_sigmoid(-signs * (U * H[owner]).sum(1)).sum(),
                               rtol=1e-12)
    with pytest.raises(ValueError, match="pointers"):
        path_steps_loss_and_grads(H, U[:-1], signs[:-1], pointers)
