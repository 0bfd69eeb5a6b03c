"""The last unbounded or silent inputs (issue 17): line lengths of question and word-pair
files, undefined correlations, and one rule for bytes after a compressed stream."""

import bz2
import gzip
import io
import lzma
import warnings

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning

from sklearn_w2v import evaluation, load_word2vec_format, read_lines
from sklearn_w2v.evaluation import evaluate_analogies, evaluate_word_pairs

WORDS = ["king", "queen", "man", "woman", "paris", "france"]
VECTORS = np.random.default_rng(0).normal(size=(len(WORDS), 8))

COMPRESSORS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


# ------------------------------------------------------------------- bounded lines


class CountingReader(io.RawIOBase):
    """``size`` bytes of ``byte`` without a newline, counting how many were read."""

    def __init__(self, size, byte=b"a"):
        self.size, self.byte, self.served = size, byte, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.served)
        buffer[:n] = self.byte * n
        self.served += n
        return n


# The readers of the files of evaluate_analogies and evaluate_word_pairs, each given the
# function that opens the file.
LINE_READERS = {
    "analogies": lambda path, open_file: evaluation._read_analogies(
        path, str.upper, open_file=open_file),
    "word pairs": lambda path, open_file: evaluation._read_word_pairs(
        path, {}, str.upper, "\t", open_file=open_file),
}


@pytest.mark.parametrize("read", LINE_READERS.values(), ids=LINE_READERS)
def test_a_huge_line_is_refused_after_a_bounded_read(read):
    """64 MB in one line: refused with the line named, after reading about the bound
    rather than reading and decoding the whole line."""
    reader = CountingReader(64 << 20)

    class Opened:
        def __enter__(self):
            return io.BufferedReader(reader)

        def __exit__(self, *exc_info):
            return False

    with pytest.raises(ValueError, match=r"huge.txt: line 1: longer than \d+ bytes"):
        read("huge.txt", lambda path: Opened())
    assert reader.served < 2 * evaluation._MAX_LINE_BYTES < 1 << 20


@pytest.mark.parametrize("evaluate", [evaluate_analogies, evaluate_word_pairs])
def test_the_evaluations_refuse_a_line_over_the_bound(evaluate, tmp_path):
    """The files of both evaluations are read through the bounded readers above."""
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (evaluation._MAX_LINE_BYTES + 1))
    with pytest.raises(ValueError, match=r"huge.txt: line 1: longer than \d+ bytes"):
        evaluate((WORDS, VECTORS), path)


def test_lines_up_to_the_bound_are_read(tmp_path):
    """Four words of the longest allowed length still make a question."""
    long_word = "x" * evaluation.MAX_WORD_BYTES
    path = tmp_path / "questions.txt"
    path.write_text(f": section\n{long_word} {long_word} {long_word} {long_word}\n"
                    "king queen man woman\n")
    result = evaluate_analogies((WORDS, VECTORS), path)
    assert result.n_questions == 2 and result.n_evaluated == 1


# ------------------------------------------------------------ undefined correlations


def write_pairs(tmp_path, rows):
    path = tmp_path / "pairs.txt"
    path.write_text("".join(f"{a}\t{b}\t{score}\n" for a, b, score in rows))
    return path


def test_constant_human_scores_are_an_error_naming_the_file(tmp_path):
    path = write_pairs(tmp_path, [("king", "queen", 5), ("man", "woman", 5),
                                  ("paris", "france", 5.0)])
    with pytest.raises(ValueError, match=r"pairs.txt: all 3 word pairs .* same human score"):
        evaluate_word_pairs((WORDS, VECTORS), path)


def test_constant_similarities_warn_and_give_documented_nan(tmp_path):
    path = write_pairs(tmp_path, [("king", "queen", 9), ("man", "woman", 5),
                                  ("paris", "france", 1)])
    equal_vectors = np.ones_like(VECTORS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = evaluate_word_pairs((WORDS, equal_vectors), path)
    assert [w.category for w in caught] == [UndefinedMetricWarning]  # not scipy's as well
    assert "same cosine similarity" in str(caught[0].message)
    assert np.isnan([result.spearman, result.spearman_pvalue, result.pearson,
                     result.pearson_pvalue]).all()
    assert result.n_pairs == 3
    # Varying similarities: no warning, finite correlations.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(evaluate_word_pairs((WORDS, VECTORS), path).spearman)


# ---------------------------------------------------- after the compressed stream


def vectors_file_bytes():
    return b"2 3\na 1 2 3\nb 4 5 6\n"


@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_garbage_after_a_stream_is_an_error_for_every_codec(suffix, tmp_path):
    """The standard library's bz2 and xz readers stop silently at garbage, gzip's raises:
    here all three raise."""
    compress = COMPRESSORS[suffix]
    path = tmp_path / f"v.txt{suffix}"
    path.write_bytes(compress(vectors_file_bytes()) + b"<html>error page</html>")
    with pytest.raises(ValueError, match=r"v.txt.*: cannot read it as .*neither another "
                                         r"compressed stream nor zero padding"):
        load_word2vec_format(path)
    lines = tmp_path / f"lines.txt{suffix}"
    lines.write_bytes(compress(b"one\ntwo\n") + b"x")
    with pytest.raises(ValueError, match="neither another compressed stream"):
        list(read_lines(lines))


@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_concatenated_streams_and_zero_padding_read_for_every_codec(suffix, tmp_path):
    compress = COMPRESSORS[suffix]
    data = vectors_file_bytes()
    path = tmp_path / f"v.txt{suffix}"
    path.write_bytes(compress(data[:9]) + compress(data[9:]) + b"\0" * 12)
    words, vectors = load_word2vec_format(path)
    assert words == ["a", "b"] and vectors.tolist() == [[1, 2, 3], [4, 5, 6]]


@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_a_truncated_stream_is_an_error_for_every_codec(suffix, tmp_path):
    path = tmp_path / f"lines.txt{suffix}"
    path.write_bytes(COMPRESSORS[suffix](b"one\ntwo\n" * 1000)[:-8])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        list(read_lines(path))


@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_seeking_back_in_concatenated_streams_reads_each_stream_once(suffix, tmp_path):
    """The vector reader looks at the first rows and seeks back: after an output-limited
    read, zlib keeps the next stream's bytes in both unused_data and unconsumed_tail."""
    from sklearn_w2v._vectors import open_for_reading

    data = vectors_file_bytes()
    path = tmp_path / f"v.txt{suffix}"
    path.write_bytes(COMPRESSORS[suffix](data[:9]) + COMPRESSORS[suffix](data[9:]) + b"\0")
    with open_for_reading(path) as fin:
        assert fin.readline() == data[:4]
        assert fin.read() == data[4:]
        fin.seek(4)
        assert b"".join(fin) == data[4:]
        fin.seek(0)
        assert fin.read() == data
