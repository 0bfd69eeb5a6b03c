"""Training in worker processes that share one model (``n_jobs > 1``).

Threads do not scale a NumPy training step: a step is a few dozen small NumPy calls, and
between them threads serialise on the GIL (two threads measured 0.90x-1.11x one). Processes
have a GIL each. Here the parameter matrices, the encoded corpus and the step's tables live in
memory-mapped files of one temporary folder (``/dev/shm`` where it is large enough, as
joblib does), every worker maps them, and workers update the matrices in place without locks,
as word2vec.c's and gensim's threads do (Hogwild, Niu et al. 2011): two workers rarely touch
the same row at the same instant, and an update lost to a race is one SGD step among
millions. Nothing big is copied per worker or pickled per task: a task is a few hundred
bytes naming a block of the corpus (:class:`~sklearn_w2v._trainer.BlockTask`), and the
coordinator does O(1) work per block.

The alternative, synchronous rounds in which each worker applies the updates of its own share
of rows, is deterministic but needs two barriers and an exchange of gradients per minibatch of
about a millisecond; see ``benchmarks/README.md`` for the measurements behind the choice.

Workers are joblib's loky processes, started once and reused across fits (and honouring
joblib's rules when nested in another joblib worker, see :func:`effective_n_jobs`). A worker
that raises stops the others (joblib terminates them), a worker that dies is reported as
:class:`TrainingWorkerError`, and the folder is removed in every case, Ctrl-C included.
"""

import io
import multiprocessing
import os
import pickle
import shutil
import tempfile
import threading
import uuid

import numpy as np
from joblib import Parallel, cpu_count, delayed
from joblib.parallel import get_active_backend
from threadpoolctl import threadpool_limits

from ._trainer import _ignore_overflow, train_block

# Arrays at least this large are shared through the folder instead of pickled per task.
_SHARE_MIN_BYTES = 1 << 16

# Below this many corpus tokens x epochs a fit trains in one process. Measured with
# benchmarks/bench_processes.py (benchmarks/RESULTS-processes.md, 2 cores): the first fit of
# a Python process spends about 1.7 s starting the workers, so two processes only pay off
# from about 1.4M tokens x epochs (0.81x one process at 1M, 1.22x at 2M); with the workers
# already running they pay off from about 0.5M (1.07x at 0.5M, 1.49x at 1M). At 2M every
# fit is at least as fast as in one process, cold or warm.
MIN_TOKENS_FOR_PROCESSES = 2_000_000

# Prefix of the temporary folders, so that a test (or a user) can find a leaked one.
FOLDER_PREFIX = "sklearn_w2v_"

# /dev/shm is used when it has this much free space beyond what the arrays need (joblib's
# rule is 2 GB): a container's default 64 MB /dev/shm would make writes fail with SIGBUS.
_SHM_HEADROOM_BYTES = 1 << 30


class TrainingWorkerError(RuntimeError):
    """A training worker process stopped without reporting an error (killed or crashed)."""


def effective_n_jobs(n_jobs):
    """Worker processes for ``n_jobs``, following scikit-learn's and joblib's conventions.

    * ``None`` means the ``n_jobs`` of an enclosing ``joblib.parallel_config`` (1 if none),
      ``-1`` all CPUs, ``-2`` all but one, and so on (``cpu_count() + 1 + n_jobs``).
    * Inside a joblib worker (for example a fit run by ``GridSearchCV(n_jobs=k)``) the
      outer loop already occupies the CPUs: in a worker process the count is capped at the
      CPUs joblib allots to that worker (``cpu_count() // k``, which joblib passes as the
      workers' thread limits), and in a thread or a daemonic process (which cannot start
      processes) it is 1.

    Parameters
    ----------
    n_jobs : int or None

    Returns
    -------
    int
        At least 1.
    """
    backend, config_n_jobs = get_active_backend()
    if n_jobs is None:
        n_jobs = config_n_jobs if config_n_jobs is not None else 1
    n_jobs = int(n_jobs)
    if n_jobs < 0:
        n_jobs = max(cpu_count() + 1 + n_jobs, 1)
    if n_jobs <= 1:
        return 1
    process = multiprocessing.current_process()
    if process.daemon or threading.current_thread() is not threading.main_thread():
        return 1
    if getattr(backend, "nesting_level", 0) >= 1:
        n_jobs = min(n_jobs, _allotted_cpus())
    return max(n_jobs, 1)


def _allotted_cpus():
    # joblib starts loky workers with OMP_NUM_THREADS (and the BLAS variables) set to
    # cpu_count() // n_jobs unless the user set them: the share of CPUs of one worker.
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


