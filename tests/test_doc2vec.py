"""Tests of ``Doc2VecTransformer``: paragraph vectors trained, inferred, scored, pickled,
and their scikit-learn conventions, on small real and carefully constructed corpora."""

import pickle
import warnings

import numpy as np
import pytest
from conftest import recording
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import InconsistentVersionWarning as SklearnVersionWarning
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_w2v import (
    Doc2VecTransformer,
    InconsistentVersionWarning,
    LowCoverageWarning,
    Word2VecTransformer,
)
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v.datasets import load_sample_corpus

ARCHITECTURES = [dict(architecture="dbow"), dict(architecture="dbow", dbow_words=True),
                 dict(architecture="dm"), dict(architecture="dm", dm_mean=False)]


def small(**params):
    return Doc2VecTransformer(**{"vector_size": 12, "epochs": 3, "min_count": 2,
                                 "random_state": 0, **params})


@pytest.fixture(scope="module")
def texts():
    return load_sample_corpus(n_lines=800)


def agreement(inferred, trained):
    """How much nearer each inferred vector is to its own trained row than to the other
    documents' rows: mean centered cosine with its own row minus the mean with all rows
    (vectors are centered first: on a small corpus all share a large common direction)."""
    mean = trained.mean(axis=0)
    unit = lambda a: a / np.linalg.norm(a, axis=1, keepdims=True)  # noqa: E731
    similarity = unit(inferred - mean) @ unit(trained - mean).T
    return np.diag(similarity).mean() - similarity.mean()


def topic_corpus(n_docs=240, length=30, seed=0):
    """Documents that each draw their words from one of two disjoint topics (plus shared
    function words): what a document vector should capture is its topic."""
    rng = np.random.default_rng(seed)
    topics = [[f"a{i}" for i in range(40)], [f"b{i}" for i in range(40)]]
    shared = [f"the{i}" for i in range(10)]
    labels = rng.integers(0, 2, size=n_docs)
    docs = []
    for label in labels:
        words = rng.choice(topics[label] + shared, size=length)
        docs.append(" ".join(words))
    return docs, labels


@pytest.mark.parametrize("params", ARCHITECTURES, ids=lambda p: "-".join(map(str, p.values())))
def test_document_vectors_capture_the_topic(params):
    """Inferred vectors of held-out documents classify their topic: the model learned.
    (4,800 tokens: without subsampling and with enough epochs, as gensim needs too.)"""
    docs, labels = topic_corpus()
    model = small(epochs=30, vector_size=16, sample=0, **params)
    train_vectors = model.fit_transform(docs[:160])
    classifier = LogisticRegression().fit(train_vectors, labels[:160])
    assert classifier.score(model.transform(docs[160:]), labels[160:]) > 0.95
    assert model.loss_curve_[-1] < model.loss_curve_[0]


@pytest.mark.parametrize("objective", ["negative", "hierarchical", "nce", "softmax"])
@pytest.mark.parametrize("params", ARCHITECTURES[::2], ids=["dbow", "dm"])
def test_every_objective_trains_infers_and_scores(objective, params, texts):
    model = small(objective=objective, max_vocab_size=400, **params).fit(texts)
    assert model.document_vectors_.shape == (len(texts), 12)
    assert all(np.isfinite(model.loss_curve_))
    X_new = model.transform(texts[:30])
    assert X_new.shape == (30, 12) and np.isfinite(X_new).all()
    score = model.score(texts[:50])
    assert np.isfinite(score) and score < 0


def test_fit_transform_returns_the_trained_rows_and_transform_infers(texts):
    model = small(epochs=20)
    trained = model.fit_transform(texts)
    assert_array_equal(trained, model.document_vectors_)
    assert not np.shares_memory(trained, model.document_vectors_)
    inferred = model.transform(texts)
    # Inferred, not the trained rows; but each lands nearer its own trained row than the
    # other documents' rows (measured 0.23 here; 0.0 for unrelated vectors).
    assert not np.allclose(inferred, trained)
    assert agreement(inferred, trained) > 0.15


def test_inference_freezes_the_trained_parameters(texts):
    model = small().fit(texts[:400])
    before = {name: getattr(model, name).copy()
              for name in ("vectors_", "context_vectors_", "document_vectors_")}
    model.transform(texts[400:])
    model.score(texts[400:500])
    for name, value in before.items():
        assert_array_equal(getattr(model, name), value, err_msg=name)


def test_inference_parameters_are_gensims(texts):
    """infer_epochs=None is epochs and infer_learning_rate=None the training rate, as
    gensim's infer_vector(epochs=None, alpha=None)."""
    events = []
    model = small(epochs=4).fit(texts[:200])
    with recording(events, "inference"):
        model.transform(texts[:5])
        model.set_params(infer_epochs=7, infer_learning_rate=0.01).transform(texts[:5])
    assert [(details["epochs"], details["learning_rate"]) for _, details in events] == [
        (4, 0.025), (7, 0.01)]


