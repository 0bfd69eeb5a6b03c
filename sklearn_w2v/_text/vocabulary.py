"""Which words make the vocabulary, in which order, and how often each is kept.

:func:`build_vocabulary` applies ``min_count`` and ``max_vocab_size`` to the counts of a
corpus and orders the rows by descending count (ties by the word, so the order is
deterministic); :func:`keep_probabilities` is word2vec.c's subsampling of frequent words.
"""

import numpy as np

__all__ = ["build_vocabulary", "keep_probabilities"]


def _is_integer(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def build_vocabulary(
    words, counts, *, min_count=5, max_vocab_size=None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Select and order the vocabulary.

    Words occurring fewer than ``min_count`` times are dropped, then only the
    ``max_vocab_size`` most frequent remain. Rows are ordered by descending
    count, ties broken by the word (Python ``str`` order, i.e. by code point),
    so the result does not depend on the order of the documents.

    Parameters
    ----------
    words : sequence of str
        Distinct words, e.g. from
        :func:`~sklearn_w2v._text.encoded_corpus.count_and_encode`.
    counts : array-like of int, shape (len(words),)
        Occurrences of each word.
    min_count : int, default=5
        Minimum number of occurrences to be kept.
    max_vocab_size : int or None, default=None
        Maximum number of words kept (the most frequent). None keeps all.
        Unlike gensim's parameter of the same name this is not a memory limit
        during counting (words are pruned only after the exact counts are
        known); it caps the final vocabulary.

    Returns
    -------
    vocab_words : list of str
        Kept words; row 0 is the most frequent.
    vocab_counts : ndarray of int64, shape (len(vocab_words),)
        Their counts, non-increasing.
    old_to_new : ndarray of int32, shape (len(words),)
        New row of each input word, -1 for dropped words. Pass it to
        :func:`~sklearn_w2v._text.encoded_corpus.remap_corpus`.

    Raises
    ------
    ValueError
        If the lengths differ, a count is negative, ``min_count`` is not a
        non-negative integer or ``max_vocab_size`` is not None or a positive
        integer.
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or counts.size != len(words):
        raise ValueError(
            f"`counts` must be one-dimensional with one entry per word "
            f"({len(words)}), got shape {counts.shape}."
        )
    if counts.size and not np.issubdtype(counts.dtype, np.integer):
        raise ValueError(f"`counts` must be integers, got dtype {counts.dtype}.")
    counts = counts.astype(np.int64, copy=False)
    if np.any(counts < 0):
        raise ValueError("`counts` must be non-negative.")
    if not _is_integer(min_count) or min_count < 0:
        raise ValueError(f"`min_count` must be an integer >= 0, got {min_count!r}.")
    if max_vocab_size is not None and (
        not _is_integer(max_vocab_size) or max_vocab_size < 1
    ):
        raise ValueError(
            "`max_vocab_size` must be None or an integer >= 1, got "
            f"{max_vocab_size!r}."
        )

    kept_old_ids = np.flatnonzero(counts >= min_count)
    kept_words = [words[i] for i in kept_old_ids.tolist()]
    kept_counts = counts[kept_old_ids]
    # Rank the words alphabetically with Python's sort (C-level key lookup);
    # a numpy array of str would be sized by the longest word, which can be
    # huge for junk tokens.
    alphabetical_order = sorted(range(len(kept_words)), key=kept_words.__getitem__)
    alphabetical_rank = np.empty(len(kept_words), dtype=np.int64)
    alphabetical_rank[alphabetical_order] = np.arange(len(kept_words))
    # lexsort uses the last key as the primary one.
    order = np.lexsort((alphabetical_rank, -kept_counts))
    if max_vocab_size is not None:
        order = order[:max_vocab_size]

    vocab_words = [kept_words[i] for i in order.tolist()]
    vocab_counts = kept_counts[order]
    old_to_new = np.full(len(words), -1, dtype=np.int32)
    old_to_new[kept_old_ids[order]] = np.arange(order.size, dtype=np.int32)
    return vocab_words, vocab_counts, old_to_new


def keep_probabilities(counts, sample) -> np.ndarray:
    """Probability of keeping each occurrence of a word when subsampling.

    This is the formula of word2vec.c (also used by gensim), not the
    ``1 - sqrt(t / f)`` discard probability printed in Mikolov et al. (2013).
    With ``t = sample * counts.sum()``::

        p_keep(w) = (sqrt(c_w / t) + 1) * t / c_w, clipped to at most 1.

    Words with ``c_w`` below roughly ``2.6 * t`` are always kept; very
    frequent words are kept with probability about ``sqrt(t / c_w)``.

    Parameters
    ----------
    counts : array-like of int, shape (n_words,)
        Occurrences of each vocabulary word (the total is taken over these,
        as word2vec.c uses the count of in-vocabulary training words).
    sample : float
        Threshold ``t`` as a fraction of the total count (word2vec.c's
        ``-sample``, typically 1e-3 to 1e-5). 0 disables subsampling.

    Returns
    -------
    p_keep : ndarray of float64, shape (n_words,)
        Values in (0, 1]. Words with a zero count get 1.

    Raises
    ------
    ValueError
        If ``sample`` is negative or not finite, or a count is negative.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if not np.isfinite(sample) or sample < 0:
        raise ValueError(f"`sample` must be a finite number >= 0, got {sample!r}.")
    if np.any(counts < 0):
        raise ValueError("`counts` must be non-negative.")
    threshold = sample * counts.sum()
    p_keep = np.ones_like(counts)
    if threshold == 0:
        return p_keep
    seen = counts > 0
    counts_seen = counts[seen]
    p_keep[seen] = (np.sqrt(counts_seen / threshold) + 1.0) * threshold / counts_seen
    return np.minimum(p_keep, 1.0, out=p_keep)


