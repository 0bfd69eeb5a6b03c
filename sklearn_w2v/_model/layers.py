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

The architecture hands a layer its predictions as a
:class:`~sklearn_w2v._model.steps.Predictions` value in one of three forms
(:class:`~sklearn_w2v._model.steps.Form`: a grid of context rows per target, one row
fanning out to many targets, or one row per target), and the layer dispatches on that form.
A layer says which form its skip-gram takes (:attr:`OutputLayer.skipgram_input`).
Negative sampling and NCE delegate each form to a noise-sharing scheme of
:mod:`sklearn_w2v._model.noise_sharing`, chosen when the layer is made.
"""

import numpy as np

from .huffman import huffman_tree_of, split_tree
from .noise import NoiseSampler
from .noise_sharing import NoiseWords, noise_sharing_schemes
from .objectives import (
    dense_nodes_loss_and_grads,
    hierarchical_log_likelihood,
    path_log_likelihood,
    path_steps_loss_and_grads,
    softmax_log_likelihood,
    softmax_loss_and_grads,
    window_binary_loss_and_grads,
)
from .steps import Form, LayerOutput, RowUpdate

# Hierarchical softmax with one hidden row per window (CBOW): the path steps at depth <
# TOP_DEPTH (at most 2^TOP_DEPTH - 1 nodes, on nearly every path) are computed densely, the
# deeper ones gathered (see HierarchicalSoftmax._split_paths). The depth measured fastest;
# see benchmarks/DESIGN.md.
TOP_DEPTH = 4

# Hierarchical softmax's grid (skip-gram): a minibatch's windows sorted by their center's
# path length and cut into this many grids, each padded to its own longest path (a single
# grid leaves many node slots empty on real text). See HierarchicalSoftmax._grid.
GRID_PATH_BUCKETS = 4

# Bounds of the temporaries of one scoring block: the (centers x n_words) logits of the
# softmax, and the (pairs x path length x d) node vectors of hierarchical softmax.
_SOFTMAX_LOGITS = 8_000_000
_PATH_VALUES = 8_000_000

# Entries (centers x words x path steps) of one block of :meth:`HierarchicalSoftmax.
# log_probabilities`.
_HS_BLOCK_ENTRIES = 1 << 22


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

    def forward(self, predictions, matrix, random):
        """Training loss and gradients of one minibatch.

        Parameters
        ----------
        predictions : Predictions
            Hidden vectors and targets in one of the forms the layer takes (ValueError
            otherwise).
        matrix : ndarray
            The layer's parameter matrix (read only).
        random : BlockRandom
            The block's random source (noise words).

        Returns
        -------
        LayerOutput
            ``grad_hidden`` has the shape of ``predictions.hidden``.
        """
        raise NotImplementedError

    def _wrong_form(self, predictions):
        return ValueError(f"{type(self).__name__} does not take predictions in the "
                          f"{predictions.form.value} form.")

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
    # into every output row: large minibatches diverged at the usual learning rate, small
    # ones train stably (see benchmarks/DESIGN.md).
    auto_batch_size = 32

    def forward(self, predictions, matrix, random):
        rows = predictions.hidden
        if predictions.form is Form.FAN_OUT:
            owner = predictions.owner
        elif predictions.form is Form.ONE_ROW:
            owner = np.arange(len(rows))
        else:
            raise self._wrong_form(predictions)
        loss, grad_rows, grad_outputs = softmax_loss_and_grads(
            rows, matrix, predictions.targets, owner)
        # Dense: every word is in every center's normaliser.
        return LayerOutput(loss, grad_rows, [RowUpdate(self.parameter, None, grad_outputs)])

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

    Which predictions share noise words is a scheme of
    :mod:`sklearn_w2v._model.noise_sharing` per form of predictions, chosen here once
    (:attr:`noise_sharing`):

    * skip-gram with ``share_negatives`` (word2vec.c's orientation) is the grid form: a
      window draws ``K`` noise words that all its pairs use, the context words being the
      inputs (:class:`~sklearn_w2v._model.noise_sharing.PerWindowNoise`); without, the
      fan-out form, each (center, context) pair draws its own, the center being the input
      (:class:`~sklearn_w2v._model.noise_sharing.PerPairNoise`, slower for the same
      quality);
    * one hidden row per window (CBOW, paragraph vectors): with ``share_negatives`` and
      ``noise_groups`` ``(group_windows, group_draws)``, groups of ``group_windows``
      consecutive windows share ``group_draws`` noise words weighted ``K / group_draws``
      (:class:`~sklearn_w2v._model.noise_sharing.GroupedWindowNoise`, see
      ``Cbow.noise_groups``); otherwise each window draws ``K`` of its own, as word2vec.c;
    * with ``minibatch_noise`` the predictions of a minibatch that have one hidden row
      each (both forms) share one draw of ``K`` noise words
      (:class:`~sklearn_w2v._model.noise_sharing.MinibatchNoise`), and
      ``frozen_matrix`` leaves the matrix's gradient out: inference of document vectors,
      where the output layer is frozen and the gathers of noise rows were most of the
      time.

    Parameters
    ----------
    noise_distribution : ndarray of float, shape (n_words,)
    negative : int
    nce : bool, default=False
    share_negatives : bool, default=True
    sampler : NoiseSampler or None
        The sampler of ``noise_distribution``. A training layer is given it built (see
        :func:`make_layer`); None builds it when noise is first drawn.
    minibatch_noise : bool, default=False
    frozen_matrix : bool, default=False
        Needs ``minibatch_noise``.
    noise_groups : tuple of int or None
        ``(group_windows, group_draws)``, used with ``share_negatives``; None:
        ``(1, negative)``.
    """

    uses_noise_words = True

    def __init__(self, noise_distribution, negative, *, nce=False, share_negatives=True,
                 sampler=None, minibatch_noise=False, frozen_matrix=False, noise_groups=None):
        super().__init__(noise_distribution)
        self.negative = int(negative)
        if noise_groups is None or not share_negatives:
            noise_groups = (1, self.negative)
        self.group_windows, self.group_draws = (int(n) for n in noise_groups)
        self.nce = bool(nce)
        self.share_negatives = bool(share_negatives)
        self.noise = NoiseWords(self.noise_distribution, self.negative, nce=self.nce,
                                sampler=sampler)
        self._choose_schemes(bool(minibatch_noise), bool(frozen_matrix))

    def _choose_schemes(self, minibatch_noise, frozen_matrix):
        self._minibatch_noise, self._frozen_matrix = minibatch_noise, frozen_matrix
        self.noise_sharing = noise_sharing_schemes(
            self.noise, self.parameter, share_negatives=self.share_negatives,
            noise_groups=(self.group_windows, self.group_draws),
            minibatch_noise=minibatch_noise, frozen_matrix=frozen_matrix)

    @property
    def minibatch_noise(self):
        """Predictions of one hidden row each share the minibatch's noise words."""
        return self._minibatch_noise

    @property
    def frozen_matrix(self):
        """The matrix's gradient is left out (inference)."""
        return self._frozen_matrix

    @property
    def sampler(self):
        """The :class:`~sklearn_w2v._model.noise.NoiseSampler` of ``q``."""
        return self.noise.sampler

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
        return self._minibatch_noise

    def forward(self, predictions, matrix, random):
        return self.noise_sharing[predictions.form].forward(predictions, matrix, random)

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

    def __init__(self, tree, top_depth=None, grid_buckets=GRID_PATH_BUCKETS):
        self.tree = tree
        self.top_depth = TOP_DEPTH if top_depth is None else int(top_depth)
        self.grid_buckets = int(grid_buckets)
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

    def forward(self, predictions, matrix, random):
        if predictions.form is Form.GRID:
            return self._grid(predictions, matrix)
        if predictions.form is Form.ONE_ROW:
            return self._split_paths(predictions.hidden, predictions.targets, matrix)
        raise ValueError("hierarchical softmax predicts one target per window (the grid "
                         "or one-row form).")

    def _grid(self, predictions, matrix):
        """The grid (skip-gram): a window's node rows are gathered once for all its
        context rows, so the dense top steps of :meth:`_split_paths` do not pay here. The
        minibatch's windows are sorted by their center's path length and cut into
        ``grid_buckets`` grids, each padded to its own longest path: the same minibatch,
        one update. (Ordering a whole block's windows by path length pads less still, but
        minibatches of a few frequent centers then hit the per-row cap and lose quality;
        see benchmarks/DESIGN.md.)"""
        hidden, mask, targets = predictions.hidden, predictions.mask, predictions.targets
        order = np.argsort(self.tree.lengths[targets], kind="stable")
        loss = 0.0
        grad_hidden = np.empty_like(hidden)
        rows, gradients, counts = [], [], []
        for windows in np.array_split(order, min(self.grid_buckets, len(order))):
            points, signs, path_mask = self.tree.paths(targets[windows])
            window_mask = mask[windows]
            part_loss, grad_hidden[windows], grad_nodes = window_binary_loss_and_grads(
                hidden[windows], np.take(matrix, points, axis=0), window_mask,
                output_signs=signs, output_mask=path_mask)
            loss += part_loss
            pairs = window_mask.sum(axis=1, dtype=hidden.dtype)
            rows.append(points.ravel())
            gradients.append(grad_nodes.reshape(-1, hidden.shape[2]))
            counts.append((pairs[:, None] * path_mask).ravel())
        # One update, so that the per-row cap counts a node's terms over all buckets.
        return LayerOutput(loss, grad_hidden, [
            RowUpdate(self.parameter, np.concatenate(rows), np.concatenate(gradients),
                      np.concatenate(counts))])

    def _split_paths(self, rows, targets, matrix):
        """One hidden row per window (CBOW): the steps through the nodes near the root
        (on nearly every path) as one dense product, the deeper steps back to back (no
        padding to the longest path) with a rank-one update of their nodes."""
        split = self.split
        signs = split.top_signs[targets]
        loss, grad_rows, grad_top = dense_nodes_loss_and_grads(
            rows, np.take(matrix, split.top_nodes, axis=0), signs)
        points, path_signs, pointers = split.deep_steps(targets)
        deep_loss, deep_grad, coefficients = path_steps_loss_and_grads(
            rows, np.take(matrix, points, axis=0), path_signs, pointers)
        grad_rows += deep_grad
        return LayerOutput(loss + deep_loss, grad_rows, [
            RowUpdate(self.parameter, split.top_nodes, grad_top, np.abs(signs).sum(axis=0)),
            RowUpdate(self.parameter, points, rows, groups=pointers, weights=coefficients),
        ])

    def log_likelihood(self, hidden, targets, owner, matrix):
        return hierarchical_log_likelihood(hidden[owner], matrix, self.tree, targets)

    def score_block_windows(self, n_words, d, window):
        return max(1, _PATH_VALUES // (self.tree.points.shape[1] * d * 2 * window))

    def log_probabilities(self, inputs, matrix, *, block_entries=_HS_BLOCK_ENTRIES):
        """All pairs, a block of words at a time: every pair's logits are entries of the one
        (n, n_nodes) product ``inputs @ nodes.T``; gathering each pair's path rows instead
        would take n^2 x path length x d floats (21 GiB for 2,000 words at d=50).

        ``block_entries`` bounds the (rows x words x path steps) entries of a block."""
        tree = self.tree
        logits = np.asarray(inputs, dtype=np.float64) @ np.asarray(matrix, np.float64).T
        n_words = len(tree.lengths)
        out = np.empty((len(logits), n_words))
        block = max(1, block_entries // (len(logits) * int(tree.lengths.max(initial=1))))
        for first in range(0, n_words, block):
            words = slice(first, first + block)
            length = max(int(tree.lengths[words].max()), 1)
            out[:, words] = path_log_likelihood(logits[:, tree.points[words, :length]],
                                                tree.signs[words, :length],
                                                tree.mask[words, :length])
        return out


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


def check_layer_parameters(objective, *, negative):
    """Raise ValueError if ``negative`` cannot train ``objective``."""
    if layer_class(objective).uses_noise_words and negative < 1:
        raise ValueError(
            f"negative={negative!r}: the {objective!r} objective needs at least one noise "
            f"word per pair; set negative >= 1 (5 to 20 is usual) or use "
            f"objective='softmax'.")


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
    if layer_class(objective) is HierarchicalSoftmax and tree is None:
        tree = huffman_tree_of(counts)
    # The sampler is built here, in the parent process, so that worker processes share
    # its tables.
    return _layer(objective, noise_distribution=noise_distribution, tree=tree,
                  negative=negative, share_negatives=share_negatives,
                  noise_groups=noise_groups, draws_noise=True, inference=False)


def fitted_layer(objective, *, noise_distribution=None, tree=None, negative=5,
                 share_negatives=True, noise_groups=None, inference=False):
    """The layer of a fitted model, from its fitted tables (``noise_distribution_``,
    ``huffman_tree_``).

    Parameters
    ----------
    objective : {"softmax", "negative", "nce", "hierarchical"}
    noise_distribution : ndarray of float or None
    tree : HuffmanTree or None
    negative : int
    share_negatives : bool
    noise_groups : tuple of int or None
        See :func:`make_layer`.
    inference : bool, default=False
        False: a layer that scores (it draws no noise, so its sampler is built only if
        it ever trains). True: the layer of inference of document vectors, its matrix
        frozen: negative sampling and NCE share the minibatch's noise words, compute no
        gradient of their matrix
        (:class:`~sklearn_w2v._model.noise_sharing.MinibatchNoise`) and build their
        sampler now, before worker processes start; the softmax and hierarchical softmax
        are the layers that training uses.

    Returns
    -------
    OutputLayer
    """
    return _layer(objective, noise_distribution=noise_distribution, tree=tree,
                  negative=negative, share_negatives=share_negatives,
                  noise_groups=noise_groups, draws_noise=inference, inference=inference)


def _layer(objective, *, noise_distribution, tree, negative, share_negatives, noise_groups,
           draws_noise, inference):
    """The one table from ``objective`` to a complete layer."""
    cls = layer_class(objective)
    if cls is HierarchicalSoftmax:
        return HierarchicalSoftmax(tree)
    if cls is Softmax:
        return Softmax(noise_distribution)
    return NoiseContrastive(
        noise_distribution, negative, nce=objective == "nce",
        share_negatives=share_negatives, noise_groups=noise_groups,
        sampler=NoiseSampler(noise_distribution) if draws_noise else None,
        minibatch_noise=inference, frozen_matrix=inference)


__all__ = ["HierarchicalSoftmax", "LAYERS", "LayerOutput", "NO_OUTPUT_WORD_VECTORS",
           "NoiseContrastive", "OutputLayer", "Softmax", "check_layer_parameters",
           "fitted_layer", "layer_class", "make_layer"]
