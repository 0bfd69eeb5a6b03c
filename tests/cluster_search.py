"""The grid search that tests/test_dask.py and tests/test_ray.py run on a cluster backend
and on the local one (a helper module, not a test module)."""

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.datasets import load_rotten_tomatoes


def grid_search():
    pipe = Pipeline([
        ("w2v", Word2VecTransformer(vector_size=8, epochs=2, min_count=2, random_state=0,
                                    n_jobs=-1)),
        ("clf", LogisticRegression(max_iter=1000)),
    ])
    return GridSearchCV(pipe, {"w2v__negative": [2, 5], "w2v__pooling": ["mean", "tfidf"]},
                        cv=2, n_jobs=-1)


def reviews():
    """800 training reviews, stratified: a few seconds per candidate."""
    X, y = load_rotten_tomatoes(subset="train", return_X_y=True)
    X, _, y, _ = train_test_split(X, y, train_size=800, stratify=y, random_state=0)
    return X, y


def assert_same_search(remote, local):
    """The cluster's search scored every candidate and fold as the local one did."""
    import numpy as np
    from numpy.testing import assert_array_equal

    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_
    assert np.isfinite(local.cv_results_["mean_test_score"]).all()
