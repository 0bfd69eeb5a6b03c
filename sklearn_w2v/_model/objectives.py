r"""Skip-gram loss functions and their gradients (pure, vectorized NumPy).

Notation: ``v_c`` is the center (input) vector of word ``c``, ``u_o`` the context
(output) vector of word ``o``, and ``s = u_o . v_c`` the score of the pair ``(c, o)``.
Every loss is the **sum** over pairs, returned as a Python float accumulated in
float64. Gradients have the floating dtype of the inputs (float32 in, float32 out).
No function keeps state or writes into its arguments.

Full softmax
------------
For a minibatch of ``B`` centers let ``S = V U^T`` (``B x n_words``, optionally plus
a per-word offset ``b_w`` in every row) and ``lse_c = log sum_w exp(S_cw)``. Pair
``p`` joins center ``c_p`` and context ``o_p``; center ``c`` owns ``n_c`` pairs, and
``Y_cw`` counts the pairs ``(c, w)``. Then

.. math::

    J = \sum_p (lse_{c_p} - S_{c_p o_p})
      = \sum_c (n_c\, lse_c - \sum_w Y_{cw} S_{cw}),

    \partial J / \partial S_{cw} = W_{cw} = n_c\, \mathrm{softmax}(S_c)_w - Y_{cw},

and because ``S = V U^T`` the chain rule gives ``dJ/dV = W U`` and
``dJ/dU = W^T V``. The offset ``b`` is a constant, so it changes ``W`` (through the
softmax) but adds no term of its own.

Binary "data vs noise" losses (negative sampling, NCE)
-----------------------------------------------------
With ``x = s - a`` the logit that a pair is data rather than noise (``a`` is an
offset: 0 for negative sampling, ``log(K q(o))`` for NCE), each pair contributes

.. math::

    J_p = -\log\sigma(x^+_p) - \sum_k \log\sigma(-x^-_{pk}),
    \quad x^+_p = u_{o_p}\cdot v_{c_p} - a_p,
    \quad x^-_{pk} = u_{n_{pk}}\cdot v_{c_p} - a_{pk}.

In the code ``-log sigma(x) = softplus(-x)`` and ``-log sigma(-x) = softplus(x)``
with ``softplus(x) = log(1 + e^x)``. Using ``d/dx[-log sigma(x)] = sigma(x) - 1`` and
``d/dx[-log sigma(-x)] = sigma(x)``,
write ``g^+_p = sigma(x^+_p) - 1`` and ``g^-_{pk} = sigma(x^-_{pk})``; then

.. math::

    \partial J/\partial v_{c_p} = g^+_p u_{o_p} + \sum_k g^-_{pk} u_{n_{pk}},\quad
    \partial J/\partial u_{o_p} = g^+_p v_{c_p},\quad
    \partial J/\partial u_{n_{pk}} = g^-_{pk} v_{c_p}.

:func:`contrastive_loss_and_grads` computes this pair by pair, each pair with noise words
of its own (:func:`negative_sampling_loss_and_grads` and :func:`nce_loss_and_grads` are it
with the two offsets); the tests hold every other data-vs-noise kernel to it. The others
compute the same terms where predictions share noise words: the pairs of a window
(:func:`window_contrastive_loss_and_grads`, word2vec.c's orientation of skip-gram, the
default), one hidden row per window (:func:`window_binary_loss_and_logit_grads`), groups of
windows (:func:`group_noise_loss_and_grads`) or a whole minibatch
(:func:`shared_noise_loss_and_grads`). Which one a layer calls is the noise-sharing scheme
of :mod:`sklearn_w2v._model.noise_sharing`.

Gradients are per *occurrence* (one row per center / pair / noise draw); the
trainer scatter-adds them into the parameter rows.
"""

import numpy as np

from .._utils import FLOAT_DTYPES
from .sparse_rows import sum_per_owner, weighted_row_sums

__all__ = [
    "log_sigmoid",
    "sigmoid",
    "softmax_loss_and_grads",
    "softmax_log_likelihood",
    "contrastive_loss_and_grads",
    "negative_sampling_loss_and_grads",
    "nce_loss_and_grads",
    "window_contrastive_loss_and_grads",
    "window_binary_loss_and_grads",
    "window_binary_loss_and_logit_grads",
    "hierarchical_log_likelihood",
    "path_log_likelihood",
    "shared_noise_loss_and_grads",
    "group_noise_loss_and_grads",
    "dense_nodes_loss_and_grads",
    "path_steps_loss_and_grads",
]


# --------------------------------------------------------------------------- helpers

def _float_dtype(*arrays):
    """Common floating dtype of ``arrays`` (float64 if they are not floating)."""
    first = getattr(arrays[0], "dtype", None)
    if first in FLOAT_DTYPES and all(getattr(a, "dtype", None) == first for a in arrays):
        return first  # the trainer's case, without result_type's costly generality
    dtype = np.result_type(*arrays)
    if not np.issubdtype(dtype, np.floating):
        dtype = np.dtype(np.float64)
    return dtype


def _as_float(x, dtype):
    # ``copy=False``: no copy when already of the right dtype; callers never write
    # into the returned array, so the inputs stay untouched.
    return np.asarray(x).astype(dtype, copy=False)


def _check_2d(name, x, d=None):
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {x.shape}")
    if d is not None and x.shape[1] != d:
        raise ValueError(f"{name} has dimension {x.shape[1]}, expected {d}")