class ProcessBlockRunner:
    """Runs the blocks of each epoch in ``n_jobs`` worker processes over shared memory.

    Use as a context manager: entering copies the parameters, the corpus and the step's
    tables into a temporary folder; :attr:`parameters` are then the shared matrices;
    leaving copies them back into the caller's arrays (only when no exception is pending)
    and removes the folder.
    """

    def __init__(self, parameters, corpus, step, config, n_jobs):
        self._originals = parameters
        self._corpus = corpus
        self._step = step
        self._config = config
        self.n_jobs = n_jobs
        self.parameters = None
        self._folder = None
        self._payload = None
        self._parallel = None

    def __enter__(self):
        needed = sum(matrix.nbytes for matrix in self._originals.values()) \
            + self._corpus.nbytes
        self._folder = _make_folder(needed)
        try:
            self.parameters = {
                name: _shared_copy(matrix, os.path.join(self._folder, f"{name}.npy"))
                for name, matrix in self._originals.items()}
            self._payload = _pickle_with_shared_arrays(
                (self.parameters, self._corpus, self._step, self._config), self._folder)
            # Results as a generator: the coordinator sees each block as it finishes.
            self._parallel = Parallel(n_jobs=self.n_jobs, backend="loky", batch_size=1,
                                      pre_dispatch="2*n_jobs", return_as="generator")
            self._parallel.__enter__()
        except BaseException:
            self._remove_folder()
            raise
        return self

    def run(self, tasks, state, on_block=None):
        """Train the blocks of ``tasks`` in the workers; return their reports in order.

        ``on_block(task, report)`` is called here, in the coordinator, as each block's
        report arrives (workers never report by themselves)."""
        reports = self._run(tasks, state.reference_loss, on_block)
        for report in reports:
            state.record_block(report)
        return reports

    def _run(self, tasks, reference, on_block):
        try:
            reports = []
            results = self._parallel(delayed(_train_block_in_worker)(self._payload, task,
                                                                     reference)
                                     for task in tasks)
            for task, report in zip(tasks, results):
                reports.append(report)
                if on_block is not None:
                    on_block(task, report)
            return reports
        except Exception as error:
            if _is_broken_pool(error):
                raise TrainingWorkerError(
                    f"A training worker process stopped unexpectedly ({error}); the "
                    f"process may have been killed, for example by the operating system "
                    f"when memory ran out. The estimator was not changed. Fit with "
                    f"n_jobs=1 to train in this process.") from error
            raise

    def __exit__(self, exc_type, exc, traceback):
        try:
            if self._parallel is not None:
                self._parallel.__exit__(exc_type, exc, traceback)
            if exc_type is None:
                # Frozen parameters were only read (and may be read-only arrays).
                for name, matrix in self._originals.items():
                    if name not in self._config.frozen:
                        matrix[...] = self.parameters[name]
        finally:
            self.parameters = None
            self._remove_folder()
        return False

    def _remove_folder(self):
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _train_block_in_worker(payload, task, reference_loss):
    """Task run in a worker: map the shared arrays and train one block."""
    parameters, corpus, step, config = _unpickle_with_shared_arrays(payload)
    with threadpool_limits(limits=1), _ignore_overflow():
        return train_block(parameters, corpus, step, config, task, reference_loss)


def _is_broken_pool(error):
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(error, BrokenProcessPool)


# ------------------------------------------------------------------------ shared folder


def _make_folder(needed_bytes):
    root = os.environ.get("JOBLIB_TEMP_FOLDER")
    if not root:
        root = tempfile.gettempdir()
        shm = "/dev/shm"
        if os.path.isdir(shm) and os.access(shm, os.W_OK):
            stats = os.statvfs(shm)
            if stats.f_bavail * stats.f_frsize > needed_bytes + _SHM_HEADROOM_BYTES:
                root = shm
    folder = os.path.join(root, f"{FOLDER_PREFIX}{os.getpid()}_{uuid.uuid4().hex}")
    os.makedirs(folder, mode=0o700)
    return folder


def _shared_copy(array, path):
    """A writable memory-mapped ``.npy`` copy of ``array`` at ``path``."""
    shared = np.lib.format.open_memmap(path, mode="w+", dtype=array.dtype,
                                       shape=array.shape)
    shared[...] = array
    shared.flush()
    return shared


class _SharingPickler(pickle.Pickler):
    """Pickles large arrays as references to ``.npy`` files of the shared folder.

    Arrays that already map a file of the folder (the shared parameters) are referenced as
    writable; any other large array (corpus ids, noise tables) is written once and
    referenced read-only.
    """

    def __init__(self, file, folder):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._folder = folder
        self._saved = {}

    def persistent_id(self, obj):
        if not isinstance(obj, np.ndarray):
            return None
        # The shared parameters whatever their size: pickled by value, a worker would
        # train a copy of its own.
        if isinstance(obj, np.memmap) and obj.filename is not None \
                and os.path.dirname(obj.filename) == self._folder:
            return ("array", os.path.basename(obj.filename), "r+")
        if obj.nbytes < _SHARE_MIN_BYTES:
            return None
        key = id(obj)
        if key not in self._saved:
            name = f"array{len(self._saved)}.npy"
            np.save(os.path.join(self._folder, name), obj, allow_pickle=False)
            # Keep obj alive so that its id is not reused by another array meanwhile.
            self._saved[key] = (name, obj)
        return ("array", self._saved[key][0], "r")


class _SharingUnpickler(pickle.Unpickler):
    def __init__(self, file, folder):
        super().__init__(file)
        self._folder = folder

    def persistent_load(self, pid):
        kind, name, mode = pid
        if kind != "array":  # pragma: no cover - only our pickler writes these
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        # np.asarray: a plain ndarray view of the map (memmap subclasses propagate to
        # every temporary computed from them).
        return np.asarray(np.load(os.path.join(self._folder, name), mmap_mode=mode))


def _pickle_with_shared_arrays(obj, folder):
    buffer = io.BytesIO()
    _SharingPickler(buffer, folder).dump(obj)
    return folder, buffer.getvalue()


def _unpickle_with_shared_arrays(payload):
    folder, data = payload
    return _SharingUnpickler(io.BytesIO(data), folder).load()
