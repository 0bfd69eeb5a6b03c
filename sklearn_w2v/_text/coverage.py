"""How much of a corpus a set of word vectors covers, and one warning per mistake it shows.

A token has a vector when its word (as the analyzer produces it) is a row of the vectors;
the others are skipped by ``transform``, so a document of unknown words becomes a zero row.
With published vectors the usual cause of low coverage is case: the Google News and
fastText vectors are cased ("Paris"), the analyzer lowercases by default ("paris"), GloVe's
are lowercase while ``lowercase=False`` keeps "Paris". Both show in the vocabulary: an
uncovered word whose case variant has a vector. A tokenizer that keeps punctuation
(``analyzer=str.split``: "film.") shows the same way: the word without it has a vector.

When it warns. A share of tokens says something only over enough tokens: one short review
of rare names has none of its three words in any vocabulary. ``fit`` judges ``init``'s
vectors on its whole X, once. ``transform`` is often called on a few documents at a time
(``predict`` in a service, one review per call), so the calls of one fitted model are
judged together: a :class:`CoverageWatch` adds up their counts until they hold
:data:`JUDGED_TOKENS` tokens (a call that brings that many alone is judged alone), judges
them as one window, and starts a new window. It warns at most once per cause and fitted
model, and not about a cause ``fit`` already warned about. The causes, each with its fix:

* ``"case"``: at least 5% of the tokens have no vector but a case variant of their word has;
* ``"punctuation"``: at least 5% of the tokens have no vector but their word without its
  leading and trailing punctuation has: the analyzer keeps what the vectors' tokenizer
  split off;
* ``"low"``: neither, and few tokens have a vector: below 70% for pretrained vectors
  (``init``), which cover nearly all the tokens of ordinary text of their language; below
  50% for the vectors a model learned itself, whose vocabulary is the words of its own
  training text seen ``min_count`` times: text of the same kind stays well above that,
  text of another language or domain far below.

Pure functions over counts and a vocabulary (a dict or any container of words), and the
watch the estimator keeps. Fit calls :func:`fit_coverage` once (when it starts from
vectors), ``transform`` calls :func:`transform_corpus`; both take what the message needs
(the vocabulary, whether the vectors come from ``init`` and which, the analyzer's
``lowercase``), never the estimator.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .._vectors import describe_init
from .encoded_corpus import encode_documents

__all__ = ["JUDGED_TOKENS", "Coverage", "CoverageWatch", "LowCoverageWarning",
           "coverage_of_counts", "encode_with_coverage", "fit_coverage", "transform_corpus",
           "warn_if_low"]

# Tokens a window of transform calls holds before its coverage is judged: enough that the
# share of the text one model transforms varies by a few points from window to window,
# far less than the distance between text like the training text and other text
# (benchmarks/DESIGN.md).
JUDGED_TOKENS = 1000

# Below this share of tokens with a vector, pretrained vectors do not fit the text:
# published vectors cover nearly all the tokens of ordinary English text
# (benchmarks/DESIGN.md).
_LOW_TOKEN_SHARE = 0.7

# The same for a model's own vectors: their vocabulary holds only its training text's
# words seen min_count times, so held-out text of the same kind has a lower share than
# published vectors give, but text of another kind or language a much lower one
# (benchmarks/DESIGN.md).
_LOW_TOKEN_SHARE_TRAINED = 0.5

# Warn about case (or punctuation) too when this share of all tokens has no vector but a
# case variant (the word without its punctuation) has: fixing it would recover that much,
# whatever the total coverage.
_FIXABLE_SHARE = 0.05

# The causes that name their own fix; "low" is warned only when none of them explains it.
_SPECIFIC_CAUSES = frozenset({"case", "punctuation"})

# Leading and trailing non-word characters of a token ("film." -> "film").
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")

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
    n_tokens_punctuation : int
        Tokens without a vector whose word without its leading and trailing punctuation has
        one ("film." when "film" has a vector): what an analyzer that splits punctuation off
        would recover.

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
    n_tokens_punctuation: int = 0

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
    n_case, hint, n_punctuation = _variants(missing, vocabulary)
    examples = tuple(word for word, _ in Counter(missing).most_common(_N_EXAMPLES))
    return Coverage(n_tokens, n_tokens_covered, n_types, n_types_covered, n_case, hint,
                    examples, n_punctuation)


def _variants(missing, vocabulary):
    """``(case tokens, case hint, punctuation tokens)`` of the ``missing`` words (word ->
    count): the tokens a case variant would cover and which way the case differs (the
    direction of the majority of those tokens), and the tokens that their word without
    its leading and trailing punctuation would cover."""
    cased = lowercase = punctuation = 0
    for word, count in missing.items():
        lower = word.lower()
        if word == lower:
            # A lowercased token; cased vectors have it capitalised or in capitals.
            if word.capitalize() in vocabulary or word.upper() in vocabulary:
                cased += count
        elif lower in vocabulary:
            lowercase += count
        stripped = _EDGE_PUNCTUATION.sub("", word)
        if stripped and stripped != word and stripped in vocabulary:
            punctuation += count
    hint = None
    if cased or lowercase:
        hint = "vectors are cased" if cased >= lowercase else "vectors are lowercase"
    return cased + lowercase, hint, punctuation


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


@dataclass
class _Counts:
    """What a coverage is computed from: tokens, covered tokens, the rows of the covered
    words, the uncovered words' counts, and how many transform calls they come from."""

    n_tokens: int
    n_tokens_covered: int
    covered_rows: set
    missing: Counter
    n_calls: int = 1

    def add(self, other):
        """Add ``other``'s counts to these (a window grows by a call)."""
        self.n_tokens += other.n_tokens
        self.n_tokens_covered += other.n_tokens_covered
        self.covered_rows |= other.covered_rows
        self.missing.update(other.missing)
        self.n_calls += other.n_calls
        return self

    def coverage(self, vocabulary):
        return _coverage(self.n_tokens, self.n_tokens_covered,
                         len(self.covered_rows) + len(self.missing), len(self.covered_rows),
                         self.missing, vocabulary)


