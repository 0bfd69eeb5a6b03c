"""Architectures: how a minibatch of windows becomes hidden vectors and targets.

An architecture forms the hidden vectors that an output layer (:mod:`sklearn_w2v._model.layers`)
scores, names the words they predict, and routes the layer's gradient with respect to the
hidden vectors back to rows of the input matrix, as word2vec.c's outer ``if (cbow)`` and
fastText's ``FastText::cbow`` / ``skipgram`` do:

* :class:`SkipGram`: the hidden vectors are input rows themselves. In word2vec.c's
  orientation (layers whose :attr:`~sklearn_w2v._model.layers.OutputLayer.skipgram_input` is
  ``"contexts"``) every context word of a window is an input predicting the center word,
  so the grid is the window's context rows; in the textbook orientation (``"center"``) the
  center's input row predicts each of its context words. Both train the same symmetric
  set of (center, context) pairs.
* :class:`Cbow`: one hidden vector per window, the mean (or sum) of its context words'
  input rows, predicting the center word; every context word receives the hidden error.

* :class:`DistributedBagOfWords` (PV-DBOW, Le & Mikolov 2014): skip-gram whose center is
  the document: a document's vector (a row of the ``"documents"`` matrix) predicts each of
  its kept tokens; optionally with skip-gram on the same windows (gensim's
  ``dbow_words=1``), which trains the word vectors in the same space.
* :class:`DistributedMemory` (PV-DM): CBOW whose context also holds the document's vector.

Each architecture also forms what ``score`` evaluates (:meth:`SkipGram.score_inputs`), and
carries its ``"auto"`` rules (starting learning rate, minibatch size) and what its
minibatches need (:attr:`SkipGram.batch_options`).
"""

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .inputs import WORD_INPUTS
from .steps import Predictions, RowUpdate, StepResult


@dataclass(frozen=True)
class SkipGram:
    """Skip-gram: each word predicts the words within ``window`` of it.

    Parameters
    ----------
    inputs : WordInputs or SubwordInputs
        How a word's input vector is formed (:mod:`sklearn_w2v._model.inputs`): its row
        (word2vec, the default) or the mean of its row and its n-grams' rows (fastText).
    """

    inputs: Any = WORD_INPUTS
    name = "skipgram"
    # word2vec.c's starting learning rate for skip-gram.
    auto_learning_rate = 0.025
    auto_batch_size = 256

    @property
    def batch_options(self):
        """Minibatch options (see TrainingConfig): plain windows, no documents; with
        subword inputs, windows in corpus order (see ``InputSide.batch_options``)."""
        return self.inputs.batch_options
    trains_documents = False
    # The pairs of a window share its noise words (the grid form); no groups of windows.
    noise_groups = None

    def train(self, layer, parameters, batch, random):
        """Loss and updates of ``batch`` (a :class:`~sklearn_w2v._text.minibatches.Minibatch`)."""
        inputs = self.inputs
        matrix = parameters[layer.parameter]
        if layer.skipgram_input == "contexts":
            mask = batch.window_mask
            gathered = inputs.gather(parameters, batch.window_contexts)
            out = layer.forward(Predictions.grid(gathered.vectors, mask, batch.centers),
                                matrix, random)
            input_updates = inputs.updates(gathered, out.grad_hidden,
                                           mask.ravel().astype(gathered.vectors.dtype))
        else:
            gathered = inputs.gather(parameters, batch.centers)
            out = layer.forward(Predictions.fan_out(gathered.vectors, batch.contexts,
                                                    batch.owner), matrix, random)
            input_updates = inputs.updates(gathered, out.grad_hidden,
                                           batch.window_mask.sum(axis=1))
        return StepResult(out.loss, batch.n_pairs, [*input_updates, *out.updates])

    def score_inputs(self, batch, parameters):
        """``(hidden, targets, owner)`` of ``score``: each center's input vector predicts
        each of its context words (one softmax normaliser per center)."""
        return self.inputs.vectors(parameters, batch.centers), batch.contexts, batch.owner


