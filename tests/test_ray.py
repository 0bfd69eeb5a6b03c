"""GridSearchCV over a Word2VecTransformer pipeline on a local Ray instance (Ray's joblib
backend), as the README's recipe does it: the same cv_results_ scores as the local backend,
as tests/test_dask.py checks for Dask."""

import pytest
from cluster_search import assert_same_search, grid_search, reviews
from joblib import parallel_config

# Starting a local Ray instance takes 10-15 s on 2 cores, before any fit. Ray is in the
# test-slow extra; imported by the fixture, so that the default run (which deselects slow
# tests) does not report a skip when it is not installed.
pytestmark = pytest.mark.slow


@pytest.fixture
def local_ray():
    ray = pytest.importorskip(
        "ray", reason="Ray is in the test-slow extra: pip install -e '.[test-slow]'")
    if ray.is_initialized():
        pytest.skip("a Ray instance is already running in this process")
    # Two worker processes, as the Dask test's two workers; no dashboard and no log
    # forwarding, which only slow the start.
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


def test_grid_search_on_a_local_ray_instance_matches_the_local_backend(local_ray):
    ray = local_ray
    ray_joblib = pytest.importorskip("ray.util.joblib")

    def imported_package():
        # Defined in here so that it is pickled by value: Ray's workers cannot import
        # this test module.
        import sklearn_w2v
        return sklearn_w2v.__file__

    # Ray's workers build their own sys.path: make sure they fit the code under test.
    assert ray.get(ray.remote(imported_package).remote()) == imported_package()
    X, y = reviews()
    local = grid_search().fit(X, y)
    ray_joblib.register_ray()
    with parallel_config(backend="ray"):
        remote = grid_search().fit(X, y)
    assert_same_search(remote, local)
