"""Downloading the files of the catalogue into scikit-learn's data folder, safely.

A file of the catalogue lives in ``<data_home>/sklearn_w2v/vectors/<file name>``, where
``data_home`` is scikit-learn's (:func:`sklearn.datasets.get_data_home`:
``~/scikit_learn_data`` or ``$SCIKIT_LEARN_DATA``). A file found there is used as it is,
without any network access. Otherwise it is downloaded:

* to a hidden partial file beside it, named by the downloading process; the file's name
  is only given to a complete, verified download (an atomic rename), so a partial file is
  never read;
* verified against the catalogue's MD5 checksum, or, for the few publishers that give
  none, its exact size; a mismatch deletes the file and raises an error naming what was
  expected and what was found;
* resumed after an interruption (Ctrl-C, a closed connection, a crash): the next call
  adopts the partial file of a process that is gone and asks the server for the rest
  (an HTTP range request); a resumed file that does not verify is downloaded once more
  from the start. A process that finds another one downloading the same file waits for it;
* retried a bounded number of times on network errors (timeouts, connections cut short,
  5xx answers), with a delay between tries; a 404 or another client error is reported at
  once;
* with a progress bar when standard error is a terminal and the optional tqdm is
  installed, else progress records on the ``sklearn_w2v`` logger.

Nothing is executed: the file is data, read later by the package's vector readers.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import logging
import os
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .._utils import current_hooks, process_exists
from .._version import __version__
from .catalogue import catalogue, catalogue_entry, close_names

__all__ = ["DownloadPolicy", "fetch_named_vectors", "named_vector_file", "vectors_folder"]

logger = logging.getLogger("sklearn_w2v")

# Bytes read from the connection at a time.
_CHUNK = 1 << 20

# HTTP answers worth another try: the server is busy, failing or slow, not refusing.
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

# The sub-folder of scikit-learn's data folder that holds this package's vectors.
_SUB_FOLDER = ("sklearn_w2v", "vectors")


@dataclass(frozen=True)
class DownloadPolicy:
    """How hard a download tries: ``n_retries`` more tries after the first on network
    errors, ``delay`` seconds between tries, ``timeout`` seconds without a byte before a
    connection is given up."""

    n_retries: int = 3
    delay: float = 1.0
    timeout: float = 60.0


class _Retryable(Exception):
    """A failure that another try may not meet (a timeout, a connection cut short)."""


def vectors_folder(data_home=None, *, create=True):
    """The folder of the downloaded vectors inside scikit-learn's ``data_home``."""
    # scikit-learn is imported here, not with the module: worker processes import this
    # package for training and do not need it.
    from sklearn.datasets import get_data_home

    folder = Path(get_data_home(data_home), *_SUB_FOLDER)
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def fetch_named_vectors(name, data_home=None, download_if_missing=True, policy=None):
    """The path of the file of catalogue ``name``, downloaded and verified if missing
    (see the module docstring). Raises OSError if it is missing and
    ``download_if_missing`` is False, or cannot be downloaded."""
    entry = catalogue_entry(name)
    path = vectors_folder(data_home, create=False) / entry.file_name
    if path.is_file():
        return path
    if not download_if_missing:
        raise OSError(errno.ENOENT, f"the vectors {name!r} are not downloaded and "
                      "download_if_missing=False; call fetch_vectors(name) once with the "
                      "network to download them", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    _download(entry, path, DownloadPolicy() if policy is None else policy)
    return path


def named_vector_file(path):
    """The downloaded file of ``path`` if it is a catalogue name (downloading it if it is
    missing), else None: an existing file of that name wins, and ``init`` reads paths
    as before.

    A missing path that looks like a misspelt name raises FileNotFoundError naming the
    close names.
    """
    if not isinstance(path, str) or os.path.exists(path):
        return None
    entries = catalogue()
    if path in entries:
        return str(fetch_named_vectors(path))
    if os.sep not in path and (os.altsep is None or os.altsep not in path):
        close = close_names(path, entries)
        if close:
            raise FileNotFoundError(
                errno.ENOENT, f"No such file, nor a name of the catalogue of word vectors "
                f"(did you mean {' or '.join(map(repr, close))}? "
                f"sklearn_w2v.datasets.list_vectors() shows the names)", path)
    return None


def _download(entry, path, policy):
    """Download ``entry`` to ``path`` through a verified partial file."""
    partial = _claim_partial(path, policy.timeout)
    if partial is None:
        return  # another process downloaded it meanwhile
    for second_try in (False, True):
        resumed = _transfer_with_retries(entry, partial, policy)
        problem = _verification_problem(entry, partial)
        if problem is None:
            os.replace(partial, path)
            logger.info("%s: downloaded and verified %s", entry.name, path)
            return
        os.unlink(partial)
        if not resumed or second_try:
            raise OSError(
                f"{entry.name}: the file downloaded from {entry.url} {problem}. It was "
                "deleted; call again to download it again, and if this persists the file "
                "on the server has changed or the download is being altered on its way.")
        logger.warning("%s: the resumed download %s; downloading it again from the start",
                       entry.name, problem)


def _verification_problem(entry, partial):
    """What is wrong with the downloaded file ``partial`` (a phrase), or None."""
    size = os.path.getsize(partial)
    if entry.md5 is not None:
        found = _md5_of(partial)
        if found != entry.md5.lower():
            return (f"has the MD5 checksum {found}, but the catalogue expects {entry.md5} "
                    f"({size:,} bytes; the catalogue says {entry.file_size:,})")
        return None
    if size != entry.file_size:
        return (f"has {size:,} bytes, but the catalogue expects {entry.file_size:,} (no "
                "checksum is published for it; its size is checked)")
    if entry.file_name.lower().endswith(".zip"):
        try:  # the archive's directory, at its end, shows a file cut or damaged
            zipfile.ZipFile(partial).close()
        except (zipfile.BadZipFile, OSError) as exc:
            return f"is not a readable zip archive ({exc})"
    return None


def _md5_of(path):
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _transfer_with_retries(entry, partial, policy):
    """Bring ``partial`` to the whole file, resuming; return whether it started from a
    partial file of an earlier attempt or process."""
    resumed = os.path.exists(partial) and os.path.getsize(partial) > 0
    for attempt in range(policy.n_retries + 1):
        try:
            _transfer(entry, partial, policy.timeout)
            return resumed
        except _Retryable as exc:
            received = os.path.getsize(partial) if os.path.exists(partial) else 0
            if attempt == policy.n_retries:
                raise OSError(
                    f"{entry.name}: downloading {entry.url} failed {attempt + 1} times; "
                    f"the last time {exc}. The {received:,} bytes received are kept in "
                    f"{partial}, and the next call goes on from there (or delete it).") \
                    from None
            logger.warning("%s: %s; trying again in %g s (%d of %d)", entry.name, exc,
                           policy.delay, attempt + 1, policy.n_retries)
            resumed = resumed or received > 0
            time.sleep(policy.delay)
    return resumed  # pragma: no cover - the loop returns or raises


def _transfer(entry, partial, timeout):
    """One request: append the rest of the file to ``partial``."""
    start = os.path.getsize(partial) if os.path.exists(partial) else 0
    if start >= entry.file_size:
        return  # all the bytes are there (or too many): verification decides
    response = _open(entry, start, timeout)
    if response is None:  # the server cannot send from there: start over
        os.unlink(partial)
        raise _Retryable("the server refused to resume the partial download")
    with response:
        if start and response.status != 206:
            logger.info("%s: the server sends the whole file again", entry.name)
            start = 0  # it ignored the range: start over
        length = response.headers.get("Content-Length")
        expected = start + int(length) if length and length.isdigit() else entry.file_size
        received = _copy(response, partial, start, entry)
    if received < expected:
        raise _Retryable(f"the connection closed after {received:,} of {expected:,} bytes")


def _open(entry, start, timeout):
    headers = {"User-Agent": f"sklearn-w2v/{__version__}"}
    if start:
        headers["Range"] = f"bytes={start}-"
    request = urllib.request.Request(entry.url, headers=headers)
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and start:  # Range Not Satisfiable
            return None
        if exc.code in _RETRY_STATUSES:
            raise _Retryable(f"{entry.url} answered HTTP {exc.code} ({exc.reason})") \
                from None
        raise OSError(
            f"{entry.name}: {entry.url} answered HTTP {exc.code} ({exc.reason}); the file "
            "is not (or no longer) there. Check the address, or download the file by hand "
            "and pass its path as init.") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise _Retryable(f"cannot reach {entry.url} ({reason})") from None


def _copy(response, partial, start, entry):
    """Append the response's bytes to ``partial`` (from ``start``); return the size."""
    received = start
    hooks = current_hooks()
    progress = _Progress(entry, start)
    try:
        with open(partial, "ab" if start else "wb") as out:
            while True:
                try:
                    chunk = response.read(_CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise _Retryable(f"the connection failed after {received:,} bytes "
                                     f"({exc or 'timed out'})") from None
                if not chunk:
                    return received
                # Never more than the catalogue says: a server that streams on cannot
                # fill the disk (verification then rejects the file).
                chunk = chunk[:entry.file_size + 1 - received]
                out.write(chunk)
                received += len(chunk)
                progress.update(received)
                hooks.notify("download", vectors=entry.name, received=received)
                if received > entry.file_size:
                    return received
    finally:
        progress.close()


def _claim_partial(path, timeout):
    """The partial file this process downloads ``path`` to: adopting the partial file of
    a process that is gone (to resume it), waiting while a live one grows its own. None if
    ``path`` appeared while waiting."""
    folder, name = os.path.split(path)
    ours = os.path.join(folder, f".{name}.{os.getpid()}.part")
    while not os.path.exists(path):
        busy = False
        for other, pid in _partial_files(folder, name):
            if other == ours:
                continue
            if process_exists(pid) and _grew_recently(other, 2 * timeout):
                busy = True
            elif not os.path.exists(ours):
                _quietly(os.replace, other, ours)  # resume what a dead process left
            else:
                _quietly(os.unlink, other)
        if not busy:
            return ours
        logger.info("%s: another process is downloading it; waiting", name)
        time.sleep(min(1.0, timeout))
    return None


def _partial_files(folder, name):
    """``(path, pid)`` of the partial files of ``name`` in ``folder``."""
    prefix, suffix = f".{name}.", ".part"
    for file_name in sorted(os.listdir(folder)):
        pid = file_name[len(prefix):-len(suffix)]
        if file_name.startswith(prefix) and file_name.endswith(suffix) and pid.isdigit():
            yield os.path.join(folder, file_name), int(pid)


def _grew_recently(path, seconds):
    try:
        return time.time() - os.path.getmtime(path) < seconds
    except FileNotFoundError:
        return False


def _quietly(operation, *paths):
    try:
        operation(*paths)
    except FileNotFoundError:
        pass  # another process took it first


class _Progress:
    """A tqdm bar on a terminal (tqdm installed), else a log record every
    ``progress_interval`` seconds (the engine hooks')."""

    def __init__(self, entry, start):
        self.entry = entry
        self._interval = current_hooks().progress_interval
        self._last = time.monotonic()
        self._bar = _progress_bar(entry, start)
        self._shown = start
        logger.info("%s: downloading %s (%s) from %s", entry.name, entry.file_name,
                    _megabytes(entry.file_size), entry.url)

    def update(self, received):
        if self._bar is not None:
            self._bar.update(received - self._shown)
            self._shown = received
            return
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            logger.info("%s: %s of %s (%.0f%%)", self.entry.name, _megabytes(received),
                        _megabytes(self.entry.file_size),
                        100 * received / max(self.entry.file_size, 1))

    def close(self):
        if self._bar is not None:
            self._bar.close()


def _progress_bar(entry, start):
    if not getattr(sys.stderr, "isatty", lambda: False)():
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=entry.file_size, initial=start, unit="B", unit_scale=True,
                unit_divisor=1024, desc=entry.name, leave=False, file=sys.stderr)


def _megabytes(n_bytes):
    return f"{n_bytes / 1e6:,.1f} MB"
