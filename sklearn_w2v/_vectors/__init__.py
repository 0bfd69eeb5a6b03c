"""Word vectors as files and values: reading, writing and sniffing vector files.

The bottom layer of the package (it imports only ``_utils``): word2vec.c's text and binary
formats, fastText ``.vec`` and GloVe files, found out from their first bytes; compressed
streams (``.gz``, ``.bz2``, ``.xz``); writes that replace a file atomically; and the
sources ``init`` accepts (a path, a :class:`VectorFile` with reading options, ``(words,
vectors)``, a KeyedVectors-like object), read once per process.
"""

from .pretrained import (
    VectorFile,
    describe_init,
    is_word_vector_file,
    load_vector_file,
    resolve_init,
    sniff_binary,
)
from .word2vec_format import (
    MAX_WORD_BYTES,
    load_word2vec_format,
    open_for_reading,
    save_word2vec_format,
)

__all__ = ["MAX_WORD_BYTES", "VectorFile", "describe_init", "is_word_vector_file",
           "load_vector_file", "load_word2vec_format", "open_for_reading",
           "resolve_init", "save_word2vec_format", "sniff_binary"]
