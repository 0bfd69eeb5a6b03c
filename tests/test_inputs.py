"""Tests of sklearn_w2v._model.inputs: a word's input vector from its rows (word2vec) or from
its rows and its n-grams' rows (fastText), and its gradient routed back to every row."""

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose
from test_steps import (
    TREE,
    HierarchicalSoftmax,
    assert_matches_finite_differences,
    make_batch,
    make_parameters,
    noise_layer,
    random,
    softmax_layer,
)

from sklearn_w2v._model.architectures import Cbow, SkipGram
from sklearn_w2v._model.inputs import (
    NGRAMS,
    WORD_INPUTS,
    SubwordInputs,
    SubwordSettings,
    ngram_vectors,
)
from sklearn_w2v._model.sparse_rows import scatter_add_rows
from sklearn_w2v._model.steps import Step
from sklearn_w2v._text.subwords import ngram_buckets

# Six words (the vocabulary of test_steps' minibatch), their n-grams in five buckets: every
# bucket is shared by several words and some words repeat a bucket.
WORDS = ["aa", "ab", "ba", "bb", "abc", "cab"]
TABLE = ngram_buckets(WORDS, 2, 3, 5)
SUBWORDS = SubwordInputs(TABLE)


def subword_parameters(seed, d=4):
    parameters = make_parameters(seed, d)
    parameters[NGRAMS] = np.random.default_rng(seed + 100).standard_normal((5, d))
    return parameters


def reference_vector(parameters, word):
    """A word's input vector by the definition: the mean of its row and its n-gram rows."""
    rows = [parameters["input"][word]] + [parameters[NGRAMS][b] for b in TABLE.of(word)]
    return np.mean(rows, axis=0)


def dense(parameters, updates, scale=1.0):
    """The input side's updates summed into dense arrays, times ``scale``."""
    out = {name: np.zeros_like(matrix) for name, matrix in parameters.items()}
    for update in updates:
        gradients = update.gradients * (scale if update.parameter in ("input", NGRAMS)
                                        else 1.0)
        if update.rows is None:
            out[update.parameter] += gradients
        else:
            scatter_add_rows(out[update.parameter], update.rows, gradients, update.weights,
                             groups=update.groups)
    return out


def fasttext_rule(parameters, words, gradients, table=TABLE):
    """fastText's update, one occurrence at a time: word ``w``'s own row and each of its
    n-gram rows (as often as the n-gram occurs) receive the gradient whole."""
    out = {"input": np.zeros_like(parameters["input"]),
           NGRAMS: np.zeros_like(parameters[NGRAMS])}
    for word, gradient in zip(words, gradients):
        out["input"][word] += gradient
        for bucket in table.of(word):
            out[NGRAMS][bucket] += gradient
    return out


def test_word_vectors_are_the_mean_of_their_rows():
    parameters = subword_parameters(0)
    words = np.array([[5, 0, 5], [2, 2, 4]])
    vectors = SUBWORDS.vectors(parameters, words)
    assert vectors.shape == (2, 3, 4)
    for index in np.ndindex(words.shape):
        np.testing.assert_allclose(vectors[index], reference_vector(parameters, words[index]))
    np.testing.assert_allclose(SUBWORDS.word_vectors(parameters),
                               [reference_vector(parameters, w) for w in range(6)])
    # CBOW's sums: weighted sums of the words' vectors per group.
    groups, weights = np.array([0, 2, 3]), np.array([0.5, 2.0, 1.0])
    combined, _ = SUBWORDS.combine(parameters, np.array([1, 4, 1]), groups, weights)
    np.testing.assert_allclose(combined[0], 0.5 * reference_vector(parameters, 1)
                               + 2 * reference_vector(parameters, 4))
    np.testing.assert_allclose(combined[1], reference_vector(parameters, 1))


def test_a_word_without_ngrams_is_its_row():
    """With no n-grams every word's vector is its own row, as word2vec's inputs give it."""
    inputs = SubwordInputs(ngram_buckets(WORDS, 7, 9, 5))
    parameters = subword_parameters(1)
    words = np.array([3, 1, 3])
    np.testing.assert_array_equal(inputs.vectors(parameters, words),
                                  WORD_INPUTS.vectors(parameters, words))
    updates = inputs.updates(inputs.gather(parameters, words), np.ones((3, 4)), np.ones(3))
    assert updates[1].parameter == NGRAMS and len(updates[1].rows) == 0


