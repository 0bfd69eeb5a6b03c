"""The resolved configuration of a fit: every parameter it reads, ``"auto"`` resolved once.

:func:`resolve_settings` reads the estimator's parameters (a dict, as ``get_params`` gives
it), checks the combinations that single-parameter validation cannot, resolves each
``"auto"`` by the rule of the object that owns it (the architecture's learning rate and
minibatch size, the output layer's minibatch size, the dtype) and returns a frozen
:class:`FitSettings`. The fit procedure (:mod:`sklearn_w2v._training.fitting`) and everything below
it receive these settings, never the estimator, as NMF's solvers receive arrays once
``_check_params`` has resolved them.
"""

from dataclasses import dataclass

import numpy as np

from .._model import check_layer_parameters, layer_class, make_architecture
from .._text import build_analyzer
from .workers import effective_n_jobs

# Parameters that define what a fitted model is: training can only continue (warm_start,
# partial_fit) with the values the model was fitted with.
STRUCTURE_PARAMETERS = ("vector_size", "objective", "architecture", "lowercase",
                        "token_pattern", "tokenizer", "preprocessor", "analyzer", "encoding",
                        "decode_error")

_INTEGER_PARAMETERS = ("vector_size", "window", "min_count", "max_vocab_size", "negative",
                       "epochs", "batch_size", "n_jobs", "verbose")


@dataclass(frozen=True)
class FitSettings:
    """What a fit reads, resolved (see the estimator's docstring for each meaning).

    Attributes
    ----------
    architecture : SkipGram or Cbow
        The architecture object (:mod:`sklearn_w2v._model.architectures`).
    objective : str
        Passed to :func:`~sklearn_w2v._model.layers.make_layer` with the counts of the corpus.
    learning_rate, batch_size : float, int
        ``"auto"`` resolved.
    epochs : int or "auto"
        ``"auto"`` depends on the corpus size and is resolved by the fit
        (:func:`~sklearn_w2v._training.fitting.resolve_epochs`).
    dtype : numpy.dtype
    n_jobs : int
        Worker processes allowed (joblib's rules applied); the fit trains in one process
        below :data:`~sklearn_w2v._training.workers.MIN_TOKENS_FOR_PROCESSES`.
    analyzer : callable
        Document -> list of tokens.
    structure : dict
        The parameters that define the model (:data:`STRUCTURE_PARAMETERS`) and ``dtype``,
        recorded on the fitted model and compared when training continues.
    epoch_callback : callable or None
        The user's ``epoch_callback(report, input_vectors, output_vectors)``.
    """

    architecture: object
    objective: str
    vector_size: int
    window: int
    min_count: int
    max_vocab_size: object
    sample: float
    negative: int
    ns_exponent: float
    share_negatives: bool
    shrink_windows: bool
    epochs: object
    learning_rate: float
    min_learning_rate: float
    batch_size: int
    pooling: str
    sif_alpha: float
    normalize: bool
    word_vectors: str
    dtype: np.dtype
    n_jobs: int
    random_state: object
    verbose: int
    init: object
    warm_start: bool
    out_of_core: bool
    temp_folder: object
    analyzer: object
    structure: dict
    epoch_callback: object


def resolve_settings(params):
    """:class:`FitSettings` of the estimator parameters ``params`` (a dict).

    Raises
    ------
    ValueError or TypeError
        For a combination of parameters that cannot be fitted, naming the parameters and
        the fix.
    """
    check_parameter_combinations(params)
    dtype = check_dtype(params["dtype"])
    architecture = _architecture_of(params)
    return FitSettings(
        architecture=architecture, objective=params["objective"],
        vector_size=params["vector_size"], window=params["window"],
        min_count=params["min_count"], max_vocab_size=params["max_vocab_size"],
        sample=params["sample"], negative=params["negative"],
        ns_exponent=params["ns_exponent"], share_negatives=params["share_negatives"],
        shrink_windows=params["shrink_windows"], epochs=params["epochs"],
        learning_rate=resolved_learning_rate(params),
        min_learning_rate=params["min_learning_rate"],
        batch_size=resolved_batch_size(params), pooling=params["pooling"],
        sif_alpha=params["sif_alpha"], normalize=params["normalize"],
        word_vectors=params["word_vectors"], dtype=dtype,
        n_jobs=effective_n_jobs(params["n_jobs"]), random_state=params["random_state"],
        verbose=params["verbose"], init=params["init"], warm_start=params["warm_start"],
        out_of_core=params["out_of_core"], temp_folder=params["temp_folder"],
        analyzer=analyzer_of(params), structure=structure_of(params, dtype),
        epoch_callback=params["epoch_callback"])


