"""Fixtures shared by the test modules."""

import pytest

from sklearn_w2v._text import stores as _stores
from sklearn_w2v._training import fitting as _fitting

# Where each stage of a fit is looked up when it runs: the corpus stores encode and remap,
# the fit procedure does the rest.
_STAGE_MODULES = {name: _stores for name in ("count_and_encode", "remap_corpus",
                                             "encode_to_folder", "remap_in_folder")}


def fit_stage_module(stage):
    """The module whose global ``stage`` a fit calls (to patch it in a test)."""
    return _STAGE_MODULES.get(stage, _fitting)


@pytest.fixture
def patch_fit_stage(monkeypatch):
    """``patch_fit_stage(stage, replacement)`` replaces the fit stage ``stage`` for the test
    and returns the real function."""

    def patch(stage, replacement):
        module = fit_stage_module(stage)
        real = getattr(module, stage)
        monkeypatch.setattr(module, stage, replacement)
        return real
    return patch
