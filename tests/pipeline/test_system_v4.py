"""PPOCR and `ocrcourse predict` with PaddleOCR's `ocr_version="PP-OCRv4"` (official v4 det + rec)."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
import skimage.data

from ocrcourse.cli import main
from ocrcourse.errors import ConfigError
from ocrcourse.pipeline import PPOCR
from ocrcourse.pipeline.system import OCR_VERSIONS, official_model_names

PAGE_TITLE = "Region-based segmentation"


@pytest.fixture(scope="module")
def ocr_v4():
    return PPOCR.from_official(ocr_version="PP-OCRv4", use_angle_cls=False)


def test_versions_table():
    assert official_model_names("PP-OCRv4") == ("PP-OCRv4_det", "PP-OCRv4_rec")
    assert official_model_names("PP-OCRv3") == ("PP-OCRv3_det", "PP-OCRv3_rec")
    assert sorted(OCR_VERSIONS) == ["PP-OCRv3", "PP-OCRv4"]
    with pytest.raises(ConfigError, match="PP-OCRv3.*PP-OCRv4"):
        PPOCR.from_official(ocr_version="PP-OCRv5")


def test_v4_system_reads_the_page(ocr_v4):
    page = cv2.cvtColor(skimage.data.page(), cv2.COLOR_GRAY2BGR)
    results = ocr_v4.ocr(page)
    texts = [r["text"] for r in results]
    assert len(results) >= 4                 # v3 finds 4 lines here too (README benchmark)
    assert texts[0].replace(" ", "") == PAGE_TITLE.replace(" ", "")
    assert all(r["score"] >= 0.5 for r in results)
    boxes = np.array([r["points"] for r in results], np.float32)
    assert boxes.shape[1:] == (4, 2) and (boxes >= 0).all()


def test_v4_inference_copies_equal_eager(ocr_v4):
    """The fused v4 models export and run under Paddle Inference (the default) like eager Paddle."""
    page = cv2.cvtColor(skimage.data.page(), cv2.COLOR_GRAY2BGR)
    eager = PPOCR.from_official(ocr_version="PP-OCRv4", use_angle_cls=False, use_inference=False)
    fast, slow = ocr_v4.ocr(page), eager.ocr(page)
    assert [r["text"] for r in fast] == [r["text"] for r in slow]
    assert np.abs(np.array([r["points"] for r in fast]) - np.array([r["points"] for r in slow])).max() <= 1.0


def test_predict_ocr_version_flag(tmp_path, capsys):
    img = tmp_path / "page.png"
    cv2.imwrite(str(img), skimage.data.page())
    out = tmp_path / "out.json"
    assert main(["predict", "--image_dir", str(img), "--ocr_version", "PP-OCRv4", "--json", str(out)]) == 0
    entries = json.loads(out.read_text(encoding="utf-8"))
    assert entries[0]["results"][0]["text"].replace(" ", "") == PAGE_TITLE.replace(" ", "")
    with pytest.raises(SystemExit):
        main(["predict", "--image_dir", str(img), "--ocr_version", "PP-OCRv9"])
