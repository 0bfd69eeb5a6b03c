"""Hard faults (issue 17): a fitting process killed without cleanup, owner-locked folders
and the removal of stale ones, two fits at once, full or read-only folders."""

import contextlib
import errno
import glob
import inspect
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import numpy as np
import pytest
from conftest import recording

import sklearn_w2v
from sklearn_w2v import Word2VecTransformer
from sklearn_w2v._text.analyzer import build_analyzer, iter_token_lists
from sklearn_w2v._text.corpus_folder import CORPUS_FOLDER_PREFIX, encode_to_folder
from sklearn_w2v._text.corpus_stores import FolderStore
from sklearn_w2v._training.workers import FOLDER_PREFIX
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v._utils.owned_folders import (
    LOCK_NAME,
    OwnedFolder,
    remove_stale_folders,
)
from sklearn_w2v.datasets import load_sample_corpus

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc") or os.name != "posix",
                                reason="kills processes and reads /proc (Linux)")

# Bound on the time a dead parent's workers and files may outlive it. Measured: 0.3-0.45 s
# (the workers poll their parent every 0.25 s, then loky's resource tracker cleans up).
DEADLINE_SECONDS = 10.0

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(sklearn_w2v.__file__)))

def children(parent=None):
    """The process ids of the children of ``parent`` (this process by default): the
    workers and loky's resource trackers. Also run in the child processes (CHILDREN)."""
    parent = os.getpid() if parent is None else parent
    found = []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent:
            found.append(int(name))
    return found


CHILDREN = "import os\n" + inspect.getsource(children)

# A fit that reports its process id and its children once the first epoch is over, waits
# for a line on stdin (so that fits started together for several tests do not compete for
# the CPUs meanwhile), and then trains until killed.
FIT_UNTIL_KILLED = CHILDREN + textwrap.dedent('''
    import json, sys
    from sklearn_w2v import Word2VecTransformer
    from sklearn_w2v._utils import engine_hooks
    from sklearn_w2v.datasets import load_sample_corpus

    n_jobs, out_of_core, temp_folder = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3]

    def report(epoch_report, vectors, context_vectors):
        if epoch_report.epoch == 1:
            print(json.dumps({"pid": os.getpid(), "children": children()}), flush=True)
            sys.stdin.readline()

    with engine_hooks(block_size=4096, min_tokens_for_processes=0):
        Word2VecTransformer(vector_size=16, epochs=100_000, min_count=2, random_state=0,
                            n_jobs=n_jobs, out_of_core=out_of_core,
                            temp_folder=temp_folder or None, epoch_callback=report,
                            ).fit(load_sample_corpus(n_lines=2000))
''')


def child_env():
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": PACKAGE_ROOT + (os.pathsep + path if path else "")}


class RunningFit:
    """A fit in a child process (its own session), paused at the first epoch's end."""

    def __init__(self, folder, n_jobs=2, out_of_core=False):
        folder.mkdir()
        self.temp_folder = folder / "corpus"
        self.temp_folder.mkdir()
        script = folder / "fit_until_killed.py"
        script.write_text(FIT_UNTIL_KILLED)
        self._stderr = open(folder / "child_stderr.txt", "w+")
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(n_jobs), str(int(out_of_core)),
             str(self.temp_folder) if out_of_core else ""], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._stderr, env=child_env(),
            start_new_session=True)
        self.pid = self.children = None

    def wait_until_paused(self):
        """Wait for the end of the first epoch: the workers are running."""
        if self.pid is not None:
            return self
        watchdog = threading.Timer(300, self.process.kill)  # never hang the suite
        watchdog.start()
        try:
            line = self.process.stdout.readline()
        finally:
            watchdog.cancel()
        if not line:
            self.process.wait()
            self._stderr.seek(0)
            pytest.fail(f"the fit did not start:\n{self._stderr.read()}")
        info = json.loads(line)
        self.pid, self.children = info["pid"], info["children"]
        return self

    def resume(self):
        """Let the fit train on; return once blocks are in the workers."""
        self.process.stdin.write(b"go\n")
        self.process.stdin.flush()
        time.sleep(0.3)  # an epoch takes about a second here: this is mid-epoch

    def kill(self, signum, group=False):
        """Send ``signum`` (to the whole process group if ``group``); return when the
        process is dead, with the time of the signal."""
        sent = time.monotonic()
        try:
            if group:
                # The session's id is the child's pid (start_new_session): this reaches
                # its workers too, even after the child itself is gone.
                os.killpg(self.process.pid, signum)
            else:
                self.process.send_signal(signum)
        except ProcessLookupError:
            pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self._stderr):
            stream.close()
        return sent

    def remove_leftovers(self):
        """Remove what a run killed with its trackers leaves (loky's semaphores and
        joblib's folders): the suite must not litter ``/dev/shm``."""
        for path in files_of(self.pid, self.temp_folder):
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.remove(path)


