"""Tests of sklearn_w2v._text.minibatches: pair generation against a plain reference."""

import numpy as np
import pytest

from sklearn_w2v._text.encoded_corpus import EncodedCorpus
from sklearn_w2v._text.minibatches import (
    block_boundaries,
    iter_all_pairs,
    iter_minibatches,
)


def make_corpus(docs):
    ids = np.array([w for doc in docs for w in doc], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(doc) for doc in docs])]).astype(np.int64)
    return EncodedCorpus(ids=ids, doc_offsets=offsets)


def reference_pairs(docs, window):
    """Every (center, context) pair at full window, written as the textbook double loop."""
    pairs = []
    for doc in docs:
        for i, center in enumerate(doc):
            for j in range(max(0, i - window), min(len(doc), i + window + 1)):
                if j != i:
                    pairs.append((center, doc[j]))
    return pairs


def collect(batches):
    pairs = []
    for batch in batches:
        pairs.extend(zip(batch.pair_centers.tolist(), batch.contexts.tolist()))
    return pairs


DOCS = [[0, 1, 2, 3, 4, 5, 6], [7, 8], [], [9], [3, 3, 3, 1, 0, 2, 9, 8, 7, 6, 5]]


@pytest.mark.parametrize("window", [1, 2, 5, 20])
@pytest.mark.parametrize("batch_size", [1, 3, 64])
@pytest.mark.parametrize("block_size", [4, 1000])
def test_full_window_pairs_equal_reference(window, batch_size, block_size):
    corpus = make_corpus(DOCS)
    batches = list(iter_minibatches(corpus, window=window, batch_size=batch_size,
                                    shrink_windows=False, block_size=block_size))
    expected = reference_pairs(DOCS, window)
    if block_size >= 1000:
        # The same pairs; windows are reordered by size within a block.
        assert sorted(collect(batches)) == sorted(expected)
    else:
        # Cuts inside the long documents lose only pairs straddling a cut.
        got = collect(batches)
        assert set(got) <= set(expected)
        assert len(got) < len(expected)


def test_minibatch_structure():
    corpus = make_corpus(DOCS)
    sizes = []
    for batch in iter_minibatches(corpus, window=3, batch_size=4, shrink_windows=True,
                                  seed_sequence=np.random.SeedSequence(1)):
        assert batch.centers.dtype == np.int32 and batch.contexts.dtype == np.int32
        assert batch.window_contexts.dtype == np.int32 and batch.window_mask.dtype == bool
        assert len(batch.centers) <= 4
        assert batch.window_contexts.shape == batch.window_mask.shape
        assert batch.window_mask.shape[0] == len(batch.centers)
        assert np.all(np.diff(batch.owner) >= 0)
        assert batch.n_pairs == batch.window_mask.sum() == len(batch.contexts)
        # Every center row has at least one pair (centers without context are dropped).
        assert np.array_equal(np.unique(batch.owner), np.arange(len(batch.centers)))
        # Contexts are left-aligned; the grid is as wide as the widest window.
        counts = batch.window_mask.sum(axis=1)
        assert np.array_equal(batch.window_mask,
                              np.arange(batch.window_mask.shape[1]) < counts[:, None])
        assert counts.max() == batch.window_mask.shape[1]
        sizes.extend(counts.tolist())
    # One block: its windows come ordered by their number of contexts.
    assert sizes == sorted(sizes) and len(set(sizes)) > 1


def test_padding_slots_hold_the_center_and_windows_match_pairs():
    rng = np.random.default_rng(4)
    docs = [list(rng.integers(0, 40, size=rng.integers(1, 25))) for _ in range(60)]
    corpus = make_corpus(docs)
    pairs = []
    for batch in iter_minibatches(corpus, window=4, batch_size=7, shrink_windows=True,
                                  seed_sequence=np.random.SeedSequence(2)):
        padding = ~batch.window_mask
        centers = np.broadcast_to(batch.centers[:, None], padding.shape)
        assert np.array_equal(batch.window_contexts[padding], centers[padding])
        pairs.extend(zip(np.repeat(batch.centers, batch.window_mask.sum(1)).tolist(),
                         batch.window_contexts[batch.window_mask].tolist()))
    assert pairs == collect(iter_minibatches(corpus, window=4, batch_size=7,
                                             shrink_windows=True,
                                             seed_sequence=np.random.SeedSequence(2)))


