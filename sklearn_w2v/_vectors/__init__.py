"""Word vectors as files and values: reading, writing and sniffing vector files; queries.

The bottom layer of the package (it imports only ``_utils``). One module per concern:

* ``reader``: :func:`load_word2vec_format`, which hands the rows to ``text_format``
  (word2vec.c text, fastText ``.vec``, GloVe) or ``binary_format`` (word2vec.c binary);
* ``sniffing``: header or not, text or binary, found out from a file's first bytes;
* ``writer``: :func:`save_word2vec_format`, through ``atomic_write`` (a file is replaced
  whole or not at all);
* ``compressed``: ``.gz``, ``.bz2`` and ``.xz`` files, read and written by suffix;
* ``checks`` and ``rows``: what the writer and the readers check alike (words, finite
  values) and what both readers share (the matrix grown row by row);
* ``pretrained``: the sources ``init`` accepts (a path, a :class:`VectorFile` with reading
  options, ``(words, vectors)``, a KeyedVectors-like object or a gensim model's ``wv``),
  files read once per process, and the dimension ``vector_size=None`` follows;
* ``word_vectors``: :class:`WordVectors`, the words, index and matrix that the estimators'
  queries and :mod:`sklearn_w2v.evaluation` compute on, and :class:`UnknownWordError`.

Other packages import what they use from here, never from a module of it.
"""

from .checks import MAX_WORD_BYTES
from .compressed import open_for_reading
from .pretrained import (
    VectorFile,
    describe_init,
    init_dimension,
    is_word_vector_file,
    load_vector_file,
    resolve_init,
)
from .reader import load_word2vec_format
from .sniffing import sniff_binary
from .word_vectors import (
    COSMUL_EPSILON,
    UnknownWordError,
    WordVectors,
    cosines,
    row_norms,
    term_list,
    unit,
    unit_rows,
    unknown_word,
)
from .writer import save_word2vec_format

__all__ = ["COSMUL_EPSILON", "MAX_WORD_BYTES", "UnknownWordError", "VectorFile",
           "WordVectors", "cosines", "describe_init", "init_dimension", "is_word_vector_file",
           "load_vector_file", "load_word2vec_format", "open_for_reading", "resolve_init",
           "row_norms", "save_word2vec_format", "sniff_binary", "term_list", "unit",
           "unit_rows", "unknown_word"]
