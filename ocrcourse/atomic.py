"""Files that are never half written: stage to a temporary file beside the target, then rename.

A training run can be interrupted at any moment (Ctrl-C, a killed kernel, a full disk). Everything the
library writes that a later run reads back — checkpoints (`ocrcourse.train.checkpoint`), converted
official weights and the cache manifest (`ocrcourse.weights.cache`), exported centers, eval reports —
goes through `atomic_write`: `write(tmp)` fills a fresh temporary file in the same folder, its bytes are
flushed to disk, and `os.replace` (atomic on POSIX and Windows) publishes it. Readers see the old
complete file or the new one, never a torn one. `stage` is the first half alone, for writers that
publish several files together (a checkpoint's `.pdparams`, `.pdopt` and `.states`).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable

__all__ = ["stage", "atomic_write", "sha256_of"]


def stage(path: str | os.PathLike, write: Callable[[str], None]) -> str:
    """Call `write(tmp)` on a fresh temporary file next to `path`; return the durable temporary path.
    On any error the temporary file is removed and the error re-raised."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as f:        # make the bytes durable before the rename publishes them
            os.fsync(f.fileno())
    except BaseException:
        os.remove(tmp)
        raise
    return tmp


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> None:
    """`stage` then rename to `path`: `path` always holds either the old complete file or the new one."""
    tmp = stage(path, write)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.remove(tmp)
        raise


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
