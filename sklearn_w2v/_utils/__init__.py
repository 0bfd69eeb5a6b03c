"""What every layer may use: the float dtypes, type aliases, folders owned by a process.

Imports nothing else of the package. ``hooks`` holds the engine's injection points for tests
and benchmarks (see :func:`engine_hooks`); ``checks`` the checks of counts shared by the
settings; ``dtypes`` checks the two floating types (float32,
float64) that every ``dtype`` parameter accepts; ``typing`` holds the annotations of the
public API (documents, arrays, paths); ``owned_folders`` makes temporary folders locked by
the process that owns them and removes those of dead owners (the out-of-core corpus and
the worker processes' shared arrays live in such folders); ``mapped_pages`` drops a
process's pages of a shared map it has read.
"""

from .checks import check_not_boolean
from .dtypes import FLOAT_DTYPES, check_float_dtype, float_dtype_or_none
from .hooks import EngineHooks, current_hooks, engine_hooks
from .mapped_pages import release_mapped_rows
from .owned_folders import (
    OwnedFolder,
    full_or_read_only,
    process_exists,
    remove_stale_folders,
    tracked_by_loky,
)
from .typing import Documents, FloatArray, FloatDType, PathLike, Term, WordVectorsSource

__all__ = ["FLOAT_DTYPES", "Documents", "EngineHooks", "FloatArray", "FloatDType",
           "OwnedFolder", "PathLike", "Term", "WordVectorsSource", "check_float_dtype",
           "check_not_boolean", "current_hooks", "engine_hooks", "float_dtype_or_none",
           "full_or_read_only", "process_exists", "release_mapped_rows",
           "remove_stale_folders", "tracked_by_loky"]
