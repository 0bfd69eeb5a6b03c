"""Tests for the word2vec.c text/binary format reader and writer."""

import bz2
import gzip
import itertools
import lzma
import os
import re
import stat
import struct
import time
import tracemalloc

import numpy as np
import pytest

from sklearn_w2v import load_word2vec_format, save_word2vec_format
from sklearn_w2v._vectors.reader import ReadOptions, read_word_vectors
from sklearn_w2v._vectors.writer import row_bytes, write_word_vectors

# Non-ASCII words in several scripts, one with a non-ASCII space (U+00A0) that the format can
# carry since readers split only at ASCII whitespace.
WORDS = ["the", "café", "naïve", "東京", "слово", "😀", "Straße", "a\u00a0b", "x"]


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    return rng.standard_normal((len(WORDS), 7)).astype(np.float32)


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".xz"])
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


def test_limit_validation_rejects_non_integers(tmp_path, vectors):
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, vectors)
    for limit in ["3", [1], 1.5, True]:
        with pytest.raises(ValueError, match="limit must be None or a positive integer"):
            load_word2vec_format(path, limit=limit)


# ------------------------------------------------------------- saving replaces atomically


def _folder_listing(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(params=["v.txt", "v.bin.gz", "v.bin.bz2", "v.txt.xz"])
def old_file(request, tmp_path, vectors):
    """A good vector file in an otherwise empty folder, and its bytes."""
    path = tmp_path / request.param
    save_word2vec_format(path, WORDS, vectors, binary="bin" in request.param)
    return path, path.read_bytes()


def test_failed_save_keeps_the_old_file_when_a_word_cannot_be_encoded(old_file, vectors):
    path, old_bytes = old_file
    # A lone surrogate has no UTF-8 encoding: found before anything is written.
    words = WORDS[:5] + ["bad\ud800"] + WORDS[6:]
    with pytest.raises(ValueError, match=r"word 5 'bad\\ud800' contains the lone surrogate"):
        save_word2vec_format(path, words, vectors, binary=True)
    assert path.read_bytes() == old_bytes
    assert _folder_listing(path.parent) == [path.name]


@pytest.mark.parametrize(
    "error", [KeyboardInterrupt(), OSError(28, "No space left on device")], ids=repr
)
def test_failed_save_keeps_the_old_file_when_writing_stops_midway(old_file, vectors, error):
    path, old_bytes = old_file

    def rows_then_failure(*args):
        # Ctrl-C (or a full disk) after three rows have gone to the file.
        yield from itertools.islice(row_bytes(*args), 3)
        raise error

    # save_word2vec_format, its rows made by rows_then_failure.
    with pytest.raises(type(error)):
        write_word_vectors(path, WORDS[::-1], vectors, binary=True, rows=rows_then_failure)
    assert path.read_bytes() == old_bytes
    assert _folder_listing(path.parent) == [path.name]


def test_failed_sync_keeps_the_old_file(old_file, vectors, monkeypatch):
    # A full disk may be reported only when the data is flushed to it.
    path, old_bytes = old_file

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space left"):
        save_word2vec_format(path, WORDS[::-1], vectors)
    assert path.read_bytes() == old_bytes
    assert _folder_listing(path.parent) == [path.name]


def test_failed_save_of_a_new_file_leaves_nothing(tmp_path, vectors):
    with pytest.raises(ValueError, match="nan or inf"):
        save_word2vec_format(tmp_path / "new.txt", WORDS, np.full_like(vectors, np.nan))
    assert _folder_listing(tmp_path) == []


def test_successful_save_replaces_the_file(old_file, vectors):
    path, old_bytes = old_file
    save_word2vec_format(path, WORDS[::-1], vectors, binary="bin" in path.name)
    assert path.read_bytes() != old_bytes
    words, loaded = load_word2vec_format(path, binary="bin" in path.name)
    assert words == WORDS[::-1]
    np.testing.assert_array_equal(loaded, vectors)
    assert _folder_listing(path.parent) == [path.name]


def test_save_into_a_missing_folder_names_the_folder(tmp_path, vectors):
    with pytest.raises(FileNotFoundError, match="No such folder") as info:
        save_word2vec_format(tmp_path / "missing" / "v.txt", WORDS, vectors)
    assert info.value.filename == str(tmp_path / "missing")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_save_keeps_permissions_and_follows_symlinks(tmp_path, vectors):
    target = tmp_path / "real.txt"
    save_word2vec_format(target, WORDS, vectors)
    # A new file gets the umask's permissions, as open() would give it.
    reference = tmp_path / "reference"
    reference.write_bytes(b"")
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(reference.stat().st_mode)
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    save_word2vec_format(link, WORDS[:2], vectors[:2])
    assert link.is_symlink()
    assert load_word2vec_format(target)[0] == WORDS[:2]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_save_to_a_device_writes_in_place(vectors):
    save_word2vec_format("/dev/null", WORDS, vectors)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_save_rejects_non_finite_vectors(tmp_path, vectors, binary, value):
    vectors[3, 2] = value
    with pytest.raises(ValueError, match=r"vector of word 3 '東京' holds nan or inf"):
        save_word2vec_format(tmp_path / "v", WORDS, vectors, binary=binary)


def test_save_rejects_values_that_overflow_float32_in_binary(tmp_path):
    vectors = np.array([[1.0, 1e39]])
    with pytest.raises(ValueError, match="holds nan or inf \\(in float32"):
        save_word2vec_format(tmp_path / "v", ["a"], vectors, binary=True)
    # The text format keeps float64, where 1e39 is finite.
    save_word2vec_format(tmp_path / "v", ["a"], vectors)
    np.testing.assert_array_equal(load_word2vec_format(tmp_path / "v", dtype=np.float64)[1],
                                  vectors)


# --------------------------------------------------------- one rule for words, both ways


BAD_WORDS = {
    "tab": ("a\tb", "a tab"),
    "carriage return": ("a\rb", "a carriage return"),
    "NUL": ("a\x00b", "NUL"),
    "vertical tab": ("a\x0bb", "a vertical tab"),
    "form feed": ("a\x0cb", "a form feed"),
    "newline": ("a\nb", "a newline"),
    "too long": ("x" * (2**16 + 1), "longer than 65536 bytes"),
}


@pytest.mark.parametrize("word, problem", BAD_WORDS.values(), ids=BAD_WORDS.keys())
def test_words_the_writer_rejects_are_rejected_by_both_readers(tmp_path, word, problem):
    with pytest.raises(ValueError, match=f"word 1 .*{problem}"):
        save_word2vec_format(tmp_path / "v", ["ok", word], np.zeros((2, 2)))
    raw = word.encode("utf-8")
    if b"\n" not in raw:  # a newline ends a text line: that file fails on its field count
        path = _write(tmp_path, b"2 2\nok 1 2\n" + raw + b" 3 4\n")
        with pytest.raises(ValueError, match=f"line 3: word .*{problem}"):
            load_word2vec_format(path)
    path = _write(tmp_path, _bin((b"ok", [1, 2]), (raw, [3, 4])))
    if len(raw) > 2**16:  # the binary reader stops looking for the end of the word there
        problem = "no space within 65536 bytes"
    with pytest.raises(ValueError, match=f"byte offset 16: (word .*)?{problem}"):
        load_word2vec_format(path, binary=True)


def test_surrogates_from_the_decoder_are_rejected_like_the_writer_does(tmp_path):
    # unicode_errors="surrogateescape" turns bad bytes into lone surrogates, which no
    # writer can encode again.
    path = _write(tmp_path, b"1 2\na\xffb 1 2\n")
    with pytest.raises(ValueError, match="line 2: word 'a\\\\udcffb' contains the lone"):
        load_word2vec_format(path, unicode_errors="surrogateescape")
    with pytest.raises(ValueError, match="word 0 'a\\\\udcffb' contains the lone"):
        save_word2vec_format(tmp_path / "w", ["a\udcffb"], np.zeros((1, 2)))


def test_every_word_the_readers_accept_is_written_back(tmp_path):
    # Non-ASCII spaces, control characters other than ASCII whitespace and NUL, long words.
    words = ["a\u00a0b", "\u2028", "x\x1fy", "\x7f", "é" * 30_000]
    vectors = np.arange(10, dtype=np.float32).reshape(5, 2)
    for binary in (False, True):
        path = tmp_path / f"v{binary}"
        save_word2vec_format(path, words, vectors, binary=binary)
        loaded_words, loaded = load_word2vec_format(path, binary=binary)
        save_word2vec_format(path, loaded_words, loaded, binary=binary)
        assert load_word2vec_format(path, binary=binary)[0] == words


# ------------------------------------------------------------------ untrusted input files


def _peak_bytes(function, *args, **kwargs):
    """Peak Python and NumPy allocation while ``function`` runs, and its exception."""
    tracemalloc.start()
    try:
        function(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 -- returned for the caller to check
        error = exc
    else:
        error = None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, error


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_a_header_claiming_a_trillion_words_allocates_only_what_the_file_holds(
    tmp_path, binary, suffix
):
    content = (
        _bin((b"aa", [1, 2, 3]), header=(10**12, 3)) if binary
        else b"1000000000000 300\nw " + b"0.5 " * 300 + b"\n"
    )
    path = tmp_path / f"lie{suffix}"
    path.write_bytes(gzip.compress(content) if suffix else content)
    peak, error = _peak_bytes(load_word2vec_format, path, binary=binary)
    assert isinstance(error, ValueError)  # was MemoryError: 2.13 PiB
    assert str(path) in str(error)
    assert re.search("header declares 1000000000000 words but only 1 were found"
                     "|end of file while reading word 2 of 1000000000000", str(error))
    assert peak < 10 * 2**20


def test_absurd_header_sizes_are_rejected(tmp_path):
    path = _write(tmp_path, b"1 100000000000000000000000\nw 1\n")
    with pytest.raises(ValueError, match="line 1: the header claims .* more than any file"):
        load_word2vec_format(path)


@pytest.mark.parametrize("compress", [lambda b: b, gzip.compress], ids=["plain", "gz"])
def test_reading_a_header_is_bounded(tmp_path, compress):
    # 20 MB of digits and no newline; the gzip file is 20 kB.
    path = tmp_path / ("h.gz" if compress is gzip.compress else "h")
    path.write_bytes(compress(b"1" * (20 * 2**20)))
    peak, error = _peak_bytes(load_word2vec_format, path)
    assert isinstance(error, ValueError)
    assert re.search("line 1: expected a header .* of at most 100 bytes", str(error))
    assert peak < 2 * 2**20


def test_reading_a_text_row_is_bounded(tmp_path):
    # A 20 MB row in a file of 3 values per word: at most ~200 kB (the longest row a word and
    # 3 values can take) is read before it is refused.
    path = _write(tmp_path, b"1 3\nw " + b"0.5 " * (5 * 2**20) + b"\n")
    peak, error = _peak_bytes(load_word2vec_format, path)
    assert isinstance(error, ValueError)
    assert re.search(r"line 2: longer than \d+ bytes, the most a word and 3 values",
                     str(error))
    assert peak < 2 * 2**20


def test_reading_data_after_the_declared_words_is_bounded(tmp_path):
    path = _write(tmp_path, b"1 2\na 1 2\n\n\n" + b"7" * (20 * 2**20))
    peak, error = _peak_bytes(load_word2vec_format, path)
    assert re.search("line 5: the header declares 1 words but the file has more",
                     str(error))
    assert peak < 4 * 2**20


def test_binary_row_read_time_is_linear_in_its_length(tmp_path):
    # With 64-byte reads, a 4 MiB vector arrives in 65536 pieces: re-concatenating the
    # partial row for each piece would copy it again each time (quadratic, far over the
    # bound below); appending to one buffer copies a few MB (benchmarks/DESIGN.md).
    values = np.arange(2**20, dtype="<f4")
    path = _write(tmp_path, _bin((b"long", values)))
    start = time.perf_counter()
    words, loaded = _load_in_chunks(path, 64, binary=True)
    assert time.perf_counter() - start < 1.0
    assert words == ["long"]
    np.testing.assert_array_equal(loaded[0], values)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 64])
