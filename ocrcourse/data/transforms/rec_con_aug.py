"""RecConAug: glue other training lines onto this one, so short words become longer lines.

Real text lines are often longer than the words in a synthetic or cropped dataset. With
probability `prob`, RecConAug takes the extra samples the dataset attached (`data["ext_data"]`,
`ext_data_num` of them, decoded by the first `ext_op_transform_idx` ops of the pipeline),
scales each line and the current one to the same height, concatenates them left to right and
concatenates their texts, as long as the result still fits the model's input:
the text stays within `max_text_length` characters, and the summed aspect ratios w / h within
W / H of `image_shape`.

PP-OCR strategy: concatenation augmentation for recognition (拼接数据增强), in PP-OCRv3's
recognition configs (PP-OCRv3, arXiv:2206.03001). Lesson: lessons/10_pplcnet_and_svtr.ipynb.
"""
from __future__ import annotations

import random

import cv2
import numpy as np

__all__ = ["RecConAug"]


class RecConAug:
    """Concatenate up to `ext_data_num` extra lines (image and text) onto the sample.

    Args:
        prob: probability of trying to concatenate at all.
        image_shape: (H, W, C) of the recogniser input, e.g. [48, 320, 3] for PP-OCRv3; both
            lines are resized to height H before joining, and W / H bounds the joined ratio.
        max_text_length: longest joined text allowed (25).
        ext_data_num: how many extra samples the dataset must attach (PP-OCRv3 uses 2).

    Shapes: data["image"] (h, w, 3) uint8 -> (H, w', 3) uint8 when joined (unchanged otherwise);
    data["label"] str -> longer str; data["ext_data"] is removed.
    """

    def __init__(self, prob: float = 0.5, image_shape=(32, 320, 3), max_text_length: int = 25,
                 ext_data_num: int = 1):
        self.prob = prob
        self.image_shape = list(image_shape)
        self.max_text_length = max_text_length
        self.ext_data_num = ext_data_num          # read by the dataset to attach ext samples
        self.max_wh_ratio = self.image_shape[1] / self.image_shape[0]

    def _to_height(self, img: np.ndarray) -> np.ndarray:
        target_h = self.image_shape[0]
        target_w = round(img.shape[1] / img.shape[0] * target_h)
        return cv2.resize(img, (target_w, target_h))

    def __call__(self, data: dict) -> dict:
        if random.random() > self.prob:
            return data      # PaddleOCR quirk kept: ext_data stays attached when skipped
        for ext in data["ext_data"]:
            if len(data["label"]) + len(ext["label"]) > self.max_text_length:
                break
            img, ext_img = data["image"], ext["image"]
            ratio = img.shape[1] / img.shape[0] + ext_img.shape[1] / ext_img.shape[0]
            if ratio > self.max_wh_ratio:
                break
            data["image"] = np.concatenate([self._to_height(img), self._to_height(ext_img)], axis=1)
            data["label"] = data["label"] + ext["label"]
        data.pop("ext_data")
        return data
