r"""Negative sampling and NCE: which predictions share which noise words.

Negative sampling and NCE score each prediction (a hidden vector ``h`` and its target word
``o``) against ``K`` noise words drawn from ``q``; the loss and gradients of every layout
are pure kernels of :mod:`sklearn_w2v._model.objectives`. What differs between the layouts
is only which predictions share one draw of noise words, and that is one class here per
scheme, each drawing its noise words (:meth:`NoiseSharing.draw`), weighting them
(:attr:`NoiseSharing.noise_weight`) and naming the kernel it calls for each
:class:`~sklearn_w2v._model.steps.Form` of predictions it serves
(:attr:`NoiseSharing.kernels`):

* :class:`PerPairNoise`: every (hidden row, target) pair draws ``K`` of its own, the
  textbook form (skip-gram's center predicting each context word without
  ``share_negatives``). Its kernel, :func:`~sklearn_w2v._model.objectives.
  contrastive_loss_and_grads`, is the oracle the other schemes are tested against;
* :class:`PerWindowNoise`: a window draws ``K``; in the grid form all its context rows
  share them (word2vec.c's orientation of skip-gram), with one hidden row per window
  (CBOW, paragraph vectors) that row meets them, as word2vec.c's CBOW;
* :class:`GroupedWindowNoise`: one hidden row per window, runs of ``group_windows``
  windows share ``group_draws`` draws, each weighted ``K / group_draws`` (CBOW with
  ``share_negatives``);
* :class:`MinibatchNoise`: all predictions of a minibatch share ``K`` draws (Ji et al.
  2016); with the output matrix frozen (inference of document vectors) its gradient is
  not computed.

:class:`NoiseWords` is what they share: the sampler of ``q`` and the one place where NCE's
logit offset ``log(K q(w))`` is computed (negative sampling's offset is 0).
"""

from typing import ClassVar

import numpy as np

from .noise import NoiseSampler
from .objectives import (
    contrastive_loss_and_grads,
    group_noise_loss_and_grads,
    shared_noise_loss_and_grads,
    window_binary_loss_and_logit_grads,
    window_contrastive_loss_and_grads,
)
from .sparse_rows import sum_per_owner
from .steps import Form, LayerOutput, RowUpdate

__all__ = ["GroupedWindowNoise", "MinibatchNoise", "NoiseSharing", "NoiseWords",
           "PerPairNoise", "PerWindowNoise", "noise_sharing_schemes"]


class NoiseWords:
    """The noise of a negative-sampling or NCE layer: ``negative`` draws from ``q`` per
    prediction, and the offset that turns a score into the logit "data, not noise".

    Parameters
    ----------
    distribution : ndarray of float64, shape (n_words,)
        ``q``.
    negative : int
        ``K``, noise words per prediction.
    nce : bool
        NCE (offset ``log(K q(w))``) rather than negative sampling (offset 0).
    sampler : NoiseSampler or None
        The sampler of ``q``; None builds it when first drawn from (a layer that only
        scores never draws). A training layer passes it built, so that worker processes
        share its tables.
    """

    def __init__(self, distribution, negative, *, nce, sampler=None):
        self.distribution = distribution
        self.negative = int(negative)
        self.nce = bool(nce)
        self._sampler = sampler
        self._log_kq = None
        if sampler is not None and self.nce:
            self._log_kq = self._log_kq_of(sampler)

    def _log_kq_of(self, sampler):
        # NCE's logit offset log(K q(w)): the one place it is computed.
        return np.log(self.negative) + sampler.log_probabilities

    @property
    def sampler(self):
        """The :class:`~sklearn_w2v._model.noise.NoiseSampler` of ``q``."""
        if self._sampler is None:
            self._sampler = NoiseSampler(self.distribution)
        return self._sampler

    @property
    def log_kq(self):
        """``log(K q(w))`` of every word, float64 (``-inf`` where ``q(w) = 0``)."""
        if self._log_kq is None:
            self._log_kq = self._log_kq_of(self.sampler)
        return self._log_kq

    def draw(self, random, shape):
        """Noise word ids of ``shape`` from the block's
        :class:`~sklearn_w2v._model.steps.BlockRandom`."""
        return random.noise(self.sampler, shape)

    def offsets(self, words):
        """The logit offsets of ``words``: ``log(K q(words))`` for NCE, ``0.0`` for
        negative sampling (a scalar, which the kernels subtract without an array)."""
        return self.log_kq[words] if self.nce else 0.0


