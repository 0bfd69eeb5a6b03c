"""Tests of sklearn_w2v._model.huffman: word2vec.c's Huffman tree and the paths it gives."""

import heapq

import numpy as np
import pytest

from sklearn_w2v._model.huffman import huffman_tree, split_tree


def optimal_cost(counts):
    """sum(count * code length) of a Huffman code (unique even where trees differ)."""
    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    return cost


def test_small_tree_by_hand():
    # Merges: (w3, w2) -> inner 0; (inner 0, w1) -> inner 1; (w0, inner 1) -> inner 2 (root).
    tree = huffman_tree([5, 3, 2, 1])
    assert tree.lengths.tolist() == [1, 2, 3, 3]
    codes = ["".join(map(str, tree.codes[w, :tree.lengths[w]])) for w in range(4)]
    assert codes == ["0", "11", "101", "100"]
    assert tree.points[2, :3].tolist() == [2, 1, 0]
    assert tree.points[1, :2].tolist() == [2, 1]
    assert tree.n_inner == 3


@pytest.mark.parametrize("seed", range(4))
def test_codes_are_an_optimal_prefix_code_over_the_inner_nodes(seed):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.zipf(1.3, size=300) + rng.integers(0, 3, size=300))[::-1]
    tree = huffman_tree(counts)
    n = len(counts)
    # Optimal: same total cost as any Huffman code of these counts.
    assert int(counts @ tree.lengths) == optimal_cost(counts)
    # Kraft equality: a complete binary tree.
    assert np.isclose(np.sum(2.0 ** -tree.lengths.astype(float)), 1.0)
    # Every path starts at the root, and the paths (points, codes) form a tree: each inner
    # node has exactly two children, told apart by the code bit.
    mask = tree.mask
    assert (tree.points[:, 0] == n - 2).all()
    assert tree.points[mask].min() >= 0 and tree.points[mask].max() == n - 2
    children = {}
    for w in range(n):
        length = tree.lengths[w]
        for k in range(length):
            child = ("leaf", w) if k == length - 1 else ("node", tree.points[w, k + 1])
            key = (tree.points[w, k], tree.codes[w, k])
            assert children.setdefault(key, child) == child
    assert len(children) == 2 * (n - 1)
    # Frequent words get paths no longer than rarer ones.
    assert np.all(np.diff(tree.lengths) >= 0)
    # Padding is zero.
    assert not tree.points[~mask].any() and not tree.codes[~mask].any()


def test_signs_follow_the_codes_and_vanish_in_padding():
    tree = huffman_tree([5, 3, 2, 1])
    assert tree.signs[2, :3].tolist() == [1.0, -1.0, 1.0]
    assert tree.signs[0].tolist() == [-1.0, 0.0, 0.0]


def test_rejects_fewer_than_two_words_and_unsorted_counts():
    with pytest.raises(ValueError, match="at least 2 words"):
        huffman_tree([7])
    with pytest.raises(ValueError, match="non-increasing"):
        huffman_tree([1, 2])


def test_two_equal_words():
    tree = huffman_tree([4, 4])
    assert tree.lengths.tolist() == [1, 1] and tree.points[:, 0].tolist() == [0, 0]
    assert sorted(tree.codes[:, 0].tolist()) == [0, 1]


@pytest.mark.parametrize("depth", [0, 1, 3, 50])
def test_a_split_tree_keeps_every_step_of_every_path(depth):
    """Top signs and deep steps together are each word's path: the same (node, sign)
    steps, none lost or doubled."""
    counts = np.sort(np.random.default_rng(0).integers(1, 1000, size=40))[::-1]
    tree = huffman_tree(counts)
    split = split_tree(tree, depth)
    assert len(split.top_nodes) <= 2 ** split.depth - 1
    words = np.arange(len(counts))
    points, signs, pointers = split.deep_steps(words)
    for w in words:
        path = {(int(n), float(s)) for n, s in zip(tree.points[w, :tree.lengths[w]],
                                                    tree.signs[w, :tree.lengths[w]])}
        top = {(int(split.top_nodes[t]), float(split.top_signs[w, t]))
               for t in np.flatnonzero(split.top_signs[w])}
        deep = {(int(n), float(s)) for n, s in zip(points[pointers[w]:pointers[w + 1]],
                                                   signs[pointers[w]:pointers[w + 1]])}
        assert top | deep == path and not top & deep
        assert len(top) == min(split.depth, tree.lengths[w])
