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
  options, a name of the catalogue, ``(words, vectors)``, a KeyedVectors-like object or a
  gensim model's ``wv``), files read once per process, and the dimension
  ``vector_size=None`` follows;
* ``catalogue`` and ``download``: the published vectors known by name (gensim-data's names
  and others), downloaded into scikit-learn's data folder, verified, never executed;
* ``word_vectors``: :class:`WordVectors`, the words, index and matrix that the estimators'
  queries and :mod:`sklearn_w2v.evaluation` compute on, and :class:`UnknownWordError`;
* ``fasttext_format``: Facebook fastText's binary models (``.bin``), read and written as
  gensim does, and shared read-only when they are ``init``.

Other packages import what they use from here, never from a module of it.
"""

from .atomic_write import replace_file
from .catalogue import CATALOGUE, CatalogueEntry, catalogue, catalogue_entry
from .checks import MAX_WORD_BYTES
from .compressed import open_for_reading
from .download import DownloadPolicy, fetch_named_vectors, vectors_folder
from .fasttext_format import (
    FastTextFile,
    FastTextModel,
    is_fasttext_init,
    load_fasttext_model,
    read_fasttext_model,
    write_fasttext_model,
)
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

__all__ = ["CATALOGUE", "COSMUL_EPSILON", "CatalogueEntry", "DownloadPolicy",
           "FastTextFile", "FastTextModel", "MAX_WORD_BYTES", "UnknownWordError",
           "VectorFile", "WordVectors", "catalogue", "catalogue_entry", "cosines",
           "describe_init", "fetch_named_vectors", "init_dimension", "is_fasttext_init",
           "is_word_vector_file", "load_fasttext_model", "load_vector_file",
           "load_word2vec_format", "open_for_reading", "read_fasttext_model",
           "replace_file", "resolve_init", "write_fasttext_model",
           "row_norms", "save_word2vec_format", "sniff_binary", "term_list", "unit",
           "unit_rows", "unknown_word", "vectors_folder"]
