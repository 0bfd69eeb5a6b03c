"""What every layer may use: the float dtypes, type aliases, folders owned by a process.

Imports nothing else of the package. ``dtypes`` checks the two floating types (float32,
float64) that every ``dtype`` parameter accepts; ``typing`` holds the annotations of the
public API (documents, arrays, paths); ``owned_folders`` makes temporary folders locked by
the process that owns them and removes those of dead owners (the out-of-core corpus and
the worker processes' shared arrays live in such folders).
"""

from .dtypes import FLOAT_DTYPES, check_float_dtype, float_dtype_or_none
from .owned_folders import (
    OwnedFolder,
    full_or_read_only,
    process_exists,
    remove_stale_folders,
    tracked_by_loky,
)
from .typing import Documents, FloatArray, FloatDType, PathLike, Term, WordVectorsSource

__all__ = ["FLOAT_DTYPES", "Documents", "FloatArray", "FloatDType", "OwnedFolder", "PathLike",
           "Term", "WordVectorsSource", "check_float_dtype", "float_dtype_or_none",
           "full_or_read_only", "process_exists", "remove_stale_folders", "tracked_by_loky"]
