"""Steps: one minibatch in, its loss and a list of parameter updates out.

A step gathers the parameter rows a minibatch touches, calls a pure objective from
:mod:`sklearn_w2v._objectives`, and says which rows of which parameter matrix each gradient
belongs to. It never writes a parameter: the trainer scales every :class:`RowUpdate` by the
learning rate and applies it, so a new output layer with its own parameter matrix (such as
hierarchical softmax's inner-node vectors) is one more entry in the list, not a special case
in the trainer.

The parameters are named as in word2vec.c and fastText, by their role in the network:

* ``"input"``: input vectors (word2vec.c's syn0, fastText's wi), the public ``vectors_``;
* ``"output"``: output vectors (syn1neg, wo), the public ``context_vectors_``;
* ``"inner"``: hierarchical softmax's inner-node vectors (syn1), the public
  ``node_vectors_``.

Skip-gram steps train each window in word2vec.c's orientation where it matters for speed
(the context words are inputs predicting the center word's output: its vector, noise words,
or its path in the Huffman tree); CBOW steps combine a window's context words into one
hidden vector that predicts the center word.

:func:`make_step` is the one table from (architecture, objective) to step.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from ._objectives import (
    nce_loss_and_grads,
    negative_sampling_loss_and_grads,
    softmax_loss_and_grads,
    window_binary_loss_and_grads,
    window_binary_loss_and_logit_grads,
    window_contrastive_loss_and_grads,
)
from ._segments import sum_per_owner, weighted_row_sums


@dataclass
class RowUpdate:
    """The gradient of the loss with respect to some rows of one parameter matrix.

    Attributes
    ----------
    parameter : str
        Name of the parameter matrix (``"input"``, ``"output"``).
    rows : ndarray of int or None
        Row of the matrix of each gradient row; may repeat. None: ``gradients`` is dense,
        one row per matrix row.
    gradients : ndarray of shape (len(rows), ..., d)
        Leading axes are flattened to match ``rows``.
    counts : ndarray of shape (len(rows),) or None
        Number of single (pair) updates summed in each gradient row, for the trainer's cap
        on the summed update of a row; 0 marks padding that carries no update. None: one
        each.
    groups : ndarray of int, shape (n_groups + 1,) or None
        If given, ``gradients`` has one row per group and every row in
        ``rows[groups[g]:groups[g + 1]]`` receives ``gradients[g]`` (CBOW: each context
        word of a window receives the window's update).
    weights : ndarray of shape (len(rows),) or None
        A factor per entry of ``rows`` (None: 1). With ``groups``, an update of rank one:
        CBOW's output rows receive ``dJ/dx`` times the window's hidden vector, without a
        (windows x outputs x d) array ever being built.
    """

    parameter: str
    rows: object
    gradients: np.ndarray
    counts: object = None
    groups: object = None
    weights: object = None


class BlockRandom:
    """The random source of one block: its generator, and noise words drawn in bulk.

    Steps draw noise words with :meth:`noise`, which serves them from draws made
    ``_NOISE_CHUNK`` at a time: one sweep over the sampler's tables per chunk instead of
    one per minibatch, measured 2-3x cheaper per draw inside the training loop, where
    the parameter rows evict the tables from the cache between minibatches. The words a
    step receives depend only on the generator's seed and the sequence of requests.

    Parameters
    ----------
    generator : numpy.random.Generator
    """

    _NOISE_CHUNK = 1 << 16

    def __init__(self, generator):
        self.generator = generator
        self._noise = {}

    def noise(self, sampler, shape):
        """``prod(shape)`` word ids drawn from ``sampler``, as an int32 array of ``shape``."""
        n = int(np.prod(shape))
        buffer, used = self._noise.get(id(sampler), (None, 0))
        if buffer is None or used + n > len(buffer):
            fresh = sampler.sample(self.generator, max(n, self._NOISE_CHUNK))
            buffer = fresh if buffer is None else np.concatenate([buffer[used:], fresh])
            used = 0
        self._noise[id(sampler)] = (buffer, used + n)
        return buffer[used:used + n].reshape(shape)


@dataclass
class StepResult:
    """Loss of one minibatch and the updates that descend it (before the learning rate).

    ``loss`` sums the loss of ``n_predictions`` predictions: one per (center, context) pair
    for skip-gram, one per center word for CBOW (None: ``n_pairs``).
    """

    loss: float
    n_pairs: int
    updates: list
    n_predictions: object = None

    @property
    def loss_per_prediction(self):
        return self.loss / (self.n_pairs if self.n_predictions is None
                            else self.n_predictions)


class SoftmaxStep:
    """Skip-gram with the exact full softmax: each center predicts its context words."""

    def __call__(self, parameters, batch, random):
        inputs, outputs = parameters["input"], parameters["output"]
        loss, grad_centers, grad_outputs = softmax_loss_and_grads(
            inputs[batch.centers], outputs, batch.contexts, batch.owner)
        return StepResult(loss, batch.n_pairs, [
            RowUpdate("input", batch.centers, grad_centers, _pairs_per_window(batch)),
            # Dense: every word is in every center's normaliser.
            RowUpdate("output", None, grad_outputs),
        ])


@dataclass
class PairNoiseStep:
    """NS (``nce=False``) or NCE (``nce=True``) with ``negative`` noise words per pair.

    Each center predicts each of its context words against noise words of its own, the
    textbook form (``share_negatives=False``); about half as fast as
    :class:`WindowNoiseStep` for the same quality.
    """

    sampler: object
    negative: int
    nce: bool = False

    def __call__(self, parameters, batch, random):
        inputs, outputs = parameters["input"], parameters["output"]
        noise_words = random.noise(self.sampler, (batch.n_pairs, self.negative))
        contexts, owner = batch.contexts, batch.owner
        center_rows = inputs[batch.centers][owner]
        if self.nce:
            log_kq = np.log(self.negative) + self.sampler.log_probabilities
            loss, grad_center, grad_context, grad_noise = nce_loss_and_grads(
                center_rows, outputs[contexts], outputs[noise_words],
                log_kq[contexts], log_kq[noise_words])
        else:
            loss, grad_center, grad_context, grad_noise = negative_sampling_loss_and_grads(
                center_rows, outputs[contexts], outputs[noise_words])
        return StepResult(loss, batch.n_pairs, [
            RowUpdate("input", batch.centers,
                      sum_per_owner(grad_center, owner, len(batch.centers)),
                      _pairs_per_window(batch)),
            # One update, so that the cap counts a row's context and noise terms together.
            RowUpdate("output", np.concatenate([contexts, noise_words.ravel()]),
                      np.concatenate([grad_context,
                                      grad_noise.reshape(-1, outputs.shape[1])])),
        ])


@dataclass
class WindowNoiseStep:
    """NS or NCE in word2vec.c's orientation, noise shared by the pairs of a window.

    Each context word of a window is an input (row of ``"input"``, ``v``) that predicts the
    window's center word (row of ``"output"``, ``u``), and the window draws ``negative``
    noise words that all its pairs use; see
    :func:`~sklearn_w2v._objectives.window_contrastive_loss_and_grads`. The noise rows
    gathered and updated are ``K`` per window instead of ``K`` per pair
    (:class:`PairNoiseStep`), while every input occurrence still meets its own noise draws.
    """

    sampler: object
    negative: int
    nce: bool = False

    def __call__(self, parameters, batch, random):
        inputs, outputs = parameters["input"], parameters["output"]
        output_words, offsets = _center_and_noise_words(self, batch, random)
        # np.take: measured 15% faster than fancy indexing for these row gathers.
        loss, grad_input, grad_output = window_contrastive_loss_and_grads(
            np.take(inputs, batch.window_contexts, axis=0),
            np.take(outputs, output_words, axis=0), batch.window_mask,
            output_offsets=offsets)
        pairs = batch.window_mask.sum(axis=1, dtype=inputs.dtype)
        return StepResult(loss, batch.n_pairs, [
            RowUpdate("input", batch.window_contexts.ravel(), grad_input,
                      batch.window_mask.ravel().astype(inputs.dtype)),
            # A window's output rows carry the terms of all its pairs.
            RowUpdate("output", output_words.ravel(), grad_output,
                      np.repeat(pairs, self.negative + 1)),
        ])


@dataclass
class WindowHierarchicalStep:
    """Skip-gram with hierarchical softmax: each context word of a window predicts the
    window's center word through the center word's path in the Huffman tree.

    word2vec.c's skip-gram with ``-hs 1``: for the pair (context input ``v``, center word
    ``o``), ``-log p(o | v) = sum_k softplus(t_k u_{n_k} . v)`` over the inner nodes ``n_k``
    of ``o``'s path, ``t_k = 2 c_k - 1`` from its code bits. The window's pairs share the
    center's path, so a window is one batched product of its inputs with its path's node
    vectors (:func:`~sklearn_w2v._objectives.window_binary_loss_and_grads`).
    """

    tree: object

    def __call__(self, parameters, batch, random):
        inputs, nodes = parameters["input"], parameters["inner"]
        points, signs, path_mask = _paths_of(self.tree, batch.centers)
        loss, grad_input, grad_nodes = window_binary_loss_and_grads(
            np.take(inputs, batch.window_contexts, axis=0), np.take(nodes, points, axis=0),
            batch.window_mask, output_signs=signs, output_mask=path_mask)
        pairs = batch.window_mask.sum(axis=1, dtype=inputs.dtype)
        return StepResult(loss, batch.n_pairs, [
            RowUpdate("input", batch.window_contexts.ravel(), grad_input,
                      batch.window_mask.ravel().astype(inputs.dtype)),
            RowUpdate("inner", points.ravel(), grad_nodes,
                      (pairs[:, None] * path_mask).ravel()),
        ])


@dataclass
class CbowSoftmaxStep:
    """CBOW with the exact full softmax: each window's combined context predicts its
    center word (see :func:`cbow_hidden`)."""

    mean: bool = True

    def __call__(self, parameters, batch, random):
        inputs, outputs = parameters["input"], parameters["output"]
        hidden, groups, counts = cbow_hidden(inputs, batch, self.mean)
        n_windows = len(batch.centers)
        loss, grad_hidden, grad_outputs = softmax_loss_and_grads(
            hidden, outputs, batch.centers, np.arange(n_windows))
        return StepResult(loss, batch.n_pairs, [
            _cbow_input_update(batch, grad_hidden, groups, counts, self.mean),
            RowUpdate("output", None, grad_outputs),
        ], n_predictions=n_windows)


@dataclass
class CbowNoiseStep:
    """CBOW with NS (``nce=False``) or NCE: each window's combined context predicts its
    center word against ``negative`` noise words drawn for the window (word2vec.c's CBOW
    with ``-negative``)."""

    sampler: object
    negative: int
    nce: bool = False
    mean: bool = True

    def __call__(self, parameters, batch, random):
        inputs, outputs = parameters["input"], parameters["output"]
        hidden, groups, counts = cbow_hidden(inputs, batch, self.mean)
        output_words, offsets = _center_and_noise_words(self, batch, random)
        return _cbow_binary_result(batch, hidden, groups, counts, self.mean, "output",
                                   output_words, np.take(outputs, output_words, axis=0),
                                   offsets=offsets)


@dataclass
class CbowHierarchicalStep:
    """CBOW with hierarchical softmax: each window's combined context predicts its center
    word through the center's path in the Huffman tree."""

    tree: object
    mean: bool = True

    def __call__(self, parameters, batch, random):
        inputs, nodes = parameters["input"], parameters["inner"]
        hidden, groups, counts = cbow_hidden(inputs, batch, self.mean)
        points, signs, path_mask = _paths_of(self.tree, batch.centers)
        return _cbow_binary_result(batch, hidden, groups, counts, self.mean, "inner", points,
                                   np.take(nodes, points, axis=0), signs=signs,
                                   path_mask=path_mask)