def _check_pairs(context_ids, owner, n_centers, n_words):
    context_ids = np.asarray(context_ids)
    owner = np.asarray(owner)
    if context_ids.ndim != 1 or owner.shape != context_ids.shape:
        raise ValueError(
            "context_ids and owner must be 1-D arrays of the same length, got "
            f"shapes {context_ids.shape} and {owner.shape}"
        )
    if context_ids.size:
        if not (np.issubdtype(context_ids.dtype, np.integer)
                and np.issubdtype(owner.dtype, np.integer)):
            raise ValueError("context_ids and owner must be integer arrays")
        if context_ids.min() < 0 or context_ids.max() >= n_words:
            raise ValueError(f"context_ids must lie in [0, {n_words})")
        if owner.min() < 0 or owner.max() >= n_centers:
            raise ValueError(f"owner must lie in [0, {n_centers})")
    return context_ids.astype(np.intp, copy=False), owner.astype(np.intp, copy=False)


def _check_owner(owner, n_pairs, n_groups):
    """``owner`` as intp: one non-decreasing group index in ``[0, n_groups)`` per pair."""
    owner = np.asarray(owner, dtype=np.intp)
    if owner.shape != (n_pairs,):
        raise ValueError(f"owner has shape {owner.shape}, expected ({n_pairs},)")
    if len(owner) and (owner.min() < 0 or owner.max() >= n_groups
                       or np.any(np.diff(owner) < 0)):
        raise ValueError(f"owner must be non-decreasing indices in [0, {n_groups})")
    return owner


def _contrastive_inputs(center_vectors, context_vectors, noise_vectors):
    """Common float dtype and arrays of a data-vs-noise loss; checks the noise shape.

    ``noise_vectors`` must be (rows of ``center_vectors``, K, d).
    """
    dtype = _float_dtype(center_vectors, context_vectors, noise_vectors)
    V = _as_float(center_vectors, dtype)
    Uo = _as_float(context_vectors, dtype)
    Un = _as_float(noise_vectors, dtype)
    _check_2d("center_vectors", V)
    _check_2d("context_vectors", Uo, V.shape[1])
    if Un.ndim != 3 or Un.shape[0] != V.shape[0] or Un.shape[2] != V.shape[1]:
        raise ValueError(
            f"noise_vectors must have shape ({V.shape[0]}, K, {V.shape[1]}), "
            f"got {Un.shape}"
        )
    return dtype, V, Uo, Un


def _logits(center_vectors, output_vectors, logit_offset, dtype):
    """``S = V U^T (+ b)``, a fresh ``(B, n_words)`` array that callers may overwrite."""
    S = center_vectors @ output_vectors.T
    if logit_offset is not None:
        b = _as_float(logit_offset, dtype)
        if b.shape != (output_vectors.shape[0],):
            raise ValueError(
                f"logit_offset must have shape ({output_vectors.shape[0]},), "
                f"got {b.shape}"
            )
        S += b
    return S


def _exp_shifted_inplace(S):
    """Overwrite ``S`` with ``exp(S - m)`` row-wise and return ``(lse, z)``.

    ``m_c = max_w S_cw`` so every exponent is <= 0 (no overflow) and the maximum
    term is exactly 1, hence ``z_c = sum_w exp(S_cw - m_c) >= 1`` (no log(0)).
    ``lse_c = m_c + log z_c`` and ``z`` are float64 of shape ``(B,)``.
    """
    if S.shape[1] == 0:
        raise ValueError("output_vectors must have at least one row")
    m = S.max(axis=1, keepdims=True)
    S -= m
    np.exp(S, out=S)
    z = S.sum(axis=1, dtype=np.float64)
    lse = m[:, 0].astype(np.float64) + np.log(z)
    return lse, z


def _softplus_sum_and_sigmoid(x):
    """``(sum(softplus(x)), sigmoid(x))``, the sum accumulated in float64."""
    terms, sig = _softplus_and_sigmoid(x)
    return float(terms.sum(dtype=np.float64)), sig


def _softplus_and_sigmoid(x):
    r"""``softplus(x)`` and ``sigmoid(x)`` element-wise, without overflow for any ``x``.

    ``softplus(x) = log(1 + e^x) = -log sigma(-x) = max(x, 0) + log(1 + e)`` with
    ``e = exp(-|x|) <= 1``, and ``sigma(x) = exp(x - softplus(x))``. The hot loops need
    both the loss terms and the gradient factors of the same logits; this takes two ``exp``
    and one ``log`` and no branch (``np.where`` on the sign was the slowest step), measured
    faster than the ``where`` form and within a few float32 ulps of it. No term depends
    on how many others there are (a product over a row, used before, overflowed for
    ``K >= 1023`` noise words). ``log(1 + e)`` rather than ``log1p(e)``: ``1 + e`` is computed
    anyway, and the difference (at most half an ulp of 1 per term) is far below the loss's
    use as a training curve. Both results keep the dtype of ``x``.
    """
    dtype = x.dtype.type
    softplus = np.abs(x)
    np.negative(softplus, out=softplus)
    np.exp(softplus, out=softplus)
    softplus += dtype(1)
    np.log(softplus, out=softplus)
    softplus += np.maximum(x, dtype(0))
    sig = np.subtract(x, softplus)
    np.exp(sig, out=sig)
    return softplus, sig


# --------------------------------------------------------------------------- sigmoids


def log_sigmoid(x):
    r"""Numerically stable :math:`\log\sigma(x) = -\log(1 + e^{-x})`.

    Computed as ``-logaddexp(0, -x)``, which never overflows: for large positive
    ``x`` it tends to ``-exp(-x)`` and for large negative ``x`` to ``x``.

    Parameters
    ----------
    x : array_like
        Logits. Floating dtypes are preserved.

    Returns
    -------
    ndarray or scalar
        ``log(sigmoid(x))``, same shape as ``x``.
    """
    return -np.logaddexp(0, -np.asarray(x))


