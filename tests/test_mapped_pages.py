"""Tests of sklearn_w2v._utils.mapped_pages: a process's pages of a shared map it has read
are dropped, the file's data kept."""

import os

import numpy as np
import pytest

from sklearn_w2v._utils import release_mapped_rows

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/status"),
                                reason="reads the resident memory from /proc")


def resident_mib():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_reading_a_shared_map_then_releasing_it_leaves_no_resident_copy(tmp_path):
    path = tmp_path / "matrix.npy"
    values = np.arange(64 * 2**18, dtype=np.float32).reshape(-1, 256)  # 64 MiB
    np.save(path, values)
    del values
    shared = np.load(path, mmap_mode="r+")
    before = resident_mib()
    total = float(shared.sum(dtype=np.float64))  # every page read
    assert resident_mib() - before > 48
    for first in range(0, len(shared), 1000):  # as the coordinator copies blocks back
        release_mapped_rows(shared, first, first + 1000)
    assert resident_mib() - before < 16
    assert float(shared.sum(dtype=np.float64)) == total  # the file kept its data
    shared[0, 0] = -1.0  # and the map stays writable
    release_mapped_rows(shared, 0, 1)
    assert np.load(path, mmap_mode="r")[0, 0] == -1.0


def test_anything_but_a_writable_shared_map_is_left_alone(tmp_path):
    plain = np.ones((10, 4))
    release_mapped_rows(plain, 0, 10)
    np.save(tmp_path / "m.npy", plain)
    private = np.load(tmp_path / "m.npy", mmap_mode="c")  # copy-on-write: must keep pages
    private[:] = 2.0
    release_mapped_rows(private, 0, 10)
    assert (private == 2.0).all()
