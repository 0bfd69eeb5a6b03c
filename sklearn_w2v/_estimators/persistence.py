"""Saving a fitted estimator to a file that holds only data, and loading it back.

Loading a pickle (or a joblib file) runs whatever code the file names, so a model from
someone else is a program from someone else. :meth:`SavableMixin.save` writes instead one
zip file (entries stored, not compressed) of

* ``model.json``: the format and its version, the package version, the estimator's class
  name, its parameters and its fitted attributes as plain JSON, and the ``dtype`` and
  ``shape`` of every array;
* ``arrays/<n>.npy``: each array (the matrices, the vocabulary's words as UTF-8 bytes and
  offsets, the Huffman tree's paths, ...) in NumPy's ``.npy`` format, without pickles.

:func:`load` reads only that: the class is looked up in the package's own table of
estimators, every small object (``FittedParts``, ``Coverage``, a Huffman tree, a
``VectorFile``, a ``RandomState``) is rebuilt by the code of this module from plain
fields, never from a class or function named in the file, and arrays are read with
``allow_pickle=False``. Everything is checked against what the file holds before memory is
allocated for it: the JSON document's size, the ``.npy`` headers' size, each entry's bytes
against its declared shape and dtype, unknown keys, parameters and attributes, and the
fitted attributes against each other (a vocabulary of n words, matrices of n rows). A
file that fails any check raises ValueError naming what is wrong; nothing in it runs.

Parameters that are Python callables (``tokenizer``, ``preprocessor``, ``analyzer``,
``epoch_callback``) cannot be stored without storing code to run: ``save`` refuses them
with the fix. The same estimator pickles and goes through :mod:`skops.io` too; for skops,
:meth:`SavableMixin.__getstate__` keeps NumPy's dtype objects out of the state, so that
:func:`skops.io.get_untrusted_types` lists only the package's own types.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import os
import pathlib
import re
import zipfile

import numpy as np

from .._model import HuffmanTree
from .._text import Coverage, SubwordCoverage
from .._training import FittedParts
from .._vectors import FastTextFile, VectorFile, replace_file
from .._version import __version__
from .versions import warn_if_other_version

__all__ = ["SKOPS_TYPES", "SavableMixin", "load"]

FORMAT = "sklearn-w2v model"
FORMAT_VERSION = 1
_DOCUMENT = "model.json"
_DOCUMENT_KEYS = {"format", "format_version", "sklearn_w2v_version", "estimator",
                  "parameters", "attributes", "arrays"}

# A document holds parameters and small values (the arrays are entries of their own): a
# few kB. 1 MiB is far above any real one and bounds what a crafted one can cost.
_MAX_DOCUMENT_BYTES = 1 << 20
# NumPy's own limit on a .npy header (np.load's max_header_size).
_MAX_NPY_HEADER = 10000
_MAX_ARRAYS = 1000
_ENTRY_NAME = re.compile(r"arrays/[0-9]{1,6}\.npy")

# The dtypes of the arrays a model holds, as their .npy header spells them.
_ARRAY_DTYPES = frozenset({"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8",
                           "<f4", "<f8"})
_NUMPY_TYPES = {"float32": np.float32, "float64": np.float64}

# The estimators a file may name: class name -> module of this package.
_ESTIMATORS = {"Word2VecTransformer": ".word2vec", "Doc2VecTransformer": ".doc2vec",
               "FastTextTransformer": ".fasttext"}

# Instance attributes besides the parameters and fitted attributes (set_output's).
_OUTPUT_CONFIG = "_sklearn_output_config"

# The types skops.io.get_untrusted_types names for a fitted estimator of the package (with
# str or None paths as parameters); the user guide lists them as the ones to trust.
SKOPS_TYPES = (
    "sklearn_w2v._estimators.doc2vec.Doc2VecTransformer",
    "sklearn_w2v._estimators.fasttext.FastTextTransformer",
    "sklearn_w2v._estimators.word2vec.Word2VecTransformer",
    "sklearn_w2v._model.huffman.HuffmanTree",
    "sklearn_w2v._text.coverage.Coverage",
    "sklearn_w2v._text.coverage.CoverageWatch",
    "sklearn_w2v._text.subword_coverage.SubwordCoverage",
    "sklearn_w2v._training.fit.FittedParts",
    "sklearn_w2v._vectors.fasttext_format.FastTextFile",
    "sklearn_w2v._vectors.pretrained.VectorFile",
)

_CALLABLE_FIX = (
    "A model file holds data only, and a Python callable could only be stored as code that "
    "loading would run. Use token_pattern (a regular expression) and lowercase instead of "
    "tokenizer, preprocessor or analyzer; set epoch_callback=None before saving (it is used "
    "only while fitting); or, for files that only you load, use pickle or joblib.")


class SavableMixin:
    """``save(path)``, the file that :func:`sklearn_w2v.load` reads back."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the estimator, fitted or not, to a file that holds only data.

        One zip file of a JSON document (parameters, fitted attributes, the package
        version) and NumPy ``.npy`` arrays; :func:`sklearn_w2v.load` reads it back without
        running any code from it, and the loaded estimator's ``transform``, ``score`` and
        word queries give the same results, bit for bit. The file is written to a
        temporary name and renamed, so ``path`` is never left half-written.

        Parameters
        ----------
        path : str or path-like

        Raises
        ------
        ValueError
            If a parameter is a Python callable (``tokenizer``, ``preprocessor``,
            ``analyzer``, ``epoch_callback``) or another object a data file cannot hold
            (such as ``init=`` a gensim KeyedVectors; pass
            ``(kv.index_to_key, kv.vectors)`` instead); the message names it and the fix.

        Examples
        --------
        >>> import os, tempfile
        >>> import sklearn_w2v
        >>> from sklearn_w2v import Word2VecTransformer
        >>> from sklearn_w2v.datasets import load_sample_corpus
        >>> texts = load_sample_corpus(n_lines=500)
        >>> model = Word2VecTransformer(vector_size=10, min_count=1, epochs=1, n_jobs=1,
        ...                             random_state=0).fit(texts)
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "model.skw2v")
        >>> model.save(path)
        >>> loaded = sklearn_w2v.load(path)
        >>> bool((loaded.transform(texts[:5]) == model.transform(texts[:5])).all())
        True
        >>> folder.cleanup()
        """
        document, arrays = _encode_estimator(self)
        payload = json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")
        replace_file(path, lambda raw: _write_archive(raw, payload, arrays))

    def __getstate__(self):
        # NumPy's dtype objects in the fitted structure go as their names: skops.io then
        # sees only types it trusts besides the package's own (see SKOPS_TYPES).
        state = super().__getstate__()  # type: ignore[misc]
        structure = state.get("_structure")
        if isinstance(structure, dict) and isinstance(structure.get("dtype"), np.dtype):
            state = {**state, "_structure": {**structure, "dtype": structure["dtype"].name}}
        return state

    def __setstate__(self, state):
        structure = state.get("_structure")
        if isinstance(structure, dict) and isinstance(structure.get("dtype"), str):
            state = {**state, "_structure": {**structure,
                                             "dtype": np.dtype(structure["dtype"])}}
        super().__setstate__(state)  # type: ignore[misc]


def _write_archive(raw, payload, arrays):
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr(_DOCUMENT, payload)
        for name, array in arrays.items():
            with archive.open(name, "w", force_zip64=array.nbytes > (1 << 30)) as entry:
                np.lib.format.write_array(entry, array, allow_pickle=False)


# ------------------------------------------------------------------------------- saving


class _Encoder:
    """Values → plain JSON, the arrays collected as entries of their own."""

    def __init__(self):
        self.arrays: dict[str, np.ndarray] = {}
        self.declared: dict[str, dict] = {}

    def array(self, value, where):
        value = np.asarray(value)
        if value.dtype.str not in _ARRAY_DTYPES or value.ndim > 2:
            raise ValueError(f"{where} is an array of dtype {value.dtype} and {value.ndim} "
                             "dimensions, which a model file does not hold (numbers or "
                             "booleans, at most 2 dimensions).")
        name = f"arrays/{len(self.arrays)}.npy"
        self.arrays[name] = np.ascontiguousarray(value)
        self.declared[name] = {"dtype": value.dtype.str, "shape": list(value.shape),
                               "read_only": not value.flags.writeable}
        return name

    def words(self, words, where):
        encoded = [word.encode("utf-8", "surrogatepass") for word in words]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(word) for word in encoded], out=offsets[1:])
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return {"kind": "words", "bytes": self.array(data, where),
                "offsets": self.array(offsets, where)}

    def value(self, value, where):
        """The JSON form of ``value`` (see _decode_value for the kinds)."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {"kind": "float", "value": repr(value)}
        if isinstance(value, np.generic) and value.dtype.str in _ARRAY_DTYPES:
            return {"kind": "scalar", "dtype": value.dtype.str, "value": value.item()}
        if isinstance(value, np.ndarray):
            return {"kind": "array", "entry": self.array(value, where)}
        return self._object(value, where)

    def _object(self, value, where):
        if isinstance(value, type) and value in _NUMPY_TYPES.values():
            return {"kind": "numpy_type", "name": np.dtype(value).name}
        if isinstance(value, np.dtype) and value.str in _ARRAY_DTYPES:
            return {"kind": "dtype", "name": value.name}
        if isinstance(value, pathlib.PurePath):
            return {"kind": "path", "value": str(value)}
        if isinstance(value, np.random.RandomState):
            name, keys, position, has_gauss, gauss = value.get_state(legacy=True)
            return {"kind": "random_state", "keys": self.array(keys, where),
                    "position": int(position), "has_gauss": int(has_gauss),
                    "gauss": float(gauss)}
        if type(value) in _VALUE_CLASSES.values():
            return {"kind": type(value).__name__, "fields": {
                field.name: self.value(getattr(value, field.name), f"{where}.{field.name}")
                for field in dataclasses.fields(value)}}
        return self._container(value, where)

    def _container(self, value, where):
        if isinstance(value, (set, frozenset)) and all(isinstance(w, str) for w in value):
            return {"kind": "word_set", "words": self.words(sorted(value), where)}
        if isinstance(value, tuple):
            return {"kind": "tuple", "items": [self.value(item, f"{where}[{i}]")
                                               for i, item in enumerate(value)]}
        if isinstance(value, list):
            return self._list(value, where)
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            if value and all(type(count) is int for count in value.values()):
                return {"kind": "word_counts", "words": self.words(value, where),
                        "values": self.array(np.fromiter(value.values(), np.int64,
                                                         len(value)), where)}
            return {"kind": "dict", "items": {key: self.value(item, f"{where}[{key!r}]")
                                              for key, item in value.items()}}
        if callable(value):
            raise ValueError(f"{where} is the callable {value!r}. {_CALLABLE_FIX}")
        raise ValueError(f"{where} is a {type(value).__name__} object, which a model file "
                         "does not hold: it stores numbers, strings, arrays and the "
                         "package's own values only.")

    def _list(self, value, where):
        if value and all(isinstance(item, str) for item in value):
            return self.words(value, where)
        if value and all(type(item) is float for item in value):
            return {"kind": "float_list",
                    "entry": self.array(np.array(value, dtype=np.float64), where)}
        return {"kind": "list", "items": [self.value(item, f"{where}[{i}]")
                                          for i, item in enumerate(value)]}


