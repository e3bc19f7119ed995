"""RapidOCR behind `PPOCR`'s call, to compare inference engines on the same official weights.

RapidOCR (`rapidocr_onnxruntime==1.2.13`, an optional dependency) runs the official PP-OCRv3
det / rec and v2.0 cls ONNX models with onnxruntime — the very files `ocrcourse.weights` converts
to `.pdparams`. `RapidOCRSystem` gives it PaddleOCR's inference settings (RapidOCR's own defaults
differ: limit side 736 / min, box_thresh 0.5, unclip 1.6, dilation on, and shortcuts that skip
detection for short or very wide images) and `PPOCR`'s interface (`ocr(image, cls=...)` returning
`[{"points", "text", "score"}]`, seconds per stage in `timings`), so a lesson can time both alike.

Lesson: lessons/16_export_and_inference.ipynb.
"""
from __future__ import annotations

import importlib.util
import time

import numpy as np

from .image_io import read_image

__all__ = ["rapidocr_available", "RapidOCRSystem"]


def rapidocr_available() -> bool:
    """True if `rapidocr_onnxruntime` can be imported (it is optional)."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


class RapidOCRSystem:
    """RapidOCR 1.2.13 with PaddleOCR's inference defaults, called like `PPOCR`.

    Args:
        det_limit_side_len, det_limit_type: DetResizeForTest (960, 'max').
        det_db_box_thresh, det_db_unclip_ratio: DBPostProcess (0.6, 1.5; no dilation).
        drop_score: drop recognised lines with confidence < 0.5.

    `ocr(image, cls=False)` -> [{"points": [[x, y]] * 4, "text", "score"}] in reading order;
    `timings` then holds the seconds of "det", "cls", "rec" as RapidOCR reports them (its "det"
    excludes resizing and normalising the image) and "total" (wall time of the whole call).
    RapidOCR fixes the classifier when it is built, so one engine per `cls` value is made on
    first use.
    """

    def __init__(self, det_limit_side_len: int = 960, det_limit_type: str = "max",
                 det_db_box_thresh: float = 0.6, det_db_unclip_ratio: float = 1.5, drop_score: float = 0.5):
        if not rapidocr_available():
            raise ImportError("RapidOCRSystem needs the optional package rapidocr_onnxruntime: "
                              "pip install rapidocr_onnxruntime==1.2.13")
        self.settings = dict(det_limit_side_len=det_limit_side_len, det_limit_type=det_limit_type,
                             det_box_thresh=det_db_box_thresh, det_unclip_ratio=det_db_unclip_ratio,
                             det_use_dilation=False, text_score=drop_score,
                             min_height=0, width_height_ratio=-1)   # never skip detection
        self._engines: dict[bool, object] = {}
        self.timings: dict[str, float] = {}

    def _engine(self, cls: bool):
        if cls not in self._engines:
            from rapidocr_onnxruntime import RapidOCR

            self._engines[cls] = RapidOCR(use_angle_cls=cls, **self.settings)
        return self._engines[cls]

    def ocr(self, image, cls: bool = False) -> list[dict]:
        """Detect, (classify,) recognise; same input forms and output as `PPOCR.ocr(det=True, rec=True)`."""
        image = read_image(image)
        engine = self._engine(bool(cls))
        start = time.perf_counter()
        # RapidOCR resets these three post-processing values on every call that passes keywords
        results, elapse = engine(image, box_thresh=self.settings["det_box_thresh"],
                                 unclip_ratio=self.settings["det_unclip_ratio"],
                                 text_score=self.settings["text_score"])
        total = time.perf_counter() - start
        det, cls_s, rec = elapse if elapse else (0.0, 0.0, 0.0)
        self.timings = {"det": float(det), **({"cls": float(cls_s)} if cls else {}), "rec": float(rec),
                        "total": total}
        return [{"points": np.round(np.asarray(box, dtype=np.float64)).astype(np.int64).tolist(),
                 "text": text, "score": float(score)} for box, text, score in (results or [])]

    def __call__(self, image, cls: bool = False) -> list[dict]:
        return self.ocr(image, cls=cls)
