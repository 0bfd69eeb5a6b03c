"""Tests of sklearn_w2v._text.subwords: fastText's character n-grams and hash, byte for byte
as fastText and gensim compute them."""

import numpy as np
import pytest

from sklearn_w2v._text.subwords import (
    character_ngrams,
    fasttext_hash,
    ngram_buckets,
    ngrams_enabled,
)

# Words whose n-grams are easy to get wrong: multi-byte UTF-8 (2, 3 and 4 bytes), a
# combining accent (two characters), the letters cp852 text decodes to, emoji (4 bytes,
# and a ZWJ sequence of several), one- and two-letter words, fastText's end of sentence.
TRICKY_WORDS = ["cat", "a", "ab", "", "élan", "který", "kterÿ", "ščř", "a\u0301b", "札幌",
                "北海道", "😀", "x😀y", "👩\u200d💻", "паровоз", "</s>", "<>",
                "rechtsschutzversicherungsgesellschaften", "naïve-café's"]

LENGTHS = [(3, 6), (1, 3), (2, 4), (0, 2), (5, 5), (1, 1)]


def test_hash_is_fasttexts_on_gensims_published_values():
    """The values gensim's test suite publishes for its (fastText-compatible) hash."""
    expected = {"команда": 1725507386, "маленьких": 3011324125, "друзей": 737001801,
                "mysterious": 1903186891, "asteroid": 1988297200, "北海道": 4096045468,
                "札幌": 3909947444, "西区": 3653372632}
    actual = fasttext_hash(word.encode("utf-8") for word in expected)
    assert actual.dtype == np.uint32
    assert dict(zip(expected, actual.tolist())) == expected


def test_bytes_are_sign_extended_before_the_xor():
    """One byte above 0x7f: fastText xors the sign-extended int8 (0xFFFFFFxx), which a
    plain FNV-1a over unsigned bytes would not."""
    signed = np.uint32((2166136261 ^ 0xFFFFFFC3) * 16777619 % 2**32)
    assert fasttext_hash([b"\xc3"]).tolist() == [int(signed)]
    unsigned = (2166136261 ^ 0xC3) * 16777619 % 2**32
    assert int(signed) != unsigned


def test_hash_and_ngrams_equal_gensims_on_tricky_words():
    fasttext_inner = pytest.importorskip("gensim.models.fasttext_inner")
    for word in TRICKY_WORDS:
        for min_n, max_n in LENGTHS:
            ngrams = character_ngrams(word, min_n, max_n)
            assert ngrams == fasttext_inner.compute_ngrams_bytes(word, min_n, max_n), \
                (word, min_n, max_n)
            assert fasttext_hash(ngrams).tolist() == [
                fasttext_inner.ft_hash_bytes(ngram) for ngram in ngrams]


def test_buckets_equal_gensims_for_a_vocabulary_cut_in_chunks():
    fasttext = pytest.importorskip("gensim.models.fasttext")
    words = TRICKY_WORDS * 3 + [f"w{i}ord" * (i % 4 + 1) for i in range(200)]
    for min_n, max_n in ((3, 6), (1, 3)):
        expected = [fasttext.ft_ngram_hashes(word, min_n, max_n, 1000) for word in words]
        # Chunks of a few words each: every chunk boundary must leave the table unchanged.
        table = ngram_buckets(words, min_n, max_n, 1000, chunk_candidates=50)
        assert table.n_words == len(words)
        assert [table.of(i).tolist() for i in range(len(words))] == expected
        assert table.buckets.dtype == np.int32 and table.indptr.dtype == np.int64
        whole = ngram_buckets(words, min_n, max_n, 1000)
        assert np.array_equal(whole.buckets, table.buckets)


def test_ngrams_are_the_wrapped_words_substrings_without_the_lone_markers():
    assert [n.decode() for n in character_ngrams("ab", 1, 2)] == [
        "<a", "a", "ab", "b", "b>"]
    assert [n.decode() for n in character_ngrams("札幌", 3, 3)] == ["<札幌", "札幌>"]
    # Each n-gram's bucket is its hash modulo the number of buckets.
    table = ngram_buckets(["札幌"], 3, 3, 7)
    assert table.buckets.tolist() == (fasttext_hash(character_ngrams("札幌", 3, 3))
                                      % 7).tolist()


@pytest.mark.parametrize("min_n, max_n, bucket", [(3, 0, 100), (4, 3, 100), (3, 6, 0)])
def test_no_subwords_when_disabled(min_n, max_n, bucket):
    assert not ngrams_enabled(min_n, max_n, bucket)
    table = ngram_buckets(["where", "is"], min_n, max_n, bucket)
    assert table.lengths.tolist() == [0, 0] and table.buckets.size == 0
    if bucket:
        assert character_ngrams("where", min_n, max_n) == []


def test_repeated_ngrams_and_shared_buckets_are_kept():
    """fastText and gensim keep a repeated n-gram (and two n-grams in one bucket) twice."""
    assert character_ngrams("aaaa", 2, 2).count(b"aa") == 3
    table = ngram_buckets(["aaaa"], 2, 2, 1)
    assert table.buckets.tolist() == [0] * 5  # <a aa aa aa a>, all in the one bucket
