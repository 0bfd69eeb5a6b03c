"""Tests of sklearn_w2v._text.subword_coverage: what a fastText model covers through its
vocabulary and through n-grams alone, and transform's encoding of the words n-grams cover."""

import warnings

import numpy as np
import pytest

from sklearn_w2v._text.coverage import CoverageWatch, LowCoverageWarning
from sklearn_w2v._text.subword_coverage import (
    SubwordCoverage,
    WordsWithVectors,
    encode_with_subwords,
    has_character_ngram,
    subword_fit_coverage,
)
from sklearn_w2v._text.subwords import character_ngrams


@pytest.mark.parametrize("min_n, max_n", [(3, 6), (1, 1), (1, 3), (0, 2), (2, 2), (5, 6),
                                          (4, 3), (3, 0)])
def test_a_word_has_an_ngram_exactly_when_fasttext_gives_it_one(min_n, max_n):
    for word in ["", "a", "ab", "abc", "札", "札幌", "😀", "abcdef"]:
        assert has_character_ngram(word, min_n, max_n) == bool(
            character_ngrams(word, min_n, max_n)), (word, min_n, max_n)


def test_the_words_with_a_vector():
    covered = WordsWithVectors({"cat": 0}, 5, 6)
    assert "cat" in covered and "horse" in covered  # "<horse>" has 7 characters
    assert "ox" not in covered  # "<ox>": 4 characters, no n-gram of 5
    assert "horse" not in WordsWithVectors({"cat": 0}, 5, 6, ngram_rows=False)
    assert 3 not in covered


def test_transform_encoding_gives_the_words_ngrams_cover_rows_after_the_vocabulary():
    vocabulary = {"the": 0, "cat": 1}
    documents = [["the", "cat", "sat", "on", "the", "sat"], ["mat", "on", "x"]]
    corpus, new_words, coverage = encode_with_subwords(
        iter(documents), vocabulary, min_n=5, max_n=6, ngram_rows=True,
        whose="The vectors", pretrained=False, lowercase=True)
    # "<on>" and "<x>" are too short for 5 characters: unknown, skipped.
    assert new_words == ["sat", "mat"]
    assert corpus.ids.tolist() == [0, 1, 2, 0, 2, 3]
    assert corpus.doc_offsets.tolist() == [0, 5, 6]
    assert isinstance(coverage, SubwordCoverage)
    assert (coverage.n_tokens, coverage.n_tokens_covered, coverage.n_tokens_by_ngrams) == (
        9, 6, 3)
    assert (coverage.n_types, coverage.n_types_covered, coverage.n_types_by_ngrams) == (
        6, 4, 2)
    assert coverage.vocabulary_token_share == pytest.approx(3 / 9)


def test_low_coverage_warns_with_what_ngrams_cover():
    """Judged as word vectors' coverage is: over windows of transform calls, by the
    model's watch, once per cause."""
    watch = CoverageWatch(min_tokens=8)
    for call in range(3):
        if call == 1:  # the window of the first two calls holds 10 tokens: judged
            context = pytest.warns(LowCoverageWarning, match=(
                r"The vectors of this model \(0\.0% of the tokens through the vocabulary, "
                r"40\.0% more through character n-grams alone\) cover 40\.0% of the tokens "
                r"of the documents of the last 2 transform calls.*lower min_n"))
        else:
            context = warnings.catch_warnings()
            warnings.simplefilter("error")
        with context:
            encode_with_subwords(iter([["horse", "ox", "ox", "ox", "horses"]]), {"cat": 0},
                                 min_n=5, max_n=6, ngram_rows=True,
                                 whose="The vectors of this model", pretrained=False,
                                 lowercase=True, watch=watch)
    assert watch.warned == {"low"}


def test_without_ngram_rows_only_the_vocabulary_counts():
    with pytest.warns(LowCoverageWarning, match="This model has no n-gram rows"):
        corpus, new_words, coverage = encode_with_subwords(
            iter([["horse", "dog", "cat"]]), {"cat": 0}, min_n=3, max_n=6, ngram_rows=False,
            whose="The vectors", pretrained=False, lowercase=True,
            watch=CoverageWatch(min_tokens=1))
    assert new_words == [] and coverage.n_tokens_by_ngrams == 0
    assert corpus.ids.tolist() == [0]  # only "cat"


def test_fit_coverage_counts_the_tokens_ngrams_cover():
    words, counts = ["the", "horse", "ox"], np.array([5, 3, 2])
    coverage = subword_fit_coverage(words, counts, {"the": 0}, min_n=5, max_n=6,
                                    pretrained=False, whose="x", lowercase=True)
    assert (coverage.n_tokens_covered, coverage.n_tokens_by_ngrams,
            coverage.n_types_by_ngrams) == (8, 3, 1)
    assert coverage.examples == ("ox",)
    with pytest.warns(LowCoverageWarning, match="The vectors of init='m.bin'"):
        subword_fit_coverage(["ox", "the"], [9, 1], {"the": 0}, min_n=5, max_n=6,
                             pretrained=True, whose="The vectors of init='m.bin'",
                             lowercase=True)