def test_binary_reader_is_independent_of_chunk_boundaries(tmp_path, chunk_size):
    # Words, newlines between records and vectors cut at every possible place.
    v = np.arange(9, dtype="<f4").reshape(3, 3)
    content = (
        b"3 3\n\n\rfoo " + v[0].tobytes() + "été".encode() + b" " + v[1].tobytes()
        + b"\n\n\nbaz " + v[2].tobytes() + b"\n \n"
    )
    path = _write(tmp_path, content)
    words, loaded = _load_in_chunks(path, chunk_size, binary=True)
    assert words == ["foo", "été", "baz"]
    np.testing.assert_array_equal(loaded, v)
    path = _write(tmp_path, content + b"x")
    with pytest.raises(ValueError, match=f"byte offset {len(content)}: the header declares"):
        _load_in_chunks(path, chunk_size, binary=True)


def test_text_trailing_data_line_numbers_across_chunks(tmp_path):
    path = _write(tmp_path, b"1 2\na 1 2\n\n\n  \n \tb\n")
    with pytest.raises(ValueError, match="line 6: the header declares 1 words"):
        _load_in_chunks(path, 2)
    path = _write(tmp_path, b"1 2\na 1 2\n\n\n  \n \t\n")
    assert _load_in_chunks(path, 2)[0] == ["a"]


