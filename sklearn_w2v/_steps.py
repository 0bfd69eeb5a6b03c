"""Steps: one minibatch in, its loss and a list of parameter updates out.

A step gathers the parameter rows a minibatch touches, calls a pure objective from
:mod:`sklearn_w2v._objectives`, and says which rows of which parameter matrix each gradient
belongs to. It never writes a parameter: the trainer scales every :class:`RowUpdate` by the
learning rate and applies it, so a new output layer with its own parameter matrix (such as
hierarchical softmax's inner-node vectors) is one more entry in the list, not a special case
in the trainer.

The parameters are named as in word2vec.c and fastText, by their role in the network:

* ``"input"``: input vectors (word2vec.c's syn0, fastText's wi), the public ``vectors_``;
* ``"output"``: output vectors (syn1neg, wo), the public ``context_vectors_``.

:func:`make_step` is the one table from (architecture, objective) to step.
"""

from dataclasses import dataclass

import numpy as np

from ._objectives import (
    nce_loss_and_grads,
    negative_sampling_loss_and_grads,
    softmax_loss_and_grads,
    window_contrastive_loss_and_grads,
)
from ._segments import sum_per_owner


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
    """

    parameter: str
    rows: object
    gradients: np.ndarray
    counts: object = None


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
    """Loss of one minibatch and the updates that descend it (before the learning rate)."""

    loss: float
    n_pairs: int
    updates: list


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
        n_windows = len(batch.centers)
        # Each window's output words: its center word (the data), then its noise words.
        output_words = np.empty((n_windows, self.negative + 1), dtype=np.int32)
        output_words[:, 0] = batch.centers
        output_words[:, 1:] = random.noise(self.sampler, (n_windows, self.negative))
        offsets = 0.0
        if self.nce:
            offsets = np.log(self.negative) + self.sampler.log_probabilities[output_words]
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


def _pairs_per_window(batch):
    return batch.window_mask.sum(axis=1)


def _noise_step(nce):
    def make(*, sampler, negative, share_negatives):
        step_type = WindowNoiseStep if share_negatives else PairNoiseStep
        return step_type(sampler=sampler, negative=negative, nce=nce)
    return make


# (architecture, objective) -> factory(sampler=..., negative=..., share_negatives=...).
_STEPS = {
    ("skipgram", "softmax"): lambda **_: SoftmaxStep(),
    ("skipgram", "negative"): _noise_step(nce=False),
    ("skipgram", "nce"): _noise_step(nce=True),
}


def make_step(architecture, objective, *, sampler=None, negative=5, share_negatives=True):
    """The step that trains ``objective`` with ``architecture``.

    Parameters
    ----------
    architecture : {"skipgram"}
    objective : {"softmax", "negative", "nce"}
    sampler : NoiseSampler or None
        Noise distribution of ``"negative"`` and ``"nce"``.
    negative : int
        Noise words per pair (or per window when ``share_negatives``).
    share_negatives : bool
        :class:`WindowNoiseStep` if true, else :class:`PairNoiseStep`.

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
    return factory(sampler=sampler, negative=negative, share_negatives=share_negatives)