@dataclass(frozen=True)
class Cbow:
    """Continuous bag of words: a window's combined context predicts its center word.

    Parameters
    ----------
    mean : bool
        The hidden vector is the mean (True, gensim's ``cbow_mean=1``) or the sum of the
        context words' input vectors.
    inputs : WordInputs or SubwordInputs
        How a word's input vector is formed (see :class:`SkipGram`). With subwords the
        hidden vector is the mean of the context words' vectors, each the mean of its
        rows (fastText and gensim take the mean of all the rows of the window instead,
        which weighs a long word's n-grams more).
    """

    mean: bool = True
    inputs: Any = WORD_INPUTS
    name = "cbow"
    # word2vec.c's starting learning rate for CBOW.
    auto_learning_rate = 0.05
    # A CBOW window is one prediction where a skip-gram window is up to 2 * window, so
    # CBOW takes 4x the windows for a similar amount of work per minibatch: measured
    # faster than 256 windows at the same quality (see benchmarks/DESIGN.md).
    auto_batch_size = 1024
    trains_documents = False
    # With share_negatives, windows share noise words in groups: (windows per group,
    # noise words per group), each noise word weighted negative / draws (see
    # noise_sharing.GroupedWindowNoise). Measured against K draws per window: groups
    # train faster (a group gathers 24 noise rows instead of 32 x K and its noise logits
    # are one (32, d) x (d, 24) product) at the same or better quality; more draws than
    # K per window lowered the variance more than sharing them across windows cost. See
    # benchmarks/DESIGN.md for the figures.
    noise_groups = (32, 24)

    @property
    def batch_options(self):
        """Minibatch options: those of the input side (see :class:`SkipGram`)."""
        return self.inputs.batch_options

    def train(self, layer, parameters, batch, random):
        """Loss and updates of ``batch`` (a :class:`~sklearn_w2v._text.minibatches.Minibatch`)."""
        hidden, groups, counts, gathered = combined_hidden(self.inputs, parameters, batch,
                                                           self.mean)
        out = layer.forward(Predictions.one_row(hidden, batch.centers),
                            parameters[layer.parameter], random)
        grad_hidden = context_error(out.grad_hidden, counts, self.mean)
        return StepResult(out.loss, batch.n_pairs, [
            *self.inputs.combined_updates(gathered, grad_hidden, groups),
            *out.updates,
        ], n_predictions=len(batch.centers))

    def score_inputs(self, batch, parameters):
        """``(hidden, targets, owner)`` of ``score``: each window's combined context
        predicts its center word."""
        hidden = combined_hidden(self.inputs, parameters, batch, self.mean)[0]
        return hidden, batch.centers, np.arange(len(batch.centers))


@dataclass(frozen=True)
class DistributedBagOfWords:
    """PV-DBOW: the document's vector predicts each kept token of the document.

    It is skip-gram with the document as the center "word" in word2vec.c's orientation
    (the input, here the document vector, predicts the output word). Minibatches keep
    every kept token, also those without a context, since the document predicts them.

    Parameters
    ----------
    train_words : bool
        Also train skip-gram on the same windows (gensim's ``dbow_words=1``): word vectors
        and document vectors then share the output layer.
    """

    train_words: bool = False
    name = "dbow"
    # gensim's Doc2Vec alpha.
    auto_learning_rate = 0.025
    trains_documents = True
    # K noise words per window: CBOW's groups (Cbow.noise_groups) were not measured to
    # pay for paragraph vectors (see benchmarks/DESIGN.md).
    noise_groups = None

    @property
    def auto_batch_size(self):
        # A window is one prediction of the document (as a CBOW window), plus up to
        # 2 * window skip-gram pairs with train_words.
        return 256 if self.train_words else 1024

    @property
    def batch_options(self):
        # Without word training the windows are not used: window 0 builds no grid.
        options = {"keep_isolated": True, "with_documents": True}
        if not self.train_words:
            options.update(window=0, shrink_windows=False)
        return options

    def train(self, layer, parameters, batch, random):
        """Loss and updates of ``batch`` (its :attr:`~sklearn_w2v._text.minibatches.Minibatch.
        documents` set)."""
        documents = parameters["documents"]
        if layer.groups_by_hidden:
            # Each document of the minibatch once, its words grouped after it.
            order = np.argsort(batch.documents, kind="stable")
            rows, counts = np.unique(batch.documents[order], return_counts=True)
            owner = np.repeat(np.arange(len(rows)), counts)
            predictions = Predictions.fan_out(np.take(documents, rows, axis=0),
                                              batch.centers[order], owner)
            out = layer.forward(predictions, parameters[layer.parameter], random)
            document_update = RowUpdate("documents", rows, out.grad_hidden, counts)
        else:
            predictions = Predictions.one_row(np.take(documents, batch.documents, axis=0),
                                              batch.centers)
            out = layer.forward(predictions, parameters[layer.parameter], random)
            document_update = RowUpdate("documents", batch.documents, out.grad_hidden)
        n_predictions = len(batch.centers)
        result = StepResult(out.loss, n_predictions, [document_update, *out.updates],
                            n_predictions=n_predictions)
        if self.train_words and batch.n_pairs:
            words = SkipGram().train(layer, parameters, batch, random)
            result = StepResult(result.loss + words.loss, n_predictions + words.n_pairs,
                                result.updates + words.updates,
                                n_predictions=n_predictions + words.n_pairs)
        return result

    def documents_alone(self):
        """The form that inference and ``score`` use: the document's predictions only
        (the skip-gram part would only train or score word vectors)."""
        return DistributedBagOfWords()

    def score_inputs(self, batch, parameters):
        """``(hidden, targets, owner)`` of ``score``: each document's vector predicts each
        of its tokens."""
        return (parameters["documents"][batch.documents], batch.centers,
                np.arange(len(batch.centers)))


