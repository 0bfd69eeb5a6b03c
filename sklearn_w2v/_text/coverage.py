"""How much of a corpus a set of word vectors covers, and the one warning when it is little.

A token has a vector when its word (as the analyzer produces it) is a row of the vectors;
the others are skipped by ``transform``, so a document of unknown words becomes a zero row.
With published vectors the usual cause of low coverage is case: the Google News and
fastText vectors are cased ("Paris"), the analyzer lowercases by default ("paris"), GloVe's
are lowercase while ``lowercase=False`` keeps "Paris". Both show in the vocabulary: an
uncovered word whose case variant has a vector.

Pure functions over counts and a vocabulary (a dict or any container of words). Fit calls
:func:`fit_coverage` once (when it starts from vectors), ``transform`` calls
:func:`transform_corpus`; both take what the message needs (the vocabulary, whether the
vectors come from ``init`` and which, the analyzer's ``lowercase``), never the estimator.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .._vectors import describe_init
from .encoded_corpus import encode_documents

__all__ = ["Coverage", "LowCoverageWarning", "coverage_of_counts", "encode_with_coverage",
           "fit_coverage", "transform_corpus", "warn_if_low"]

# Below this share of tokens with a vector, a document representation loses most of its
# words: warn. Published vectors cover nearly all the tokens of ordinary English text
# (benchmarks/DESIGN.md).
_LOW_TOKEN_SHARE = 0.7

# Warn about case too when this share of all tokens has no vector but a case variant has:
# fixing the case would recover that much, whatever the total coverage.
_CASE_FIXABLE_SHARE = 0.05

# Uncovered words named in the warning, the most frequent first.
_N_EXAMPLES = 5


class LowCoverageWarning(UserWarning):
    """Few tokens of the documents have a word vector (see ``Coverage``).

    Examples
    --------
    >>> import warnings
    >>> from sklearn_w2v import LowCoverageWarning, Word2VecTransformer
    >>> model = Word2VecTransformer(init=(["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]]),
    ...                             vector_size=2, epochs=0)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = model.fit(["the cat and the dog", "a cat"])
    >>> [warning.category.__name__ for warning in caught]
    ['LowCoverageWarning']
    >>> str(caught[0].message)[:46]
    'The vectors of init (a (words, vectors) tuple)'
    """


@dataclass(frozen=True)
class Coverage:
    """How many tokens and distinct words (types) of a corpus have a word vector.

    Attributes
    ----------
    n_tokens, n_tokens_covered : int
        Tokens of the corpus, and those whose word has a vector.
    n_types, n_types_covered : int
        Distinct words of the corpus, and those with a vector.
    n_tokens_case_variant : int
        Tokens without a vector whose word has a case variant with one ("paris" when
        "Paris" has a vector): what changing ``lowercase`` would recover.
    case_hint : str or None
        ``"vectors are cased"`` (uncovered lowercase words, their capitalised forms have
        vectors: the analyzer lowercases, the vectors do not), ``"vectors are lowercase"``
        (the reverse), or None.
    examples : tuple of str
        The most frequent words without a vector.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_w2v import Word2VecTransformer
    >>> model = Word2VecTransformer(init=(["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]]),
    ...                             vector_size=2, epochs=0)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # a LowCoverageWarning: 3 of 7 tokens have one
    ...     model = model.fit(["the cat and the dog", "a cat"])
    >>> model.coverage_.n_tokens, model.coverage_.n_tokens_covered
    (7, 3)
    >>> model.coverage_.examples
    ('the', 'and', 'a')
    """

    n_tokens: int
    n_tokens_covered: int
    n_types: int
    n_types_covered: int
    n_tokens_case_variant: int = 0
    case_hint: str | None = None
    examples: tuple[str, ...] = ()

    @property
    def token_share(self) -> float:
        """Share of the tokens that have a vector (1.0 for an empty corpus).

        Examples
        --------
        >>> from sklearn_w2v import Coverage
        >>> Coverage(n_tokens=8, n_tokens_covered=6, n_types=4, n_types_covered=2).token_share
        0.75
        """
        return self.n_tokens_covered / self.n_tokens if self.n_tokens else 1.0

    @property
    def type_share(self) -> float:
        """Share of the distinct words that have a vector (1.0 for an empty corpus).

        Examples
        --------
        >>> from sklearn_w2v import Coverage
        >>> Coverage(n_tokens=8, n_tokens_covered=6, n_types=4, n_types_covered=2).type_share
        0.5
        """
        return self.n_types_covered / self.n_types if self.n_types else 1.0


def coverage_of_counts(words, counts, vocabulary):
    """The :class:`Coverage` of a corpus given by its distinct ``words`` and their ``counts``.

    Parameters
    ----------
    words : sequence of str
        Distinct words of the corpus.
    counts : array-like of int
        Occurrences of each.
    vocabulary : container of str
        The words that have a vector.
    """
    counts = np.asarray(counts, dtype=np.int64)
    covered = np.fromiter((word in vocabulary for word in words), dtype=bool,
                          count=len(words))
    missing = {words[i]: int(counts[i]) for i in np.flatnonzero(~covered).tolist()}
    return _coverage(int(counts.sum()), int(counts[covered].sum()), len(words),
                     int(covered.sum()), missing, vocabulary)


def _coverage(n_tokens, n_tokens_covered, n_types, n_types_covered, missing, vocabulary):
    n_case, hint = _case_variants(missing, vocabulary)
    examples = tuple(word for word, _ in Counter(missing).most_common(_N_EXAMPLES))
    return Coverage(n_tokens, n_tokens_covered, n_types, n_types_covered, n_case, hint,
                    examples)


def _case_variants(missing, vocabulary):
    """Tokens of the ``missing`` words (word -> count) that a case variant would cover, and
    which way the case differs (the direction of the majority of those tokens)."""
    cased = lowercase = 0
    for word, count in missing.items():
        lower = word.lower()
        if word == lower:
            # A lowercased token; cased vectors have it capitalised or in capitals.
            if word.capitalize() in vocabulary or word.upper() in vocabulary:
                cased += count
        elif lower in vocabulary:
            lowercase += count
    if not cased and not lowercase:
        return 0, None
    return cased + lowercase, ("vectors are cased" if cased >= lowercase
                               else "vectors are lowercase")


class _CountingTokens:
    """Passes token lists through while counting the tokens and the words not covered."""

    def __init__(self, token_lists, vocabulary):
        self._token_lists = token_lists
        self._vocabulary = vocabulary
        self.n_tokens = 0
        self.missing: Counter[str] = Counter()

    def __iter__(self):
        vocabulary, missing = self._vocabulary, self.missing
        for tokens in self._token_lists:
            self.n_tokens += len(tokens)
            # Set operations and Counter.update over filter() run in C: the words a
            # document lacks are found without a Python loop over its tokens.
            unknown = set(tokens).difference(vocabulary)
            if unknown:
                missing.update(filter(unknown.__contains__, tokens))
            yield tokens


def encode_with_coverage(token_lists, vocabulary):
    """``(corpus, coverage)``: :func:`~sklearn_w2v._text.encoded_corpus.encode_documents`
    of the token lists, and their :class:`Coverage` by ``vocabulary`` (word -> row), in one
    pass."""
    counting = _CountingTokens(token_lists, vocabulary)
    corpus = encode_documents(iter(counting), vocabulary)
    n_types_covered = int(np.count_nonzero(np.bincount(corpus.ids, minlength=1)))
    coverage = _coverage(counting.n_tokens, int(corpus.n_tokens),
                         n_types_covered + len(counting.missing), n_types_covered,
                         counting.missing, vocabulary)
    return corpus, coverage


def warn_if_low(coverage, *, what, lowercase, fix):
    """Warn once (one :class:`LowCoverageWarning`) if ``coverage`` is low or a case
    mismatch costs many tokens; return whether it warned.

    Parameters
    ----------
    coverage : Coverage
    what : str
        Whose coverage, for the message ("the vectors of init='glove.txt'").
    lowercase : bool
        The estimator's ``lowercase``, to name the parameter that fixes a case mismatch.
    fix : str
        What else to do about low coverage, for the message.
    """
    low = coverage.token_share < _LOW_TOKEN_SHARE
    case = (coverage.case_hint is not None and coverage.n_tokens
            and coverage.n_tokens_case_variant >= _CASE_FIXABLE_SHARE * coverage.n_tokens)
    if not (low or case):
        return False
    message = (
        f"{what} cover {coverage.token_share:.1%} of the tokens of X "
        f"({coverage.n_tokens_covered} of {coverage.n_tokens}; {coverage.n_types_covered} of "
        f"{coverage.n_types} distinct words). Tokens without a vector are skipped, and a "
        "document without any becomes a row of zeros."
    )
    if coverage.examples:
        message += f" Most frequent words without one: {', '.join(coverage.examples)}."
    if case:
        share = coverage.n_tokens_case_variant / coverage.n_tokens
        if coverage.case_hint == "vectors are cased":
            advice = ("the vectors are cased but the analyzer lowercases: set "
                      "lowercase=False" if lowercase else "the vectors are cased: the "
                      "tokens' case differs from theirs (check the preprocessor)")
        else:
            advice = ("the vectors are lowercase but the analyzer keeps case: set "
                      "lowercase=True" if not lowercase else "the vectors are lowercase: "
                      "the tokens' case differs from theirs (check the preprocessor)")
        message += (f" {share:.1%} of the tokens have no vector but a case variant has one: "
                    f"{advice}.")
    else:
        message += f" {fix}"
    warnings.warn(message, LowCoverageWarning, stacklevel=2)
    return True


# --------------------------------------------------------------- the calls of fit, transform

_FIX_PRETRAINED = (
    "Use vectors trained on text like X, or fine-tune them on X (fit with epochs > 0) so "
    "that its frequent words get vectors; check that the analyzer splits words the way the "
    "vectors' tokenizer did (token_pattern).")
_FIX_TRAINED = ("The model was fitted on other text: fit it on text like X (or lower "
                "min_count so that rarer words get vectors).")


def fit_coverage(words, counts, vocabulary, *, pretrained, init, lowercase):
    """The ``coverage_`` of a fit: how much of X the vectors it starts from cover.

    Parameters
    ----------
    words : sequence of str
        Distinct words of X.
    counts : array-like of int
        Occurrences of each.
    vocabulary : container of str
        The words of the vectors the fit starts from.
    pretrained : bool
        Whether those vectors are ``init``'s (then a low coverage warns), not the fitted
        model's own (``warm_start``, ``partial_fit``).
    init : object
        The estimator's ``init``, named in the warning.
    lowercase : bool
        The analyzer's ``lowercase``, for the case hint.

    Returns
    -------
    Coverage
    """
    coverage = coverage_of_counts(words, counts, vocabulary)
    if pretrained:
        warn_if_low(coverage, what=f"The vectors of {describe_init(init)}",
                    lowercase=lowercase, fix=_FIX_PRETRAINED)
    return coverage


def transform_corpus(token_lists, vocabulary, *, pretrained, init, lowercase):
    """The encoded corpus of the token lists of ``transform``, with a warning when the
    fitted vectors cover little of it.

    Parameters
    ----------
    token_lists : iterable of list of str
        Tokens of each document.
    vocabulary : dict of str to int
        The fitted vocabulary (word -> row).
    pretrained : bool
        Whether the vectors come from ``init`` (loaded, pretrained or fine-tuned), not from
        training on text alone: the warning then names ``init`` and suggests vectors
        trained on text like X.
    init, lowercase :
        See :func:`fit_coverage`.

    Returns
    -------
    EncodedCorpus
    """
    corpus, coverage = encode_with_coverage(token_lists, vocabulary)
    what = (f"The vectors of {describe_init(init)}" if pretrained
            else "The vectors of this model")
    warn_if_low(coverage, what=what, lowercase=lowercase,
                fix=_FIX_PRETRAINED if pretrained else _FIX_TRAINED)
    return corpus
