"""Held-out log-likelihood of a trained model: what ``Word2VecTransformer.score`` returns.

Every (architecture, objective) is scored by the probability the model assigns to held-out
words, over every window of known words at full width (no subsampling, no shrinking, so the
score is deterministic):

* skip-gram: ``log p(o | c)`` per (center ``c``, context ``o``) pair, the input vector of the
  center predicting the context word;
* CBOW: ``log p(c | context)`` per center word, the mean (or sum, ``cbow_mean=False``) of the
  window's context input vectors predicting the center.

With the full softmax, NS or NCE, ``p`` is the full softmax over the vocabulary of the logits
``z_w = u_w . h`` (plus ``log q(w)`` for negative sampling, whose optimum is
``u_o . h = log p(o|h) - log(K q(o))``; the ``log K`` cancels). With hierarchical softmax,
``p`` is the model's own normalised distribution, the product of the ``sigma(-t_k x_k)`` of
the word's path: exact, and O(log n_words) per word instead of O(n_words).
"""

import numpy as np

from ._batches import iter_all_pairs
from ._objectives import log_sigmoid, softmax_log_likelihood
from ._segments import weighted_row_sums

# Bounds of the temporaries of one scoring block: the (centers x n_words) logits of the
# softmax, and the (pairs x path length x d) node vectors of hierarchical softmax.
_SOFTMAX_LOGITS = 8_000_000
_PATH_VALUES = 8_000_000


def mean_log_likelihood(corpus, *, architecture, window, input_vectors, output_vectors=None,
                        node_vectors=None, tree=None, logit_offset=None, cbow_mean=True):
    """Mean held-out log-likelihood per prediction, and the number of predictions.

    Parameters
    ----------
    corpus : EncodedCorpus
    architecture : {"skipgram", "cbow"}
    window : int
    input_vectors : ndarray of shape (n_words, d)
    output_vectors : ndarray of shape (n_words, d) or None
        Output vectors of the softmax, NS and NCE.
    node_vectors : ndarray of shape (n_words - 1, d) or None
        Inner-node vectors of hierarchical softmax (with ``tree``).
    tree : HuffmanTree or None
    logit_offset : ndarray of shape (n_words,) or None
        Added to the softmax logits (``log q`` for negative sampling); a word whose offset
        is -inf is not an outcome, and its predictions are not scored.
    cbow_mean : bool

    Returns
    -------
    mean : float
        Mean of ``log p`` in nats (nan when there is nothing to score).
    n_predictions : int
    """
    n_words, d = input_vectors.shape
    if tree is not None:
        per_block = max(1, _PATH_VALUES // (tree.points.shape[1] * d * 2 * window))
    else:
        per_block = max(1, _SOFTMAX_LOGITS // n_words)
    total, count = 0.0, 0
    for batch in iter_all_pairs(corpus, window=window, batch_size=per_block):
        if batch.n_pairs == 0:
            continue
        if architecture == "cbow":
            counts = batch.window_mask.sum(axis=1)
            groups = np.concatenate([[0], np.cumsum(counts)])
            weights = (np.repeat(1.0 / counts, counts) if cbow_mean
                       else np.ones(len(batch.contexts)))
            inputs = weighted_row_sums(input_vectors, batch.contexts, groups, weights)
            targets, owner = batch.centers, np.arange(len(batch.centers))
        else:
            # One input row per center: the softmax normaliser is computed once per center.
            inputs = input_vectors[batch.centers]
            targets, owner = batch.contexts, batch.owner
        if logit_offset is not None:
            # An offset of -inf takes a word out of the softmax (an output vector that was
            # never trained, after fine-tuning): predictions of it are skipped.
            scored = np.isfinite(logit_offset[targets])
            if not scored.all():
                targets, owner = targets[scored], owner[scored]
                if not len(targets):
                    continue
        if tree is not None:
            log_p = hierarchical_log_likelihood(inputs[owner], node_vectors, tree, targets)
        else:
            log_p = softmax_log_likelihood(inputs, output_vectors, targets, owner,
                                           logit_offset=logit_offset)
        total += float(log_p.sum())
        count += len(targets)
    return (total / count if count else float("nan")), count


def hierarchical_log_likelihood(input_vectors, node_vectors, tree, words):
    r"""``log p(words[i] | input_vectors[i])`` under hierarchical softmax.

    ``log p(o | v) = -sum_k softplus(t_k u_{n_k} . v)`` over the inner nodes ``n_k`` of
    ``o``'s path and their signs ``t_k = 2 c_k - 1``: the same terms that training
    minimises, so ``-hierarchical_log_likelihood(...).sum()`` is the training loss.

    Parameters
    ----------
    input_vectors : ndarray of shape (n, d)
    node_vectors : ndarray of shape (n_words - 1, d)
    tree : HuffmanTree
    words : ndarray of int, shape (n,)

    Returns
    -------
    ndarray of float64, shape (n,)
    """
    length = int(tree.lengths[words].max(initial=1))
    points = tree.points[words, :length]
    signs = tree.signs[words, :length].astype(np.float64)
    logits = np.einsum("pld,pd->pl", node_vectors[points], input_vectors,
                       dtype=np.float64)
    return path_log_likelihood(logits, signs, tree.mask[words, :length])


def path_log_likelihood(logits, signs, mask):
    """``sum_k log sigma(-t_k x_k)`` over the steps of paths (the last axis) in use.

    ``logits`` are the ``x_k = u_{n_k} . v`` of each path step, ``signs`` its ``t_k`` and
    ``mask`` which steps are in use (padding steps are left out).
    """
    return (log_sigmoid(-signs * logits) * mask).sum(axis=-1)
