"""Coverage with subwords: a fastText model has a vector for every word with an n-gram.

A word outside the vocabulary of a model with n-gram rows still gets a vector, the mean
of its n-grams' rows, as long as it has one n-gram (the wrapped word ``<word>`` is at
least ``min_n`` characters long). So a fastText model covers a token through its
vocabulary or through its n-grams alone, and :class:`SubwordCoverage` counts both; the
low-coverage warning (:func:`~sklearn_w2v._text.coverage.warn_if_low`) fires only when
few tokens have a vector either way (words too short for an n-gram, or a model without
n-gram rows, such as one started from a word vector file with ``epochs=0``).

:func:`encode_with_subwords` is ``transform``'s encoding: the fitted vocabulary, and after
it a row for each word of the documents that only its n-grams cover, in order of first
appearance, so that pooling reads those rows like any other. Its coverage is judged as
word vectors' is, over windows of ``transform`` calls by the model's ``CoverageWatch``,
once per cause.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .._vectors import FastTextFile, describe_init
from .coverage import (
    _LOW_TOKEN_SHARE,
    _LOW_TOKEN_SHARE_TRAINED,
    Coverage,
    CoverageWatch,
    _Counts,
    _coverage,
    _encode_counting,
    coverage_of_counts,
    warn_if_low,
)

__all__ = ["SubwordCoverage", "WordsWithVectors", "encode_with_subwords",
           "has_character_ngram", "subword_fit_coverage", "whose_vectors"]

_FIX_NO_NGRAM_ROWS = ("This model has no n-gram rows (subwords off, or vectors used as "
                      "they are): fit it on text like X with subwords (max_n >= min_n) so "
                      "that every word gets a vector.")
_FIX_SHORT_WORDS = ("Words shorter than min_n - 2 characters have no n-gram: lower min_n, "
                    "or fit on text like X so that they get rows (lower min_count).")


def whose_vectors(init, pretrained):
    """Whose vectors a coverage message speaks of: ``init``'s (a fastText model file
    named by its path), or the model's own."""
    if not pretrained:
        return "The vectors of this model"
    if isinstance(init, FastTextFile):
        return f"The vectors of init={str(init)!r}"
    return f"The vectors of {describe_init(init)}"


def has_character_ngram(word, min_n, max_n):
    """Whether ``word`` has an n-gram of ``min_n..max_n`` characters (fastText's rule:
    those of ``<word>``, the lone ``<`` and ``>`` left out)."""
    low = max(min_n, 1)
    if max_n < low:
        return False
    wrapped = len(word) + 2  # characters: Python counts code points, UTF-8 characters
    if low >= 2:
        return wrapped >= low
    return len(word) >= 1 or max_n >= 2


class WordsWithVectors:
    """The words a fastText model has a vector for, as a container: the vocabulary's,
    and every word with an n-gram when the model has n-gram rows.

    Parameters
    ----------
    vocabulary : container of str
    min_n, max_n : int
    ngram_rows : bool
        Whether the model has n-gram rows (otherwise only the vocabulary counts).
    """

    def __init__(self, vocabulary, min_n, max_n, ngram_rows=True):
        self.vocabulary = vocabulary
        self.min_n, self.max_n = min_n, max_n
        self.ngram_rows = ngram_rows

    def __contains__(self, word):
        if word in self.vocabulary:
            return True
        return (self.ngram_rows and isinstance(word, str)
                and has_character_ngram(word, self.min_n, self.max_n))


@dataclass(frozen=True)
class SubwordCoverage(Coverage):
    """A :class:`~sklearn_w2v.Coverage` whose covered tokens include those that only a
    fastText model's n-grams cover.

    Attributes
    ----------
    n_tokens_by_ngrams, n_types_by_ngrams : int
        Tokens and distinct words outside the vocabulary that have a vector from their
        n-grams (included in ``n_tokens_covered`` and ``n_types_covered``).
    """

    n_tokens_by_ngrams: int = 0
    n_types_by_ngrams: int = 0

    @property
    def vocabulary_token_share(self) -> float:
        """Share of the tokens whose word is in the vocabulary."""
        if not self.n_tokens:
            return 1.0
        return (self.n_tokens_covered - self.n_tokens_by_ngrams) / self.n_tokens


def _with_ngrams(coverage, n_tokens_by_ngrams, n_types_by_ngrams):
    return SubwordCoverage(**vars(coverage), n_tokens_by_ngrams=int(n_tokens_by_ngrams),
                           n_types_by_ngrams=int(n_types_by_ngrams))


def _describe(coverage, whose):
    return (f"{whose} ({coverage.vocabulary_token_share:.1%} of the tokens through the "
            f"vocabulary, {coverage.n_tokens_by_ngrams / max(coverage.n_tokens, 1):.1%} "
            "more through character n-grams alone)")


