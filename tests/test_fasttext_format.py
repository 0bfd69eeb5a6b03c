"""Tests of sklearn_w2v._vectors.fasttext_format: Facebook's binary models read as gensim
reads them, written so that gensim reads them back, and refused clearly when they are
truncated, corrupt, supervised or quantized."""

import gzip
import os
import struct
import time

import numpy as np
import pytest

from sklearn_w2v._vectors.fasttext_format import (
    FASTTEXT_MAGIC,
    FastTextFile,
    is_fasttext_init,
    is_fasttext_model,
    load_fasttext_model,
    read_fasttext_model,
    write_fasttext_model,
)

gensim = pytest.importorskip("gensim")
from gensim.models import _fasttext_bin  # noqa: E402

DATA = os.path.join(os.path.dirname(gensim.__file__), "test", "test_data")

# gensim's Facebook test models: current format (version 12 and 11) and the format older
# than fastText 0.2, skip-gram and CBOW, non-ASCII words, cp852-encoded words, the empty
# word of a model trained from pretrained vectors.
MODELS = [("crime-and-punishment.bin", "utf-8"), ("lee_fasttext_new.bin", "utf-8"),
          ("lee_fasttext.bin", "utf-8"), ("toy-model.bin", "utf-8"),
          ("toy-model-pretrained.bin", "utf-8"), ("non_ascii_fasttext.bin", "utf-8"),
          ("cp852_fasttext.bin", "cp852")]


def data(name):
    return os.path.join(DATA, name)


def gensim_model(path, encoding="utf-8"):
    with open(path, "rb") as fin:
        return _fasttext_bin.load(fin, encoding=encoding)


def assert_equal_to_gensims(model, expected):
    assert model.words == list(expected.raw_vocab)
    assert model.counts.tolist() == list(expected.raw_vocab.values())
    assert model.n_tokens == expected.ntokens
    np.testing.assert_array_equal(np.concatenate([model.vectors_vocab, model.vectors_ngrams]),
                                  expected.vectors_ngrams)
    np.testing.assert_array_equal(model.output, expected.hidden_output)
    assert (model.dim, model.window, model.epochs, model.min_count, model.negative,
            model.bucket, model.min_n, model.max_n, model.sample) == (
        expected.dim, expected.ws, expected.epoch, expected.min_count, expected.neg,
        expected.bucket, expected.minn, expected.maxn, expected.t)
    assert model.model == {1: "cbow", 2: "skipgram"}[expected.model]


@pytest.mark.parametrize("name, encoding", MODELS)
def test_gensims_test_models_read_as_gensim_reads_them(name, encoding):
    model = read_fasttext_model(data(name), encoding=encoding)
    assert_equal_to_gensims(model, gensim_model(data(name), encoding))
    assert model.vectors_vocab.dtype == np.float32
    older = name in ("lee_fasttext.bin", "non_ascii_fasttext.bin", "cp852_fasttext.bin")
    assert (model.version is None) == older


def test_undecodable_words_are_an_error_or_replaced_as_gensim_replaces_them():
    with pytest.raises(ValueError, match=r"cp852_fasttext\.bin: byte offset \d+: a word "
                                         r"cannot be decoded with utf-8"):
        read_fasttext_model(data("cp852_fasttext.bin"))
    model = read_fasttext_model(data("cp852_fasttext.bin"), unicode_errors="backslashreplace")
    assert model.words == list(gensim_model(data("cp852_fasttext.bin")).raw_vocab)
    assert "kter\\xec" in model.words


def test_supervised_models_are_refused():
    with pytest.raises(ValueError, match="supervised fastText model"):
        read_fasttext_model(data("pang_lee_polarity_fasttext.bin"))


def test_a_model_written_reads_back_and_gensim_reads_it(tmp_path):
    model = read_fasttext_model(data("toy-model-pretrained.bin"))
    path = tmp_path / "copy.bin"
    write_fasttext_model(path, model)
    again = read_fasttext_model(path)
    assert_equal_to_gensims(again, gensim_model(data("toy-model-pretrained.bin")))
    assert again.version == 12
    # What fastText itself writes for the same model: byte for byte.
    assert path.read_bytes() == open(data("toy-model-pretrained.bin"), "rb").read()
    loaded = gensim.models.fasttext.load_facebook_model(str(path))
    np.testing.assert_array_equal(loaded.wv.vectors_ngrams, model.vectors_ngrams)


def test_compressed_models_read_as_the_plain_file(tmp_path):
    path = tmp_path / "model.bin.gz"
    path.write_bytes(gzip.compress(open(data("crime-and-punishment.bin"), "rb").read()))
    assert_equal_to_gensims(read_fasttext_model(path),
                            gensim_model(data("crime-and-punishment.bin")))
    written = tmp_path / "written.bin.xz"
    write_fasttext_model(written, read_fasttext_model(path))
    assert read_fasttext_model(written).words == read_fasttext_model(path).words
    truncated = tmp_path / "truncated.bin.gz"
    truncated.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match="truncated.bin.gz"):
        read_fasttext_model(truncated)


