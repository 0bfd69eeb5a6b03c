"""Every published vector format (issue 16): files written by gensim's own writer read
equal to gensim's reader; GloVe without header; binary found out; restrict_to; errors
that name the formats."""

import bz2
import gzip
import lzma
import warnings

import numpy as np
import pytest

from sklearn_w2v import VectorFile, Word2VecTransformer, load_word2vec_format

gensim_models = pytest.importorskip("gensim.models")

COMPRESSORS = {"": lambda b: b, ".gz": gzip.compress, ".bz2": bz2.compress,
               ".xz": lzma.compress}


@pytest.fixture(scope="module")
def keyed_vectors():
    rng = np.random.default_rng(0)
    words = ["the", "Paris", "London", "ville", "caf\u00e9", "x1", "a-b", "\u00fcber"] + [
        f"w{i}" for i in range(40)]
    kv = gensim_models.KeyedVectors(7)
    kv.add_vectors(words, rng.standard_normal((len(words), 7)).astype(np.float32))
    return kv


def _gensim_file(kv, tmp_path, name, *, binary=False, header=True, suffix=""):
    plain = tmp_path / f"plain-{name}"
    kv.save_word2vec_format(str(plain), binary=binary, write_header=header)
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(COMPRESSORS[suffix](plain.read_bytes()))
    return path


def _fasttext_vec(kv, tmp_path, suffix=""):
    # fastText's .vec: a header, then each value followed by a space (a trailing space).
    lines = [f"{len(kv.index_to_key)} {kv.vector_size}\n"]
    for word, vector in zip(kv.index_to_key, kv.vectors):
        lines.append(word + " " + "".join(f"{v:.5g} " for v in vector) + "\n")
    path = tmp_path / f"cc.vec{suffix}"
    path.write_bytes(COMPRESSORS[suffix]("".join(lines).encode("utf-8")))
    return path


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
@pytest.mark.parametrize("kind", ["text", "binary", "glove", "fasttext"])
def test_files_written_by_gensim_read_equal_to_gensims_reader(keyed_vectors, tmp_path, kind,
                                                              suffix):
    if kind == "fasttext":
        path = _fasttext_vec(keyed_vectors, tmp_path, suffix)
    else:
        path = _gensim_file(keyed_vectors, tmp_path, kind, binary=kind == "binary",
                            header=kind != "glove", suffix=suffix)
    expected = gensim_models.KeyedVectors.load_word2vec_format(
        str(path), binary=kind == "binary", no_header=kind == "glove")
    # Found out from the bytes: neither binary nor no_header is passed.
    words, vectors = load_word2vec_format(path)
    assert words == expected.index_to_key
    np.testing.assert_array_equal(vectors, expected.vectors)


def test_glove_file_is_read_with_no_header_as_gensim_spells_it(keyed_vectors, tmp_path):
    path = _gensim_file(keyed_vectors, tmp_path, "glove.txt", header=False)
    words, vectors = load_word2vec_format(path, no_header=True, limit=5)
    assert words == keyed_vectors.index_to_key[:5]
    np.testing.assert_array_equal(vectors, keyed_vectors.vectors[:5])
    with pytest.raises(ValueError, match=r"line 1: expected a header 'n_words vector_size'"):
        load_word2vec_format(path, no_header=False)


def test_glove_file_as_init_and_from_word2vec_format(keyed_vectors, tmp_path):
    # Failed before: "expected a header 'n_words vector_size'".
    path = _gensim_file(keyed_vectors, tmp_path, "glove.6B.7d.txt", header=False)
    loaded = Word2VecTransformer.from_word2vec_format(path, lowercase=False)
    assert loaded.vector_size_ == 7 and loaded.index_to_word_ == keyed_vectors.index_to_key
    fitted = Word2VecTransformer(init=path, epochs=0, vector_size=7, min_count=1,
                                 lowercase=False).fit(["Paris London the ville"])
    np.testing.assert_array_equal(fitted.vectors_, keyed_vectors.vectors)


def test_from_word2vec_format_finds_out_binary_files(keyed_vectors, tmp_path):
    # Failed before: binary defaulted to False and the text reader choked on float bytes.
    path = _gensim_file(keyed_vectors, tmp_path, "v.bin", binary=True)
    loaded = Word2VecTransformer.from_word2vec_format(path)
    np.testing.assert_array_equal(loaded.vectors_, keyed_vectors.vectors)


def test_from_word2vec_format_takes_the_unicode_errors_its_advice_names(tmp_path):
    # The error advises unicode_errors='replace', so the keyword must be accepted here.
    path = tmp_path / "cut.txt"
    path.write_bytes(b"2 2\nab\xff 1 2\ncd 3 4\n")
    with pytest.raises(ValueError, match="unicode_errors='replace'"):
        Word2VecTransformer.from_word2vec_format(path)
    loaded = Word2VecTransformer.from_word2vec_format(path, unicode_errors="replace")
    assert loaded.index_to_word_ == ["ab\ufffd", "cd"]
    # Its clones read the file the same way: init carries the option.
    assert loaded.init == VectorFile(path, unicode_errors="replace")
    refit = Word2VecTransformer(**loaded.get_params()).fit(["cd"])
    assert refit.index_to_word_ == ["ab\ufffd", "cd"]


