"""Property tests of reading vector files (hypothesis).

Whatever the bytes, ``load_word2vec_format`` either returns finite float vectors whose shape
agrees with the words, words that can be written back and read again unchanged, or it
refuses the file with a ValueError or TypeError that has a message. Never another exception
type (UnicodeDecodeError aside, which is a ValueError), never nan or inf.

The examples are derandomized so the suite is deterministic; to explore further, raise
``max_examples`` and drop ``derandomize`` locally.
"""

import bz2
import gzip
import lzma
import struct

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sklearn_w2v import load_word2vec_format, save_word2vec_format

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,  # no .hypothesis/ folder in the checkout
    suppress_health_check=[HealthCheck.too_slow],
)

COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}

UNICODE_ERRORS = st.sampled_from(["strict", "replace", "ignore", "surrogateescape"])


def mostly(usual, unusual, odds=6):
    """``usual`` ``odds`` times out of ``odds + 1``, else ``unusual``.

    (Repeating a strategy inside st.one_of does not weight it: hypothesis picks among the
    distinct strategies.)
    """
    return st.sampled_from([True] * odds + [False]).flatmap(
        lambda pick: usual if pick else unusual
    )


# Files are built mostly from valid parts, so that a fair share of them load and the checks
# on what is returned run, with bad parts mixed in at every level.
GOOD_WORDS = st.lists(
    st.sampled_from([b"a", b"bc", b"the", "café".encode(), "東京".encode(), b"x_1", b"-"]),
    min_size=1, max_size=3,
).map(b"".join)
# Every kind of byte the readers must refuse or decode with care: tab, CR, NUL, vertical
# tab, invalid UTF-8, a UTF-8-encoded surrogate, a space, a newline, nothing.
BAD_WORDS = st.lists(
    st.sampled_from([b"a", b"\t", b"\x00", b"\r", b"\x0b", b"\xff", b"\xed\xa0\x80", b" ",
                     b"\n"]),
    max_size=3,
).map(b"".join)
WORDS = mostly(GOOD_WORDS, BAD_WORDS, odds=12)

FLOATS = mostly(st.floats(width=32, allow_nan=False, allow_infinity=False),
                st.floats(width=32), odds=20)  # nan and inf now and then
# Text values: what writers produce, and now and then what they should not, or no number.
TEXT_VALUES = mostly(
    FLOATS.map(lambda x: repr(x).encode()),
    st.sampled_from([b"1e39", b"-1e999", b"nan", b"-inf", b"Infinity", b"0x1p3", b"1_0",
                     "١".encode(), b"1\x00", b"\xff", b"--1", b"", b"0.5"]),
    odds=20,
)
SEPARATORS = st.sampled_from([b" "] * 12 + [b"  ", b"\t", b" \r"])
LINE_ENDS = st.sampled_from([b"\n"] * 6 + [b" \n", b"\r\n", b""])
# After a binary vector: word2vec.c writes b"\n", gensim nothing, some files more.
RECORD_ENDS = st.sampled_from([b"\n"] * 6 + [b"", b"\n\n", b"\r\n"])
VALUE_COUNT_ERRORS = st.sampled_from([0] * 12 + [-1, 1])


@st.composite
def headers(draw, n_words, vector_size):
    """The true header, a lying one, or garbage."""
    n = draw(mostly(st.just(n_words), st.integers(-1, 10**13)))
    d = draw(mostly(st.just(vector_size), st.integers(-1, 10**25)))
    header = draw(mostly(
        st.just(f"{n} {d}".encode()),
        st.sampled_from([b"", b"3", b"1 2 3", b"x 2", b"\xff 1", b"1" * 150]),
    ))
    return header + draw(LINE_ENDS)


@st.composite
def mutations(draw, content):
    """``content`` unchanged, truncated, or with a byte flipped, inserted or deleted."""
    kind = draw(st.sampled_from(["none"] * 8 + ["truncate", "flip", "insert", "delete"]))
    if kind == "none" or not content:
        return content
    i = draw(st.integers(0, len(content) - 1))
    if kind == "truncate":
        return content[:i]
    if kind == "flip":
        return content[:i] + bytes([content[i] ^ draw(st.integers(1, 255))]) + content[i + 1:]
    if kind == "insert":
        return content[:i] + draw(st.binary(min_size=1, max_size=4)) + content[i:]
    return content[:i] + content[i + 1:]


