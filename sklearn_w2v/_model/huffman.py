"""The Huffman tree of hierarchical softmax, as word2vec.c builds it.

Hierarchical softmax (Morin & Bengio 2005; Mikolov et al. 2013) replaces the softmax over
the vocabulary by a binary tree whose leaves are the words: each of the ``n_words - 1`` inner
nodes has a vector ``u_n``, and a word ``o`` is reached from the root by a path of inner nodes
``n_1 .. n_L`` with a bit ``c_k`` per step, so that

    p(o | v) = prod_k sigma((1 - 2 c_k) u_{n_k} . v)

is a normalised distribution over the words (at every node the two children share
``sigma(x) + sigma(-x) = 1``). word2vec.c takes the Huffman tree of the word counts: frequent
words get short paths, so a token costs about the entropy of the unigram distribution in
node updates instead of ``log2(n_words)``.
"""

from dataclasses import dataclass, replace

import numpy as np

# word2vec.c's MAX_CODE_LENGTH: a Huffman code longer than this needs counts that grow like
# Fibonacci numbers over 40 levels, i.e. more than 10^8 times the rarest count.
MAX_CODE_LENGTH = 40


@dataclass(frozen=True)
class HuffmanTree:
    """Paths from the root to every word.

    Attributes
    ----------
    points : ndarray of int32, shape (n_words, max_length)
        Inner node (row of the inner-node matrix, root = ``n_words - 2``) at each step of the
        word's path, root first; entries past the word's length are 0 (padding).
    codes : ndarray of int8, shape (n_words, max_length)
        The bit of each step (0: left, 1: right); padding is 0.
    lengths : ndarray of int32, shape (n_words,)
        Path length of each word.
    mask : ndarray of bool, shape (n_words, max_length)
        Which steps are on the path.
    signs : ndarray of float32, shape (n_words, max_length)
        ``2 c - 1`` on the path and 0 in the padding: the sign with which an inner node's
        logit ``x = u . v`` enters the loss ``softplus(sign * x) = -log p(step)``.
    """

    points: np.ndarray
    codes: np.ndarray
    lengths: np.ndarray
    mask: np.ndarray
    signs: np.ndarray

    @property
    def n_inner(self):
        """Number of inner nodes, ``n_words - 1``."""
        return len(self.lengths) - 1

    def paths(self, words):
        """Points, signs and mask of the paths of ``words``, cut to the longest among them.

        Returns
        -------
        points : ndarray of int32, shape (len(words), L)
        signs : ndarray of float32, shape (len(words), L)
        mask : ndarray of bool, shape (len(words), L)
        """
        length = int(self.lengths[words].max(initial=0))
        return (self.points[words, :length], self.signs[words, :length],
                self.mask[words, :length])


def huffman_tree(counts):
    """word2vec.c's Huffman tree of ``counts``.

    The two lightest nodes are merged repeatedly (word2vec.c's two-queue O(n) form over the
    counts in descending order; ties are broken as there); the lighter becomes the left child
    (code 0) and the other the right child (code 1), and merged node ``a`` is inner node ``a``.

    Parameters
    ----------
    counts : array-like of int, shape (n_words,)
        Word counts in non-increasing order (vocabulary order), at least two words.

    Returns
    -------
    HuffmanTree
    """
    counts = np.asarray(counts, dtype=np.int64)
    n = len(counts)
    if counts.ndim != 1 or n < 2:
        raise ValueError(
            f"Hierarchical softmax needs a vocabulary of at least 2 words, got {n}. Lower "
            f"min_count or pass more text.")
    if np.any(np.diff(counts) > 0):
        raise ValueError("counts must be in non-increasing order (vocabulary order).")
    weight = np.concatenate([counts, np.zeros(n - 1, dtype=np.int64)]).tolist()
    parent = [0] * (2 * n - 1)
    right = [0] * (2 * n - 1)
    # Leaves are taken from the lightest (position n - 1) down, merged nodes in the order
    # they are made (each heavier than the last): the lightest of the two queue heads is the
    # lightest node left. A loop over merges, not over tokens: fast enough for any
    # vocabulary (see benchmarks/DESIGN.md).
    leaf, merged = n - 1, n
    for new in range(n, 2 * n - 1):
        pair = []
        for _ in range(2):
            if leaf >= 0 and (merged >= new or weight[leaf] < weight[merged]):
                pair.append(leaf)
                leaf -= 1
            else:
                pair.append(merged)
                merged += 1
        weight[new] = weight[pair[0]] + weight[pair[1]]
        parent[pair[0]] = parent[pair[1]] = new
        right[pair[1]] = 1
    return _paths(np.asarray(parent), np.asarray(right, dtype=np.int8), n)