_VALUE_CLASSES = {"FittedParts": FittedParts, "Coverage": Coverage,
                  "HuffmanTree": HuffmanTree, "VectorFile": VectorFile,
                  # FastTextTransformer's: its coverage with n-grams, a fastText file init.
                  "SubwordCoverage": SubwordCoverage, "FastTextFile": FastTextFile}


def _encode_estimator(estimator):
    name = type(estimator).__name__
    if _ESTIMATORS.get(name) is None or type(estimator) is not _estimator_class(name):
        raise ValueError(f"save stores the package's own estimators ({', '.join(_ESTIMATORS)}"
                         f"), not a {type(estimator).__module__}.{name}; pickle a subclass "
                         "for files that only you load.")
    params = estimator.get_params(deep=False)
    callables = [f"{key}={value!r}" for key, value in params.items()
                 if callable(value) and not isinstance(value, type)]
    if callables:
        raise ValueError(f"{name}.save cannot store the parameter(s) "
                         f"{', '.join(callables)}. {_CALLABLE_FIX}")
    encoder = _Encoder()
    parameters = {key: _encode_parameter(encoder, key, value) for key, value in params.items()}
    # What a model only keeps for the session that uses it (transform's coverage watch,
    # which starts over when the model is copied) is not part of the file.
    transient = set(getattr(estimator, "_transient_attributes", ()))
    state = {key: value for key, value in (estimator._fitted_state() or {}).items()
             if key not in transient}
    extra = sorted(set(vars(estimator)) - set(params) - set(state) - transient
                   - {_OUTPUT_CONFIG})
    if extra:
        raise ValueError(f"{name}.save does not know the attribute(s) {', '.join(extra)}; "
                         "delete them before saving.")
    if _OUTPUT_CONFIG in vars(estimator):
        state = {**state, _OUTPUT_CONFIG: getattr(estimator, _OUTPUT_CONFIG)}
    attributes = {key: _encode_attribute(encoder, key, value, state)
                  for key, value in state.items()}
    document = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "sklearn_w2v_version": __version__, "estimator": name,
                "parameters": parameters, "attributes": attributes,
                "arrays": encoder.declared}
    return document, encoder.arrays