def _text_row(draw, n_values):
    values = [draw(TEXT_VALUES) for _ in range(n_values)]
    separator = draw(SEPARATORS)
    return draw(WORDS) + separator + separator.join(values) + draw(LINE_ENDS)


def _binary_row(draw, n_values):
    values = [draw(FLOATS) for _ in range(n_values)]
    return draw(WORDS) + b" " + struct.pack(f"<{n_values}f", *values) + draw(RECORD_ENDS)


@st.composite
def vector_files(draw, row):
    """A header, rows made by ``row(draw, n_values)``, then maybe some damage."""
    n_words, vector_size = draw(st.integers(0, 4)), draw(st.integers(1, 4))
    # Mostly vector_size values a row, now and then one too many or too few.
    rows = [row(draw, max(vector_size + draw(VALUE_COUNT_ERRORS), 0)) for _ in range(n_words)]
    return draw(mutations(draw(headers(n_words, vector_size)) + b"".join(rows)))


def text_files():
    return vector_files(_text_row)


def binary_files():
    return vector_files(_binary_row)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    # Module scope: hypothesis runs many examples per test call, so a function-scoped
    # tmp_path would be shared by all of them anyway (and hypothesis warns about it).
    return tmp_path_factory.mktemp("properties")


def _load_or_refusal(path, **kwargs):
    """What the reader returns, or None if it refused the file with a proper error."""
    try:
        return load_word2vec_format(path, **kwargs)
    except (ValueError, TypeError) as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        return None


def _assert_sound(result, folder, binary):
    """Finite vectors of consistent shape, and words and vectors that save and reload."""
    words, vectors = result
    assert isinstance(vectors, np.ndarray)
    assert vectors.dtype == np.float32
    assert vectors.ndim == 2 and vectors.shape[1] >= 1
    assert len(words) == vectors.shape[0] == len(set(words))
    assert all(isinstance(word, str) for word in words)
    assert np.isfinite(vectors).all()
    copy = folder / "copy"
    save_word2vec_format(copy, words, vectors, binary=binary)
    words_again, vectors_again = load_word2vec_format(copy, binary=binary)
    assert words_again == words
    np.testing.assert_array_equal(vectors_again, vectors)


def _check_file(folder, name, content, **kwargs):
    path = folder / name
    path.write_bytes(content)
    result = _load_or_refusal(path, **kwargs)
    if result is not None:
        _assert_sound(result, folder, kwargs.get("binary", False))
    return result


@PROPERTY
@given(content=st.binary(max_size=200), binary=st.booleans())
def test_any_bytes(folder, content, binary):
    _check_file(folder, "any", content, binary=binary)


@PROPERTY
@given(content=text_files(), unicode_errors=UNICODE_ERRORS,
       limit=st.one_of(st.none(), st.integers(1, 5)))
def test_text_files(folder, content, unicode_errors, limit):
    _check_file(folder, "text", content, unicode_errors=unicode_errors, limit=limit)


@PROPERTY
@given(content=binary_files(), unicode_errors=UNICODE_ERRORS,
       limit=st.one_of(st.none(), st.integers(1, 5)))
def test_binary_files(folder, content, unicode_errors, limit):
    _check_file(folder, "binary", content, binary=True, unicode_errors=unicode_errors,
                limit=limit)


@PROPERTY
@given(data=st.data(), binary=st.booleans(), suffix=st.sampled_from(sorted(COMPRESS)))
def test_compressed_files_read_like_plain_ones(folder, data, binary, suffix):
    content = data.draw(binary_files() if binary else text_files())
    plain = _check_file(folder, "plain", content, binary=binary)
    compressed = _check_file(folder, "packed" + suffix, COMPRESS[suffix](content),
                             binary=binary)
    assert (plain is None) == (compressed is None)
    if plain is not None:
        assert plain[0] == compressed[0]
        np.testing.assert_array_equal(plain[1], compressed[1])


@PROPERTY
@given(data=st.data(), binary=st.booleans(), suffix=st.sampled_from(sorted(COMPRESS)))
def test_corrupt_compressed_files(folder, data, binary, suffix):
    # Valid files and arbitrary bytes, compressed and then damaged, or not compressed at all.
    content = data.draw(st.one_of(binary_files() if binary else text_files(), st.binary()))
    damaged = data.draw(st.one_of(
        mutations(COMPRESS[suffix](content)), st.binary(max_size=100)
    ))
    _check_file(folder, "damaged" + suffix, damaged, binary=binary)
