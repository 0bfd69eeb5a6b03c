"""Tests of the estimator ``Word2VecTransformer``: input handling, parameter validation,
fitted attributes, transform, score, scikit-learn conventions and divergence handling.

Every fit uses a tiny corpus and a few-dimensional model so the file runs in seconds.
"""

import copy
import pickle
import re
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import sklearn.utils.estimator_checks as estimator_checks
from conftest import FIT_EVENTS, recording, stop_at
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklearn_w2v import TrainingDivergedError, Word2VecTransformer
from sklearn_w2v.datasets import load_sample_corpus

SMALL = dict(vector_size=10, epochs=1, min_count=2, random_state=0)
OBJECTIVES = ["negative", "softmax", "nce"]
POOLINGS = ["mean", "sum", "max", "tfidf", "sif"]


def small(**params):
    """A fast model: 10 dimensions, one epoch; softmax with a capped vocabulary."""
    params = {**SMALL, **params}
    if params.get("objective") == "softmax":
        params.setdefault("max_vocab_size", 300)
    return Word2VecTransformer(**params)


@pytest.fixture(scope="module")
def texts():
    return load_sample_corpus(n_lines=3000)


@pytest.fixture(scope="module")
def short_texts(texts):
    return texts[:600]


@pytest.fixture(scope="module")
def fitted(short_texts):
    """A fitted negative-sampling model, shared read-only by several tests."""
    return small(epochs=2).fit(short_texts)


def shuffle_words(docs, seed=0):
    """The same documents (lengths) with all tokens permuted across the whole text."""
    token_lists = [doc.split() for doc in docs]
    flat = [token for tokens in token_lists for token in tokens]
    order = np.random.default_rng(seed).permutation(len(flat))
    flat = [flat[i] for i in order]
    out, start = [], 0
    for tokens in token_lists:
        out.append(" ".join(flat[start:start + len(tokens)]))
        start += len(tokens)
    return out


ARRAY_STATE = ("vectors_", "context_vectors_", "word_counts_", "noise_distribution_", "idf_",
               "sif_component_")


def fitted_state(model):
    """A copy of the fitted state; None for the attributes the model does not have."""
    state = {name: getattr(model, name).copy() if hasattr(model, name) else None
             for name in ARRAY_STATE}
    state.update(vocabulary_=dict(model.vocabulary_), loss_curve_=list(model.loss_curve_),
                 index_to_word_=list(model.index_to_word_),
                 fitted_parts_=model.fitted_parts_)
    return state


def assert_same_state(model, state):
    assert model.vocabulary_ == state["vocabulary_"]
    for name in ARRAY_STATE:
        if state[name] is None:
            assert not hasattr(model, name), name
        else:
            assert_array_equal(getattr(model, name), state[name], err_msg=name)
    assert model.loss_curve_ == state["loss_curve_"]
    assert model.index_to_word_ == state["index_to_word_"]
    assert model.fitted_parts_ == state["fitted_parts_"]


# ----------------------------------------------------------------------------- input forms


def test_list_array_series_and_tuple_give_the_same_model(short_texts):
    reference = small().fit(short_texts)
    index = pd.RangeIndex(1000, 1000 + len(short_texts))
    for X in (np.array(short_texts, dtype=object), pd.Series(short_texts, index=index),
              tuple(short_texts)):
        model = small().fit(X)
        assert model.vocabulary_ == reference.vocabulary_
        assert_array_equal(model.vectors_, reference.vectors_)
        assert_array_equal(model.transform(X), reference.transform(short_texts))


def test_fit_on_one_shot_generator(short_texts):
    reference = small().fit(short_texts)
    model = small().fit(doc for doc in short_texts)
    assert model.vocabulary_ == reference.vocabulary_
    assert_array_equal(model.vectors_, reference.vectors_)
    # transform also accepts a generator.
    assert_array_equal(model.transform(doc for doc in short_texts[:20]),
                       reference.transform(short_texts[:20]))


def test_fit_transform_on_one_shot_generator(short_texts):
    expected = small().fit(short_texts).transform(short_texts)
    generator = (doc for doc in short_texts)
    X_new = small().fit_transform(generator)
    assert X_new.shape == (len(short_texts), SMALL["vector_size"])
    assert_array_equal(X_new, expected)
    assert next(generator, None) is None  # consumed exactly once


def test_fit_transform_equals_fit_then_transform(short_texts):
    for pooling in POOLINGS:
        model = small(pooling=pooling)
        assert_array_equal(model.fit_transform(short_texts), model.transform(short_texts))


def test_bytes_documents_are_decoded_with_encoding(short_texts):
    accented = [doc.replace("e", "\u00e9") for doc in short_texts]
    encoded = [doc.encode("latin-1") for doc in accented]
    reference = small().fit(accented)
    model = small(encoding="latin-1").fit(encoded)
    assert "th\u00e9" in model.vocabulary_
    assert model.vocabulary_ == reference.vocabulary_
    assert_array_equal(model.vectors_, reference.vectors_)
    assert_array_equal(model.transform(encoded[:10]), reference.transform(accented[:10]))

    # latin-1 bytes are not valid utf-8: strict fails, "replace" does not.
    with pytest.raises(UnicodeDecodeError):
        small().fit(encoded)
    replaced = small(decode_error="replace").fit(encoded)
    assert "th\u00e9" not in replaced.vocabulary_
    # U+FFFD is not a word character, so "th\ufffd" is tokenized as "th".
    assert "th" in replaced.vocabulary_


