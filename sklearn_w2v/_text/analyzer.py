"""Turn raw documents into lists of word tokens.

The parameters mirror :class:`sklearn.feature_extraction.text.CountVectorizer`
(``analyzer``, ``lowercase``, ``token_pattern``, ``tokenizer``,
``preprocessor``, ``encoding``, ``decode_error``) so that a pipeline can switch
between a bag-of-words model and word2vec without relearning the text options.

Two things differ from ``CountVectorizer``:

* The default ``token_pattern`` keeps one-letter words. ``CountVectorizer``
  drops "a" and "I" because they carry no information as features, but in
  word2vec they are contexts of their neighbours and removing them changes
  which words fall inside each window.
* A document may already be tokenized: a ``list`` or ``tuple`` of ``str`` (the
  convention of gensim's ``Word2Vec``). Such a document is used verbatim; none
  of the text options (not even ``lowercase``) are applied to it.
"""

import codecs
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import repeat

import numpy as np

__all__ = [
    "DEFAULT_TOKEN_PATTERN",
    "build_analyzer",
    "check_documents",
    "iter_token_lists",
]

# Unlike CountVectorizer's r"(?u)\b\w\w+\b", one-letter words ("a", "i") are
# kept: they matter as word2vec contexts.
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w+\b"

# The values CountVectorizer accepts for ``decode_error``.
_DECODE_ERROR_OPTIONS = ("strict", "ignore", "replace")

_EXPECTED_DOCUMENT = "expected a str, bytes or a list of str tokens"


def build_analyzer(
    *,
    analyzer="word",
    lowercase=True,
    token_pattern=DEFAULT_TOKEN_PATTERN,
    tokenizer=None,
    preprocessor=None,
    encoding="utf-8",
    decode_error="strict",
) -> Callable[[object], list[str]]:
    """Return a callable that turns one text document into a list of tokens.

    The steps follow ``CountVectorizer(analyzer="word")``: bytes are decoded
    with ``encoding`` / ``decode_error``; the text is passed through
    ``preprocessor`` if given, else lowercased if ``lowercase``; it is then
    split by ``tokenizer`` if given, else by ``token_pattern``.

    Parameters
    ----------
    analyzer : {"word"} or callable, default="word"
        ``"word"`` runs the steps above. A callable receives the decoded
        document (a ``str``) and must return its tokens; ``lowercase``,
        ``token_pattern``, ``tokenizer`` and ``preprocessor`` are then ignored,
        as in ``CountVectorizer``. Character analyzers (``"char"``,
        ``"char_wb"``) are rejected because word2vec learns one vector per
        word.
    lowercase : bool, default=True
        Lowercase the text before tokenizing. Ignored if ``preprocessor`` is
        given (the preprocessor replaces this step, as in ``CountVectorizer``).
    token_pattern : str or re.Pattern, default=DEFAULT_TOKEN_PATTERN
        Regular expression whose matches are the tokens. If it has one
        capturing group, the group's content is the token. Ignored if
        ``tokenizer`` is given.
    tokenizer : callable or None, default=None
        Function ``str -> list of str`` that replaces ``token_pattern``.
    preprocessor : callable or None, default=None
        Function ``str -> str`` applied before tokenizing; replaces the
        lowercasing step.
    encoding : str, default="utf-8"
        Encoding used to decode ``bytes`` documents.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that are invalid in ``encoding``.

    Returns
    -------
    analyze : callable
        ``analyze(doc) -> list[str]`` for a ``str`` or ``bytes`` document.
        Pre-tokenized documents are handled by :func:`iter_token_lists`, not
        by this callable.

    Raises
    ------
    ValueError
        If ``analyzer`` is a string other than ``"word"``, ``token_pattern``
        is not a valid regular expression or has more than one capturing
        group, ``encoding`` is unknown, or ``decode_error`` is not one of the
        options.
    TypeError
        If ``tokenizer`` or ``preprocessor`` is neither None nor callable, or
        ``token_pattern`` is neither a str nor a compiled pattern.

    Examples
    --------
    >>> analyze = build_analyzer()
    >>> analyze("I saw a Cat")
    ['i', 'saw', 'a', 'cat']
    >>> build_analyzer(analyzer=str.split)("I saw a Cat")
    ['I', 'saw', 'a', 'Cat']
    """
    _check_decoding_options(encoding, decode_error)

    def decode(doc):
        return doc.decode(encoding, decode_error)

    if callable(analyzer):
        return _make_callable_analyzer(analyzer, decode)
    _check_analyzer_name(analyzer)

    for name, value in (("tokenizer", tokenizer), ("preprocessor", preprocessor)):
        if value is not None and not callable(value):
            raise TypeError(
                f"`{name}` must be None or a callable, got {type(value).__name__}."
            )

    if tokenizer is None:
        split = _compile_token_pattern(token_pattern).findall
    else:
        split = tokenizer

    split_name = "token_pattern" if tokenizer is None else "tokenizer"

    if preprocessor is not None:
        normalize = preprocessor
    elif lowercase:
        normalize = str.lower
    else:
        normalize = None

    if tokenizer is None and preprocessor is None:
        # Fast path for the common configuration: the whole analyzer is one
        # Python call around two C calls (lower, findall), with no per-token
        # Python work. ``type(doc) is str`` is cheaper than isinstance and
        # catches nearly every document; the rest go through the slow path.
        def analyze(doc):
            if type(doc) is not str:
                doc = _to_text(doc, decode)
            if normalize is not None:
                doc = normalize(doc)
            return split(doc)

        return analyze

    # A user-supplied preprocessor or tokenizer may return anything, so its
    # output is checked here to fail with a clear message instead of building
    # a vocabulary of non-strings.
    def analyze_with_callables(doc):
        text = _to_text(doc, decode)
        if normalize is not None:
            text = normalize(text)
            if not isinstance(text, str):
                raise TypeError(
                    "`preprocessor` must return a str, got "
                    f"{type(text).__name__}."
                )
        return _check_tokens(split(text), split_name)

    return analyze_with_callables


