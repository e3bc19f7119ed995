"""`to_paddleocr3`: our PPOCR result for one image in PaddleOCR 3.x's `predict()` field names and types,
checked on a real run with the official weights (skimage.data.page()); plus, when paddleocr>=3 is
installed (it is not in the course's lock: 2.10 is), a run of 3.x's own PaddleOCR on the same image."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import cv2
import numpy as np
import pytest
import skimage.data
from packaging.version import Version

from ocrcourse.errors import ConfigError
from ocrcourse.pipeline.paddleocr3 import OURS_TO_PADDLEOCR3, PADDLEOCR3_FROM_OURS, describe_fields, to_paddleocr3

FIELDS = ["input_path", "page_index", "model_settings", "dt_polys", "text_det_params", "text_type",
          "textline_orientation_angles", "text_rec_score_thresh", "return_word_box", "rec_texts", "rec_scores",
          "rec_polys", "rec_boxes"]


@pytest.fixture(scope="module")
def page():
    return cv2.cvtColor(skimage.data.page(), cv2.COLOR_GRAY2BGR)


@pytest.fixture(scope="module")
def ran(ocr, page):
    result = ocr.ocr(page)
    boxes = ocr.detect(page)
    return result, boxes, to_paddleocr3(result, ocr, dt_polys=boxes, input_path="page.png")


def test_fields_types_and_lengths(ran):
    result, boxes, res = ran
    assert list(res) == FIELDS
    assert set(res) == set(PADDLEOCR3_FROM_OURS)
    n = len(result)
    assert n >= 4
    assert len(res["rec_texts"]) == len(res["rec_scores"]) == len(res["rec_polys"]) == len(res["rec_boxes"]) == n
    assert len(res["dt_polys"]) == len(boxes) == len(res["textline_orientation_angles"]) >= n
    assert isinstance(res["dt_polys"], list) and isinstance(res["rec_polys"], list)
    for poly in res["dt_polys"] + res["rec_polys"]:
        assert isinstance(poly, np.ndarray) and poly.dtype == np.int16 and poly.shape == (4, 2)
    assert isinstance(res["rec_boxes"], np.ndarray) and res["rec_boxes"].dtype == np.int16
    assert res["rec_boxes"].shape == (n, 4)
    assert all(type(t) is str for t in res["rec_texts"]) and all(type(s) is float for s in res["rec_scores"])
    assert res["model_settings"] == {"use_doc_preprocessor": False, "use_textline_orientation": False}
    assert res["textline_orientation_angles"] == [-1] * len(boxes)
    assert res["text_type"] == "general" and res["return_word_box"] is False
    assert res["input_path"] == "page.png" and res["page_index"] is None


def test_values_equal_our_result(ran, ocr):
    result, boxes, res = ran
    assert res["rec_texts"] == [r["text"] for r in result]
    assert res["rec_scores"] == [r["score"] for r in result]
    for r, poly, box in zip(result, res["rec_polys"], res["rec_boxes"]):
        points = np.array(r["points"])
        np.testing.assert_array_equal(poly, points)
        assert box.tolist() == [points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max()]
    dt = [p.tolist() for p in res["dt_polys"]]
    assert all(p.tolist() in dt for p in res["rec_polys"])           # every kept line is a detected box
    np.testing.assert_array_equal(np.array(res["dt_polys"]), np.asarray(boxes).astype(np.int16))
    assert res["text_rec_score_thresh"] == ocr.drop_score == 0.5
    assert min(res["rec_scores"]) >= res["text_rec_score_thresh"]
    assert res["text_det_params"] == {"limit_side_len": 960, "limit_type": "max", "thresh": 0.3,
                                      "box_thresh": 0.6, "unclip_ratio": 1.5}
    rows = describe_fields(res)
    assert [row["3.x field"] for row in rows] == FIELDS
    assert rows[FIELDS.index("rec_texts")]["first value"] == result[0]["text"]
    assert rows[FIELDS.index("rec_boxes")]["type / shape"] == f"ndarray int16 ({len(result)}, 4)"
    assert OURS_TO_PADDLEOCR3['result[i]["text"]'] == "rec_texts[i]"


def test_no_text_and_bad_input(ocr):
    blank = np.full((64, 256, 3), 255, np.uint8)
    res = to_paddleocr3(ocr.ocr(blank), ocr, dt_polys=ocr.detect(blank))
    assert res["rec_texts"] == [] and res["dt_polys"] == [] and res["rec_polys"] == []
    assert isinstance(res["rec_boxes"], np.ndarray) and res["rec_boxes"].size == 0
    assert "textline_orientation_angles" not in res                  # 3.x sets it only when boxes exist
    with pytest.raises(ConfigError, match="det \\+ rec"):
        to_paddleocr3([{"points": [[0, 0], [1, 0], [1, 1], [0, 1]]}])
    one = [{"points": [[0, 0], [9, 0], [9, 5], [0, 5]], "text": "a", "score": 0.9}]
    with pytest.raises(ConfigError, match="textline_orientation_angles"):
        to_paddleocr3(one, textline_orientation_angles=[0, 1])
    res = to_paddleocr3(one, textline_orientation_angles=[1])
    assert res["model_settings"]["use_textline_orientation"] is True
    assert res["textline_orientation_angles"] == [1] and res["dt_polys"][0].tolist() == one[0]["points"]
    assert "text_det_params" not in res and "text_rec_score_thresh" not in res   # no system given


def test_field_names_match_paddleocr3(ran, page, tmp_path):
    """Only with paddleocr>=3 installed (skips on the course's paddleocr 2.10, whose import also needs lmdb)."""
    try:
        installed = version("paddleocr")
    except PackageNotFoundError:
        installed = None
    if installed is None or Version(installed) < Version("3.0"):
        pytest.skip(f"paddleocr>=3.0 not installed (found {installed})")
    paddleocr = pytest.importorskip("paddleocr", minversion="3.0")
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), page)
    engine = paddleocr.PaddleOCR(use_doc_orientation_classify=False, use_doc_unwarping=False,
                                 use_textline_orientation=False)
    theirs = dict(engine.predict(str(path))[0])
    ours = ran[2]
    omitted = {"doc_preprocessor_res", "vis_fonts", "return_word_box"}  # documented in paddleocr3.py
    assert set(ours) - {"return_word_box"} <= set(theirs)
    assert set(theirs) - set(ours) <= omitted | {"text_word", "text_word_region", "rec_char_scores"}
    assert set(ours["text_det_params"]) <= set(theirs["text_det_params"])
    assert set(ours["model_settings"]) <= set(theirs["model_settings"])
    assert isinstance(theirs["rec_boxes"], np.ndarray) and isinstance(theirs["rec_polys"], list)
    assert theirs["textline_orientation_angles"] == [-1] * len(theirs["dt_polys"])
