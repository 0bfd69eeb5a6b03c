"""The catalogue of published word vectors that ``init="<name>"`` and ``fetch_vectors`` know.

Each entry says where a file is published, how large it is, how to check it and under
which licence it may be used. The names of the files that gensim's downloader serves are
gensim-data's own (its ``list.json``), so a gensim user's string works here too; the
sizes, record counts, licences and MD5 checksums of those entries are copied as
gensim-data publishes them. Unlike gensim's downloader, nothing but the data file is
downloaded, and the file is read by the package's own readers (no code comes with it).

The other entries come from their publishers' pages (GloVe's Common Crawl vectors,
fastText's English vectors without subwords). Those publishers give no checksum: the
entries say so (``md5=None``), and a download is checked by its exact size instead, taken
from the records named in the entry's ``provenance`` (the publishers round their sizes).

Tests and mirrors replace the catalogue for a ``with`` block with the engine hooks
(``engine_hooks(vector_catalogue={...})``), never by changing this module.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from .._utils import current_hooks

__all__ = ["CATALOGUE", "CatalogueEntry", "catalogue", "catalogue_entry", "close_names"]


@dataclass(frozen=True)
class CatalogueEntry:
    """A published word vector file.

    Attributes
    ----------
    name : str
        The name ``init`` and ``fetch_vectors`` take.
    url : str
        Where the file is downloaded from.
    file_name : str
        Its name in the data folder; the suffix (``.gz``, ``.zip``) says how the readers
        open it.
    file_size : int
        Bytes of the file as downloaded.
    md5 : str or None
        Its published MD5 checksum (hexadecimal), or None when the publisher gives none:
        the download is then checked by ``file_size`` alone.
    n_words : int
        Rows of vectors (words, phrases or concepts) it holds.
    dimension : int
    licence : str
        As the publisher states it.
    source : str
        The publisher's page.
    description : str
    provenance : str
        Where the size and checksum come from, and what is not published.
    """

    name: str
    url: str
    file_name: str
    file_size: int
    md5: str | None
    n_words: int
    dimension: int
    licence: str
    source: str
    description: str
    provenance: str = ""


_GENSIM_DATA = "https://github.com/RaRe-Technologies/gensim-data/releases/download"
_GENSIM_DATA_PROVENANCE = ("size, record count, licence and MD5 as published in gensim-data's "
                           "list.json")
_GLOVE = "https://nlp.stanford.edu/projects/glove/"
_GLOVE_LICENCE = "http://opendatacommons.org/licenses/pddl/"
_FASTTEXT = "https://fasttext.cc/docs/en/english-vectors.html"
_FASTTEXT_LICENCE = "https://creativecommons.org/licenses/by-sa/3.0/"
_NO_CHECKSUM = "no checksum is published by {who}: the download is checked by its size, "


def _gensim_data(name, size, md5, n_words, dimension, licence, source, description):
    return CatalogueEntry(name, f"{_GENSIM_DATA}/{name}/{name}.gz", f"{name}.gz", size, md5,
                          n_words, dimension, licence, source, description,
                          _GENSIM_DATA_PROVENANCE)


def _glove_wiki(dimension, size, md5):
    return _gensim_data(
        f"glove-wiki-gigaword-{dimension}", size, md5, 400000, dimension, _GLOVE_LICENCE,
        _GLOVE, "GloVe, Wikipedia 2014 + Gigaword 5 (6B tokens, 400K vocab, uncased), "
        "converted to word2vec format by gensim-data")


def _glove_twitter(dimension, size, md5):
    return _gensim_data(
        f"glove-twitter-{dimension}", size, md5, 1193514, dimension, _GLOVE_LICENCE, _GLOVE,
        "GloVe, Twitter (2B tweets, 27B tokens, 1.2M vocab, uncased), converted to "
        "word2vec format by gensim-data")


_ENTRIES = [
    _glove_wiki(50, 69182535, "c289bc5d7f2f02c6dc9f2f9b67641813"),
    _glove_wiki(100, 134300434, "40ec481866001177b8cd4cb0df92924f"),
    _glove_wiki(200, 264336934, "59652db361b7a87ee73834a6c391dfc1"),
    _glove_wiki(300, 394362229, "29e9329ac2241937d55b852e8284e89b"),
    _glove_twitter(25, 109885004, "50db0211d7e7a2dcd362c6b774762793"),
    _glove_twitter(50, 209216938, "c168f18641f8c8a00fe30984c4799b2b"),
    _glove_twitter(100, 405932991, "b04f7bed38756d64cf55b58ce7e97b15"),
    _glove_twitter(200, 795373100, "e52e8392d1860b95d5308a525817d8f9"),
    _gensim_data(
        "word2vec-google-news-300", 1743563840, "a5e5354d40acb95f9ec66d5977d140ef", 3000000,
        300, "not found", "https://code.google.com/archive/p/word2vec/",
        "word2vec, Google News (about 100 billion words), 3M words and phrases, cased "
        "(word2vec.c binary format)"),
    _gensim_data(
        "fasttext-wiki-news-subwords-300", 1005007116, "de2bb3a20c46ce65c9c131e1ad9a77af",
        999999, 300, _FASTTEXT_LICENCE, _FASTTEXT,
        "fastText trained with subword information on Wikipedia 2017, UMBC webbase corpus "
        "and statmt.org news (16B tokens), 1M words, cased (the word vectors only)"),
    _gensim_data(
        "conceptnet-numberbatch-17-06-300", 1225497562, "fd642d457adcd0ea94da0cd21b150847",
        1917247, 300,
        "https://github.com/commonsense/conceptnet-numberbatch/blob/master/LICENSE.txt",
        "https://github.com/commonsense/conceptnet-numberbatch",
        "ConceptNet Numberbatch 17.06, multilingual concepts named /c/<language>/<term>"),
    CatalogueEntry(
        "glove-common-crawl-42b-300",
        "https://nlp.stanford.edu/data/wordvecs/glove.42B.300d.zip", "glove.42B.300d.zip",
        1877800501, None, 1917494, 300, _GLOVE_LICENCE, _GLOVE,
        "GloVe, Common Crawl (42B tokens, 1.9M vocab, uncased), GloVe's text format in a "
        "zip archive",
        _NO_CHECKSUM.format(who="the GloVe project") + "1,877,800,501 bytes (the "
        "publisher says 1.75 GB; the exact size and the 1,917,494 words are those recorded "
        "by other downloaders of the file)"),
    CatalogueEntry(
        "glove-common-crawl-840b-300",
        "https://nlp.stanford.edu/data/wordvecs/glove.840B.300d.zip", "glove.840B.300d.zip",
        2176768927, None, 2196017, 300, _GLOVE_LICENCE, _GLOVE,
        "GloVe, Common Crawl (840B tokens, 2.2M vocab, cased), GloVe's text format in a "
        "zip archive; a few words hold non-breaking spaces",
        _NO_CHECKSUM.format(who="the GloVe project") + "2,176,768,927 bytes (the "
        "publisher says 2.03 GB; the exact size and the 2,196,017 words are those recorded "
        "by other downloaders of the file)"),
    CatalogueEntry(
        "fasttext-wiki-news-300",
        "https://dl.fbaipublicfiles.com/fasttext/vectors-english/wiki-news-300d-1M.vec.zip",
        "wiki-news-300d-1M.vec.zip", 681808098, None, 999994, 300, _FASTTEXT_LICENCE,
        _FASTTEXT,
        "fastText without subwords on Wikipedia 2017, UMBC webbase corpus and statmt.org "
        "news (16B tokens), 1M words, cased (.vec in a zip archive)",
        _NO_CHECKSUM.format(who="fastText") + "681,808,098 bytes (fastText publishes no "
        "size; this one and the 999,994 words of the file's header are recorded by other "
        "downloaders)"),
    CatalogueEntry(
        "fasttext-crawl-300",
        "https://dl.fbaipublicfiles.com/fasttext/vectors-english/crawl-300d-2M.vec.zip",
        "crawl-300d-2M.vec.zip", 1523785255, None, 1999995, 300, _FASTTEXT_LICENCE,
        _FASTTEXT,
        "fastText without subwords on Common Crawl (600B tokens), 2M words, cased (.vec in "
        "a zip archive)",
        _NO_CHECKSUM.format(who="fastText") + "1,523,785,255 bytes (fastText publishes no "
        "size; this one and the 1,999,995 words of the file's header are recorded by other "
        "downloaders)"),
]

#: The package's own catalogue: name → :class:`CatalogueEntry`.
CATALOGUE: Mapping[str, CatalogueEntry] = {entry.name: entry for entry in _ENTRIES}


def catalogue() -> Mapping[str, CatalogueEntry]:
    """The catalogue in effect: the engine hooks' ``vector_catalogue`` if set, else
    :data:`CATALOGUE`."""
    replaced = current_hooks().vector_catalogue
    return CATALOGUE if replaced is None else replaced


def close_names(name, names):
    """Names of ``names`` that look like ``name`` (a misspelling, another dimension)."""
    return difflib.get_close_matches(name, sorted(names), n=3, cutoff=0.75)


def catalogue_entry(name: str) -> CatalogueEntry:
    """The entry of ``name`` in the catalogue in effect.

    Raises
    ------
    ValueError
        If the catalogue has no such name; the message suggests close names and
        ``list_vectors()``.
    """
    entries = catalogue()
    if isinstance(name, str) and name in entries:
        return entries[name]
    close = close_names(name, entries) if isinstance(name, str) else []
    hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise ValueError(
        f"{name!r} is not a name of the catalogue of word vectors.{hint} "
        f"sklearn_w2v.datasets.list_vectors() shows the {len(entries)} names.")
