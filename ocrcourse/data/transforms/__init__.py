"""Data transforms: the ops of a PaddleOCR `Train/Eval.dataset.transforms` list.

Each op is a small class named exactly as in PaddleOCR's YAML; `__call__(data: dict)` returns the
updated dict, or `None` to drop the sample. `ocrcourse.data.create_operators` builds a list of ops
from the YAML through the `TRANSFORMS` registry below (YAML name -> class), and
`ocrcourse.data.transform` runs them.
"""
from __future__ import annotations

TRANSFORMS = {
}

__all__ = ["TRANSFORMS"]