class NoiseSharing:
    """A scheme of noise sharing: draws noise words for a minibatch of predictions and
    computes their loss and gradients with its kernel.

    Parameters
    ----------
    noise : NoiseWords
    parameter : str
        Name of the layer's matrix (the rows of the target and noise words).

    Attributes
    ----------
    kernels : dict of Form to callable
        The pure kernel of :mod:`sklearn_w2v._model.objectives` called for each form of
        predictions the scheme serves.
    noise_weight : float
        Weight of each noise term in the loss (1: each prediction meets ``K`` draws).
    """

    kernels: ClassVar[dict] = {}

    def __init__(self, noise, parameter):
        self.noise = noise
        self.parameter = parameter

    @property
    def noise_weight(self):
        return 1.0

    def draw(self, random, n_predictions):
        """The noise word ids for ``n_predictions`` predictions."""
        raise NotImplementedError

    def forward(self, predictions, matrix, random):
        """Loss and gradients of ``predictions`` (a
        :class:`~sklearn_w2v._model.steps.Predictions` of a form in :attr:`kernels`).

        Returns
        -------
        LayerOutput
        """
        raise NotImplementedError


class PerPairNoise(NoiseSharing):
    """Every (hidden row, target) pair against ``K`` noise words of its own: the fan-out
    form, draws of shape ``(P, K)``."""

    kernels: ClassVar[dict] = {Form.FAN_OUT: contrastive_loss_and_grads}

    def draw(self, random, n_predictions):
        return self.noise.draw(random, (n_predictions, self.noise.negative))

    def forward(self, predictions, matrix, random):
        rows, contexts, owner = predictions.hidden, predictions.targets, predictions.owner
        noise_words = self.draw(random, len(contexts))
        kernel = self.kernels[Form.FAN_OUT]
        loss, grad_center, grad_context, grad_noise = kernel(
            rows[owner], matrix[contexts], matrix[noise_words],
            context_offset=self.noise.offsets(contexts),
            noise_offset=self.noise.offsets(noise_words))
        grad_rows = sum_per_owner(grad_center, owner, len(rows))
        # One update, so that the cap counts a row's context and noise terms together.
        return LayerOutput(loss, grad_rows, [
            RowUpdate(self.parameter, np.concatenate([contexts, noise_words.ravel()]),
                      np.concatenate([grad_context,
                                      grad_noise.reshape(-1, matrix.shape[1])]))])


class PerWindowNoise(NoiseSharing):
    """Each window against ``K`` noise words of its own, draws of shape ``(B, K)``: in the
    grid form its context rows all meet them (word2vec.c's skip-gram), with one hidden row
    per window that row meets them (word2vec.c's CBOW)."""

    kernels: ClassVar[dict] = {Form.GRID: window_contrastive_loss_and_grads,
                               Form.ONE_ROW: window_binary_loss_and_logit_grads}

    def draw(self, random, n_predictions):
        return self.noise.draw(random, (n_predictions, self.noise.negative))

    def forward(self, predictions, matrix, random):
        targets = predictions.targets
        output_words = np.empty((len(targets), self.noise.negative + 1), dtype=np.int32)
        output_words[:, 0] = targets
        output_words[:, 1:] = self.draw(random, len(targets))
        offsets = self.noise.offsets(output_words)
        # np.take: measured faster than fancy indexing for these row gathers.
        output_vectors = np.take(matrix, output_words, axis=0)
        if predictions.form is Form.GRID:
            return self._grid(predictions, output_words, output_vectors, offsets)
        return self._rank_one(predictions.hidden, output_words, output_vectors, offsets)

    def _grid(self, predictions, output_words, output_vectors, offsets):
        hidden, mask = predictions.hidden, predictions.mask
        loss, grad_hidden, grad_output = self.kernels[Form.GRID](
            hidden, output_vectors, mask, output_offsets=offsets)
        pairs = mask.sum(axis=1, dtype=hidden.dtype)
        # A window's output rows carry the terms of all its pairs.
        return LayerOutput(loss, grad_hidden, [
            RowUpdate(self.parameter, output_words.ravel(), grad_output,
                      np.repeat(pairs, self.noise.negative + 1))])

    def _rank_one(self, rows, output_words, output_vectors, offsets):
        """The output rows' gradient is ``dJ/dx_bj`` times the window's hidden row, an
        outer product: applied as a rank-one sparse update (``weights`` = ``dJ/dx``), which
        measured faster than building the (windows x outputs x d) gradient and scattering
        it."""
        n_windows, n_outputs = output_words.shape
        loss, logit_grads = self.kernels[Form.ONE_ROW](
            rows[:, None, :], output_vectors, np.ones((n_windows, 1), dtype=bool),
            output_offsets=offsets)
        logit_grads = logit_grads[:, :, 0]
        grad_rows = np.matmul(logit_grads[:, None, :], output_vectors)[:, 0]
        return LayerOutput(loss, grad_rows, [
            RowUpdate(self.parameter, output_words.ravel(), rows,
                      groups=np.arange(0, n_windows * n_outputs + 1, n_outputs),
                      weights=logit_grads.ravel())])


