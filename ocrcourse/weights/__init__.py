"""Official PP-OCR weights, offline: from the ONNX files of a pinned PyPI wheel to `.pdparams`.

- `official(name)`: path of the cached `.pdparams` (`PP-OCRv3_det`, `PP-OCRv3_rec`,
  `ppocr_mobile_v2.0_cls`), converted on first use; `build_official_model(name)`: the model.
- `official_dict_path()`: the official Chinese dictionary `ppocr_keys_v1.txt`.
- `official_backbone(name)`: the backbone tensors alone, a pretrained start for a new neck and head.
- `prepare_all()` / `list_cached()`: what `ocrcourse weights [--prepare]` runs.
- `onnx_to_paddle.py`: the converter (static parameter names, per-family offsets, shape checks);
  `cache.py`: the wheel download, extraction, checksums and manifest.
"""
from __future__ import annotations

from .cache import cache_dir
from .official import (OFFICIAL, build_official_model, conversion_report, list_cached, load_converted,
                       official, official_backbone, official_config, official_dict_path, prepare, prepare_all)
from .onnx_to_paddle import ConversionReport, convert_weights, read_onnx_metadata, read_onnx_weights

__all__ = ["OFFICIAL", "official", "official_backbone", "official_config", "official_dict_path", "build_official_model",
           "conversion_report", "prepare", "prepare_all", "list_cached", "load_converted", "cache_dir",
           "ConversionReport", "convert_weights", "read_onnx_weights", "read_onnx_metadata"]