def subword_fit_coverage(words, counts, vocabulary, *, min_n, max_n, pretrained, whose,
                         lowercase):
    """The ``coverage_`` of a fastText fit that starts from vectors with n-gram rows.

    Parameters
    ----------
    words, counts :
        The distinct words of X and their counts.
    vocabulary : container of str
        The words of the starting vectors.
    min_n, max_n : int
    pretrained : bool
        Whether the vectors are ``init``'s (then a low coverage warns).
    whose : str
        Whose vectors, for the message ("The vectors of init='model.bin'").
    lowercase : bool

    Returns
    -------
    SubwordCoverage
    """
    covered = WordsWithVectors(vocabulary, min_n, max_n)
    coverage = coverage_of_counts(words, counts, covered)
    in_vocabulary = np.fromiter((word in vocabulary for word in words), dtype=bool,
                                count=len(words))
    by_ngrams = np.fromiter((word in covered for word in words), dtype=bool,
                            count=len(words)) & ~in_vocabulary
    coverage = _with_ngrams(coverage, np.asarray(counts)[by_ngrams].sum(), by_ngrams.sum())
    if pretrained:
        warn_if_low(coverage, what=_describe(coverage, whose), lowercase=lowercase,
                    fix=_FIX_SHORT_WORDS)
    return coverage


@dataclass
class _SubwordCounts(_Counts):
    """The counts of ``transform`` calls (see ``_Counts``), and the words that n-grams
    alone cover, with their counts."""

    by_ngrams: Counter = field(default_factory=Counter)

    def add(self, other):
        self.by_ngrams.update(other.by_ngrams)
        return super().add(other)

    def coverage(self, covered):
        n_types_covered = len(self.covered_rows) + len(self.by_ngrams)
        coverage = _coverage(self.n_tokens, self.n_tokens_covered,
                             n_types_covered + len(self.missing), n_types_covered,
                             self.missing, covered)
        return _with_ngrams(coverage, sum(self.by_ngrams.values()), len(self.by_ngrams))


def encode_with_subwords(token_lists, vocabulary, *, min_n, max_n, ngram_rows, whose,
                         pretrained, lowercase, watch=None):
    """``transform``'s corpus: the fitted ``vocabulary``'s rows, and new rows after them
    for the words that only n-grams cover; the coverage added to ``watch``, which warns
    when few tokens have a vector (see :mod:`sklearn_w2v._text.coverage`).

    Parameters
    ----------
    token_lists : iterable of list of str
    vocabulary : dict of str to int
        The fitted vocabulary, rows ``0..n - 1``.
    min_n, max_n : int
    ngram_rows : bool
        Whether the model has n-gram rows (otherwise no word gets a new row).
    whose : str
        Whose vectors, for the message.
    pretrained : bool
        Whether they come from ``init`` (the coverage is low below 70% of the tokens,
        50% for a model's own vectors, as for word vectors).
    lowercase : bool
    watch : CoverageWatch or None
        The fitted model's watch; None judges these documents alone.

    Returns
    -------
    corpus : EncodedCorpus
    new_words : list of str
        The words of rows ``n, n + 1, ...``, in order of first appearance.
    coverage : SubwordCoverage
        Of these documents alone.
    """
    extended = dict(vocabulary)
    new_words: list[str] = []

    def adding_new_words():
        for tokens in token_lists:
            unknown = set(tokens).difference(extended)
            if unknown and ngram_rows:
                # dict.fromkeys keeps the first appearance order of the document.
                for word in dict.fromkeys(filter(unknown.__contains__, tokens)):
                    if has_character_ngram(word, min_n, max_n):
                        extended[word] = len(extended)
                        new_words.append(word)
            yield tokens

    corpus, counts = _encode_counting(adding_new_words(), extended)
    rows = np.bincount(corpus.ids, minlength=len(extended))
    n_known = len(vocabulary)
    counts = _SubwordCounts(
        counts.n_tokens, counts.n_tokens_covered,
        set(np.flatnonzero(rows[:n_known]).tolist()), counts.missing,
        by_ngrams=Counter(dict(zip(new_words, rows[n_known:].tolist()))))
    covered = WordsWithVectors(vocabulary, min_n, max_n, ngram_rows)

    def judge(window, warned):
        coverage = window.coverage(covered)
        of_what = ("X" if window.n_calls == 1
                   else f"the documents of the last {window.n_calls} transform calls")
        return warn_if_low(
            coverage, what=_describe(coverage, whose) if ngram_rows else whose,
            lowercase=lowercase, fix=_FIX_SHORT_WORDS if ngram_rows else _FIX_NO_NGRAM_ROWS,
            low_share=_LOW_TOKEN_SHARE if pretrained else _LOW_TOKEN_SHARE_TRAINED,
            warned=warned, of_what=of_what)

    coverage = counts.coverage(covered)  # before the watch adds the window's counts to it
    (CoverageWatch() if watch is None else watch).add(counts, judge)
    return corpus, new_words, coverage