def _make_callable_analyzer(analyzer, decode):
    """Wrap a user analyzer so it gets decoded text and returns a checked list."""

    def analyze_with_user_analyzer(doc):
        return _check_tokens(analyzer(_to_text(doc, decode)), "analyzer")

    return analyze_with_user_analyzer


def _check_analyzer_name(analyzer):
    if isinstance(analyzer, str) and analyzer in ("char", "char_wb"):
        raise ValueError(
            f"analyzer={analyzer!r} is not supported: word2vec learns one "
            "vector per word, so it needs word tokens. Use analyzer='word' or "
            "a callable that returns a list of words."
        )
    if analyzer != "word":
        raise ValueError(
            "`analyzer` must be 'word' or a callable returning a list of str "
            f"tokens, got {analyzer!r}."
        )


def _check_decoding_options(encoding, decode_error):
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError) as error:
        raise ValueError(
            f"`encoding` must be the name of a Python codec, got {encoding!r}."
        ) from error
    if decode_error not in _DECODE_ERROR_OPTIONS:
        raise ValueError(
            f"`decode_error` must be one of {_DECODE_ERROR_OPTIONS}, got "
            f"{decode_error!r}."
        )


# For findall, r"\b\w+\b" and r"\w+" find exactly the same tokens: a greedy
# \w+ run always starts after a non-word character (or at the start) and ends
# before one, so the \b assertions never reject a match. Dropping them makes
# tokenizing the default way faster (benchmarks/DESIGN.md).
_EQUIVALENT_FASTER_PATTERNS = {DEFAULT_TOKEN_PATTERN: r"(?u)\w+"}


def _compile_token_pattern(token_pattern):
    if isinstance(token_pattern, re.Pattern):
        compiled = token_pattern
    elif isinstance(token_pattern, str):
        try:
            compiled = re.compile(
                _EQUIVALENT_FASTER_PATTERNS.get(token_pattern, token_pattern)
            )
        except re.error as error:
            raise ValueError(
                f"`token_pattern` {token_pattern!r} is not a valid regular "
                f"expression: {error}"
            ) from error
    else:
        raise TypeError(
            "`token_pattern` must be a str or a compiled regular expression "
            f"(or pass a `tokenizer`), got {type(token_pattern).__name__}."
        )
    # findall returns tuples when there are several groups, which are not
    # tokens; CountVectorizer rejects this case too.
    if compiled.groups > 1:
        raise ValueError(
            f"`token_pattern` {compiled.pattern!r} has {compiled.groups} "
            "capturing groups; at most one is allowed (its match is the "
            "token). Use non-capturing groups (?:...) for the others."
        )
    return compiled


def _to_text(doc, decode):
    """Return ``doc`` as str, decoding bytes; reject anything else."""
    if isinstance(doc, str):
        return doc
    if isinstance(doc, bytes):
        return decode(doc)
    raise TypeError(
        f"A document of type {type(doc).__name__} cannot be analyzed; expected a str "
        f"or bytes. {_fix_for_document(doc)}"
    )


