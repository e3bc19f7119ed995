"""A folder that looks like your own photos after labelling them in PPOCRLabel, made offline.

Lesson 17 ("your own data") walks through PaddleOCR's labelling workflow: label photos in
PPOCRLabel, export, split 6:2:2 (`converters.split_ppocrlabel`), fine-tune. This module makes a
stand-in for the labelled photos: synthetic receipts and documents (`synth.make_det_scene` with the
document layout) written the way PPOCRLabel writes its exports, in the labelled folder itself:

    <folder>/img_0000.jpg ...          the photos
    <folder>/Label.txt                 <folder name>/img_0000.jpg\\t[{"transcription": ..., "points": ..., "difficult": false}]
    <folder>/rec_gt.txt                crop_img/img_0000_crop_0.jpg\\ttext   (Export Recognition Result)
    <folder>/crop_img/                 the line crops
    <folder>/fileState.txt             <absolute image path>\\t1   (which images were confirmed)

Illegible (`###`) lines are in Label.txt but get no crop.
"""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from ..errors import DataError
from .synth import make_det_scene, scene_crops
from .synth_render import FontBook

__all__ = ["make_ppocrlabel_folder"]


def make_ppocrlabel_folder(folder, n_images: int = 20, seed: int = 0, layout: str = "document",
                           force: bool = False) -> dict:
    """Write `n_images` labelled synthetic photos in PPOCRLabel's export format into `folder`.

    Args:
        folder: the "labelled photo folder" to create (its name prefixes Label.txt paths).
        n_images: photos to make.
        seed: fixes every pixel and label.
        layout: "document" (receipts and pages) or "scattered" (street-scene-like).
        force: write into an existing, non-empty folder.

    Returns:
        {"folder", "images", "crops"}.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not force:
        raise DataError(f"{folder} exists and is not empty; choose another folder or pass force=True")
    (folder / "crop_img").mkdir(parents=True, exist_ok=True)
    rng, fonts = np.random.default_rng([seed, 17]), FontBook()
    det_lines, rec_lines, state_lines = [], [], []
    for i in range(n_images):
        img, labels = make_det_scene(rng, fonts, layout=layout)
        name = f"img_{i:04d}.jpg"
        cv2.imwrite(str(folder / name), img, [cv2.IMWRITE_JPEG_QUALITY, 92])
        regions = [{**lab, "difficult": False} for lab in labels]
        det_lines.append(f"{folder.name}/{name}\t{json.dumps(regions, ensure_ascii=False)}\n")
        state_lines.append(f"{(folder / name).resolve()}\t1\n")
        for k, (crop, text) in enumerate(scene_crops(img, labels)):
            crop_name = f"crop_img/img_{i:04d}_crop_{k}.jpg"
            cv2.imwrite(str(folder / crop_name), crop, [cv2.IMWRITE_JPEG_QUALITY, 95])
            rec_lines.append(f"{crop_name}\t{text}\n")
    (folder / "Label.txt").write_text("".join(det_lines), encoding="utf-8")
    (folder / "rec_gt.txt").write_text("".join(rec_lines), encoding="utf-8")
    (folder / "fileState.txt").write_text("".join(state_lines), encoding="utf-8")
    return {"folder": str(folder), "images": n_images, "crops": len(rec_lines)}
