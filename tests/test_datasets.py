from pathlib import Path

import numpy as np
import pytest
from sklearn.utils import Bunch

from sklearn_w2v.datasets import (
    load_rotten_tomatoes,
    load_sample_corpus,
    sample_corpus_licenses_path,
)


def test_sample_corpus_size():
    lines = load_sample_corpus()
    assert isinstance(lines, list)
    assert len(lines) == 241_415
    assert sum(len(line.split()) for line in lines) == 4_712_475
    # text8-style normalisation: lowercase letters and single spaces only, no newline.
    assert set("".join(lines[:1000])) <= set("abcdefghijklmnopqrstuvwxyz ")


def test_sample_corpus_prefix():
    head = load_sample_corpus(n_lines=5)
    assert len(head) == 5
    assert head == load_sample_corpus(n_lines=10)[:5]
    assert all(isinstance(line, str) and line and not line.endswith("\n") for line in head)


@pytest.mark.parametrize("n_lines", [0, -3, 2.5, True])
def test_sample_corpus_bad_n_lines(n_lines):
    with pytest.raises(ValueError, match="n_lines"):
        load_sample_corpus(n_lines=n_lines)


def test_licenses_file():
    path = sample_corpus_licenses_path()
    assert isinstance(path, Path)
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    assert "WordNet" in text
    assert "Princeton" in text


def test_rotten_tomatoes_all():
    bunch = load_rotten_tomatoes()
    assert isinstance(bunch, Bunch)
    assert isinstance(bunch.data, list) and len(bunch.data) == 12_752
    assert all(isinstance(text, str) for text in bunch.data)
    assert bunch.target.shape == bunch.split.shape == (12_752,)
    assert set(np.unique(bunch.target)) == {"fresh", "rotten"}
    assert list(bunch.target_names) == ["fresh", "rotten"]
    assert isinstance(bunch.DESCR, str) and "Pang" in bunch.DESCR
    train = bunch.split == "train"
    assert train.sum() == 10_203
    assert (bunch.split == "test").sum() == 2_549
    assert (bunch.target[train] == "fresh").sum() == 5_895
    assert (bunch.target[train] == "rotten").sum() == 4_308
    # Raw text: case and punctuation are kept.
    assert any(any(c.isupper() for c in text) for text in bunch.data[:50])


@pytest.mark.parametrize("subset, n", [("train", 10_203), ("test", 2_549)])
def test_rotten_tomatoes_subsets(subset, n):
    bunch = load_rotten_tomatoes(subset=subset)
    assert len(bunch.data) == len(bunch.target) == n
    assert np.all(bunch.split == subset)
    full = load_rotten_tomatoes()
    mask = full.split == subset
    assert bunch.data == [text for text, keep in zip(full.data, mask) if keep]
    np.testing.assert_array_equal(bunch.target, full.target[mask])


def test_rotten_tomatoes_return_X_y():
    X, y = load_rotten_tomatoes(subset="train", return_X_y=True)
    bunch = load_rotten_tomatoes(subset="train")
    assert X == bunch.data
    np.testing.assert_array_equal(y, bunch.target)


def test_rotten_tomatoes_bad_subset():
    with pytest.raises(ValueError, match="subset"):
        load_rotten_tomatoes(subset="validation")
