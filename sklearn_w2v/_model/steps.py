"""Steps: one minibatch in, its loss and a list of parameter updates out.

A step is a pair (architecture, output layer): the architecture
(:mod:`sklearn_w2v._model.architectures`) turns the minibatch into hidden vectors and the words
they predict, the layer (:mod:`sklearn_w2v._model.layers`) scores them with a pure objective from
:mod:`sklearn_w2v._model.objectives`, and together they say which rows of which parameter matrix
each gradient belongs to. A step never writes a parameter: the trainer scales every
:class:`RowUpdate` by the learning rate and applies it, so a new output layer with its own
parameter matrix (such as hierarchical softmax's inner-node vectors) is one more entry in the
list, not a special case in the trainer.

The parameters are named as in word2vec.c and fastText, by their role in the network:

* ``"input"``: input vectors (word2vec.c's syn0, fastText's wi), the public ``vectors_``;
* ``"output"``: output vectors (syn1neg, wo), the public ``context_vectors_``;
* ``"inner"``: hierarchical softmax's inner-node vectors (syn1), the public
  ``node_vectors_``.
"""

from dataclasses import dataclass

import numpy as np


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
    # The first chunk of a block is smaller and each refill doubles: a block that needs
    # few draws (inference shares K noise words per minibatch) does not pay for 65,536.
    # The uniform stream is the same whatever the chunks, so are the words served.
    _FIRST_NOISE_CHUNK = 1 << 12

    def __init__(self, generator):
        self.generator = generator
        self._noise = {}

    def noise(self, sampler, shape):
        """``prod(shape)`` word ids drawn from ``sampler``, as an int32 array of ``shape``."""
        n = int(np.prod(shape))
        buffer, used, chunk = self._noise.get(id(sampler), (None, 0, self._FIRST_NOISE_CHUNK))
        if buffer is None or used + n > len(buffer):
            fresh = sampler.sample(self.generator, max(n, chunk))
            buffer = fresh if buffer is None else np.concatenate([buffer[used:], fresh])
            used = 0
            chunk = min(2 * chunk, self._NOISE_CHUNK)
        self._noise[id(sampler)] = (buffer, used + n, chunk)
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


@dataclass(frozen=True)
class Step:
    """Train one minibatch: ``architecture`` forms the hidden vectors, ``layer`` scores them.

    Parameters
    ----------
    architecture : SkipGram or Cbow
    layer : OutputLayer

    Calling it as ``step(parameters, batch, random)`` returns a :class:`StepResult`;
    ``random`` is the block's :class:`BlockRandom`.
    """

    architecture: object
    layer: object

    def __call__(self, parameters, batch, random):
        return self.architecture.train(self.layer, parameters, batch, random)


def make_step(architecture, layer):
    """The step that trains ``layer`` with ``architecture``."""
    return Step(architecture, layer)


__all__ = ["BlockRandom", "RowUpdate", "Step", "StepResult", "make_step"]
