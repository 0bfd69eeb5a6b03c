import math
from collections import Counter

import numpy as np
import pytest
from scipy import stats

from sklearn_w2v._model.noise import NoiseSampler, noise_distribution
from sklearn_w2v._text.encoded_corpus import (
    ChunkSizes,
    EncodedCorpus,
    _document_blocks,
    count_and_encode,
    encode_documents,
    remap_corpus,
)
from sklearn_w2v._text.vocabulary import build_vocabulary, keep_probabilities

DOCS = [
    ["the", "cat", "sat", "on", "the", "mat"],
    [],
    ["the", "dog", "sat"],
    ["a", "cat", "and", "a", "dog"],
    ["zebra"],
]


def decode(corpus, words):
    """Token lists of ``corpus`` written with ``words``."""
    offsets = corpus.doc_offsets
    return [
        [words[i] for i in corpus.ids[offsets[d] : offsets[d + 1]]]
        for d in range(corpus.n_docs)
    ]


# --- EncodedCorpus -----------------------------------------------------------


def test_encoded_corpus_normalizes_dtypes_and_reports_sizes():
    corpus = EncodedCorpus(ids=[3, 1, 2], doc_offsets=[0, 2, 2, 3])
    assert corpus.ids.dtype == np.int32 and corpus.doc_offsets.dtype == np.int32
    assert corpus.n_docs == 3 and corpus.n_tokens == 3


@pytest.mark.parametrize(
    "ids, offsets, message",
    [
        ([1, 2], [1, 2], "start with 0"),
        ([1, 2], [0, 1], "end with n_tokens=2"),
        ([1, 2], [0, 2, 1, 2], "non-decreasing"),
        ([1, 2], [], "start with 0"),
    ],
)
def test_encoded_corpus_rejects_inconsistent_offsets(ids, offsets, message):
    with pytest.raises(ValueError, match=message):
        EncodedCorpus(ids=ids, doc_offsets=offsets)


# --- count_and_encode --------------------------------------------------------


def test_count_and_encode_round_trips_and_keeps_empty_documents():
    words, counts, corpus = count_and_encode(DOCS)
    assert corpus.ids.dtype == np.int32 and corpus.doc_offsets.dtype == np.int32
    assert corpus.doc_offsets[0] == 0 and corpus.n_docs == len(DOCS)
    assert decode(corpus, words) == DOCS


def test_count_and_encode_ids_follow_first_appearance_and_counts_are_exact():
    words, counts, _ = count_and_encode(DOCS)
    assert words == ["the", "cat", "sat", "on", "mat", "dog", "a", "and", "zebra"]
    assert counts.dtype == np.int64
    expected = Counter(token for doc in DOCS for token in doc)
    assert dict(zip(words, counts.tolist())) == expected


def test_count_and_encode_consumes_a_generator_once():
    words, _, corpus = count_and_encode(iter(DOCS))
    assert decode(corpus, words) == DOCS


def test_count_and_encode_empty_input():
    words, counts, corpus = count_and_encode([])
    assert words == [] and counts.shape == (0,)
    assert corpus.n_docs == 0 and corpus.n_tokens == 0
    assert corpus.doc_offsets.tolist() == [0]


# --- build_vocabulary --------------------------------------------------------


def test_build_vocabulary_orders_by_count_then_word():
    words = ["pear", "apple", "fig", "kiwi", "date"]
    counts = np.array([3, 5, 3, 9, 3])
    vocab_words, vocab_counts, old_to_new = build_vocabulary(words, counts, min_count=1)
    assert vocab_words == ["kiwi", "apple", "date", "fig", "pear"]
    assert vocab_counts.tolist() == [9, 5, 3, 3, 3]
    assert vocab_counts.dtype == np.int64 and old_to_new.dtype == np.int32
    assert [vocab_words[new] for new in old_to_new] == words


def test_build_vocabulary_does_not_depend_on_input_order():
    words = ["b", "c", "a", "d"]
    counts = np.array([2, 2, 2, 1])
    permutation = [3, 1, 0, 2]
    first, _, _ = build_vocabulary(words, counts, min_count=1)
    second, _, _ = build_vocabulary(
        [words[i] for i in permutation], counts[permutation], min_count=1
    )
    assert first == second == ["a", "b", "c", "d"]


