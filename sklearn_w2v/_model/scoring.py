"""Held-out log-likelihood of a trained model: what ``Word2VecTransformer.score`` returns.

Every (architecture, output layer) is scored by the probability the model assigns to
held-out words, over every window of known words at full width (no subsampling, no
shrinking, so the score is deterministic). The architecture forms the predictions
(:meth:`~sklearn_w2v._model.architectures.SkipGram.score_inputs`):

* skip-gram: ``log p(o | c)`` per (center ``c``, context ``o``) pair, the input vector of the
  center predicting the context word;
* CBOW: ``log p(c | context)`` per center word, the mean (or sum, ``cbow_mean=False``) of the
  window's context input vectors predicting the center;

and the layer gives their probability
(:meth:`~sklearn_w2v._model.layers.OutputLayer.log_likelihood`): the full softmax over the
vocabulary for the softmax, NS and NCE (with NS's ``log q`` offset), the product of the
sigmoids along the word's path for hierarchical softmax (exact, O(log n_words) per word).
"""

from .._text import iter_all_pairs


def mean_log_likelihood(corpus, *, architecture, layer, window, parameters):
    """Mean held-out log-likelihood per prediction, and the number of predictions.

    Parameters
    ----------
    corpus : EncodedCorpus
    architecture : SkipGram or Cbow
    layer : OutputLayer
        A word whose probability the layer does not define (see
        :meth:`~sklearn_w2v._model.layers.OutputLayer.scored`) is not scored.
    window : int
    parameters : dict of str to ndarray
        ``"input"``, the layer's matrix, and ``"documents"`` (the vectors of the documents
        of ``corpus``) for the paragraph-vector architectures.

    Returns
    -------
    mean : float
        Mean of ``log p`` in nats (nan when there is nothing to score).
    n_predictions : int
    """
    n_words, d = parameters["input"].shape
    per_block = layer.score_block_windows(n_words, d, window)
    matrix = parameters[layer.parameter]
    total, count = 0.0, 0
    options = {"window": window, **architecture.batch_options}
    for batch in iter_all_pairs(corpus, batch_size=per_block, **options):
        if not batch.trainable:
            continue
        hidden, targets, owner = architecture.score_inputs(batch, parameters)
        scored = layer.scored(targets)
        if scored is not None and not scored.all():
            targets, owner = targets[scored], owner[scored]
            if not len(targets):
                continue
        log_p = layer.log_likelihood(hidden, targets, owner, matrix)
        total += float(log_p.sum())
        count += len(targets)
    return (total / count if count else float("nan")), count
