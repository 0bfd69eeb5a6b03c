"""The training settings of a fit: passes, learning rate, minibatches, processes, seed.

:meth:`TrainingSettings.resolve` checks the training options and resolves their
``"auto"`` values with the model's rules; :meth:`TrainingSettings.config` turns them into
the :class:`~sklearn_w2v._training.trainer.TrainingConfig` of one run of the trainer.
"""

from dataclasses import dataclass

from .._model import ModelSettings
from .._text import CorpusSettings, TextSettings, keep_probabilities
from .._utils import check_not_boolean
from .trainer import TrainingConfig
from .workers import effective_n_jobs


@dataclass(frozen=True)
class TrainingSettings:
    """How the model is trained.

    Attributes
    ----------
    window : int
    shrink_windows : bool
    sample : float
        Subsampling threshold (0: none).
    epochs : int or "auto"
        ``"auto"`` depends on the corpus size and is resolved by the fit.
    learning_rate, min_learning_rate : float
        ``"auto"`` resolved.
    batch_size : int
        ``"auto"`` resolved.
    n_jobs : int
        Worker processes allowed (joblib's rules applied).
    random_state : int, RandomState or None
    verbose : int
    init : object
        Pretrained vectors to start from (see ``sklearn_w2v._vectors.resolve_init``).
    epoch_callback : callable or None
        The user's ``epoch_callback(report, input_vectors, output_vectors)``.
    """

    window: int
    shrink_windows: bool
    sample: float
    epochs: object
    learning_rate: float
    min_learning_rate: float
    batch_size: int
    n_jobs: int
    random_state: object
    verbose: int
    init: object = None
    epoch_callback: object = None

    @classmethod
    def resolve(cls, model, *, window, shrink_windows, sample, epochs, learning_rate,
                min_learning_rate, batch_size, n_jobs, random_state, verbose, init=None,
                epoch_callback=None):
        """The settings of these options for ``model`` (a ``ModelSettings``), whose
        architecture and output layer choose ``"auto"`` rates and minibatch sizes.

        Raises
        ------
        ValueError
            For a final learning rate above the initial one, or a boolean count.
        """
        if learning_rate == "auto":
            learning_rate = model.auto_learning_rate
        if min_learning_rate > learning_rate:
            raise ValueError(
                f"min_learning_rate={min_learning_rate!r} is larger than "
                f"learning_rate={learning_rate!r}; the rate decays from learning_rate to "
                f"min_learning_rate, so set min_learning_rate <= learning_rate.")
        check_not_boolean(window=window, epochs=epochs, batch_size=batch_size,
                          n_jobs=n_jobs, verbose=verbose)
        return cls(
            window=window, shrink_windows=shrink_windows, sample=sample, epochs=epochs,
            learning_rate=learning_rate, min_learning_rate=min_learning_rate,
            batch_size=model.auto_batch_size if batch_size == "auto" else batch_size,
            n_jobs=effective_n_jobs(n_jobs), random_state=random_state, verbose=verbose,
            init=init, epoch_callback=epoch_callback)

    def config(self, architecture, counts, *, epochs, learning_rate, block_size,
               schedule=None, frozen=()):
        """The trainer's configuration: these settings with the minibatch options of
        ``architecture`` and subsampling by the word ``counts``."""
        batches = {"window": self.window, "shrink_windows": self.shrink_windows,
                   "keep_isolated": False, "with_documents": False,
                   **architecture.batch_options}
        return TrainingConfig(
            epochs=epochs, keep_probability=(keep_probabilities(counts, self.sample)
                                             if self.sample > 0 else None),
            batch_size=self.batch_size, learning_rate=learning_rate,
            min_learning_rate=self.min_learning_rate, block_size=block_size,
            schedule=schedule, frozen=tuple(frozen), **batches)


@dataclass(frozen=True)
class FitSettings:
    """The settings a fit of word vectors reads, one part per owner.

    An estimator resolves each part with the options it has (see
    ``sklearn_w2v._estimators``); the document features of ``Word2VecTransformer`` are
    not a part of it: they are learned by the fit's extras.

    Attributes
    ----------
    text : TextSettings
    corpus : CorpusSettings
    model : ModelSettings
    training : TrainingSettings
    """

    text: TextSettings
    corpus: CorpusSettings
    model: ModelSettings
    training: TrainingSettings

    @property
    def structure(self):
        """The options that define a fitted model (its text options, dimension,
        objective, architecture, dtype and fastText's subword options), recorded on it
        and compared when training continues."""
        model = self.model.structure()
        return {"vector_size": model["vector_size"], "objective": model["objective"],
                "architecture": model["architecture"], **self.text.structure,
                "dtype": self.model.dtype, **self.model.subword_structure()}


__all__ = ["FitSettings", "TrainingSettings"]