def _load_in_chunks(path, chunk_size, **options):
    """load_word2vec_format(path, **options), the file read ``chunk_size`` bytes at a
    time where the readers read chunks."""
    return read_word_vectors(path, ReadOptions(**options), chunk_size=chunk_size)


@pytest.mark.parametrize("value", [b"nan", b"inf", b"-inf", b"NaN", b"-Infinity"])
def test_text_non_finite_values_are_rejected_with_the_line(tmp_path, value):
    path = _write(tmp_path, b"3 2\na 1 2\nb 3 " + value + b"\nc 5 6\n")
    with pytest.raises(ValueError, match=r"line 3: value 2 of word 2 \('b'\) is nan or inf"):
        load_word2vec_format(path)


def test_text_values_beyond_float32_need_float64(tmp_path):
    path = _write(tmp_path, b"1 2\na 1 1e39\n")
    with pytest.raises(ValueError, match="line 2: .*beyond the range of float32 .*float64"):
        load_word2vec_format(path)
    _, loaded = load_word2vec_format(path, dtype=np.float64)
    np.testing.assert_array_equal(loaded, [[1, 1e39]])


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_binary_non_finite_values_are_rejected_with_the_offset(tmp_path, value):
    path = _write(tmp_path, _bin((b"aa", [1, 2]), (b"bb", [3, value]), (b"cc", [5, 6])))
    # header 4 + "aa " 3 + 8 + "\n" + "bb " 3: the vector of bb starts at byte 19.
    with pytest.raises(ValueError, match=r"byte offset 19: value 2 of word 2 \('bb'\) is nan"):
        load_word2vec_format(path, binary=True)


