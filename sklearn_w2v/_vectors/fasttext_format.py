"""Facebook fastText's binary model format (``.bin``), read and written as gensim does.

The layout (fastText's ``FastText::saveModel``; gensim's ``_fasttext_bin``), little-endian:

* the magic number 793712314 and the format version (int32 each; 12 today). Files older
  than fastText 0.2 have neither and start with the arguments directly, ``dim`` and
  ``ws`` first;
* the arguments (``Args::save``): ``dim ws epoch minCount neg wordNgrams loss model
  bucket minn maxn lrUpdateRate`` as int32, then ``t`` (the sampling threshold) as a
  float64. ``loss``: 1 hierarchical softmax, 2 negative sampling, 3 softmax, 4
  one-vs-all; ``model``: 1 CBOW, 2 skip-gram, 3 supervised;
* the dictionary (``Dictionary::save``): ``size nwords nlabels`` (int32), ``ntokens``
  (int64), in the current format ``pruneidx_size`` (int64, -1 without pruning); then per
  entry its bytes ended by a NUL, its count (int64) and its type (int8: 0 word, 1
  label); then the pruning pairs;
* in the current format a bool, whether the input matrix is quantized (``.ftz``); the
  input matrix, rows (int64), columns (int64), float32 values: the ``nwords`` word rows
  then the ``bucket`` n-gram rows;
* in the current format a bool, whether the output matrix is quantized; the output
  matrix the same way (one row per word for the unsupervised models).

Files are untrusted input, as the word2vec files are (:mod:`.rows`): every count is a
claim checked against the bytes the file really holds before anything is allocated for
it, every word is bounded, and each error names the file and the byte offset. Supervised
models (classifiers), pruned dictionaries and quantized (``.ftz``) models are refused
with a message that says so: they are not word vector models this package can train on.
"""

from __future__ import annotations

import os
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from .atomic_write import replace_file
from .checks import MAX_WORD_BYTES, check_finite, duplicate_error, first_nonfinite_row
from .compressed import _compression_of, compressing, open_for_reading
from .rows import CHUNK_SIZE

__all__ = ["FASTTEXT_MAGIC", "FASTTEXT_VERSION", "FastTextFile", "FastTextModel",
           "is_fasttext_init", "is_fasttext_model", "load_fasttext_model",
           "read_fasttext_model", "write_fasttext_model"]

FASTTEXT_MAGIC = 793712314
FASTTEXT_VERSION = 12

# fastText's enums (args.h).
LOSSES = {1: "hierarchical", 2: "negative", 3: "softmax", 4: "one-vs-all"}
MODELS = {1: "cbow", 2: "skipgram", 3: "supervised"}

_ARGS = struct.Struct("<12id")  # dim ws epoch minCount neg wordNgrams loss model bucket
#                                 minn maxn lrUpdateRate, t
_OLD_ARGS = struct.Struct("<10id")  # the same after dim and ws, which replace the magic
_DICTIONARY = struct.Struct("<3iq")  # size nwords nlabels ntokens
_ENTRY = struct.Struct("<qb")  # count, type
_SHAPE = struct.Struct("<2q")  # rows, columns

# The least an entry of the dictionary takes: a one-byte word, its NUL, count and type.
_MIN_ENTRY_BYTES = 1 + 1 + _ENTRY.size


@dataclass(frozen=True)
class FastTextModel:
    """What a fastText binary model holds (unsupervised models).

    Attributes
    ----------
    words : list of str
        The dictionary, in the file's order (fastText's: by descending count).
    counts : ndarray of int64, shape (n_words,)
    n_tokens : int
        Tokens of the training corpus (fastText's ``ntokens``).
    vectors_vocab : ndarray of shape (n_words, dim)
        The words' own input rows.
    vectors_ngrams : ndarray of shape (bucket, dim)
        The n-gram rows (buckets).
    output : ndarray of shape (n_words, dim) or None
        The output matrix (None when not read).
    dim, window, epochs, min_count, negative, word_ngrams, bucket, min_n, max_n : int
    lr_update_rate : int
    sample : float
        fastText's ``t``.
    loss : {"hierarchical", "negative", "softmax", "one-vs-all"}
    model : {"cbow", "skipgram"}
    version : int or None
        The format version (None: the format before the magic number).
    """

    words: list
    counts: np.ndarray
    n_tokens: int
    vectors_vocab: np.ndarray
    vectors_ngrams: np.ndarray
    output: object
    dim: int
    window: int
    epochs: int
    min_count: int
    negative: int
    word_ngrams: int
    loss: str
    model: str
    bucket: int
    min_n: int
    max_n: int
    lr_update_rate: int = 100
    sample: float = 1e-4
    version: object = FASTTEXT_VERSION


