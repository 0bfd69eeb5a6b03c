"""Compressed files: the codec a name asks for, and one rule for what follows a stream.

A file whose name ends in ``.gz``, ``.bz2`` or ``.xz`` is read (:func:`open_for_reading`)
and written (:func:`compressing`) through gzip, bzip2 or xz, as gensim and most tools
decide by the suffix; any other file is read and written as it is. A ``.zip`` archive (as
GloVe and fastText publish their vectors) is read, not written: the reader gets the
decompressed stream of its one word-vector member (:func:`open_zip_member`), read as it
is inflated, never extracted to disk.

The standard library's readers disagree on bytes after the end of a valid stream:
:class:`gzip.GzipFile` reads a following member and raises on anything else (but skips
zero bytes), while :class:`bz2.BZ2File` and :class:`lzma.LZMAFile` read a following stream
and silently stop at anything else, so a file with garbage appended (two files
concatenated, a download with an HTML error page at its end, a corrupt second stream)
reads as a shorter file without a word. Here all three follow gzip's rule, which is also
what the ``gzip``, ``bzip2`` and ``xz`` command-line tools do when they decompress:

* concatenated streams are read one after the other, as one file;
* zero bytes after a stream are padding (tape blocks, xz's stream padding) and skipped;
* anything else is an error (:class:`TrailingDataError`), as is a stream cut short
  (:class:`EOFError`).
"""

import bz2
import contextlib
import gzip
import io
import lzma
import os
import zipfile
import zlib
from typing import Callable, NamedTuple

__all__ = ["TrailingDataError", "compressing", "open_decompressed", "open_for_reading",
           "open_zip_member"]

# Compressed bytes read from the file at a time, and the buffer of decompressed bytes: no
# call produces more than the reader asks for, so memory stays bounded whatever the
# compression ratio (a "zip bomb" included). 64 KiB was measured as fast as larger chunks
# for reading lines, and faster than the standard library's readers (see
# benchmarks/DESIGN.md).
_INPUT_CHUNK = 1 << 16
_OUTPUT_CHUNK = 1 << 16


class TrailingDataError(OSError):
    """Bytes that are neither a compressed stream nor zero padding follow a stream."""


_DECOMPRESSORS = {
    # wbits=31: a gzip header and trailer (the CRC and length are checked by zlib).
    "gzip": lambda: zlib.decompressobj(wbits=31),
    "bzip2": bz2.BZ2Decompressor,
    "xz": lambda: lzma.LZMADecompressor(format=lzma.FORMAT_AUTO),
}


class _Compression(NamedTuple):
    name: str
    open: Callable  # (binary file object, mode, target file name) -> file object


# By file name suffix, as gensim and most tools decide. Each wraps an already open file, so
# that opening errors (missing file, permissions) are not mistaken for corrupt data.
_COMPRESSIONS = {
    ".gz": _Compression("gzip", lambda f, mode, name: gzip.GzipFile(name, mode, fileobj=f)),
    ".bz2": _Compression("bzip2", lambda f, mode, name: bz2.BZ2File(f, mode)),
    ".xz": _Compression("xz", lambda f, mode, name: lzma.LZMAFile(f, mode)),
}

# What the decompressors raise on corrupt or truncated data: gzip.BadGzipFile and bz2's
# "Invalid data stream" are OSErrors, a stream cut short is an EOFError.
_DECOMPRESSION_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)

# What zipfile raises on a damaged archive or member: BadZipFile (a broken directory or
# header, a bad CRC-32 at the member's end), the decompressors' own errors while reading,
# and, when a member is opened, NotImplementedError (a compression method it lacks, such
# as Deflate64) or RuntimeError (an encrypted member).
_ZIP_READ_ERRORS = (zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError, OSError)
_ZIP_ERRORS = _ZIP_READ_ERRORS
_ZIP_OPEN_ERRORS = _ZIP_READ_ERRORS + (NotImplementedError, RuntimeError)

# Names of the members a zip archive of word vectors holds them in (GloVe's .txt,
# fastText's .vec), for archives of more than one file.
_VECTOR_MEMBER_SUFFIXES = (".txt", ".vec")


