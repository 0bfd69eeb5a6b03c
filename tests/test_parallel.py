"""Tests of sklearn_w2v._training.workers: n_jobs conventions, worker processes over shared memory,
failure handling and cleanup, the small-corpus fallback."""

import contextlib
import glob
import os
import signal
import tempfile
import threading
from dataclasses import dataclass

import numpy as np
import pytest
from joblib import Parallel, cpu_count, delayed, parallel_config
from sklearn.base import clone

from sklearn_w2v import TrainingDivergedError, Word2VecTransformer
from sklearn_w2v._model.steps import StepResult
from sklearn_w2v._training import workers as _parallel
from sklearn_w2v._training.workers import (
    FOLDER_PREFIX,
    TrainingWorkerError,
    effective_n_jobs,
)
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v._utils.hooks import MIN_TOKENS_FOR_PROCESSES
from sklearn_w2v.datasets import load_sample_corpus

PARENT_PID = os.getpid()


@pytest.fixture(scope="module")
def texts():
    return load_sample_corpus(n_lines=4000)


def model(**params):
    return Word2VecTransformer(**{**dict(vector_size=16, epochs=2, min_count=2,
                                         random_state=0), **params})


def shared_folders():
    """This process's shared folders: other processes (another test run on the same
    machine) create and remove theirs at any time."""
    roots = {tempfile.gettempdir(), "/dev/shm", os.environ.get("JOBLIB_TEMP_FOLDER", "")}
    return {path for root in roots if root
            for path in glob.glob(os.path.join(root, f"{FOLDER_PREFIX}{os.getpid()}_*"))}


@pytest.fixture(autouse=True)
def folders_before():
    """This process's shared folders that existed before the test."""
    return shared_folders()


def leaked_folders(before):
    return sorted(shared_folders() - before)


# ------------------------------------------------------------------------------ n_jobs


def test_effective_n_jobs_follows_scikit_learn_conventions():
    assert effective_n_jobs(None) == 1
    assert effective_n_jobs(1) == 1
    assert effective_n_jobs(3) == 3
    assert effective_n_jobs(-1) == cpu_count()
    assert effective_n_jobs(-2) == max(cpu_count() - 1, 1)
    assert effective_n_jobs(-10**6) == 1
    with parallel_config(n_jobs=3):
        assert effective_n_jobs(None) == 3  # the context's n_jobs when not set
        assert effective_n_jobs(2) == 2  # an explicit value wins


