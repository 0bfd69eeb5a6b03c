"""GridSearchCV over a Word2VecTransformer pipeline on a Dask cluster (joblib's dask backend),
as the README's recipe does it: the same cv_results_ scores as the local backend."""

import pytest
from cluster_search import assert_same_search, grid_search, reviews
from joblib import parallel_config

distributed = pytest.importorskip("distributed")


def test_grid_search_on_a_dask_cluster_matches_the_local_backend():
    X, y = reviews()
    local = grid_search().fit(X, y)
    # Worker processes, as on a real cluster; the fits inside them train in one process
    # (dask workers are daemonic, so n_jobs=-1 resolves to 1 there).
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with parallel_config(backend="dask"):
            remote = grid_search().fit(X, y)
    assert_same_search(remote, local)