def test_window_width_is_capped_by_the_longest_document():
    """A huge window on short documents costs memory of the documents, not of the window."""
    corpus = make_corpus(DOCS)
    batches = list(iter_minibatches(corpus, window=10**8, batch_size=64,
                                    shrink_windows=False))
    assert max(b.window_contexts.shape[1] for b in batches) == max(map(len, DOCS)) - 1
    assert sorted(collect(batches)) == sorted(reference_pairs(DOCS, 10**8))


def test_raw_token_accounting_sums_to_corpus_size():
    rng = np.random.default_rng(0)
    docs = [list(rng.integers(0, 50, size=rng.integers(0, 40))) for _ in range(300)]
    corpus = make_corpus(docs)
    keep = np.full(50, 0.5)
    batches = list(iter_minibatches(corpus, window=5, batch_size=16, keep_probability=keep,
                                    block_size=256, seed_sequence=np.random.SeedSequence(3)))
    assert sum(b.n_raw_tokens for b in batches) == pytest.approx(corpus.n_tokens)
    kept = sum(b.n_effective_words for b in batches)
    assert 0.4 * corpus.n_tokens < kept < 0.6 * corpus.n_tokens


def test_shrunk_window_distance_distribution():
    """word2vec.c's reduced window: a context at distance k has weight (w - k + 1) / w."""
    window = 4
    doc = np.arange(200_000) % 1000  # distance recoverable from ids
    corpus = make_corpus([doc.tolist()])
    distances = []
    for batch in iter_minibatches(corpus, window=window, batch_size=4096,
                                  seed_sequence=np.random.SeedSequence(7)):
        delta = np.abs(batch.pair_centers.astype(int) - batch.contexts.astype(int))
        distances.append(np.minimum(delta, 1000 - delta))
    counts = np.bincount(np.concatenate(distances), minlength=window + 1)[1:]
    observed = counts / counts.sum()
    weights = window - np.arange(1, window + 1) + 1
    expected = weights / weights.sum()
    # ~1e6 pairs: the standard error of each frequency is below 1e-3.
    np.testing.assert_allclose(observed, expected, atol=5e-3)


def test_subsampling_removes_tokens_before_windowing():
    # Word 1 is always dropped, so 0 and 2 become neighbours at distance 1.
    corpus = make_corpus([[0, 1, 2]])
    keep = np.array([1.0, 0.0, 1.0])
    pairs = collect(iter_minibatches(corpus, window=1, batch_size=8, shrink_windows=False,
                                     keep_probability=keep))
    assert sorted(pairs) == [(0, 2), (2, 0)]


def test_same_seed_same_batches_and_different_seed_differs():
    rng = np.random.default_rng(1)
    corpus = make_corpus([list(rng.integers(0, 30, size=50)) for _ in range(40)])
    keep = np.full(30, 0.7)

    def run(seed):
        return collect(iter_minibatches(corpus, window=4, batch_size=8, keep_probability=keep,
                                        seed_sequence=np.random.SeedSequence(seed)))

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_iter_all_pairs_is_deterministic_full_window():
    corpus = make_corpus(DOCS)
    first = collect(iter_all_pairs(corpus, window=2, batch_size=5))
    assert sorted(first) == sorted(reference_pairs(DOCS, 2))
    assert collect(iter_all_pairs(corpus, window=2, batch_size=5)) == first


def test_block_boundaries_follow_documents():
    offsets = np.array([0, 3, 10, 12, 40, 41], dtype=np.int64)
    cuts = block_boundaries(offsets, 5)
    assert cuts[0] == 0 and cuts[-1] == 41
    assert np.all(np.diff(cuts) > 0)
    assert np.all(np.diff(cuts) <= 5)
    # No cut inside a document that fits in a block; the long ones (3..10, 12..40) are cut.
    for start, stop in zip(offsets[:-1], offsets[1:]):
        inside = cuts[(cuts > start) & (cuts < stop)]
        assert (len(inside) > 0) == (stop - start > 5)


def test_empty_corpus_yields_nothing():
    corpus = make_corpus([[], []])
    assert list(iter_minibatches(corpus, window=2, batch_size=4)) == []