@pytest.mark.parametrize("kind", ["text", "binary", "glove"])
def test_restrict_to_keeps_only_the_words_asked_for_in_file_order(keyed_vectors, tmp_path,
                                                                   kind):
    path = _gensim_file(keyed_vectors, tmp_path, kind, binary=kind == "binary",
                        header=kind != "glove", suffix=".gz")
    wanted = {"w3", "London", "absent", "the"}
    words, vectors = load_word2vec_format(path, restrict_to=wanted)
    assert words == ["the", "London", "w3"]
    np.testing.assert_array_equal(vectors, keyed_vectors[words])
    words, _ = load_word2vec_format(path, restrict_to=wanted, limit=2)
    assert words == ["the"]
    with pytest.raises(ValueError, match="single string"):
        load_word2vec_format(path, restrict_to="the")


def test_restrict_to_through_from_word2vec_format(keyed_vectors, tmp_path):
    path = _gensim_file(keyed_vectors, tmp_path, "v.txt")
    loaded = Word2VecTransformer.from_word2vec_format(path, restrict_to=["w1", "w2"])
    assert loaded.index_to_word_ == ["w1", "w2"]
    assert isinstance(loaded.init, VectorFile) and loaded.init.restrict_to == {"w1", "w2"}


@pytest.mark.parametrize(
    "content, binary, message",
    [
        (b"two 3\na 1 2 3\n", None,
         r"line 1: expected a header 'n_words vector_size' .* or, for a file without header "
         r"\(GloVe\), a first row 'word v1 ... vd' followed by rows of as many values "
         r"\(line 1 has 1 values, line 2 3\)"),
        (b"2 2\na 1 2\nb 3 4\n", True,
         r"line 2: expected the binary \(binary=True\) word2vec format, found a text row"),
        (b"2 2\na \x00\x00\x80?\x00\x00\x00@\nb \x00\x00\x80?\x00\x00\x00@\n", False,
         r"line 2: expected the text \(binary=False\) word2vec format, found binary"),
    ],
)
def test_errors_name_the_format_expected_and_found(tmp_path, content, binary, message):
    path = tmp_path / "v"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load_word2vec_format(path, binary=binary)


def test_a_file_without_header_must_end_at_its_blank_lines(tmp_path):
    path = tmp_path / "v"
    path.write_bytes(b"a 1 2\nb 3 4\n\n\n")
    assert load_word2vec_format(path)[0] == ["a", "b"]
    path.write_bytes(b"a 1 2\n\nb 3 4\n")
    with pytest.raises(ValueError, match="line 2: blank line, but the file goes on"):
        load_word2vec_format(path)
    path.write_bytes(b"a 1 2\nb 3 4 5\n")
    with pytest.raises(ValueError, match=r"line 1: expected a header"):
        load_word2vec_format(path)
    with pytest.raises(ValueError, match=r"line 2: expected a word and 2 values \(as many as "
                                         r"in line 1, this file having no header\)"):
        load_word2vec_format(path, no_header=True)


def test_the_first_row_of_a_file_without_header_is_bounded(tmp_path):
    import tracemalloc

    path = tmp_path / "huge"
    path.write_bytes(b"w " + b"0.5 " * (5 * 2**20) + b"\n")  # 20 MB, one row
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"line 1: longer than 1048576 bytes"):
            load_word2vec_format(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


def test_binary_and_no_header_together_are_refused(tmp_path):
    path = tmp_path / "v"
    path.write_bytes(b"a 1 2\n")
    with pytest.raises(ValueError, match="binary word2vec files always start with a header"):
        load_word2vec_format(path, binary=True, no_header=True)


def test_no_warning_when_reading_a_clean_file(keyed_vectors, tmp_path):
    path = _gensim_file(keyed_vectors, tmp_path, "v.txt", header=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_word2vec_format(path)


def test_vector_file_options_are_part_of_the_cache_key(keyed_vectors, tmp_path):
    path = _gensim_file(keyed_vectors, tmp_path, "v.txt")
    whole = Word2VecTransformer(init=path, epochs=0, vector_size=7, min_count=1,
                                lowercase=False).fit(["the Paris"])
    first3 = Word2VecTransformer(init=VectorFile(path, limit=3), epochs=0, vector_size=7,
                                 min_count=1, lowercase=False).fit(["the Paris"])
    assert len(whole.vocabulary_) == len(keyed_vectors.index_to_key)
    assert first3.index_to_word_ == keyed_vectors.index_to_key[:3]
    assert VectorFile(path).is_plain() and not VectorFile(path, limit=3).is_plain()