def _cbow_binary_result(batch, hidden, groups, counts, mean, parameter, output_rows,
                        output_vectors, *, offsets=0.0, signs=None, path_mask=None):
    """Loss and updates of CBOW with a binary output layer (NS, NCE or HS).

    The output rows' gradient is ``dJ/dx_bj`` times the window's hidden vector ``h_b``, an
    outer product: it is applied as a rank-one sparse update (``weights`` = ``dJ/dx``), which
    measured faster than building the (windows x outputs x d) gradient and scattering it.
    """
    n_windows, n_outputs = output_rows.shape
    loss, logit_grads = window_binary_loss_and_logit_grads(
        hidden[:, None, :], output_vectors, np.ones((n_windows, 1), dtype=bool),
        output_signs=signs, output_mask=path_mask, output_offsets=offsets)
    logit_grads = logit_grads[:, :, 0]
    grad_hidden = np.matmul(logit_grads[:, None, :], output_vectors)[:, 0]
    counts_out = None if path_mask is None else path_mask.ravel().astype(hidden.dtype)
    return StepResult(loss, batch.n_pairs, [
        _cbow_input_update(batch, grad_hidden, groups, counts, mean),
        RowUpdate(parameter, output_rows.ravel(), hidden, counts_out,
                  groups=np.arange(0, n_windows * n_outputs + 1, n_outputs),
                  weights=logit_grads.ravel()),
    ], n_predictions=n_windows)


