"""Property tests of fitting (hypothesis): arbitrary unicode documents, tiny random parameters.

Whatever the documents and the (valid) parameters, ``fit`` either learns a model whose
vectors, ``transform`` output, loss curve and score are finite and shaped as documented, or
refuses the input with a ValueError or TypeError that has a message. Never another exception
type, never NaN or inf in the output (a loss curve entry may be NaN only for an epoch that
trained no pair, and then fit warns).

The examples are derandomized so the suite is deterministic.
"""

import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sklearn_w2v import Word2VecTransformer  # noqa: E402

PROPERTY = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Words from a small alphabet, so that words repeat and models train; mixed with arbitrary
# unicode (combining marks, surrogates are excluded by hypothesis' text strategy, emoji,
# right-to-left scripts) and whitespace.
WORD = st.one_of(
    st.sampled_from(["a", "b", "the", "café", "東京", "x1", "ß", "İ", "ﬁ"]),
    st.text(min_size=1, max_size=6),
)
DOCUMENT = st.one_of(
    st.lists(WORD, max_size=12).map(" ".join),
    st.text(max_size=40),
)
DOCUMENTS = st.lists(DOCUMENT, min_size=1, max_size=25)
TOKENIZED = st.lists(st.lists(WORD, max_size=12), min_size=1, max_size=25)

PARAMETERS = st.fixed_dictionaries({
    "objective": st.sampled_from(["negative", "softmax", "nce"]),
    "pooling": st.sampled_from(["mean", "sum", "max", "tfidf", "sif"]),
    "vector_size": st.integers(1, 5),
    "window": st.integers(1, 4),
    "min_count": st.integers(1, 2),
    "negative": st.integers(1, 3),
    "epochs": st.integers(1, 2),
    "sample": st.sampled_from([0.0, 1e-3, 0.5]),
    "batch_size": st.one_of(st.just("auto"), st.integers(1, 8)),
    "share_negatives": st.booleans(),
    "normalize": st.booleans(),
    "word_vectors": st.sampled_from(["input", "input+output"]),
    "dtype": st.sampled_from([np.float32, np.float64]),
    "ns_exponent": st.sampled_from([0.0, 0.75, 1.0, -0.5]),
})


def check_fit(documents, params):
    model = Word2VecTransformer(random_state=0, **params)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            X_new = model.fit_transform(documents)
    except (ValueError, TypeError) as error:
        assert str(error), "an error without a message"
        return
    n_words = len(model.vocabulary_)
    assert model.vectors_.shape == model.context_vectors_.shape == (n_words,
                                                                   params["vector_size"])
    assert np.isfinite(model.vectors_).all() and np.isfinite(model.context_vectors_).all()
    assert X_new.shape == (len(documents), params["vector_size"])
    assert X_new.dtype == params["dtype"] and np.isfinite(X_new).all()
    np.testing.assert_allclose(model.transform(documents), X_new, rtol=1e-5, atol=1e-6)
    assert len(model.loss_curve_) == params["epochs"]
    if model.n_pairs_ == 0:
        assert np.isnan(model.loss_curve_).all()
        assert any("no (center, context) pair" in str(w.message) for w in caught)
    else:
        # An epoch of a tiny corpus may draw no pair after subsampling: NaN, not 0.
        trained = [loss for loss in model.loss_curve_ if not np.isnan(loss)]
        assert trained and np.isfinite(trained).all() and min(trained) >= 0
    try:
        score = model.score(documents)
    except ValueError as error:  # no pair of known words within the window
        assert "nothing to score" in str(error)
    else:
        assert np.isfinite(score) and score <= 0


@PROPERTY
@given(documents=DOCUMENTS, params=PARAMETERS)
def test_fit_on_arbitrary_unicode_text(documents, params):
    check_fit(documents, params)


@PROPERTY
@given(documents=TOKENIZED, params=PARAMETERS)
def test_fit_on_arbitrary_pretokenized_documents(documents, params):
    check_fit(documents, params)