class GroupedWindowNoise(NoiseSharing):
    """One hidden row per window; runs of ``group_windows`` consecutive windows share
    ``group_draws`` noise words, each weighted ``K / group_draws`` so that the noise sum
    still estimates ``K E_q[log s(-u.h)]``. Draws of shape ``(n_groups, group_draws)``.

    Parameters
    ----------
    noise : NoiseWords
    parameter : str
    group_windows, group_draws : int
    """

    kernels: ClassVar[dict] = {Form.ONE_ROW: group_noise_loss_and_grads}

    def __init__(self, noise, parameter, group_windows, group_draws):
        super().__init__(noise, parameter)
        self.group_windows = int(group_windows)
        self.group_draws = int(group_draws)

    @property
    def noise_weight(self):
        return self.noise.negative / self.group_draws

    def draw(self, random, n_predictions):
        n_groups = -(-n_predictions // self.group_windows)
        return self.noise.draw(random, (n_groups, self.group_draws))

    def forward(self, predictions, matrix, random):
        hidden, targets = predictions.hidden, predictions.targets
        n_windows, d = hidden.shape
        size = self.group_windows
        n_groups = -(-n_windows // size)
        n_padded = n_groups * size
        rows = hidden
        target_vectors = np.take(matrix, targets, axis=0)
        mask = None
        if n_padded != n_windows:  # the last group is short: pad it, masked
            padding = np.zeros((n_padded - n_windows, d), dtype=rows.dtype)
            rows = np.concatenate([rows, padding])
            target_vectors = np.concatenate([target_vectors, padding])
            mask = (np.arange(n_padded) < n_windows).reshape(n_groups, size)
        noise_words = self.draw(random, n_windows)
        target_offsets = self._padded(self.noise.offsets(targets), n_padded, rows.dtype)
        loss, grad_hidden, target_grads, grad_noise = self.kernels[Form.ONE_ROW](
            rows.reshape(n_groups, size, d), target_vectors.reshape(n_groups, size, d),
            np.take(matrix, noise_words, axis=0), mask=mask, noise_weight=self.noise_weight,
            target_offsets=target_offsets, noise_offsets=self.noise.offsets(noise_words))
        return LayerOutput(loss, grad_hidden.reshape(n_padded, d)[:n_windows], [
            self._update(hidden, targets, noise_words, target_grads, grad_noise)])

    def _padded(self, offsets, n_padded, dtype):
        """Per-window offsets as the kernel's ``(n_groups, group_windows)``, zero in the
        padding; a scalar offset (negative sampling) as it is."""
        if np.ndim(offsets) == 0:
            return offsets
        padded = np.zeros(n_padded, dtype=dtype)
        padded[:len(offsets)] = offsets
        return padded.reshape(-1, self.group_windows)

    def _update(self, rows, targets, noise_words, target_grads, grad_noise):
        """One update of the matrix, so that the cap counts a row's target and noise terms
        together: the targets' rows are ``g_b`` times the window's hidden row (their
        ``weights``), a noise row of a group sums its windows' weighted terms."""
        n_windows, d = rows.shape
        n_groups, draws = noise_words.shape
        weight = self.noise_weight
        group_counts = np.full(n_groups, self.group_windows * weight, dtype=rows.dtype)
        group_counts[-1] = (n_windows - (n_groups - 1) * self.group_windows) * weight
        n_noise = n_groups * draws
        return RowUpdate(
            self.parameter, np.concatenate([targets, noise_words.ravel()]),
            np.concatenate([rows, grad_noise.reshape(n_noise, d)]),
            np.concatenate([np.ones(n_windows, dtype=rows.dtype),
                            np.repeat(group_counts, draws)]),
            weights=np.concatenate([target_grads.ravel()[:n_windows],
                                    np.ones(n_noise, dtype=rows.dtype)]))


class MinibatchNoise(NoiseSharing):
    """All predictions of a minibatch against the same ``K`` noise words, draws of shape
    ``(K,)``: the noise logits are one matrix product and a minibatch gathers ``K`` noise
    rows instead of ``K`` per prediction. Each prediction still meets ``K`` draws from
    ``q``, the same for the whole minibatch. In the fan-out form predictions that share a
    hidden row share its noise terms, computed once.

    Parameters
    ----------
    noise : NoiseWords
    parameter : str
    frozen : bool
        The layer's matrix is not trained (inference of document vectors): its gradient
        is not computed and no update of it is returned.
    """

    kernels: ClassVar[dict] = {Form.ONE_ROW: shared_noise_loss_and_grads,
                               Form.FAN_OUT: shared_noise_loss_and_grads}

    def __init__(self, noise, parameter, *, frozen=False):
        super().__init__(noise, parameter)
        self.frozen = bool(frozen)

    def draw(self, random, n_predictions):
        return self.noise.draw(random, (self.noise.negative,))

    def forward(self, predictions, matrix, random):
        rows, targets, owner = predictions.hidden, predictions.targets, predictions.owner
        noise_words = self.draw(random, len(targets))
        loss, grad_rows, target_grads, grad_noise = self.kernels[predictions.form](
            rows, np.take(matrix, targets, axis=0), np.take(matrix, noise_words, axis=0),
            owner=owner, target_offsets=self.noise.offsets(targets),
            noise_offsets=self.noise.offsets(noise_words), noise_gradient=not self.frozen)
        if self.frozen:
            return LayerOutput(loss, grad_rows, [])
        n = len(targets)
        target_rows = rows if owner is None else rows[owner]
        return LayerOutput(loss, grad_rows, [
            # The targets' gradient is rank one: g_p times the prediction's hidden row.
            RowUpdate(self.parameter, targets, target_rows, groups=np.arange(n + 1),
                      weights=target_grads),
            RowUpdate(self.parameter, noise_words, grad_noise,
                      np.full(self.noise.negative, n, dtype=rows.dtype)),
        ])


def noise_sharing_schemes(noise, parameter, *, share_negatives=True, noise_groups=None,
                          minibatch_noise=False, frozen_matrix=False):
    """The scheme of each form of predictions, chosen once for a layer.

    Parameters
    ----------
    noise : NoiseWords
    parameter : str
    share_negatives : bool
        With ``noise_groups``, windows of one hidden row share noise words in groups.
    noise_groups : tuple of int or None
        ``(group_windows, group_draws)`` of the architecture (None, or one window a
        group: ``K`` draws per window).
    minibatch_noise : bool
        Predictions of one hidden row per window (both forms) share the minibatch's draws.
    frozen_matrix : bool
        With ``minibatch_noise``: the matrix is frozen (see :class:`MinibatchNoise`).

    Returns
    -------
    dict of Form to NoiseSharing
    """
    if frozen_matrix and not minibatch_noise:
        raise ValueError("frozen_matrix needs minibatch_noise: only the minibatch-shared "
                         "noise leaves the output gradient out.")
    per_window = PerWindowNoise(noise, parameter)
    if minibatch_noise:
        shared = MinibatchNoise(noise, parameter, frozen=frozen_matrix)
        return {Form.GRID: per_window, Form.FAN_OUT: shared, Form.ONE_ROW: shared}
    one_row: NoiseSharing = per_window
    if share_negatives and noise_groups is not None and int(noise_groups[0]) > 1:
        one_row = GroupedWindowNoise(noise, parameter, *noise_groups)
    return {Form.GRID: per_window, Form.FAN_OUT: PerPairNoise(noise, parameter),
            Form.ONE_ROW: one_row}