def test_build_vocabulary_min_count():
    words = ["rare", "common", "edge"]
    vocab_words, vocab_counts, old_to_new = build_vocabulary(
        words, [4, 10, 5], min_count=5
    )
    assert vocab_words == ["common", "edge"]  # count == min_count is kept
    assert old_to_new.tolist() == [-1, 0, 1]


def test_build_vocabulary_max_vocab_size_keeps_most_frequent_breaking_ties_by_word():
    words = ["x", "y", "w", "v"]
    vocab_words, vocab_counts, old_to_new = build_vocabulary(
        words, [7, 4, 4, 1], min_count=2, max_vocab_size=2
    )
    # "v" fails min_count; "w" wins the tie against "y" alphabetically.
    assert vocab_words == ["x", "w"]
    assert vocab_counts.tolist() == [7, 4]
    assert old_to_new.tolist() == [0, -1, 1, -1]


def test_build_vocabulary_can_be_empty():
    vocab_words, vocab_counts, old_to_new = build_vocabulary(["a"], [1], min_count=2)
    assert vocab_words == [] and vocab_counts.shape == (0,)
    assert old_to_new.tolist() == [-1]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"min_count": -1}, "min_count"),
        ({"min_count": 2.5}, "min_count"),
        ({"max_vocab_size": 0}, "max_vocab_size"),
        ({"max_vocab_size": True}, "max_vocab_size"),
    ],
)
def test_build_vocabulary_rejects_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        build_vocabulary(["a"], [1], **params)


def test_build_vocabulary_rejects_mismatched_counts():
    with pytest.raises(ValueError, match="one entry per word"):
        build_vocabulary(["a", "b"], [1])


# --- remap_corpus / encode_documents -----------------------------------------


def test_remap_corpus_drops_rare_words_and_keeps_document_slots():
    words, counts, corpus = count_and_encode(DOCS)
    vocab_words, _, old_to_new = build_vocabulary(words, counts, min_count=2)
    remapped = remap_corpus(corpus, old_to_new)
    kept = set(vocab_words)
    expected = [[token for token in doc if token in kept] for doc in DOCS]
    assert decode(remapped, vocab_words) == expected
    # "zebra" (count 1) was the only word of document 4, which stays, empty.
    assert remapped.n_docs == len(DOCS) and expected[4] == []
    assert remapped.ids.dtype == np.int32


def test_remap_corpus_dropping_everything():
    corpus = EncodedCorpus(ids=[0, 1, 0], doc_offsets=[0, 1, 3])
    remapped = remap_corpus(corpus, np.array([-1, -1], dtype=np.int32))
    assert remapped.n_tokens == 0 and remapped.doc_offsets.tolist() == [0, 0, 0]


def test_encode_documents_drops_unknown_words_and_keeps_slots():
    vocabulary = {"cat": 0, "the": 1, "dog": 2}
    corpus = encode_documents(
        iter([["the", "cat", "unknown"], ["nothing", "known"], [], ["dog"]]),
        vocabulary,
    )
    assert corpus.ids.tolist() == [1, 0, 2]
    assert corpus.doc_offsets.tolist() == [0, 2, 2, 2, 3]


# --- keep_probabilities ------------------------------------------------------


def test_keep_probabilities_matches_word2vec_formula_by_hand():
    counts = np.array([1000, 100, 10, 2, 1])
    sample = 1e-3
    threshold = sample * 1113  # sample * total count
    p_keep = keep_probabilities(counts, sample)
    assert p_keep.dtype == np.float64
    for count, p in zip(counts.tolist(), p_keep.tolist()):
        expected = min(1.0, (math.sqrt(count / threshold) + 1) * threshold / count)
        assert p == pytest.approx(expected, rel=1e-12)
    # (sqrt(1000 / 1.113) + 1) * 1.113 / 1000, worked out on paper.
    assert p_keep[0] == pytest.approx(0.0344746, abs=1e-6)
    assert 0 < p_keep[1] < p_keep[2] < 1
    # Counts below about 2.6 t (here 2.9) are always kept.
    assert p_keep[3] == p_keep[4] == 1.0


def test_keep_probabilities_is_non_increasing_in_count():
    counts = np.arange(1, 20_000)
    p_keep = keep_probabilities(counts, 1e-7)  # t = 1e-7 * 2e8 = 20
    assert np.all(np.diff(p_keep) <= 0)
    assert p_keep[0] == 1.0 and p_keep[-1] < 0.1
    below_one = p_keep < 1
    assert np.all(np.diff(p_keep[below_one]) < 0)  # strictly once subsampled