@dataclass(frozen=True)
class FastTextFile:
    """A fastText binary model and how to read it: an ``init`` value, as a path is.

    ``init="model.bin"`` is read as a fastText model when the file starts with fastText's
    magic number; ``FastTextFile(path, ...)`` reads any fastText model, the format older
    than fastText 0.2 included, with the encoding of its words.

    Parameters
    ----------
    path : str or os.PathLike
    encoding : str, default="utf-8"
    unicode_errors : str, default="strict"
        See :func:`read_fasttext_model`.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_w2v import FastTextFile, FastTextTransformer
    >>> from sklearn_w2v.datasets import load_sample_corpus
    >>> texts = load_sample_corpus(n_lines=500)
    >>> model = FastTextTransformer(vector_size=20, bucket=20_000, epochs=1, n_jobs=1,
    ...                             random_state=0).fit(texts)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.bin")
    >>> model.save_fasttext_format(path)
    >>> frozen = FastTextTransformer(init=FastTextFile(path, encoding="utf-8"), epochs=0,
    ...                              bucket=20_000, n_jobs=1).fit(texts)
    >>> bool((frozen["unwhaleable"] == model["unwhaleable"]).all())
    True
    """

    path: str | bytes | os.PathLike
    encoding: str = "utf-8"
    unicode_errors: str = "strict"

    def __str__(self) -> str:
        return os.fsdecode(self.path)


def is_fasttext_init(init):
    """Whether an ``init`` value names a fastText binary model."""
    if isinstance(init, FastTextFile):
        return True
    return isinstance(init, (str, bytes, os.PathLike)) and is_fasttext_model(init)


def is_fasttext_model(path):
    """Whether ``path`` is a file that starts with fastText's magic number (the format of
    fastText 0.2 and later; older models are read by :func:`read_fasttext_model` when
    asked for, not recognised here)."""
    try:
        with open_for_reading(path) as fin:
            head = fin.read(4)
    except (OSError, ValueError, TypeError):
        return False
    return len(head) == 4 and struct.unpack("<i", head)[0] == FASTTEXT_MAGIC


class _Stream:
    """The bytes of a model file front to back, each read checked and located."""

    def __init__(self, fin, path, size):
        self._fin = fin
        self.path = path
        self.size = size  # bytes in the file, or None for a compressed stream
        self.offset = 0

    def error(self, offset, message):
        return ValueError(f"{self.path}: byte offset {offset}: {message}")

    def read(self, n, what):
        data = self._fin.read(n)
        if len(data) < n:
            raise self.error(self.offset, f"unexpected end of file in {what}; expected {n} "
                                          f"bytes, found {len(data)}")
        self.offset += n
        return data

    def unpack(self, layout, what):
        return layout.unpack(self.read(layout.size, what))

    def check_room(self, n_bytes, what):
        """Refuse a claim of more bytes than the file has left (when its size is known)."""
        if self.size is not None and n_bytes > self.size - self.offset:
            raise self.error(self.offset, f"{what} would take {n_bytes} bytes, but the file "
                                          f"has {self.size - self.offset} left; the file is "
                                          f"truncated or corrupt")

    def word(self, index, n_words):
        """The bytes of dictionary entry ``index`` up to its NUL."""
        start, n = self.offset, 0
        chunks: list[bytes] = []
        while True:
            byte = self._fin.read(1)
            if not byte:
                raise self.error(start, f"unexpected end of file in word {index + 1} of "
                                        f"{n_words} of the dictionary")
            self.offset += 1
            if byte == b"\0":
                return b"".join(chunks)
            chunks.append(byte)
            n += 1
            if n > MAX_WORD_BYTES:
                raise self.error(start, f"word {index + 1} of {n_words} of the dictionary "
                                        f"has no end within {MAX_WORD_BYTES} bytes; the file "
                                        "is corrupt")

    def floats(self, n_rows, n_columns, what):
        """A (n_rows, n_columns) float32 matrix, read in chunks (never more than the
        file delivers)."""
        n_values = n_rows * n_columns
        self.check_room(4 * n_values, what)
        start = self.offset
        if self.size is not None:
            out = np.empty(n_values, dtype="<f4")
            view = out.data.cast("B")
            for first in range(0, len(view), CHUNK_SIZE):
                part = view[first:first + CHUNK_SIZE]
                n = self._fin.readinto(part)
                if n != len(part):
                    raise self.error(start, f"unexpected end of file in {what}")
                self.offset += n
        else:
            data = bytearray()
            while len(data) < 4 * n_values:
                chunk = self._fin.read(min(CHUNK_SIZE, 4 * n_values - len(data)))
                if not chunk:
                    raise self.error(start, f"unexpected end of file in {what}")
                data += chunk
            self.offset += len(data)
            out = np.frombuffer(data, dtype="<f4")
        return out.reshape(n_rows, n_columns)


