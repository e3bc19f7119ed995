"""The end-to-end PP-OCR system: `PPOCR` (system.py) and its pieces.

- `image_io.py`: any input (path, gray, BGR, BGRA, EXIF-rotated JPEG) -> BGR uint8;
- `crop.py`: order, clip and sort the detected quads, cut each one out as an upright crop
  (polygons of curved text: `clip_det_polygons`, `get_minarea_rect_crop`);
- `predictor.py`: run models eagerly or through Paddle Inference + oneDNN (faster on CPU);
- `system.py`: `PPOCR` — det -> crop -> cls -> rec; `PPOCR.from_official()` for the real weights,
  `PPOCR.from_checkpoints(...)` for your trained ones; `det_input(image)` (the detector's tensor and
  shape_list) and `resize_norm_line` for running one model by hand;
- `export.py` (static export) is `ocrcourse export`'s.
"""
from __future__ import annotations

from .crop import (clip_det_polygons, filter_det_boxes, get_minarea_rect_crop, get_rotate_crop_image,
                   order_points_clockwise, sort_boxes)
from .image_io import read_image, to_bgr
from .predictor import EagerPredictor, InferencePredictor
from .system import PPOCR, det_input, load_trained_model, normalize_det_image, resize_norm_line

__all__ = ["PPOCR", "load_trained_model", "read_image", "to_bgr", "get_rotate_crop_image", "sort_boxes",
           "order_points_clockwise", "filter_det_boxes", "normalize_det_image", "det_input", "resize_norm_line",
           "EagerPredictor", "InferencePredictor", "clip_det_polygons", "get_minarea_rect_crop"]
