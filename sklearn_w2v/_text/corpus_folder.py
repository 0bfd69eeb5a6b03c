"""The encoded corpus in files instead of memory, for corpora larger than RAM.

``Word2VecTransformer(out_of_core=True)`` reads the documents once, as the in-memory path
does (one pass that counts the words and encodes them with provisional ids, see
:mod:`sklearn_w2v._text.encoded_corpus`), but appends the ids, their escape table and the
document offsets to files of a temporary folder as it goes, a million tokens at a time. The
vocabulary is then chosen from the counts, the files are rewritten with vocabulary ids,
and every epoch, the idf and the SIF component stream blocks of tokens from them.

What stays in memory is bounded by the model and one chunk of tokens, not by the corpus:

* the files are read through read-only memory maps; a map's resident pages count in the
  process's RSS (and would add up to the whole file over an epoch), so every read of a
  range of tokens ends by telling the kernel that the pages are not needed any more
  (``madvise(MADV_DONTNEED)``: they stay in the page cache, leave the process's RSS);
* the files are written with plain writes, never through a map, so that written pages are
  not counted either;
* worker processes (``n_jobs > 1``) get the corpus as file names, not arrays: a
  :class:`MappedCorpus` pickles as the paths of its files (:meth:`MappedCorpus.__reduce__`),
  so the trainer's shared folder never copies it.

The folder is on disk (the system's temporary folder, or ``temp_folder``), never in
``/dev/shm``, which is memory, and it is removed when fit ends, also on errors. A process
killed during fit cannot remove it: the folder is locked by its owner
(:class:`~sklearn_w2v._utils.owned_folders.OwnedFolder`), and the next out-of-core fit removes
the folders of dead owners in its ``temp_folder``, and sooner still loky's resource tracker
(with which the folder is registered) removes it once the process and its workers are
gone. A full or read-only folder is reported as an OSError that names it and the
``temp_folder`` fix.
"""

import contextlib
import mmap
import os
import tempfile
import uuid

import numpy as np

from .._utils import (
    OwnedFolder,
    full_or_read_only,
    remove_stale_folders,
    tracked_by_loky,
)
from .encoded_corpus import (
    EncodedCorpus,
    _encode_in_chunks,
    _first_appearance_ids,
    remap_corpus,
)

__all__ = ["CORPUS_FOLDER_PREFIX", "MappedCorpus", "corpus_folder", "encode_to_folder",
           "remap_in_folder"]

# Prefix of the folders, so that a test (or a user) can find one that leaked.
CORPUS_FOLDER_PREFIX = "sklearn_w2v_corpus_"

# Tokens encoded before the chunk is appended to the files (and read or remapped at once):
# 2 MB of uint16 ids and a few MB of temporaries (benchmarks/DESIGN.md: how long a
# chunk takes to tokenize).
_CHUNK_TOKENS = 1 << 20

# The arrays of a corpus, their file names and dtypes. Offsets are int64 here (8 bytes a
# document, on disk): they are written before the corpus size is known.
_FILES = {"stored": ("ids.u2", np.uint16), "escaped_positions": ("escaped_positions.i8",
                                                                  np.int64),
          "escaped_ids": ("escaped_ids.i4", np.int32), "doc_offsets": ("offsets.i8",
                                                                       np.int64)}


@contextlib.contextmanager
def corpus_folder(enabled, root=None):
    """A new folder for the corpus files, removed on exit whatever happens; None (and
    nothing created) when not ``enabled``.

    Parameters
    ----------
    enabled : bool
    root : str, path-like or None
        Where to create it; None is :func:`tempfile.gettempdir` (on disk, unlike the
        trainer's shared arrays, which prefer ``/dev/shm``).
    """
    if not enabled:
        yield None
        return
    root = tempfile.gettempdir() if root is None else os.fspath(root)
    if not os.path.isdir(root):
        raise ValueError(f"temp_folder={root!r} is not an existing folder; create it or "
                         f"pass another one (None uses the system's temporary folder).")
    remove_stale_folders(root, CORPUS_FOLDER_PREFIX)
    with _no_room_reported(root, always=True):
        folder = OwnedFolder(root, CORPUS_FOLDER_PREFIX)
    try:
        with tracked_by_loky(folder.path), _no_room_reported(folder.path):
            yield folder.path
    finally:
        folder.remove()