def test_keep_probabilities_sample_zero_keeps_everything():
    np.testing.assert_array_equal(keep_probabilities([5, 500, 50_000], 0.0), 1.0)


def test_keep_probabilities_rejects_negative_sample():
    with pytest.raises(ValueError, match="sample"):
        keep_probabilities([1, 2], -1e-3)


# --- noise_distribution ------------------------------------------------------


def test_noise_distribution_is_normalized_with_smoothed_ratios():
    counts = np.array([900, 100, 7, 1])
    q = noise_distribution(counts)
    assert q.dtype == np.float64
    assert q.sum() == pytest.approx(1.0, abs=1e-15)
    assert q[0] / q[1] == pytest.approx((900 / 100) ** 0.75, rel=1e-12)
    assert q[2] / q[3] == pytest.approx(7**0.75, rel=1e-12)


def test_noise_distribution_exponent_extremes():
    counts = np.array([6, 3, 1])
    np.testing.assert_allclose(noise_distribution(counts, 0.0), 1 / 3)
    np.testing.assert_allclose(noise_distribution(counts, 1.0), [0.6, 0.3, 0.1])


def test_noise_distribution_rejects_unusable_counts():
    with pytest.raises(ValueError, match="non-empty"):
        noise_distribution([])
    with pytest.raises(ValueError, match="positive"):
        noise_distribution([3, 0], ns_exponent=-0.5)


# --- NoiseSampler ------------------------------------------------------------


def test_noise_sampler_frequencies_match_probabilities():
    probabilities = noise_distribution(np.array([500, 120, 60, 30, 8, 2, 1]))
    sampler = NoiseSampler(probabilities)
    n_draws = 200_000
    draws = sampler.sample(np.random.default_rng(0), n_draws)
    observed = np.bincount(draws, minlength=probabilities.size)
    # Each frequency has standard error sqrt(p (1 - p) / n) <= 0.0011; five
    # standard errors bounds a correct sampler's deviation except with
    # probability ~6e-7 per bin, while an off-by-one bin (mass moved to a
    # neighbour) would miss by far more than that.
    standard_error = np.sqrt(probabilities * (1 - probabilities) / n_draws)
    assert np.all(np.abs(observed / n_draws - probabilities) < 5 * standard_error)
    # And jointly: a chi-square goodness-of-fit test does not reject.
    assert stats.chisquare(observed, probabilities * n_draws).pvalue > 1e-3


def test_noise_sampler_is_deterministic_for_a_seed_and_returns_int32():
    sampler = NoiseSampler([0.2, 0.5, 0.3])
    first = sampler.sample(np.random.default_rng(42), (3, 50))
    second = sampler.sample(np.random.default_rng(42), (3, 50))
    assert first.dtype == np.int32 and first.shape == (3, 50)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, sampler.sample(np.random.default_rng(43), (3, 50)))


def test_noise_sampler_never_draws_zero_probability_or_out_of_range_ids():
    # Zeros at both ends and in the middle; weights that do not sum to 1.
    sampler = NoiseSampler([0.0, 3.0, 0.0, 1e-12, 1.0, 0.0, 0.0])
    draws = sampler.sample(np.random.default_rng(1), 100_000)
    assert set(np.unique(draws).tolist()) <= {1, 3, 4}


@pytest.mark.parametrize("probabilities", [
    noise_distribution(np.array([500, 120, 60, 30, 8, 2, 1])),
    noise_distribution(np.arange(1, 2000) ** -1.1),  # Zipf-like, most words below a slot
    [0.0, 0.25, 0.25, 0.5],  # every mass fills whole slots: no residual
    # More words than a uint16 holds: the last ones are in the int32 tail of the table.
    noise_distribution(np.arange(70_000, 0, -1)),
])
def test_noise_sampler_table_and_residual_add_up_to_the_distribution(probabilities):
    """Each word's slots in the table plus its share of the residual mass is exactly its
    probability (up to float rounding): the sampler is exact, not approximate."""
    sampler = NoiseSampler(probabilities)
    n_words = len(sampler.probabilities)
    table = np.concatenate([sampler._table.astype(np.int64), sampler._table_tail])
    table_mass = np.bincount(table, minlength=n_words)
    residual = np.diff(np.concatenate([[0.0], sampler._residual_cdf]))
    implied = (table_mass + residual * sampler._residual_mass) / sampler._n_slots
    np.testing.assert_allclose(implied, sampler.probabilities, rtol=1e-9, atol=1e-15)