def test_pretokenized_documents_match_raw_text_split_on_whitespace(short_texts):
    # Mixed case, so a (wrong) lowercasing of pre-tokenized documents would show.
    raw = [doc.replace("the ", "The ") for doc in short_texts]
    tokenized = [doc.split() for doc in raw]
    from_raw = small(analyzer=str.split).fit(raw)
    from_tokens = small().fit(tokenized)
    assert "The" in from_tokens.vocabulary_
    assert from_tokens.vocabulary_ == from_raw.vocabulary_
    assert_array_equal(from_tokens.vectors_, from_raw.vectors_)
    assert_array_equal(from_tokens.context_vectors_, from_raw.context_vectors_)
    assert_array_equal(from_tokens.transform(tokenized[:30]), from_raw.transform(raw[:30]))
    assert from_tokens.score(tokenized[:30]) == from_raw.score(raw[:30])
    # Tuples of tokens are pre-tokenized documents too.
    assert_array_equal(from_tokens.transform([tuple(t) for t in tokenized[:30]]),
                       from_raw.transform(raw[:30]))


@pytest.mark.parametrize("method", ["fit", "fit_transform", "transform", "score"])
def test_bare_string_is_rejected(method, fitted):
    model = fitted if method in ("transform", "score") else small()
    with pytest.raises(TypeError, match=r"`X`.*single str.*\[text\]"):
        getattr(model, method)("the whale and the sea")


@pytest.mark.parametrize("bad, found", [(None, "missing"), (3, "a number"),
                                        (2.5, "a number"), (np.nan, "missing")])
@pytest.mark.parametrize("method", ["fit", "transform"])
def test_invalid_document_error_names_its_index(bad, found, method, short_texts, fitted):
    X = list(short_texts[:3]) + [bad] + list(short_texts[3:10])
    model = fitted if method == "transform" else small()
    with pytest.raises(TypeError, match=rf"Document 3 is {found} \("):
        getattr(model, method)(X)


def test_pretokenized_document_with_non_str_token_names_its_index():
    with pytest.raises(TypeError, match=r"Document 1 .*token 2"):
        small(min_count=1).fit([["a", "b"], ["a", "b", None]])


@pytest.mark.parametrize("X", [[], (), np.array([], dtype=object), pd.Series([], dtype=object)])
def test_empty_corpus_is_rejected(X):
    with pytest.raises(ValueError, match="empty corpus"):
        small().fit(X)
    with pytest.raises(ValueError, match="empty corpus"):
        small().fit(iter(X))


@pytest.mark.parametrize("X", [["a b", "c d"], ["", "   "], [[], []]])
def test_empty_vocabulary_names_min_count(X):
    with pytest.raises(ValueError, match="min_count=2"):
        small(min_count=2).fit(X)


def test_tokenization_parameters():
    docs = ["The cat sat on the mat", "the dog's bone", "A cat, a dog"] * 2

    def fit_vocab(**params):
        # sample=0: subsampling would leave these few tokens no pair to train on, and the
        # fit would warn so; the vocabulary is what is tested.
        return set(small(min_count=1, sample=0, **params).fit(docs).vocabulary_)

    default = fit_vocab()
    assert {"the", "cat", "a", "s"} <= default and "The" not in default
    assert {"The", "the", "A", "a"} <= fit_vocab(lowercase=False)
    assert fit_vocab(token_pattern=r"[\w']+") >= {"dog's"}
    assert "s" not in fit_vocab(token_pattern=r"[\w']+")
    # One capturing group: its content is the token.
    assert fit_vocab(token_pattern=r"(\w+)a\w") == {"c", "s", "m"}
    assert fit_vocab(tokenizer=lambda s: s.split(" ")) == {
        "the", "cat", "sat", "on", "mat", "dog's", "bone", "a", "cat,", "dog"}
    # A preprocessor replaces the lowercasing, as in CountVectorizer.
    with_preprocessor = fit_vocab(preprocessor=lambda s: s.replace("cat", "kitten"))
    assert "kitten" in with_preprocessor and "cat" not in with_preprocessor
    assert "The" in with_preprocessor
    # A callable analyzer replaces everything else.
    assert fit_vocab(analyzer=lambda s: s.upper().split()[:2], lowercase=True) == {
        "THE", "CAT", "DOG'S", "A", "CAT,"}


def test_transform_uses_the_fitted_tokenization():
    docs = ["The cat sat on the mat", "the dog sat on a log"] * 3
    # sample=0: subsampling would leave these few tokens no pair (and the fits would warn).
    model = small(min_count=1, sample=0).fit(docs)
    upper, lower = model.transform(["THE CAT", "the cat"])
    assert_array_equal(upper, lower)
    assert np.any(upper != 0)
    model = small(min_count=1, sample=0, analyzer=lambda s: s.split("-")).fit(
        ["a-b-c", "b-c-a"] * 3)
    row_dash, row_space = model.transform(["a-b", "a b"])
    assert np.any(row_dash != 0)
    assert_array_equal(row_space, 0)  # "a b" is one unknown token for this analyzer


# ------------------------------------------------------------------------- parameter checks