def _compression_of(path):
    """The :class:`_Compression` that the suffix of ``path`` asks for, or None."""
    name = os.fsdecode(path)
    return next((c for suffix, c in _COMPRESSIONS.items() if name.endswith(suffix)), None)


@contextlib.contextmanager
def open_for_reading(path):
    """Open ``path`` for binary reading, decompressing by suffix.

    Corrupt or truncated compressed data, or bytes after the compressed data that are not
    another stream (zero padding is allowed), met while the file is read raise ValueError
    naming the file instead of the codec's own exception. The file itself is opened first,
    outside that translation, so a missing file is still a FileNotFoundError.
    """
    compression = _compression_of(path)
    with open(path, "rb") as raw:
        if os.fsdecode(path).lower().endswith(".zip"):
            with open_zip_member(raw, path) as fin:
                yield fin
            return
        if compression is None:
            yield raw
            return
        try:
            # One rule for what follows a stream, whatever the codec (module docstring).
            with open_decompressed(raw, compression.name) as fin:
                yield fin
        except _DECOMPRESSION_ERRORS as exc:
            raise ValueError(
                f"{path}: cannot read it as {compression.name}-compressed data ({exc}); the "
                f"file is corrupt or truncated, or not {compression.name}-compressed (rename "
                "it if its name's suffix is wrong)"
            ) from exc


@contextlib.contextmanager
def open_zip_member(raw, path):
    """The decompressed stream of the word-vector member of the zip archive ``raw``.

    The member is the archive's only file or, among several, its only ``.txt`` or
    ``.vec`` file; anything else is a ValueError listing the members. The stream is
    inflated as it is read (memory bounded by the read size, whatever the ratio), seeks
    backwards by inflating again from the start, and checks the member's CRC-32 when read
    to its end. A damaged archive or member raises ValueError naming ``path``.
    """
    try:
        archive = zipfile.ZipFile(raw)
    except _ZIP_ERRORS as exc:
        raise ValueError(f"{path}: cannot read it as a zip archive ({exc}); the file is "
                         "corrupt or truncated, or not a zip archive") from exc
    with archive:
        member = _vector_member(archive, path)
        try:
            fin = archive.open(member)
        except _ZIP_OPEN_ERRORS as exc:
            raise _zip_member_error(path, member, exc) from exc
        with fin:
            try:
                yield fin
            except _ZIP_READ_ERRORS as exc:
                raise _zip_member_error(path, member, exc) from exc


def _zip_member_error(path, member, exc):
    return ValueError(
        f"{path}: cannot read the member {member.filename!r} of the zip archive ({exc}); "
        "the archive is corrupt or truncated, or uses a compression method or encryption "
        "that Python's zipfile cannot read (extract the member with another tool and read "
        "that file)")


def _vector_member(archive, path):
    """The member of ``archive`` that holds the word vectors (see open_zip_member)."""
    files = [info for info in archive.infolist() if not info.is_dir()]
    if len(files) == 1:
        return files[0]
    vectors = [info for info in files
               if info.filename.lower().endswith(_VECTOR_MEMBER_SUFFIXES)]
    if len(vectors) == 1:
        return vectors[0]
    names = ", ".join(repr(info.filename) for info in files[:10])
    more = f" and {len(files) - 10} more" if len(files) > 10 else ""
    raise ValueError(
        f"{path}: a zip archive of word vectors must hold one file, or one .txt or .vec "
        f"file among others; this one holds {len(files)} files ({names}{more}). Extract "
        "the one to read and pass its path.")


def compressing(raw, path):
    """A context manager giving the file object to write the content of ``path`` to.

    ``raw`` is the binary file object opened for writing (a temporary file beside ``path``,
    say); ``path``'s suffix decides the compression, and the compressed stream is given
    the name of ``path``. Without a compression suffix, ``raw`` itself.
    """
    compression = _compression_of(path)
    if compression is None:
        return contextlib.nullcontext(raw)
    return compression.open(raw, "wb", os.path.basename(os.fspath(path)))


