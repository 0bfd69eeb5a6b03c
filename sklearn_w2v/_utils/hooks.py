"""Injection points of the engine for tests and benchmarks, set for a ``with`` block.

A fit reads a few of its limits and extension points from the :class:`EngineHooks` in
effect instead of module constants, so that a test can train a small corpus in worker
processes, watch a fit's stages or make a worker fail without replacing a private function
of the package (which would break each time code moves)::

    with engine_hooks(block_size=4096, min_tokens_for_processes=0):
        model.fit(texts)  # several blocks, trained in worker processes

The hooks live in a :mod:`contextvars` variable: they apply to the fits of this thread
(and task) only, and end with the ``with`` block. Worker processes do not read them: what
a worker needs (the step, the task function) is chosen by the fit and sent to it.
"""

import contextlib
import contextvars
import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

# Tokens of the corpus per block, the unit of work of the trainer and its workers: large
# enough that the per-block costs (a generator spawned, a task sent to a worker) vanish
# next to its training, small enough that two workers finish an epoch at about the same
# time.
BLOCK_SIZE = 65536

# Below this many corpus tokens x epochs a fit trains in one process: starting the worker
# processes costs more than a second process gives back (benchmarks/bench_processes.py).
MIN_TOKENS_FOR_PROCESSES = 2_000_000

# Seconds between two progress records within an epoch (gensim's report_delay is 1 s).
PROGRESS_INTERVAL = 1.0

# Where the shared arrays of worker processes go when it has room (as joblib does).
SHARED_MEMORY_FOLDER = "/dev/shm"


@dataclasses.dataclass(frozen=True)
class EngineHooks:
    """The limits and extension points a fit reads (see the module docstring).

    Attributes
    ----------
    block_size : int
        Corpus tokens per block of training.
    min_tokens_for_processes : int
        Tokens x epochs from which ``n_jobs > 1`` starts worker processes.
    progress_interval : float
        Seconds between two progress records within an epoch.
    shared_memory_folder : str
        The folder tried first for the arrays shared with worker processes.
    on_event : callable or None
        ``on_event(name, details)`` is called as a fit reaches each named point (the start
        of each of its stages, the shared folder of its workers, ...), ``details`` a dict
        of what it works on there. An exception it raises interrupts the fit there.
    wrap_step : callable or None
        ``wrap_step(step)`` returns the step that trains instead of ``step`` (it must
        pickle, to reach worker processes).
    worker_task : callable or None
        The function worker processes run per block instead of the package's own (same
        signature; it must pickle).
    vector_catalogue : mapping or None
        The catalogue of named word vectors (name → entry) that ``init="<name>"`` and
        ``sklearn_w2v.datasets.fetch_vectors`` read instead of the package's own (tests
        serve its files from a local server).
    """

    block_size: int = BLOCK_SIZE
    min_tokens_for_processes: int = MIN_TOKENS_FOR_PROCESSES
    progress_interval: float = PROGRESS_INTERVAL
    shared_memory_folder: str = SHARED_MEMORY_FOLDER
    on_event: Callable[[str, dict], Any] | None = None
    wrap_step: Callable[[Any], Any] | None = None
    worker_task: Callable[..., Any] | None = None
    vector_catalogue: Mapping[str, Any] | None = None

    def notify(self, name: str, **details: Any) -> None:
        """Tell ``on_event`` (if any) that the fit reached ``name``."""
        if self.on_event is not None:
            self.on_event(name, details)


_HOOKS: contextvars.ContextVar[EngineHooks] = contextvars.ContextVar(
    "sklearn_w2v_engine_hooks", default=EngineHooks())


def current_hooks() -> EngineHooks:
    """The :class:`EngineHooks` in effect."""
    return _HOOKS.get()


@contextlib.contextmanager
def engine_hooks(**changes: Any) -> Iterator[EngineHooks]:
    """Replace the named fields of the hooks in effect until the ``with`` block ends.

    Parameters
    ----------
    **changes
        Fields of :class:`EngineHooks`.

    Examples
    --------
    >>> from sklearn_w2v._utils import current_hooks, engine_hooks
    >>> with engine_hooks(block_size=4096):
    ...     current_hooks().block_size
    4096
    >>> current_hooks().block_size
    65536
    """
    token = _HOOKS.set(dataclasses.replace(_HOOKS.get(), **changes))
    try:
        yield _HOOKS.get()
    finally:
        _HOOKS.reset(token)