def _paths(parent, right, n):
    """Root-first points and codes of every leaf, walking all leaves up one level at a time."""
    root = 2 * n - 2
    node = np.arange(n)
    steps_points: list[np.ndarray] = []
    steps_codes: list[np.ndarray] = []
    active = node != root
    while active.any():
        if len(steps_points) == MAX_CODE_LENGTH:  # pragma: no cover - needs ~1e8 range
            raise ValueError(f"A Huffman code is longer than {MAX_CODE_LENGTH} bits.")
        steps_codes.append(np.where(active, right[node], 0))
        node = np.where(active, parent[node], node)
        steps_points.append(np.where(active, node, -1))
        active = node != root
    lengths = np.sum([points >= 0 for points in steps_points], axis=0).astype(np.int32)
    # Collected leaf-first; a word of length L has its steps in the first L entries.
    leaf_first_points = np.stack(steps_points, axis=1)
    leaf_first_codes = np.stack(steps_codes, axis=1)
    max_length = leaf_first_points.shape[1]
    # Root first: step k of a word of length L is its leaf-first step L - 1 - k.
    k = np.arange(max_length)
    source = np.clip(lengths[:, None] - 1 - k, 0, max_length - 1)
    on_path = k < lengths[:, None]
    points = np.where(on_path, np.take_along_axis(leaf_first_points, source, axis=1) - n, 0)
    codes = np.where(on_path, np.take_along_axis(leaf_first_codes, source, axis=1), 0)
    signs = np.where(on_path, 2.0 * codes - 1.0, 0.0).astype(np.float32)
    return HuffmanTree(points=points.astype(np.int32), codes=codes.astype(np.int8),
                       lengths=lengths, mask=on_path, signs=signs)


def huffman_tree_of(counts):
    """:func:`huffman_tree` of counts in any row order.

    Rows that continue from ``init`` keep the pretrained order, so the counts of X need not
    be non-increasing: the tree is built on them sorted (stably) and its per-word arrays
    are put back in row order; inner nodes do not depend on the rows. A count of 0 (a
    pretrained word that X lacks) counts as 1.
    """
    # Pretrained words that X lacks count 0; as 1 they form a balanced subtree (zeros would
    # merge into one chain, a code longer than word2vec.c's 40 bits).
    counts = np.maximum(np.asarray(counts), 1)
    order = np.argsort(-counts, kind="stable")
    tree = huffman_tree(counts[order])
    if np.array_equal(order, np.arange(len(order))):
        return tree
    rows = np.empty_like(order)
    rows[order] = np.arange(len(order))
    return replace(tree, points=tree.points[rows], codes=tree.codes[rows],
                   lengths=tree.lengths[rows], mask=tree.mask[rows], signs=tree.signs[rows])


@dataclass(frozen=True)
class TreeSplit:
    """A tree's paths split at ``depth``: the steps through the nodes nearer the root than
    ``depth`` as dense signs, and the rest of every path as a tree of its own.

    Attributes
    ----------
    depth : int
    top_nodes : ndarray of int32, shape (T,)
        The inner nodes at depth < ``depth`` (at most ``2 ** depth - 1``).
    top_signs : ndarray of float32, shape (n_words, T)
        ``top_signs[w, t]``: the sign of the step of ``w``'s path through ``top_nodes[t]``,
        0 if the path does not pass it.
    deep_lengths : ndarray of int32, shape (n_words,)
        Steps of every path from step ``depth`` on, ``max(length - depth, 0)``.
    deep_offsets : ndarray of int64, shape (n_words + 1,)
    deep_points, deep_signs : ndarray of shape (deep_offsets[-1],)
        The deep steps of all words back to back, without padding: word ``w``'s are
        ``deep_offsets[w]:deep_offsets[w + 1]``.
    """

    depth: int
    top_nodes: np.ndarray
    top_signs: np.ndarray
    deep_lengths: np.ndarray
    deep_offsets: np.ndarray
    deep_points: np.ndarray
    deep_signs: np.ndarray

    def deep_steps(self, words):
        """The deep steps of the paths of ``words``, back to back.

        Returns
        -------
        points : ndarray of int32, shape (P,)
        signs : ndarray of float32, shape (P,)
        pointers : ndarray of int64, shape (len(words) + 1,)
            Word ``i``'s steps are ``pointers[i]:pointers[i + 1]``.
        """
        lengths = self.deep_lengths[words]
        pointers = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(lengths, out=pointers[1:])
        # Position of each step in the back-to-back arrays: its word's start plus its
        # rank within the word.
        shift = np.repeat(self.deep_offsets[words] - pointers[:-1], lengths)
        shift += np.arange(pointers[-1])
        return self.deep_points[shift], self.deep_signs[shift], pointers


def split_tree(tree, depth):
    """:class:`TreeSplit` of ``tree`` at ``depth`` (steps ``0 .. depth - 1`` on top)."""
    depth = int(min(depth, tree.points.shape[1]))
    top_points = tree.points[:, :depth]
    top_mask = tree.mask[:, :depth]
    top_nodes = np.unique(top_points[top_mask]).astype(np.int32)
    column = np.searchsorted(top_nodes, top_points)
    words = np.broadcast_to(np.arange(len(tree.lengths))[:, None], top_points.shape)
    top_signs = np.zeros((len(tree.lengths), len(top_nodes)), dtype=np.float32)
    top_signs[words[top_mask], column[top_mask]] = tree.signs[:, :depth][top_mask]
    deep_lengths = np.maximum(tree.lengths - depth, 0).astype(np.int32)
    offsets = np.zeros(len(tree.lengths) + 1, dtype=np.int64)
    np.cumsum(deep_lengths, out=offsets[1:])
    deep_mask = tree.mask[:, depth:]
    return TreeSplit(depth=depth, top_nodes=top_nodes, top_signs=top_signs,
                     deep_lengths=deep_lengths, deep_offsets=offsets,
                     deep_points=tree.points[:, depth:][deep_mask],
                     deep_signs=tree.signs[:, depth:][deep_mask])
