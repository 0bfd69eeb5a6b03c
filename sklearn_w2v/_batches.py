"""Encoded corpus → minibatches of skip-gram (center, context) pairs.

Everything here is vectorized over a *block* of tokens: the only Python loops are over blocks
and minibatches, never over tokens or pairs.

A block is a run of whole documents of about ``block_size`` tokens (a document longer than
that is cut, which only loses the few pairs that would straddle the cut). For each block:

1. subsampling draws a keep/drop decision per token (word2vec.c drops a token before the window
   is applied, so dropped words also shrink distances between the words that remain);
2. each kept token becomes a center with a window ``b`` drawn uniformly from ``1..window`` when
   ``shrink_windows`` (word2vec.c's "reduced window", which weights a context at distance k by
   ``(window - k + 1) / window``), otherwise ``b = window``;
3. the contexts are the kept tokens at distance ``1..b`` on either side *within the same
   document*; they are laid out center-major, so the pairs of one center are contiguous.

A minibatch is ``batch_size`` consecutive centers with all their pairs, represented as
``centers`` (one row per center), ``contexts`` (one entry per pair) and ``owner`` (the center
row of each pair). The full softmax needs exactly that grouping (one log-sum-exp per center);
the pairwise objectives use ``centers[owner]``.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Minibatch:
    """Skip-gram pairs of a run of consecutive centers.

    Attributes
    ----------
    centers : ndarray of int32, shape (n_centers,)
        Vocabulary row of each center token that has at least one context.
    contexts : ndarray of int32, shape (n_pairs,)
        Vocabulary row of the context word of each pair.
    owner : ndarray of intp, shape (n_pairs,)
        Index into ``centers`` of the center of each pair; non-decreasing.
    n_raw_tokens : float
        Number of corpus tokens (before subsampling) this minibatch accounts for; used for
        the learning-rate schedule and words/s reporting.
    n_effective_words : int
        Number of tokens kept by subsampling in this minibatch (gensim's "effective words").
    """

    centers: np.ndarray
    contexts: np.ndarray
    owner: np.ndarray
    n_raw_tokens: float
    n_effective_words: int

    @property
    def n_pairs(self):
        return len(self.contexts)

    @property
    def pair_centers(self):
        """Vocabulary row of the center of each pair, shape (n_pairs,)."""
        return self.centers[self.owner]


def block_boundaries(doc_offsets, block_size):
    """Cut points of blocks of whole documents of at most ``block_size`` tokens.

    Returns an int64 array starting at 0 and ending at the number of tokens. Each cut is the
    last document boundary that keeps the block within ``block_size`` tokens; only a document
    longer than ``block_size`` is cut inside, so that memory per block stays bounded.
    """
    n_tokens = int(doc_offsets[-1])
    cuts = [0]
    # A loop over blocks (a few hundred for a 13M-token corpus), not over tokens.
    while cuts[-1] < n_tokens:
        target = cuts[-1] + block_size
        if target >= n_tokens:
            cuts.append(n_tokens)
            break
        boundary = int(doc_offsets[np.searchsorted(doc_offsets, target, side="right") - 1])
        cuts.append(boundary if boundary > cuts[-1] else target)
    return np.asarray(cuts, dtype=np.int64)


def block_pairs(ids, doc_of_token, *, window, shrink_windows, keep_probability, rng):
    """All (center, context) pairs of one block, center-major.

    Parameters
    ----------
    ids : ndarray of int32, shape (n,)
        Vocabulary rows of the block's tokens.
    doc_of_token : ndarray of int, shape (n,)
        Document number of each token; windows never cross a change of document.
    window : int
        Maximum distance between center and context.
    shrink_windows : bool
        Draw each center's effective window uniformly from ``1..window``.
    keep_probability : ndarray of float64 or None
        Per-word probability of keeping a token (subsampling); None keeps every token.
    rng : numpy.random.Generator

    Returns
    -------
    centers : ndarray of int32, shape (n_kept,)
        Word of every kept token (centers with no context included).
    context_counts : ndarray of intp, shape (n_kept,)
        Number of contexts of each kept token.
    contexts : ndarray of int32, shape (sum(context_counts),)
        Context words, grouped by center in center order.
    """
    if keep_probability is not None:
        kept = rng.random(len(ids)) < keep_probability[ids]
        ids = ids[kept]
        doc_of_token = doc_of_token[kept]
    n = len(ids)
    if shrink_windows:
        reach = rng.integers(1, window + 1, size=n)
    else:
        reach = np.full(n, window)
    # Offsets -window..-1, 1..window. valid[i, j]: token i + offsets[j] is a context of center
    # i; context_ids[i, j] is its word where valid. Both are filled one offset (column) at a
    # time from shifted slices, so no (n, 2 * window) matrix of positions or document
    # numbers is built.
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    valid = np.zeros((n, offsets.size), dtype=bool)
    context_ids = np.empty((n, offsets.size), dtype=ids.dtype)
    for column, offset in enumerate(offsets.tolist()):
        distance = abs(offset)
        if distance >= n:
            continue
        centers = slice(0, n - offset) if offset > 0 else slice(distance, n)
        contexts = slice(offset, n) if offset > 0 else slice(0, n - distance)
        in_window = valid[centers, column]
        np.equal(doc_of_token[centers], doc_of_token[contexts], out=in_window)
        in_window &= reach[centers] >= distance
        context_ids[centers, column] = ids[contexts]
    # Boolean indexing walks the matrix row by row: the pairs come out center-major.
    return ids, valid.sum(axis=1), context_ids[valid]


def iter_minibatches(corpus, *, window, batch_size, shrink_windows=True,
                     keep_probability=None, block_size=65536, seed_sequence=None):
    """Yield the minibatches of one epoch over ``corpus`` in corpus order.

    Parameters
    ----------
    corpus : EncodedCorpus
    window, shrink_windows, keep_probability :
        See :func:`block_pairs`.
    batch_size : int
        Number of centers per minibatch (the last one of a block may have fewer).
    block_size : int
        Tokens per block; only affects memory and speed, not the pairs produced, except for
        documents longer than a block.
    seed_sequence : numpy.random.SeedSequence
        Each block draws from its own generator spawned from this sequence, so the pairs of a
        block do not depend on which thread generates them.

    Yields
    ------
    Minibatch
    """
    if seed_sequence is None:
        seed_sequence = np.random.SeedSequence()
    cuts = block_boundaries(corpus.doc_offsets, block_size)
    block_seeds = seed_sequence.spawn(len(cuts) - 1)
    for start, stop, block_seed in zip(cuts[:-1], cuts[1:], block_seeds):
        yield from _block_minibatches(
            corpus, int(start), int(stop), window=window, batch_size=batch_size,
            shrink_windows=shrink_windows, keep_probability=keep_probability,
            rng=np.random.default_rng(block_seed))


def _block_minibatches(corpus, start, stop, *, window, batch_size, shrink_windows,
                       keep_probability, rng):
    ids = corpus.token_ids(start, stop)
    # Positions in the offsets' dtype: searchsorted would otherwise convert all offsets.
    positions = np.arange(start, stop, dtype=corpus.doc_offsets.dtype)
    doc_of_token = np.searchsorted(corpus.doc_offsets, positions, side="right")
    centers, counts, contexts = block_pairs(
        ids, doc_of_token, window=window, shrink_windows=shrink_windows,
        keep_probability=keep_probability, rng=rng)
    n_kept = len(centers)
    if n_kept == 0:
        # Still account for the block's tokens, which move the learning-rate schedule on.
        empty = np.zeros(0, dtype=np.int32)
        yield Minibatch(centers=empty, contexts=empty, owner=np.zeros(0, dtype=np.intp),
                        n_raw_tokens=float(stop - start), n_effective_words=0)
        return
    pair_ends = np.cumsum(counts)
    raw_per_kept = (stop - start) / n_kept
    for first in range(0, n_kept, batch_size):
        last = min(first + batch_size, n_kept)
        batch_counts = counts[first:last]
        pair_start = pair_ends[first - 1] if first else 0
        pair_stop = pair_ends[last - 1]
        has_context = batch_counts > 0
        yield Minibatch(
            centers=centers[first:last][has_context],
            contexts=contexts[pair_start:pair_stop],
            owner=np.repeat(np.arange(int(has_context.sum())), batch_counts[has_context]),
            n_raw_tokens=raw_per_kept * (last - first),
            n_effective_words=last - first,
        )


def iter_all_pairs(corpus, *, window, batch_size, block_size=65536):
    """Every pair at full window without subsampling, deterministically (for scoring)."""
    return iter_minibatches(corpus, window=window, batch_size=batch_size,
                            shrink_windows=False, keep_probability=None,
                            block_size=block_size,
                            seed_sequence=np.random.SeedSequence(0))