def _encode_parameter(encoder, key, value):
    where = f"the parameter {key}"
    if key == "init" and isinstance(value, tuple) and len(value) == 2:
        return {"kind": "tuple", "items": [encoder.words(list(value[0]), where),
                                           encoder.value(np.asarray(value[1]), where)]}
    if key == "init" and hasattr(value, "index_to_key") and hasattr(value, "vectors"):
        raise ValueError(
            f"init is a {type(value).__name__} object, which a model file does not hold "
            "(it is code of another library). Pass its words and vectors instead, "
            "set_params(init=(kv.index_to_key, kv.vectors)), or a path, and save again.")
    return encoder.value(value, where)


def _encode_attribute(encoder, key, value, state):
    # The vocabulary is the index of index_to_word_ (always, for a fit of this package):
    # stored as such, the file holds the words once.
    if (key == "vocabulary_" and isinstance(state.get("index_to_word_"), list)
            and len(value) == len(state["index_to_word_"])
            and all(value.get(word) == row for row, word in enumerate(state["index_to_word_"]))):
        return {"kind": "index_of", "of": "index_to_word_"}
    return encoder.value(value, f"the attribute {key}")


# ------------------------------------------------------------------------------ loading


def load(path):
    """Load an estimator saved with ``save``, without running any code from the file.

    The file is read as data only (see :meth:`Word2VecTransformer.save`): the class must
    be one of the package's estimators, every value is rebuilt by the package's own code,
    arrays are read without pickles, and sizes, shapes and keys are checked against what
    the file holds before anything is allocated. A file written by another version of
    sklearn-w2v loads with an :class:`~sklearn_w2v.InconsistentVersionWarning`.

    Parameters
    ----------
    path : str, path-like or binary file object
        A file written by ``save`` (a file object must be seekable).

    Returns
    -------
    estimator : Word2VecTransformer or Doc2VecTransformer
        Fitted if it was saved fitted; its ``transform``, ``score`` and word queries give
        the saved estimator's results, bit for bit.

    Raises
    ------
    ValueError
        If the file is not a model file of this package, or any check fails (an
        oversized or malformed document, an entry that does not match its declared shape
        or dtype, an unknown key, parameter or attribute, a class that is not one of the
        package's estimators, fitted attributes that contradict each other). The message
        says what is wrong.

    Examples
    --------
    >>> import os, tempfile
    >>> import sklearn_w2v
    >>> from sklearn_w2v import Doc2VecTransformer
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 10
    >>> model = Doc2VecTransformer(vector_size=8, min_count=1, epochs=2, n_jobs=1,
    ...                            random_state=0).fit(docs)
    >>> folder = tempfile.TemporaryDirectory()
    >>> model.save(os.path.join(folder.name, "doc2vec.skw2v"))
    >>> loaded = sklearn_w2v.load(os.path.join(folder.name, "doc2vec.skw2v"))
    >>> bool((loaded.transform(["a cat"]) == model.transform(["a cat"])).all())
    True
    >>> folder.cleanup()
    """
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else "the file"
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ValueError(f"{name} is not a model file of sklearn-w2v (not a readable zip "
                         f"archive: {exc}).") from None
    with archive:
        reader = _Reader(archive, name)
        document = reader.document()
        try:
            return _Decoder(reader, document["arrays"]).estimator(document)
        except RecursionError:
            raise reader.error("its values are nested deeper than a model's") from None