def _reference_draws(probabilities, rng, size):
    """The draws of the sampler with one int32 table (before the uint16 table)."""
    sampler = NoiseSampler(probabilities)
    table = np.concatenate([sampler._table.astype(np.int32), sampler._table_tail])
    position = rng.random(size) * sampler._n_slots
    slot = position.astype(np.int64)
    ids = table[np.minimum(slot, table.size - 1)]
    residual = slot >= table.size
    r = (position[residual] - table.size) / sampler._residual_mass
    drawn = np.searchsorted(sampler._residual_cdf, r, side="right")
    ids[residual] = np.minimum(drawn, sampler._last_possible_id)
    return ids


@pytest.mark.parametrize("n_words", [1_000, 65_536, 65_577, 70_000])
def test_noise_sampler_table_is_uint16_and_draws_every_id(n_words):
    """The table is 2 bytes a slot; ids of 65,536 and more (in its int32 tail) are still
    drawn, with the same draws as one int32 table."""
    # Nearly uniform: every word, the last ones too, fills whole slots of the table.
    probabilities = noise_distribution(np.arange(n_words, 0, -1) + 10 * n_words)
    sampler = NoiseSampler(probabilities)
    assert sampler._table.dtype == np.uint16
    assert sampler._table.size + sampler._table_tail.size <= 16 * n_words
    draws = sampler.sample(np.random.default_rng(3), 400_000)
    assert draws.dtype == np.int32
    np.testing.assert_array_equal(
        draws, _reference_draws(probabilities, np.random.default_rng(3), 400_000))
    if n_words > 65_536:
        assert sampler._table_tail.size > 0
        tail = draws >= 65_536
        expected = probabilities[65_536:].sum()
        assert abs(tail.mean() - expected) < 5 * np.sqrt(expected / draws.size)


def test_noise_sampler_handles_uniform_draws_at_the_cdf_edges():
    class EdgeGenerator:
        """Stands in for a Generator returning the extreme values of random()."""

        def random(self, size):
            return np.array([0.0, np.nextafter(1.0, 0.0)])

    sampler = NoiseSampler([0.0, 0.5, 0.5, 0.0])
    assert sampler.sample(EdgeGenerator(), 2).tolist() == [1, 2]


def test_noise_sampler_attributes():
    sampler = NoiseSampler([1.0, 3.0, 0.0])
    np.testing.assert_allclose(sampler.probabilities, [0.25, 0.75, 0.0])
    np.testing.assert_allclose(sampler.log_probabilities[:2], np.log([0.25, 0.75]))
    assert sampler.log_probabilities[2] == -np.inf


@pytest.mark.parametrize(
    "probabilities", [[], [0.0, 0.0], [0.5, -0.1], [np.nan, 1.0], [[0.5, 0.5]]]
)
def test_noise_sampler_rejects_invalid_probabilities(probabilities):
    with pytest.raises(ValueError, match="probabilities"):
        NoiseSampler(probabilities)


@pytest.mark.parametrize("in_place", [False, True])
def test_remap_corpus_in_chunks_matches_a_plain_remap(in_place):
    rng = np.random.default_rng(0)
    lengths = rng.integers(0, 9, size=40)
    ids = rng.integers(0, 12, size=lengths.sum()).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    old_to_new = np.where(np.arange(12) % 3 == 0, -1, np.arange(12)).astype(np.int32)
    expected = [[old_to_new[w] for w in ids[a:b] if old_to_new[w] >= 0]
                for a, b in zip(offsets[:-1], offsets[1:])]
    corpus = EncodedCorpus(ids=ids.copy(), doc_offsets=offsets)
    # Many chunks, documents straddling them.
    remapped = remap_corpus(corpus, old_to_new, in_place=in_place,
                            chunks=ChunkSizes(remap=7))
    got = [remapped.ids[a:b].tolist() for a, b in
           zip(remapped.doc_offsets[:-1], remapped.doc_offsets[1:])]
    assert got == [list(map(int, doc)) for doc in expected]
    if not in_place:
        assert np.array_equal(corpus.ids, ids)  # the input is untouched


# --- 2-byte id storage with escaped large ids ---------------------------------


