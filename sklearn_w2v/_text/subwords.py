"""fastText's character n-grams of words and their hash buckets, for whole vocabularies.

A word's subwords are the character n-grams of ``"<" + word + ">"`` with ``min_n <= n <=
max_n`` characters (UTF-8 characters, not bytes), leaving out the one-character n-grams
``"<"`` and ``">"`` themselves; each n-gram's bucket is fastText's hash of its UTF-8 bytes
modulo ``bucket``. The hash is 32-bit FNV-1a in which every byte is sign-extended (read
as a signed ``char``) before the xor: fastText's ``Dictionary::hash``, which gensim's
``ft_hash_bytes`` reproduces. Byte for byte and in the same order as fastText's
``Dictionary::computeSubwords`` (each start character in turn, shorter n-grams first), so
that a word's buckets, and hence its vector, are those of a Facebook model and of gensim.

Everything is vectorized over a vocabulary (:func:`ngram_buckets`): the wrapped words are
laid end to end in one byte buffer, each n-gram is a (start, stop) span of it, and the
hash runs one NumPy pass per byte position over all the n-grams at once, so a vocabulary
of 200,000 words takes no Python loop over its n-grams. A word's buckets may repeat (two
n-grams in one bucket, or one n-gram twice): they are kept, as fastText and gensim keep
them, and count twice in the word's mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FNV_OFFSET_BASIS", "FNV_PRIME", "NgramBuckets", "character_ngrams",
           "fasttext_hash", "ngram_buckets", "ngrams_enabled"]

# 32-bit FNV-1a (fastText's Dictionary::hash).
FNV_OFFSET_BASIS = 2166136261
FNV_PRIME = 16777619

# Candidate (start character, length) slots of the words hashed at once: bounds the
# temporaries (a few int64 arrays of this many entries) whatever the vocabulary size.
_CANDIDATES_PER_CHUNK = 1 << 21

_CONTINUATION_MASK, _CONTINUATION = 0xC0, 0x80  # UTF-8 bytes 10xxxxxx continue a character


@dataclass(frozen=True)
class NgramBuckets:
    """The buckets of the n-grams of each word of a list, as a CSR table.

    Attributes
    ----------
    indptr : ndarray of int64, shape (n_words + 1,)
        Word ``i``'s buckets are ``buckets[indptr[i]:indptr[i + 1]]``, in fastText's
        order of its n-grams.
    buckets : ndarray of int32, shape (indptr[-1],)
        Rows of the n-gram matrix (``0 <= bucket < n_buckets``).
    n_buckets : int
        The ``bucket`` parameter.
    """

    indptr: np.ndarray
    buckets: np.ndarray
    n_buckets: int

    @property
    def n_words(self) -> int:
        """Number of words in the table."""
        return len(self.indptr) - 1

    @property
    def lengths(self) -> np.ndarray:
        """Number of n-grams (buckets, repeats included) of each word."""
        return np.diff(self.indptr)

    def of(self, word_index):
        """The buckets of word ``word_index`` (an int)."""
        return self.buckets[self.indptr[word_index]:self.indptr[word_index + 1]]


def ngrams_enabled(min_n, max_n, bucket):
    """Whether ``min_n``, ``max_n`` and ``bucket`` give a word any subword: ``max_n >= 1``,
    ``max_n >= min_n`` and at least one bucket (gensim's and fastText's rules)."""
    return max_n >= 1 and max_n >= min_n and bucket > 0


def fasttext_hash(ngrams):
    """fastText's hash of each byte string of ``ngrams``.

    Parameters
    ----------
    ngrams : iterable of bytes

    Returns
    -------
    ndarray of uint32

    Examples
    --------
    >>> from sklearn_w2v._text.subwords import fasttext_hash
    >>> fasttext_hash([b"<wh", "札幌".encode("utf-8")]).tolist()
    [1048167652, 3909947444]
    """
    ngrams = list(ngrams)
    lengths = np.fromiter(map(len, ngrams), dtype=np.int64, count=len(ngrams))
    stops = np.cumsum(lengths)
    buffer = np.frombuffer(b"".join(ngrams), dtype=np.uint8)
    return _hash_spans(buffer, stops - lengths, stops)


def _hash_spans(buffer, starts, stops):
    """FNV-1a (fastText's, bytes sign-extended) of ``buffer[starts[i]:stops[i]]`` for
    every i: one vectorized pass per byte position, over all the spans at once."""
    hashes = np.full(len(starts), FNV_OFFSET_BASIS, dtype=np.uint32)
    if len(starts) == 0:
        return hashes
    # A byte >= 0x80 is a negative int8; as uint32 it is 0xFFFFFFxx (sign extension),
    # which is what fastText xors in (uint32_t(int8_t(byte))).
    signed = buffer.view(np.int8).astype(np.uint32)
    prime = np.uint32(FNV_PRIME)
    last = len(buffer) - 1
    for offset in range(int((stops - starts).max())):
        positions = starts + offset
        active = positions < stops
        mixed = (hashes ^ signed[np.minimum(positions, last)]) * prime
        hashes = np.where(active, mixed, hashes)
    return hashes


def ngram_buckets(words, min_n, max_n, bucket, *, chunk_candidates=_CANDIDATES_PER_CHUNK):
    """The buckets of the character n-grams of every word of ``words``.

    Parameters
    ----------
    words : sequence of str
    min_n, max_n : int
        Lengths of the n-grams, in characters.
    bucket : int
        Number of buckets (rows of the n-gram matrix); ``hash % bucket``.
    chunk_candidates : int
        About how many (character, length) candidates are hashed at once: bounds the
        temporaries, never changes the result.

    Returns
    -------
    NgramBuckets
        Every word with no buckets when :func:`ngrams_enabled` is False.

    Examples
    --------
    >>> from sklearn_w2v._text.subwords import ngram_buckets
    >>> table = ngram_buckets(["where", "whale"], 3, 3, 2_000_000)
    >>> table.lengths.tolist()  # <wh whe her ere re> / <wh wha hal ale le>
    [5, 5]
    >>> bool(table.of(0)[0] == table.of(1)[0])  # the two words share "<wh"
    True
    """
    n_words = len(words)
    if n_words == 0 or not ngrams_enabled(min_n, max_n, bucket):
        return NgramBuckets(np.zeros(n_words + 1, dtype=np.int64),
                            np.zeros(0, dtype=np.int32), int(bucket))
    counts, parts = [], []
    for first, last in _word_chunks(words, max_n - max(min_n, 1) + 1, chunk_candidates):
        spans = _ngram_spans(words[first:last], min_n, max_n)
        counts.append(spans.counts)
        hashes = _hash_spans(spans.buffer, spans.starts, spans.stops)
        parts.append((hashes % np.uint32(bucket)).astype(np.int32))
    indptr = np.zeros(n_words + 1, dtype=np.int64)
    np.cumsum(np.concatenate(counts), out=indptr[1:])
    return NgramBuckets(indptr, np.concatenate(parts), int(bucket))


def character_ngrams(word, min_n, max_n):
    """The character n-grams of one word as UTF-8 bytes, in fastText's order.

    The same n-grams as gensim's ``compute_ngrams_bytes`` (and fastText's
    ``computeSubwords``): those of ``"<" + word + ">"``, ``"<"`` and ``">"`` alone left out.

    Parameters
    ----------
    word : str
    min_n, max_n : int

    Returns
    -------
    list of bytes

    Examples
    --------
    >>> from sklearn_w2v._text.subwords import character_ngrams
    >>> [n.decode() for n in character_ngrams("cat", 3, 4)]
    ['<ca', '<cat', 'cat', 'cat>', 'at>']
    """
    if max_n < 1 or max_n < min_n:
        return []
    spans = _ngram_spans([word], min_n, max_n)
    data = spans.buffer.tobytes()
    return [data[start:stop] for start, stop in zip(spans.starts.tolist(),
                                                     spans.stops.tolist())]


def _word_chunks(words, n_lengths, chunk_candidates):
    """``(first, last)`` ranges of ``words`` of about ``chunk_candidates`` (character,
    length) candidates each (at least one word)."""
    # A word's candidates are about (len + 2) * n_lengths; the estimate only sizes chunks.
    per_word = np.fromiter((len(word) + 2 for word in words), dtype=np.int64,
                           count=len(words)) * n_lengths
    ends = np.cumsum(per_word)
    cuts = [0]
    while cuts[-1] < len(words):
        limit = (ends[cuts[-1] - 1] if cuts[-1] else 0) + chunk_candidates
        cuts.append(max(int(np.searchsorted(ends, limit, side="right")), cuts[-1] + 1))
    return list(zip(cuts[:-1], cuts[1:]))


@dataclass(frozen=True)
class _Spans:
    buffer: np.ndarray  # uint8: the wrapped words end to end
    starts: np.ndarray  # int64 byte span of each n-gram, word-major, in fastText's order
    stops: np.ndarray
    counts: np.ndarray  # n-grams per word


def _ngram_spans(words, min_n, max_n):
    """The byte spans of the n-grams of ``words`` (wrapped in ``<`` ``>``) in one buffer.

    Character ``k`` of a word of ``L`` characters starts an n-gram of ``n`` characters
    when ``k + n <= L``, except the single characters ``<`` (k = 0) and ``>`` (k = L - 1).
    The candidates form a (characters, lengths) grid read in row order: each start
    character in turn, shorter n-grams first, as fastText enumerates them.
    """
    encoded = [f"<{word}>".encode("utf-8") for word in words]
    byte_lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    buffer = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    word_stops = np.cumsum(byte_lengths)
    char_starts = np.flatnonzero((buffer & _CONTINUATION_MASK) != _CONTINUATION)
    # Characters per word, and each character's word and index in its word.
    n_chars = np.diff(np.searchsorted(char_starts, np.concatenate([[0], word_stops])))
    word_of_char = np.repeat(np.arange(len(encoded)), n_chars)
    first_char = np.cumsum(n_chars) - n_chars
    k = np.arange(len(char_starts)) - first_char[word_of_char]
    length = n_chars[word_of_char]
    # Character boundaries of each word: its character starts, then its end. Word w's
    # boundary b is bounds[first_char[w] + w + b].
    bounds = np.insert(char_starts, np.cumsum(n_chars), word_stops)
    n = np.arange(max(min_n, 1), max_n + 1)[None, :]
    valid = (k[:, None] + n <= length[:, None]) & ~(
        (n == 1) & ((k[:, None] == 0) | (k[:, None] == length[:, None] - 1)))
    chars, widths = np.nonzero(valid)  # row-major: fastText's order
    ends = first_char[word_of_char[chars]] + word_of_char[chars] + k[chars] + n[0, widths]
    counts = np.bincount(word_of_char[chars], minlength=len(encoded))
    return _Spans(buffer, char_starts[chars], bounds[ends], counts)