def test_outside_the_vocabulary_a_word_is_the_mean_of_its_ngram_rows():
    parameters = subword_parameters(2)
    table = ngram_buckets(["abab", "c"], 2, 3, 5)
    vectors = ngram_vectors(parameters[NGRAMS], table)
    expected = parameters[NGRAMS][table.of(0)].mean(axis=0)
    np.testing.assert_allclose(vectors[0], expected)
    # "<c>" has the n-grams <c, c>, <c>; a table without any leaves the word at zero.
    assert not ngram_vectors(parameters[NGRAMS], ngram_buckets(["c"], 4, 4, 5)).any()


def test_updates_follow_fasttexts_rule():
    """Each occurrence's gradient reaches its word's row and every n-gram row whole;
    padding (count 0) moves nothing; an n-gram row's pair count adds up its words' shares."""
    parameters = subword_parameters(3)
    words = np.array([4, 1, 4, 0, 5])
    counts = np.array([1.0, 2.0, 1.0, 0.0, 3.0])
    gradients = np.random.default_rng(4).standard_normal((5, 4))
    updates = SUBWORDS.updates(SUBWORDS.gather(parameters, words), gradients, counts)
    expected = fasttext_rule(parameters, words[counts > 0], gradients[counts > 0])
    actual = dense(parameters, updates)
    for name in ("input", NGRAMS):
        np.testing.assert_allclose(actual[name], expected[name], err_msg=name)
    word_update, ngram_update = updates
    assert dict(zip(word_update.rows.tolist(), word_update.counts.tolist())) == {
        0: 0.0, 1: 2.0, 4: 2.0, 5: 3.0}
    bucket_counts = np.zeros(5)  # a word's updates count by its share 1 / (1 + n)
    for word, count in zip(words, counts):
        np.add.at(bucket_counts, TABLE.of(word), count / (1 + len(TABLE.of(word))))
    assert_allclose(ngram_update.counts, bucket_counts[ngram_update.rows])
    # Each n-gram row the minibatch uses is written once.
    assert np.array_equal(ngram_update.rows, np.unique(ngram_update.rows))


def test_combined_updates_give_every_occurrence_its_windows_gradient():
    parameters = subword_parameters(5)
    words, groups = np.array([4, 1, 1, 0, 4, 2]), np.array([0, 3, 4, 6])
    gradients = np.random.default_rng(6).standard_normal((3, 4))
    _, gathered = SUBWORDS.combine(parameters, words, groups, np.ones(6))
    updates = SUBWORDS.combined_updates(gathered, gradients, groups)
    expected = fasttext_rule(parameters, words, np.repeat(gradients, np.diff(groups), axis=0))
    actual = dense(parameters, updates)
    for name in ("input", NGRAMS):
        np.testing.assert_allclose(actual[name], expected[name], err_msg=name)


SUBWORD_STEPS = [
    Step(SkipGram(inputs=SUBWORDS), noise_layer()),
    Step(SkipGram(inputs=SUBWORDS), noise_layer(share_negatives=False)),
    Step(SkipGram(inputs=SUBWORDS), softmax_layer()),
    Step(SkipGram(inputs=SUBWORDS), HierarchicalSoftmax(TREE)),
    Step(Cbow(inputs=SUBWORDS), noise_layer(noise_groups=(4, 5))),
    Step(Cbow(mean=False, inputs=SUBWORDS), HierarchicalSoftmax(TREE)),
    Step(Cbow(inputs=SUBWORDS), softmax_layer()),
]


@pytest.mark.parametrize("step", SUBWORD_STEPS, ids=lambda s: (
    f"{s.architecture.name}-{getattr(s.architecture, 'mean', '')}-{s.layer.objective}-"
    f"{getattr(s.layer, 'share_negatives', '')}"))