def _random_corpus_with_large_ids(seed, n_docs=60, max_id=70_000):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 12, size=n_docs)
    ids = rng.integers(0, max_id, size=lengths.sum()).astype(np.int32)
    ids[::5] = rng.integers(65_530, 65_540, size=ids[::5].size)  # around the 16-bit edge
    return ids, np.concatenate([[0], np.cumsum(lengths)])


def test_encoded_corpus_round_trips_ids_above_16_bits_in_2_bytes_per_token():
    ids, offsets = _random_corpus_with_large_ids(0)
    corpus = EncodedCorpus(ids=ids, doc_offsets=offsets)
    assert np.array_equal(corpus.ids, ids)
    n_escaped = int(np.count_nonzero(ids >= 65_535))
    assert 0 < n_escaped < ids.size
    assert corpus.nbytes == 2 * ids.size + 12 * n_escaped + 4 * offsets.size
    assert corpus.id_bounds() == (ids.min(), ids.max())
    rng = np.random.default_rng(1)
    for start, stop in [(0, 0), (0, ids.size), *rng.integers(0, ids.size, (30, 2))]:
        start, stop = sorted((int(start), int(stop)))
        got = corpus.token_ids(start, stop)
        assert got.dtype == np.int32 and np.array_equal(got, ids[start:stop])


@pytest.mark.parametrize("ids", [[], [0, 1, 2], [65_535] * 3, [65_534, 65_536, 2**31 - 1]])
def test_encoded_corpus_id_bounds(ids):
    corpus = EncodedCorpus(ids=ids, doc_offsets=[0, len(ids)])
    assert corpus.id_bounds() == ((min(ids), max(ids)) if ids else (0, -1))


def test_encoded_corpus_rejects_negative_ids():
    with pytest.raises(ValueError, match="non-negative"):
        EncodedCorpus(ids=[0, -1], doc_offsets=[0, 2])


def test_encoded_corpus_does_not_share_the_callers_array():
    ids = np.array([1, 70_000, 3], dtype=np.int32)
    corpus = EncodedCorpus(ids=ids, doc_offsets=[0, 3])
    ids[:] = 0
    assert corpus.ids.tolist() == [1, 70_000, 3]


def test_document_slice_is_the_documents_range():
    ids, offsets = _random_corpus_with_large_ids(2)
    corpus = EncodedCorpus(ids=ids, doc_offsets=offsets)
    for first, last in [(0, 0), (0, 60), (3, 17), (59, 60), (20, 21)]:
        part = corpus.document_slice(first, last)
        assert part.n_docs == last - first
        assert np.array_equal(part.doc_offsets, offsets[first:last + 1] - offsets[first])
        assert np.array_equal(part.ids, ids[offsets[first]:offsets[last]])


# Encode and remap in chunks of a few tokens, and grow storage in small steps.
TINY_CHUNKS = ChunkSizes(encode=7, remap=5, min_growth=3)


def _many_word_docs(n_words=66_000, seed=0):
    """Documents over ``n_words`` distinct words (more than 16-bit ids can hold)."""
    rng = np.random.default_rng(seed)
    tokens = [f"w{i}" for i in rng.permutation(n_words)]
    tokens += [f"w{i}" for i in rng.integers(0, 300, size=2_000)]  # frequent words
    rng.shuffle(tokens)
    cuts = np.sort(rng.integers(0, len(tokens), size=3_000))
    return [tokens[a:b] for a, b in zip(np.concatenate([[0], cuts]),
                                        np.concatenate([cuts, [len(tokens)]]))]


@pytest.mark.parametrize("chunked", [False, True])
def test_count_encode_remap_with_more_than_65535_words(chunked):
    chunks = {"chunks": TINY_CHUNKS} if chunked else {}
    docs = _many_word_docs()
    words, counts, corpus = count_and_encode(iter(docs), **chunks)
    assert len(words) == 66_000 and corpus._escaped_ids.size > 0
    assert decode(corpus, words) == docs
    assert dict(zip(words, counts.tolist())) == Counter(t for doc in docs for t in doc)
    # min_count=1 keeps every word; rows above 65,534 are the rarest ones and escaped.
    vocab_words, _, old_to_new = build_vocabulary(words, counts, min_count=1)
    remapped = remap_corpus(corpus, old_to_new, in_place=chunked, **chunks)
    assert decode(remapped, vocab_words) == docs
    assert 0 < remapped._escaped_ids.size <= 66_000 - 65_535
    # Dropping words shifts positions: escaped tokens are re-indexed.
    vocab_words, _, old_to_new = build_vocabulary(words, counts, min_count=1,
                                                  max_vocab_size=65_600)
    _, _, corpus = count_and_encode(iter(docs), **chunks)
    remapped = remap_corpus(corpus, old_to_new, **chunks)
    kept = set(vocab_words)
    assert decode(remapped, vocab_words) == [[t for t in doc if t in kept] for doc in docs]