def _block_pairs_with_position_matrix(ids, doc_of_token, *, window, shrink_windows,
                                      keep_probability, rng):
    """The previous implementation (an (n, 2 * window) matrix of positions), as reference."""
    if keep_probability is not None:
        kept = rng.random(len(ids)) < keep_probability[ids]
        ids, doc_of_token = ids[kept], doc_of_token[kept]
    n = len(ids)
    reach = rng.integers(1, window + 1, size=n) if shrink_windows else np.full(n, window)
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    positions = np.arange(n)[:, None] + offsets[None, :]
    valid = (positions >= 0) & (positions < n)
    np.clip(positions, 0, max(n - 1, 0), out=positions)
    valid &= doc_of_token[positions] == doc_of_token[:, None]
    valid &= np.abs(offsets)[None, :] <= reach[:, None]
    return ids, valid.sum(axis=1), ids[positions[valid]]


@pytest.mark.parametrize("n", [0, 1, 3, 200])
@pytest.mark.parametrize("window", [1, 4, 7])
@pytest.mark.parametrize("shrink_windows", [False, True])
@pytest.mark.parametrize("subsample", [False, True])
def test_block_pairs_match_the_position_matrix_reference(n, window, shrink_windows,
                                                         subsample):
    from sklearn_w2v._text.minibatches import block_pairs

    data = np.random.default_rng(n + window)
    ids = data.integers(0, 30, size=n).astype(np.int32)
    doc_of_token = np.sort(data.integers(0, max(n // 6, 1), size=n))
    keep = data.random(30) if subsample else None
    kwargs = dict(window=window, shrink_windows=shrink_windows, keep_probability=keep)
    got = block_pairs(ids, doc_of_token, rng=np.random.default_rng(5), **kwargs)
    expected = _block_pairs_with_position_matrix(ids, doc_of_token,
                                                 rng=np.random.default_rng(5), **kwargs)
    for a, b in zip(got, expected):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_blocks_decode_escaped_ids():
    """Ids above 16 bits (stored escaped) come out of the blocks as the original ids."""
    rng = np.random.default_rng(0)
    docs = [list(rng.integers(65_530, 65_545, size=rng.integers(0, 9))) for _ in range(50)]
    corpus = make_corpus(docs)
    assert corpus._escaped_ids.size > 0
    expected = reference_pairs(docs, 3)
    for block_size in (1000, 16):  # one block, and many blocks with escapes inside
        got = collect(iter_minibatches(corpus, window=3, batch_size=5, shrink_windows=False,
                                       block_size=block_size))
        if block_size == 1000:
            assert sorted(got) == sorted(expected)
        else:
            assert set(got) <= set(expected) and len(got) > 0.8 * len(expected)


def test_grids_built_several_minibatches_at_a_time_give_the_same_minibatches():
    rng = np.random.default_rng(8)
    corpus = make_corpus([list(rng.integers(0, 30, size=rng.integers(1, 40)))
                          for _ in range(80)])

    def batches(**grid):
        return [(b.centers, b.window_contexts, b.window_mask, b.n_effective_words)
                for b in iter_minibatches(corpus, window=5, batch_size=8,
                                          seed_sequence=np.random.SeedSequence(3), **grid)]

    together = batches()
    one_by_one = batches(grid_entries=1)  # one minibatch per grid
    assert len(together) == len(one_by_one) > 10
    for a, b in zip(together, one_by_one):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)


def test_windows_in_corpus_order_are_the_same_windows_in_runs():
    """``in_corpus_order`` (fastText's subword inputs): the same windows and the same
    random draws, each minibatch a run of consecutive windows, its grid as wide as its
    widest window."""
    rng = np.random.default_rng(9)
    docs = [list(rng.integers(0, 50, size=rng.integers(1, 30))) for _ in range(60)]
    corpus = make_corpus(docs)

    def batches(**options):
        return list(iter_minibatches(corpus, window=4, batch_size=16,
                                     seed_sequence=np.random.SeedSequence(5), **options))

    by_width, in_order = batches(), batches(in_corpus_order=True)
    assert sorted(collect(in_order)) == sorted(collect(by_width))
    assert sum(b.n_effective_words for b in in_order) == sum(
        b.n_effective_words for b in by_width)
    reference = reference_pairs(docs, 4)
    assert set(collect(in_order)) <= set(reference)
    # In corpus order the centers are the corpus's kept tokens in sequence; each grid is
    # as wide as its widest window (padding where the windows are narrower).
    centers = np.concatenate([b.centers for b in in_order])
    assert centers.tolist() == [word for doc in docs if len(doc) > 1 for word in doc]
    for batch in in_order:
        assert batch.window_mask.shape[1] == batch.window_mask.sum(axis=1).max()
    widths = [b.window_mask.shape[1] for b in by_width]
    assert widths == sorted(widths) and len(set(widths)) > 1