def _estimator_class(name):
    module = _ESTIMATORS.get(name) if isinstance(name, str) else None
    if module is None:
        raise ValueError(f"the file names the class {name!r}, which is not one of the "
                         f"package's estimators ({', '.join(_ESTIMATORS)}); it is not "
                         "loaded.")
    return getattr(importlib.import_module(module, __package__), name)


class _Reader:
    """The entries of a model file, each checked before it is read."""

    def __init__(self, archive, name):
        self.archive, self.name = archive, name
        names = archive.namelist()
        if len(names) != len(set(names)) or len(names) > _MAX_ARRAYS + 1:
            raise self.error(f"it holds {len(names)} entries, with duplicate names or more "
                             "than a model has")
        self.size = _archive_size(archive)

    def error(self, message):
        return ValueError(f"{self.name} is not a valid sklearn-w2v model file: {message}.")

    def document(self):
        """The JSON document, its top level checked."""
        info = self._info(_DOCUMENT)
        if info.file_size > _MAX_DOCUMENT_BYTES:
            raise self.error(f"its document {_DOCUMENT} declares {info.file_size:,} bytes, "
                             f"more than the {_MAX_DOCUMENT_BYTES:,} a model's takes")
        try:
            text = self.archive.read(info).decode("utf-8")
            document = json.loads(text, object_pairs_hook=_unique_keys,
                                  parse_constant=_no_constant)
        except (ValueError, RecursionError, zipfile.BadZipFile, EOFError) as exc:
            raise self.error(f"its document {_DOCUMENT} is not valid JSON ({exc})") from None
        if not isinstance(document, dict) or set(document) != _DOCUMENT_KEYS:
            found = sorted(document) if isinstance(document, dict) else type(document).__name__
            raise self.error(f"its document has the keys {found}, expected "
                             f"{sorted(_DOCUMENT_KEYS)}")
        self._check_header(document)
        return document

    def _check_header(self, document):
        if document["format"] != FORMAT:
            raise self.error(f"its format is {document['format']!r}, not {FORMAT!r}")
        if document["format_version"] != FORMAT_VERSION:
            raise self.error(f"it has format version {document['format_version']!r}; this "
                             f"sklearn-w2v {__version__} reads version {FORMAT_VERSION} "
                             "(a newer sklearn-w2v wrote it: upgrade to load it)")
        declared = document["arrays"]
        if not isinstance(declared, dict) or len(declared) > _MAX_ARRAYS:
            raise self.error("its 'arrays' is not a table of at most "
                             f"{_MAX_ARRAYS} entries")
        expected = set(declared) | {_DOCUMENT}
        if set(self.archive.namelist()) != expected:
            unknown = sorted(set(self.archive.namelist()) ^ expected)
            raise self.error(f"its entries and the declared arrays differ ({unknown[:5]})")
        warn_if_other_version(str(document["estimator"]),
                              str(document["sklearn_w2v_version"]), stacklevel=4)

    def _info(self, name):
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise self.error(f"it has no entry {name!r}") from None
        if info.flag_bits & 0x1:
            raise self.error(f"its entry {name!r} is encrypted")
        if info.header_offset + info.compress_size > self.size:
            raise self.error(f"its entry {name!r} ends after the end of the file")
        return info

    def array(self, name, declaration):
        """The array of entry ``name``, which must match ``declaration``."""
        dtype, shape = _declared(declaration, name, self.error)
        info = self._info(name)
        if info.compress_type != zipfile.ZIP_STORED:
            raise self.error(f"its entry {name!r} is compressed; save stores arrays as they "
                             "are (their size is then bounded by the file's)")
        try:
            with self.archive.open(info) as entry:
                array = self._read_array(entry, info, name, shape, dtype)
        except (EOFError, OSError, zipfile.BadZipFile) as exc:
            raise self.error(f"its entry {name!r} cannot be read ({exc})") from None
        array.flags.writeable = not declaration["read_only"]
        return array

    def _read_array(self, entry, info, name, shape, dtype):
        header = self._npy_header(entry, name)
        if header != (shape, False, dtype):
            raise self.error(f"the entry {name!r} holds an array {header}, but the "
                             f"document declares shape {shape} and dtype {dtype}")
        n_bytes = math.prod(shape) * dtype.itemsize
        if info.file_size != entry.tell() + n_bytes:
            raise self.error(f"the entry {name!r} holds {info.file_size:,} bytes, but its "
                             f"header and shape make {entry.tell() + n_bytes:,}")
        # Allocated only now: the entry is stored, so its bytes are in the file.
        array = np.empty(shape, dtype=dtype)
        _read_exactly(entry, array.reshape(-1).view(np.uint8))
        entry.read(1)  # at the end: zipfile checks the entry's CRC-32
        return array

    def _npy_header(self, entry, name):
        try:
            version = np.lib.format.read_magic(entry)
            if version == (1, 0):
                return np.lib.format.read_array_header_1_0(entry, _MAX_NPY_HEADER)
            if version == (2, 0):
                return np.lib.format.read_array_header_2_0(entry, _MAX_NPY_HEADER)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise self.error(f"the entry {name!r} is not a valid .npy array ({exc})") \
                from None
        raise self.error(f"the entry {name!r} has .npy format version {version}")