def _center_and_noise_words(step, batch, random):
    """Each window's output words, its center word (the data) then ``step.negative`` noise
    words, and their logit offsets: 0 for NS, ``log(K q(w))`` for NCE."""
    n_windows = len(batch.centers)
    output_words = np.empty((n_windows, step.negative + 1), dtype=np.int32)
    output_words[:, 0] = batch.centers
    output_words[:, 1:] = random.noise(step.sampler, (n_windows, step.negative))
    offsets = 0.0
    if step.nce:
        offsets = np.log(step.negative) + step.sampler.log_probabilities[output_words]
    return output_words, offsets


def cbow_hidden(inputs, batch, mean):
    """CBOW's hidden layer: the mean (or sum) of each window's context input vectors.

    Returns
    -------
    hidden : ndarray of shape (n_windows, d)
    groups : ndarray of int64, shape (n_windows + 1,)
        Window ``b``'s context words are ``batch.contexts[groups[b]:groups[b + 1]]``.
    counts : ndarray of int, shape (n_windows,)
        Context words per window.
    """
    counts = batch.window_mask.sum(axis=1)
    groups = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=groups[1:])
    weights = (np.repeat(1.0 / counts, counts) if mean
               else np.ones(batch.n_pairs))
    return weighted_row_sums(inputs, batch.contexts, groups, weights), groups, counts


