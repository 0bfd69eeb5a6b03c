"""Encoded corpus → minibatches of skip-gram windows.

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
   document*: a contiguous run of kept tokens around the center, stored as how many lie
   before it and after it.

A minibatch is ``batch_size`` windows laid out as one row each of a ``(n_windows, width)``
grid of context words, left-aligned, with a boolean mask of the slots in use: the pairwise
objectives score a window's contexts against its ``K + 1`` output words as one small matrix
product per window, which needs exactly that layout. Within a block the windows are ordered
by their number of contexts (a stable sort), so that the windows of one minibatch have about
the same size and the grid is only as wide as its widest window: on real text with shrinking
windows that cuts the padding, and the rows gathered and scattered with it, by a large
share (benchmarks/DESIGN.md). Which windows share a minibatch changes, not which windows there are.
Centers without any context (a one-word document after subsampling) are dropped.

The full softmax and the per-pair objectives read the same pairs flattened: ``contexts`` (one
entry per pair) and ``owner`` (the window of each pair).
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

# Slots (window x context) of the grids built at once: 1 MB of int32 positions, and as much
# again for the context words; a block's grids are built in a few calls, and its
# temporaries stay small (benchmarks/DESIGN.md).
_GRID_ENTRIES = 1 << 18


@dataclass
class Minibatch:
    """Skip-gram windows: centers with the context words of each.

    Attributes
    ----------
    centers : ndarray of int32, shape (n_windows,)
        Vocabulary row of each center token (each has at least one context).
    window_contexts : ndarray of int32, shape (n_windows, width)
        Vocabulary rows of each window's context words in its first ``n_contexts`` slots;
        the other slots repeat the center's row (any valid row would do: they are masked).
    window_mask : ndarray of bool, shape (n_windows, width)
        Which slots hold a context word.
    n_raw_tokens : float
        Number of corpus tokens (before subsampling) this minibatch accounts for; used for
        the learning-rate schedule.
    n_effective_words : int
        Number of tokens kept by subsampling in this minibatch (gensim's "effective words").
    n_pairs : int
        Number of (center, context) pairs, ``window_mask.sum()``.
    documents : ndarray of intp, shape (n_windows,), or None
        Document (index in the corpus) of each center, for the paragraph-vector
        architectures; None unless asked for.
    """

    centers: np.ndarray
    window_contexts: np.ndarray
    window_mask: np.ndarray
    n_raw_tokens: float
    n_effective_words: int
    n_pairs: int
    documents: object = None

    @cached_property
    def contexts(self):
        """ndarray of int32, shape (n_pairs,): context word of each pair, window-major."""
        return self.window_contexts[self.window_mask]

    @cached_property
    def owner(self):
        """ndarray of intp, shape (n_pairs,): index into ``centers`` of each pair's window;
        non-decreasing."""
        return np.repeat(np.arange(len(self.centers)), self.window_mask.sum(axis=1))

    @property
    def trainable(self):
        """Whether the minibatch has a prediction to train: a (center, context) pair, or a
        center whose document vector predicts it."""
        return self.n_pairs > 0 or (self.documents is not None and len(self.centers) > 0)

    @property
    def pair_centers(self):
        """Vocabulary row of the center of each pair, shape (n_pairs,)."""
        return self.centers[self.owner]


@dataclass(frozen=True)
class BlockWindows:
    """The windows of one block (see :func:`block_windows`)."""

    ids: np.ndarray
    centers: np.ndarray
    left: np.ndarray
    n_contexts: np.ndarray
    n_kept: int
    documents: object = None  # document number of each kept token


def block_boundaries(doc_offsets, block_size):
    """Cut points of blocks of whole documents of at most ``block_size`` tokens.

    Returns an int64 array starting at 0 and ending at the number of tokens. Each cut is the
    last document boundary that keeps the block within ``block_size`` tokens; only a document
    longer than ``block_size`` is cut inside, so that memory per block stays bounded.
    """
    n_tokens = int(doc_offsets[-1])
    cuts = [0]
    # A loop over blocks (one per block_size tokens), not over tokens.
    while cuts[-1] < n_tokens:
        target = cuts[-1] + block_size
        if target >= n_tokens:
            cuts.append(n_tokens)
            break
        boundary = int(doc_offsets[np.searchsorted(doc_offsets, target, side="right") - 1])
        cuts.append(boundary if boundary > cuts[-1] else target)
    return np.asarray(cuts, dtype=np.int64)


def _context_spans(ids, doc_of_token, *, window, shrink_windows, keep_probability, rng):
    """Subsample a block and find each kept token's contexts.

    A center's contexts are the kept tokens within its reach on either side and in its
    document: always a contiguous run of kept tokens, ``left`` of them before the center and
    ``right`` after it. Storing those two numbers instead of a (tokens x 2 * window) matrix
    keeps memory proportional to the text whatever ``window`` is.

    Returns
    -------
    ids : ndarray of int32, shape (n_kept,)
        Word of every kept token.
    left, right : ndarray of int64, shape (n_kept,)
        Number of contexts before and after each kept token.
    doc_of_token : ndarray, shape (n_kept,)
        Document number of each kept token.
    """
    if keep_probability is not None:
        kept = rng.random(len(ids)) < keep_probability[ids]
        ids = ids[kept]
        doc_of_token = doc_of_token[kept]
    n = len(ids)
    if shrink_windows:
        reach = rng.integers(1, window + 1, size=n)
    else:
        reach = np.full(n, window, dtype=np.int64)
    # Runs of equal document number: [run_start, run_stop) around every token.
    boundaries = np.flatnonzero(doc_of_token[1:] != doc_of_token[:-1]) + 1
    run_edges = np.concatenate([[0], boundaries, [n]])
    run_lengths = np.diff(run_edges)
    run_start = np.repeat(run_edges[:-1], run_lengths)
    position = np.arange(n)
    left = np.minimum(reach, position - run_start)
    right = np.minimum(reach, np.repeat(run_edges[1:], run_lengths) - 1 - position)
    return ids, left, right, doc_of_token


def _context_positions(centers, left, columns):
    """Positions of the contexts of centers at positions ``centers`` with ``left`` contexts
    before them, in slots ``columns``: slot s is the s-th kept token of the span, skipping
    the center itself. int32 like ``columns`` (positions within a block)."""
    first = (centers - left).astype(columns.dtype)[:, None]
    return first + columns + (columns >= left[:, None])


def block_pairs(ids, doc_of_token, *, window, shrink_windows, keep_probability, rng):
    """All (center, context) pairs of one block, center-major, in corpus order.

    Parameters
    ----------
    ids : ndarray of int32, shape (n,)
        Vocabulary rows of the block's tokens.
    doc_of_token : ndarray of int, shape (n,)
        Document number of each token (non-decreasing); windows never cross a change of
        document.
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
    ids, left, right, _ = _context_spans(ids, doc_of_token, window=window,
                                         shrink_windows=shrink_windows,
                                         keep_probability=keep_probability, rng=rng)
    counts = left + right
    owner = np.repeat(np.arange(len(ids)), counts)
    slots = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    positions = owner - left[owner] + slots + (slots >= left[owner])
    return ids, counts.astype(np.intp), ids[positions]


def block_windows(ids, doc_of_token, *, window, shrink_windows, keep_probability, rng,
                  keep_isolated=False, in_corpus_order=False):
    """The windows of one block, ordered by their number of contexts.

    Same random draws and the same windows as :func:`block_pairs`; centers without a
    context are dropped, unless ``keep_isolated`` (the paragraph-vector architectures,
    where the document vector predicts every kept token). With ``in_corpus_order`` the
    windows stay in the order of their centers in the corpus: a minibatch is then a run
    of consecutive windows, whose context words repeat the same few hundred tokens
    (fastText's subword inputs form each distinct word's vector once per minibatch), at
    the price of grids as wide as their widest window.

    Returns
    -------
    BlockWindows
        ``ids`` (int32, the kept tokens), ``centers`` (positions in ``ids`` of the centers,
        ordered by number of contexts), ``left`` and ``n_contexts`` (contexts before each
        center and in all, non-decreasing), ``n_kept`` (tokens kept by subsampling,
        including those without a context) and ``documents`` (document number of each kept
        token).
    """
    ids, left, right, documents = _context_spans(ids, doc_of_token, window=window,
                                                 shrink_windows=shrink_windows,
                                                 keep_probability=keep_probability, rng=rng)
    counts = left + right
    if keep_isolated:
        # The windows of a document are neighbours in the corpus: in one minibatch their
        # updates of the document's vector would be summed at one point. In random order
        # they spread over the block's minibatches, closer to sequential SGD.
        shuffled = rng.permutation(len(counts))
        order = shuffled[np.argsort(counts[shuffled], kind="stable")]
    elif in_corpus_order:
        order = np.flatnonzero(counts > 0)
    else:
        order = np.argsort(counts, kind="stable")
        order = order[counts[order] > 0]
    return BlockWindows(ids=ids, centers=order, left=left[order], n_contexts=counts[order],
                        n_kept=len(ids), documents=documents)


def iter_minibatches(corpus, *, window, batch_size, shrink_windows=True,
                     keep_probability=None, block_size=65536, seed_sequence=None,
                     keep_isolated=False, with_documents=False, in_corpus_order=False,
                     grid_entries=_GRID_ENTRIES):
    """Yield the minibatches of one epoch over ``corpus``, block by block.

    Parameters
    ----------
    corpus : EncodedCorpus
    window, shrink_windows, keep_probability :
        See :func:`block_pairs`.
    batch_size : int
        Number of windows per minibatch (the last one of a block may have fewer).
    block_size : int
        Tokens per block; only affects memory and speed, not the windows produced, except
        for documents longer than a block.
    seed_sequence : numpy.random.SeedSequence
        Each block draws from its own generator spawned from this sequence, so the windows
        of a block do not depend on which process generates them.
    keep_isolated, with_documents, in_corpus_order, grid_entries :
        See :func:`block_minibatches`.

    Yields
    ------
    Minibatch
    """
    if seed_sequence is None:
        seed_sequence = np.random.SeedSequence()
    cuts = block_boundaries(corpus.doc_offsets, block_size)
    block_seeds = seed_sequence.spawn(len(cuts) - 1)
    for start, stop, block_seed in zip(cuts[:-1], cuts[1:], block_seeds):
        yield from block_minibatches(
            corpus, int(start), int(stop), window=window, batch_size=batch_size,
            shrink_windows=shrink_windows, keep_probability=keep_probability,
            rng=np.random.default_rng(block_seed), keep_isolated=keep_isolated,
            with_documents=with_documents, in_corpus_order=in_corpus_order,
            grid_entries=grid_entries)


def block_minibatches(corpus, start, stop, *, window, batch_size, shrink_windows,
                      keep_probability, rng, keep_isolated=False, with_documents=False,
                      in_corpus_order=False, grid_entries=_GRID_ENTRIES):
    """Yield the minibatches of tokens ``start:stop`` of ``corpus`` (one block).

    ``keep_isolated`` keeps centers without any context, ``in_corpus_order`` keeps the
    windows in corpus order (see :func:`block_windows`);
    ``with_documents`` gives every minibatch the document of each center
    (:attr:`Minibatch.documents`). The grids of several minibatches are built at once, as
    many as fit in ``grid_entries`` slots: this bounds memory and does not change the
    minibatches.
    """
    ids = corpus.token_ids(start, stop)
    # Positions in the offsets' dtype: searchsorted would otherwise convert all offsets.
    positions = np.arange(start, stop, dtype=corpus.doc_offsets.dtype)
    doc_of_token = np.searchsorted(corpus.doc_offsets, positions, side="right")
    windows = block_windows(
        ids, doc_of_token, window=window, shrink_windows=shrink_windows,
        keep_probability=keep_probability, rng=rng, keep_isolated=keep_isolated,
        in_corpus_order=in_corpus_order)
    n_windows = len(windows.centers)
    if n_windows == 0:
        # Still account for the block's tokens, which move the learning-rate schedule on.
        empty = np.zeros((0, 0), dtype=np.int32)
        yield Minibatch(centers=np.zeros(0, dtype=np.int32), window_contexts=empty,
                        window_mask=empty.astype(bool), n_raw_tokens=float(stop - start),
                        n_effective_words=windows.n_kept, n_pairs=0)
        return
    # Raw and kept tokens are spread evenly over the block's minibatches.
    raw_per_window = (stop - start) / n_windows
    kept_per_window = windows.n_kept / n_windows
    # The grids of several minibatches are built at once (a dozen NumPy calls each time,
    # whatever their size), as many as fit in grid_entries slots.
    widest = int(windows.n_contexts.max())
    per_grid = max(1, grid_entries // (batch_size * max(widest, 1))) * batch_size
    for grid_first in range(0, n_windows, per_grid):
        grid_last = min(grid_first + per_grid, n_windows)
        centers = windows.centers[grid_first:grid_last]
        counts = windows.n_contexts[grid_first:grid_last]
        # The grid as wide as its widest window (the last one, unless in corpus order).
        # int32: positions within a block (at most block_size tokens) halve the grid.
        columns = np.arange(int(counts.max()), dtype=np.int32)
        mask = columns < counts[:, None]
        positions = _context_positions(centers, windows.left[grid_first:grid_last], columns)
        # Padding slots point at the center itself: a valid row that the mask ignores.
        np.copyto(positions, centers[:, None], where=~mask)
        contexts = windows.ids[positions]
        center_words = windows.ids[centers]
        # searchsorted numbers the documents from 1 (the offsets start with 0).
        center_documents = (windows.documents[centers] - 1 if with_documents else None)
        for first in range(0, len(centers), batch_size):
            last = min(first + batch_size, len(centers))
            width = int(counts[first:last].max())
            yield Minibatch(
                centers=center_words[first:last],
                window_contexts=contexts[first:last, :width],
                window_mask=mask[first:last, :width],
                n_raw_tokens=raw_per_window * (last - first),
                n_effective_words=(round(kept_per_window * (grid_first + last))
                                   - round(kept_per_window * (grid_first + first))),
                n_pairs=int(counts[first:last].sum()),
                documents=(None if center_documents is None
                           else center_documents[first:last]),
            )


def iter_all_pairs(corpus, *, window, batch_size, block_size=65536, shrink_windows=False,
                   **options):
    """Every pair at full window without subsampling, deterministically (for scoring).

    ``options`` are those of :func:`block_minibatches` (``keep_isolated``,
    ``with_documents``).
    """
    return iter_minibatches(corpus, window=window, batch_size=batch_size,
                            shrink_windows=shrink_windows, keep_probability=None,
                            block_size=block_size,
                            seed_sequence=np.random.SeedSequence(0), **options)
