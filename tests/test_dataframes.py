"""A text column as dataframe tools hand it over (issue 29): a one-column pandas or polars
DataFrame, or an (n, 1) array, is read as its column of documents, as ColumnTransformer
(a list of columns) and skrub's TableVectorizer pass it; several columns raise the error
that names the fix."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import ColumnTransformer

from sklearn_w2v import Doc2VecTransformer, Word2VecTransformer
from sklearn_w2v.datasets import load_rotten_tomatoes

pd = pytest.importorskip("pandas")

W2V = dict(vector_size=8, epochs=1, min_count=2, n_jobs=1, random_state=0)
D2V = dict(vector_size=8, epochs=2, min_count=2, n_jobs=1, random_state=0)


@pytest.fixture(scope="module")
def reviews():
    """600 training reviews (both labels) and a few more rows to transform."""
    X, _ = load_rotten_tomatoes(subset="train", return_X_y=True)
    return list(X[:300]) + list(X[-300:]), list(X[300:310])


@pytest.fixture(scope="module")
def table(reviews):
    """A table with a text column, as skrub's users have them."""
    texts, _ = reviews
    return {"text": texts, "stars": [i % 5 for i in range(len(texts))],
            "city": ["paris", "london", "rome"] * (len(texts) // 3)}


# polars and skrub are in the test-dataframes extra (pip install -e ".[test-dataframes]").
_EXTRA = "in the test-dataframes extra: pip install -e '.[test-dataframes]'"


def _polars():
    return pytest.importorskip("polars", reason=f"polars is {_EXTRA}")


@pytest.mark.parametrize("Estimator, params", [(Word2VecTransformer, W2V),
                                               (Doc2VecTransformer, D2V)])
def test_one_column_frames_and_arrays_are_the_column(reviews, Estimator, params):
    texts, new = reviews
    expected_fit = Estimator(**params).fit_transform(texts)
    expected = Estimator(**params).fit(texts).transform(new)
    inputs = [(pd.DataFrame({"review": texts}), pd.DataFrame({"review": new})),
              (np.array(texts, dtype=object)[:, None], np.array(new, dtype=object)[:, None])]
    for X, X_new in inputs:
        assert_array_equal(Estimator(**params).fit_transform(X), expected_fit)
        assert_array_equal(Estimator(**params).fit(X).transform(X_new), expected)


@pytest.mark.parametrize("Estimator, params", [(Word2VecTransformer, W2V),
                                               (Doc2VecTransformer, D2V)])
def test_one_column_polars_frames_and_series_are_the_column(reviews, Estimator, params):
    pl = _polars()
    texts, new = reviews
    expected = Estimator(**params).fit(texts).transform(new)
    for X, X_new in ((pl.DataFrame({"review": texts}), pl.DataFrame({"review": new})),
                     (pl.Series("review", texts), pl.Series("review", new))):
        assert_array_equal(Estimator(**params).fit(X).transform(X_new), expected)


def test_polars_in_polars_out(reviews):
    pl = _polars()
    texts, new = reviews
    model = Word2VecTransformer(**W2V).set_output(transform="polars")
    out = model.fit(pl.DataFrame({"review": texts})).transform(pl.DataFrame({"review": new}))
    assert isinstance(out, pl.DataFrame)
    assert out.columns == [f"word2vectransformer{i}" for i in range(8)]
    assert_array_equal(out.to_numpy(), Word2VecTransformer(**W2V).fit(texts).transform(new))


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_several_columns_raise_the_error_that_names_the_fix(table, library):
    frame = pd.DataFrame(table) if library == "pandas" else _polars().DataFrame(table)
    with pytest.raises(TypeError, match=r"`X` is a DataFrame with 3 columns \('text', "
                                        r"'stars', 'city'\).*Select the text column, "
                                        r"e\.g\. X\['text'\]"):
        Word2VecTransformer(**W2V).fit(frame)


def test_column_transformer_gives_the_column_as_a_list_or_a_string(table):
    frame = pd.DataFrame(table)
    by_list = ColumnTransformer([("w2v", Word2VecTransformer(**W2V), ["text"])])
    by_name = ColumnTransformer([("w2v", Word2VecTransformer(**W2V), "text")])
    assert_array_equal(by_list.fit_transform(frame), by_name.fit_transform(frame))
    with pytest.raises(TypeError, match=r"DataFrame with 2 columns \('text', 'city'\)"):
        ColumnTransformer([("w2v", Word2VecTransformer(**W2V), ["text", "city"])]).fit(frame)


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_skrub_table_vectorizer_embeds_the_text_column(table, library):
    """``TableVectorizer(high_cardinality=...)`` sends the many-valued text column to the
    transformer (as a one-column frame), ``specific_transformers`` the named one; both give
    the transformer's vectors of the column beside the other columns' features."""
    skrub = pytest.importorskip("skrub", reason=f"skrub is {_EXTRA}")
    frame = pd.DataFrame(table) if library == "pandas" else _polars().DataFrame(table)
    alone = Word2VecTransformer(**W2V).fit(table["text"])
    columns = [f"word2vectransformer{i}" for i in range(8)]
    for vectorizer in (
            skrub.TableVectorizer(high_cardinality=Word2VecTransformer(**W2V)),
            skrub.TableVectorizer(specific_transformers=[(Word2VecTransformer(**W2V),
                                                          ["text"])])):
        out = vectorizer.fit_transform(frame)
        assert type(out) is type(frame) and out.shape[0] == len(table["text"])
        assert list(out.columns)[:8] == columns
        assert type(vectorizer.transformers_["text"]) is Word2VecTransformer
        assert {"stars", "city_london", "city_paris", "city_rome"} <= set(out.columns)
        new_rows = frame[:5]
        assert_allclose(np.asarray(vectorizer.transform(new_rows)[columns]),
                        alone.transform(table["text"][:5]))