def _archive_size(archive):
    fp = archive.fp
    position = fp.tell()
    size = fp.seek(0, os.SEEK_END)
    fp.seek(position)
    return size


def _declared(declaration, name, error):
    if (not isinstance(declaration, dict)
            or set(declaration) != {"dtype", "shape", "read_only"}
            or declaration["dtype"] not in _ARRAY_DTYPES
            or not isinstance(declaration["shape"], list) or len(declaration["shape"]) > 2
            or not all(type(n) is int and n >= 0 for n in declaration["shape"])
            or not isinstance(declaration["read_only"], bool)):
        raise error(f"the declaration of {name!r} is not a dtype of numbers and a shape of "
                    f"at most 2 dimensions: {str(declaration)[:200]}")
    return np.dtype(declaration["dtype"]), tuple(declaration["shape"])


def _read_exactly(entry, buffer):
    done = 0
    while done < len(buffer):
        n = entry.readinto(buffer[done:done + (1 << 24)])
        if not n:
            raise EOFError("the entry ended early")
        done += n


def _unique_keys(pairs):
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError(f"a key appears twice in {sorted(k for k, _ in pairs)[:10]}")
    return result


def _no_constant(name):
    raise ValueError(f"{name} is not a number of JSON")


_DTYPE_NAMES = {np.dtype(code).name: code for code in _ARRAY_DTYPES}
_ORIGINS = frozenset({"trained", "fine-tuned", "pretrained", "loaded"})
_OUTPUT_CONFIG_KEYS = frozenset({"transform"})