def test_subword_steps_descend_their_loss(step):
    parameters = subword_parameters(7)
    batch = make_batch()
    result = step(parameters, batch, random(2))
    assert {u.parameter for u in result.updates} >= {"input", NGRAMS}
    moved = {name: matrix.copy() for name, matrix in parameters.items()}
    for update in result.updates:
        matrix = moved[update.parameter]
        if update.rows is None:
            matrix -= 1e-3 * update.gradients
        else:
            scatter_add_rows(matrix, update.rows, update.gradients, update.weights,
                             factor=-1e-3, groups=update.groups)
    assert step(moved, batch, random(2)).loss < result.loss


# Two-letter words with the n-grams of two characters: three n-grams each (<a, ab, b>),
# so every word's rows weigh 1/4 in its vector; five buckets shared by all.
UNIFORM = SubwordInputs(ngram_buckets(["aa", "ab", "ba", "bb", "ac", "ca"], 2, 2, 5))


@pytest.mark.parametrize("step", [
    Step(SkipGram(inputs=UNIFORM), noise_layer()),
    Step(SkipGram(inputs=UNIFORM), noise_layer(share_negatives=False)),
    Step(SkipGram(inputs=UNIFORM), softmax_layer()),
    Step(SkipGram(inputs=UNIFORM), HierarchicalSoftmax(TREE)),
    Step(Cbow(mean=False, inputs=UNIFORM), noise_layer()),
], ids=["ns", "ns-per-pair", "softmax", "hs", "cbow-sum"])
def test_subword_gradients_match_finite_differences(step):
    """The updates are 1 + n = 4 times the loss's gradient on the input side (fastText's
    rule, each row gets the vector's gradient whole) and the gradient elsewhere. CBOW's
    sum is the sum of all the rows of the window, and sends each row the window's error
    divided by their number (gensim's rule), which the test undoes through a batch of
    windows with as many contexts each."""
    parameters = subword_parameters(8)
    batch = make_batch()
    scale = 0.25
    if isinstance(step.architecture, Cbow):
        batch = _full_windows(batch)
        scale = 4 * batch.window_mask.sum(axis=1)[0]
    result = step(parameters, batch, random(9))
    assert_matches_finite_differences(step, parameters, batch,
                                      dense(parameters, result.updates, scale))


def _full_windows(batch):
    """The windows of ``batch`` that have the most contexts, only."""
    counts = batch.window_mask.sum(axis=1)
    keep = counts == counts.max()
    return dataclasses.replace(
        batch, centers=batch.centers[keep], window_contexts=batch.window_contexts[keep],
        window_mask=batch.window_mask[keep], n_pairs=int(counts[keep].sum()))


def test_subword_settings_choose_the_input_side():
    assert SubwordSettings(3, 6, 100).inputs_for(["cat"]).n_buckets == 100
    assert SubwordSettings(3, 0, 100).inputs_for(["cat"]) is WORD_INPUTS
    assert SubwordSettings(3, 6, 0).inputs_for(["cat"]) is WORD_INPUTS
    assert SubwordSettings(1, 2, 9).structure() == {"min_n": 1, "max_n": 2, "bucket": 9}


def test_cbow_combines_all_the_rows_of_a_window_as_fasttext_does():
    """fastText's hidden vector is the mean of every row of the window (each context
    word's own row and its n-grams' rows), gensim's sum their sum."""
    parameters = subword_parameters(11)
    words, groups, counts = np.array([4, 0, 1]), np.array([0, 2, 3]), np.array([2, 1])
    for mean in (True, False):
        weights, n_combined = SUBWORDS.window_weights(words, counts, groups, mean)
        hidden, _ = SUBWORDS.combine(parameters, words, groups, weights)
        rows = [[parameters["input"][w], *parameters[NGRAMS][TABLE.of(w)]] for w in words]
        window = np.concatenate(rows[:2])
        assert n_combined.tolist() == [len(window), len(rows[2])]
        assert_allclose(hidden[0], window.mean(axis=0) if mean else window.sum(axis=0))
        assert_allclose(hidden[1], np.mean(rows[2], axis=0) if mean
                        else np.sum(rows[2], axis=0))
    # Words without n-grams: word2vec's mean of the context vectors.
    weights, n_combined = WORD_INPUTS.window_weights(words, counts, groups, True)
    assert weights.tolist() == [0.5, 0.5, 1.0] and n_combined.tolist() == [2, 1]
