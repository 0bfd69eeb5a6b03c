"""What the package's estimators share: text input tags, a versioned pickle, and the
fitted state swapped in at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sklearn.base import _fit_context
from sklearn.utils.validation import check_is_fitted

from .._model import ModelSettings
from .._text import TextSettings
from .._training import TrainingSettings, effective_n_jobs
from .._utils import check_float_dtype, float_dtype_or_none
from .._vectors import init_dimension, is_fasttext_init, load_fasttext_model
from .._version import __version__
from .persistence import SavableMixin
from .versions import warn_if_other_version

# ``vector_size=None`` without ``init``: word2vec.c's and gensim's dimension.
DEFAULT_VECTOR_SIZE = 100

_Method = TypeVar("_Method", bound=Callable[..., Any])


def fit_context(*, prefer_skip_nested_validation: bool) -> Callable[[_Method], _Method]:
    """scikit-learn's ``_fit_context`` (validates the parameters before ``fit`` runs).

    The same decorator, with a signature: scikit-learn has no type annotations, and its
    untyped decorator would make each method it wraps ``Any`` to a type checker (a user's
    ``Word2VecTransformer().fit(X).similarity(...)`` would go unchecked).
    """
    return _fit_context(prefer_skip_nested_validation=prefer_skip_nested_validation)


class TextEstimatorMixin(SavableMixin):
    """Documents in (as CountVectorizer), a pickle stamped with the package version,
    ``save`` (:mod:`.persistence`), and :meth:`_set_fitted_state`.

    A subclass names every attribute its fits set in ``_fitted_attributes``.
    """

    _fitted_attributes: tuple = ()

    def _text_settings(self):
        """The text settings of the analyzer parameters (CountVectorizer's)."""
        return TextSettings.resolve(
            lowercase=self.lowercase,  # type: ignore[attr-defined]
            token_pattern=self.token_pattern,  # type: ignore[attr-defined]
            tokenizer=self.tokenizer,  # type: ignore[attr-defined]
            preprocessor=self.preprocessor,  # type: ignore[attr-defined]
            analyzer=self.analyzer, encoding=self.encoding,  # type: ignore[attr-defined]
            decode_error=self.decode_error)  # type: ignore[attr-defined]

    # The two estimators name their shared options alike (Doc2VecTransformer takes them
    # from Word2VecTransformer); each passes the options of its own by name.

    def _vector_size(self, *, fitted=False):
        """``vector_size`` with None resolved: the fitted vectors' dimension when ``fitted``
        (``transform``, ``score``, training that continues from the fitted model, which
        ignores ``init``), else the dimension of ``init``, else 100."""
        vector_size = self.vector_size  # type: ignore[attr-defined]
        if vector_size is not None:
            return vector_size
        if fitted:
            return int(self.vectors_.shape[1])  # type: ignore[attr-defined]
        init = self.init  # type: ignore[attr-defined]
        if init is None:
            return DEFAULT_VECTOR_SIZE
        dtype = check_float_dtype(self.dtype)  # type: ignore[attr-defined]
        if is_fasttext_init(init):  # a fastText model (FastTextTransformer's format)
            return load_fasttext_model(init, dtype).dim
        return init_dimension(init, dtype)

    @property
    def vector_size_(self) -> int:
        """The dimension of the fitted vectors: ``vector_size``, or the one it resolved to
        when None (the dimension of ``init``, or 100).

        Examples
        --------
        >>> from sklearn_w2v import Word2VecTransformer
        >>> init = (["cat", "dog"], [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
        >>> model = Word2VecTransformer(init=init, epochs=0).fit(["cat dog"])
        >>> model.vector_size, model.vector_size_
        (None, 3)
        """
        check_is_fitted(self, "vectors_")
        return int(self.vectors_.shape[1])  # type: ignore[attr-defined]

    def _model_settings(self, *, fitted=False, **architecture_options):
        """The model settings; ``architecture_options`` are the estimator's own
        (``cbow_mean``, ``dbow_words``); ``fitted``: for the fitted model (see
        :meth:`_vector_size`)."""
        return ModelSettings.resolve(
            architecture=self.architecture, objective=self.objective,  # type: ignore[attr-defined]
            vector_size=self._vector_size(fitted=fitted),
            negative=self.negative,  # type: ignore[attr-defined]
            ns_exponent=self.ns_exponent,  # type: ignore[attr-defined]
            share_negatives=self.share_negatives,  # type: ignore[attr-defined]
            dtype=self.dtype, **architecture_options)  # type: ignore[attr-defined]

    def _training_settings(self, model, **own_options):
        """The training settings of ``model``; ``own_options`` are the estimator's own
        (``epoch_callback``)."""
        return TrainingSettings.resolve(
            model, window=self.window,  # type: ignore[attr-defined]
            shrink_windows=self.shrink_windows, sample=self.sample,  # type: ignore[attr-defined]
            epochs=self.epochs, learning_rate=self.learning_rate,  # type: ignore[attr-defined]
            min_learning_rate=self.min_learning_rate,  # type: ignore[attr-defined]
            batch_size=self.batch_size, n_jobs=self.n_jobs,  # type: ignore[attr-defined]
            random_state=self.random_state, verbose=self.verbose,  # type: ignore[attr-defined]
            init=self.init, **own_options)  # type: ignore[attr-defined]

    def _build_analyzer(self):
        """Document -> tokens, as ``fit`` tokenizes (``transform``, ``score``, theory)."""
        return self._text_settings().analyzer

    def _set_fitted_state(self, state):
        # The whole fitted state changes at once (one assignment of the instance dict), so
        # that an interruption never leaves the vectors of one fit with the vocabulary of
        # another, and no attribute of an earlier fit (an idf_ of another vocabulary)
        # survives into a state that does not have it.
        kept = {name: value for name, value in vars(self).items()
                if name not in self._fitted_attributes}
        self.__dict__ = {**kept, **state}

    def _fitted_state(self):
        """The fitted state as a dict (None if unfitted): what training continues from."""
        if not hasattr(self, "vectors_"):
            return None
        return {name: getattr(self, name) for name in self._fitted_attributes
                if hasattr(self, name)}

    def __getstate__(self):
        # Like scikit-learn's own version stamp: a pickle records the package version.
        # The estimator class after this mixin in the MRO (BaseEstimator) defines these.
        return dict(super().__getstate__(), _sklearn_w2v_version=__version__)

    def __setstate__(self, state):
        version = state.pop("_sklearn_w2v_version", "unknown (before 0.1.0)")
        warn_if_other_version(type(self).__name__, version, stacklevel=2)
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()  # type: ignore[misc]
        # Documents in, like CountVectorizer: scikit-learn's common checks then skip the
        # numeric-array tests, and the estimator's tests cover the behaviour instead.
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        # transform returns the dtype of the vectors, whatever the input.
        dtype = float_dtype_or_none(getattr(self, "dtype", None))
        if dtype is not None and tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = [dtype.name]
        # Worker processes update the vectors lock-free: the result depends on timing.
        tags.non_deterministic = effective_n_jobs(getattr(self, "n_jobs", None)) > 1
        return tags