@contextlib.contextmanager
def _no_room_reported(folder, always=False):
    """Turn "no space left" and "read-only file system" into an OSError (same errno) that
    names ``folder`` and the fix.

    Unless ``always``, only the errors of writes to the folder are turned (:class:`_Writer`
    marks them), so that a full disk elsewhere, say in the user's tokenizer, is not blamed
    on the folder.
    """
    try:
        yield
    except OSError as exc:
        if not full_or_read_only(exc) or not (always or getattr(exc, "_corpus_folder",
                                                                  False)):
            raise
        raise OSError(
            exc.errno,
            f"Cannot write the encoded corpus (out_of_core=True) to {folder!r}: "
            f"{exc.strerror}. Pass temp_folder= a folder with more free space, or fit "
            f"with out_of_core=False to keep the corpus in memory. The estimator was not "
            f"changed.") from exc


class MappedCorpus(EncodedCorpus):
    """An :class:`~sklearn_w2v._text.encoded_corpus.EncodedCorpus` whose arrays are files
    of a folder.

    Reads go through read-only maps of the files; :meth:`token_ids` releases the mapped
    pages after each read, so that streaming the whole corpus keeps the RSS at one block.
    Pickled, it is the folder and its sizes (see the module docstring).
    """

    __slots__ = ("_folder", "_sizes", "_maps", "_documents")

    # Pickled as its file names (see __reduce__): worker processes share nothing else, so
    # it has no storage arrays to swap for shared maps (the in-memory corpus's method).
    _storage_arrays = None  # type: ignore[assignment]

    @classmethod
    def open(cls, folder, sizes, documents=None):
        """Map the files of ``folder``; ``sizes`` gives each array's length.

        ``documents`` (first, last) opens only those documents (a slice).
        """
        corpus = cls.__new__(cls)
        maps, arrays = [], {}
        for name, (file_name, dtype) in _FILES.items():
            arrays[name], mapping = _map_array(os.path.join(folder, file_name), dtype,
                                               sizes[name])
            if mapping is not None:
                maps.append(mapping)
        corpus._set_storage(arrays["stored"], arrays["escaped_positions"],
                            arrays["escaped_ids"], arrays["doc_offsets"])
        corpus._folder, corpus._sizes, corpus._maps = folder, dict(sizes), tuple(maps)
        corpus._documents = None
        if documents is not None:
            return corpus.document_slice(*documents)
        return corpus

    def __reduce__(self):
        return (MappedCorpus.open, (self._folder, self._sizes, self._documents))

    def token_ids(self, start, stop):
        ids = super().token_ids(start, stop)
        self.release()
        return ids

    def id_bounds(self, chunk_tokens=_CHUNK_TOKENS):
        """``(min id, max id)``, reading ``chunk_tokens`` tokens at a time (the base class
        scans all ids at once, which would map the whole file)."""
        low, high = 0, -1
        for start in range(0, self.n_tokens, chunk_tokens):
            ids = self.token_ids(start, min(start + chunk_tokens, self.n_tokens))
            low = int(ids.min()) if high < 0 else min(low, int(ids.min()))
            high = max(high, int(ids.max()))
        return low, high

    def document_slice(self, first, last):
        sliced = super().document_slice(first, last)
        view = MappedCorpus.__new__(MappedCorpus)
        view._set_storage(sliced._stored, sliced._escaped_positions, sliced._escaped_ids,
                          sliced._doc_offsets)
        view._folder, view._sizes, view._maps = self._folder, self._sizes, self._maps
        base = 0 if self._documents is None else self._documents[0]
        view._documents = (base + first, base + last)
        return view

    def release(self):
        """Drop the mapped pages from this process's memory (they stay in the page cache,
        and the next read maps them again)."""
        if _DONTNEED is not None:
            for mapping in self._maps:
                mapping.madvise(_DONTNEED)


_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)


def _map_array(path, dtype, size):
    """A read-only array of ``size`` values of ``dtype`` mapped from ``path``, and the map
    (None for an empty array: an empty file cannot be mapped)."""
    if size == 0:
        return np.zeros(0, dtype=dtype), None
    with open(path, "rb") as f:
        mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    return np.frombuffer(mapping, dtype=dtype, count=size), mapping