def test_nested_in_joblib_workers_never_oversubscribes():
    # In loky workers joblib allots cpu_count() // n_jobs CPUs to each worker.
    in_processes = Parallel(n_jobs=2, backend="loky")(
        delayed(effective_n_jobs)(-1) for _ in range(2))
    assert in_processes == [max(cpu_count() // 2, 1)] * 2
    in_threads = Parallel(n_jobs=2, backend="threading")(
        delayed(effective_n_jobs)(4) for _ in range(2))
    assert in_threads == [1, 1]


def test_n_jobs_validation_accepts_negative_and_rejects_zero(texts):
    with pytest.raises(ValueError, match="n_jobs"):
        model(n_jobs=0).fit(texts[:50])
    assert model(n_jobs=-1, epochs=1).fit(texts[:200]).vectors_.shape[1] == 16


# ------------------------------------------------------------------ steps used in workers


@dataclass
class RecordingStep:
    """Wraps a step and leaves a file named after the process id of every caller."""

    inner: object
    folder: str

    def __call__(self, parameters, batch, random):
        open(os.path.join(self.folder, str(os.getpid())), "a").close()
        return self.inner(parameters, batch, random)


@dataclass
class FailingStep:
    """Wraps a step and fails in a worker process (never in the test process)."""

    inner: object
    how: str
    # Set in the test process (a worker importing this module gets its own PARENT_PID).
    parent_pid: int = PARENT_PID

    def __call__(self, parameters, batch, random):
        if os.getpid() != self.parent_pid:
            if self.how == "raise":
                raise ValueError("boom from a worker")
            if self.how == "exit":
                os._exit(3)
            if self.how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            if self.how == "diverge":
                result = self.inner(parameters, batch, random)
                return StepResult(float("inf"), result.n_pairs, result.updates)
        return self.inner(parameters, batch, random)


@pytest.fixture
def wrap_steps():
    """``wrap_steps(wrapper)``: from then on every fit of the test trains with
    ``wrapper(step)`` (in the workers too); ``wrap_steps.undo()`` ends it."""
    stack = contextlib.ExitStack()

    def wrap(wrapper):
        stack.enter_context(engine_hooks(wrap_step=wrapper))
    wrap.undo = stack.close
    yield wrap
    stack.close()


# ------------------------------------------------------------------------ training


def test_two_processes_share_the_work_and_learn_like_one(texts, many_blocks,
                                                         tmp_path, folders_before, wrap_steps):
    one = model(n_jobs=1).fit(texts)
    wrap_steps(lambda step: RecordingStep(step, str(tmp_path)))
    two = model(n_jobs=2).fit(texts)
    callers = {int(name) for name in os.listdir(tmp_path)}
    assert len(callers) == 2 and os.getpid() not in callers
    # The same windows and noise words were drawn (same seeds per block) ...
    assert two.n_pairs_ == one.n_pairs_ and two.n_effective_words_ == one.n_effective_words_
    # ... and trained to the same loss, only the interleaving of updates differs.
    np.testing.assert_allclose(two.loss_curve_, one.loss_curve_, rtol=0.02)
    assert not np.array_equal(two.vectors_, one.vectors_)
    # Learned similarities agree: the processes trained one model, not two halves.
    words = [w for w in ("god", "king", "man", "day", "water", "land") if w in one.vocabulary_]
    sims_one = [one.similarity(a, b) for a in words for b in words if a < b]
    sims_two = [two.similarity(a, b) for a in words for b in words if a < b]
    assert np.corrcoef(sims_one, sims_two)[0, 1] > 0.9
    assert not leaked_folders(folders_before)


def test_small_corpus_trains_in_this_process(texts, tmp_path, wrap_steps):
    """Below MIN_TOKENS_FOR_PROCESSES, n_jobs=2 starts no worker: same result as n_jobs=1."""
    wrap_steps(lambda step: RecordingStep(step, str(tmp_path)))
    n_tokens = sum(len(text.split()) for text in texts[:500])
    assert n_tokens * 2 < MIN_TOKENS_FOR_PROCESSES
    two = model(n_jobs=2).fit(texts[:500])
    assert {int(name) for name in os.listdir(tmp_path)} == {os.getpid()}
    one = model(n_jobs=1).fit(texts[:500])
    np.testing.assert_array_equal(two.vectors_, one.vectors_)


@pytest.mark.parametrize("objective", ["softmax", "nce"])
def test_every_objective_trains_in_processes(objective, texts, many_blocks):
    fitted = model(n_jobs=2, objective=objective, max_vocab_size=500).fit(texts)
    assert np.isfinite(fitted.vectors_).all() and np.isfinite(fitted.loss_curve_).all()
    assert fitted.loss_curve_[-1] < fitted.loss_curve_[0]


def test_epoch_callback_sees_the_live_shared_vectors(texts, many_blocks):
    snapshots = []
    fitted = model(n_jobs=2, epoch_callback=lambda report, v, u: snapshots.append(
        (report.epoch, v.copy(), u.copy()))).fit(texts)
    assert [epoch for epoch, *_ in snapshots] == [1, 2]
    assert not np.array_equal(snapshots[0][1], snapshots[1][1])
    np.testing.assert_array_equal(snapshots[-1][1], fitted.vectors_)
    np.testing.assert_array_equal(snapshots[-1][2], fitted.context_vectors_)


# --------------------------------------------------------------------- failures


def previous_state(texts):
    fitted = model(n_jobs=1, epochs=1).fit(texts[:300])
    return fitted, (dict(fitted.vocabulary_), fitted.vectors_.copy(),
                    fitted.context_vectors_.copy(), list(fitted.loss_curve_))


def assert_unchanged(fitted, state):
    vocabulary, vectors, context_vectors, loss_curve = state
    assert fitted.vocabulary_ == vocabulary
    np.testing.assert_array_equal(fitted.vectors_, vectors)
    np.testing.assert_array_equal(fitted.context_vectors_, context_vectors)
    assert fitted.loss_curve_ == loss_curve


@pytest.mark.parametrize("how, error, message", [
    ("raise", ValueError, "boom from a worker"),
    ("diverge", TrainingDivergedError, "learning_rate"),
    ("exit", TrainingWorkerError, "stopped unexpectedly"),
    ("kill", TrainingWorkerError, "stopped unexpectedly"),
])
def test_a_failing_worker_stops_training_cleanly(how, error, message, texts, many_blocks,
                                                 folders_before, wrap_steps):
    fitted, state = previous_state(texts)
    wrap_steps(lambda step: FailingStep(step, how, os.getpid()))
    with pytest.raises(error, match=message):
        fitted.set_params(n_jobs=2).fit(texts)
    assert_unchanged(fitted, state)
    assert not leaked_folders(folders_before)
    # The pool recovers: the next fit with processes works.
    wrap_steps.undo()
    assert np.isfinite(clone(fitted).fit(texts).vectors_).all()


def test_interrupt_between_epochs_keeps_the_previous_model(texts, many_blocks, folders_before):
    fitted, state = previous_state(texts)

    def interrupt(report, vectors, context_vectors):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fitted.set_params(n_jobs=2, epoch_callback=interrupt).fit(texts)
    assert_unchanged(fitted, state)
    assert not leaked_folders(folders_before)


def test_ctrl_c_while_workers_train(texts, many_blocks, folders_before):
    """SIGINT in the parent while the workers are busy: KeyboardInterrupt, the workers
    are stopped, nothing leaks and the model is unchanged."""
    fitted, state = previous_state(texts)
    started = threading.Event()

    def on_epoch(report, vectors, context_vectors):
        if not started.is_set():
            started.set()
            # Interrupt during the next epoch, while its blocks are in the workers.
            threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()

    with pytest.raises(KeyboardInterrupt):
        fitted.set_params(n_jobs=2, epochs=50, epoch_callback=on_epoch).fit(texts)
    assert_unchanged(fitted, state)
    assert not leaked_folders(folders_before)


# ------------------------------------------------------------- what a worker keeps per fit


def test_a_worker_unpickles_a_fits_payload_once_and_drops_it_with_the_folder(tmp_path):
    """Every task of a fit carries the same payload: a worker maps its arrays once, keeps
    them for the fit's other blocks, forgets them for another fit's token and when the
    fit's folder is removed (so that the removed files' memory can go)."""
    folder = tmp_path / "fit"
    folder.mkdir()
    matrix = np.arange(12.0).reshape(3, 4)
    shared = _parallel._shared_copy(matrix, str(folder / "input.npy"))
    payload = _parallel._pickle_with_shared_arrays({"input": shared}, str(folder))
    # As a worker sees it: the owner is another process (this one's parent, alive).
    as_worker = (*payload[:2], os.getppid(), payload[3])
    first = _parallel._unpickle_with_shared_arrays(as_worker)
    again = _parallel._unpickle_with_shared_arrays(as_worker)
    assert again is first
    np.testing.assert_array_equal(first["input"], matrix)
    first["input"][0, 0] = -1.0  # the map of the shared file, not a copy
    assert shared[0, 0] == -1.0
    # A later fit pickles to the same bytes in a folder of the same name: its own token.
    later = _parallel._pickle_with_shared_arrays({"input": shared}, str(folder))
    assert later[:2] == payload[:2] and later[3] != payload[3]
    other = _parallel._unpickle_with_shared_arrays((*later[:2], os.getppid(), later[3]))
    assert other is not first
    assert list(_parallel._payload_cache) == [later[3]]
    _parallel._drop_payloads_of_removed_folders()
    assert list(_parallel._payload_cache) == [later[3]]  # its folder is still there
    del shared, first, again, other
    for name in os.listdir(folder):
        os.remove(folder / name)
    folder.rmdir()
    _parallel._drop_payloads_of_removed_folders()
    assert not _parallel._payload_cache and not _parallel._cached_folders


def test_the_owner_unpickles_its_own_payload_afresh(tmp_path):
    shared = _parallel._shared_copy(np.ones((2, 2)), str(tmp_path / "input.npy"))
    payload = _parallel._pickle_with_shared_arrays({"input": shared}, str(tmp_path))
    one = _parallel._unpickle_with_shared_arrays(payload)
    assert _parallel._unpickle_with_shared_arrays(payload) is not one
    assert payload[3] not in _parallel._payload_cache


HEAP_PROBE = """
import resource, sys
import numpy as np
if sys.argv[1] == "kept":
    from sklearn_w2v._training.workers import _keep_freed_heap
    _keep_freed_heap()
    _keep_freed_heap()  # once is enough; again changes nothing
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):  # a minibatch's temporaries, allocated and freed again and again
    a = np.ones(1 << 20, dtype=np.float32)
    b = a * 2.0
    del a, b
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/maps") or os.uname().sysname != "Linux",
                    reason="glibc's malloc on Linux")
def test_workers_keep_freed_temporaries_instead_of_faulting_them_back(tmp_path):
    """In a fresh process (as a worker is) glibc returns freed 4 MiB temporaries to the
    system and faults their pages back in on the next allocation; a worker's heap keeps
    them."""
    import subprocess
    import sys

    def faults(mode):
        out = subprocess.run([sys.executable, "-c", HEAP_PROBE, mode], check=True,
                             capture_output=True, text=True, cwd=tmp_path).stdout
        return int(out)

    default, kept = faults("default"), faults("kept")
    # 200 rounds x 2 arrays x 1,024 pages each, faulted afresh, against the first round's.
    assert default > 100_000
    assert kept < 10_000
