"""Training: a fit's settings, plan and stages, the trainer and its worker processes.

May import ``_utils``, ``_vectors``, ``_text`` and ``_model``.

* ``settings``: the estimator's parameters checked together and resolved once;
* ``fitting``: the fit procedure (plan, vocabulary, training, the fitted state as one dict)
  and the inference of document vectors;
* ``trainer``: the minibatch loop of a block and the epochs around it, the capped sparse
  updates, divergence checks;
* ``schedule``: learning-rate schedules;
* ``workers``: ``n_jobs``, worker processes training over shared memory;
* ``progress``: verbose output and progress bars.
"""

from .fitting import (
    FITTED_ATTRIBUTES,
    FittedParts,
    embedding_of,
    fit_state,
    fitted_layer_of,
    infer_document_vectors,
)
from .progress import records_to, verbose_output
from .settings import (
    analyzer_of,
    check_dtype,
    float_dtype_or_none,
    resolve_settings,
    resolved_batch_size,
    resolved_learning_rate,
    structure_of,
)
from .trainer import TrainingDivergedError
from .workers import TrainingWorkerError, effective_n_jobs

__all__ = ["FITTED_ATTRIBUTES", "FittedParts", "TrainingDivergedError",
           "TrainingWorkerError", "analyzer_of", "check_dtype", "effective_n_jobs",
           "embedding_of", "fit_state", "fitted_layer_of", "float_dtype_or_none",
           "infer_document_vectors", "records_to", "resolve_settings",
           "resolved_batch_size", "resolved_learning_rate", "structure_of",
           "verbose_output"]
