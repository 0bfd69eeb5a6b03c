"""Output layers: what an objective means, in one object per objective.

An output layer turns hidden vectors ``h`` (rows of the input matrix, or CBOW's combination
of them, formed by an architecture, see :mod:`sklearn_w2v._model.architectures`) and the words
they predict into a loss, the loss's gradient with respect to ``h``, and the updates of the
layer's own parameter matrix. fastText's ``src/loss.h`` is the model: one interface,

* :meth:`OutputLayer.forward`: the training loss of a minibatch with its gradients (the
  sampled loss for negative sampling and NCE, the exact one for the softmax and
  hierarchical softmax);
* :meth:`OutputLayer.log_likelihood`: ``log p(o | h)`` of the distribution the layer
  defines, what ``score`` and :mod:`sklearn_w2v.theory` evaluate;

and each layer owns its parameter (name, shape, public attribute), its sampler or Huffman
tree, its ``"auto"`` rule and the offset that turns its scores into log-probabilities.
Nothing outside this module branches on the objective's name: :func:`make_layer` and
:func:`fitted_layer` are the one table from ``objective`` to layer.

The hidden vectors come as a grid ``(B, G, d)`` with a mask of the slots in use, and the
targets in one of two forms:

* *grid*: one target word per window (``owner=None``); each of the window's ``G`` hidden
  rows predicts it. word2vec.c's skip-gram (the context words predict the center word) and
  CBOW (``G = 1``, the combined context predicts the center);
* *fan-out*: one hidden row per window (``G = 1``) and any number of targets, ``owner[p]``
  the window of target ``p``: the textbook skip-gram, the center predicting each context
  word (the full softmax's normaliser is then computed once per center).

A layer says which of the two its skip-gram form takes (:attr:`OutputLayer.skipgram_input`).
"""

from dataclasses import dataclass

import numpy as np

from .huffman import huffman_tree_of, split_tree
from .noise import NoiseSampler
from .objectives import (
    dense_nodes_loss_and_grads,
    group_noise_loss_and_grads,
    hierarchical_log_likelihood,
    nce_loss_and_grads,
    negative_sampling_loss_and_grads,
    path_log_likelihood,
    path_steps_loss_and_grads,
    shared_noise_loss_and_grads,
    softmax_log_likelihood,
    softmax_loss_and_grads,
    window_binary_loss_and_grads,
    window_binary_loss_and_logit_grads,
    window_contrastive_loss_and_grads,
)
from .sparse_rows import sum_per_owner
from .steps import RowUpdate

# Hierarchical softmax with one hidden row per window (CBOW): the path steps at depth <
# TOP_DEPTH (at most 2^TOP_DEPTH - 1 nodes, on nearly every path) are computed densely, the
# deeper ones gathered (see HierarchicalSoftmax._split_paths). CBOW + HS on a 3.4M-token
# prefix: 387k words per CPU second at depth 4, 356k at 3, 351k at 5.
TOP_DEPTH = 4

# Hierarchical softmax's grid (skip-gram): a minibatch's windows sorted by their center's
# path length and cut into this many grids, each padded to its own longest path (a single
# grid used 65% of its node slots on real text). See HierarchicalSoftmax.forward.
GRID_PATH_BUCKETS = 4

# Bounds of the temporaries of one scoring block: the (centers x n_words) logits of the
# softmax, and the (pairs x path length x d) node vectors of hierarchical softmax.
_SOFTMAX_LOGITS = 8_000_000
_PATH_VALUES = 8_000_000

# Entries (centers x words x path steps) of one block of :meth:`HierarchicalSoftmax.
# log_probabilities`.
_HS_BLOCK_ENTRIES = 1 << 22


@dataclass
class LayerOutput:
    """Loss of a minibatch, its gradient with respect to the hidden grid, and the updates
    of the layer's own parameter (before the learning rate)."""

    loss: float
    grad_hidden: np.ndarray  # same shape as the hidden grid, (B, G, d)
    updates: list


