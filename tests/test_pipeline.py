"""Word2VecTransformer inside scikit-learn's composition and model-selection tools."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.datasets import load_rotten_tomatoes, load_sample_corpus

W2V = dict(vector_size=8, epochs=2, min_count=2, random_state=0)


@pytest.fixture(scope="module")
def reviews():
    """1,500 training reviews, stratified: the train split is stored sorted by label, so a
    plain prefix would hold only 'fresh' reviews."""
    X, y = load_rotten_tomatoes(subset="train", return_X_y=True)
    X, _, y, _ = train_test_split(X, y, train_size=1500, stratify=y, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def corpus():
    return load_sample_corpus(n_lines=2000)


def make_pipeline(**w2v_params):
    return Pipeline([("w2v", Word2VecTransformer(**{**W2V, **w2v_params})),
                     ("clf", LogisticRegression(max_iter=1000))])


def test_pipeline_fits_raw_texts_and_predicts(reviews):
    X, y = reviews
    pipe = make_pipeline().fit(X, y)
    w2v = pipe.named_steps["w2v"]
    assert {"movie", "film", "the"} <= set(w2v.vocabulary_)  # learned from the raw reviews
    assert pipe.named_steps["clf"].coef_.shape == (1, W2V["vector_size"])
    predictions = pipe.predict(X[:100])
    assert predictions.shape == (100,)
    assert set(predictions) <= {"fresh", "rotten"}
    proba = pipe.predict_proba(X[:100])
    assert proba.shape == (100, 2)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert 0.0 <= pipe.score(X, y) <= 1.0
    # Prediction on documents without any known word still works (zero features).
    assert pipe.predict(["zzzzqqq xxyyzz", ""]).shape == (2,)


def test_grid_search_over_pipeline_in_parallel(reviews):
    X, y = reviews
    grid = GridSearchCV(make_pipeline(),
                        {"w2v__negative": [2, 5], "w2v__vector_size": [8, 16]},
                        cv=2, n_jobs=2)
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_params_["w2v__negative"] in (2, 5)
    best_size = grid.best_params_["w2v__vector_size"]
    assert grid.best_estimator_.named_steps["w2v"].vectors_.shape[1] == best_size
    assert grid.predict(X[:10]).shape == (10,)


def test_unsupervised_grid_search_selects_by_score(corpus):
    base = Word2VecTransformer(objective="softmax", max_vocab_size=200, epochs=2, min_count=2,
                               random_state=0)
    grid = GridSearchCV(base, {"vector_size": [5, 10]}, cv=2).fit(corpus)
    scores = grid.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and (scores < 0).all()
    # Each fold's test score is the model's score() on the held-out documents.
    half = len(corpus) // 2
    expected = base.set_params(vector_size=5).fit(corpus[half:]).score(corpus[:half])
    assert_allclose(grid.cv_results_["split0_test_score"][0], expected)
    best = int(np.argmax(scores))
    assert grid.best_params_ == grid.cv_results_["params"][best]
    assert grid.best_score_ == scores[best]
    assert grid.best_estimator_.vectors_.shape[1] == grid.best_params_["vector_size"]
    assert grid.transform(corpus[:3]).shape == (3, grid.best_params_["vector_size"])


def test_cross_val_score(reviews, corpus):
    X, y = reviews
    scores = cross_val_score(make_pipeline(), X, y, cv=3)
    assert scores.shape == (3,)
    assert ((scores >= 0) & (scores <= 1)).all()
    unsupervised = cross_val_score(
        Word2VecTransformer(objective="nce", **W2V), corpus, cv=2)
    assert unsupervised.shape == (2,) and np.isfinite(unsupervised).all()


def test_set_output_pandas_keeps_series_index(corpus):
    index = pd.Index([f"doc{i}" for i in range(300)], name="doc_id")
    X = pd.Series(corpus[:300], index=index, name="text")
    model = Word2VecTransformer(**W2V).set_output(transform="pandas")
    columns = [f"word2vectransformer{i}" for i in range(W2V["vector_size"])]
    for out in (model.fit_transform(X), model.fit(X).transform(X)):
        assert isinstance(out, pd.DataFrame)
        assert out.index.equals(index)
        assert out.columns.tolist() == columns
        assert_array_equal(out.to_numpy(),
                           model.set_output(transform="default").transform(X))
        model.set_output(transform="pandas")
    subset = model.transform(X.iloc[[5, 2]])
    assert subset.index.tolist() == ["doc5", "doc2"]


def test_column_transformer_on_a_dataframe_text_column(reviews):
    X, y = reviews
    frame = pd.DataFrame({"review": X, "length": [len(text) for text in X]},
                         index=np.arange(len(X)) * 10)
    features = ColumnTransformer([
        ("w2v", Word2VecTransformer(**W2V), "review"),  # a str selects a Series
        ("length", StandardScaler(), ["length"]),
    ])
    pipe = Pipeline([("features", features), ("clf", LogisticRegression(max_iter=1000))])
    pipe.fit(frame, y)
    assert pipe.predict(frame.iloc[:20]).shape == (20,)
    names = pipe.named_steps["features"].get_feature_names_out().tolist()
    assert names == [f"w2v__word2vectransformer{i}" for i in range(W2V["vector_size"])] + [
        "length__length"]
    out = features.set_output(transform="pandas").transform(frame.iloc[:5])
    assert out.columns.tolist() == names
    assert out.index.tolist() == [0, 10, 20, 30, 40]
    # The text block equals the transformer used on its own.
    alone = Word2VecTransformer(**W2V).fit(frame["review"])
    assert_allclose(out.iloc[:, :-1].to_numpy(), alone.transform(frame["review"].iloc[:5]))


def test_column_transformer_with_a_list_of_columns(reviews):
    """A list of one column passes a one-column frame: its column is the documents (as for
    scikit-learn's text transformers). A list of several gives the error naming the fix."""
    X, y = reviews
    frame = pd.DataFrame({"review": X[:200], "title": ["t"] * 200})
    by_list = ColumnTransformer([("w2v", Word2VecTransformer(**W2V), ["review"])])
    assert_array_equal(by_list.fit_transform(frame),
                       Word2VecTransformer(**W2V).fit_transform(frame["review"]))
    features = ColumnTransformer([("w2v", Word2VecTransformer(**W2V), ["review", "title"])])
    with pytest.raises(TypeError, match=r"DataFrame with 2 columns.*Select the text column"):
        features.fit(frame)