def read_fasttext_model(path, *, encoding="utf-8", unicode_errors="strict", dtype=np.float32,
                        output=True):
    """Read a fastText binary model (``.bin``; ``.gz``, ``.bz2``, ``.xz`` decompressed).

    Parameters
    ----------
    path : str or path-like
    encoding : str, default="utf-8"
        Of the words (gensim's ``encoding``).
    unicode_errors : str, default="strict"
        What to do with a word that is not valid in ``encoding``: ``"strict"`` raises
        naming its offset; gensim replaces the bytes (``"backslashreplace"``).
    dtype : {np.float32, np.float64}, default=np.float32
    output : bool, default=True
        Read the output matrix (False skips it, as gensim's ``full_model=False``).

    Returns
    -------
    FastTextModel

    Raises
    ------
    ValueError
        For a file that is not a fastText model, is truncated or corrupt, or holds a
        supervised, pruned or quantized model, naming the file and the byte offset.
    """
    path = os.fspath(path)
    # A plain file's size bounds every claim of the header at once; a compressed
    # stream's is unknown, and its reads simply stop where its bytes do.
    size = os.path.getsize(path) if _compression_of(path) is None else None
    with open_for_reading(path) as fin:
        stream = _Stream(fin, path, size)
        version, args = _read_args(stream)
        words, counts, n_tokens = _read_dictionary(stream, args, version, encoding,
                                                   unicode_errors)
        matrices = _read_matrices(stream, args, version, len(words), output)
        if fin.read(1):
            raise stream.error(stream.offset, "the model ends here but the file goes on; "
                                              "it is corrupt or not a fastText model")
    input_matrix = matrices[0].astype(dtype, copy=False)
    output_matrix = None if matrices[1] is None else matrices[1].astype(dtype, copy=False)
    _check_finite(path, words, input_matrix, output_matrix)
    return FastTextModel(
        words=words, counts=counts, n_tokens=n_tokens,
        vectors_vocab=input_matrix[:len(words)], vectors_ngrams=input_matrix[len(words):],
        output=output_matrix, dim=args["dim"], window=args["ws"], epochs=args["epoch"],
        min_count=args["minCount"], negative=args["neg"], word_ngrams=args["wordNgrams"],
        loss=LOSSES[args["loss"]], model=MODELS[args["model"]], bucket=args["bucket"],
        min_n=args["minn"], max_n=args["maxn"], lr_update_rate=args["lrUpdateRate"],
        sample=args["t"], version=version)


def _check_finite(path, words, input_matrix, output_matrix):
    """nan or inf in any row would poison every vector that uses it: refused, named."""
    n_words = len(words)
    check_finite(input_matrix[:n_words], words, lambda row: f"the input matrix's word row "
                 f"{row + 1}", path, from_text=False)
    for name, rows, first in (("n-gram row", input_matrix[n_words:], 0),
                              ("output row", output_matrix, 0)):
        bad = None if rows is None else first_nonfinite_row(rows)
        if bad is not None:
            raise ValueError(f"{path}: {name} {bad + 1 + first} holds nan or inf; such a "
                             "row would poison the vectors that use it")


_ARG_NAMES = ("dim", "ws", "epoch", "minCount", "neg", "wordNgrams", "loss", "model",
              "bucket", "minn", "maxn", "lrUpdateRate", "t")