@pytest.mark.parametrize("params, match", [
    (dict(vector_size=0), "vector_size"),
    (dict(vector_size=2.5), "vector_size"),
    (dict(window=0), "window"),
    (dict(negative=0), "negative"),
    (dict(negative=0, objective="nce"), "negative"),
    (dict(negative=-1), "negative"),
    (dict(learning_rate=0), "learning_rate"),
    (dict(learning_rate=-0.1), "learning_rate"),
    (dict(min_learning_rate=0), "min_learning_rate"),
    (dict(min_learning_rate=-1e-4), "min_learning_rate"),
    (dict(min_learning_rate=0.05, learning_rate=0.025), "min_learning_rate"),
    (dict(pooling="median"), "pooling"),
    (dict(objective="cbow"), "objective"),
    (dict(word_vectors="output"), "word_vectors"),
    (dict(dtype=np.int32), "dtype"),
    (dict(dtype="float16"), "dtype"),
    # np.dtype(None) is float64 and np.dtype("float64") == None: both used to train.
    (dict(dtype=None), "dtype"),
    (dict(dtype="bogus"), "dtype"),
    (dict(dtype=complex), "dtype"),
    (dict(dtype=bool), "dtype"),
    (dict(vector_size=True), "vector_size.*boolean"),
    (dict(window=True), "window.*boolean"),
    (dict(epochs=False), "epochs"),
    (dict(ns_exponent=-300.0), "ns_exponent=-300.0.*underflow"),
    (dict(batch_size=0), "batch_size"),
    (dict(batch_size="big"), "batch_size"),
    (dict(share_negatives="yes"), "share_negatives"),
    (dict(epoch_callback="print"), "epoch_callback"),
    (dict(epochs=0), "epochs=0.*init is None"),
    (dict(epochs="many"), "epochs"),
    (dict(warm_start="yes"), "warm_start"),
    (dict(out_of_core="yes"), "out_of_core"),
    (dict(temp_folder=3), "temp_folder"),
    (dict(sample=-0.001), "sample"),
    (dict(decode_error="bogus"), "decode_error"),
    (dict(min_count=0), "min_count"),
    (dict(max_vocab_size=0), "max_vocab_size"),
    (dict(n_jobs=0), "n_jobs"),
    (dict(sif_alpha=0), "sif_alpha"),
    (dict(ns_exponent=np.inf), "ns_exponent"),
    (dict(encoding="no-such-codec"), "encoding"),
    (dict(analyzer="char"), "analyzer"),
    (dict(tokenizer="split"), "tokenizer"),
    (dict(token_pattern=r"(a)(b)"), "token_pattern"),
])
@pytest.mark.parametrize("method", ["fit", "fit_transform"])
def test_invalid_parameter_error_names_it(params, match, method, short_texts):
    # InvalidParameterError is both a ValueError and a TypeError.
    with pytest.raises(ValueError, match=match):
        getattr(small(**params), method)(short_texts)


def test_negative_zero_is_allowed_with_softmax(short_texts):
    model = small(objective="softmax", negative=0).fit(short_texts)
    assert np.isfinite(model.vectors_).all()


def test_epoch_callback_sees_every_epoch_and_auto_batch_size_resolves(short_texts):
    seen = []

    def record(report, vectors, context_vectors):
        seen.append((report.epoch, report.mean_loss, vectors.shape, context_vectors.shape))

    model = small(epochs=3, epoch_callback=record).fit(short_texts)
    assert [epoch for epoch, *_ in seen] == [1, 2, 3]
    assert [loss for _, loss, *_ in seen] == model.loss_curve_
    assert seen[0][2] == model.vectors_.shape == seen[0][3]
    assert model.batch_size_ == 256
    # Processes do not sum their minibatches: the softmax keeps 32 whatever n_jobs.
    assert small(objective="softmax", n_jobs=2).fit(short_texts).batch_size_ == 32
    assert small(architecture="cbow").fit(short_texts).batch_size_ == 1024
    assert small(architecture="cbow", objective="softmax").fit(short_texts).batch_size_ == 32


@pytest.mark.parametrize("share_negatives", [True, False])
def test_both_noise_modes_train(share_negatives, short_texts):
    model = small(share_negatives=share_negatives, epochs=2).fit(short_texts)
    assert np.isfinite(model.vectors_).all() and model.loss_curve_[-1] < model.loss_curve_[0]


def test_min_learning_rate_equal_to_learning_rate_is_allowed(short_texts):
    small(learning_rate=0.01, min_learning_rate=0.01).fit(short_texts)


# ------------------------------------------------------------------------ fitted attributes


def test_fitted_attributes(fitted, short_texts):
    model = fitted
    n_words = len(model.vocabulary_)
    d = SMALL["vector_size"]
    assert isinstance(model.vocabulary_, dict) and n_words > 50
    assert sorted(model.vocabulary_.values()) == list(range(n_words))
    words = sorted(model.vocabulary_, key=model.vocabulary_.get)  # by row

    # word_counts_: ints, the real corpus counts, rows in descending count (ties by word).
    assert np.issubdtype(model.word_counts_.dtype, np.integer)
    assert model.word_counts_.shape == (n_words,)
    counts = Counter(token for doc in short_texts for token in re.findall(r"\w+", doc.lower()))
    assert model.word_counts_.tolist() == [counts[w] for w in words]
    assert list(zip(-model.word_counts_, words)) == sorted(zip(-model.word_counts_, words))
    assert set(model.vocabulary_) == {w for w, c in counts.items() if c >= SMALL["min_count"]}
    assert model.corpus_word_count_ == model.word_counts_.sum()

    for name in ("vectors_", "context_vectors_"):
        matrix = getattr(model, name)
        assert matrix.shape == (n_words, d)
        assert matrix.dtype == np.float32
        assert np.isfinite(matrix).all()
    assert not np.array_equal(model.vectors_, model.context_vectors_)

    q = model.noise_distribution_
    assert q.shape == (n_words,)
    assert_allclose(q.sum(), 1.0)
    assert_allclose(q, model.word_counts_ ** 0.75 / (model.word_counts_ ** 0.75).sum())

    assert isinstance(model.loss_curve_, list) and len(model.loss_curve_) == 2
    assert all(type(loss) is float and np.isfinite(loss) for loss in model.loss_curve_)
    assert isinstance(model.n_pairs_, int) and model.n_pairs_ > 0

    names = model.get_feature_names_out()
    assert names.tolist() == [f"word2vectransformer{i}" for i in range(d)]

    X_new = model.transform(short_texts[:7])
    assert X_new.shape == (7, d) and X_new.dtype == np.float32