class _Decoder:
    """Plain JSON → values, by the kinds of :class:`_Encoder`, each rebuilt by this
    module's code and checked; arrays read from the entries they name."""

    def __init__(self, reader, declared):
        self.reader, self.declared, self.used = reader, declared, set()
        self.error = reader.error

    def entry(self, name, where):
        if not isinstance(name, str) or not _ENTRY_NAME.fullmatch(name) \
                or name not in self.declared or name in self.used:
            raise self.error(f"{where} names the entry {name!r}, which is not a declared "
                             "array or is named twice")
        self.used.add(name)
        return self.reader.array(name, self.declared[name])

    def value(self, value, where):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if not isinstance(value, dict) or not isinstance(value.get("kind"), str) \
                or value["kind"] not in _KINDS:
            raise self.error(f"{where} is {str(value)[:80]!r}, not a value of a model file")
        decode, keys = _KINDS[value["kind"]]
        if set(value) != {"kind", *keys}:
            raise self.error(f"{where} ({value['kind']}) has the keys {sorted(value)}, "
                             f"expected {sorted({'kind', *keys})}")
        return decode(self, value, where)

    def typed(self, value, where, check, expected):
        """``value`` decoded, which must pass ``check``."""
        decoded = self.value(value, where)
        if not check(decoded):
            raise self.error(f"{where} must be {expected}, got {str(decoded)[:80]!r}")
        return decoded

    def words(self, value, where):
        data = self.entry(value["bytes"], where)
        offsets = self.entry(value["offsets"], where)
        if (data.dtype != np.uint8 or data.ndim != 1 or offsets.dtype != np.int64
                or offsets.ndim != 1 or len(offsets) == 0 or offsets[0] != 0
                or offsets[-1] != len(data) or np.any(np.diff(offsets) < 0)):
            raise self.error(f"{where}: the words' bytes and offsets do not match")
        blob = data.tobytes()
        bounds = offsets.tolist()
        try:
            return [blob[a:b].decode("utf-8", "surrogatepass")
                    for a, b in zip(bounds[:-1], bounds[1:])]
        except UnicodeDecodeError as exc:
            raise self.error(f"{where}: a word is not valid UTF-8 ({exc})") from None

    def estimator(self, document):
        cls = _estimator_class(document["estimator"])
        parameters, attributes = document["parameters"], document["attributes"]
        if not isinstance(parameters, dict) or not isinstance(attributes, dict):
            raise self.error("its parameters and attributes must be tables")
        unknown = sorted(set(parameters) - set(cls().get_params(deep=False)))
        if unknown:
            raise self.error(f"{cls.__name__} has no parameter(s) {unknown}")
        estimator = cls(**{key: self.value(value, f"the parameter {key}")
                           for key, value in parameters.items()})
        try:
            estimator._validate_params()
        except (TypeError, ValueError) as exc:
            raise self.error(f"its parameters are not valid ({exc})") from None
        state = self._state(cls, attributes)
        if set(self.declared) != self.used:
            raise self.error(f"it declares arrays it does not use "
                             f"({sorted(set(self.declared) - self.used)[:5]})")
        if state:
            _check_state(estimator, state, self.error)
            estimator._set_fitted_state(state)
        return estimator

    def _state(self, cls, attributes):
        unknown = sorted(set(attributes) - set(cls._fitted_attributes) - {_OUTPUT_CONFIG})
        if unknown:
            raise self.error(f"{cls.__name__} has no fitted attribute(s) {unknown}")
        index = {"kind": "index_of", "of": "index_to_word_"}
        state = {key: self.value(value, f"the attribute {key}")
                 for key, value in attributes.items()
                 if not (key == "vocabulary_" and value == index)}
        if attributes.get("vocabulary_") == index:
            words = state.get("index_to_word_")
            if not isinstance(words, list):
                raise self.error("its vocabulary_ is the index of a missing index_to_word_")
            state["vocabulary_"] = {word: row for row, word in enumerate(words)}
        return state


def _decode_float(decoder, value, where):
    if value["value"] not in ("nan", "inf", "-inf"):
        raise decoder.error(f"{where}: {value['value']!r} is not nan, inf or -inf")
    return float(value["value"])


def _decode_scalar(decoder, value, where):
    if value["dtype"] not in _ARRAY_DTYPES or type(value["value"]) not in (bool, int, float):
        raise decoder.error(f"{where}: not a number of a numeric dtype")
    return np.dtype(value["dtype"]).type(value["value"])


def _decode_named(table):
    def decode(decoder, value, where):
        if value["name"] not in table:
            raise decoder.error(f"{where}: {value['name']!r} is not one of {sorted(table)}")
        return table[value["name"]]
    return decode


def _decode_path(decoder, value, where):
    return pathlib.Path(decoder.typed(value["value"], where, _is_str, "a str"))


def _decode_random_state(decoder, value, where):
    keys = decoder.entry(value["keys"], where)
    position, has_gauss, gauss = value["position"], value["has_gauss"], value["gauss"]
    if (keys.dtype != np.uint32 or keys.shape != (624,) or type(position) is not int
            or not 0 <= position <= 624 or has_gauss not in (0, 1)
            or type(gauss) not in (int, float)):
        raise decoder.error(f"{where}: not the state of a RandomState (MT19937)")
    state = np.random.RandomState()
    state.set_state(("MT19937", keys, position, has_gauss, float(gauss)))
    return state


def _decode_items(container):
    def decode(decoder, value, where):
        items = value["items"]
        if not isinstance(items, list):
            raise decoder.error(f"{where}: its items are not a list")
        return container(decoder.value(item, f"{where}[{i}]") for i, item in enumerate(items))
    return decode


