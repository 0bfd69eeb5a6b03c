"""Vectors of new documents by gradient steps, the trained model frozen (Le & Mikolov)."""

import numpy as np

from .._model import make_step
from .._utils import current_hooks
from .parameters import initial_center_vectors, seed_sequence_of
from .plan import runner_factory
from .trainer import train


def infer_document_vectors(model, training, fitted, corpus, *, epochs, learning_rate):
    """Vectors of the documents of ``corpus`` by gradient steps on them alone, the word
    and output vectors of the ``fitted`` state frozen.

    All documents train together, as one corpus of minibatches (gensim's
    ``infer_vector`` runs one document per call); each starts as word2vec.c's random
    vectors and follows ``learning_rate`` down to ``min_learning_rate`` over ``epochs``.
    PV-DBOW's optional skip-gram part is left out: it would only train frozen vectors.

    Parameters
    ----------
    model : ModelSettings
    training : TrainingSettings
    fitted : dict
        The fitted state (``vectors_``, the layer's matrix and tables, ``word_counts_``).
    corpus : EncodedCorpus
        The documents, encoded with the fitted vocabulary.
    epochs : int
    learning_rate : float

    Returns
    -------
    ndarray of shape (corpus.n_docs, vector_size)
    """
    hooks = current_hooks()
    hooks.notify("inference", epochs=epochs, learning_rate=learning_rate)
    # The output layer is frozen: a minibatch's predictions share their noise words,
    # which makes inference several times faster (see the layer's MinibatchNoise).
    layer, matrix = model.layer_of_fitted(fitted, inference=True)
    architecture = model.architecture.documents_alone()
    init_seed, train_seed = seed_sequence_of(training.random_state).spawn(2)
    vectors = fitted["vectors_"]
    documents = initial_center_vectors(np.random.default_rng(init_seed), corpus.n_docs,
                                       vectors.shape[1], vectors.dtype)
    if corpus.n_tokens == 0:
        return documents
    parameters = {"input": vectors, layer.parameter: matrix, "documents": documents}
    config = training.config(architecture, fitted["word_counts_"], epochs=epochs,
                             learning_rate=learning_rate, block_size=hooks.block_size,
                             frozen=("input", layer.parameter))
    step = make_step(architecture, layer)
    if hooks.wrap_step is not None:
        step = hooks.wrap_step(step)
    train(corpus, parameters, step, config,
          seed_sequence=train_seed,
          runner_factory=runner_factory(training.n_jobs, corpus.n_tokens * epochs))
    return parameters["documents"]


__all__ = ["infer_document_vectors"]