def test_fasttext_models_are_recognised_by_their_magic_number(tmp_path):
    assert is_fasttext_model(data("crime-and-punishment.bin"))
    assert not is_fasttext_model(data("lee_fasttext.bin"))  # the older format: no magic
    assert is_fasttext_init(FastTextFile(data("lee_fasttext.bin")))
    text = tmp_path / "vectors.txt"
    text.write_text("1 2\ncat 1 2\n")
    assert not is_fasttext_model(text) and not is_fasttext_init(str(text))
    assert not is_fasttext_init(("cat", [[1, 2]])) and not is_fasttext_model(tmp_path / "x")


def test_models_are_read_once_and_shared_read_only():
    first = load_fasttext_model(data("toy-model.bin"))
    assert load_fasttext_model(FastTextFile(data("toy-model.bin"))) is first
    assert not first.vectors_ngrams.flags.writeable
    assert load_fasttext_model(data("toy-model.bin"), np.float64) is not first


# ------------------------------------------------------------- untrusted input

def model_bytes(name="crime-and-punishment.bin"):
    return open(data(name), "rb").read()


def offsets_of(raw):
    """Byte offsets of a current-format file's parts (the header, the dictionary, the
    input matrix's flag and shape)."""
    offset = 8 + 56
    dictionary = offset
    size, = struct.unpack_from("<i", raw, offset)
    offset += 4 * 3 + 8 + 8
    for _ in range(size):
        offset = raw.index(b"\0", offset) + 1 + 9
    return {"dictionary": dictionary, "input flag": offset, "input shape": offset + 1}


@pytest.mark.parametrize("cut", [3, 30, 100, 1000, -5000, -1])
def test_a_truncated_file_names_the_offset(tmp_path, cut):
    path = tmp_path / "cut.bin"
    path.write_bytes(model_bytes()[:cut])
    with pytest.raises(ValueError, match=r"cut\.bin: byte offset \d+: .*(end of file|would "
                                         r"take|plausible)"):
        read_fasttext_model(path)


def test_claims_beyond_the_file_are_refused_before_anything_is_allocated(tmp_path):
    raw = bytearray(model_bytes())
    parts = offsets_of(raw)
    struct.pack_into("<2q", raw, parts["input shape"], 391, 10**12 // 391)
    path = tmp_path / "huge.bin"
    path.write_bytes(bytes(raw))
    started = time.perf_counter()
    with pytest.raises(ValueError, match="has shape"):
        read_fasttext_model(path)
    # A dictionary claiming a billion words: refused by the file's size at once.
    raw = bytearray(model_bytes())
    struct.pack_into("<2i", raw, parts["dictionary"], 10**9, 10**9)
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="a dictionary of 1000000000 words would take"):
        read_fasttext_model(path)
    assert time.perf_counter() - started < 5


def test_quantized_models_are_refused_with_the_reason(tmp_path):
    raw = bytearray(model_bytes())
    raw[offsets_of(raw)["input flag"]] = 1
    path = tmp_path / "model.ftz"
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"quantized \(a \.ftz model"):
        read_fasttext_model(path)


def test_trailing_bytes_and_foreign_files_are_errors(tmp_path):
    path = tmp_path / "longer.bin"
    path.write_bytes(model_bytes() + b"\x01")
    with pytest.raises(ValueError, match="the file goes on"):
        read_fasttext_model(path)
    path.write_bytes(b"3 2\ncat 1 2\n")
    with pytest.raises(ValueError, match="not a fastText binary model"):
        read_fasttext_model(path)
    path.write_bytes(struct.pack("<2i", FASTTEXT_MAGIC, 13) + bytes(60))
    with pytest.raises(ValueError, match="format version 13"):
        read_fasttext_model(path)


def test_a_word_without_end_is_refused(tmp_path):
    raw = model_bytes()
    start = offsets_of(raw)["dictionary"] + 4 * 3 + 16
    path = tmp_path / "endless.bin"
    path.write_bytes(raw[:start] + b"a" * 70_000 + raw[start:])
    with pytest.raises(ValueError, match=f"byte offset {start}: word 1 of 291 .* no end"):
        read_fasttext_model(path)


def test_words_with_nul_cannot_be_written(tmp_path):
    model = read_fasttext_model(data("toy-model.bin"))
    bad = type(model)(**{**vars(model), "words": ["a\0b"] + model.words[1:]})
    with pytest.raises(ValueError, match="a NUL ends a word"):
        write_fasttext_model(tmp_path / "bad.bin", bad)
    assert not (tmp_path / "bad.bin").exists()


def test_non_finite_rows_are_refused(tmp_path):
    raw = bytearray(model_bytes())
    data = offsets_of(raw)["input shape"] + 16
    path = tmp_path / "nan.bin"
    struct.pack_into("<f", raw, data + 4 * (291 * 5 + 7), float("nan"))  # n-gram row 2
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="n-gram row 2 holds nan or inf"):
        read_fasttext_model(path)
    raw = bytearray(model_bytes())
    struct.pack_into("<f", raw, data + 4 * 5, float("inf"))  # word row 2
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="word row 2: value 1 of word 2"):
        read_fasttext_model(path)
