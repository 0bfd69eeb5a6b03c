"""Documents read lazily from a text file, one per line (:func:`read_lines`)."""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator

from .._utils import PathLike
from .._vectors import open_for_reading

__all__ = ["TextLines", "read_lines"]


def read_lines(path: PathLike, *, encoding: str = "utf-8",
               errors: str = "strict") -> TextLines:
    """The lines of a text file as documents, read lazily, one document per line.

    ``Word2VecTransformer().fit(read_lines(path))`` never holds the text: the file is read
    line by line while fit counts and encodes it (with ``out_of_core=True`` the encoded
    corpus does not stay in memory either). The result can be iterated more than once;
    each iteration reads the file again.

    Parameters
    ----------
    path : str or path-like
        A text file; names ending in ``.gz``, ``.bz2`` or ``.xz`` are decompressed.
    encoding : str, default="utf-8"
        Encoding of the file.
    errors : {"strict", "replace", "ignore"} or another codec error handler, \\
            default="strict"
        What to do with bytes that cannot be decoded, as in :meth:`bytes.decode`.

    Returns
    -------
    lines : TextLines
        An iterable of str, the lines without their line ends (``\\n`` or ``\\r\\n``);
        empty lines are empty documents, so document ``i`` is line ``i + 1``.

    Raises
    ------
    FileNotFoundError
        When iterated, if the file does not exist.
    ValueError
        When iterated, if a line cannot be decoded (with ``errors="strict"``) or the
        compressed data is corrupt; the message names the file and the line.

    Examples
    --------
    >>> from sklearn_w2v import read_lines
    >>> from sklearn_w2v.datasets import sample_corpus_path
    >>> lines = read_lines(sample_corpus_path())
    >>> next(iter(lines)).split()[:3]
    ['hard', 'very', 'near']
    """
    return TextLines(path, encoding=encoding, errors=errors)


class TextLines:
    """The lines of a text file, read lazily each time they are iterated (see
    :func:`read_lines`)."""

    def __init__(self, path: PathLike, *, encoding: str = "utf-8",
                 errors: str = "strict") -> None:
        self.path = os.fspath(path)
        self.encoding = encoding
        self.errors = errors
        # Fail now on a bad codec or handler (LookupError), not at the first line.
        codecs.lookup(encoding)
        codecs.lookup_error(errors)

    def __iter__(self) -> Iterator[str]:
        with open_for_reading(self.path) as lines:
            for number, raw in enumerate(lines, 1):
                try:
                    line = raw.decode(self.encoding, self.errors)
                except UnicodeDecodeError as exc:
                    raise ValueError(
                        f"{self.path}: line {number}: cannot decode with "
                        f"{self.encoding}: {exc}; pass errors='replace' to read it anyway"
                    ) from None
                yield line.rstrip("\r\n")

    def __repr__(self) -> str:
        return f"read_lines({self.path!r})"