@pytest.mark.parametrize(
    "dtype", [int, bool, str, complex, None, "bogus", np.int32, np.float16, np.complex64,
              ">f4", object]
)
def test_dtype_must_be_float32_or_float64(tmp_path, vectors, dtype):
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, vectors)
    with pytest.raises(ValueError, match=r"dtype=.* is not supported; use np.float32"):
        load_word2vec_format(path, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, "float32", "f8", float])
def test_float_dtypes_are_accepted(tmp_path, vectors, dtype):
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, vectors, binary=True)
    assert load_word2vec_format(path, binary=True, dtype=dtype)[1].dtype == np.dtype(dtype)


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(encoding="bogus"), "encoding must be the name of a Python codec"),
        (dict(encoding="rot13"), "encoding must be the name of a Python codec"),
        (dict(encoding=None), "encoding must be the name of a Python codec"),
        (dict(unicode_errors="bogus"), "unicode_errors must be an error handler"),
    ],
)
def test_decoding_parameters_are_validated(tmp_path, vectors, params, message):
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, vectors)
    with pytest.raises(ValueError, match=message):
        load_word2vec_format(path, **params)


COMPRESSORS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


def _corruptions(compressed, suffix):
    middle = len(compressed) // 2
    corruptions = {
        "not compressed": b"2 3\nnot compressed at all\n",
        "truncated": compressed[:middle],
        "flipped byte": compressed[:middle] + bytes([compressed[middle] ^ 0xFF])
        + compressed[middle + 1:],
    }
    if suffix == ".gz":
        # The bz2 and lzma modules ignore data after the last valid stream; gzip does not.
        corruptions["trailing garbage"] = compressed + b"garbage!"
    return corruptions


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_corrupt_compressed_files_raise_value_error_naming_the_file(
    tmp_path, vectors, suffix, binary
):
    good = tmp_path / "good"
    save_word2vec_format(good, WORDS, vectors, binary=binary)
    corruptions = _corruptions(COMPRESSORS[suffix](good.read_bytes()), suffix)
    for name, content in corruptions.items():
        path = tmp_path / f"{name}{suffix}"
        path.write_bytes(content)
        with pytest.raises(ValueError) as info:
            load_word2vec_format(path, binary=binary)
        assert str(path) in str(info.value), name
        if name != "flipped byte":  # may also corrupt the data into a format error
            assert "compressed data" in str(info.value), name


