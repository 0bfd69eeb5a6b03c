"""The text and corpus settings of a fit, resolved once from an estimator's parameters.

:class:`TextSettings` turns CountVectorizer's analyzer options into the analyzer;
:class:`CorpusSettings` says which words make the vocabulary and where the encoded corpus
lives during a fit. Each estimator passes the options it has by name (see
``sklearn_w2v._estimators``); nothing here reads an estimator.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._utils import check_not_boolean
from .analyzer import build_analyzer
from .corpus_stores import corpus_store

# The options that define which tokens a fitted model has: training can only continue
# (warm_start, partial_fit) with the values the model was fitted with.
TEXT_STRUCTURE = ("lowercase", "token_pattern", "tokenizer", "preprocessor", "analyzer",
                  "encoding", "decode_error")


@dataclass(frozen=True)
class TextSettings:
    """How documents become tokens.

    Attributes
    ----------
    analyzer : callable
        Document -> list of tokens (CountVectorizer's rules).
    lowercase : bool
        Whether raw text is lowercased (coverage messages suggest it).
    structure : dict
        The options of :data:`TEXT_STRUCTURE`, recorded on a fitted model.
    """

    analyzer: Callable[[Any], list]
    lowercase: bool
    structure: dict

    @classmethod
    def resolve(cls, *, lowercase, token_pattern, tokenizer, preprocessor, analyzer,
                encoding, decode_error):
        """The settings of these analyzer options (CountVectorizer's meanings).

        Raises
        ------
        TypeError
            If ``tokenizer`` is not a callable or None.
        """
        if tokenizer is not None and not callable(tokenizer):
            raise TypeError("tokenizer must be a callable or None.")
        options = {"lowercase": lowercase, "token_pattern": token_pattern,
                   "tokenizer": tokenizer, "preprocessor": preprocessor,
                   "analyzer": analyzer, "encoding": encoding, "decode_error": decode_error}
        return cls(analyzer=build_analyzer(**options), lowercase=lowercase,
                   structure=options)


@dataclass(frozen=True)
class CorpusSettings:
    """Which words get rows, and where a fit keeps its encoded corpus.

    Attributes
    ----------
    min_count : int
    max_vocab_size : int or None
    out_of_core : bool
        Keep the encoded corpus in files of a folder under ``temp_folder``.
    temp_folder : str, path-like or None
    """

    min_count: int
    max_vocab_size: object
    out_of_core: bool = False
    temp_folder: object = None

    @classmethod
    def resolve(cls, *, min_count, max_vocab_size, out_of_core=False, temp_folder=None):
        """The settings of these options; ValueError for a boolean count."""
        check_not_boolean(min_count=min_count, max_vocab_size=max_vocab_size)
        return cls(min_count=min_count, max_vocab_size=max_vocab_size,
                   out_of_core=out_of_core, temp_folder=temp_folder)

    def store(self):
        """A new store of the encoded corpus (a context manager, see ``stores``)."""
        return corpus_store(self.out_of_core, self.temp_folder)


__all__ = ["CorpusSettings", "TEXT_STRUCTURE", "TextSettings"]