def test_more_inference_epochs_bring_inferred_vectors_closer_to_the_trained_ones(texts):
    model = small(epochs=20, architecture="dm").fit(texts)

    def agreement_after(epochs):
        return agreement(model.set_params(infer_epochs=epochs).transform(texts),
                         model.document_vectors_)

    assert agreement_after(20) > agreement_after(2) + 0.2


def test_random_state_makes_fit_and_transform_reproducible(texts):
    a = small(architecture="dm").fit(texts)
    b = small(architecture="dm").fit(texts)
    assert_array_equal(a.document_vectors_, b.document_vectors_)
    assert_array_equal(a.transform(texts[:20]), b.transform(texts[:20]))
    c = small(architecture="dm", random_state=1).fit(texts)
    assert not np.allclose(a.document_vectors_, c.document_vectors_)


def test_pickle_clone_and_feature_names(texts):
    model = small().fit(texts)
    loaded = pickle.loads(pickle.dumps(model))
    assert_array_equal(loaded.transform(texts[:10]), model.transform(texts[:10]))
    assert list(model.get_feature_names_out())[:2] == ["doc2vectransformer0",
                                                       "doc2vectransformer1"]
    assert not hasattr(clone(model), "document_vectors_")
    with pytest.raises(NotFittedError):
        Doc2VecTransformer().transform(["a b"])


def test_a_pickle_of_another_version_warns_with_sklearns_warning(texts):
    state = small().fit(texts[:100]).__getstate__()
    state["_sklearn_w2v_version"] = "0.0.1"
    model = Doc2VecTransformer.__new__(Doc2VecTransformer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.__setstate__(state)
    (warning,) = caught
    assert issubclass(warning.category, InconsistentVersionWarning)
    assert issubclass(warning.category, SklearnVersionWarning)
    assert "Doc2VecTransformer was pickled with sklearn-w2v 0.0.1" in str(warning.message)


def test_in_a_pipeline_under_grid_search():
    docs, labels = topic_corpus(n_docs=120)
    pipeline = Pipeline([("d2v", small(epochs=30, sample=0)), ("clf", LogisticRegression())])
    search = GridSearchCV(pipeline, {"d2v__architecture": ["dbow", "dm"]}, cv=2)
    search.fit(docs, labels)
    assert search.best_score_ > 0.9


def test_pretrained_word_vectors_as_init(texts):
    rng = np.random.default_rng(0)
    words = ["the", "and", "zzzunseen"]
    vectors = rng.standard_normal((3, 12)).astype(np.float32)
    # Three pretrained words cover 9% of the tokens: the fit says so.
    with pytest.warns(LowCoverageWarning, match=r"init \(a \(words, vectors\) tuple\) "
                                                r"cover 9\.0% of the tokens of X"):
        model = small(architecture="dm", init=(words, vectors)).fit(texts)
    assert model.index_to_word_[:3] == words
    # A pretrained word that X lacks keeps its vector; the others are trained from it.
    assert_array_equal(model.vectors_[2], vectors[2])
    assert not np.allclose(model.vectors_[0], vectors[0])


def test_two_processes_train_and_infer(texts):
    with engine_hooks(min_tokens_for_processes=0, block_size=2048):
        one = small(epochs=20, architecture="dm").fit(texts)
        two = small(epochs=20, architecture="dm", n_jobs=2).fit(texts)
    assert two.document_vectors_.shape == one.document_vectors_.shape
    # Hogwild: not bit-equal, but as good a model (inference agreement measured 0.66 with
    # one process).
    inferred = two.transform(texts)
    assert agreement(inferred, two.document_vectors_) > 0.4


@pytest.mark.parametrize("params, message", [
    (dict(architecture="skipgram"), "architecture"),
    (dict(epochs=0), "epochs"),
    (dict(negative=0), "negative=0"),
    (dict(infer_epochs=0), "infer_epochs"),
    (dict(infer_learning_rate=0.0), "infer_learning_rate"),
    (dict(dbow_words="yes"), "dbow_words"),
    (dict(dm_mean=None), "dm_mean"),
    (dict(dtype=np.int32), "dtype"),
])
def test_bad_parameters_are_named(params, message, texts):
    with pytest.raises(ValueError, match=message):
        small(**params).fit(texts[:50])


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="str"):
        small().fit("one document, not a list of them")
    with pytest.raises(ValueError, match="vocabulary is empty"):
        small(min_count=50).fit(["a b c", "d e f"])
    model = small(min_count=1).fit(["a b c", "a b d"] * 5)
    with pytest.raises(ValueError, match="nothing to score"):
        model.score(["x y z"])
    # Unknown words only: the document keeps a finite (random) vector.
    assert np.isfinite(model.transform(["x y z"])).all()


@pytest.mark.parametrize("estimator", [Doc2VecTransformer, Word2VecTransformer])
def test_tags_tell_the_returned_dtype_and_nondeterminism(estimator):
    from sklearn.utils import get_tags

    tags = get_tags(estimator())
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.transformer_tags.preserves_dtype == ["float32"]
    assert not tags.non_deterministic
    assert get_tags(estimator(dtype=np.float64)).transformer_tags.preserves_dtype == \
        ["float64"]
    assert get_tags(estimator(n_jobs=2)).non_deterministic
