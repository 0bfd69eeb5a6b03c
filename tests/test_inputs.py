"""Tests of sklearn_w2v._model.inputs: a word's input vector from its rows (word2vec) or from
its rows and its n-grams' rows (fastText), and its gradient routed back to every row."""

import numpy as np
import pytest
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


def dense(parameters, updates, scale_by_word=True):
    """The updates summed into dense arrays; with ``scale_by_word`` each word's share
    multiplied by 1 / (1 + n): every row receives the gradient with respect to the word's
    vector whole (fastText's rule), whose derivative through the mean is that share."""
    out = {name: np.zeros_like(matrix) for name, matrix in parameters.items()}
    scale = 1.0 / (1.0 + TABLE.lengths)
    words = next(u.rows for u in updates if u.parameter == "input")
    for update in updates:
        gradients = update.gradients
        if scale_by_word and update.parameter in ("input", NGRAMS):
            gradients = gradients * scale[words][:, None]
        if update.rows is None:
            out[update.parameter] += gradients
        else:
            scatter_add_rows(out[update.parameter], update.rows, gradients, update.weights,
                             groups=update.groups)
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
    # The sums of CBOW: weighted sums of the words' vectors per group.
    groups, weights = np.array([0, 2, 3]), np.array([0.5, 2.0, 1.0])
    combined = SUBWORDS.combine(parameters, np.array([1, 4, 1]), groups, weights)
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
    updates = inputs.updates(words, np.ones((3, 4)), np.ones(3))
    assert updates[1].parameter == NGRAMS and len(updates[1].rows) == 0


def test_outside_the_vocabulary_a_word_is_the_mean_of_its_ngram_rows():
    parameters = subword_parameters(2)
    table = ngram_buckets(["abab", "c"], 2, 3, 5)
    vectors = ngram_vectors(parameters[NGRAMS], table)
    expected = parameters[NGRAMS][table.of(0)].mean(axis=0)
    np.testing.assert_allclose(vectors[0], expected)
    # "<c>" has the n-grams <c, c>, <c>; a table without any leaves the word at zero.
    assert not ngram_vectors(parameters[NGRAMS], ngram_buckets(["c"], 4, 4, 5)).any()


def linear_loss(coefficients, vectors):
    return float((coefficients * vectors).sum())


def test_updates_are_the_gradient_of_the_word_vectors():
    """Against central differences of L = sum_i <A_i, vector(word_i)>, whose gradient with
    respect to each occurrence's vector is A_i: padding (count 0) moves nothing."""
    parameters = subword_parameters(3)
    words = np.array([4, 1, 4, 0, 5])
    counts = np.array([1.0, 2.0, 1.0, 0.0, 3.0])
    coefficients = np.random.default_rng(4).standard_normal((5, 4))
    coefficients[3] = 0  # a padding slot's gradient is zero, as a layer gives it

    def loss(moved):
        return linear_loss(coefficients, SUBWORDS.vectors(moved, words))

    updates = SUBWORDS.updates(words, coefficients, counts)
    assert_matches_finite_differences(_Function(loss), parameters, None,
                                      dense(parameters, updates))
    # Pair counts per row: word 4 twice (1 + 1), its n-gram rows as many times.
    word_update = updates[0]
    assert dict(zip(word_update.rows.tolist(), word_update.counts.tolist())) == {
        1: 2.0, 4: 2.0, 5: 3.0}


def test_combined_updates_give_every_occurrence_its_windows_gradient():
    """Against central differences of L = sum_g <A_g, sum of the vectors of group g>."""
    parameters = subword_parameters(5)
    words, groups = np.array([4, 1, 1, 0, 4, 2]), np.array([0, 3, 4, 6])
    coefficients = np.random.default_rng(6).standard_normal((3, 4))

    def loss(moved):
        return linear_loss(coefficients, SUBWORDS.combine(moved, words, groups, np.ones(6)))

    updates = SUBWORDS.combined_updates(words, coefficients, groups)
    assert_matches_finite_differences(_Function(loss), parameters, None,
                                      dense(parameters, updates))


class _Function:
    """A loss as a step: ``assert_matches_finite_differences`` calls it like one."""

    def __init__(self, loss):
        self._loss = loss

    def __call__(self, parameters, batch, random):
        return _Loss(self._loss(parameters))


class _Loss:
    def __init__(self, loss):
        self.loss = loss


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


@pytest.mark.parametrize("step", SUBWORD_STEPS[:4], ids=["ns", "ns-per-pair", "softmax", "hs"])
def test_subword_skipgram_gradients_match_finite_differences(step):
    """Skip-gram sends each input occurrence its pairs' gradient: with each word's share
    1 / (1 + n) the updates are the loss's gradient, the n-gram rows' included."""
    parameters = subword_parameters(8)
    batch = make_batch()
    result = step(parameters, batch, random(9))
    assert_matches_finite_differences(step, parameters, batch,
                                      dense(parameters, result.updates))


def test_subword_settings_choose_the_input_side():
    assert SubwordSettings(3, 6, 100).inputs_for(["cat"]).n_buckets == 100
    assert SubwordSettings(3, 0, 100).inputs_for(["cat"]) is WORD_INPUTS
    assert SubwordSettings(3, 6, 0).inputs_for(["cat"]) is WORD_INPUTS
    assert SubwordSettings(1, 2, 9).structure() == {"min_n": 1, "max_n": 2, "bucket": 9}
