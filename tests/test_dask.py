"""GridSearchCV over a Word2VecTransformer pipeline on a Dask cluster (joblib's dask backend),
as the README's recipe does it: the same cv_results_ scores as the local backend."""

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_array_equal
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.datasets import load_rotten_tomatoes

distributed = pytest.importorskip("distributed")


def grid_search():
    pipe = Pipeline([
        ("w2v", Word2VecTransformer(vector_size=8, epochs=2, min_count=2, random_state=0,
                                    n_jobs=-1)),
        ("clf", LogisticRegression(max_iter=1000)),
    ])
    return GridSearchCV(pipe, {"w2v__negative": [2, 5], "w2v__pooling": ["mean", "tfidf"]},
                        cv=2, n_jobs=-1)


def test_grid_search_on_a_dask_cluster_matches_the_local_backend():
    X, y = load_rotten_tomatoes(subset="train", return_X_y=True)
    X, _, y, _ = train_test_split(X, y, train_size=800, stratify=y, random_state=0)
    local = grid_search().fit(X, y)
    # Worker processes, as on a real cluster; the fits inside them train in one process
    # (dask workers are daemonic, so n_jobs=-1 resolves to 1 there).
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with parallel_config(backend="dask"):
            remote = grid_search().fit(X, y)
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_
    assert np.isfinite(local.cv_results_["mean_test_score"]).all()
