"""Our `PPOCR.ocr()` result for one image, in the shape PaddleOCR 3.x's `PaddleOCR().predict()` gives.

PaddleOCR 3.x runs its general OCR pipeline through PaddleX; one image gives one result whose
fields (built in PaddleX's `paddlex/inference/pipelines/ocr/pipeline.py`, `_OCRPipeline.predict`,
read at PaddleX commit 00bb239; described in the pipeline guide
https://paddlepaddle.github.io/PaddleOCR/v3.0.1/en/version3.x/pipeline_usage/OCR.html) are:

| field | type in 3.x | meaning |
| --- | --- | --- |
| `input_path` | str or None | the image's path; None for an array input |
| `page_index` | int or None | the page of a PDF; None for an image |
| `model_settings` | dict | `use_doc_preprocessor`, `use_textline_orientation` (bools) |
| `dt_polys` | list of (4, 2) int16 arrays | every detected box, sorted top-to-bottom, left-to-right |
| `text_det_params` | dict | limit_side_len, limit_type, thresh, max_side_limit, box_thresh, unclip_ratio |
| `text_type` | str | `"general"` for the OCR pipeline |
| `textline_orientation_angles` | list of int | per dt_polys box: class id 0 / 1 (180 degrees), -1 if off [1] |
| `text_rec_score_thresh` | float | lines scoring below it are dropped (kept when score >= it) |
| `return_word_box` | bool | newer PaddleX only (not in 3.0's pipeline): word boxes asked for |
| `rec_texts` | list of str | the recognised text of each kept line |
| `rec_scores` | list of float | its score |
| `rec_polys` | list of (4, 2) int16 arrays | the dt_polys box of each kept line |
| `rec_boxes` | (N, 4) int16 array | [x_min, y_min, x_max, y_max] of each rec_polys box; `np.array([])` if N = 0 |

[1] the key is missing when nothing was detected (3.x sets it only for images with boxes).
The int16 dtype is that of PaddleX's DBPostProcess (`boxes_from_bitmap` casts each quad to int16);
its SortQuadBoxes returns a Python list of those arrays, which is why dt_polys / rec_polys are lists.

What `to_paddleocr3` fills and what it cannot:
- `dt_polys` needs the boxes before the score filter: pass `dt_polys=system.detect(image)`; without
  it, dt_polys is the kept boxes only (equal to rec_polys), not 3.x's every-box list;
- `textline_orientation_angles`: our `ocr()` does not return per-line classifier labels, so it is
  -1 for every box with `model_settings["use_textline_orientation"] = False`, what 3.x gives with the
  module off; pass `textline_orientation_angles=` (0 / 1 per dt_polys box) if you ran `classify` yourself;
- `text_det_params["max_side_limit"]` is omitted: the course's DetResizeForTest has no such cap;
- `doc_preprocessor_res` and `vis_fonts` (3.x's intermediate image and drawing fonts) are omitted:
  the course has no document preprocessor (`use_doc_preprocessor` is False) and draws with its own fonts;
- `return_word_box` is False (the course has no word boxes).
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError

SOURCE_URL = "https://paddlepaddle.github.io/PaddleOCR/v3.0.1/en/version3.x/pipeline_usage/OCR.html"

#: our name -> PaddleOCR 3.x's name, for a learner reading both.
OURS_TO_PADDLEOCR3 = {
    'result[i]["text"]': "rec_texts[i]",
    'result[i]["score"]': "rec_scores[i]",
    'result[i]["points"]': "rec_polys[i] (int16 array); its bounding box is rec_boxes[i]",
    "PPOCR.detect(image)": "dt_polys (every box before the score filter)",
    "PPOCR(drop_score=...)": "text_rec_score_thresh (PaddleOCR(text_rec_score_thresh=...))",
    "PPOCR(det_limit_side_len=...)": 'text_det_params["limit_side_len"] (text_det_limit_side_len)',
    "PPOCR(det_limit_type=...)": 'text_det_params["limit_type"] (text_det_limit_type)',
    "PPOCR(det_db_thresh=...)": 'text_det_params["thresh"] (text_det_thresh)',
    "PPOCR(det_db_box_thresh=...)": 'text_det_params["box_thresh"] (text_det_box_thresh)',
    "PPOCR(det_db_unclip_ratio=...)": 'text_det_params["unclip_ratio"] (text_det_unclip_ratio)',
    "ocr(cls=True)": 'model_settings["use_textline_orientation"] / textline_orientation_angles '
                     "(PaddleOCR(use_textline_orientation=True))",
    'cls label "0" / "180"': "textline_orientation_angles 0 / 1",
}

#: PaddleOCR 3.x's field -> where its value comes from on our side.
PADDLEOCR3_FROM_OURS = {
    "input_path": "the path given to ocr() (None for an array)",
    "page_index": "None (images only)",
    "model_settings": "fixed: no document preprocessor; classifier off unless angles are passed",
    "dt_polys": "PPOCR.detect(image)",
    "text_det_params": "PPOCR det_limit_side_len / det_limit_type / det_db_thresh / det_db_box_thresh / "
                       "det_db_unclip_ratio",
    "text_type": 'fixed "general"',
    "textline_orientation_angles": "-1 per box (classifier off)",
    "text_rec_score_thresh": "PPOCR drop_score",
    "return_word_box": "fixed False",
    "rec_texts": 'result[i]["text"]',
    "rec_scores": 'result[i]["score"]',
    "rec_polys": 'result[i]["points"]',
    "rec_boxes": 'bounding box of result[i]["points"]',
}


def _int16_poly(points) -> np.ndarray:
    """A box as 3.x stores it: an int16 (P, 2) array (truncated the way our `ocr()` rounds points)."""
    return np.asarray(points, dtype=np.float64).astype(np.int16).reshape(-1, 2)


def _bounding_boxes(polys: list[np.ndarray]) -> np.ndarray:
    if not polys:
        return np.array([])
    return np.array([[p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()] for p in polys],
                    dtype=np.int16)


def to_paddleocr3(result: list[dict], system=None, *, dt_polys=None, input_path: str | None = None,
                  page_index: int | None = None, textline_orientation_angles: list[int] | None = None) -> dict:
    """Convert `PPOCR.ocr(image)` (det + rec) for one image into a dict with PaddleOCR 3.x's result fields.

    result: our list of {"points", "text", "score"} in reading order;
    system: the PPOCR that produced it (fills text_det_params and text_rec_score_thresh; without it
        those two are omitted);
    dt_polys: all detected boxes (e.g. `system.detect(image)`); default: the kept boxes;
    textline_orientation_angles: 0 / 1 per dt_polys box if the classifier ran; default -1 each (off).
    See the module docstring for the fields and their sources.
    """
    if any("points" not in r or "text" not in r for r in result):
        raise ConfigError("to_paddleocr3 needs the det + rec result of PPOCR.ocr (each item has 'points' "
                          "and 'text'); got " + repr(result[:1]))
    rec_polys = [_int16_poly(r["points"]) for r in result]
    polys = rec_polys if dt_polys is None else [_int16_poly(p) for p in dt_polys]
    use_orientation = textline_orientation_angles is not None
    if use_orientation and len(textline_orientation_angles) != len(polys):
        raise ConfigError(f"to_paddleocr3: {len(textline_orientation_angles)} textline_orientation_angles "
                          f"for {len(polys)} dt_polys boxes")
    out = {
        "input_path": input_path,
        "page_index": page_index,
        "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": use_orientation},
        "dt_polys": polys,
    }
    if system is not None:
        out["text_det_params"] = {"limit_side_len": system.det_resize.limit_side_len,
                                  "limit_type": system.det_resize.limit_type,
                                  "thresh": system.det_post.thresh,
                                  "box_thresh": system.det_post.box_thresh,
                                  "unclip_ratio": system.det_post.unclip_ratio}
    out["text_type"] = "general"
    if polys:                                     # 3.x sets this key only when something was detected
        out["textline_orientation_angles"] = ([int(a) for a in textline_orientation_angles] if use_orientation
                                              else [-1] * len(polys))
    if system is not None:
        out["text_rec_score_thresh"] = float(system.drop_score)
    out["return_word_box"] = False
    out["rec_texts"] = [str(r["text"]) for r in result]
    out["rec_scores"] = [float(r["score"]) for r in result]
    out["rec_polys"] = rec_polys
    out["rec_boxes"] = _bounding_boxes(rec_polys)
    return out


def describe_fields(res: dict) -> list[dict]:
    """One row per field of a 3.x-shaped result: 3.x field, our source, type/shape, first value (a small table)."""
    rows = []
    for name, value in res.items():
        if isinstance(value, np.ndarray):
            kind, first = f"ndarray {value.dtype} {value.shape}", (value[0].tolist() if len(value) else None)
        elif isinstance(value, list):
            inner = value[0] if value else None
            if isinstance(inner, np.ndarray):
                kind, first = f"list[{len(value)}] of ndarray {inner.dtype} {inner.shape}", inner.tolist()
            else:
                kind = f"list[{len(value)}] of {type(inner).__name__}" if value else "list[0]"
                first = inner
        else:
            kind, first = type(value).__name__, value
        rows.append({"3.x field": name, "ours": PADDLEOCR3_FROM_OURS.get(name, ""), "type / shape": kind,
                     "first value": first})
    return rows