def _read_args(stream):
    """``(version, args)``: the format version (None for the oldest) and the arguments."""
    first, second = stream.unpack(struct.Struct("<2i"), "the header")
    if first == FASTTEXT_MAGIC:
        if not 0 < second <= FASTTEXT_VERSION:
            raise stream.error(4, f"format version {second}; this reader knows versions up "
                                  f"to {FASTTEXT_VERSION} (fastText's)")
        version, values = second, stream.unpack(_ARGS, "the arguments")
    else:
        # Before fastText 0.2 the file starts with dim and ws. A small positive dimension
        # and window tell such a file from anything else (a word2vec file starts with text).
        if not (0 < first <= 100_000 and 0 < second <= 10_000):
            raise stream.error(0, "not a fastText binary model: it starts neither with "
                                  f"fastText's magic number {FASTTEXT_MAGIC} nor with a "
                                  "plausible dimension and window (older models)")
        version, values = None, (first, second, *stream.unpack(_OLD_ARGS, "the arguments"))
    args = dict(zip(_ARG_NAMES, values))
    _check_args(stream, args)
    return version, args


def _check_args(stream, args):
    if args["model"] == 3 or args["loss"] == 4:
        raise stream.error(8, "a supervised fastText model (a classifier): its dictionary "
                              "holds labels and its output rows belong to them; only the "
                              "unsupervised models (skipgram, cbow) are word vector models")
    if args["model"] not in MODELS or args["loss"] not in LOSSES:
        raise stream.error(8, f"unknown model {args['model']} or loss {args['loss']} in the "
                              "arguments; the file is corrupt or not a fastText model")
    for name in ("dim", "bucket", "minn", "maxn"):
        if args[name] < 0 or (name == "dim" and args[name] == 0):
            raise stream.error(8, f"argument {name}={args[name]} is impossible; the file is "
                                  "corrupt")


def _read_dictionary(stream, args, version, encoding, unicode_errors):
    offset = stream.offset
    size, n_words, n_labels, n_tokens = stream.unpack(_DICTIONARY, "the dictionary header")
    if n_labels != 0 or size != n_words:
        raise stream.error(offset, f"the dictionary holds {n_labels} labels: a supervised "
                                   "model (a classifier), not a word vector model")
    if n_words < 0:
        raise stream.error(offset, f"the dictionary claims {n_words} words")
    if version is not None:
        pruned, = stream.unpack(struct.Struct("<q"), "the dictionary header")
        if pruned > 0:
            raise stream.error(offset, "the dictionary is pruned, which only quantized "
                                       "supervised models (.ftz) are; quantized models are "
                                       "not supported")
    stream.check_room(n_words * _MIN_ENTRY_BYTES, f"a dictionary of {n_words} words")
    words: list[str] = []
    seen: dict[str, int] = {}
    counts = np.empty(n_words, dtype=np.int64)
    for i in range(n_words):
        start = stream.offset
        raw = stream.word(i, n_words)
        counts[i], kind = stream.unpack(_ENTRY, f"the count of word {i + 1}")
        word = _decoded(stream, raw, start, encoding, unicode_errors)
        if kind != 0:
            raise stream.error(start, f"entry {i + 1} ({word!r}) is a label: a supervised "
                                      "model, not a word vector model")
        # Any word but a repeated one: fastText's models hold the empty word when they
        # were trained from pretrained vectors, and gensim reads it.
        if counts[i] < 0:
            raise stream.error(start, f"word {i + 1} {word!r} has the negative count "
                                      f"{counts[i]}; the file is corrupt")
        if seen.setdefault(word, i) != i:
            raise duplicate_error(word, seen[word], f"byte offset {start}", stream.path)
        words.append(word)
    return words, counts, int(n_tokens)


def _decoded(stream, raw, offset, encoding, unicode_errors):
    try:
        return raw.decode(encoding, errors=unicode_errors)
    except UnicodeDecodeError as exc:
        raise stream.error(offset, f"a word cannot be decoded with {encoding} ({exc}); pass "
                                   "the encoding the model was trained with (encoding=...), "
                                   "or unicode_errors='backslashreplace' as gensim does") \
            from None


def _read_matrices(stream, args, version, n_words, output):
    """The input matrix (checked against the dictionary and the arguments) and the
    output matrix (None unless ``output``)."""
    dim, bucket = args["dim"], args["bucket"]
    matrices: list = []
    for name, n_expected in (("input matrix", n_words + bucket), ("output matrix", n_words)):
        if version is not None:
            quantized, = stream.unpack(struct.Struct("<?"), f"the {name}'s header")
            if quantized:
                raise stream.error(stream.offset - 1, f"the {name} is quantized (a .ftz "
                                   "model made by fastText's quantize); quantized models "
                                   "are not supported: use the .bin model it was made from")
        offset = stream.offset
        n_rows, n_columns = stream.unpack(_SHAPE, f"the {name}'s shape")
        if (n_rows, n_columns) != (n_expected, dim):
            raise stream.error(offset, f"the {name} has shape ({n_rows}, {n_columns}); "
                                       f"expected ({n_expected}, {dim}) from the dictionary "
                                       f"and the arguments (dim={dim}, bucket={bucket})")
        if name == "output matrix" and not output:
            stream.check_room(4 * n_rows * n_columns, f"the {name}")
            stream.read(4 * n_rows * n_columns, f"the {name}")
            matrices.append(None)
        else:
            matrices.append(stream.floats(n_rows, n_columns, f"the {name}"))
    return matrices


