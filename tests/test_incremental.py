"""Continued training: ``partial_fit`` (with and without a growing vocabulary),
``warm_start``, their learning-rate schedule, the parameters they must keep, and a fitted
state that stays whole when they fail."""

import pickle
from collections import Counter

import numpy as np
import pytest
from conftest import FIT_EVENTS, stop_at
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v import LowCoverageWarning, Word2VecTransformer
from sklearn_w2v._model.huffman import huffman_tree_of
from sklearn_w2v._training.schedule import InverseTimeDecay, LinearDecay
from sklearn_w2v._training.stages import PARTIAL_FIT_HALF_LIFE
from sklearn_w2v.datasets import load_sample_corpus

D = 8


@pytest.fixture(scope="module")
def texts():
    return load_sample_corpus(n_lines=3000)


@pytest.fixture(scope="module")
def chunks(texts):
    return [texts[i:i + 600] for i in range(0, 3000, 600)]


def model(**params):
    return Word2VecTransformer(**{"vector_size": D, "min_count": 3, "random_state": 0,
                                  **params})


def since_now(training_starts):
    """The training runs the test starts from now on (see conftest's training_starts)."""
    training_starts.clear()
    return training_starts


# ------------------------------------------------------------------------- partial_fit


def test_first_partial_fit_builds_the_vocabulary_and_later_calls_keep_it(chunks):
    stream = model()
    assert stream.partial_fit(chunks[0]) is stream
    counts = Counter(t for doc in chunks[0] for t in doc.split())
    first = {w for w, c in counts.items() if c >= 3}
    assert set(stream.vocabulary_) == first
    assert stream.index_to_word_ == sorted(first, key=lambda w: (-counts[w], w))
    words = list(stream.index_to_word_)
    stream.partial_fit(chunks[1])
    assert stream.index_to_word_ == words  # new words of chunk 1 stay unknown
    assert len(stream.loss_curve_) == 2 and stream.epochs_ == 1
    # Counts add up over the calls, for the known words.
    both = counts + Counter(t for doc in chunks[1] for t in doc.split())
    assert_array_equal(stream.word_counts_, [both[w] for w in words])
    assert stream.corpus_word_count_ == sum(both[w] for w in words)


def test_grow_vocabulary_appends_rows_and_keeps_the_existing_ones(chunks, training_starts):
    stream = model().partial_fit(chunks[0])
    words, vectors = list(stream.index_to_word_), stream.vectors_.copy()
    calls = since_now(training_starts)
    stream.partial_fit(chunks[1], grow_vocabulary=True)
    n = len(words)
    assert stream.index_to_word_[:n] == words
    assert len(stream.index_to_word_) > n
    assert all(stream.vocabulary_[w] == row for row, w in enumerate(stream.index_to_word_))
    # Training started from the existing rows (input and output), new rows as word2vec.c.
    start = calls[0][0]
    assert_array_equal(start["input"][:n], vectors)
    assert np.all(np.abs(start["input"][n:]) <= 0.5 / D) and not start["output"][n:].any()


@pytest.mark.filterwarnings("ignore:Training saw no")
def test_a_word_rare_in_every_chunk_joins_when_its_total_reaches_min_count():
    base = ["alpha beta gamma delta"] * 5
    stream = model(min_count=3, sample=0).partial_fit(base + ["rare word"],
                                                      grow_vocabulary=True)
    assert "rare" not in stream.vocabulary_
    stream.partial_fit(base + ["rare"], grow_vocabulary=True)
    assert "rare" not in stream.vocabulary_  # 2 so far
    stream.partial_fit(["a rare thing"])  # not growing: not counted, not added
    assert "rare" not in stream.vocabulary_
    stream.partial_fit(["a rare thing"], grow_vocabulary=True)
    assert "rare" in stream.vocabulary_
    assert stream.word_counts_[stream.vocabulary_["rare"]] == 3
    assert stream.index_to_word_[-1] == "rare"


def test_partial_fit_from_pretrained_vectors_adds_the_new_words_of_its_first_call(chunks):
    source = model(epochs=1).fit(chunks[0])
    # The vectors of 600 lines cover 63% of the next 600: a first call from them says so.
    with pytest.warns(LowCoverageWarning, match=r"cover 63\.3% of the tokens of X"):
        stream = model(init=(source.index_to_word_, source.vectors_)).partial_fit(chunks[1])
    n = len(source.index_to_word_)
    assert stream.index_to_word_[:n] == source.index_to_word_
    assert len(stream.index_to_word_) > n
    assert stream.fitted_parts_.origin == "fine-tuned"


def test_partial_fit_learning_rate_depends_only_on_the_tokens_so_far(chunks, training_starts):
    calls = since_now(training_starts)
    stream = model(learning_rate=0.02, min_learning_rate=1e-4)
    for chunk in chunks[:3]:
        stream.partial_fit(chunk)
    before = 0
    for _, config, n_tokens in calls:
        assert config.schedule == InverseTimeDecay(0.02, 1e-4,
                                                   PARTIAL_FIT_HALF_LIFE, before)
        before += n_tokens
    assert stream._training_tokens == before
    # After a fit, partial_fit goes on from the tokens fit trained on.
    fitted = model(epochs=2).fit(chunks[0])
    fitted.partial_fit(chunks[1])
    assert calls[-1][1].schedule.tokens_before == 2 * calls[-2][2]
    assert isinstance(calls[-2][1].schedule, type(None))  # fit: linear decay (default)


