"""Load single modules of `paddleocr==2.10.0` (a test-only reference, installed with --no-deps).

Importing `ppocr.data` or `ppocr.postprocess` as packages drags in lmdb and many optional
dependencies, so parity tests load the one file they compare against:

    DBPostProcess = ppocr_module("ppocr/postprocess/db_postprocess.py").DBPostProcess

The reference is never imported by the library itself.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


def paddleocr_root() -> Path:
    spec = importlib.util.find_spec("paddleocr")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("paddleocr==2.10.0 (reference for parity tests) is not installed; run `make setup`")
    return Path(list(spec.submodule_search_locations)[0])


def ppocr_module(relpath: str):
    """Load `paddleocr/<relpath>` as a standalone module (cached in sys.modules)."""
    path = paddleocr_root() / relpath
    name = "_ppocr_ref_" + relpath.replace("/", "_").removesuffix(".py")
    if name in sys.modules:
        return sys.modules[name]
    root = str(paddleocr_root())
    if root not in sys.path:          # files use absolute `ppocr.` imports for small helpers
        sys.path.append(root)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
