"""Steps: one minibatch in, its loss and a list of parameter updates out.

A step is a pair (architecture, output layer): the architecture
(:mod:`sklearn_w2v._model.architectures`) turns the minibatch into hidden vectors and the words
they predict, the layer (:mod:`sklearn_w2v._model.layers`) scores them with a pure objective from
:mod:`sklearn_w2v._model.objectives`, and together they say which rows of which parameter matrix
each gradient belongs to. A step never writes a parameter: the trainer scales every
:class:`RowUpdate` by the learning rate and applies it, so a new output layer with its own
parameter matrix (such as hierarchical softmax's inner-node vectors) is one more entry in the
list, not a special case in the trainer.

Between the two halves of a step pass two values: the architecture hands the layer its
:class:`Predictions` (hidden vectors, the words they predict, and which :class:`Form` of
three they take), and the layer hands back a :class:`LayerOutput` (the loss, the gradient
with respect to the hidden vectors, and the updates of its own matrix).

The parameters are named as in word2vec.c and fastText, by their role in the network:

* ``"input"``: input vectors (word2vec.c's syn0, fastText's wi), the public ``vectors_``;
* ``"output"``: output vectors (syn1neg, wo), the public ``context_vectors_``;
* ``"inner"``: hierarchical softmax's inner-node vectors (syn1), the public
  ``node_vectors_``.
"""

import enum
from dataclasses import dataclass

import numpy as np


class Form(enum.Enum):
    """How the hidden vectors of a minibatch meet the words they predict.

    * ``GRID``: one target word per window and ``G`` hidden rows per window (a mask marks
      the slots in use), each predicting it: word2vec.c's skip-gram, the context words
      predicting the center word;
    * ``FAN_OUT``: one hidden row per window and any number of targets, ``owner[p]`` the
      row of target ``p`` (non-decreasing): the textbook skip-gram, the center predicting
      each context word, and PV-DBOW's document predicting each of its words;
    * ``ONE_ROW``: one hidden row per window predicting one target: CBOW, PV-DM and
      PV-DBOW's documents one prediction at a time.
    """

    GRID = "grid"
    FAN_OUT = "fan-out"
    ONE_ROW = "one row per window"


@dataclass(frozen=True, slots=True)
class Predictions:
    """What an architecture asks an output layer to predict in one minibatch.

    Made with :meth:`grid`, :meth:`fan_out` or :meth:`one_row`; a layer dispatches on
    :attr:`form`, never on which fields are None.

    Attributes
    ----------
    form : Form
    hidden : ndarray of shape (B, G, d) for ``GRID``, (n_rows, d) otherwise
    targets : ndarray of int, shape (P,)
        Words to predict: one per window (``P = B``) except in the ``FAN_OUT`` form.
    mask : ndarray of bool, shape (B, G), or None
        ``GRID``: which slots of the grid hold a hidden row.
    owner : ndarray of int, shape (P,), or None
        ``FAN_OUT``: the hidden row of each target, non-decreasing.
    """

    form: Form
    hidden: np.ndarray
    targets: np.ndarray
    mask: "np.ndarray | None" = None
    owner: "np.ndarray | None" = None

    @classmethod
    def grid(cls, hidden, mask, targets):
        """Window ``b``'s hidden rows ``hidden[b, mask[b]]`` each predict ``targets[b]``."""
        return cls(Form.GRID, hidden, targets, mask=mask)

    @classmethod
    def fan_out(cls, rows, targets, owner):
        """Row ``owner[p]`` of ``rows`` predicts ``targets[p]``."""
        return cls(Form.FAN_OUT, rows, targets, owner=owner)

    @classmethod
    def one_row(cls, rows, targets):
        """Row ``b`` of ``rows`` predicts ``targets[b]``."""
        return cls(Form.ONE_ROW, rows, targets)

    @property
    def n_predictions(self):
        """Number of targets."""
        return len(self.targets)


@dataclass
class LayerOutput:
    """Loss of a minibatch, its gradient with respect to the hidden vectors, and the
    updates of the layer's own parameter (before the learning rate).

    Attributes
    ----------
    loss : float
    grad_hidden : ndarray
        Same shape as :attr:`Predictions.hidden`.
    updates : list of RowUpdate
    """

    loss: float
    grad_hidden: np.ndarray
    updates: list


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
    distinct : bool
        ``rows`` has no repeats (the per-row cap then needs no sums; see
        ``RowUpdateCap.scales``).
    """

    parameter: str
    rows: object
    gradients: np.ndarray
    counts: object = None
    groups: object = None
    weights: object = None
    distinct: bool = False


class BlockRandom:
    """The random source of one block: its generator, and noise words drawn in bulk.

    Steps draw noise words with :meth:`noise`, which serves them from draws made
    ``_NOISE_CHUNK`` at a time: one sweep over the sampler's tables per chunk instead of
    one per minibatch, measured cheaper per draw inside the training loop, where
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


__all__ = ["BlockRandom", "Form", "LayerOutput", "Predictions", "RowUpdate", "Step",
           "StepResult", "make_step"]