def test_float64_dtype(short_texts):
    for pooling in POOLINGS:
        model = small(dtype=np.float64, pooling=pooling).fit(short_texts)
        assert model.vectors_.dtype == np.float64
        assert model.context_vectors_.dtype == np.float64
        assert model.transform(short_texts[:3]).dtype == np.float64


@pytest.mark.parametrize("epochs", [1, 3])
def test_loss_curve_has_one_entry_per_epoch(epochs, short_texts):
    model = small(epochs=epochs).fit(short_texts[:200])
    assert len(model.loss_curve_) == epochs
    assert np.isfinite(model.loss_curve_).all()


def test_vocabulary_respects_max_vocab_size(short_texts):
    full = small().fit(short_texts)
    capped = small(max_vocab_size=40).fit(short_texts)
    assert len(capped.vocabulary_) == 40 == capped.vectors_.shape[0]
    top = sorted(full.vocabulary_, key=full.vocabulary_.get)[:40]
    assert sorted(capped.vocabulary_, key=capped.vocabulary_.get) == top


@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize("pooling", POOLINGS)
def test_unknown_only_and_empty_documents_give_zero_rows(pooling, normalize, fitted,
                                                         short_texts):
    model = clone(fitted).set_params(pooling=pooling, normalize=normalize)
    model.fit(short_texts)
    X_new = model.transform(["qqqq zzzz xxxyyy", "", short_texts[0], [], ["qqqq"]])
    assert not np.isnan(X_new).any()
    assert_array_equal(X_new[[0, 1, 3, 4]], 0)
    assert np.any(X_new[2] != 0)


def test_pooling_methods(fitted, short_texts):
    # One fit per pooling: fit learns the idf / SIF component only for their pooling.
    models = {pooling: clone(fitted).set_params(pooling=pooling).fit(short_texts)
              for pooling in POOLINGS}
    model = models["mean"]
    for other in models.values():  # pooling does not change training
        assert_array_equal(other.vectors_, model.vectors_)
    doc = "the whale the sea qqqq and"
    rows = [model.vocabulary_[w] for w in doc.split() if w in model.vocabulary_]
    assert len(rows) == 5
    vectors = model.vectors_.astype(np.float64)[rows]

    def transform(pooling, **params):
        fitted_model = models[pooling].set_params(**params)
        return fitted_model.transform([doc])[0].astype(np.float64)

    assert_allclose(transform(pooling="mean"), vectors.mean(axis=0), rtol=1e-5)
    assert_allclose(transform(pooling="sum"), vectors.sum(axis=0), rtol=1e-5)
    assert_allclose(transform(pooling="max"), vectors.max(axis=0), rtol=1e-6)
    idf = models["tfidf"].idf_[rows]
    assert_allclose(transform(pooling="tfidf"), idf @ vectors / idf.sum(), rtol=1e-5)
    sif = model.sif_weights_[rows] @ vectors / len(rows)
    c = models["sif"].sif_component_.astype(np.float64)
    c /= np.linalg.norm(c)
    assert_allclose(transform(pooling="sif"), sif - (sif @ c) * c, rtol=1e-4, atol=1e-7)
    for pooling in POOLINGS:
        normalized = transform(pooling=pooling, normalize=True)
        assert_allclose(np.linalg.norm(normalized), 1.0, rtol=1e-5)
        assert_allclose(normalized, transform(pooling=pooling, normalize=False)
                        / np.linalg.norm(transform(pooling=pooling, normalize=False)),
                        rtol=1e-4)
        models[pooling].set_params(normalize=False)


def test_the_sif_component_is_learned_only_for_sif_pooling(short_texts):
    model = small(pooling="mean").fit(short_texts)
    assert not hasattr(model, "sif_component_") and not model.fitted_parts_.sif_component
    # idf is cheap and always learned: switching to tfidf after fit works.
    assert model.fitted_parts_.idf and model.idf_ is not None
    assert model.set_params(pooling="tfidf").transform(short_texts[:2]).shape[0] == 2
    with pytest.raises(ValueError, match="principal component.*Fit again with pooling='sif'"):
        model.set_params(pooling="sif").transform(short_texts[:2])
    assert small(pooling="sif").fit(short_texts).transform(short_texts[:2]).shape[0] == 2


def test_word_vectors_input_plus_output(fitted, short_texts):
    model = clone(fitted).set_params(word_vectors="input+output").fit(short_texts)
    doc = "the whale and the sea"
    rows = [model.vocabulary_[w] for w in doc.split()]
    expected = (model.vectors_ + model.context_vectors_)[rows].mean(axis=0)
    assert_allclose(model.transform([doc])[0], expected, rtol=1e-5)
    assert_array_equal(model.embedding_, model.vectors_ + model.context_vectors_)
    input_only = model.set_params(word_vectors="input").transform([doc])[0]
    assert_allclose(input_only, model.vectors_[rows].mean(axis=0), rtol=1e-5)
    assert not np.allclose(input_only, expected)


# ---------------------------------------------------------------- scikit-learn conventions


def test_fit_returns_self(short_texts):
    model = small()
    assert model.fit(short_texts) is model


@pytest.mark.parametrize("method", ["transform", "score", "get_feature_names_out"])
def test_not_fitted_error(method):
    model = small()
    with pytest.raises(NotFittedError):
        if method == "get_feature_names_out":
            model.get_feature_names_out()
        else:
            getattr(model, method)(["the whale and the sea"])