def _check_tokens(tokens, producer_name):
    """Return ``tokens`` as a list after checking that every token is a str."""
    if type(tokens) is not list:
        if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Iterable):
            raise TypeError(
                f"`{producer_name}` must return a list of str tokens, got "
                f"{type(tokens).__name__}."
            )
        tokens = list(tokens)
    position = _first_non_str_position(tokens)
    if position is not None:
        raise TypeError(
            f"`{producer_name}` returned a token of type "
            f"{type(tokens[position]).__name__} at position {position}; "
            "tokens must be str."
        )
    return tokens


def _first_non_str_position(tokens):
    """Index of the first element that is not a str, or None.

    ``all(map(isinstance, ...))`` runs the check at C level, so the common
    all-valid case costs no Python bytecode per token.
    """
    if all(map(isinstance, tokens, repeat(str))):
        return None
    return next(i for i, token in enumerate(tokens) if not isinstance(token, str))


def check_documents(X, *, param_name="X"):
    """Check that ``X`` is a collection of documents and return the documents.

    Only the container is checked (the documents are checked one by one by
    :func:`iter_token_lists`, so that a generator is not consumed here). A table with one
    column (a pandas or polars DataFrame, a numpy array of shape (n, 1)) is read as that
    column of documents, as scikit-learn's ``ColumnTransformer`` and skrub's
    ``TableVectorizer`` pass a text column to a transformer.

    Parameters
    ----------
    X : iterable
        The documents: list, tuple, 1-D numpy array, pandas or polars Series, generator,
        a one-column DataFrame or (n, 1) array, ... Each document is a str, bytes, or a
        list/tuple of str tokens.
    param_name : str, default="X"
        Name used for ``X`` in error messages.

    Returns
    -------
    documents : iterable
        ``X`` itself, or its only column.

    Raises
    ------
    TypeError
        If ``X`` is None, a single str or bytes, a mapping, a DataFrame with several
        columns or none, or not iterable.
    ValueError
        If ``X`` is a numpy array that is neither one-dimensional nor one column.

    Examples
    --------
    >>> import numpy as np
    >>> check_documents(np.array([["a cat"], ["a dog"]], dtype=object)).tolist()
    ['a cat', 'a dog']
    """
    if X is None:
        raise TypeError(
            f"`{param_name}` is None; expected an iterable of documents, e.g. a "
            "list of str."
        )
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"`{param_name}` must be an iterable of documents, but got a single "
            f"{type(X).__name__}; wrap it in a list: [text]."
        )
    if isinstance(X, Mapping):
        # Iterating a dict yields its keys, which is never what was meant.
        raise TypeError(
            f"`{param_name}` is a {type(X).__name__}; expected an iterable of "
            "documents. Pass its values explicitly, e.g. list(X.values())."
        )
    if _is_dataframe(X):
        return _text_column(X, param_name)
    if isinstance(X, np.ndarray) and X.ndim != 1:
        if X.ndim == 2 and X.shape[1] == 1:
            return X[:, 0]
        raise ValueError(
            f"`{param_name}` must be a one-dimensional array of documents (or one "
            f"column), got an array of shape {X.shape}. Select the text column, e.g. "
            f"{param_name}[:, 0]."
        )
    if not isinstance(X, Iterable):
        raise TypeError(
            f"`{param_name}` must be an iterable of documents (e.g. a list of "
            f"str), got {type(X).__name__}."
        )
    return X


def _is_dataframe(X):
    # Duck-typed so that pandas and polars need not be imported: both have `columns` and a
    # two-dimensional `shape` (polars has no `ndim`); their Series have no `columns`.
    shape = getattr(X, "shape", None)
    return (hasattr(X, "columns") and isinstance(shape, tuple) and len(shape) == 2
            and not isinstance(X, np.ndarray))


def _text_column(frame, param_name):
    """The only column of a DataFrame (pandas or polars), or the error that names the fix.

    Iterating a DataFrame yields its column names (pandas) or its columns (polars), never
    its rows, so a frame is never iterated as it is.
    """
    columns = list(frame.columns)
    if len(columns) == 1:
        return frame[columns[0]]
    shown = ", ".join(repr(column) for column in columns[:5])
    if len(columns) > 5:
        shown += ", ..."
    example = repr(columns[0]) if columns else "'text'"
    raise TypeError(
        f"`{param_name}` is a DataFrame with {len(columns)} columns ({shown}); a text "
        f"transformer reads one column of documents. Select the text column, e.g. "
        f"{param_name}[{example}], or in a ColumnTransformer give that column alone "
        f"(as a string {example} or a list [{example}])."
    )