# The runs the tests below kill, started together (their start-up, mostly importing
# in the workers, is most of the time of these tests): name -> (n_jobs, out_of_core).
RUNS = {"sigkill": (2, True), "sigterm": (2, False), "one_process": (1, True),
        "group": (2, True)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    started = {name: RunningFit(root / name, *params) for name, params in RUNS.items()}
    yield started
    for fit in started.values():
        fit.kill(signal.SIGKILL, group=True)
        if fit.pid is not None:
            fit.remove_leftovers()


def alive(pids):
    """The processes of ``pids`` still running (zombies are dead: nothing reaps an orphan
    in some containers)."""
    running = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            running.append(pid)
    return running


def files_of(pid, *roots):
    """Everything in ``/dev/shm``, the temporary folder and ``roots`` named after the run
    of process ``pid``: our folders, joblib's memmapping folders, loky's semaphores."""
    prefixes = (f"{FOLDER_PREFIX}{pid}_", f"{CORPUS_FOLDER_PREFIX}{pid}_",
                f"joblib_memmapping_folder_{pid}_", f"sem.loky-{pid}-")
    found = []
    for root in {"/dev/shm", tempfile.gettempdir(), *map(str, roots)}:
        if os.path.isdir(root):
            found += [os.path.join(root, name) for name in os.listdir(root)
                      if name.startswith(prefixes)]
    return sorted(found)


def wait_until_gone(fit, sent, *roots):
    """Poll until the children and files of ``fit`` are gone or the deadline passes;
    return (seconds since the signal, children alive, files left)."""
    while True:
        running, left = alive(fit.children), files_of(fit.pid, *roots)
        elapsed = time.monotonic() - sent
        if (not running and not left) or elapsed > DEADLINE_SECONDS:
            return elapsed, running, left
        time.sleep(0.05)


# ------------------------------------------------------------------ a killed parent


@pytest.mark.parametrize("name, signum", [("sigkill", signal.SIGKILL),
                                          ("sigterm", signal.SIGTERM),
                                          ("one_process", signal.SIGKILL)])
def test_a_killed_fit_leaves_no_process_and_no_file(name, signum, runs):
    """The parent alone is killed mid-training (as the OOM killer, a notebook restart or
    ``kill`` do): its workers and loky's trackers exit, and the shared folder, the
    out-of-core folder, joblib's folders and loky's semaphores all go within the deadline.
    """
    fit = runs[name].wait_until_paused()
    n_jobs, _ = RUNS[name]
    assert len(fit.children) >= n_jobs  # the workers (and loky's trackers) were running
    assert files_of(fit.pid, fit.temp_folder)
    fit.resume()
    elapsed, running, left = wait_until_gone(fit, fit.kill(signum), fit.temp_folder)
    assert not running, f"processes alive {elapsed:.1f} s after the parent's death"
    assert not left, f"files left {elapsed:.1f} s after the parent's death"


def test_a_killed_process_group_leaves_folders_that_the_next_fit_removes(runs, many_blocks):
    """The whole process group killed (a scheduler's time limit): loky's tracker dies too,
    so our folders stay until the next fit, which removes them. A fit while the other one
    runs removes nothing of it."""
    fit = runs["group"].wait_until_paused()
    next_fit = Word2VecTransformer(vector_size=8, epochs=1, min_count=2, n_jobs=2,
                                   out_of_core=True, temp_folder=fit.temp_folder)
    fit.resume()
    running = files_of(fit.pid, fit.temp_folder)
    ours = [path for path in running if os.path.basename(path).startswith(FOLDER_PREFIX)]
    assert len(ours) == 2  # the shared folder and the corpus folder
    next_fit.fit(load_sample_corpus(n_lines=300))
    assert files_of(fit.pid, fit.temp_folder) == running  # locked: nothing removed
    assert fit.process.poll() is None  # and it trains on
    fit.kill(signal.SIGKILL, group=True)
    assert all(os.path.exists(path) for path in ours)
    next_fit.fit(load_sample_corpus(n_lines=300))
    assert not any(os.path.exists(path) for path in ours)
    # loky's semaphores and joblib's (empty) folders stay: they are joblib's to judge.
    fit.remove_leftovers()


# -------------------------------------------------------------- owner-locked folders


def dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_live_owners_folder_is_kept_and_a_dead_owners_removed(tmp_path):
    live = OwnedFolder(str(tmp_path), "w2v_test_")
    assert os.path.exists(os.path.join(live.path, LOCK_NAME))
    # A folder whose owner died without removing it: its lock was released by the kernel.
    # (The module alone, by its path: importing the package would take seconds.)
    code = ("import importlib.util, os, sys\n"
            "spec = importlib.util.spec_from_file_location('folders', sys.argv[1])\n"
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
            "print(module.OwnedFolder(sys.argv[2], 'w2v_test_').path, flush=True)\n"
            "os._exit(0)")
    module_path = os.path.join(PACKAGE_ROOT, "sklearn_w2v", "_utils", "owned_folders.py")
    orphan = subprocess.run([sys.executable, "-c", code, module_path, str(tmp_path)],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert os.path.isdir(orphan)
    assert remove_stale_folders(str(tmp_path), "w2v_test_") == [orphan]
    assert os.path.isdir(live.path) and not os.path.exists(orphan)
    live.remove()
    assert not os.path.exists(live.path)
    live.remove()  # twice is harmless


def test_a_folder_without_lock_is_judged_by_its_pid_and_age(tmp_path):
    """Folders of versions without locks (or being created) carry only a process id."""
    live = tmp_path / f"w2v_test_{os.getpid()}_a"
    dead_old = tmp_path / f"w2v_test_{dead_pid()}_b"
    dead_new = tmp_path / f"w2v_test_{dead_pid()}_c"
    other = tmp_path / "unrelated_1_d"
    for folder in (live, dead_old, dead_new, other):
        folder.mkdir()
        (folder / "data.npy").write_bytes(b"x")
    an_hour_ago = time.time() - 3600
    for folder in (live, dead_old, other):
        os.utime(folder, (an_hour_ago, an_hour_ago))
    assert remove_stale_folders(str(tmp_path), "w2v_test_") == [str(dead_old)]
    assert live.exists() and dead_new.exists() and other.exists()


# ---------------------------------------------------------- full and read-only folders


@pytest.fixture
def tmpfs(tmp_path):
    """``tmpfs(size, read_only=False)`` mounts a small tmpfs and returns its path (root
    only: the test is skipped otherwise); all are unmounted at the end."""
    mounted = []

    def mount(size, read_only=False):
        if os.geteuid() != 0:
            pytest.skip("mounting a tmpfs needs root")
        point = tmp_path / f"tmpfs{len(mounted)}"
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                              capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode(errors='replace')}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def fitted_state(fitted):
    return (dict(fitted.vocabulary_), fitted.vectors_.copy(), list(fitted.loss_curve_))


def assert_state(fitted, state):
    vocabulary, vectors, loss_curve = state
    assert fitted.vocabulary_ == vocabulary and fitted.loss_curve_ == loss_curve
    np.testing.assert_array_equal(fitted.vectors_, vectors)


@pytest.fixture
def texts():
    return load_sample_corpus(n_lines=2000)


def small_model(**params):
    return Word2VecTransformer(**{"vector_size": 16, "epochs": 1, "min_count": 2,
                                  "random_state": 0, **params})


@pytest.mark.parametrize("read_only", [False, True])
def test_a_full_or_read_only_shared_folder_is_named_with_its_fix(read_only, tmpfs, texts,
                                                                 many_blocks, monkeypatch):
    """Before, a full folder killed the fit with SIGBUS (the arrays were sparse maps)."""
    place = tmpfs("64k", read_only=read_only)
    fitted = small_model().fit(texts[:300])
    state = fitted_state(fitted)
    monkeypatch.setenv("JOBLIB_TEMP_FOLDER", str(place))
    expected = "Read-only file system" if read_only else "No space left on device"
    with pytest.raises(OSError, match=f"{place}.*{expected}.*JOBLIB_TEMP_FOLDER.*n_jobs=1"):
        fitted.set_params(n_jobs=2).fit(texts)
    assert_state(fitted, state)
    assert os.listdir(place) == []
    monkeypatch.delenv("JOBLIB_TEMP_FOLDER")
    assert fitted.fit(texts).vectors_.shape[0] > 0  # elsewhere it works


def test_a_read_only_dev_shm_falls_back_to_the_temporary_folder(tmpfs, texts, many_blocks):
    events = []
    with engine_hooks(shared_memory_folder=str(tmpfs("1m", read_only=True))), \
            recording(events, "shared"):
        small_model(n_jobs=2).fit(texts)
    assert os.path.dirname(events[0][1]["folder"]) == tempfile.gettempdir()


def test_a_corpus_folder_that_fills_up_is_named_with_its_fix(tmpfs, texts):
    """out_of_core=True on a disk that fills while the corpus is written."""
    place = tmpfs("48k")
    fitted = small_model().fit(texts[:300])
    state = fitted_state(fitted)
    with pytest.raises(OSError, match=f"{place}.*No space left.*temp_folder=.*out_of_core"):
        fitted.set_params(out_of_core=True, temp_folder=place).fit(texts)
    assert_state(fitted, state)
    assert os.listdir(place) == []
    stats = os.statvfs(place)
    assert stats.f_bfree == stats.f_blocks  # no file kept open, its space held


def test_a_read_only_temp_folder_is_named(tmpfs, texts):
    place = tmpfs("1m", read_only=True)
    with pytest.raises(OSError, match=f"{place}.*Read-only.*temp_folder="):
        small_model(out_of_core=True, temp_folder=place).fit(texts[:300])


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullFile(io.RawIOBase):
    def writable(self):
        return True

    def write(self, data):
        _no_space()


def _open_full(path, mode="r", *args, **kwargs):
    """``open``, except that every write to a file opened for writing fails: no space."""
    if "w" not in mode:
        return open(path, mode, *args, **kwargs)
    return _FullFile() if "b" in mode else io.TextIOWrapper(_FullFile())


def test_no_room_errors_without_a_tmpfs(texts, many_blocks, monkeypatch, tmp_path):
    """The same for the shared folder, by a fault-injecting writer (runs where no tmpfs can
    be mounted): the shared arrays' files of the fit cannot be written."""
    import builtins

    real_open = builtins.open

    def open_full(path, mode="r", *args, **kwargs):
        # Only the files in the fit's own folders are full.
        folder = os.path.basename(os.path.dirname(os.fspath(path)))
        if "w" not in mode or not folder.startswith(FOLDER_PREFIX):
            return real_open(path, mode, *args, **kwargs)
        return _open_full(path, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_full)
    with pytest.raises(OSError, match="No space left.*JOBLIB_TEMP_FOLDER") as caught:
        small_model(n_jobs=2).fit(texts)
    assert caught.value.errno == errno.ENOSPC
    assert not [name for name in os.listdir(tmp_path) if name.startswith(FOLDER_PREFIX)]


def test_no_room_for_the_corpus_files_without_a_tmpfs(texts, tmp_path):
    """The same for the corpus files of out_of_core=True, written by a fault-injecting
    ``open`` into the store a fit makes of ``temp_folder``."""
    token_lists = iter_token_lists(texts, build_analyzer())
    with pytest.raises(OSError, match="No space left.*temp_folder=") as caught:
        with FolderStore(tmp_path) as store:
            encode_to_folder(token_lists, store.folder, open_file=_open_full)
    assert caught.value.errno == errno.ENOSPC
    assert not [name for name in os.listdir(tmp_path) if name.startswith(FOLDER_PREFIX)]


def test_save_word2vec_format_syncs_the_folder_after_the_rename(tmp_path, monkeypatch):
    """The rename is durable only once the folder is synced (the file alone was before)."""
    from sklearn_w2v import save_word2vec_format

    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        status = os.fstat(fd)
        events.append(("fsync", "folder" if stat.S_ISDIR(status.st_mode) else "file",
                       status.st_ino))
        real_fsync(fd)

    def replace(source, target):
        events.append(("replace", os.path.basename(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    save_word2vec_format(tmp_path / "vectors.txt", ["a", "b"], np.eye(2))
    file_inode = os.stat(tmp_path / "vectors.txt").st_ino
    assert events == [("fsync", "file", file_inode), ("replace", "vectors.txt"),
                      ("fsync", "folder", os.stat(tmp_path).st_ino)]


# ---------------------------------------------------------------- two fits at once

# A fit with n_jobs=2 that pauses after its first epoch until the test says go, then a fit
# with n_jobs=1; it reports what they learned, its workers and the shared folders it saw.
FIT_TWICE = CHILDREN + textwrap.dedent('''
    import glob, hashlib, json, sys
    from sklearn_w2v import Word2VecTransformer
    from sklearn_w2v._utils import engine_hooks
    from sklearn_w2v.datasets import load_sample_corpus

    texts = load_sample_corpus(n_lines=1500)
    seen = {"workers": set(), "folders": set(), "paused": False}

    def look(report, vectors, context_vectors):
        seen["workers"].update(children())
        seen["folders"].update(glob.glob(f"/dev/shm/sklearn_w2v_{os.getpid()}_*"))
        if not seen["paused"]:
            seen["paused"] = True
            print("paused", flush=True)
            sys.stdin.readline()

    def fit(n_jobs):
        return Word2VecTransformer(vector_size=16, epochs=3, min_count=2, random_state=0,
                                   n_jobs=n_jobs, epoch_callback=look).fit(texts)

    with engine_hooks(block_size=4096, min_tokens_for_processes=0):
        two, one = fit(2), fit(1)
    print(json.dumps({
        "workers": sorted(seen["workers"]), "folders": sorted(seen["folders"]),
        "n_pairs": two.n_pairs_, "loss_curve": list(two.loss_curve_),
        "one": hashlib.sha256(one.vectors_.tobytes()).hexdigest()}), flush=True)
''')


def fit_alone(n_jobs, n_lines, **params):
    params = {"vector_size": 16, "epochs": 3, "min_count": 2, "random_state": 0, **params}
    return Word2VecTransformer(n_jobs=n_jobs, **params).fit(
        load_sample_corpus(n_lines=n_lines))


def test_two_processes_fit_at_once_as_each_would_alone(tmp_path, many_blocks):
    """This process and another (two notebooks) fit with n_jobs=2 at the same time: each
    has its own workers and folder (neither fit's sweep removes the other's live folder),
    and each learns what it would alone: bit-equal with n_jobs=1, the same pairs and loss
    with workers."""
    import hashlib

    script = tmp_path / "fit_twice.py"
    script.write_text(FIT_TWICE)
    other = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, env=child_env(),
                             start_new_session=True)
    watchdog = threading.Timer(300, os.killpg, (other.pid, signal.SIGKILL))
    watchdog.start()
    ours = {"workers": set(), "folders": set()}

    def look(report, vectors, context_vectors):
        ours["workers"].update(children())
        ours["folders"].update(glob.glob(f"/dev/shm/{FOLDER_PREFIX}{os.getpid()}_*"))
        if report.epoch == 1:
            # Both fits are now between epochs 1 and 2, folders and workers alive.
            assert other.stdout.readline() == b"paused\n"
            other.stdin.write(b"go\n")
            other.stdin.flush()

    try:
        two = fit_alone(2, 1500, epoch_callback=look)
        output = other.communicate(timeout=300)[0]
    finally:
        watchdog.cancel()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(other.pid, signal.SIGKILL)
    assert other.returncode == 0
    theirs = json.loads(output)
    assert len(theirs["folders"]) == 1 and len(ours["folders"]) == 1
    their_workers = set(theirs["workers"])
    assert len(their_workers) >= 2 and not their_workers & ours["workers"]
    one = fit_alone(1, 1500)
    assert theirs["one"] == hashlib.sha256(one.vectors_.tobytes()).hexdigest()
    assert theirs["n_pairs"] == two.n_pairs_ == one.n_pairs_
    np.testing.assert_allclose(theirs["loss_curve"], two.loss_curve_, rtol=0.02)


def test_two_threads_fit_at_once_as_each_would_alone(many_blocks):
    """Fits with n_jobs=2 in two threads (a GridSearchCV(n_jobs=2) with the threading
    backend) while the main thread fits with workers: the threads start no pool of their
    own (joblib's rule: one level of processes), learn bit for bit what they would alone,
    and the main thread's fit has its two workers."""
    alone = {seed: fit_alone(1, 1500, random_state=seed).vectors_ for seed in (1, 2)}
    results, pools = {}, {}

    def in_thread(seed):
        def look(report, vectors, context_vectors):
            pools[seed] = max(pools.get(seed, 0), report.epoch and len(children()))

        # The engine hooks belong to a thread: this one sets the test's own.
        with engine_hooks(block_size=4096, min_tokens_for_processes=0):
            results[seed] = fit_alone(2, 1500, random_state=seed,
                                      epoch_callback=look).vectors_

    before = set(children())
    threads = [threading.Thread(target=in_thread, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    main = fit_alone(2, 1500)
    for thread in threads:
        thread.join()
    for seed in (1, 2):
        np.testing.assert_array_equal(results[seed], alone[seed])
    assert main.n_pairs_ == fit_alone(1, 1500).n_pairs_
    # No process was started for the threads: only the main fit's loky pool (two workers
    # and its resource trackers, at most two more) is there.
    assert len(set(children()) - before) <= 4 and max(pools.values()) <= len(before) + 4
