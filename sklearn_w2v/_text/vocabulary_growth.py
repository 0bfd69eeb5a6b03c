"""A fixed vocabulary met by a new corpus: which rows its words map to, which words join.

Used when training continues from existing vectors (``init``, ``warm_start``,
``partial_fit``): the known words keep their rows, unchanged, and words of the corpus that
are not known yet may be appended as new rows, chosen with the rules of
:func:`~sklearn_w2v._text.vocabulary.build_vocabulary` (``min_count``, then the most
frequent first, ties by the word).
"""

from dataclasses import dataclass

import numpy as np

from .vocabulary import build_vocabulary

__all__ = ["VocabularyGrowth", "extend_vocabulary"]


@dataclass
class VocabularyGrowth:
    """The result of :func:`extend_vocabulary`.

    Attributes
    ----------
    known_counts : ndarray of int64, shape (n_known,)
        Count in the corpus of each known word (0 for those it does not contain).
    new_words : list of str
        Words appended as rows ``n_known, n_known + 1, ...``.
    new_counts : ndarray of int64, shape (len(new_words),)
        Their counts (including ``pending`` counts of earlier corpora).
    old_to_new : ndarray of int32, shape (n_corpus_words,)
        Row of each of the corpus's provisional ids, -1 for words without a row (pass it to
        :func:`~sklearn_w2v._text.encoded_corpus.remap_corpus`).
    pending : dict or None
        Counts of the corpus's words that are still below ``min_count`` (added to the
        ``pending`` passed in), or None if no ``pending`` was passed.
    """

    known_counts: np.ndarray
    new_words: list
    new_counts: np.ndarray
    old_to_new: np.ndarray
    pending: object = None


def extend_vocabulary(known, words, counts, *, min_count, max_vocab_size, add_words,
                      pending=None):
    """Map a counted corpus onto the known rows and choose the words to append.

    Parameters
    ----------
    known : dict of str to int
        The current vocabulary, word → row, rows ``0..len(known) - 1``.
    words : list of str
        The corpus's distinct words (provisional id → word, from
        :func:`~sklearn_w2v._text.encoded_corpus.count_and_encode`).
    counts : ndarray of int64, shape (len(words),)
        Their counts in the corpus.
    min_count : int
        A word not known joins when its count (plus its ``pending`` count) reaches this.
    max_vocab_size : int or None
        The vocabulary never grows beyond this many rows by appending; known rows are all
        kept even when there are more.
    add_words : bool
        False keeps the vocabulary as it is: unknown words are dropped.
    pending : dict or None
        Counts of unknown words from earlier corpora (``partial_fit`` calls), so that a word
        that is rare in every chunk of a stream joins once its total reaches ``min_count``.
        Not modified.

    Returns
    -------
    VocabularyGrowth
    """
    n_known = len(known)
    counts = np.asarray(counts, dtype=np.int64)
    rows = np.fromiter((known.get(word, -1) for word in words), dtype=np.int64,
                       count=len(words))
    in_known = rows >= 0
    known_counts = np.zeros(n_known, dtype=np.int64)
    known_counts[rows[in_known]] = counts[in_known]
    old_to_new = np.full(len(words), -1, dtype=np.int32)
    old_to_new[in_known] = rows[in_known]
    new_words: list[str] = []
    new_counts = np.zeros(0, dtype=np.int64)
    if not add_words:
        return VocabularyGrowth(known_counts, new_words, new_counts, old_to_new,
                                None if pending is None else dict(pending))

    unknown = np.flatnonzero(~in_known)
    candidates = [words[i] for i in unknown.tolist()]
    candidate_counts = counts[unknown]
    if pending:
        candidate_counts = candidate_counts + np.fromiter(
            (pending.get(word, 0) for word in candidates), dtype=np.int64,
            count=len(candidates))
    room = None if max_vocab_size is None else max(max_vocab_size - n_known, 0)
    if room == 0:
        # build_vocabulary keeps at least one word; nothing may join here.
        chosen = np.full(len(candidates), -1, dtype=np.int32)
    else:
        new_words, new_counts, chosen = build_vocabulary(
            candidates, candidate_counts, min_count=min_count, max_vocab_size=room)
    old_to_new[unknown] = np.where(chosen >= 0, chosen + n_known, -1)
    still_pending = None
    if pending is not None:
        still_pending = dict(pending)
        for word in new_words:
            still_pending.pop(word, None)
        for i in np.flatnonzero(chosen < 0).tolist():
            still_pending[candidates[i]] = int(candidate_counts[i])
    return VocabularyGrowth(known_counts, new_words, new_counts, old_to_new, still_pending)
