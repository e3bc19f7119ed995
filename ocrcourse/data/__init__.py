"""Everything between files on disk and a training batch.

- `operators.py`  create_operators(YAML transforms list) -> ops; transform(data, ops)
- `transforms/`   the ops, one concept per file; `TRANSFORMS` maps YAML names to classes
- `dataset.py`    SimpleDataSet: PaddleOCR label files -> transformed samples
- `loader.py`     build_dataloader(cfg, mode): batches in KeepKeys order; `DATASETS`
- `multi_scale.py` MultiScaleDataSet + MultiScaleSampler: per-batch input sizes (PP-OCRv4 rec)
"""
from __future__ import annotations

from .dataset import SimpleDataSet
from .loader import DATASETS, build_dataloader, build_dataset
from .operators import create_operators, transform
from .transforms import TRANSFORMS

__all__ = ["TRANSFORMS", "DATASETS", "SimpleDataSet", "create_operators", "transform",
           "build_dataset", "build_dataloader"]
