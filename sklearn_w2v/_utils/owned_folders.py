"""Temporary folders that name their owner, and the removal of those whose owner died.

A fit keeps big files in a temporary folder: the arrays its worker processes share (in
``/dev/shm``, which is memory) and the encoded corpus of ``out_of_core=True``. A normal
exit, an exception and Ctrl-C all remove the folder; a killed process (``kill -9``, the OOM
killer, a restarted notebook kernel, a scheduler's time limit) runs no cleanup at all.
Two mechanisms remove what such a process leaves behind:

* The owner holds an exclusive ``flock`` on a lock file inside the folder for as long as the
  folder lives. The kernel releases it when the process dies, however it dies, so a folder
  whose lock can be taken is stale: :func:`remove_stale_folders`, called by every fit that
  creates a folder, removes it. A lock, unlike the process id in the name, cannot be fooled
  by a reused process id or by a process of another PID namespace sharing ``/dev/shm``.
* The worker processes' folder is also registered with loky's resource tracker, the helper
  process that already removes joblib's own folders and semaphores once every process of
  the pool has exited; the workers exit within a fraction of a second of their parent (see
  :mod:`sklearn_w2v._training.workers`), so the folder goes with them, without waiting for a next
  fit. When the tracker is killed too (a whole process group killed), the next fit removes
  the folder.

Why not memory that the kernel frees with its last mapping (a file unlinked once opened,
``memfd_create``): workers are reused across fits and open the arrays by name per task, and
loky offers no way to hand them file descriptors; both are Linux-specific as well.
"""

import contextlib
import errno
import os
import shutil
import time
import uuid

try:  # POSIX; on Windows open files cannot be removed, so a live folder is safe anyway
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]  # the callers check for None

__all__ = ["OwnedFolder", "full_or_read_only", "process_exists", "remove_stale_folders",
           "tracked_by_loky"]

# The lock file of a folder: held (flock LOCK_EX) by the owner while the folder lives.
LOCK_NAME = ".owner.lock"

# A folder without a lock file (being created, or left by a version without locks) is
# judged by its owner's process id, and only once it is this old: a folder being created
# gets its lock within microseconds.
_UNLOCKED_GRACE_SECONDS = 60.0

# errno values of a write that cannot succeed where it is: no space, no quota, read-only.
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


def full_or_read_only(exc):
    """Whether ``exc`` is an OSError saying the file system is full or read-only."""
    return isinstance(exc, OSError) and exc.errno in _NO_ROOM


class OwnedFolder:
    """A new folder ``root/<prefix><pid>_<hex>`` locked by this process until removed.

    Parameters
    ----------
    root : str
        Existing folder to create it in.
    prefix : str
        Start of the folder's name.

    Attributes
    ----------
    path : str
    """

    def __init__(self, root, prefix):
        self.path = os.path.join(root, f"{prefix}{os.getpid()}_{uuid.uuid4().hex}")
        self._lock_fd = None
        os.makedirs(self.path, mode=0o700)
        try:
            self._lock_fd = _create_held_lock(self.path)
        except BaseException:
            shutil.rmtree(self.path, ignore_errors=True)
            raise

    def remove(self):
        """Remove the folder and everything in it, then release the lock (in that order,
        so that no other process removes it meanwhile or finds it half removed and
        unlocked)."""
        if self._lock_fd is None:
            return
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._lock_fd)
        self._lock_fd = None


def _create_held_lock(folder):
    """Create ``folder/LOCK_NAME`` already locked; return its descriptor.

    The file is locked under a temporary name and then renamed: a lock file that exists
    under ``LOCK_NAME`` is always held while its owner lives, so another process can never
    take it in the instant between creation and locking.
    """
    temporary = os.path.join(folder, f"{LOCK_NAME}.{uuid.uuid4().hex}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(temporary, os.path.join(folder, LOCK_NAME))
    except BaseException:
        os.close(fd)
        raise
    return fd


def remove_stale_folders(root, prefix):
    """Remove the folders ``root/<prefix>*`` of this user whose owner process is gone.

    A folder is stale when its lock file can be locked (the owner's lock went with the
    owner), or, without a lock file, when it is older than a minute and the process id in
    its name does not exist. Folders of live processes, of other users and anything that
    cannot be judged are left alone; errors are ignored (this is housekeeping).

    Parameters
    ----------
    root : str
    prefix : str

    Returns
    -------
    list of str
        The folders removed.
    """
    removed: list[str] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or \
                    entry.stat(follow_symlinks=False).st_uid != _euid():
                continue
            if _remove_if_stale(entry.path, entry.name[len(prefix):]):
                removed.append(entry.path)
        except OSError:
            continue
    return removed


def _euid():
    return os.geteuid() if hasattr(os, "geteuid") else 0


def _remove_if_stale(path, tail):
    if fcntl is None:  # pragma: no cover - Windows
        return False
    try:
        fd = os.open(os.path.join(path, LOCK_NAME), os.O_RDONLY)
    except FileNotFoundError:
        return _remove_if_unlocked_and_orphaned(path, tail)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # the owner is alive
        # Removed while holding the lock, so that a second cleaner skips it.
        shutil.rmtree(path, ignore_errors=True)
        return True
    finally:
        os.close(fd)


def _remove_if_unlocked_and_orphaned(path, tail):
    pid = _owner_pid(tail)
    if pid is None or process_exists(pid):
        return False
    if time.time() - os.stat(path).st_mtime < _UNLOCKED_GRACE_SECONDS:
        return False
    shutil.rmtree(path, ignore_errors=True)
    return True


def _owner_pid(tail):
    """The process id at the start of ``<pid>_<hex>``, or None."""
    head = tail.split("_", 1)[0]
    return int(head) if head.isdigit() else None


def process_exists(pid):
    """Whether a process ``pid`` exists (in this PID namespace)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else (EPERM)
    return True


@contextlib.contextmanager
def tracked_by_loky(path):
    """Register ``path`` with loky's resource tracker while the block runs.

    The tracker removes a registered folder once every process of the pool (this one and
    its workers) has exited; unregistering on the way out leaves the normal removal to the
    caller. Without loky's tracker (another joblib), the stale-folder removal remains.
    """
    try:
        from joblib.externals.loky.backend import resource_tracker
    except ImportError:  # pragma: no cover - joblib without loky
        yield
        return
    resource_tracker.register(path, "folder")
    try:
        yield
    finally:
        resource_tracker.unregister(path, "folder")