def test_clone_and_params_round_trip(fitted):
    params = fitted.get_params()
    cloned = clone(fitted)
    assert cloned.get_params() == params
    assert not hasattr(cloned, "vectors_") and not hasattr(cloned, "vocabulary_")

    model = Word2VecTransformer()
    assert model.set_params(**params) is model
    assert model.get_params() == params
    model.set_params(vector_size=7, pooling="max", dtype=np.float64)
    assert model.get_params()["vector_size"] == 7
    assert model.get_params()["pooling"] == "max"
    assert model.get_params()["dtype"] is np.float64
    assert model.get_params(deep=False) == model.get_params(deep=True)


def test_set_params_takes_effect_on_refit(short_texts):
    model = small().fit(short_texts)
    model.set_params(vector_size=4, dtype=np.float64)
    assert model.fit(short_texts).transform(short_texts[:2]).shape == (2, 4)
    assert model.vectors_.dtype == np.float64
    assert model.get_feature_names_out().tolist() == [
        f"word2vectransformer{i}" for i in range(4)]


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_pickle_round_trip(objective, short_texts):
    model = small(objective=objective, pooling="sif").fit(short_texts)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.get_params() == model.get_params()
    assert restored.vocabulary_ == model.vocabulary_
    assert_array_equal(restored.transform(short_texts[:50]), model.transform(short_texts[:50]))
    assert restored.score(short_texts[:50]) == model.score(short_texts[:50])


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_random_state_reproducibility(objective, short_texts):
    first = small(objective=objective, random_state=1).fit(short_texts)
    second = small(objective=objective, random_state=1).fit(short_texts)
    other = small(objective=objective, random_state=2).fit(short_texts)
    assert_array_equal(first.vectors_, second.vectors_)
    assert_array_equal(first.context_vectors_, second.context_vectors_)
    assert first.loss_curve_ == second.loss_curve_
    assert not np.array_equal(first.vectors_, other.vectors_)
    assert not np.array_equal(first.context_vectors_, other.context_vectors_)


def test_random_state_none_differs_between_fits(short_texts):
    first = small(random_state=None).fit(short_texts)
    second = small(random_state=None).fit(short_texts)
    assert not np.array_equal(first.vectors_, second.vectors_)


def test_refit_is_idempotent(short_texts, texts):
    model = small(random_state=3)
    state = fitted_state(model.fit(short_texts))
    model.fit(short_texts)
    assert_same_state(model, state)
    # A fit on other data in between leaves no trace.
    model.fit(texts[1000:1300])
    assert model.vocabulary_ != state["vocabulary_"]
    model.fit(short_texts)
    assert_same_state(model, state)


def test_fit_does_not_change_parameters(short_texts):
    # check_dont_overwrite_parameters and check_estimators_overwrite_params on text input.
    analyzer = str.split
    model = small(analyzer=analyzer, dtype=np.float64)
    before = dict(model.__dict__)
    params = clone(model).get_params()
    model.fit(short_texts)
    public = {k for k in model.__dict__ if not k.startswith("_") and not k.endswith("_")}
    assert public == {k for k in before if not k.startswith("_")}
    assert all(model.__dict__[k] is before[k] for k in public)
    assert model.get_params() == params


def test_transform_is_row_wise(fitted, short_texts):
    # check_methods_subset_invariance / check_methods_sample_order_invariance on text.
    X = short_texts[:40]
    full = fitted.transform(X)
    assert_array_equal(fitted.transform(X[10:25]), full[10:25])
    order = np.random.default_rng(0).permutation(len(X))
    assert_array_equal(fitted.transform([X[i] for i in order]), full[order])


def test_sklearn_tags():
    tags = Word2VecTransformer().__sklearn_tags__()
    assert tags.input_tags.string is True
    assert tags.input_tags.two_d_array is False
    assert tags.transformer_tags is not None
    assert tags.requires_fit is True


# These common checks do not depend on the training data (or only need an error before any
# data is read), so they run unchanged. check_estimator() as a whole skips the estimator
# ("requires input of type ... string=True") because scikit-learn has no string data
# generator, and the data-dependent checks feed numeric 2-D arrays, which a text transformer
# rightly rejects; see test_sklearn_data_checks_on_text below for those.
@pytest.mark.parametrize("check", [
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_no_attributes_set_in_init",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_mixin_order",
    # Builds an invalid value for every constrained parameter and checks that fit and
    # fit_transform raise InvalidParameterError naming it, before reading X.
    "check_param_validation",
    "check_transformers_unfitted",
    "check_get_feature_names_out_error",
])
def test_sklearn_common_checks(check):
    getattr(estimator_checks, check)("Word2VecTransformer", Word2VecTransformer())


