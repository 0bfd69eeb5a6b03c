"""Tests for the word2vec.c text/binary format reader and writer."""

import re
import struct

import numpy as np
import pytest

from sklearn_w2v._word2vec_format import load_word2vec_format, save_word2vec_format

# Non-ASCII words in several scripts, one with a non-ASCII space (U+00A0) that the format can
# carry since readers split only at ASCII whitespace.
WORDS = ["the", "café", "naïve", "東京", "слово", "😀", "Straße", "a\u00a0b", "x"]


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    return rng.standard_normal((len(WORDS), 7)).astype(np.float32)


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_ours(tmp_path, vectors, binary, suffix):
    path = tmp_path / f"v.bin{suffix}"
    save_word2vec_format(path, WORDS, vectors, binary=binary)
    words, loaded = load_word2vec_format(path, binary=binary)
    assert words == WORDS
    assert loaded.dtype == np.float32
    # Text uses the shortest float32 repr, so both formats are bit-exact.
    np.testing.assert_array_equal(loaded, vectors)


def test_str_path_limit_and_dtype(tmp_path, vectors):
    path = str(tmp_path / "v.txt")
    save_word2vec_format(path, WORDS, vectors)
    words, loaded = load_word2vec_format(path, limit=3, dtype=np.float64)
    assert words == WORDS[:3]
    assert loaded.dtype == np.float64
    # The text holds float32's shortest decimal, which float64 parses to a nearby value.
    np.testing.assert_array_equal(loaded.astype(np.float32), vectors[:3])
    words, loaded = load_word2vec_format(path, limit=100)
    assert words == WORDS


@pytest.mark.parametrize("binary", [False, True])
def test_limit_binary_ignores_rest(tmp_path, vectors, binary):
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, vectors, binary=binary)
    words, loaded = load_word2vec_format(path, binary=binary, limit=2)
    assert words == WORDS[:2]
    np.testing.assert_array_equal(loaded, vectors[:2])


def test_float64_text_round_trip(tmp_path):
    vectors = np.random.default_rng(1).standard_normal((3, 4))
    path = tmp_path / "v.txt"
    save_word2vec_format(path, ["a", "b", "c"], vectors)
    _, loaded = load_word2vec_format(path, dtype=np.float64)
    np.testing.assert_array_equal(loaded, vectors)


def test_binary_layout_matches_word2vec_c(tmp_path):
    # word, b" ", little-endian float32 values, b"\n" -- byte for byte.
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["ab", "é"], np.array([[1.0, -2.0], [0.5, 3.0]]), binary=True)
    expected = (
        b"2 2\n"
        + b"ab " + struct.pack("<2f", 1.0, -2.0) + b"\n"
        + "é".encode() + b" " + struct.pack("<2f", 0.5, 3.0) + b"\n"
    )
    assert path.read_bytes() == expected


def test_text_layout(tmp_path):
    path = tmp_path / "v.txt"
    save_word2vec_format(path, ["ab", "é"], np.array([[1.0, -2.5], [0.1, 3.0]], np.float32))
    assert path.read_text("utf-8") == "2 2\nab 1.0 -2.5\né 0.1 3.0\n"


def test_reads_word2vec_c_quirks(tmp_path):
    # word2vec.c text: "%lf " after each value (trailing space), CRLF tolerated.
    path = tmp_path / "c.txt"
    path.write_bytes(
        b"2 3\r\nfoo 0.100000 -1.000000 2.500000 \r\nbar 1.000000 2.000000 3.000000 \n"
    )
    words, vectors = load_word2vec_format(path)
    assert words == ["foo", "bar"]
    np.testing.assert_allclose(vectors, [[0.1, -1, 2.5], [1, 2, 3]], rtol=1e-7)
    # Binary: gensim omits the newline after a vector, some files have extra newlines.
    path = tmp_path / "c.bin"
    v = np.array([[1, 2], [3, 4], [5, 6]], "<f4")
    path.write_bytes(
        b"3 2\n\nfoo " + v[0].tobytes() + b"bar " + v[1].tobytes() + b"\n\nbaz " + v[2].tobytes()
    )
    words, vectors = load_word2vec_format(path, binary=True)
    assert words == ["foo", "bar", "baz"]
    np.testing.assert_array_equal(vectors, v)


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_ours(tmp_path, vectors, binary):
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, vectors, binary=binary)
    kv = gensim_kv.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert kv.index_to_key == WORDS
    np.testing.assert_array_equal(kv.vectors, vectors)


@pytest.mark.parametrize("binary", [False, True])
def test_we_read_gensim(tmp_path, vectors, binary):
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
    kv = gensim_kv.KeyedVectors(vectors.shape[1])
    kv.add_vectors(WORDS, vectors)
    path = tmp_path / "g"
    kv.save_word2vec_format(str(path), binary=binary)
    words, loaded = load_word2vec_format(path, binary=binary)
    assert words == WORDS
    np.testing.assert_array_equal(loaded, vectors)


@pytest.mark.parametrize(
    "word", ["two words", "tab\there", "new\nline", "cr\rx", "", "trailing "]
)
def test_save_rejects_unrepresentable_words(tmp_path, word):
    with pytest.raises(ValueError, match="word 1"):
        save_word2vec_format(tmp_path / "v", ["ok", word], np.zeros((2, 3)))


