"""The model settings of a fit: architecture, objective, dimension, noise, dtype, subwords.

:meth:`ModelSettings.resolve` checks the model options together and resolves what the
model owns: the architecture object, the output layer's requirements, the dtype, and the
``"auto"`` learning rate and minibatch size that the architecture and the layer choose.
The input side of skip-gram and CBOW (word rows, or fastText's subwords) depends on the
vocabulary, so the fit asks for it (:meth:`ModelSettings.inputs_for`) once the vocabulary
is known.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._utils import check_float_dtype, check_not_boolean
from .architectures import make_architecture
from .inputs import WORD_INPUTS
from .layers import (
    NO_OUTPUT_WORD_VECTORS,
    check_layer_parameters,
    fitted_layer,
    layer_class,
    make_layer,
)


@dataclass(frozen=True)
class ModelSettings:
    """What the trained model is.

    Attributes
    ----------
    architecture : SkipGram, Cbow, DistributedBagOfWords or DistributedMemory
    architecture_name : str
        The estimator's ``architecture`` parameter.
    objective : {"negative", "softmax", "nce", "hierarchical"}
    vector_size : int
    negative : int
    ns_exponent : float
    share_negatives : bool
    dtype : numpy.dtype
    subwords : SubwordSettings or None
        fastText's n-gram options (``FastTextTransformer``); None: word2vec.
    """

    architecture: Any  # SkipGram, Cbow, DistributedBagOfWords or DistributedMemory
    architecture_name: str
    objective: str
    vector_size: int
    negative: int
    ns_exponent: float
    share_negatives: bool
    dtype: np.dtype
    subwords: Any = None

    @classmethod
    def resolve(cls, *, architecture, objective, vector_size, negative, ns_exponent,
                share_negatives, dtype, cbow_mean=True, dbow_words=False, subwords=None):
        """The settings of these options.

        ``cbow_mean`` is CBOW's (and PV-DM's ``dm_mean``), ``dbow_words`` PV-DBOW's,
        ``subwords`` (a ``SubwordSettings``) fastText's.

        Raises
        ------
        ValueError
            For a noise objective without noise words, a boolean count or an unsupported
            dtype, naming the parameter and the fix.
        """
        check_layer_parameters(objective, negative=negative)
        check_not_boolean(vector_size=vector_size, negative=negative)
        return cls(
            architecture=make_architecture(architecture, cbow_mean=cbow_mean,
                                           dbow_words=dbow_words),
            architecture_name=architecture, objective=objective, vector_size=vector_size,
            negative=negative, ns_exponent=ns_exponent, share_negatives=share_negatives,
            dtype=check_float_dtype(dtype), subwords=subwords)

    @property
    def has_subwords(self):
        """Whether words have n-gram rows (fastText with subwords on)."""
        return self.subwords is not None and self.subwords.enabled

    def inputs_for(self, words):
        """The input side of a model whose vocabulary is ``words`` (a sequence of str):
        ``WORD_INPUTS`` for word2vec, ``SubwordInputs`` of their n-grams for fastText."""
        return self.subwords.inputs_for(words) if self.has_subwords else WORD_INPUTS

    def architecture_with(self, inputs):
        """The architecture with the input side ``inputs``."""
        if inputs is WORD_INPUTS:
            return self.architecture
        return dataclasses.replace(self.architecture, inputs=inputs)

    @property
    def auto_learning_rate(self):
        """``learning_rate="auto"``: the architecture's (word2vec.c's) starting rate."""
        return self.architecture.auto_learning_rate

    @property
    def auto_batch_size(self):
        """``batch_size="auto"``: the output layer's rule if it has one, else the
        architecture's."""
        layer_size = layer_class(self.objective).auto_batch_size
        return layer_size if layer_size is not None else self.architecture.auto_batch_size

    def check_word_vectors(self, word_vectors):
        """Raise ValueError if ``word_vectors`` needs output word vectors this model lacks."""
        if word_vectors == "input+output" and not layer_class(
                self.objective).has_output_word_vectors:
            raise ValueError(NO_OUTPUT_WORD_VECTORS)

    def structure(self):
        """The options that define the fitted model, compared when training continues."""
        return {"vector_size": self.vector_size, "objective": self.objective,
                "architecture": self.architecture_name}

    def subword_structure(self):
        """The subword options that define the fitted model (none for word2vec)."""
        return {} if self.subwords is None else self.subwords.structure()

    def make_layer(self, counts, noise_distribution, tree=None):
        """The output layer that trains this model on words with training ``counts``."""
        return make_layer(self.objective, counts=counts,
                          noise_distribution=noise_distribution, negative=self.negative,
                          share_negatives=self.share_negatives, tree=tree,
                          noise_groups=self.architecture.noise_groups)

    def layer_of_fitted(self, fitted, *, inference=False):
        """The output layer of the fitted state ``fitted`` (a dict) and its matrix; with
        ``inference``, the frozen layer that infers document vectors."""
        return fitted_layer_of(self.objective, self.negative, self.share_negatives, fitted,
                               inference=inference)


def fitted_layer_of(objective, negative, share_negatives, fitted, *, inference=False):
    """The output layer of a fitted state (a dict) and its matrix (None if the state has
    none), from the state's tables (``noise_distribution_``, ``huffman_tree_``)."""
    layer = fitted_layer(objective, noise_distribution=fitted.get("noise_distribution_"),
                         tree=fitted.get("huffman_tree_"), negative=negative,
                         share_negatives=share_negatives, inference=inference)
    return layer, fitted.get(layer.public_name)


__all__ = ["ModelSettings", "fitted_layer_of"]
