"""Training in worker processes that share one model (``n_jobs > 1``).

Threads do not scale a NumPy training step: a step is a few dozen small NumPy calls, and
between them threads serialise on the GIL (two threads measured no faster than one). Processes
have a GIL each. Here the parameter matrices, the encoded corpus and the step's tables live in
memory-mapped files of one temporary folder (``/dev/shm`` where it is large enough, as
joblib does), every worker maps them, and workers update the matrices in place without locks,
as word2vec.c's and gensim's threads do (Hogwild, Niu et al. 2011): two workers rarely touch
the same row at the same instant, and an update lost to a race is one SGD step among
millions. Nothing big is copied per worker or pickled per task: a task is a few hundred
bytes naming a block of the corpus (:class:`~sklearn_w2v._training.trainer.BlockTask`), a worker
maps the shared arrays once per fit (at its first task, see
:func:`_unpickle_with_shared_arrays`), and the coordinator does O(1) work per block.

The alternative, synchronous rounds in which each worker applies the updates of its own share
of rows, is deterministic but needs two barriers and an exchange of gradients per minibatch of
about a millisecond; see ``benchmarks/README.md`` for the measurements behind the choice.

Workers are joblib's loky processes, started once and reused across fits (and honouring
joblib's rules when nested in another joblib worker, see :func:`effective_n_jobs`). A worker
that raises stops the others (joblib terminates them), a worker that dies is reported as
:class:`TrainingWorkerError`, and the folder is removed in every case, Ctrl-C included.

A parent killed without any cleanup (``kill -9``, the OOM killer, a restarted notebook
kernel) must not leave its workers and their memory behind. Each worker watches its parent
from a thread and exits within :data:`_OWNER_POLL_SECONDS` of its death (loky's own workers
would wait for their idle timeout, 300 s); once they are gone, loky's resource tracker
removes joblib's folders and semaphores and our folder (registered with it), and a folder
left anyway is removed by the next fit (:mod:`sklearn_w2v._utils.owned_folders`). A full or
read-only folder is reported as an OSError that names it and the ``JOBLIB_TEMP_FOLDER`` fix;
the files are written, never left sparse, so that a full ``/dev/shm`` cannot kill a process
with SIGBUS later through a map.
"""

import contextlib
import io
import multiprocessing
import os
import pickle
import secrets
import tempfile
import threading
import time

import numpy as np
from joblib import Parallel, cpu_count, delayed
from joblib.parallel import get_active_backend
from threadpoolctl import threadpool_limits

from .._utils import (
    OwnedFolder,
    current_hooks,
    full_or_read_only,
    process_exists,
    release_mapped_rows,
    remove_stale_folders,
    tracked_by_loky,
)
from .trainer import _ignore_overflow, train_block

# Arrays at least this large are shared through the folder instead of pickled per task.
_SHARE_MIN_BYTES = 1 << 16

# Bytes of a shared matrix copied back at a time when training ends (see _private_copy).
_COPY_BYTES = 16 << 20

# Prefix of the temporary folders, so that a test (or a user) can find a leaked one.
FOLDER_PREFIX = "sklearn_w2v_"

# /dev/shm is used when it has this much free space beyond what the arrays need (joblib's
# rule is 2 GB): a container's default 64 MB /dev/shm would make writes fail with SIGBUS.
_SHM_HEADROOM_BYTES = 1 << 30

# How often a worker checks that its parent is alive: four getppid() calls and GIL
# hand-overs a second, microseconds against the block's training. A dead parent's workers
# exit within this.
_OWNER_POLL_SECONDS = 0.25