def test_inverse_time_decay():
    schedule = InverseTimeDecay(0.02, 1e-3, half_life=100, tokens_before=50)
    assert schedule.rate(0) == pytest.approx(0.02 / 1.5)
    assert schedule.rate(50) == pytest.approx(0.01)  # halved after 100 tokens in all
    assert schedule.rate(10**9) == 1e-3  # never below the final rate
    # The same stream cut anywhere gets the same rates.
    assert InverseTimeDecay(0.02, 1e-3, 100, 80).rate(20) == schedule.rate(50)
    assert LinearDecay(0.02, 1e-3, 100).rate(50) == pytest.approx((0.02 + 1e-3) / 2)


def test_idf_adds_up_over_partial_fit_calls(chunks):
    stream = model(pooling="tfidf").partial_fit(chunks[0])
    stream.partial_fit(chunks[1])
    docs = chunks[0] + chunks[1]
    df = Counter(w for doc in docs for w in set(doc.split()))
    expected = [np.log((1 + len(docs)) / (1 + df[w])) + 1 for w in stream.index_to_word_]
    assert_allclose(stream.idf_, expected, rtol=1e-12)
    # Every call counts documents (idf is cheap), whatever the pooling.
    other = model(pooling="mean").partial_fit(chunks[0]).partial_fit(chunks[1])
    assert_allclose(other.idf_, expected, rtol=1e-12)


def test_partial_fit_survives_pickling(chunks):
    stream = model().partial_fit(chunks[0])
    restored = pickle.loads(pickle.dumps(stream))
    stream.partial_fit(chunks[1])
    restored.partial_fit(chunks[1])
    assert_array_equal(stream.vectors_, restored.vectors_)


PARAMETER_CHANGES = [("vector_size", 4), ("objective", "nce"), ("dtype", np.float64),
                     ("lowercase", False), ("token_pattern", r"\w+"), ("analyzer", str.split)]


@pytest.mark.parametrize("name, value", PARAMETER_CHANGES)
@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_continuing_with_other_parameters_is_refused_and_changes_nothing(
        name, value, how, chunks):
    fitted = model(epochs=1).fit(chunks[0])
    vectors, words = fitted.vectors_.copy(), list(fitted.index_to_word_)
    fitted.set_params(**{name: value})
    with pytest.raises(ValueError, match=f"fitted with {name}=.*but now {name}="):
        if how == "partial_fit":
            fitted.partial_fit(chunks[1])
        else:
            fitted.set_params(warm_start=True).fit(chunks[1])
    assert_array_equal(fitted.vectors_, vectors)
    assert fitted.index_to_word_ == words
    # Without warm_start, fit starts a new model with the new parameters.
    if how == "warm_start":
        fitted.set_params(warm_start=False).fit(chunks[1])


def test_grow_vocabulary_must_be_a_boolean(chunks):
    with pytest.raises(ValueError, match="grow_vocabulary must be True or False"):
        model().partial_fit(chunks[0], grow_vocabulary="yes")


# -------------------------------------------------------------------------- warm_start


def test_warm_start_continues_from_the_fitted_vectors(chunks, training_starts):
    fitted = model(epochs=2, warm_start=True).fit(chunks[0])
    vectors, outputs = fitted.vectors_.copy(), fitted.context_vectors_.copy()
    words, curve = list(fitted.index_to_word_), list(fitted.loss_curve_)
    pairs = fitted.n_pairs_
    calls = since_now(training_starts)
    fitted.fit(chunks[1])
    start, config, _ = calls[0]
    n = len(words)
    assert_array_equal(start["input"][:n], vectors)
    assert_array_equal(start["output"][:n], outputs)
    assert config.schedule is None  # a new linear decay over this fit's epochs
    assert fitted.index_to_word_[:n] == words and len(fitted.index_to_word_) > n
    assert fitted.loss_curve_[:2] == curve and len(fitted.loss_curve_) == 4
    assert fitted.n_pairs_ > pairs
    # The word statistics are those of the new X.
    counts = Counter(t for doc in chunks[1] for t in doc.split())
    assert_array_equal(fitted.word_counts_, [counts[w] for w in fitted.index_to_word_])
    # Without warm_start, fit starts again.
    fitted.set_params(warm_start=False).fit(chunks[1])
    assert len(fitted.loss_curve_) == 2


def test_warm_start_on_loaded_vectors_fine_tunes_them(chunks, tmp_path):
    path = tmp_path / "v.txt"
    model(epochs=1).fit(chunks[0]).save_word2vec_format(path)
    loaded = Word2VecTransformer.from_word2vec_format(path, min_count=3, warm_start=True,
                                                      epochs=1, random_state=0)
    loaded.fit(chunks[1])
    assert loaded.fitted_parts_.origin == "fine-tuned"
    assert np.isfinite(loaded.score(chunks[2][:50]))