def _decode_dict(decoder, value, where):
    if not isinstance(value["items"], dict):
        raise decoder.error(f"{where}: its items are not a table")
    return {key: decoder.value(item, f"{where}[{key!r}]")
            for key, item in value["items"].items()}


def _decode_float_list(decoder, value, where):
    array = decoder.entry(value["entry"], where)
    if array.dtype != np.float64 or array.ndim != 1:
        raise decoder.error(f"{where}: not a list of floats")
    return array.tolist()


def _decode_word_counts(decoder, value, where):
    words = decoder.words(value["words"], where)
    counts = decoder.entry(value["values"], where)
    if counts.dtype != np.int64 or counts.shape != (len(words),):
        raise decoder.error(f"{where}: {len(words)} words but counts of shape {counts.shape}")
    table = dict(zip(words, counts.tolist()))
    if len(table) != len(words):
        raise decoder.error(f"{where}: a word appears twice")
    return table


def _decode_object(decoder, value, where):
    cls = _VALUE_CLASSES[value["kind"]]
    fields = value["fields"]
    names = [field.name for field in dataclasses.fields(cls)]
    if not isinstance(fields, dict) or set(fields) != set(names):
        raise decoder.error(f"{where}: a {cls.__name__} has the fields {names}")
    checks = _FIELD_CHECKS[cls]
    decoded = {name: decoder.typed(fields[name], f"{where}.{name}", *checks[name])
               for name in names}
    return cls(**decoded)


def _is_str(value):
    return isinstance(value, str)


def _is_count(value):
    return type(value) is int and value >= 0


def _is_bool(value):
    return isinstance(value, bool)


def _array_of(dtype, ndim):
    return (lambda value: isinstance(value, np.ndarray) and value.dtype == dtype
            and value.ndim == ndim), f"an array of {np.dtype(dtype).name} in {ndim} dimension(s)"


def _optional(check):
    return lambda value: value is None or check(value)


_BOOL = (_is_bool, "True or False")
_COUNT = (_is_count, "an integer >= 0")
_FIELD_CHECKS = {
    FittedParts: {"origin": (lambda v: v in _ORIGINS, f"one of {sorted(_ORIGINS)}"),
                  "output_vectors": _BOOL, "word_counts": _BOOL, "idf": _BOOL,
                  "sif_component": _BOOL, "node_vectors": _BOOL},
    Coverage: {"n_tokens": _COUNT, "n_tokens_covered": _COUNT, "n_types": _COUNT,
               "n_types_covered": _COUNT, "n_tokens_case_variant": _COUNT,
               "case_hint": (_optional(_is_str), "None or a str"),
               "examples": (lambda v: isinstance(v, tuple) and all(map(_is_str, v)),
                            "a tuple of str"),
               "n_tokens_punctuation": _COUNT},
    SubwordCoverage: {},  # Coverage's fields and the two below (completed after the table)
    HuffmanTree: {"points": _array_of(np.int32, 2), "codes": _array_of(np.int8, 2),
                  "lengths": _array_of(np.int32, 1), "mask": _array_of(np.bool_, 2),
                  "signs": _array_of(np.float32, 2)},
    FastTextFile: {"path": (lambda v: isinstance(v, (str, pathlib.Path)), "a str or a path"),
                   "encoding": (_is_str, "a str"), "unicode_errors": (_is_str, "a str")},
    VectorFile: {"path": (lambda v: isinstance(v, (str, pathlib.Path)), "a str or a path"),
                 "binary": (_optional(_is_bool), "None, True or False"),
                 "no_header": (_optional(_is_bool), "None, True or False"),
                 "encoding": (_is_str, "a str"), "unicode_errors": (_is_str, "a str"),
                 "limit": (_optional(_is_count), "None or an integer >= 0"),
                 "restrict_to": (_optional(lambda v: isinstance(v, frozenset)),
                                 "None or a set of words")},
}

_FIELD_CHECKS[SubwordCoverage] = {**_FIELD_CHECKS[Coverage], "n_tokens_by_ngrams": _COUNT,
                                  "n_types_by_ngrams": _COUNT}

_KINDS = {
    "float": (_decode_float, ("value",)),
    "scalar": (_decode_scalar, ("dtype", "value")),
    "array": (lambda decoder, value, where: decoder.entry(value["entry"], where), ("entry",)),
    "words": (lambda decoder, value, where: decoder.words(value, where),
              ("bytes", "offsets")),
    "numpy_type": (_decode_named(_NUMPY_TYPES), ("name",)),
    "dtype": (_decode_named({name: np.dtype(code) for name, code in _DTYPE_NAMES.items()}),
              ("name",)),
    "path": (_decode_path, ("value",)),
    "random_state": (_decode_random_state, ("keys", "position", "has_gauss", "gauss")),
    "word_set": (lambda decoder, value, where: frozenset(decoder.words(value["words"],
                                                                       where)), ("words",)),
    "tuple": (_decode_items(tuple), ("items",)),
    "list": (_decode_items(list), ("items",)),
    "dict": (_decode_dict, ("items",)),
    "float_list": (_decode_float_list, ("entry",)),
    "word_counts": (_decode_word_counts, ("words", "values")),
    **{name: (_decode_object, ("fields",)) for name in _VALUE_CLASSES},
}