class _Writer:
    """Appends the arrays of a corpus to the files of ``folder`` with plain writes, the
    files opened with ``open_file`` (``open``; a test passes one that fails)."""

    def __init__(self, folder, open_file=open):
        self.folder = folder
        self.sizes = dict.fromkeys(_FILES, 0)
        self._files = {}
        try:
            with _marked_as_ours():
                for name, (file_name, _) in _FILES.items():
                    self._files[name] = open_file(os.path.join(folder, file_name), "wb")
            self.append("doc_offsets", np.zeros(1, dtype=np.int64))
        except BaseException:
            self.abort()
            raise

    def append(self, name, values):
        values = np.ascontiguousarray(values, dtype=_FILES[name][1])
        with _marked_as_ours():
            self._files[name].write(memoryview(values).cast("B"))
        self.sizes[name] += values.size

    def append_corpus(self, corpus):
        """Append a corpus held in memory (ids, escapes and offsets shifted to the end)."""
        n_tokens = self.sizes["stored"]
        self.append("stored", corpus._stored)
        self.append("escaped_positions", corpus._escaped_positions + n_tokens)
        self.append("escaped_ids", corpus._escaped_ids)
        self.append("doc_offsets", corpus.doc_offsets[1:].astype(np.int64) + n_tokens)

    def abort(self):
        """Close the files after a failure (their disk space is freed only once they are
        closed and removed), ignoring the errors of the data still buffered."""
        for f in self._files.values():
            with contextlib.suppress(OSError):
                f.close()

    def close(self):
        # A full disk may surface only here, when the buffered bytes are written.
        with _marked_as_ours():
            for f in self._files.values():
                f.close()
        return MappedCorpus.open(self.folder, self.sizes)


@contextlib.contextmanager
def _marked_as_ours():
    """Mark an OSError raised by a write to the corpus folder (see _no_room_reported)."""
    try:
        yield
    except OSError as exc:
        exc._corpus_folder = True
        raise


def encode_to_folder(token_lists, folder, *, chunk_tokens=_CHUNK_TOKENS, open_file=open):
    """:func:`~sklearn_w2v._text.encoded_corpus.count_and_encode` with the corpus written
    to ``folder``, whole documents of about ``chunk_tokens`` tokens at a time.

    Returns ``(words, counts, corpus)`` as ``count_and_encode`` does; ``corpus`` is a
    :class:`MappedCorpus` of the files ``ids.u2``, ... in ``folder``. The files do not
    depend on ``chunk_tokens``. ``open_file`` opens each file for writing (``open``; a
    test passes one whose writes fail).
    """
    writer = _Writer(folder, open_file)
    try:
        return _encode_with(writer, token_lists, chunk_tokens)
    except BaseException:
        writer.abort()
        raise


def _encode_with(writer, token_lists, chunk_tokens):
    word_to_id = _first_appearance_ids()
    counts = np.zeros(0, dtype=np.int64)
    documents = iter(token_lists)
    more = [True]
    while more[0]:
        # The same C-level encoding as in memory, a chunk of whole documents at a time.
        builder, offsets = _encode_in_chunks(
            _documents_up_to(documents, chunk_tokens, more), word_to_id.__getitem__)
        chunk = EncodedCorpus._from_storage(*builder.finish(), offsets)
        # Words first seen in this chunk extend the counts.
        chunk_counts = np.bincount(chunk.ids, minlength=len(word_to_id))
        chunk_counts[:counts.size] += counts
        counts = chunk_counts
        writer.append_corpus(chunk)
    return list(word_to_id), counts, writer.close()


def _documents_up_to(documents, max_tokens, more):
    """Yield documents until ``max_tokens`` tokens have passed; ``more[0]`` becomes False
    when ``documents`` is exhausted."""
    n_tokens = 0
    for tokens in documents:
        yield tokens
        n_tokens += len(tokens)
        if n_tokens >= max_tokens:
            return
    more[0] = False


def remap_in_folder(corpus, old_to_new, folder, *, chunk_tokens=_CHUNK_TOKENS):
    """:func:`~sklearn_w2v._text.encoded_corpus.remap_corpus` of a :class:`MappedCorpus`,
    into new files.

    Slices of whole documents of about ``chunk_tokens`` tokens are remapped in memory and
    appended to files of a subfolder, which then replace the old ones.
    """
    target = os.path.join(folder, f"remapped_{uuid.uuid4().hex}")
    os.makedirs(target)
    writer = _Writer(target)
    try:
        remapped = _remap_with(writer, corpus, old_to_new, chunk_tokens)
    except BaseException:
        writer.abort()
        raise
    # The provisional files are no longer needed; their maps close when the old corpus
    # object is dropped (unlinking an open file is fine on POSIX).
    for file_name, _ in _FILES.values():
        with contextlib.suppress(OSError):
            os.remove(os.path.join(folder, file_name))
    return remapped


def _remap_with(writer, corpus, old_to_new, chunk_tokens):
    offsets = corpus.doc_offsets
    first = 0
    while first < corpus.n_docs:
        start = int(offsets[first])
        last = int(np.searchsorted(offsets, start + chunk_tokens, side="right")) - 1
        last = min(max(last, first + 1), corpus.n_docs)
        remapped = remap_corpus(corpus.document_slice(first, last), old_to_new)
        writer.append_corpus(remapped)
        corpus.release()
        first = last
    return writer.close()