def open_decompressed(raw, kind):
    """A buffered binary reader of the decompressed content of the file object ``raw``.

    Parameters
    ----------
    raw : binary file object
        Positioned at the start of the compressed data.
    kind : {"gzip", "bzip2", "xz"}

    Returns
    -------
    io.BufferedReader
        Supports ``read``, ``readline`` and iteration. Corrupt data raises the codec's
        error (``zlib.error``, ``OSError``, ``lzma.LZMAError``), a truncated stream
        ``EOFError``, trailing garbage :class:`TrailingDataError`, when read.
    """
    return io.BufferedReader(_DecompressedStream(raw, _DECOMPRESSORS[kind]),
                             buffer_size=_OUTPUT_CHUNK)


class _DecompressedStream(io.RawIOBase):
    """The decompressed bytes of ``raw``, stream after stream (see the module docstring)."""

    def __init__(self, raw, new_decompressor):
        self._raw = raw
        self._new = new_decompressor
        self._raw_start = raw.tell() if raw.seekable() else 0
        self._position = 0  # decompressed bytes given out
        self._restart()

    def _restart(self):
        """Back to the first compressed stream (a seek backwards decompresses again)."""
        self._decompressor = self._new()
        self._pending = b""  # compressed bytes read but not yet given to the decompressor
        self._offset = 0  # compressed bytes read from raw, for messages
        self._stream_start = 0  # offset of the current stream's first byte
        self._later_stream = False  # the current stream follows another one
        self._stream_output = 0  # bytes the current stream has produced
        self._done = False

    def readable(self):
        return True

    def seekable(self):
        # The vector-file reader looks at the first rows, then goes back: a seek
        # backwards starts decompressing again from the first byte, one forwards reads.
        return self._raw.seekable()

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        if whence == io.SEEK_CUR:
            offset += self._position
        elif whence != io.SEEK_SET:
            raise io.UnsupportedOperation("a compressed stream seeks from its start only")
        if offset < self._position:
            self._raw.seek(self._raw_start)
            self._position = 0
            self._restart()
        while self._position < offset:
            if not self._read_counted(min(offset - self._position, _OUTPUT_CHUNK)):
                break
        return self._position

    def readinto(self, buffer):
        data = self._read_counted(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def _read_counted(self, size):
        data = self._read(size)
        self._position += len(data)
        return data

    def _read(self, size):
        while not self._done:
            if self._decompressor.eof:
                self._next_stream()
                continue
            try:
                data = self._decompress(max(size, 1))
            except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                raise self._garbage(exc) if self._not_a_stream() else exc
            if data:
                self._stream_output += len(data)
                return data
            if not self._pending:
                self._pending = self._raw.read(_INPUT_CHUNK)
                self._offset += len(self._pending)
                if not self._pending:
                    end = EOFError("compressed stream ended before its end-of-stream "
                                   "marker: the file is truncated")
                    raise self._garbage(end) if self._not_a_stream() else end
        return b""

    def _decompress(self, size):
        decompressor = self._decompressor
        data = decompressor.decompress(self._pending, size)
        # zlib keeps what it did not consume in unconsumed_tail; bz2 and lzma buffer all
        # the input they are given.
        self._pending = getattr(decompressor, "unconsumed_tail", b"")
        return data

    def _next_stream(self):
        """After a stream's end: skip zero padding, then start the next stream, or stop
        at the end of the file."""
        # At a stream's end every byte after it is in unused_data; zlib may still hold
        # the same bytes in unconsumed_tail (after an output limit), so that is not added.
        rest = self._decompressor.unused_data
        while True:
            rest = rest.lstrip(b"\0")
            if rest:
                break
            rest = self._raw.read(_INPUT_CHUNK)
            self._offset += len(rest)
            if not rest:
                self._done = True
                return
        self._decompressor, self._pending = self._new(), rest
        self._stream_start = self._offset - len(rest)
        self._later_stream, self._stream_output = True, 0

    def _not_a_stream(self):
        # Bytes after a stream that fail before producing anything are not a stream.
        return self._later_stream and self._stream_output == 0

    def _garbage(self, exc):
        return TrailingDataError(
            f"the bytes after the end of the compressed data (from byte "
            f"{self._stream_start} of the file) are neither another compressed stream nor "
            f"zero padding ({exc})")