def _encode_counting(token_lists, vocabulary):
    """``(corpus, counts)``: the encoded token lists and their :class:`_Counts`."""
    counting = _CountingTokens(token_lists, vocabulary)
    corpus = encode_documents(iter(counting), vocabulary)
    covered_rows = set(np.flatnonzero(np.bincount(corpus.ids, minlength=1)).tolist())
    return corpus, _Counts(counting.n_tokens, int(corpus.n_tokens), covered_rows,
                           counting.missing)


def encode_with_coverage(token_lists, vocabulary):
    """``(corpus, coverage)``: :func:`~sklearn_w2v._text.encoded_corpus.encode_documents`
    of the token lists, and their :class:`Coverage` by ``vocabulary`` (word -> row), in one
    pass."""
    corpus, counts = _encode_counting(token_lists, vocabulary)
    return corpus, counts.coverage(vocabulary)


def _causes(coverage, low_share):
    """The mistakes ``coverage`` shows (see the module's docstring)."""
    causes = set()
    fixable = _FIXABLE_SHARE * coverage.n_tokens
    if coverage.n_tokens and coverage.case_hint is not None \
            and coverage.n_tokens_case_variant >= fixable:
        causes.add("case")
    if coverage.n_tokens and coverage.n_tokens_punctuation >= fixable:
        causes.add("punctuation")
    if coverage.token_share < low_share:
        causes.add("low")
    return causes


def _to_warn(causes, warned):
    """The causes to warn about: the specific ones not warned yet, or else "low" if no
    specific cause explains the coverage and it was not warned yet."""
    specific = causes & _SPECIFIC_CAUSES
    return (specific if specific else causes) - set(warned)


def _case_advice(coverage, lowercase):
    if coverage.case_hint == "vectors are cased":
        return ("the vectors are cased but the analyzer lowercases: set lowercase=False"
                if lowercase else "the vectors are cased: the tokens' case differs from "
                "theirs (check the preprocessor)")
    return ("the vectors are lowercase but the analyzer keeps case: set lowercase=True"
            if not lowercase else "the vectors are lowercase: the tokens' case differs "
            "from theirs (check the preprocessor)")


def _message(coverage, causes, *, what, of_what, lowercase, fix):
    """The warning's text: the coverage, the most frequent uncovered words, and the fix
    of each cause in ``causes``."""
    message = (
        f"{what} cover {coverage.token_share:.1%} of the tokens of {of_what} "
        f"({coverage.n_tokens_covered:,} of {coverage.n_tokens:,}; "
        f"{coverage.n_types_covered:,} of {coverage.n_types:,} distinct words). Tokens "
        "without a vector are skipped, and a document without any becomes a row of zeros."
    )
    if coverage.examples:
        message += f" Most frequent words without one: {', '.join(coverage.examples)}."
    if "case" in causes:
        share = coverage.n_tokens_case_variant / coverage.n_tokens
        message += (f" {share:.1%} of the tokens have no vector but a case variant has one: "
                    f"{_case_advice(coverage, lowercase)}.")
    if "punctuation" in causes:
        share = coverage.n_tokens_punctuation / coverage.n_tokens
        message += (f" {share:.1%} of the tokens have no vector but would have one without "
                    "their leading or trailing punctuation: the analyzer keeps punctuation "
                    "that the vectors' tokenizer split off (the default token_pattern splits "
                    "it off; check analyzer, tokenizer and token_pattern).")
    if not causes & _SPECIFIC_CAUSES:
        message += f" {fix}"
    return message


def warn_if_low(coverage, *, what, lowercase, fix, low_share=_LOW_TOKEN_SHARE, warned=(),
                of_what="X"):
    """Warn once (one :class:`LowCoverageWarning`) about the mistakes ``coverage`` shows
    that are not in ``warned``; return the causes it warned about (an empty set if none).

    Parameters
    ----------
    coverage : Coverage
    what : str
        Whose coverage, for the message ("the vectors of init='glove.txt'").
    lowercase : bool
        The estimator's ``lowercase``, to name the parameter that fixes a case mismatch.
    fix : str
        What to do about a low coverage that no specific cause explains, for the message.
    low_share : float, default=0.7
        Below this share of covered tokens, the coverage is low.
    warned : collection of str, default=()
        Causes warned about before, not repeated.
    of_what : str, default="X"
        Whose tokens, for the message.

    Returns
    -------
    set of str
        Among ``"case"``, ``"punctuation"`` and ``"low"``.
    """
    causes = _to_warn(_causes(coverage, low_share), warned)
    if causes:
        warnings.warn(_message(coverage, causes, what=what, of_what=of_what,
                               lowercase=lowercase, fix=fix),
                      LowCoverageWarning, stacklevel=2)
    return causes


