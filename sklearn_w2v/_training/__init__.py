"""Training: a fit's settings, plan and stages, the trainer and its worker processes.

May import ``_utils``, ``_vectors``, ``_text`` and ``_model``; never ``_features`` or the
estimators (an estimator's own learning, such as pooling statistics, comes in as the
fit's extras).

* ``settings``: the training settings, and :class:`FitSettings`, the four parts (text,
  corpus, model, training) a fit reads;
* ``plan``: what kind of fit this is (fresh, from ``init``, continuing), decided once;
* ``stages``: read and count, vocabulary, training, counters;
* ``fit``: :func:`fit_state`, the stages in order with the estimator's extras, and the
  fitted state assembled as one dict;
* ``parameters``: where training starts (initial matrices, seeds);
* ``inference``: vectors of new documents with the model frozen;
* ``trainer``: the minibatch loop of a block and the epochs around it, the capped sparse
  updates, divergence checks;
* ``schedule``: learning-rate schedules;
* ``workers``: ``n_jobs``, worker processes training over shared memory;
* ``progress``: verbose output and progress bars.
"""

from .fit import TRAINED_ATTRIBUTES, FittedParts, NoExtras, fit_state
from .inference import infer_document_vectors
from .progress import records_to, verbose_output
from .settings import FitSettings, TrainingSettings
from .stages import auto_epochs
from .trainer import TrainingDivergedError
from .workers import TrainingWorkerError, effective_n_jobs

__all__ = ["FitSettings", "FittedParts", "NoExtras", "TRAINED_ATTRIBUTES",
           "TrainingDivergedError", "TrainingSettings", "TrainingWorkerError", "auto_epochs",
           "effective_n_jobs", "fit_state", "infer_document_vectors", "records_to",
           "verbose_output"]