def test_missing_compressed_file_is_still_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_word2vec_format(tmp_path / "missing.gz")


@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_compressed_files_are_compressed(tmp_path, vectors, suffix):
    path = tmp_path / f"v{suffix}"
    save_word2vec_format(path, WORDS, vectors)
    plain = tmp_path / "v"
    save_word2vec_format(plain, WORDS, vectors)
    decompress = {".gz": gzip.decompress, ".bz2": bz2.decompress, ".xz": lzma.decompress}
    assert decompress[suffix](path.read_bytes()) == plain.read_bytes()


@pytest.mark.parametrize("binary", [None, True])
def test_a_binary_row_whose_bytes_look_like_text_is_read_as_binary(tmp_path, binary):
    """0.1611716 is stored as the bytes b'+\\n%>': up to that newline the first row looks
    like a text value. A file written with binary=True must read back, found out or stated
    (it was refused both ways)."""
    vectors = np.float32([[0.1611716, 0.5], [0.25, -0.5]])
    path = tmp_path / "vectors.bin"
    save_word2vec_format(path, ["the", "a"], vectors, binary=True)
    words, read = load_word2vec_format(path, binary=binary)
    assert words == ["the", "a"]
    np.testing.assert_array_equal(read, vectors)


def test_binary_files_of_values_with_number_bytes_read_back(tmp_path):
    """Rows whose float32 bytes are digits, signs, dots and newlines round-trip with
    binary=True at every dimension: the first row's bytes may look like a text row, but
    they also read as binary rows, so what the caller states is not overruled."""
    rng = np.random.default_rng(0)
    number_bytes = np.frombuffer(b"0123456789+-.eE\n", dtype=np.uint8)
    for dim in (1, 2, 3, 8):
        raw = rng.choice(number_bytes, size=(3, 4 * dim)).astype(np.uint8)
        vectors = raw.view(np.float32).reshape(3, dim)
        vectors = np.where(np.isfinite(vectors), vectors, np.float32(1.0))
        path = tmp_path / f"vectors{dim}.bin"
        save_word2vec_format(path, ["x", "y", "z"], vectors, binary=True)
        words, read = load_word2vec_format(path, binary=True)
        assert words == ["x", "y", "z"]
        np.testing.assert_array_equal(read, vectors)