def check_parameter_combinations(params):
    """Raise for parameters that are valid one by one but not together."""
    check_layer_parameters(params["objective"], negative=params["negative"],
                           word_vectors=params["word_vectors"])
    if params["min_learning_rate"] > resolved_learning_rate(params):
        raise ValueError(
            f"min_learning_rate={params['min_learning_rate']!r} is larger than "
            f"learning_rate={resolved_learning_rate(params)!r}; the rate decays from "
            f"learning_rate to min_learning_rate, so set min_learning_rate <= "
            f"learning_rate.")
    if params["tokenizer"] is not None and not callable(params["tokenizer"]):
        raise TypeError("tokenizer must be a callable or None.")
    # bool is an Integral for scikit-learn's validation, but vector_size=True is a
    # mistake, not a 1-dimensional model.
    for name in _INTEGER_PARAMETERS:
        if isinstance(params[name], (bool, np.bool_)):
            raise ValueError(f"{name}={params[name]!r} is a boolean; {name} must be an "
                             f"integer.")


def resolved_learning_rate(params):
    """``learning_rate``, ``"auto"`` being the architecture's (word2vec.c's) rate."""
    if params["learning_rate"] == "auto":
        return _architecture_of(params).auto_learning_rate
    return params["learning_rate"]


def resolved_batch_size(params):
    """``batch_size``, ``"auto"`` being the output layer's rule if it has one, else the
    architecture's."""
    if params["batch_size"] != "auto":
        return params["batch_size"]
    layer_size = layer_class(params["objective"]).auto_batch_size
    if layer_size is not None:
        return layer_size
    return _architecture_of(params).auto_batch_size


def _architecture_of(params):
    return make_architecture(params["architecture"], cbow_mean=params["cbow_mean"],
                             dbow_words=params.get("dbow_words", False))


def check_dtype(dtype):
    """np.float32 or np.float64 as a dtype; ValueError naming the choices otherwise."""
    resolved = float_dtype_or_none(dtype)
    if resolved is None:
        raise ValueError(f"dtype={dtype!r} is not supported; use np.float32 (default) or "
                         f"np.float64.")
    return resolved


def float_dtype_or_none(dtype):
    """np.float32 or np.float64 as a dtype, None for anything else (np.dtype(None) and
    np.dtype("float64") == None are both true in NumPy, hence the explicit checks)."""
    if dtype is None or isinstance(dtype, (bool, np.bool_)):
        return None
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        return None
    return dtype if dtype.type in (np.float32, np.float64) else None


def analyzer_of(params):
    """The analyzer (document -> tokens) of the text parameters, CountVectorizer's."""
    return build_analyzer(
        analyzer=params["analyzer"], lowercase=params["lowercase"],
        token_pattern=params["token_pattern"], tokenizer=params["tokenizer"],
        preprocessor=params["preprocessor"], encoding=params["encoding"],
        decode_error=params["decode_error"])


def structure_of(params, dtype):
    """The model-defining parameters of ``params`` (:data:`STRUCTURE_PARAMETERS`) and
    ``dtype``."""
    return {**{name: params[name] for name in STRUCTURE_PARAMETERS}, "dtype": dtype}


__all__ = ["FitSettings", "STRUCTURE_PARAMETERS", "analyzer_of", "check_dtype",
           "check_parameter_combinations", "resolve_settings", "resolved_batch_size",
           "resolved_learning_rate", "structure_of"]