# Fitted attributes whose shape follows from the vocabulary (n words) and the dimension d.
_ROWS_OF_WORDS = ("word_counts_", "noise_distribution_", "idf_", "sif_weights_",
                  "_document_frequency")
_PARTS = {"output_vectors": ("context_vectors_",), "node_vectors": ("node_vectors_",
                                                                    "huffman_tree_"),
          "idf": ("idf_",), "sif_component": ("sif_component_",)}


def _check_state(estimator, state, error):
    """The fitted attributes agree with each other and with the parameters."""
    missing = sorted({"vectors_", "vocabulary_", "index_to_word_", "fitted_parts_",
                      "_structure"} - set(state))
    if missing:
        raise error(f"its fitted attributes lack {missing}")
    words, vectors = state["index_to_word_"], state["vectors_"]
    # vector_size=None follows init's dimension: the vectors' own columns then.
    n, d = len(words), estimator.vector_size
    if d is None and isinstance(vectors, np.ndarray) and vectors.ndim == 2:
        d = vectors.shape[1]
    dtype = np.dtype(estimator.dtype)
    if (not isinstance(vectors, np.ndarray) or vectors.shape != (n, d)
            or vectors.dtype != dtype):
        raise error(f"vectors_ must be {n} x {d} of {dtype.name} (index_to_word_ and "
                    f"vector_size), got {getattr(vectors, 'shape', None)}")
    vocabulary = state["vocabulary_"]
    if not isinstance(vocabulary, dict) or len(vocabulary) != n or any(
            vocabulary.get(word) != row for row, word in enumerate(words)):
        raise error("vocabulary_ is not the index of index_to_word_")
    expected = {"context_vectors_": (n, d), "node_vectors_": (max(n - 1, 0), d),
                "sif_component_": (d,), **{name: (n,) for name in _ROWS_OF_WORDS},
                # FastTextTransformer's word rows, n-gram rows and a loaded file's counts.
                "vectors_vocab_": (n, d), "_fasttext_counts": (n,),
                "vectors_ngrams_": (_bucket_of(state), d)}
    for name, shape in expected.items():
        value = state.get(name)
        if value is not None and (not isinstance(value, np.ndarray) or value.shape != shape):
            raise error(f"{name} must have the shape {shape}, got "
                        f"{getattr(value, 'shape', type(value).__name__)}")
    documents = state.get("document_vectors_")
    if documents is not None and (not isinstance(documents, np.ndarray)
                                  or documents.ndim != 2 or documents.shape[1] != d):
        raise error(f"document_vectors_ must have {d} columns")
    _check_parts(state, error)
    _check_huffman_tree(state.get("huffman_tree_"), n, error)
    config = state.get(_OUTPUT_CONFIG, {})
    if not isinstance(config, dict) or not set(config) <= _OUTPUT_CONFIG_KEYS \
            or not all(map(_is_str, config.values())):
        raise error(f"{_OUTPUT_CONFIG} must map {sorted(_OUTPUT_CONFIG_KEYS)} to str")


def _bucket_of(state):
    """The n-gram rows FastTextTransformer's structure says the model has."""
    structure = state.get("_structure")
    return structure.get("bucket") if isinstance(structure, dict) else None


def _check_parts(state, error):
    parts = state["fitted_parts_"]
    if not isinstance(parts, FittedParts):
        raise error("fitted_parts_ is not a FittedParts")
    for part, names in _PARTS.items():
        for name in names:
            if getattr(parts, part) != (name in state):
                raise error(f"fitted_parts_.{part}={getattr(parts, part)} but {name} is "
                            f"{'absent' if getattr(parts, part) else 'present'}")
    if not isinstance(state["_structure"], dict) or not isinstance(state.get("coverage_"),
                                                                   (Coverage, type(None))):
        raise error("_structure must be a table and coverage_ a Coverage or None")


def _check_huffman_tree(tree, n, error):
    if tree is None:
        return
    if not isinstance(tree, HuffmanTree):
        raise error("huffman_tree_ is not a Huffman tree")
    shape = tree.points.shape
    if (shape[0] != n or tree.lengths.shape != (n,) or tree.codes.shape != shape
            or tree.mask.shape != shape or tree.signs.shape != shape
            or (tree.points.size and not 0 <= tree.points.min() <= tree.points.max() < n - 1)
            or (n and not 0 <= tree.lengths.min() <= tree.lengths.max() <= shape[1])):
        raise error(f"huffman_tree_ does not describe the paths of {n} words")
