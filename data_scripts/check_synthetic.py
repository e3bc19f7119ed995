"""How hard is the synthetic data for the real thing? Run the official PP-OCR models on its eval split.

    python data_scripts/check_synthetic.py                      # train_data/synth, 40 det / 150 rec / 150 cls
    python data_scripts/check_synthetic.py --data train_data/synth_tiny --n 4

Prints the official PP-OCRv3 detector's precision / recall / hmean against our det labels, the
official PP-OCRv3 recogniser's exact-match accuracy (spaces ignored) on our rec crops, and the
official v2.0 direction classifier's accuracy on our cls crops. High numbers mean the labels sit
where a real detector sees text and say what a real recogniser reads; the misses are the hard
examples (low contrast, busy backgrounds). Needs the official weights (`make weights`).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np


def _lines(folder: Path, n: int) -> list[tuple[str, str]]:
    rows = (folder / "eval.txt").read_text(encoding="utf-8").splitlines()[:n]
    return [tuple(r.split("\t", 1)) for r in rows]


def check(data: Path, n_det: int, n_line: int) -> dict:
    from ocrcourse.data.transforms.det_label_encode import pad_polygons
    from ocrcourse.metrics.det_metric import DetMetric
    from ocrcourse.pipeline import PPOCR

    ocr = PPOCR.from_official(use_angle_cls=True)
    metric = DetMetric()
    for path, label in _lines(data / "det", n_det):
        regions = json.loads(label)
        boxes = ocr.detect(cv2.imread(str(data / "det" / path)))
        polys = np.array(pad_polygons([r["points"] for r in regions]), np.float32)[None]   # 4 and 14 points
        ignore = np.array([r["transcription"] == "###" for r in regions])[None]
        metric([{"points": boxes}], [None, None, polys, ignore])
    rec = _lines(data / "rec", n_line)
    texts = ocr.recognize([cv2.imread(str(data / "rec" / p)) for p, _ in rec])
    same = [t.replace(" ", "") == g.replace(" ", "") for (t, _), (_, g) in zip(texts, rec)]
    cls = _lines(data / "cls", n_line)
    _, labels = ocr.classify([cv2.imread(str(data / "cls" / p)) for p, _ in cls])
    return {"det": metric.get_metric(), "rec_accuracy": float(np.mean(same)),
            "cls_accuracy": float(np.mean([lab == g for (lab, _), (_, g) in zip(labels, cls)]))}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="train_data/synth")
    p.add_argument("--n-det", type=int, default=40, help="det eval images to use")
    p.add_argument("--n", type=int, default=150, help="rec and cls eval crops to use")
    a = p.parse_args(argv)
    from ocrcourse.cli import report_errors

    return report_errors(lambda: print(check(Path(a.data), a.n_det, a.n)))


if __name__ == "__main__":
    sys.exit(main())