@dataclass(frozen=True)
class DistributedMemory:
    """PV-DM: the document's vector and the window's context words predict the center.

    As gensim's ``dm=1``: the hidden vector is the mean (``mean=True``, gensim's
    ``dm_mean=1``) or the sum of the document vector and the context input vectors; the
    document vector and every context word receive the hidden error (divided by their
    number for the sum), as CBOW's context words do. A center without context words is
    predicted by its document vector alone.

    Parameters
    ----------
    mean : bool
    """

    mean: bool = True
    name = "dm"
    auto_learning_rate = 0.025
    auto_batch_size = 1024
    batch_options: ClassVar[dict] = {"keep_isolated": True, "with_documents": True}
    trains_documents = True
    noise_groups = None  # as DistributedBagOfWords

    def train(self, layer, parameters, batch, random):
        """Loss and updates of ``batch`` (its documents set)."""
        hidden, groups, counts, _ = self._hidden(parameters, batch)
        out = layer.forward(Predictions.one_row(hidden, batch.centers),
                            parameters[layer.parameter], random)
        grad_hidden = context_error(out.grad_hidden, counts, self.mean)
        n_windows = len(batch.centers)
        return StepResult(out.loss, n_windows, [
            RowUpdate("documents", batch.documents, grad_hidden),
            RowUpdate("input", batch.contexts, grad_hidden, groups=groups), *out.updates,
        ], n_predictions=n_windows)

    def _hidden(self, parameters, batch):
        """The mean (or sum) of each window's document vector and context input vectors;
        the groups of the context words and the number of vectors combined."""
        return combined_hidden(WORD_INPUTS, parameters, batch, self.mean,
                               documents=parameters["documents"])

    def documents_alone(self):
        """PV-DM's predictions all involve the document: inference and ``score`` use it
        as it is."""
        return self

    def score_inputs(self, batch, parameters):
        """``(hidden, targets, owner)`` of ``score``: each window's document and context
        predict its center word."""
        hidden = self._hidden(parameters, batch)[0]
        return hidden, batch.centers, np.arange(len(batch.centers))


def combined_hidden(inputs, parameters, batch, mean, documents=None):
    """CBOW's and PV-DM's hidden layer: the mean (or sum) of each window's context input
    vectors, and of its document's vector (a row of ``documents``) if given.

    Parameters
    ----------
    inputs : WordInputs or SubwordInputs
        The input side that forms each context word's vector from ``parameters``.
    parameters : dict of str to ndarray
    batch : Minibatch
    mean : bool
    documents : ndarray of shape (n_docs, d) or None
        PV-DM's document vectors; ``batch.documents`` names each window's.

    Returns
    -------
    hidden : ndarray of shape (n_windows, d)
    groups : ndarray of int64, shape (n_windows + 1,)
        Window ``b``'s context words are ``batch.contexts[groups[b]:groups[b + 1]]``.
    counts : ndarray, shape (n_windows,)
        What is combined per window: its context words, and its document (with
        subwords, the rows of its context words, see ``SubwordInputs.window_weights``).
    gathered : InputRows
        What ``inputs.combined_updates`` needs to route the context words' gradient.
    """
    counts = batch.window_mask.sum(axis=1)
    groups = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=groups[1:])
    if documents is None:
        weights, n_combined = inputs.window_weights(batch.contexts, counts, groups, mean)
        hidden, gathered = inputs.combine(parameters, batch.contexts, groups, weights)
        return hidden, groups, n_combined, gathered
    n_combined = counts + 1
    scale = 1.0 / n_combined if mean else None
    weights = np.ones(batch.n_pairs) if scale is None else np.repeat(scale, counts)
    hidden, gathered = inputs.combine(parameters, batch.contexts, groups, weights)
    rows = np.take(documents, batch.documents, axis=0)
    hidden += rows if scale is None else rows * scale[:, None].astype(rows.dtype)
    return hidden, groups, n_combined, gathered


def context_error(grad_hidden, counts, mean):
    """The error each combined row (context word, PV-DM's document) receives.

    As word2vec.c and gensim do, every combined row receives the hidden layer's whole
    error for the mean (``count`` times the gradient of the mean, a per-word step size
    word2vec.c tunes its CBOW learning rate for) and the error divided by the number of
    rows combined for the sum.
    """
    if mean:
        return grad_hidden
    return grad_hidden / counts[:, None].astype(grad_hidden.dtype)


ARCHITECTURES = ("skipgram", "cbow", "dbow", "dm")


def make_architecture(architecture, *, cbow_mean=True, dbow_words=False, inputs=WORD_INPUTS):
    """The architecture object of the ``architecture`` parameter (``cbow_mean`` is also
    PV-DM's ``dm_mean``); ``inputs`` is the input side of skip-gram and CBOW."""
    if architecture == "skipgram":
        return SkipGram(inputs=inputs)
    if architecture == "cbow":
        return Cbow(mean=bool(cbow_mean), inputs=inputs)
    if architecture == "dbow":
        return DistributedBagOfWords(train_words=bool(dbow_words))
    if architecture == "dm":
        return DistributedMemory(mean=bool(cbow_mean))
    raise ValueError(f"architecture={architecture!r} is not one of {list(ARCHITECTURES)}.")


__all__ = ["ARCHITECTURES", "Cbow", "DistributedBagOfWords", "DistributedMemory", "SkipGram",
           "combined_hidden", "context_error", "make_architecture"]