class OutputLayer:
    """The interface of an output layer (see the module docstring).

    Attributes
    ----------
    objective : str
        The ``objective`` parameter value of this layer.
    parameter : str
        Key of the layer's matrix in the trainer's parameter dict (word2vec.c's syn1neg is
        ``"output"``, syn1 ``"inner"``).
    public_name : str
        The fitted attribute that holds the matrix.
    skipgram_input : {"contexts", "center"}
        Which side of a skip-gram pair is the hidden vector: the context words predicting
        the center (grid form) or the center predicting its context words (fan-out).
    has_output_word_vectors : bool
        The matrix has one row per word (usable as ``word_vectors="input+output"``).
    uses_noise_words : bool
        Training draws ``negative`` noise words per prediction (so needs ``negative >= 1``).
    groups_by_hidden : bool
        Architectures whose predictions repeat hidden rows (a document's words) should
        pass each distinct row once in the fan-out form: the layer then computes what
        depends only on the row once.
    auto_batch_size : int or None
        ``batch_size="auto"`` of this layer, None for the architecture's own.
    """

    objective: "str | None" = None
    parameter = "output"
    public_name = "context_vectors_"
    skipgram_input = "contexts"
    has_output_word_vectors = True
    uses_noise_words = False
    groups_by_hidden = False
    auto_batch_size: "int | None" = None

    def n_rows(self, n_words):
        """Rows of the layer's matrix for a vocabulary of ``n_words``."""
        return n_words

    def fitted_state(self, matrix):
        """The fitted attributes of a trained ``matrix`` (and the layer's own tables)."""
        return {self.public_name: matrix}

    def forward(self, hidden, hidden_mask, targets, owner, matrix, random):
        """Training loss and gradients of one minibatch.

        Parameters
        ----------
        hidden : ndarray of shape (B, G, d)
        hidden_mask : ndarray of bool, shape (B, G), or None
            Which slots of the grid are in use. None: ``G = 1`` and every window has its
            hidden row (CBOW's combined context, the center of the fan-out form).
        targets : ndarray of int, shape (P,)
            Words to predict: one per window (``owner=None``, then ``P = B``) or ``P``
            targets of the windows ``owner`` (then ``G = 1``).
        owner : ndarray of int, shape (P,), or None
        matrix : ndarray
            The layer's parameter matrix (read only).
        random : BlockRandom
            The block's random source (noise words).

        Returns
        -------
        LayerOutput
        """
        raise NotImplementedError

    def log_likelihood(self, hidden, targets, owner, matrix):
        """``log p(targets[p] | hidden[owner[p]])`` under the layer's distribution.

        Parameters
        ----------
        hidden : ndarray of shape (n, d)
        targets, owner : ndarray of int, shape (P,)
        matrix : ndarray

        Returns
        -------
        ndarray of float64, shape (P,)
        """
        raise NotImplementedError

    def scored(self, targets):
        """Which targets have a probability under the layer (a bool mask, or None for
        all)."""
        return None

    def score_block_windows(self, n_words, d, window):
        """Windows per block of ``score``: bounds its temporaries."""
        return max(1, _SOFTMAX_LOGITS // n_words)

    def log_probabilities(self, inputs, matrix):
        """``log p(o | inputs[c])`` for every row c and every word o.

        Returns
        -------
        ndarray of float64, shape (len(inputs), n_words)
        """
        raise NotImplementedError

    def pairwise_optimum(self, log_p):
        """The optimum of ``u_o . v_c`` pair by pair, given ``log p(o|c)`` (see
        :mod:`sklearn_w2v.theory`)."""
        raise ValueError(
            f"objective={self.objective!r} has no pairwise score optimum: its scores are "
            f"not one number per (center, context) pair; compare model_log_probabilities "
            f"with the corpus's log p(o|c) instead.")



NO_OUTPUT_WORD_VECTORS = (
    "word_vectors='input+output' needs output word vectors, which hierarchical softmax does "
    "not have (its output vectors belong to the inner nodes of the Huffman tree). Use "
    "word_vectors='input'.")


class _WordSoftmaxFamily(OutputLayer):
    """Layers whose distribution is the full softmax over output word vectors, with a
    per-word logit offset.

    ``noise_distribution`` is the unigram^ns_exponent distribution of the training counts:
    a word with ``q(w) = 0`` (a pretrained word that the training documents lack) never
    trained its output vector, which is still word2vec.c's zero start, so it is left out
    of the distribution (offset ``-inf``) and predictions of it are not scored.
    """

    def __init__(self, noise_distribution):
        self.noise_distribution = np.asarray(noise_distribution, dtype=np.float64)

    def logit_offset(self):
        """Added to the logits ``u_w . h`` to give the model's log-probabilities (up to the
        normalisation), or None."""
        q = self.noise_distribution
        if (q > 0).all():
            return None
        return np.where(q > 0, 0.0, -np.inf)

    def scored(self, targets):
        offset = self.logit_offset()
        return None if offset is None else np.isfinite(offset[targets])

    def log_likelihood(self, hidden, targets, owner, matrix):
        return softmax_log_likelihood(hidden, matrix, targets, owner,
                                      logit_offset=self.logit_offset())

    def log_probabilities(self, inputs, matrix):
        S = np.asarray(inputs, dtype=np.float64) @ np.asarray(matrix, dtype=np.float64).T
        offset = self.logit_offset()
        if offset is not None:
            S = S + offset[None, :]
        S -= S.max(axis=1, keepdims=True)
        return S - np.log(np.exp(S).sum(axis=1, keepdims=True))


class Softmax(_WordSoftmaxFamily):
    """The exact full softmax: ``p(o | h) = exp(u_o . h) / sum_w exp(u_w . h)``.

    Training computes the normaliser exactly, a (B, n_words) product per minibatch, so the
    skip-gram form is the center predicting its context words (one normaliser per center).
    """

    objective = "softmax"
    skipgram_input = "center"
    # The output gradient is dense and sums the updates of every center of the minibatch
    # into every output row; at 256 centers it diverged at learning_rate 0.025 (5,000
    # words, d=100), at 32 it trains stably.
    auto_batch_size = 32

    def forward(self, hidden, hidden_mask, targets, owner, matrix, random):
        rows = _one_hidden_row(hidden, self)
        if owner is None:
            owner = np.arange(len(rows))
        loss, grad_rows, grad_outputs = softmax_loss_and_grads(rows, matrix, targets, owner)
        # Dense: every word is in every center's normaliser.
        return LayerOutput(loss, grad_rows[:, None, :],
                           [RowUpdate(self.parameter, None, grad_outputs)])

    def pairwise_optimum(self, log_p):
        # Defined up to a constant per center (row).
        return log_p


class NoiseContrastive(_WordSoftmaxFamily):
    """Binary logistic regression of data against ``negative`` noise words from ``q``.

    Negative sampling (``nce=False``) minimises ``-log s(u_o.h) - sum_k log s(-u_k.h)``;
    NCE (``nce=True``) subtracts ``log(K q(w))`` from every logit first, which makes its
    optimum the self-normalised ``u_o.h = log p(o|h)``. The optimum of negative sampling
    is ``u_o.h = log p(o|h) - log(K q(o))``, so its model of p is the softmax of
    ``u_w.h + log q(w)`` (the ``log K`` cancels): that is :meth:`logit_offset`.

    With ``share_negatives`` (word2vec.c's orientation) a skip-gram window draws ``K``
    noise words that all its pairs use, the context words being the inputs; otherwise
    each (center, context) pair draws its own, the center being the input (about half as
    fast for the same quality). Where a window has one hidden row (CBOW), ``noise_groups``
    with ``share_negatives`` makes groups of ``group_windows`` consecutive windows share
    ``group_draws`` noise words, each term weighted ``K / group_draws`` so that the noise
    sum still estimates ``K E_q[log s(-u.h)]`` (see ``Cbow.noise_groups``); otherwise each
    window draws ``K`` of its own, as word2vec.c.

    With ``minibatch_noise`` the predictions of a minibatch that have one hidden row each
    (CBOW, paragraph vectors) all share one draw of ``K`` noise words, so the noise logits
    are one matrix product and a minibatch gathers ``K`` noise rows instead of ``K`` per
    prediction (Ji et al. 2016); each prediction still meets ``K`` draws from ``q``, but
    they are the same for the whole minibatch. Inference of document vectors uses it: the
    output layer is frozen there (``frozen_matrix``: its gradient is not even computed),
    and the gathers were most of its time.

    ``noise_groups`` is ``(group_windows, group_draws)``, used with ``share_negatives``;
    None: ``(1, negative)``.
    """

    uses_noise_words = True

    def __init__(self, noise_distribution, negative, *, nce=False, share_negatives=True,
                 sampler=None, minibatch_noise=False, noise_groups=None):
        super().__init__(noise_distribution)
        self.negative = int(negative)
        if noise_groups is None or not share_negatives:
            noise_groups = (1, self.negative)
        self.group_windows, self.group_draws = (int(n) for n in noise_groups)
        self.nce = bool(nce)
        self.share_negatives = bool(share_negatives)
        self.minibatch_noise = bool(minibatch_noise)
        self.frozen_matrix = False
        self._sampler = sampler

    @property
    def sampler(self):
        """The :class:`~sklearn_w2v._model.noise.NoiseSampler` of ``q``, built when first needed
        (a fitted model's layer only scores, and scoring draws no noise)."""
        if self._sampler is None:
            self._sampler = NoiseSampler(self.noise_distribution)
        return self._sampler

    @property
    def objective(self):
        return "nce" if self.nce else "negative"

    @property
    def skipgram_input(self):
        return "contexts" if self.share_negatives else "center"

    def logit_offset(self):
        if not self.nce:
            with np.errstate(divide="ignore"):
                return np.log(self.noise_distribution)
        return super().logit_offset()

    @property
    def groups_by_hidden(self):
        # With noise shared by the minibatch, predictions from one hidden row share its
        # noise terms: the fan-out form computes them once per row.
        return self.minibatch_noise

    def forward(self, hidden, hidden_mask, targets, owner, matrix, random):
        if self.minibatch_noise and hidden_mask is None:
            return self._minibatch_noise(hidden, targets, owner, matrix, random)
        if owner is not None:
            return self._per_pair(hidden, targets, owner, matrix, random)
        if hidden_mask is None and self.group_windows > 1:
            return self._group_noise(hidden, targets, matrix, random)
        n_windows = len(targets)
        output_words = np.empty((n_windows, self.negative + 1), dtype=np.int32)
        output_words[:, 0] = targets
        output_words[:, 1:] = random.noise(self.sampler, (n_windows, self.negative))
        offsets = 0.0
        if self.nce:
            offsets = np.log(self.negative) + self.sampler.log_probabilities[output_words]
        # np.take: measured 15% faster than fancy indexing for these row gathers.
        output_vectors = np.take(matrix, output_words, axis=0)
        if hidden_mask is None:  # one hidden row per window: a rank-one update
            return _rank_one_binary(self.parameter, hidden, output_words, output_vectors,
                                    offsets=offsets)
        loss, grad_hidden, grad_output = window_contrastive_loss_and_grads(
            hidden, output_vectors, hidden_mask, output_offsets=offsets)
        pairs = hidden_mask.sum(axis=1, dtype=hidden.dtype)
        # A window's output rows carry the terms of all its pairs.
        return LayerOutput(loss, grad_hidden, [
            RowUpdate(self.parameter, output_words.ravel(), grad_output,
                      np.repeat(pairs, self.negative + 1))])

    def _group_noise(self, hidden, targets, matrix, random):
        """One hidden row per window; ``group_windows`` consecutive windows share
        ``group_draws`` noise words, each weighted ``negative / group_draws``."""
        n_windows, _, d = hidden.shape
        size, draws = self.group_windows, self.group_draws
        n_groups = -(-n_windows // size)
        n_padded = n_groups * size
        rows = hidden[:, 0]
        target_vectors = np.take(matrix, targets, axis=0)
        mask = None
        if n_padded != n_windows:  # the last group is short: pad it, masked
            padding = np.zeros((n_padded - n_windows, d), dtype=rows.dtype)
            rows = np.concatenate([rows, padding])
            target_vectors = np.concatenate([target_vectors, padding])
            mask = (np.arange(n_padded) < n_windows).reshape(n_groups, size)
        noise_words = random.noise(self.sampler, (n_groups, draws))
        target_offsets = noise_offsets = 0.0
        if self.nce:
            log_kq = np.log(self.negative) + self.sampler.log_probabilities
            target_offsets = np.zeros(n_padded, dtype=rows.dtype)
            target_offsets[:n_windows] = log_kq[targets]
            target_offsets = target_offsets.reshape(n_groups, size)
            noise_offsets = log_kq[noise_words]
        weight = self.negative / draws
        loss, grad_hidden, target_grads, grad_noise = group_noise_loss_and_grads(
            rows.reshape(n_groups, size, d), target_vectors.reshape(n_groups, size, d),
            np.take(matrix, noise_words, axis=0), mask=mask, noise_weight=weight,
            target_offsets=target_offsets, noise_offsets=noise_offsets)
        # One update of the matrix, so that the cap counts a row's target and noise terms
        # together: the targets' rows are g_b times the window's hidden row (their
        # ``weights``), a noise row of a group sums its windows' weighted terms.
        group_counts = np.full(n_groups, size * weight, dtype=rows.dtype)
        group_counts[-1] = (n_windows - (n_groups - 1) * size) * weight
        n_noise = n_groups * draws
        return LayerOutput(loss, grad_hidden.reshape(n_padded, 1, d)[:n_windows], [
            RowUpdate(self.parameter, np.concatenate([targets, noise_words.ravel()]),
                      np.concatenate([hidden[:, 0], grad_noise.reshape(n_noise, d)]),
                      np.concatenate([np.ones(n_windows, dtype=rows.dtype),
                                      np.repeat(group_counts, draws)]),
                      weights=np.concatenate([target_grads.ravel()[:n_windows],
                                              np.ones(n_noise, dtype=rows.dtype)])),
        ])

    def _minibatch_noise(self, hidden, targets, owner, matrix, random):
        """One hidden row per window (``owner``: the window of each target, grouped),
        ``K`` noise words for the whole minibatch."""
        noise_words = random.noise(self.sampler, (self.negative,))
        target_offsets = noise_offsets = 0.0
        if self.nce:
            log_kq = np.log(self.negative) + self.sampler.log_probabilities
            target_offsets, noise_offsets = log_kq[targets], log_kq[noise_words]
        rows = hidden[:, 0]
        loss, grad_rows, target_grads, grad_noise = shared_noise_loss_and_grads(
            rows, np.take(matrix, targets, axis=0), np.take(matrix, noise_words, axis=0),
            owner=owner, target_offsets=target_offsets, noise_offsets=noise_offsets,
            noise_gradient=not self.frozen_matrix)
        if self.frozen_matrix:
            return LayerOutput(loss, grad_rows[:, None, :], [])
        n = len(targets)
        target_rows = rows if owner is None else rows[owner]
        return LayerOutput(loss, grad_rows[:, None, :], [
            # The targets' gradient is rank one: g_p times the prediction's hidden row.
            RowUpdate(self.parameter, targets, target_rows, groups=np.arange(n + 1),
                      weights=target_grads),
            RowUpdate(self.parameter, noise_words, grad_noise,
                      np.full(self.negative, n, dtype=rows.dtype)),
        ])

    def _per_pair(self, hidden, contexts, owner, matrix, random):
        """The textbook form: each (hidden row, target) pair against noise of its own."""
        rows = _one_hidden_row(hidden, self)
        noise_words = random.noise(self.sampler, (len(contexts), self.negative))
        center_rows = rows[owner]
        if self.nce:
            log_kq = np.log(self.negative) + self.sampler.log_probabilities
            loss, grad_center, grad_context, grad_noise = nce_loss_and_grads(
                center_rows, matrix[contexts], matrix[noise_words],
                log_kq[contexts], log_kq[noise_words])
        else:
            loss, grad_center, grad_context, grad_noise = negative_sampling_loss_and_grads(
                center_rows, matrix[contexts], matrix[noise_words])
        grad_rows = sum_per_owner(grad_center, owner, len(rows))
        # One update, so that the cap counts a row's context and noise terms together.
        return LayerOutput(loss, grad_rows[:, None, :], [
            RowUpdate(self.parameter, np.concatenate([contexts, noise_words.ravel()]),
                      np.concatenate([grad_context,
                                      grad_noise.reshape(-1, matrix.shape[1])]))])

    def pairwise_optimum(self, log_p):
        if self.nce:
            return log_p
        with np.errstate(divide="ignore"):
            return log_p - np.log(self.negative * self.noise_distribution)[None, :]


class HierarchicalSoftmax(OutputLayer):
    """word2vec.c's hierarchical softmax: ``-log p(o | h) = sum_k softplus(t_k u_{n_k}.h)``
    over the inner nodes ``n_k`` of ``o``'s path in the Huffman tree of the counts, signs
    ``t_k = 2 c_k - 1`` from its code bits. A normalised distribution by construction, so
    ``score`` is exact at O(log n_words) per word.

    The layer's matrix is the ``n_words - 1`` inner-node vectors (``node_vectors_``).
    """

    objective = "hierarchical"
    parameter = "inner"
    public_name = "node_vectors_"
    has_output_word_vectors = False

    def __init__(self, tree, top_depth=None):
        self.tree = tree
        self.top_depth = TOP_DEPTH if top_depth is None else int(top_depth)
        self._split = None

    @property
    def split(self):
        """The tree's :class:`~sklearn_w2v._model.huffman.TreeSplit` at ``top_depth``, made when
        first needed (scoring does not use it)."""
        if self._split is None:
            self._split = split_tree(self.tree, self.top_depth)
        return self._split

    def n_rows(self, n_words):
        return n_words - 1

    def fitted_state(self, matrix):
        return {self.public_name: matrix, "huffman_tree_": self.tree}

    def forward(self, hidden, hidden_mask, targets, owner, matrix, random):
        if owner is not None:
            raise ValueError("hierarchical softmax predicts one target per window "
                             "(owner=None).")
        if hidden_mask is None:
            return self._split_paths(hidden, targets, matrix)
        # The grid (skip-gram): a window's node rows are gathered once for all its context
        # rows, so the dense top steps measured slower here (0.93x at depth 4). Ordering
        # the block's windows by their center's path length (padding little) trained a
        # 3.4M-token prefix 1.29x as fast, but minibatches of a few frequent centers hit
        # the per-row cap: on tests/test_theory.py's corpus the score fell from the optimum
        # (-2.028) to -2.065 and CBOW lost 0.7 point of analogies. Instead the minibatch's
        # own windows are sorted by path length and cut into GRID_PATH_BUCKETS grids, each
        # padded to its own longest path: the same minibatch, one update.
        lengths = self.tree.lengths[targets]
        order = np.argsort(lengths, kind="stable")
        buckets = np.array_split(order, min(GRID_PATH_BUCKETS, len(order)))
        loss = 0.0
        grad_hidden = np.empty_like(hidden)
        rows, gradients, counts = [], [], []
        for windows in buckets:
            words = targets[windows]
            points, signs, path_mask = _paths_of(self.tree, words)
            mask = hidden_mask[windows]
            part_loss, grad_hidden[windows], grad_nodes = window_binary_loss_and_grads(
                hidden[windows], np.take(matrix, points, axis=0), mask,
                output_signs=signs, output_mask=path_mask)
            loss += part_loss
            pairs = mask.sum(axis=1, dtype=hidden.dtype)
            rows.append(points.ravel())
            gradients.append(grad_nodes.reshape(-1, hidden.shape[2]))
            counts.append((pairs[:, None] * path_mask).ravel())
        # One update, so that the per-row cap counts a node's terms over all buckets.
        return LayerOutput(loss, grad_hidden, [
            RowUpdate(self.parameter, np.concatenate(rows), np.concatenate(gradients),
                      np.concatenate(counts))])

    def _split_paths(self, hidden, targets, matrix):
        """One hidden row per window (CBOW): the steps through the nodes near the root
        (on nearly every path) as one dense product, the deeper steps back to back (no
        padding to the longest path) with a rank-one update of their nodes."""
        split = self.split
        rows = hidden[:, 0]
        signs = split.top_signs[targets]
        loss, grad_rows, grad_top = dense_nodes_loss_and_grads(
            rows, np.take(matrix, split.top_nodes, axis=0), signs)
        points, path_signs, pointers = split.deep_steps(targets)
        deep_loss, deep_grad, coefficients = path_steps_loss_and_grads(
            rows, np.take(matrix, points, axis=0), path_signs, pointers)
        grad_rows += deep_grad
        return LayerOutput(loss + deep_loss, grad_rows[:, None, :], [
            RowUpdate(self.parameter, split.top_nodes, grad_top, np.abs(signs).sum(axis=0)),
            RowUpdate(self.parameter, points, rows, groups=pointers, weights=coefficients),
        ])

    def log_likelihood(self, hidden, targets, owner, matrix):
        return hierarchical_log_likelihood(hidden[owner], matrix, self.tree, targets)

    def score_block_windows(self, n_words, d, window):
        return max(1, _PATH_VALUES // (self.tree.points.shape[1] * d * 2 * window))

    def log_probabilities(self, inputs, matrix):
        """All pairs, a block of words at a time: every pair's logits are entries of the one
        (n, n_nodes) product ``inputs @ nodes.T``; gathering each pair's path rows instead
        would take n^2 x path length x d floats (21 GiB for 2,000 words at d=50)."""
        tree = self.tree
        logits = np.asarray(inputs, dtype=np.float64) @ np.asarray(matrix, np.float64).T
        n_words = len(tree.lengths)
        out = np.empty((len(logits), n_words))
        block = max(1, _HS_BLOCK_ENTRIES // (len(logits) * int(tree.lengths.max(initial=1))))
        for first in range(0, n_words, block):
            words = slice(first, first + block)
            length = max(int(tree.lengths[words].max()), 1)
            out[:, words] = path_log_likelihood(logits[:, tree.points[words, :length]],
                                                tree.signs[words, :length],
                                                tree.mask[words, :length])
        return out


def _one_hidden_row(hidden, layer):
    if hidden.shape[1] != 1:
        raise ValueError(f"{type(layer).__name__} takes one hidden row per window in this "
                         f"form, got a grid of {hidden.shape[1]}.")
    return hidden[:, 0]


def _rank_one_binary(parameter, hidden, output_rows, output_vectors, *, offsets=0.0):
    """Negative sampling / NCE outputs of one hidden row per window with ``K`` noise words
    per window (CBOW without noise groups).

    The output rows' gradient is ``dJ/dx_bj`` times the window's hidden vector ``h_b``, an
    outer product: it is applied as a rank-one sparse update (``weights`` = ``dJ/dx``), which
    measured faster than building the (windows x outputs x d) gradient and scattering it.
    """
    n_windows, n_outputs = output_rows.shape
    loss, logit_grads = window_binary_loss_and_logit_grads(
        hidden, output_vectors, np.ones((n_windows, 1), dtype=bool),
        output_offsets=offsets)
    logit_grads = logit_grads[:, :, 0]
    grad_hidden = np.matmul(logit_grads[:, None, :], output_vectors)
    return LayerOutput(loss, grad_hidden, [
        RowUpdate(parameter, output_rows.ravel(), hidden[:, 0],
                  groups=np.arange(0, n_windows * n_outputs + 1, n_outputs),
                  weights=logit_grads.ravel())])


def _paths_of(tree, words):
    """Points, signs and mask of the paths of ``words``, cut to the longest among them."""
    length = int(tree.lengths[words].max(initial=0))
    return (tree.points[words, :length], tree.signs[words, :length],
            tree.mask[words, :length])


# objective -> layer class: the one table of what an objective is.
LAYERS = {"softmax": Softmax, "negative": NoiseContrastive, "nce": NoiseContrastive,
          "hierarchical": HierarchicalSoftmax}


def layer_class(objective):
    """The layer class of ``objective``; ValueError naming the choices otherwise."""
    try:
        return LAYERS[objective]
    except KeyError:
        raise ValueError(f"objective={objective!r} is not one of "
                         f"{sorted(LAYERS)}.") from None


def check_layer_parameters(objective, *, negative, word_vectors):
    """Raise ValueError if ``negative`` or ``word_vectors`` cannot train ``objective``."""
    cls = layer_class(objective)
    if cls.uses_noise_words and negative < 1:
        raise ValueError(
            f"negative={negative!r}: the {objective!r} objective needs at least one noise "
            f"word per pair; set negative >= 1 (5 to 20 is usual) or use "
            f"objective='softmax'.")
    if word_vectors == "input+output" and not cls.has_output_word_vectors:
        raise ValueError(NO_OUTPUT_WORD_VECTORS)


def make_layer(objective, *, counts, noise_distribution, negative=5, share_negatives=True,
               tree=None, noise_groups=None):
    """The layer that trains ``objective`` on words with training ``counts``.

    Parameters
    ----------
    objective : {"softmax", "negative", "nce", "hierarchical"}
    counts : ndarray of int, shape (n_words,)
        Training counts per row (0 for a pretrained word the documents lack).
    noise_distribution : ndarray of float, shape (n_words,)
        ``q ∝ count^ns_exponent``: the noise of ``"negative"`` and ``"nce"``, and which
        words the softmax family scores.
    negative : int
        Noise words per prediction (``"negative"``, ``"nce"``).
    share_negatives : bool
        Skip-gram NS/NCE: noise words shared by the pairs of a window.
    tree : HuffmanTree or None
        ``"hierarchical"``: the tree to keep (continued training); None builds the
        Huffman tree of ``counts``.
    noise_groups : tuple of int or None
        ``"negative"``, ``"nce"`` with ``share_negatives``: (windows per group, noise
        words per group) for architectures with one hidden row per window (the
        architecture's ``noise_groups``); None: ``negative`` per window.

    Returns
    -------
    OutputLayer
    """
    cls = layer_class(objective)
    if cls is HierarchicalSoftmax:
        return HierarchicalSoftmax(tree if tree is not None else huffman_tree_of(counts))
    layer = fitted_layer(objective, noise_distribution=noise_distribution,
                         negative=negative, share_negatives=share_negatives,
                         noise_groups=noise_groups)
    if cls.uses_noise_words:
        layer.sampler  # built here, so that worker processes share its tables
    return layer


def fitted_layer(objective, *, noise_distribution=None, tree=None, negative=5,
                 share_negatives=True, noise_groups=None):
    """The layer of a fitted model, from its fitted tables (``noise_distribution_``,
    ``huffman_tree_``)."""
    cls = layer_class(objective)
    if cls is HierarchicalSoftmax:
        return HierarchicalSoftmax(tree)
    if cls is Softmax:
        return Softmax(noise_distribution)
    return NoiseContrastive(noise_distribution, negative, nce=objective == "nce",
                            share_negatives=share_negatives, noise_groups=noise_groups)


__all__ = ["HierarchicalSoftmax", "LAYERS", "LayerOutput", "NO_OUTPUT_WORD_VECTORS",
           "NoiseContrastive", "OutputLayer", "Softmax", "check_layer_parameters",
           "fitted_layer", "layer_class", "make_layer"]
