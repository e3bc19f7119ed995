"""DetLabelEncode: a det label line's JSON polygons -> `polys`, `texts`, `ignore_tags` arrays."""
from __future__ import annotations

import json

import numpy as np

__all__ = ["IGNORE_TEXTS", "parse_det_label", "pad_polygons", "DetLabelEncode"]

IGNORE_TEXTS = ("*", "###")   # transcriptions that mark a region as "do not care"


def parse_det_label(label: str) -> list:
    """Parse and check the JSON part of a det label line: a list of {"points", "transcription"}.

    Raises ValueError with a readable reason; the dataset turns it into a LabelFormatError
    naming the file and line.
    """
    try:
        items = json.loads(label)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the label is not valid JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(items, list):
        raise ValueError("the label must be a JSON list of {\"transcription\": ..., \"points\": ...}")
    for k, item in enumerate(items):
        if not isinstance(item, dict) or "points" not in item or "transcription" not in item:
            raise ValueError(f"entry {k} needs the keys 'points' and 'transcription'")
        points = item["points"]
        try:
            ok = len(points) >= 3 and all(len(p) == 2 for p in points)
            np.asarray(points, dtype=np.float32)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"entry {k}: 'points' must be a list of at least 3 [x, y] pairs")
    return items


def pad_polygons(polygons: list) -> list:
    """Pad every polygon to the largest point count by repeating its last point (PaddleOCR's rule)."""
    most = max(len(p) for p in polygons)
    return [list(p) + [p[-1]] * (most - len(p)) for p in polygons]


class DetLabelEncode:
    """Turn the JSON of a detection label line into arrays the DB targets can draw.

    PP-OCR strategy: detection label format (检测标注格式) shared by PPOCRLabel, ICDAR converters
    and every PP-OCR det config. A transcription of "*" or "###" marks an illegible region
    (ignored by the loss and the metric).

    Reads `label` (str); writes `polys` (N, P, 2) float32 (shorter polygons padded by repeating
    their last point), `texts` (list of N str) and `ignore_tags` (N,) bool. Returns None (drop
    the sample) when the image has no polygon, as PaddleOCR does.
    """

    @staticmethod
    def check_label(label: str) -> None:
        """Called by the dataset on every label line at load time; raises ValueError if malformed."""
        parse_det_label(label)

    def __call__(self, data: dict) -> dict | None:
        items = parse_det_label(data["label"])
        if not items:
            return None
        data["polys"] = np.array(pad_polygons([item["points"] for item in items]), dtype=np.float32)
        data["texts"] = [item["transcription"] for item in items]
        data["ignore_tags"] = np.array([item["transcription"] in IGNORE_TEXTS for item in items], dtype=bool)
        return data