def sigmoid(x):
    r"""Numerically stable logistic function :math:`\sigma(x) = 1 / (1 + e^{-x})`.

    With ``e = exp(-|x|) <= 1`` (never overflows),
    ``sigma(x) = 1 / (1 + e)`` for ``x >= 0`` and ``e / (1 + e)`` for ``x < 0``;
    the second form keeps full relative precision for very negative ``x`` where
    ``sigma(x)`` is tiny.

    Parameters
    ----------
    x : array_like
        Logits. Floating dtypes are preserved.

    Returns
    -------
    ndarray or scalar
        ``sigma(x)``, same shape as ``x``.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(-np.abs(x))
    out = 1 / (1 + e)
    out = np.where(x < 0, e * out, out)
    return out[()]


# --------------------------------------------------------------------------- full softmax


def softmax_loss_and_grads(center_vectors, output_vectors, context_ids, owner, *,
                           logit_offset=None):
    r"""Exact full-softmax skip-gram loss and gradients for a minibatch of centers.

    Pair ``p`` is (center ``c = owner[p]``, context ``o = context_ids[p]``), with
    ``p(o | c) = exp(S_co) / sum_w exp(S_cw)`` and logits
    ``S = center_vectors @ output_vectors.T + logit_offset[None, :]``. Center ``c``
    owns ``n_c = bincount(owner)[c]`` pairs (``2m`` in the textbook formula, fewer
    where the window shrinks or meets a document edge), so

    .. math::

        J = \sum_c \Big(-\sum_{p: c_p = c} S_{c o_p}
            + n_c \log \sum_w \exp S_{cw}\Big).

    One max-shifted log-sum-exp per center is shared by all of its pairs, so no
    exponential overflows whatever the vocabulary size or logit scale.

    With ``Y_cw`` the number of pairs ``(c, w)`` (a center may see the same context
    twice), ``dJ/dS = W = n_c[:, None] * softmax(S) - Y``, and

    ``grad_center = W @ output_vectors``, ``grad_output = W.T @ center_vectors``.

    Parameters
    ----------
    center_vectors : ndarray of shape (B, d)
        ``V[centers]``, one row per minibatch center.
    output_vectors : ndarray of shape (n_words, d)
        All context vectors ``U``.
    context_ids : ndarray of int, shape (P,)
        Context word of each pair.
    owner : ndarray of int, shape (P,)
        Row of ``center_vectors`` that each pair belongs to, in ``[0, B)``.
    logit_offset : ndarray of shape (n_words,), default=None
        Per-word additive logit term ``b_w`` (e.g. ``log q(w)`` to score a
        negative-sampling model as a softmax). It has no gradient.

    Returns
    -------
    loss : float
        Summed negative log-likelihood of the ``P`` pairs.
    grad_center : ndarray of shape (B, d)
        ``dJ/dv`` per center row (zero for centers that own no pair).
    grad_output : ndarray of shape (n_words, d)
        Dense ``dJ/dU``.
    """
    dtype = _float_dtype(center_vectors, output_vectors)
    V = _as_float(center_vectors, dtype)
    U = _as_float(output_vectors, dtype)
    _check_2d("center_vectors", V)
    _check_2d("output_vectors", U, V.shape[1])
    context_ids, owner = _check_pairs(context_ids, owner, V.shape[0], U.shape[0])

    S = _logits(V, U, logit_offset, dtype)
    # Pair logits must be read before S is overwritten by the exponentials.
    loss = -S[owner, context_ids].sum(dtype=np.float64)
    lse, z = _exp_shifted_inplace(S)  # S now holds exp(S - m)
    n_c = np.bincount(owner, minlength=V.shape[0])
    loss += float(n_c @ lse)

    # W = n_c * exp(S - m) / z - Y, built in the same B x n_words buffer.
    W = S
    W *= (n_c / z).astype(dtype)[:, None]
    # add.at (not fancy-index -=) so repeated (c, o) pairs each subtract 1.
    np.add.at(W, (owner, context_ids), -1)
    grad_center = W @ U
    grad_output = W.T @ V
    return float(loss), grad_center, grad_output


def softmax_log_likelihood(center_vectors, output_vectors, context_ids, owner, *,
                           logit_offset=None):
    r"""Log-probability of each pair under the full softmax.

    ``log p(o_p | c_p) = S_{c_p o_p} - log sum_w exp(S_{c_p w})`` with
    ``S = center_vectors @ output_vectors.T + logit_offset[None, :]`` and the same
    max-shifted log-sum-exp as :func:`softmax_loss_and_grads`, so that
    ``-softmax_log_likelihood(...).sum()`` equals its loss.

    Parameters
    ----------
    center_vectors : ndarray of shape (B, d)
    output_vectors : ndarray of shape (n_words, d)
    context_ids : ndarray of int, shape (P,)
    owner : ndarray of int, shape (P,)
        See :func:`softmax_loss_and_grads`.
    logit_offset : ndarray of shape (n_words,), default=None
        Per-word additive logit term.

    Returns
    -------
    ndarray of float64, shape (P,)
        ``log p(o_p | c_p)`` (always <= 0).
    """
    dtype = _float_dtype(center_vectors, output_vectors)
    V = _as_float(center_vectors, dtype)
    U = _as_float(output_vectors, dtype)
    _check_2d("center_vectors", V)
    _check_2d("output_vectors", U, V.shape[1])
    context_ids, owner = _check_pairs(context_ids, owner, V.shape[0], U.shape[0])

    S = _logits(V, U, logit_offset, dtype)
    s = S[owner, context_ids].astype(np.float64)
    lse, _ = _exp_shifted_inplace(S)
    return s - lse[owner]


# --------------------------------------------------------------------------- data vs noise


def contrastive_loss_and_grads(center_vectors, context_vectors, noise_vectors, *,
                               context_offset=0.0, noise_offset=0.0):
    r"""Per-pair binary logistic "data vs noise" loss shared by NS and NCE.

    With ``x^+_p = u_{o_p} . v_{c_p} - context_offset_p`` and
    ``x^-_{pk} = u_{n_{pk}} . v_{c_p} - noise_offset_{pk}`` (logits of "data"),

    .. math::

        J = -\sum_p \log\sigma(x^+_p) - \sum_p \sum_k \log\sigma(-x^-_{pk}).

    The gradient with respect to a logit is ``g^+ = sigma(x^+) - 1`` for data and
    ``g^- = sigma(x^-)`` for noise, so

    ``grad_center_p = g^+_p u_{o_p} + sum_k g^-_{pk} u_{n_{pk}}``,
    ``grad_context_p = g^+_p v_{c_p}``, ``grad_noise_{pk} = g^-_{pk} v_{c_p}``.

    Parameters
    ----------
    center_vectors : ndarray of shape (P, d)
        ``v_c`` of each pair.
    context_vectors : ndarray of shape (P, d)
        ``u_o`` of each pair.
    noise_vectors : ndarray of shape (P, K, d)
        ``u_{n_k}`` of the ``K`` noise words drawn for each pair.
    context_offset : float or ndarray of shape (P,), default=0.0
        Subtracted from the data score.
    noise_offset : float or ndarray of shape (P, K), default=0.0
        Subtracted from the noise scores.

    Returns
    -------
    loss : float
    grad_center : ndarray of shape (P, d)
    grad_context : ndarray of shape (P, d)
    grad_noise : ndarray of shape (P, K, d)
    """
    dtype, V, Uo, Un = _contrastive_inputs(center_vectors, context_vectors, noise_vectors)
    if Uo.shape != V.shape:
        raise ValueError(f"context_vectors has shape {Uo.shape}, expected {V.shape}")

    x_pos = np.einsum("pd,pd->p", Uo, V) - _as_float(context_offset, dtype)
    # Batched (K x d) @ (d x 1) products: x_neg[p, k] = u_{n_pk} . v_p
    x_neg = np.matmul(Un, V[:, :, None])[:, :, 0] - _as_float(noise_offset, dtype)

    # -log sigma(x_pos) = softplus(-x_pos), and sigma(x_pos) - 1 = -sigma(-x_pos)
    # (written so to avoid cancellation when sigma(x_pos) ~ 1).
    loss_pos, sig_neg_pos = _softplus_sum_and_sigmoid(-x_pos)
    # -log sigma(-x_neg) = softplus(x_neg); its derivative is sigma(x_neg).
    loss_neg, g_neg = _softplus_sum_and_sigmoid(x_neg)
    loss = loss_pos + loss_neg
    g_pos = -sig_neg_pos

    grad_center = g_pos[:, None] * Uo
    grad_center += np.matmul(g_neg[:, None, :], Un)[:, 0, :]
    grad_context = g_pos[:, None] * V
    grad_noise = g_neg[:, :, None] * V[:, None, :]
    return float(loss), grad_center, grad_context, grad_noise


def negative_sampling_loss_and_grads(center_vectors, context_vectors, noise_vectors):
    r"""Skip-gram negative-sampling (NS) loss and gradients.

    .. math::

        J_{NS} = -\sum_p \Big(\log\sigma(u_{o_p}\cdot v_{c_p})
                 + \sum_k \log\sigma(-u_{n_{pk}}\cdot v_{c_p})\Big).

    This is :func:`nce_loss_and_grads` with ``K q(w)`` replaced by 1, i.e.
    ``log(K q) = 0`` (Dyer, 2014), and is computed as
    :func:`contrastive_loss_and_grads` with both offsets 0.

    Parameters
    ----------
    center_vectors : ndarray of shape (P, d)
    context_vectors : ndarray of shape (P, d)
    noise_vectors : ndarray of shape (P, K, d)

    Returns
    -------
    loss : float
    grad_center : ndarray of shape (P, d)
    grad_context : ndarray of shape (P, d)
    grad_noise : ndarray of shape (P, K, d)
    """
    return contrastive_loss_and_grads(center_vectors, context_vectors, noise_vectors,
                                      context_offset=0.0, noise_offset=0.0)


def nce_loss_and_grads(center_vectors, context_vectors, noise_vectors,
                       log_kq_context, log_kq_noise):
    r"""Noise-contrastive estimation (NCE) loss and gradients, self-normalised.

    NCE (Gutmann & Hyvärinen, 2010; Mnih & Teh, 2012) with the model taken as
    normalised (``Z = 1``) classifies a word as data with

    .. math::

        P(D=1 \mid o, c) = \frac{e^{s}}{e^{s} + K q(o)} = \sigma(s - \log(K q(o))),

    so it is :func:`contrastive_loss_and_grads` with
    ``context_offset = log(K q(o_p))`` and ``noise_offset = log(K q(n_pk))``.
    Setting both to 0 (``K q = 1``) gives negative sampling exactly.

    Parameters
    ----------
    center_vectors : ndarray of shape (P, d)
    context_vectors : ndarray of shape (P, d)
    noise_vectors : ndarray of shape (P, K, d)
    log_kq_context : ndarray of shape (P,)
        ``log(K q(o_p))`` for the true context of each pair.
    log_kq_noise : ndarray of shape (P, K)
        ``log(K q(n_pk))`` for each noise word.

    Returns
    -------
    loss : float
    grad_center : ndarray of shape (P, d)
    grad_context : ndarray of shape (P, d)
    grad_noise : ndarray of shape (P, K, d)
    """
    return contrastive_loss_and_grads(center_vectors, context_vectors, noise_vectors,
                                      context_offset=log_kq_context,
                                      noise_offset=log_kq_noise)


def window_contrastive_loss_and_grads(input_vectors, output_vectors, mask, *,
                                      output_offsets=0.0):
    r"""Data-vs-noise loss in word2vec.c's orientation, noise shared within a window.

    word2vec.c's skip-gram trains each window the other way round from the textbook: every
    context word of the window is an *input* (its vector ``v``) that predicts the window's
    center word (its output vector ``u``), each with its own ``K`` noise words. Here the
    pairs of a window share the window's ``K`` noise words, so window ``b`` has ``K + 1``
    output words: ``output_vectors[b, 0]``, its center word (the data), and
    ``output_vectors[b, 1:]``, its noise words. Every pair still has ``K`` noise words drawn
    from ``q`` and each input occurrence meets its own draws (another window draws others).
    The textbook orientation with a window's noise shared (the center word as the input of
    all the window's pairs) gives an input only ``K`` draws per window and measured clearly
    lower analogy accuracy than per-pair draws (see benchmarks/DESIGN.md).

    The inputs of window ``b`` are ``input_vectors[b, s]`` for the slots ``s`` where
    ``mask[b, s]`` is true; the other slots are padding (a window has up to ``2 * window``
    context words) and contribute nothing. With ``u_{bj}`` the output vectors of window
    ``b``, ``a_{bj}`` their offsets (0 for NS, ``log(K q)`` for NCE) and ``v_{bs}`` its
    inputs,

    .. math::

        J = \sum_{b, s} \Big(-\log\sigma(x_{bs0}) - \sum_{j=1}^{K} \log\sigma(-x_{bsj})\Big),
        \quad x_{bsj} = u_{bj}\cdot v_{bs} - a_{bj}.

    With ``g_{bs0} = sigma(x_{bs0}) - 1`` and ``g_{bsj} = sigma(x_{bsj})`` for ``j >= 1``:
    ``grad_input_{bs} = sum_j g_{bsj} u_{bj}`` and ``grad_output_{bj} = sum_s g_{bsj} v_{bs}``.
    This is :func:`window_binary_loss_and_grads` with the data as the positive class of row 0
    and the noise as the negative class of the others.

    Parameters
    ----------
    input_vectors : ndarray of shape (B, W, d)
        Input vectors ``v`` of each window's context words, ``W`` slots per window.
    output_vectors : ndarray of shape (B, K + 1, d)
        Per window, the output vector of its center word, then those of its noise words.
    mask : ndarray of bool, shape (B, W)
        Which slots hold a context word.
    output_offsets : float or ndarray of shape (B, K + 1), default=0.0
        Subtracted from the scores (0 for NS, ``log(K q)`` of each output word for NCE).

    Returns
    -------
    loss : float
        Summed over the ``mask.sum()`` pairs.
    grad_input : ndarray of shape (B, W, d)
        Zero in padding slots.
    grad_output : ndarray of shape (B, K + 1, d)
    """
    outputs = np.asarray(output_vectors)
    if outputs.ndim != 3 or outputs.shape[1] < 2:
        raise ValueError(f"output_vectors must have shape (B, K + 1, d) with K >= 1, got "
                         f"{outputs.shape}")
    return window_binary_loss_and_grads(input_vectors, output_vectors, mask,
                                        output_offsets=output_offsets)


def window_binary_loss_and_grads(input_vectors, output_vectors, input_mask, *,
                                 output_signs=None, output_mask=None, output_offsets=0.0):
    r"""Binary logistic losses of every (input, output) pair of each window.

    Window ``b`` has inputs ``v_{bs}`` (slots ``s`` where ``input_mask[b, s]``) and outputs
    ``u_{bj}`` (rows ``j`` where ``output_mask[b, j]``); every input meets every output. Each
    output has a label, given as a sign ``t_{bj}``: ``-1`` when the pair should score high
    (a data word; the left branch, code 0, of a hierarchical-softmax node) and ``+1`` when it
    should score low (a noise word; code 1). With ``x_{bjs} = u_{bj} . v_{bs} - a_{bj}``,

    .. math::

        J = \sum_{b, j, s} \mathrm{softplus}(t_{bj} x_{bjs}),\qquad
        \frac{\partial J}{\partial x_{bjs}} = t_{bj}\,\sigma(t_{bj} x_{bjs}),

    which is ``-log sigma(x)`` for ``t = -1`` and ``-log sigma(-x)`` for ``t = +1``. Then
    ``grad_input_{bs} = sum_j dJ/dx_{bjs} u_{bj}`` and
    ``grad_output_{bj} = sum_s dJ/dx_{bjs} v_{bs}``: three batched matrix products over the
    windows. Negative sampling and NCE are the signs ``(-1, +1, ..., +1)`` (a window's center
    word, then its noise words); hierarchical softmax is the path of the center word, with
    signs ``2 c - 1`` from its code bits ``c``; CBOW has one input per window, the combined
    context.

    Parameters
    ----------
    input_vectors : ndarray of shape (B, W, d)
    output_vectors : ndarray of shape (B, L, d)
    input_mask : ndarray of bool, shape (B, W)
        Which input slots are in use (the others are padding and contribute nothing).
    output_signs : ndarray of shape (B, L) or None
        ``t_{bj}`` as above. None: ``-1`` for row 0 and ``+1`` for the other rows (the layout
        of negative sampling), computed without an extra multiplication.
    output_mask : ndarray of bool, shape (B, L) or None
        Which output rows are in use (None: all).
    output_offsets : float or ndarray of shape (B, L), default=0.0
        ``a_{bj}``, subtracted from the scores (``log(K q)`` for NCE).

    Returns
    -------
    loss : float
        Summed over all pairs in use.
    grad_input : ndarray of shape (B, W, d)
        Zero in padding slots.
    grad_output : ndarray of shape (B, L, d)
        Zero in padding rows.
    """
    loss, logit_grads, inputs, outputs = _window_binary(
        input_vectors, output_vectors, input_mask, output_signs=output_signs,
        output_mask=output_mask, output_offsets=output_offsets)
    if inputs.shape[1] == 1:
        # One input per window (CBOW): an outer product, which matmul computes as a
        # product with an inner dimension of 1, measured slower than broadcasting.
        grad_output = logit_grads * inputs
    else:
        grad_output = np.matmul(logit_grads, inputs)
    grad_input = np.matmul(logit_grads.transpose(0, 2, 1), outputs)
    return loss, grad_input, grad_output


def window_binary_loss_and_logit_grads(input_vectors, output_vectors, input_mask, *,
                                       output_signs=None, output_mask=None,
                                       output_offsets=0.0):
    """The loss of :func:`window_binary_loss_and_grads` and its gradient with respect to
    the logits, ``dJ/dx_{bjs}`` of shape (B, L, W), zero where masked.

    For one input per window (CBOW), ``grad_output_{bj} = dJ/dx_{bj0} v_b`` is an outer
    product: a caller that applies it as ``dJ/dx`` times ``v_b`` for each output row (a
    sparse update) never builds the (B, L, d) array.
    """
    loss, logit_grads, _, _ = _window_binary(
        input_vectors, output_vectors, input_mask, output_signs=output_signs,
        output_mask=output_mask, output_offsets=output_offsets)
    return loss, logit_grads


def _window_binary(input_vectors, output_vectors, input_mask, *, output_signs, output_mask,
                   output_offsets):
    dtype = _float_dtype(input_vectors, output_vectors)
    inputs = _as_float(input_vectors, dtype)
    outputs = _as_float(output_vectors, dtype)
    input_mask = np.asarray(input_mask)
    if inputs.ndim != 3:
        raise ValueError(f"input_vectors must have shape (B, W, d), got {inputs.shape}")
    n_windows, width, d = inputs.shape
    if outputs.ndim != 3 or outputs.shape[0] != n_windows or outputs.shape[2] != d:
        raise ValueError(f"output_vectors must have shape ({n_windows}, L, {d}), got "
                         f"{outputs.shape}")
    n_outputs = outputs.shape[1]
    _check_mask("mask", input_mask, (n_windows, width))
    # Multipliers that zero everything a padding slot or row computes: (B, 1, W) for the
    # inputs, (B, L, W) when output rows are masked too.
    weight = input_mask[:, None, :].astype(dtype)
    if output_mask is not None:
        _check_mask("output_mask", np.asarray(output_mask), (n_windows, n_outputs))
        weight = weight * np.asarray(output_mask)[:, :, None].astype(dtype)
    if output_signs is None:
        signed_weight = None
    else:
        signs = _as_float(output_signs, dtype)
        if signs.shape != (n_windows, n_outputs):
            raise ValueError(f"output_signs must have shape ({n_windows}, {n_outputs}), "
                             f"got {signs.shape}")
        signed_weight = weight * signs[:, :, None]

    # Logits laid out (window, output, slot), turned into t * x.
    logits = np.matmul(outputs, inputs.transpose(0, 2, 1))
    offsets = _as_float(output_offsets, dtype)
    if offsets.ndim:
        logits -= offsets[:, :, None]
    elif offsets:
        logits -= offsets
    if signed_weight is None:
        # Negative sampling's layout: row 0 is the data (t = -1), the others noise.
        logits[:, 0] *= -1
        logits *= weight
    else:
        logits *= signed_weight
    loss_terms, coefficients = _softplus_and_sigmoid(logits)
    loss_terms *= weight
    if signed_weight is None:
        coefficients *= weight
        coefficients[:, 0] *= -1
    else:
        coefficients *= signed_weight
    # Pairwise summation: float32 is accurate enough here, and faster than accumulating
    # in float64.
    return float(loss_terms.sum()), coefficients, inputs, outputs


def _check_mask(name, mask, shape):
    if mask.shape != shape or mask.dtype != bool:
        raise ValueError(f"{name} must be a boolean array of shape {shape}, got "
                         f"{mask.dtype} {mask.shape}")


def shared_noise_loss_and_grads(hidden, target_vectors, noise_vectors, *, owner=None,
                                target_offsets=0.0, noise_offsets=0.0, noise_gradient=True):
    r"""Data-vs-noise loss of ``P`` predictions that share one set of ``K`` noise words.

    Prediction ``p`` has the hidden vector ``h_{c(p)}`` (``c = owner``, the identity when
    None) and a target output vector ``u_p``; all predictions meet the same noise output
    vectors ``n_1 .. n_K``, drawn once for the minibatch (the HogBatch form of Ji et al.
    2016, which turns the noise logits into one matrix product). Predictions that share a
    hidden row then share its noise terms, computed once per row and counted ``m_c`` times
    (``m_c`` predictions own row ``c``). With offsets ``a`` (0 for NS, ``log(K q)`` for NCE),

    .. math::

        J = \sum_p \mathrm{softplus}(-(u_p\cdot h_{c(p)} - a_p))
            + \sum_c m_c \sum_k \mathrm{softplus}(n_k\cdot h_c - a_k),

    and with ``g_p = sigma(u_p.h_{c(p)} - a_p) - 1``, ``G_{ck} = sigma(n_k.h_c - a_k)``:
    ``grad_hidden_c = sum_{p: c(p)=c} g_p u_p + m_c (G @ n)_c``,
    ``grad_target_p = g_p h_{c(p)}``, ``grad_noise = (m G).T @ h``.

    Parameters
    ----------
    hidden : ndarray of shape (C, d)
    target_vectors : ndarray of shape (P, d)
    noise_vectors : ndarray of shape (K, d)
    owner : ndarray of int, shape (P,), or None
        Hidden row of each prediction, non-decreasing; None: ``P = C`` and prediction
        ``p`` owns row ``p``.
    target_offsets : float or ndarray of shape (P,), default=0.0
    noise_offsets : float or ndarray of shape (K,), default=0.0
    noise_gradient : bool, default=True
        False: ``grad_noise`` is None (frozen output vectors; saves a matrix product).

    Returns
    -------
    loss : float
    grad_hidden : ndarray of shape (C, d)
    target_logit_grads : ndarray of shape (P,)
        ``g``: the targets' gradient is ``g[:, None] * hidden[owner]``, a rank-one update.
    grad_noise : ndarray of shape (K, d) or None
    """
    dtype = _float_dtype(hidden, target_vectors, noise_vectors)
    H = _as_float(hidden, dtype)
    T = _as_float(target_vectors, dtype)
    N = _as_float(noise_vectors, dtype)
    _check_2d("hidden", H)
    _check_2d("target_vectors", T, H.shape[1])
    _check_2d("noise_vectors", N, H.shape[1])
    if owner is None:
        if T.shape[0] != H.shape[0]:
            raise ValueError(f"target_vectors must have {H.shape[0]} rows, got "
                             f"{T.shape[0]}")
        H_targets, multiplicity = H, None
    else:
        owner = _check_owner(owner, T.shape[0], H.shape[0])
        H_targets = H[owner]
        multiplicity = np.bincount(owner, minlength=H.shape[0]).astype(dtype)
    positive = np.einsum("pd,pd->p", H_targets, T) - _as_float(target_offsets, dtype)
    negative = H @ N.T - _as_float(noise_offsets, dtype)
    loss_positive, sig_positive = _softplus_sum_and_sigmoid(-positive)
    terms, sig_negative = _softplus_and_sigmoid(negative)
    # d softplus(-x) / dx = -sigma(-x)
    target_grads = -sig_positive
    target_part = target_grads[:, None] * T
    if multiplicity is None:
        loss_negative = float(terms.sum(dtype=np.float64))
        grad_hidden = target_part + sig_negative @ N
    else:
        loss_negative = float(multiplicity @ terms.sum(axis=1, dtype=np.float64))
        sig_negative *= multiplicity[:, None]
        grad_hidden = sum_per_owner(target_part, owner, H.shape[0])
        grad_hidden += sig_negative @ N
    grad_noise = sig_negative.T @ H if noise_gradient else None
    return loss_positive + loss_negative, grad_hidden, target_grads, grad_noise


def group_noise_loss_and_grads(hidden, target_vectors, noise_vectors, *, mask=None,
                               noise_weight=1.0, target_offsets=0.0, noise_offsets=0.0):
    r"""Data-vs-noise loss of groups of predictions, each group sharing ``M`` noise words.

    Group ``n`` holds ``G`` predictions: hidden vectors ``h_{ng}`` with target output
    vectors ``u_{ng}``, all scored against the group's noise output vectors
    ``n_{n1} .. n_{nM}``. Each noise term is weighted by ``w = noise_weight``: with
    ``M`` draws from ``q`` and ``w = K / M`` the noise sum is an unbiased estimate of
    negative sampling's ``K E_q[log sigma(-u_k.h)]``, whatever ``M`` (more draws, lower
    variance). With offsets ``a`` (0 for NS, ``log(K q)`` for NCE) and the ``mask`` of the
    predictions in use,

    .. math::

        J = \sum_{ng} \mathrm{mask}_{ng} \Big(\mathrm{softplus}(-(u_{ng}\cdot h_{ng}
            - a_{ng})) + w \sum_m \mathrm{softplus}(n_{nm}\cdot h_{ng} - a_{nm})\Big).

    With ``g_{ng} = -sigma(-(u.h - a))`` and ``S_{ngm} = w sigma(n_{nm}.h_{ng} - a_{nm})``
    (both zero where masked): ``grad_hidden = g u + S @ n``, ``grad_target = g h``,
    ``grad_noise_n = S_n.T @ h_n``. The noise logits of a group are one ``(G, d) x (d, M)``
    product, and a group gathers ``M`` noise rows instead of ``K`` per prediction.

    Parameters
    ----------
    hidden, target_vectors : ndarray of shape (n_groups, G, d)
    noise_vectors : ndarray of shape (n_groups, M, d)
    mask : ndarray of bool, shape (n_groups, G), or None
        Predictions in use (None: all).
    noise_weight : float, default=1.0
    target_offsets : float or ndarray of shape (n_groups, G), default=0.0
    noise_offsets : float or ndarray of shape (n_groups, M), default=0.0

    Returns
    -------
    loss : float
    grad_hidden : ndarray of shape (n_groups, G, d)
    target_logit_grads : ndarray of shape (n_groups, G)
        ``g``: the targets' gradient is ``g[..., None] * hidden``, a rank-one update.
    grad_noise : ndarray of shape (n_groups, M, d)
    """
    dtype = _float_dtype(hidden, target_vectors, noise_vectors)
    H = _as_float(hidden, dtype)
    T = _as_float(target_vectors, dtype)
    N = _as_float(noise_vectors, dtype)
    if H.ndim != 3 or T.shape != H.shape:
        raise ValueError(f"hidden and target_vectors must have one shape (n_groups, G, d), "
                         f"got {H.shape} and {T.shape}")
    if N.ndim != 3 or N.shape[0] != H.shape[0] or N.shape[2] != H.shape[2]:
        raise ValueError(f"noise_vectors must have shape ({H.shape[0]}, M, {H.shape[2]}), "
                         f"got {N.shape}")
    positive = np.einsum("ngd,ngd->ng", H, T)
    positive -= _as_float(target_offsets, dtype)
    negative = np.matmul(H, N.transpose(0, 2, 1))
    offsets = _as_float(noise_offsets, dtype)
    negative -= offsets[:, None, :] if offsets.ndim else offsets
    positive_terms, positive_sig = _softplus_and_sigmoid(-positive)
    negative_terms, noise_coefficients = _softplus_and_sigmoid(negative)
    target_grads = np.negative(positive_sig, out=positive_sig)
    noise_coefficients *= dtype.type(noise_weight)
    if mask is not None:
        _check_mask("mask", np.asarray(mask), H.shape[:2])
        weight = mask.astype(dtype)
        positive_terms *= weight
        negative_terms *= weight[:, :, None]
        target_grads *= weight
        noise_coefficients *= weight[:, :, None]
    loss = (float(positive_terms.sum(dtype=np.float64))
            + noise_weight * float(negative_terms.sum(dtype=np.float64)))
    grad_hidden = np.matmul(noise_coefficients, N)
    grad_hidden += target_grads[:, :, None] * T
    grad_noise = np.matmul(noise_coefficients.transpose(0, 2, 1), H)
    return loss, grad_hidden, target_grads, grad_noise


# ------------------------------------------------------------------- hierarchical softmax


def dense_nodes_loss_and_grads(hidden, node_vectors, signs):
    r"""Hierarchical softmax's terms at a few nodes that most paths pass, as dense products.

    Row ``r`` has the hidden vector ``h_r`` and, for each of the ``T`` nodes ``u_t``, the
    sign ``s_{rt}`` of the step through ``t`` of the path it predicts (0 when its path
    does not pass ``t``, or the row is padding):

    .. math::

        J = \sum_{rt} |s_{rt}| \, \mathrm{softplus}(s_{rt}\, u_t \cdot h_r).

    The nodes near the root are on nearly every path, so their logits are one ``(R, d) x
    (d, T)`` product instead of a gather of ``T`` node rows per path. With
    ``c_{rt} = s_{rt} \sigma(s_{rt} u_t\cdot h_r)``: ``grad_hidden = c @ u`` and
    ``grad_nodes = c.T @ h``.

    Parameters
    ----------
    hidden : ndarray of shape (R, d)
    node_vectors : ndarray of shape (T, d)
    signs : ndarray of shape (R, T)
        Values in {-1, 0, 1}.

    Returns
    -------
    loss : float
    grad_hidden : ndarray of shape (R, d)
    grad_nodes : ndarray of shape (T, d)
    """
    dtype = _float_dtype(hidden, node_vectors)
    H = _as_float(hidden, dtype)
    U = _as_float(node_vectors, dtype)
    _check_2d("hidden", H)
    _check_2d("node_vectors", U, H.shape[1])
    S = _as_float(signs, dtype)
    if S.shape != (H.shape[0], U.shape[0]):
        raise ValueError(f"signs must have shape ({H.shape[0]}, {U.shape[0]}), got "
                         f"{S.shape}")
    z = H @ U.T
    z *= S
    terms, coefficients = _softplus_and_sigmoid(z)
    terms *= np.abs(S)
    coefficients *= S  # zero where the path does not pass the node
    return (float(terms.sum(dtype=np.float64)), coefficients @ U, coefficients.T @ H)


def path_steps_loss_and_grads(hidden, node_vectors, signs, pointers):
    r"""Hierarchical softmax's terms at path steps laid out back to back (no padding).

    Row ``b`` of ``hidden`` predicts the steps ``pointers[b]:pointers[b + 1]``: step ``e``
    has the node vector ``u_e`` (gathered) and sign ``s_e``, and
    ``J = sum_e softplus(s_e u_e . h_{b(e)})``. With ``c_e = s_e sigma(s_e u_e . h_{b(e)})``:
    ``grad_hidden_b = sum_{e of b} c_e u_e`` and ``grad_node_e = c_e h_{b(e)}``, a rank-one
    update returned as ``c``.

    Parameters
    ----------
    hidden : ndarray of shape (B, d)
    node_vectors : ndarray of shape (P, d)
    signs : ndarray of shape (P,)
    pointers : ndarray of int64, shape (B + 1,)

    Returns
    -------
    loss : float
    grad_hidden : ndarray of shape (B, d)
    step_coefficients : ndarray of shape (P,)
        ``c``.
    """
    dtype = _float_dtype(hidden, node_vectors)
    H = _as_float(hidden, dtype)
    U = _as_float(node_vectors, dtype)
    _check_2d("hidden", H)
    _check_2d("node_vectors", U, H.shape[1])
    lengths = np.diff(pointers)
    if len(lengths) != H.shape[0] or pointers[-1] != U.shape[0]:
        raise ValueError(f"pointers must cut {U.shape[0]} steps into {H.shape[0]} paths")
    z = np.einsum("pd,pd->p", U, np.repeat(H, lengths, axis=0))
    z *= _as_float(signs, dtype)
    loss, coefficients = _softplus_sum_and_sigmoid(z)
    coefficients *= signs
    # The coefficients as the weights of a CSR product: no (P, d) temporary (measured
    # faster than forming it).
    grad_hidden = weighted_row_sums(U, np.arange(len(coefficients)), pointers, coefficients)
    return loss, grad_hidden, coefficients


def hierarchical_log_likelihood(input_vectors, node_vectors, tree, words):
    r"""``log p(words[i] | input_vectors[i])`` under hierarchical softmax.

    ``log p(o | v) = -sum_k softplus(t_k u_{n_k} . v)`` over the inner nodes ``n_k`` of
    ``o``'s path and their signs ``t_k = 2 c_k - 1``: the same terms that training
    minimises, so ``-hierarchical_log_likelihood(...).sum()`` is the training loss.

    Parameters
    ----------
    input_vectors : ndarray of shape (n, d)
    node_vectors : ndarray of shape (n_words - 1, d)
    tree : HuffmanTree
    words : ndarray of int, shape (n,)

    Returns
    -------
    ndarray of float64, shape (n,)
    """
    length = int(tree.lengths[words].max(initial=1))
    points = tree.points[words, :length]
    signs = tree.signs[words, :length].astype(np.float64)
    logits = np.einsum("pld,pd->pl", node_vectors[points], input_vectors,
                       dtype=np.float64)
    return path_log_likelihood(logits, signs, tree.mask[words, :length])


def path_log_likelihood(logits, signs, mask):
    """``sum_k log sigma(-t_k x_k)`` over the steps of paths (the last axis) in use.

    ``logits`` are the ``x_k = u_{n_k} . v`` of each path step, ``signs`` its ``t_k`` and
    ``mask`` which steps are in use (padding steps are left out).
    """
    return (log_sigmoid(-signs * logits) * mask).sum(axis=-1)