def _cbow_input_update(batch, grad_hidden, groups, counts, mean):
    """Every context word of a window receives the hidden layer's error: as word2vec.c and
    gensim do, the whole error for the mean (``count`` times the gradient of the mean, a
    per-word step size word2vec.c tunes its CBOW learning rate for) and the error divided
    by the number of context words for the sum."""
    if not mean:
        grad_hidden = grad_hidden / counts[:, None].astype(grad_hidden.dtype)
    return RowUpdate("input", batch.contexts, grad_hidden, groups=groups)


def _paths_of(tree, words):
    """Points, signs and mask of the paths of ``words``, cut to the longest among them."""
    length = int(tree.lengths[words].max())
    return (tree.points[words, :length], tree.signs[words, :length],
            tree.mask[words, :length])


def _pairs_per_window(batch):
    return batch.window_mask.sum(axis=1)


def _skipgram_noise(*, sampler, negative, share_negatives, nce, **_):
    step_type = WindowNoiseStep if share_negatives else PairNoiseStep
    return step_type(sampler=sampler, negative=negative, nce=nce)


def _cbow_noise(*, sampler, negative, cbow_mean, nce, **_):
    return CbowNoiseStep(sampler=sampler, negative=negative, nce=nce, mean=cbow_mean)


# (architecture, objective) -> factory(sampler=, negative=, share_negatives=, tree=,
# cbow_mean=).
_STEPS = {
    ("skipgram", "softmax"): lambda **_: SoftmaxStep(),
    ("skipgram", "negative"): partial(_skipgram_noise, nce=False),
    ("skipgram", "nce"): partial(_skipgram_noise, nce=True),
    ("skipgram", "hierarchical"): lambda *, tree, **_: WindowHierarchicalStep(tree=tree),
    ("cbow", "softmax"): lambda *, cbow_mean, **_: CbowSoftmaxStep(mean=cbow_mean),
    ("cbow", "negative"): partial(_cbow_noise, nce=False),
    ("cbow", "nce"): partial(_cbow_noise, nce=True),
    ("cbow", "hierarchical"): lambda *, tree, cbow_mean, **_:
        CbowHierarchicalStep(tree=tree, mean=cbow_mean),
}


def make_step(architecture, objective, *, sampler=None, negative=5, share_negatives=True,
              tree=None, cbow_mean=True):
    """The step that trains ``objective`` with ``architecture``.

    Parameters
    ----------
    architecture : {"skipgram", "cbow"}
    objective : {"softmax", "negative", "nce", "hierarchical"}
    sampler : NoiseSampler or None
        Noise distribution of ``"negative"`` and ``"nce"``.
    negative : int
        Noise words per pair (or per window when ``share_negatives``, and for CBOW).
    share_negatives : bool
        Skip-gram NS/NCE: :class:`WindowNoiseStep` if true, else :class:`PairNoiseStep`.
    tree : HuffmanTree or None
        The tree of ``"hierarchical"``.
    cbow_mean : bool
        CBOW's hidden layer is the mean (True) or the sum of the context vectors.

    Returns
    -------
    callable
        ``step(parameters, batch, random) -> StepResult``, ``random`` a
        :class:`BlockRandom`.
    """
    try:
        factory = _STEPS[architecture, objective]
    except KeyError:
        raise ValueError(f"No step for architecture={architecture!r} with "
                         f"objective={objective!r}.") from None
    return factory(sampler=sampler, negative=negative, share_negatives=share_negatives,
                   tree=tree, cbow_mean=cbow_mean)