class _ModelCache:
    """The fastText models read for ``init`` in this process (the most recent two), keyed
    by real path, size, modification time, dtype and reading options: the clones a grid
    search fits share one read-only copy, as word vector files are shared."""

    def __init__(self, entries=2):
        self._entries = entries
        self._models: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0

    def load(self, source, dtype):
        if not isinstance(source, FastTextFile):
            source = FastTextFile(source)
        path = os.fspath(source.path)
        stat = os.stat(path)
        key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, np.dtype(dtype).str,
               source.encoding, source.unicode_errors)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            self.reads += 1
            model = read_fasttext_model(path, encoding=source.encoding,
                                        unicode_errors=source.unicode_errors, dtype=dtype)
            for matrix in (model.vectors_vocab, model.vectors_ngrams, model.output):
                if matrix is not None:
                    matrix.flags.writeable = False
            self._models[key] = model
            while len(self._models) > self._entries:
                self._models.popitem(last=False)
            return model


_CACHE = _ModelCache()


def load_fasttext_model(source, dtype=np.float32):
    """The :class:`FastTextModel` of ``source`` (a path or :class:`FastTextFile`), read
    once per process and shared read-only (see ``_ModelCache``)."""
    return _CACHE.load(source, dtype)


def write_fasttext_model(path, model):
    """Write ``model`` (a :class:`FastTextModel`) in the current format (version 12), as
    fastText's ``saveModel`` and gensim's ``save_facebook_model`` do; replaced atomically,
    compressed by suffix.

    The words are written in UTF-8 (any word without NUL). A model without output rows
    gets zero rows (fastText and gensim need the matrix to read the file).
    """
    words = []
    for word in model.words:
        try:
            raw = word.encode("utf-8")
        except UnicodeEncodeError:
            raw = b"\0"  # a lone surrogate: refused below
        if b"\0" in raw:
            raise ValueError(f"cannot write the word {word!r} to {os.fspath(path)!r}: a "
                             "NUL ends a word in the format, and UTF-8 has no lone "
                             "surrogate")
        words.append(raw)
    loss = {name: code for code, name in LOSSES.items()}[model.loss]
    kind = {name: code for code, name in MODELS.items()}[model.model]
    args = (model.dim, model.window, model.epochs, model.min_count, model.negative,
            model.word_ngrams, loss, kind, model.bucket, model.min_n, model.max_n,
            model.lr_update_rate, float(model.sample))
    output = (np.zeros((len(words), model.dim), dtype="<f4") if model.output is None
              else model.output)

    def write(raw):
        with compressing(raw, path) as fout:
            fout.write(struct.pack("<2i", FASTTEXT_MAGIC, FASTTEXT_VERSION))
            fout.write(_ARGS.pack(*args))
            fout.write(_DICTIONARY.pack(len(words), len(words), 0, int(model.n_tokens)))
            fout.write(struct.pack("<q", -1))  # no pruning
            for raw_word, count in zip(words, np.asarray(model.counts).tolist()):
                fout.write(raw_word + b"\0" + _ENTRY.pack(int(count), 0))
            fout.write(struct.pack("<?", False))
            _write_matrix(fout, (model.vectors_vocab, model.vectors_ngrams))
            fout.write(struct.pack("<?", False))
            _write_matrix(fout, (output,))

    replace_file(path, write)


def _write_matrix(fout, parts):
    """The rows of ``parts`` stacked, as one float32 matrix, in blocks of rows."""
    n_rows = sum(len(part) for part in parts)
    fout.write(_SHAPE.pack(n_rows, parts[0].shape[1]))
    for part in parts:
        rows = max(1, CHUNK_SIZE // max(4 * part.shape[1], 1))
        for first in range(0, len(part), rows):
            block = np.ascontiguousarray(part[first:first + rows], dtype="<f4")
            fout.write(block.data.cast("B"))