def _numeric_to_text(X):
    """Rows of a numeric array → one-dimensional object array of short documents."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    return np.array([" ".join(f"w{int(np.floor(2 * v)) % 7}" for v in row) for row in X],
                    dtype=object)


# Data-dependent common checks whose logic applies to a text transformer. scikit-learn
# prepares their X with the private helper _enforce_estimator_tags_X, which has no string
# mode; patching it to turn each numeric row into a short document lets them run on text.
# Not run (they index X as a 2-D array after this hook, or test numeric-only behaviour such
# as dtypes, sparse input, NaN/inf, n_features_in_, 1 feature / 1 sample messages):
# check_dont_overwrite_parameters (re-implemented in test_fit_does_not_change_parameters),
# check_methods_subset_invariance and check_methods_sample_order_invariance
# (test_transform_is_row_wise), check_transformer_general, check_estimators_dtypes,
# check_transformer_preserve_dtypes (test_float64_dtype), check_dict_unchanged,
# check_n_features_in, check_fit2d_*, check_estimators_empty_data_messages
# (test_empty_corpus_is_rejected), check_estimators_nan_inf, check_estimator_sparse_*.
@pytest.mark.parametrize("check", [
    "check_estimators_overwrite_params",
    "check_fit_idempotent",
    "check_estimators_pickle",
    "check_fit_check_is_fitted",
    "check_fit_score_takes_y",
    "check_estimators_fit_returns_self",
    "check_pipeline_consistency",
    "check_requires_y_none",
])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
def test_sklearn_data_checks_on_text(check, monkeypatch):
    if not hasattr(estimator_checks, "_enforce_estimator_tags_X"):
        pytest.skip("scikit-learn no longer has the _enforce_estimator_tags_X hook")

    def enforce_text(estimator, X, X_test=None, kernel=None):
        if X_test is not None:
            return _numeric_to_text(X), _numeric_to_text(X_test)
        return _numeric_to_text(X)

    monkeypatch.setattr(estimator_checks, "_enforce_estimator_tags_X", enforce_text)
    # sample=0: subsampling would leave the checks' short documents no pair to train on.
    estimator = Word2VecTransformer(vector_size=4, epochs=1, min_count=1, batch_size=8,
                                    sample=0)
    getattr(estimator_checks, check)("Word2VecTransformer", estimator)


# ---------------------------------------------------------------------------------- score


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_score_is_deterministic_and_prefers_real_text(objective, texts):
    model = small(objective=objective, epochs=2, min_count=3).fit(texts)
    sample = texts[:300]
    score = model.score(sample)
    assert isinstance(score, float) and np.isfinite(score)
    assert score < 0
    assert model.score(sample) == score
    assert model.score(list(sample)) == model.score(pd.Series(sample))
    assert model.score(sample) > model.score(shuffle_words(sample))
    # y is ignored.
    assert model.score(sample, np.zeros(len(sample))) == score


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_score_without_pairs_raises(objective, fitted, short_texts):
    model = clone(fitted).set_params(objective=objective, max_vocab_size=300).fit(short_texts)
    for X in (["qqqq zzzz", "the", "whale qqqq", ""], []):
        with pytest.raises(ValueError, match="no \\(center, context\\) pair"):
            model.score(X)


def _reference_score(model, docs, logit_offset, outcomes=None):
    """Mean over all full-window pairs (unknown words removed first) of log p(o | c), with
    logits U v_c + logit_offset, computed plainly in float64; the softmax runs over the
    rows ``outcomes`` (all by default) and pairs with another context are skipped."""
    V = model.vectors_.astype(np.float64)
    U = model.context_vectors_.astype(np.float64)
    outcomes = np.arange(len(U)) if outcomes is None else np.asarray(outcomes)
    log_likelihoods = []
    for doc in docs:
        ids = [model.vocabulary_[w] for w in doc.split() if w in model.vocabulary_]
        for i, c in enumerate(ids):
            logits = U @ V[c] + logit_offset
            top = logits[outcomes].max()
            log_normalizer = np.log(np.sum(np.exp(logits[outcomes] - top))) + top
            for j in range(max(0, i - model.window), min(len(ids), i + model.window + 1)):
                if j != i and ids[j] in outcomes:
                    log_likelihoods.append(logits[ids[j]] - log_normalizer)
    return np.mean(log_likelihoods)


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_score_matches_a_plain_computation(objective):
    # Word counts differ a lot ("the" 12, "whale" 6, ...), so log q is far from constant.
    train = ["the whale and the sea and the ship", "the ship sails on the sea",
             "a whale sees the ship", "the sea is wide and the whale is big"] * 3
    model = Word2VecTransformer(objective=objective, vector_size=6, window=2, min_count=1,
                                epochs=30, learning_rate=0.05, batch_size=4, sample=0,
                                dtype=np.float64, random_state=0).fit(train)
    held_out = ["the big ship and the whale", "qqqq the sea sails", "whale"]
    log_q = np.log(model.noise_distribution_)
    offset = log_q if objective == "negative" else np.zeros_like(log_q)
    expected = _reference_score(model, held_out, offset)
    assert_allclose(model.score(held_out), expected, rtol=1e-10)
    # The score is the model's likelihood (v and u), whatever transform uses.
    assert_allclose(model.set_params(word_vectors="input+output").score(held_out), expected,
                    rtol=1e-10)
    # The correction matters on this corpus: the other convention gives another value.
    other = _reference_score(model, held_out, np.zeros_like(log_q) if objective == "negative"
                             else log_q)
    assert abs(other - expected) > 1e-2


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_score_after_fine_tuning_leaves_out_the_untrained_outputs(objective):
    """Pretrained words that fine-tuning never saw keep zero output vectors and q = 0:
    score's softmax runs over the trained outputs and skips pairs with another context
    (with them, a negative-sampling model scored -inf)."""
    train = ["the whale and the sea and the ship", "the ship sails on the sea",
             "a whale sees the ship", "the sea is wide and the whale is big"] * 3
    params = dict(objective=objective, vector_size=6, window=2, min_count=1, epochs=30,
                  learning_rate=0.05, batch_size=4, sample=0, dtype=np.float64,
                  random_state=0)
    source = Word2VecTransformer(**params).fit(train)
    tuning = ["the ship and the sea", "a big ship"] * 3  # no whale, sails, wide, ...
    model = Word2VecTransformer(**{**params, "epochs": 3},
                                init=(source.index_to_word_, source.vectors_)).fit(tuning)
    seen = sorted(model.vocabulary_[w] for w in {t for d in tuning for t in d.split()})
    assert_array_equal(np.flatnonzero(model.noise_distribution_ > 0), seen)
    held_out = ["the big whale and the ship", "qqqq the sea sails", "whale"]
    with np.errstate(divide="ignore"):
        log_q = np.log(model.noise_distribution_)
    offset = log_q if objective == "negative" else np.zeros_like(log_q)
    expected = _reference_score(model, held_out, offset, outcomes=seen)
    assert np.isfinite(expected)
    assert_allclose(model.score(held_out), expected, rtol=1e-10)


# ---------------------------------------------------------------------------- divergence


# Warnings are errors here: numpy's overflow warnings must not pre-empt the clear error.
@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_huge_learning_rate_raises_training_diverged(objective, short_texts):
    model = small(objective=objective, learning_rate=1e6)
    with pytest.raises(TrainingDivergedError, match="learning_rate"):
        model.fit(short_texts)
    assert not hasattr(model, "vectors_")
    with pytest.raises(TrainingDivergedError, match="learning_rate"):
        small(objective=objective, learning_rate=1e6).fit_transform(short_texts)


@pytest.mark.filterwarnings("error")
def test_failed_refit_keeps_the_previous_model(short_texts, texts):
    model = small().fit(short_texts)
    state = fitted_state(model)
    X_new = model.transform(short_texts[:20])
    score = model.score(short_texts[:20])
    model.set_params(learning_rate=1e6)
    with pytest.raises(TrainingDivergedError):
        model.fit(texts[1000:1600])  # other data: a successful fit would change the vocabulary
    assert_same_state(model, state)
    assert_array_equal(model.transform(short_texts[:20]), X_new)
    assert model.score(short_texts[:20]) == score


def fit_and_capture_corpus(model, docs):
    """Fit ``model`` and return the training corpus it encoded (after the vocabulary)."""
    events = []
    with recording(events, "statistics"):
        model.fit(docs)
    return events[0][1]["corpus"]


def test_vocabulary_larger_than_16_bit_ids():
    """66,000 words: the rarest rows (>= 65535) are stored escaped in the training corpus."""
    rng = np.random.default_rng(0)
    tokens = [f"w{i}" for i in rng.permutation(66_000)]
    tokens += [f"w{i}" for i in rng.integers(0, 50, size=20_000)]
    rng.shuffle(tokens)
    docs = [tokens[i:i + 40] for i in range(0, len(tokens), 40)]
    model = Word2VecTransformer(vector_size=8, min_count=1, epochs=1, random_state=0)
    corpus = fit_and_capture_corpus(model, docs)
    assert len(model.vocabulary_) == 66_000 and corpus._escaped_ids.size > 0
    expected = np.array([model.vocabulary_[t] for doc in docs for t in doc])
    assert_array_equal(corpus.ids, expected)
    assert_array_equal(corpus.doc_offsets,
                       np.arange(0, len(tokens) + 40, 40).clip(max=len(tokens)))
    rare = [word for word, row in model.vocabulary_.items() if row >= 65_535][:3]
    rare_rows = [model.vocabulary_[w] for w in rare]
    assert_allclose(model.transform([rare])[0], model.vectors_[rare_rows].mean(axis=0),
                    rtol=1e-6)
    assert model._fit(docs) is None  # fit does not keep the corpus


def test_initial_vectors_drawn_in_blocks_equal_one_draw():
    from sklearn_w2v._training.parameters import initial_center_vectors

    for n_words, d in [(1, 1), (33, 7), (10, 100)]:
        expected = ((np.random.default_rng(4).random((n_words, d)) - 0.5) / d).astype(np.float32)
        got = initial_center_vectors(np.random.default_rng(4), n_words, d, np.float32,
                                     block_values=70)
        assert got.dtype == np.float32 and np.array_equal(got, expected)


# ------------------------------------------------------------------ reliability of fit state

@pytest.mark.parametrize("stage", FIT_EVENTS)
@pytest.mark.parametrize("error", [KeyboardInterrupt, MemoryError])
def test_interrupted_refit_leaves_the_previous_model_whole(stage, error, short_texts, texts):
    """An interrupt anywhere in fit leaves the previous fitted state as it was, never the
    vectors of one fit with the vocabulary of another."""
    model = small(pooling="sif").fit(short_texts)
    state = fitted_state(model)
    X_new = model.transform(short_texts[:20])

    with stop_at(stage, error), pytest.raises(error):
        model.set_params(pooling="sif").fit(texts[1000:1600])
    model.set_params(pooling="sif")
    assert_same_state(model, state)
    assert_array_equal(model.transform(short_texts[:20]), X_new)


def test_a_corpus_too_small_to_train_warns_and_reports_nan():
    # 5 epochs (50 by epochs="auto" would give subsampling 50 chances to keep a pair).
    model = Word2VecTransformer(min_count=1, vector_size=4, random_state=0, epochs=5)
    with pytest.warns(RuntimeWarning, match="no \\(center, context\\) pair"):
        model.fit([["a", "b", "c"]] * 3)  # subsampling drops nearly every token
    assert model.n_pairs_ == 0
    assert len(model.loss_curve_) == model.epochs_ == 5
    assert np.isnan(model.loss_curve_).all()


def test_auto_epochs_give_small_corpora_more_passes(short_texts):
    from sklearn_w2v._training import auto_epochs

    assert [auto_epochs(n) for n in (1, 80_000, 175_081, 799_999, 800_000, 10**9)] == \
        [50, 50, 23, 6, 5, 5]
    model = small(epochs="auto").fit(short_texts)
    assert model.epochs_ == auto_epochs(model.corpus_word_count_)
    assert len(model.loss_curve_) == model.epochs_
    assert small(epochs=3).fit(short_texts).epochs_ == 3


def test_thousands_of_noise_words_train_without_diverging(short_texts):
    """negative >= 1023 used to overflow the loss and 'diverge' at any learning rate."""
    model = small(negative=2000, max_vocab_size=300).fit(short_texts[:200])
    assert np.isfinite(model.loss_curve_).all() and np.isfinite(model.vectors_).all()


def test_huge_window_on_short_documents_costs_the_documents_not_the_window(short_texts):
    model = small(window=10**8, epochs=1).fit(short_texts[:100])
    assert np.isfinite(model.vectors_).all()
    model.set_params(window=10**7)
    assert np.isfinite(model.score(short_texts[:50]))


def test_pickle_records_the_package_version_and_warns_on_another(fitted):
    import sklearn_w2v
    from sklearn_w2v import InconsistentVersionWarning

    data = pickle.dumps(fitted)
    state = fitted.__getstate__()
    assert state["_sklearn_w2v_version"] == sklearn_w2v.__version__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(data)  # same version: no warning
    state["_sklearn_w2v_version"] = "0.0.1"
    clone_ = Word2VecTransformer.__new__(Word2VecTransformer)
    with pytest.warns(InconsistentVersionWarning, match="0.0.1.*Refit"):
        clone_.__setstate__(state)
    assert_array_equal(clone_.vectors_, fitted.vectors_)


@pytest.mark.parametrize("dtype", ["bogus", None, np.int32])
def test_from_word2vec_format_validates_dtype_like_fit(dtype, fitted, tmp_path):
    path = tmp_path / "vectors.txt"
    fitted.save_word2vec_format(path)
    with pytest.raises(ValueError, match="dtype=.*float32"):
        Word2VecTransformer.from_word2vec_format(path, dtype=dtype)
    loaded = Word2VecTransformer.from_word2vec_format(path, dtype=np.float64)
    assert loaded.vectors_.dtype == np.float64
    assert loaded.vector_size is None and loaded.vector_size_ == fitted.vector_size


# ------------------------------------------------------------ architectures x objectives

ARCHITECTURES = ["skipgram", "cbow"]
ALL_OBJECTIVES = ["negative", "softmax", "nce", "hierarchical"]


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@pytest.mark.parametrize("objective", ALL_OBJECTIVES)
def test_every_architecture_and_objective_trains_scores_and_pickles(architecture, objective,
                                                                    texts, short_texts):
    model = small(architecture=architecture, objective=objective, epochs=3, sample=0,
                  max_vocab_size=300).fit(texts)
    assert np.isfinite(model.vectors_).all() and np.isfinite(model.loss_curve_).all()
    hierarchical = objective == "hierarchical"
    n_words = len(model.vocabulary_)
    assert hasattr(model, "node_vectors_") == hierarchical
    assert hasattr(model, "context_vectors_") != hierarchical
    assert model.fitted_parts_.node_vectors == hierarchical
    if hierarchical:
        assert model.node_vectors_.shape == (n_words - 1, 10)
        assert model.huffman_tree_.n_inner == n_words - 1
    score = model.score(short_texts[:100])
    assert np.isfinite(score) and score < 0
    if objective != "nce":
        # Training helps: the model predicts words better than at its start, with zero
        # output vectors (NCE is only self-normalised near its optimum, far away after 3
        # epochs of 3,000 short documents, where it scores below its start).
        untrained = copy.copy(model)
        if hierarchical:
            untrained.node_vectors_ = np.zeros_like(model.node_vectors_)
        else:
            untrained.context_vectors_ = np.zeros_like(model.context_vectors_)
        assert score > untrained.score(short_texts[:100]) + 0.05
    restored = pickle.loads(pickle.dumps(model))
    assert restored.score(short_texts[:100]) == score
    assert_array_equal(restored.transform(short_texts[:5]), model.transform(short_texts[:5]))


def test_cbow_scores_the_center_word_per_window(short_texts):
    model = small(architecture="cbow", objective="softmax", max_vocab_size=300,
                  window=2).fit(short_texts)
    # One document of three known words: the center of each window predicted from its
    # context (full width, no subsampling), mean of the context vectors.
    words = [w for w in ("the", "of", "and") if w in model.vocabulary_]
    rows = [model.vocabulary_[w] for w in words]
    V, U = model.vectors_.astype(np.float64), model.context_vectors_.astype(np.float64)
    expected = []
    for i, row in enumerate(rows):
        context = [rows[j] for j in range(len(rows)) if j != i and abs(j - i) <= 2]
        logits = V[context].mean(axis=0) @ U.T
        expected.append(logits[row] - np.log(np.exp(logits - logits.max()).sum())
                        - logits.max())
    assert model.score([" ".join(words)]) == pytest.approx(np.mean(expected), rel=1e-5)


def test_learning_rate_auto_is_the_architectures_usual_value(short_texts):
    assert small()._learning_rate() == 0.025
    assert small(architecture="cbow")._learning_rate() == 0.05
    assert small(architecture="cbow", learning_rate=0.01)._learning_rate() == 0.01
    # min_learning_rate is checked against the resolved rate.
    small(architecture="cbow", min_learning_rate=0.03).fit(short_texts[:50])
    with pytest.raises(ValueError, match="min_learning_rate=0.03 is larger than "
                                         "learning_rate=0.025"):
        small(min_learning_rate=0.03).fit(short_texts[:50])


def test_hierarchical_softmax_has_no_output_word_vectors(short_texts):
    model = small(objective="hierarchical", word_vectors="input+output")
    with pytest.raises(ValueError, match="hierarchical softmax does not have"):
        model.fit_transform(short_texts)
    model.set_params(word_vectors="input").fit(short_texts)
    with pytest.raises(ValueError, match="hierarchical softmax does not have"):
        model.set_params(word_vectors="input+output").transform(short_texts[:2])


def test_cbow_sum_and_mean_differ(short_texts):
    mean = small(architecture="cbow", cbow_mean=True).fit(short_texts)
    total = small(architecture="cbow", cbow_mean=False).fit(short_texts)
    assert not np.allclose(mean.vectors_, total.vectors_)