def _is_list_of_str_lists(X):
    """Whether ``X`` is a list or tuple of lists (exactly) that contain only str.

    Checked in two C-level passes instead of one Python-level check per document:
    ``str.join`` raises TypeError at the first non-str token (subclasses of str pass,
    as with ``isinstance``). This is faster than the per-document loop of
    :func:`iter_token_lists` (benchmarks/DESIGN.md). When it fails, the
    per-document loop runs from the start and raises at the right document.
    """
    if not isinstance(X, (list, tuple)) or set(map(type, X)) != {list}:
        return False
    try:
        deque(map("".join, X), maxlen=0)
    except TypeError:
        return False
    return True


def iter_token_lists(X, analyzer) -> Iterator[list[str]]:
    """Yield the token list of each document in ``X``, in order.

    Parameters
    ----------
    X : iterable
        Documents, checked with :func:`check_documents` (a one-column table is
        read as its column). A ``str`` or ``bytes`` document is passed to ``analyzer``. A ``list`` or ``tuple``
        of ``str`` is a pre-tokenized document and is yielded verbatim (as a
        list): no decoding, lowercasing or splitting is applied to it.
    analyzer : callable
        ``analyzer(doc) -> list[str]``, usually from :func:`build_analyzer`.

    Yields
    ------
    tokens : list of str
        Tokens of one document; an empty list for an empty document, so that
        the i-th list always belongs to the i-th document.

    Raises
    ------
    TypeError
        If ``X`` is not a valid collection of documents, or (when the document
        is reached) a document is missing (None, NaN), a number, or a list/tuple
        containing a non-str. The message gives the document's position in ``X``,
        what it is and what to do.
    UnicodeDecodeError
        If a ``bytes`` document cannot be decoded and ``decode_error`` is
        ``"strict"``. The message gives the document's position in ``X``.
    """
    X = check_documents(X)
    if _is_list_of_str_lists(X):
        yield from X  # nothing left to check or convert (the usual pre-tokenized input)
        return
    for index, doc in enumerate(X):
        # Checking the exact type first keeps the usual case to one test.
        doc_type = type(doc)
        if doc_type is str:
            yield analyzer(doc)
        elif doc_type is list or doc_type is tuple or isinstance(doc, (list, tuple)):
            position = _first_non_str_position(doc)
            if position is not None:
                raise TypeError(
                    f"Document {index} is a {doc_type.__name__} whose token "
                    f"{position} is of type {type(doc[position]).__name__}; "
                    "a pre-tokenized document must contain only str tokens."
                )
            yield doc if doc_type is list else list(doc)
        elif isinstance(doc, (str, bytes)):
            yield _analyze_naming_document(analyzer, doc, index)
        else:
            raise TypeError(
                f"Document {index} is {_describe_document(doc)}; {_EXPECTED_DOCUMENT}. "
                f"{_fix_for_document(doc)}"
            )


def _is_missing(doc):
    """Whether ``doc`` is a missing value: None, NaN, pandas' NA or NaT (duck-typed)."""
    if doc is None:
        return True
    if isinstance(doc, (float, np.floating)):
        return bool(doc != doc)
    return type(doc).__name__ in ("NAType", "NaTType")


def _describe_document(doc):
    """What a document that is not a text is, for messages: its type, and its value when
    that is short (a number, a missing value)."""
    name = type(doc).__name__
    if _is_missing(doc):
        return f"missing ({doc!r}, of type {name})"
    if isinstance(doc, (bool, int, float, complex, np.number)):
        return f"a number ({doc!r}, of type {name})"
    return f"of type {name}"


def _fix_for_document(doc):
    """What to do about a document that is not a text, by what it is."""
    if _is_missing(doc):
        return ("Missing documents have no text: remove them or fill them with an empty "
                "text (e.g. X.fillna('') for pandas, X.fill_null('') for polars).")
    if isinstance(doc, (bool, int, float, complex, np.number)):
        return ("Numbers are not documents: is X the text column? If the numbers are the "
                "text, convert them first (e.g. [str(x) for x in X] or X.astype(str)).")
    if hasattr(doc, "shape") or hasattr(doc, "columns"):
        return ("X yields arrays or columns instead of documents: pass one column of "
                "text (a list of str, a Series, or a one-column DataFrame).")
    return "Convert each document to a str (or a list of str tokens) first."


def _analyze_naming_document(analyzer, doc, index):
    """``analyzer(doc)``, with the document's position added to a decoding error.

    The error stays a UnicodeDecodeError (a ValueError), so code that catches
    either still does; only its reason gains the position and the fix, and
    the original error is chained.
    """
    try:
        return analyzer(doc)
    except UnicodeDecodeError as error:
        raise UnicodeDecodeError(
            error.encoding, error.object, error.start, error.end,
            f"{error.reason} in document {index}; pass decode_error='replace' "
            "or 'ignore', or the documents' `encoding`",
        ) from error
