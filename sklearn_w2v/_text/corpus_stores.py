"""Where the encoded corpus of a fit lives: in memory, or in files of a temporary folder.

A store is one object with the two operations fit needs, so that the fit procedure reads the
same whichever store it has:

* :meth:`MemoryStore.count_and_encode`: one pass over the token lists that counts the words
  and encodes the corpus with provisional (first-appearance) ids;
* :meth:`MemoryStore.remap`: the corpus rewritten with vocabulary ids, the dropped words
  removed.

:class:`MemoryStore` keeps the ids in memory (:mod:`sklearn_w2v._text.encoded_corpus`),
:class:`FolderStore` appends them to files of a new temporary folder that it removes on
exit, also on errors (``out_of_core=True``, :mod:`sklearn_w2v._text.corpus_folder`);
:func:`corpus_store` picks one from the estimator's settings.
"""

from typing import Any

from .corpus_folder import corpus_folder, encode_to_folder, remap_in_folder
from .encoded_corpus import count_and_encode, remap_corpus

__all__ = ["FolderStore", "MemoryStore", "corpus_store"]


class MemoryStore:
    """The encoded corpus in memory (the default)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def count_and_encode(self, token_lists):
        """``(words, counts, corpus)`` of
        :func:`~sklearn_w2v._text.encoded_corpus.count_and_encode`."""
        return count_and_encode(token_lists)

    def remap(self, corpus, old_to_new):
        """The corpus with vocabulary ids; ``corpus`` is reused and must not be used after."""
        return remap_corpus(corpus, old_to_new, in_place=True)


class FolderStore:
    """The encoded corpus in files of a new folder under ``root`` (None: the system's
    temporary folder), created on entering and removed on leaving."""

    def __init__(self, root=None):
        self.root = root
        self.folder = None
        # The corpus_folder context while the store is entered, else None.
        self._context: Any = None

    def __enter__(self):
        self._context = corpus_folder(True, self.root)
        self.folder = self._context.__enter__()
        return self

    def __exit__(self, *exc_info):
        try:
            return self._context.__exit__(*exc_info)
        finally:
            self.folder = self._context = None

    def count_and_encode(self, token_lists):
        """``(words, counts, corpus)``, the corpus a
        :class:`~sklearn_w2v._text.corpus_folder.MappedCorpus` of the folder's files."""
        return encode_to_folder(token_lists, self.folder)

    def remap(self, corpus, old_to_new):
        """The corpus rewritten with vocabulary ids into new files of the folder."""
        return remap_in_folder(corpus, old_to_new, self.folder)


def corpus_store(out_of_core, temp_folder=None):
    """The store of ``out_of_core`` (and ``temp_folder``)."""
    return FolderStore(temp_folder) if out_of_core else MemoryStore()