def test_encode_documents_with_unknown_and_escaped_words():
    docs = _many_word_docs(seed=3)
    vocabulary = {f"w{i}": row for row, i in enumerate(range(0, 66_000, 2))}
    vocabulary.update({"w1": 70_000, "w3": 65_535})  # rows need not be dense
    corpus = encode_documents(iter(docs), vocabulary, chunks=TINY_CHUNKS)
    expected = [[vocabulary[t] for t in doc if t in vocabulary] for doc in docs]
    got = [corpus.ids[a:b].tolist() for a, b in
           zip(corpus.doc_offsets[:-1], corpus.doc_offsets[1:])]
    assert got == expected


def test_offsets_are_int32_unless_a_token_position_needs_64_bits():
    from sklearn_w2v._text.encoded_corpus import _compact_offsets

    small = _compact_offsets(np.array([0, 5, 2**31 - 1], dtype=np.int64))
    assert small.dtype == np.int32 and small.tolist() == [0, 5, 2**31 - 1]
    large = _compact_offsets(np.array([0, 5, 2**31], dtype=np.int64))
    assert large.dtype == np.int64 and large.tolist() == [0, 5, 2**31]


def test_noise_distribution_in_log_space_and_underflow_rejected():
    close = np.array([5, 6, 7, 8])
    # 8 ** 400 overflows float64, but q is well defined: the normalisation runs in log space.
    q = noise_distribution(close, 400.0)
    expected = np.exp(400 * (np.log(close) - np.log(8)))
    np.testing.assert_allclose(q, expected / expected.sum(), rtol=1e-10)
    assert (q > 0).all()
    counts = np.array([1, 2, 3, 1000])
    np.testing.assert_allclose(noise_distribution(counts, 0.75),
                               counts ** 0.75 / (counts ** 0.75).sum())
    # With -300 the most frequent word's q underflows to 0: it could never be a noise word
    # and score would be -inf, so it is rejected with the parameter's value.
    with pytest.raises(ValueError, match=r"ns_exponent=-300.*underflow to 0 for 1 of the 4"):
        noise_distribution(counts, -300.0)


def test_count_and_encode_documents_across_block_and_chunk_boundaries():
    # With 7-token chunks: empty documents at block ends, a document that fills a block
    # exactly, and documents several chunks long.
    lengths = [0, 7, 0, 6, 1, 8, 0, 15, 30, 0, 3]
    docs = [[f"w{(start + i) % 11}" for i in range(n)]
            for start, n in zip(np.cumsum([0] + lengths), lengths)]
    words, counts, corpus = count_and_encode(iter(docs), chunks=TINY_CHUNKS)
    assert decode(corpus, words) == docs
    assert np.diff(corpus.doc_offsets).tolist() == lengths
    assert dict(zip(words, counts.tolist())) == Counter(t for doc in docs for t in doc)
    vocabulary = {"w1": 0, "w4": 70_000}
    encoded = encode_documents(iter(docs), vocabulary, chunks=TINY_CHUNKS)
    assert decode(encoded, {0: "w1", 70_000: "w4"}) == [
        [t for t in doc if t in vocabulary] for doc in docs]


def test_count_and_encode_holds_about_one_chunk_of_a_generators_documents():
    """Documents are gathered until they hold a chunk of tokens, then encoded: the blocks
    that count_and_encode encodes as they come pull nothing beyond themselves."""
    pulled = 0

    def documents():
        nonlocal pulled
        for doc in _many_word_docs(n_words=300, seed=4)[:200]:
            pulled += 1
            yield doc

    held = [(pulled, block) for block, _ in _document_blocks(documents(),
                                                               TINY_CHUNKS.encode)]
    encoded = 0
    for pulled_then, block in held:
        assert pulled_then == encoded + len(block)  # nothing pulled beyond the block
        assert sum(map(len, block[:-1])) < TINY_CHUNKS.encode  # the last one fills it
        encoded += len(block)
    assert encoded == 200
