"""GridSearchCV over a Word2VecTransformer pipeline on a Dask cluster (joblib's dask backend),
as the README's recipe does it: the same cv_results_ scores as the local backend."""

import pytest
from cluster_search import assert_same_search, grid_search, reviews
from joblib import parallel_config

# Starting a local Dask cluster and searching twice takes 30-50 s on 2 cores; its package is
# in the test-slow extra with Ray's. Imported in the test, so that the default run (which
# deselects slow tests) does not report a skip when it is not installed.
pytestmark = pytest.mark.slow


def test_grid_search_on_a_dask_cluster_matches_the_local_backend():
    distributed = pytest.importorskip(
        "distributed", reason="Dask is in the test-slow extra: pip install -e '.[test-slow]'")
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