def test_save_validation(tmp_path):
    with pytest.raises(ValueError, match="duplicate"):
        save_word2vec_format(tmp_path / "v", ["a", "a"], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="2 words but 3 vectors"):
        save_word2vec_format(tmp_path / "v", ["a", "b"], np.zeros((3, 3)))
    with pytest.raises(ValueError, match="2-D"):
        save_word2vec_format(tmp_path / "v", ["a", "b"], np.zeros(2))
    with pytest.raises(ValueError, match="expected str"):
        save_word2vec_format(tmp_path / "v", ["a", 3], np.zeros((2, 3)))


def _write(tmp_path, content):
    path = tmp_path / "bad"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", r"line 1: file is empty"),
        (b"3\n", r"line 1: expected a header 'n_words vector_size'"),
        (b"two 3\na 1 2 3\n", r"line 1: expected a header"),
        (b"1 0\na\n", r"line 1: .*vector_size >= 1"),
        (
            b"3 2\na 1 2\nb 3 4\n",
            r"line 4: unexpected end of file; the header declares 3 words but only 2",
        ),
        (b"2 3\na 1 2 3\nb 1 2\n", r"line 3: expected a word and 3 values .*found 2 values"),
        (b"2 3\na 1 2 3 4\nb 1 2 3\n", r"line 2: expected a word and 3 values .*found 4 values"),
        (b"1 2\na 1 two\n", r"line 2: value 'two' of word 'a' is not a number"),
        (b"2 2\na 1 2\na 3 4\n", r"line 3: duplicate word 'a' \(first seen as word 1\)"),
        (b"1 2\na 1 2\nb 3 4\n", r"line 3: the header declares 1 words but the file has more"),
        (b"1 2\n\xff 1 2\n", r"line 2: cannot decode with utf-8"),
    ],
)
def test_text_malformed(tmp_path, content, message):
    path = _write(tmp_path, content)
    with pytest.raises(ValueError, match=message) as info:
        load_word2vec_format(path)
    assert str(path) in str(info.value)


def test_text_unicode_errors_replace(tmp_path):
    path = _write(tmp_path, b"1 2\nab\xff 1 2\n")
    words, _ = load_word2vec_format(path, unicode_errors="replace")
    assert words == ["ab\ufffd"]


def _bin(*records, header=None):
    body = b""
    for word, values in records:
        body += word + b" " + np.asarray(values, "<f4").tobytes() + b"\n"
    n = len(records) if header is None else header[0]
    d = len(records[0][1]) if header is None else header[1]
    return f"{n} {d}\n".encode() + body


def test_binary_truncated_vector_names_offset(tmp_path):
    content = _bin((b"aa", [1, 2, 3]), (b"bb", [4, 5, 6]))[:-5]  # cut into the last vector
    path = _write(tmp_path, content)
    # header (4 bytes) + "aa " + 12 + "\n" + "bb " -> the vector starts at offset 23
    with pytest.raises(
        ValueError,
        match=r"byte offset 23: unexpected end of file in the vector of word 2 of 2 \('bb'\); "
        r"expected 12 bytes, found 8",
    ):
        load_word2vec_format(path, binary=True)


def test_binary_missing_words(tmp_path):
    content = _bin((b"aa", [1, 2]), header=(3, 2))
    path = _write(tmp_path, content)
    message = r"byte offset 16: unexpected end of file while reading word 2 of 3"
    with pytest.raises(ValueError, match=message):
        load_word2vec_format(path, binary=True)


def test_binary_duplicate_and_extra_data(tmp_path):
    path = _write(tmp_path, _bin((b"aa", [1, 2]), (b"aa", [3, 4])))
    with pytest.raises(ValueError, match=r"byte offset 16: duplicate word 'aa'"):
        load_word2vec_format(path, binary=True)
    path = _write(tmp_path, _bin((b"aa", [1, 2]), (b"bb", [3, 4]), header=(1, 2)))
    message = r"byte offset 16: the header declares 1 words but the file continues"
    with pytest.raises(ValueError, match=message):
        load_word2vec_format(path, binary=True)


def test_binary_wrong_vector_size_in_header(tmp_path):
    # The header claims 2 values per vector but there are 3: the reader then takes float bytes
    # for the next word and must fail loudly instead of returning garbage.
    values = [1.0, 2.0, 3.0]
    path = _write(tmp_path, _bin((b"aa", values), (b"bb", values), header=(2, 2)))
    with pytest.raises(ValueError, match=r"byte offset \d+: .*(word|header)") as info:
        load_word2vec_format(path, binary=True)
    assert re.search("vector_size|header", str(info.value))


def test_binary_undecodable_word(tmp_path):
    path = _write(tmp_path, _bin((b"a\xffb", [1, 2])))
    with pytest.raises(ValueError, match=r"byte offset 4: word 1 cannot be decoded"):
        load_word2vec_format(path, binary=True)
    words, _ = load_word2vec_format(path, binary=True, unicode_errors="ignore")
    assert words == ["ab"]


def test_limit_validation(tmp_path, vectors):
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, vectors)
    with pytest.raises(ValueError, match="limit"):
        load_word2vec_format(path, limit=0)
