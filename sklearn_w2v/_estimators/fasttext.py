"""FastTextTransformer: subword vectors (fastText) as a scikit-learn transformer.

fastText's model is word2vec whose input vector of a word is the mean of its own row and
the rows of its character n-grams (Bojanowski et al. 2017): one more input side of the
same engine (:class:`~sklearn_w2v._model.inputs.SubwordInputs`), with the same objectives,
minibatches, trainer and worker processes. The estimator is
:class:`~sklearn_w2v.Word2VecTransformer` with three more parameters; what it adds is a
vector for every word (out-of-vocabulary words get the mean of their n-gram rows, as
gensim's ``FastTextKeyedVectors`` gives them) and Facebook's binary model format.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any, Literal

import numpy as np
from sklearn.utils._param_validation import Interval

from .._model import SubwordSettings
from .._text import DEFAULT_TOKEN_PATTERN
from .._utils import FloatDType, PathLike
from .word2vec import Word2VecTransformer

# The default number of buckets (see the docstring of FastTextTransformer).
DEFAULT_BUCKET = 2_000_000


class FastTextTransformer(Word2VecTransformer):
    """fastText's subword vectors as a scikit-learn transformer (DRAFT)."""

    _parameter_constraints = {
        **Word2VecTransformer._parameter_constraints,
        "min_n": [Interval(Integral, 0, None, closed="left")],
        "max_n": [Interval(Integral, 0, None, closed="left")],
        "bucket": [Interval(Integral, 0, 2**31 - 1, closed="both")],
    }

    def __init__(
        self, *,
        min_n: int = 3,
        max_n: int = 6,
        bucket: int = DEFAULT_BUCKET,
        objective: Literal["negative", "softmax", "nce", "hierarchical"] = "negative",
        architecture: Literal["skipgram", "cbow"] = "skipgram",
        cbow_mean: bool = True,
        vector_size: int = 100,
        window: int = 5,
        init: Any = None,  # a path, VectorFile, (words, vectors) or KeyedVectors-like
        min_count: int = 5,
        max_vocab_size: int | None = None,
        sample: float = 1e-3,
        negative: int = 5,
        ns_exponent: float = 0.75,
        epochs: int | Literal["auto"] = "auto",
        learning_rate: float | Literal["auto"] = "auto",
        min_learning_rate: float = 1e-4,
        batch_size: int | Literal["auto"] = "auto",
        share_negatives: bool = True,
        shrink_windows: bool = True,
        pooling: Literal["mean", "sum", "max", "tfidf", "sif"] = "mean",
        sif_alpha: float = 1e-3,
        normalize: bool = False,
        word_vectors: Literal["input", "input+output"] = "input",
        lowercase: bool = True,
        token_pattern: str | None = DEFAULT_TOKEN_PATTERN,
        tokenizer: Callable[[str], list[str]] | None = None,
        preprocessor: Callable[[str], str] | None = None,
        analyzer: Literal["word"] | Callable[[str], list[str]] = "word",
        encoding: str = "utf-8",
        decode_error: Literal["strict", "ignore", "replace"] = "strict",
        dtype: FloatDType = np.float32,
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
        warm_start: bool = False,
        out_of_core: bool = False,
        temp_folder: PathLike | None = None,
        epoch_callback: Callable[..., object] | None = None,
    ) -> None:
        self.min_n = min_n
        self.max_n = max_n
        self.bucket = bucket
        self.objective = objective
        self.architecture = architecture
        self.cbow_mean = cbow_mean
        self.vector_size = vector_size
        self.window = window
        self.init = init
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.sample = sample
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.min_learning_rate = min_learning_rate
        self.batch_size = batch_size
        self.share_negatives = share_negatives
        self.shrink_windows = shrink_windows
        self.pooling = pooling
        self.sif_alpha = sif_alpha
        self.normalize = normalize
        self.word_vectors = word_vectors
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.preprocessor = preprocessor
        self.analyzer = analyzer
        self.encoding = encoding
        self.decode_error = decode_error
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.out_of_core = out_of_core
        self.temp_folder = temp_folder
        self.epoch_callback = epoch_callback


    def _model_settings(self, **architecture_options):
        return super()._model_settings(
            **architecture_options,
            subwords=SubwordSettings(int(self.min_n), int(self.max_n), int(self.bucket)))
