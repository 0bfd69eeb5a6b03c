"""Replacing a file atomically: the new content in full, or the old file as it was.

A file is written to a temporary file beside it, flushed to disk, and renamed over the
target only once complete, so a failure at any point (an invalid word found late, a full
disk, Ctrl-C, a crash) leaves the old file, and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat

__all__ = ["replace_file"]


def replace_file(path, write):
    """Call ``write(binary_file)`` so that ``path`` ends up either complete or unchanged.

    The bytes go to a temporary file in the folder of the target (``os.replace`` is atomic
    only within one file system), are flushed to disk, and the temporary file is then renamed
    over the target. On any failure, KeyboardInterrupt included, the temporary file is
    removed and the exception re-raised.
    """
    # Replace the file a symbolic link points to rather than the link itself.
    target = os.path.realpath(os.fspath(path))
    if os.path.exists(target) and not os.path.isfile(target):
        # /dev/null, a named pipe...: there is nothing to keep intact, and renaming over
        # such a path would be wrong.
        with open(target, "wb") as raw:
            write(raw)
        return
    fd, temporary = _create_file_beside(target)
    try:
        with open(fd, "wb") as raw:
            if os.path.exists(target):
                os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
            write(raw)
            raw.flush()
            _sync_to_disk(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    # The rename lives in the folder's own data: until the folder is synced, a crash can
    # bring back the old file (or none) although the new one was complete on disk.
    _sync_folder(os.path.dirname(target))


def _create_file_beside(target):
    """Create a new, uniquely named hidden file in the folder of ``target``.

    Returns ``(fd, path)``. ``os.open`` with mode 0o666 lets the umask decide the
    permissions, as ``open(target, "wb")`` would (``tempfile.mkstemp`` forces 0o600).
    """
    folder, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        # 200 characters of the name leave room for the suffix within NAME_MAX (255).
        temporary = os.path.join(folder, f".{name[:200]}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
        except FileNotFoundError:
            # Name the folder, not the temporary file the user never asked for.
            raise FileNotFoundError(
                errno.ENOENT, "No such folder to write the file in", folder or "."
            ) from None
    raise FileExistsError(errno.EEXIST, "no free temporary file name beside", target)


def _sync_folder(folder):
    """fsync a folder, where the file system allows it (not on Windows, where a folder
    cannot be opened, nor on file systems that refuse to sync one)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder or ".", flags)
    except OSError:
        return  # PermissionError on Windows; the file itself is on disk already
    try:
        _sync_to_disk(fd)
    finally:
        os.close(fd)


def _sync_to_disk(fd):
    # A full disk can surface only when the data is flushed, and a rename that reaches the
    # disk before the data would leave an empty file after a crash.
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise  # other than "this file system cannot sync", which leaves nothing to do