class TrainingWorkerError(RuntimeError):
    """A training worker process stopped without reporting an error (killed or crashed).

    Examples
    --------
    >>> from sklearn_w2v import TrainingWorkerError
    >>> issubclass(TrainingWorkerError, RuntimeError)
    True
    """


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
    leaving copies them back (only when no exception is pending) and removes the folder.

    So that the coordinator does not hold the model and the corpus twice (once in its own
    memory, once in the shared folder), entering also replaces every trained matrix of the
    caller's ``parameters`` dict by its shared map (the caller's array is released) and
    the corpus's arrays by read-only maps of their shared copies; leaving puts new arrays
    with the trained values into the dict, one matrix at a time, each shared file removed
    as soon as it is copied. Frozen parameters are left as they are.
    """

    def __init__(self, parameters, corpus, step, config, n_jobs):
        self._originals = parameters
        self._corpus = corpus
        self._step = step
        self._config = config
        self.n_jobs = n_jobs
        self.parameters = None
        self._payload = None
        self._parallel = None
        self._cleanup = None
        # The function the workers run per block (the hooks may replace it).
        self._task = current_hooks().worker_task or train_block_in_worker

    def __enter__(self):
        needed = sum(matrix.nbytes for matrix in self._originals.values()) \
            + self._corpus.nbytes
        with contextlib.ExitStack() as stack:
            folder = _make_folder(needed)
            stack.callback(folder.remove)
            stack.enter_context(tracked_by_loky(folder.path))
            self.parameters, self._payload = _share(self._originals, self._corpus,
                                                    self._step, self._config, folder.path,
                                                    needed)
            stack.callback(setattr, self, "parameters", None)
            # Results as a generator: the coordinator sees each block as it finishes.
            self._parallel = Parallel(n_jobs=self.n_jobs, backend="loky", batch_size=1,
                                      pre_dispatch="2*n_jobs", return_as="generator")
            self._parallel.__enter__()
            # Success: the folder is removed (and unregistered) by __exit__.
            self._cleanup = stack.pop_all()
        current_hooks().notify("shared", runner=self, folder=folder.path,
                               shared=(self.parameters, self._corpus, self._step,
                                       self._config))
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
            results = self._parallel(delayed(self._task)(self._payload, task, reference)
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
                for name in list(self._originals):
                    if name not in self._config.frozen:
                        shared = self.parameters.pop(name)
                        self._originals[name] = _private_copy(shared)
                        filename = shared.filename
                        del shared
                        with contextlib.suppress(OSError):
                            os.remove(filename)  # its memory goes once the workers unmap it
        finally:
            self._cleanup.close()
        return False


def _private_copy(shared):
    """A copy of a shared matrix, read block by block with each block's pages of the map
    released once copied: the coordinator never holds the map's pages and the copy at
    once (fastText's n-gram matrix is the size of the model)."""
    copy = np.empty(shared.shape, dtype=shared.dtype)
    rows = max(1, _COPY_BYTES // max(shared.strides[0], 1))
    for first in range(0, len(shared), rows):
        copy[first:first + rows] = shared[first:first + rows]
        release_mapped_rows(shared, first, first + rows)
    return copy


def train_block_in_worker(payload, task, reference_loss):
    """Task run in a worker: map the shared arrays and train one block."""
    parameters, corpus, step, config = _unpickle_with_shared_arrays(payload)
    _keep_freed_heap()
    with threadpool_limits(limits=1), _ignore_overflow():
        return train_block(parameters, corpus, step, config, task, reference_loss)


# glibc's mallopt parameters (malloc.h) and the values a worker sets, see _keep_freed_heap.
_M_TOP_PAD, _M_MMAP_THRESHOLD = -2, -3
_WORKER_HEAP_BYTES = 32 << 20
_heap_kept = False


def _keep_freed_heap():
    """Let this worker's C heap keep the memory of freed temporaries (glibc only, once).

    A minibatch allocates and frees the same few megabytes of NumPy temporaries again and
    again. A worker maps its big arrays instead of allocating them, so glibc's adaptive
    thresholds stay low: it returned each minibatch's temporaries to the system and took
    them back, page by page (600,000 page faults per worker in an epoch of the full
    benchmark corpus, skip-gram; 17,000 with these settings). Allocations below
    ``_WORKER_HEAP_BYTES`` come from the heap, and that much freed memory stays at its
    top. The training process itself (``n_jobs=1``) allocates and frees big arrays while
    it encodes the corpus, which raises the same thresholds (13,700 faults in a whole fit
    there); as it is the caller's process, its settings are not touched.
    """
    global _heap_kept
    if _heap_kept:
        return
    _heap_kept = True
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to tune
        return
    mallopt(_M_MMAP_THRESHOLD, _WORKER_HEAP_BYTES)
    mallopt(_M_TOP_PAD, _WORKER_HEAP_BYTES)


def _is_broken_pool(error):
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(error, BrokenProcessPool)


# ------------------------------------------------------------------------ shared folder


def _make_folder(needed_bytes):
    """A new :class:`~sklearn_w2v._utils.owned_folders.OwnedFolder` for ``needed_bytes`` of
    shared arrays: in ``JOBLIB_TEMP_FOLDER`` if set, else in ``/dev/shm`` when it has room
    to spare, else in the system's temporary folder (joblib's choice). Folders left by
    dead processes in those places are removed first."""
    shm = current_hooks().shared_memory_folder
    root = os.environ.get("JOBLIB_TEMP_FOLDER")
    for place in {root or tempfile.gettempdir(), shm}:
        remove_stale_folders(place, FOLDER_PREFIX)
    if not root:
        root = tempfile.gettempdir()
        if os.path.isdir(shm) and os.access(shm, os.W_OK):
            stats = os.statvfs(shm)
            if stats.f_bavail * stats.f_frsize > needed_bytes + _SHM_HEADROOM_BYTES:
                root = shm
    try:
        return OwnedFolder(root, FOLDER_PREFIX)
    except OSError as exc:
        if full_or_read_only(exc):
            raise _no_room_error(exc, root, needed_bytes) from exc
        raise


def _share(originals, corpus, step, config, folder, needed_bytes):
    """Write the shared arrays to ``folder``: ``(shared parameters, task payload)``."""
    try:
        parameters = {}
        for name in list(originals):
            parameters[name] = _shared_copy(originals[name],
                                            os.path.join(folder, f"{name}.npy"))
            if name not in config.frozen:
                # The caller's matrix is released: the shared one replaces it until the end.
                originals[name] = parameters[name]
        _share_corpus_arrays(corpus, folder)
        return parameters, _pickle_with_shared_arrays((parameters, corpus, step, config),
                                                      folder)
    except OSError as exc:
        if full_or_read_only(exc):
            raise _no_room_error(exc, folder, needed_bytes) from exc
        raise


def _no_room_error(exc, folder, needed_bytes):
    return OSError(
        exc.errno,
        f"Cannot write the {needed_bytes / 2**20:.1f} MiB of arrays that the worker "
        f"processes share to {folder!r}: {exc.strerror}. Set the JOBLIB_TEMP_FOLDER "
        f"environment variable to a folder with more free space (joblib's workers use it "
        f"too), or fit with n_jobs=1, which needs no shared folder. The estimator was not "
        f"changed.")


def _shared_copy(array, path):
    """A writable memory-mapped ``.npy`` copy of ``array`` at ``path``.

    Written with plain writes, then mapped: ``open_memmap(mode="w+")`` would make a sparse
    file whose blocks are allocated only when the map is written, and on a full file system
    (a full ``/dev/shm``) that write kills the process with SIGBUS instead of raising.
    """
    _save_array(path, array)
    return np.load(path, mmap_mode="r+")


def _save_array(path, array):
    """``np.save(path, array)``, but a full file system raises an OSError with its errno
    (``np.save`` writes with ``ndarray.tofile``, whose short write has none)."""
    array = np.ascontiguousarray(array)
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, np.lib.format.header_data_from_array_1_0(array))
        f.write(memoryview(array.reshape(-1)).cast("B"))


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
        # A whole read-only map of a file of the folder (the corpus, _share_corpus_arrays).
        base = obj.base
        if isinstance(base, np.memmap) and base.filename is not None \
                and os.path.dirname(base.filename) == self._folder \
                and obj.shape == base.shape and obj.dtype == base.dtype:
            return ("array", os.path.basename(base.filename), "r")
        if obj.nbytes < _SHARE_MIN_BYTES:
            return None
        key = id(obj)
        if key not in self._saved:
            name = f"array{len(self._saved)}.npy"
            _save_array(os.path.join(self._folder, name), obj)
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
    # The token names this fit's payload in the workers' caches (_unpickle_with_shared_
    # arrays): a later fit may get the same folder name and pickle to the same bytes.
    return folder, buffer.getvalue(), os.getpid(), secrets.token_hex(8)


def _share_corpus_arrays(corpus, folder):
    """Copy the large arrays of an in-memory corpus into ``folder`` and replace them by
    read-only maps of the copies, so that the coordinator holds the corpus once (the
    pickler then references the maps by name). The maps stay valid after the folder is
    removed: a removed file lives until its last map goes."""
    storage = getattr(corpus, "_storage_arrays", None)
    if storage is None:  # a MappedCorpus (out_of_core) is pickled as its file names
        return
    arrays = []
    for i, array in enumerate(storage()):
        if array.nbytes >= _SHARE_MIN_BYTES:
            path = os.path.join(folder, f"corpus{i}.npy")
            _save_array(path, array)
            array = np.asarray(np.load(path, mmap_mode="r"))
        arrays.append(array)
    corpus._set_storage(*arrays)


def _unpickle_with_shared_arrays(payload):
    """The objects of a fit's payload, unpickled once per worker process and fit.

    Every task of a fit carries the same payload; unpickling it for each block mapped the
    shared arrays afresh and rebuilt the layer's lazy tables (noise sampler, Huffman
    split) in every block. (The page faults workers took came from their heap, see
    :func:`_keep_freed_heap`, not from these maps.) A worker keeps the maps of the fit it
    last served until the fit's folder is removed (its owner watcher drops them then, so
    that the memory of the removed files goes within ``_OWNER_POLL_SECONDS``) or another
    fit's task arrives.
    """
    folder, data, owner, token = payload
    if owner == os.getpid():  # unpickled in the owner itself: nothing to cache
        return _SharingUnpickler(io.BytesIO(data), folder).load()
    with _cache_lock:
        cached = _payload_cache.get(token)
    if cached is None:
        cached = _SharingUnpickler(io.BytesIO(data), folder).load()
        with _cache_lock:
            _payload_cache.clear()  # the previous fit's maps
            _cached_folders.clear()
            _payload_cache[token] = cached
            _cached_folders[token] = folder
    _exit_with_owner(owner)
    return cached


def _drop_payloads_of_removed_folders():
    """Forget the cached payloads whose folder is gone (their fit has ended)."""
    with _cache_lock:
        for token, folder in list(_cached_folders.items()):
            if not os.path.isdir(folder):
                _payload_cache.pop(token, None)
                del _cached_folders[token]


# A worker's payloads by token (at most one fit's), and their folders.
_payload_cache: dict = {}
_cached_folders: dict = {}
_cache_lock = threading.Lock()


# -------------------------------------------------------------- a worker's dead parent

_watched_owners: set[int] = set()
_watch_lock = threading.Lock()


def _exit_with_owner(owner_pid):
    """In a worker, start (once) a thread that ends this process when ``owner_pid`` dies.

    loky's workers notice a dead parent only at their idle timeout (300 s with joblib), and
    a worker in the middle of a block not at all until it asks for the next one; until then
    they hold the shared folder's memory and keep loky's resource tracker, which removes
    joblib's leftovers, waiting.
    """
    if owner_pid == os.getpid():
        return  # unpickled in the owner itself
    with _watch_lock:
        if owner_pid in _watched_owners:
            return
        _watched_owners.add(owner_pid)
    threading.Thread(target=_watch_owner, args=(owner_pid,), daemon=True,
                     name="sklearn_w2v-owner-watch").start()


def _watch_owner(owner_pid):
    while True:
        time.sleep(_OWNER_POLL_SECONDS)
        # getppid() changes when the parent dies (the orphan is adopted); the pid test
        # covers a worker that is not the owner's child (its owner is checked directly).
        if os.getppid() != owner_pid and not process_exists(owner_pid):
            os._exit(1)
        _drop_payloads_of_removed_folders()