class CoverageWatch:
    """The coverage of the documents one fitted model transforms, judged by windows of at
    least ``min_tokens`` tokens, each cause warned about once.

    The estimator makes a new one at every fit and keeps it with its fitted state. A
    pickled or copied watch starts over: a model loaded elsewhere may warn again. The
    counts of concurrent ``transform`` calls (threads) are added under a lock.

    Parameters
    ----------
    min_tokens : int, default=JUDGED_TOKENS
        Tokens a window holds before it is judged.

    Attributes
    ----------
    warned : set of str
        The causes warned about so far (by the fit too).
    n_pending_tokens : int
        Tokens of the calls not judged yet.

    Examples
    --------
    >>> from sklearn_w2v._text import CoverageWatch
    >>> watch = CoverageWatch(min_tokens=1000)
    >>> watch.n_pending_tokens, watch.warned
    (0, set())
    """

    def __init__(self, min_tokens=JUDGED_TOKENS):
        self._start(min_tokens)

    def _start(self, min_tokens):
        self.min_tokens = min_tokens
        self.warned: set[str] = set()
        self._window: _Counts | None = None
        self._lock = threading.Lock()

    def __getstate__(self):
        return {"min_tokens": self.min_tokens}

    def __setstate__(self, state):
        self._start(state["min_tokens"])

    @property
    def n_pending_tokens(self):
        return 0 if self._window is None else self._window.n_tokens

    def seen_at_fit(self, coverage):
        """Count the causes that the fit's warning about ``init``'s ``coverage`` named."""
        if coverage is not None:
            self.warned |= _to_warn(_causes(coverage, _LOW_TOKEN_SHARE), ())

    def add(self, counts, judge):
        """Add one call's counts; once the window holds ``min_tokens`` tokens, call
        ``judge(window, warned)`` and record the causes it returns as warned. Under the
        watch's lock, so that two threads never warn about the same cause."""
        with self._lock:
            window = counts if self._window is None else self._window.add(counts)
            if window.n_tokens < self.min_tokens:
                self._window = window
                return
            self._window = None
            self.warned |= judge(window, frozenset(self.warned))


# --------------------------------------------------------------- the calls of fit, transform

_FIX_PRETRAINED = (
    "Use vectors trained on text like X, or fine-tune them on X (fit with epochs > 0) so "
    "that its frequent words get vectors; check that the analyzer splits words the way the "
    "vectors' tokenizer did (token_pattern).")


def _fix_trained(min_count):
    rarer = ("lower min_count" if min_count is None
             else f"lower min_count (now {min_count})")
    return ("The model was fitted on other text (another language or kind of text?): fit "
            f"it on text like X, or {rarer} so that rarer words get vectors.")


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


def transform_corpus(token_lists, vocabulary, *, pretrained, init, lowercase, watch=None,
                     min_count=None):
    """The encoded corpus of the token lists of ``transform``, with a warning when the
    fitted vectors cover too little of the documents transformed (see the module's
    docstring: judged by ``watch`` over windows of calls, once per cause).

    Parameters
    ----------
    token_lists : iterable of list of str
        Tokens of each document.
    vocabulary : dict of str to int
        The fitted vocabulary (word -> row).
    pretrained : bool
        Whether the vectors come from ``init`` (loaded, pretrained or fine-tuned), not from
        training on text alone: the warning then names ``init``, suggests vectors trained
        on text like X and judges "low" at 70% of the tokens (50% for a model's own
        vectors).
    init, lowercase :
        See :func:`fit_coverage`.
    watch : CoverageWatch or None, default=None
        The fitted model's watch; None judges these documents alone (with the watch's
        minimum of tokens).
    min_count : int or None, default=None
        The model's ``min_count``, named in the advice about a model's own vectors.

    Returns
    -------
    EncodedCorpus
    """
    corpus, counts = _encode_counting(token_lists, vocabulary)

    def judge(window, warned):
        of_what = ("X" if window.n_calls == 1
                   else f"the documents of the last {window.n_calls} transform calls")
        what = (f"The vectors of {describe_init(init)}" if pretrained
                else "The vectors of this model")
        return warn_if_low(
            window.coverage(vocabulary), what=what, lowercase=lowercase,
            fix=_FIX_PRETRAINED if pretrained else _fix_trained(min_count),
            low_share=_LOW_TOKEN_SHARE if pretrained else _LOW_TOKEN_SHARE_TRAINED,
            warned=warned, of_what=of_what)

    (CoverageWatch() if watch is None else watch).add(counts, judge)
    return corpus