# ----------------------------------------------------- interrupted: the model stays whole

def snapshot(fitted):
    names = ["vectors_", "context_vectors_", "word_counts_", "idf_", "sif_component_"]
    return ({n: getattr(fitted, n).copy() for n in names if hasattr(fitted, n)},
            dict(fitted.vocabulary_), list(fitted.loss_curve_), fitted.fitted_parts_,
            {n: getattr(fitted, n) for n in ("n_pairs_", "_training_tokens")})


def assert_unchanged(fitted, state):
    arrays, vocabulary, curve, parts, counters = state
    for name, value in arrays.items():
        assert_array_equal(getattr(fitted, name), value, err_msg=name)
    assert fitted.vocabulary_ == vocabulary and fitted.loss_curve_ == curve
    assert fitted.fitted_parts_ == parts
    assert {n: getattr(fitted, n) for n in counters} == counters


# With init, the vectors of 600 lines cover 63% of the next 600 (asserted above): the fits
# that read them warn so before they are interrupted.
@pytest.mark.filterwarnings("ignore::sklearn_w2v.LowCoverageWarning")
@pytest.mark.parametrize("how", ["partial_fit", "partial_fit_grow", "warm_start", "init"])
@pytest.mark.parametrize("stage", FIT_EVENTS)
def test_an_interrupted_continuation_leaves_the_model_whole(how, stage, chunks):
    pooling = "tfidf" if stage == "statistics" else "sif"
    fitted = model(epochs=1, pooling=pooling).fit(chunks[0])
    if how == "init":
        fitted.set_params(init=(fitted.index_to_word_, fitted.vectors_))
    state = snapshot(fitted)
    X_new = fitted.transform(chunks[2][:10])

    with stop_at(stage), pytest.raises(KeyboardInterrupt):
        if how.startswith("partial_fit"):
            fitted.partial_fit(chunks[1], grow_vocabulary=how.endswith("grow"))
        else:
            fitted.set_params(warm_start=how == "warm_start").fit(chunks[1])
    assert_unchanged(fitted, state)
    assert_array_equal(fitted.transform(chunks[2][:10]), X_new)


# -------------------------------------------------- other architectures and objectives


def test_the_huffman_tree_of_rows_in_any_order_follows_the_rows():
    from sklearn_w2v._model.huffman import huffman_tree

    counts = np.array([3, 50, 2, 7, 50, 1])
    tree = huffman_tree_of(counts)
    order = np.argsort(-counts, kind="stable")
    sorted_tree = huffman_tree(counts[order])
    for rank, row in enumerate(order):
        assert_array_equal(tree.points[row], sorted_tree.points[rank])
        assert_array_equal(tree.codes[row], sorted_tree.codes[rank])
        assert tree.lengths[row] == sorted_tree.lengths[rank]
    assert huffman_tree_of(counts[order]) is not None
    assert_array_equal(huffman_tree_of(counts[order]).points, sorted_tree.points)


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_hierarchical_softmax_continues_on_its_tree(architecture, chunks, training_starts):
    stream = model(objective="hierarchical", architecture=architecture).partial_fit(chunks[0])
    tree, nodes = stream.huffman_tree_, stream.node_vectors_.copy()
    calls = since_now(training_starts)
    stream.partial_fit(chunks[1])
    assert stream.huffman_tree_ is tree
    assert_array_equal(calls[0][0]["inner"], nodes)
    assert np.isfinite(stream.score(chunks[2][:100]))
    with pytest.raises(ValueError, match="grow_vocabulary=True cannot be used with "
                                         "objective='hierarchical'"):
        stream.partial_fit(chunks[2], grow_vocabulary=True)
    assert stream.huffman_tree_ is tree


@pytest.mark.parametrize("architecture, objective", [("cbow", "negative"),
                                                     ("skipgram", "hierarchical"),
                                                     ("cbow", "softmax")])
# The vectors of 600 lines cover 63% of the next 600 (asserted above), and the fit says so.
@pytest.mark.filterwarnings("ignore::sklearn_w2v.LowCoverageWarning")
def test_fine_tuning_works_for_every_architecture(architecture, objective, chunks):
    source = model(epochs=1).fit(chunks[0])
    tuned = model(architecture=architecture, objective=objective, epochs=1,
                  max_vocab_size=len(source.index_to_word_) + 50,
                  init=(source.index_to_word_, source.vectors_)).fit(chunks[1])
    assert tuned.index_to_word_[:len(source.index_to_word_)] == source.index_to_word_
    assert tuned.fitted_parts_.origin == "fine-tuned"
    assert np.isfinite(tuned.score(chunks[2][:100]))


def test_many_pretrained_words_that_x_lacks_keep_the_huffman_codes_short():
    counts = np.concatenate([np.arange(50, 0, -1), np.zeros(5000, dtype=np.int64)])
    tree = huffman_tree_of(counts)
    assert tree.lengths.max() <= 20  # as 1s, not a chain of zeros 40+ deep
