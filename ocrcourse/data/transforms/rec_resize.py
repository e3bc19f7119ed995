"""Resize a text-line crop to the recogniser's fixed height, normalise it, pad it on the right.

A CRNN-style recogniser reads a line left to right at a fixed height (32 px for PP-OCR v2.0/v2,
48 px for PP-OCRv3). Keeping the aspect ratio matters more than filling the width: a squashed
"mmm" looks like "nnn". So the crop is scaled to height H, its width follows the aspect ratio
(capped at W), and the rest of the W columns are zeros (after normalisation zero means mid-grey).
`valid_ratio` says how much of the width holds the image.

Two variants, as in PaddleOCR (`ppocr/data/imaug/rec_img_aug.py`):
- `resize_norm_img` (training): the canvas is always (C, H, W); a wider line is squeezed to W.
- `resize_norm_img_chinese` (evaluation, `eval_mode=True`): the canvas widens to fit the line,
  W' = int(H * max(W / H, w / h)), so long lines are not squeezed.

Normalisation: x / 255, then (x - 0.5) / 0.5, so pixels lie in [-1, 1] (in BGR order, like
the rest of PP-OCR). Lesson: lessons/09_crnn_recognition.ipynb.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from ...errors import ConfigError

__all__ = ["resize_norm_img", "resize_norm_img_chinese", "RecResizeImg", "ClsResizeImg"]


def _normalise_and_pad(resized: np.ndarray, channels: int, height: int, width: int) -> np.ndarray:
    """(h, resized_w[, 3]) uint8 -> (channels, height, width) float32 in [-1, 1], zero-padded."""
    x = resized.astype("float32")
    if channels == 1:
        x = x[np.newaxis, :] / 255          # grey input (h, w) -> (1, h, w)
    else:
        x = x.transpose((2, 0, 1)) / 255    # HWC -> CHW
    x = (x - 0.5) / 0.5
    canvas = np.zeros((channels, height, width), dtype=np.float32)
    canvas[:, :, : x.shape[2]] = x
    return canvas


def _check_shape(image_shape, op: str) -> list:
    shape = list(image_shape)
    if len(shape) != 3 or shape[0] not in (1, 3) or min(shape) <= 0:
        raise ConfigError(f"{op}: image_shape must be [C, H, W] with C = 1 or 3, e.g. [3, 48, 320]; "
                          f"got {image_shape!r}")
    return shape


def _resized_width(h: int, w: int, target_h: int, max_w: int) -> int:
    """Width after scaling an h x w crop to target_h, rounded up, capped at max_w."""
    return min(max_w, int(math.ceil(target_h * w / float(h))))


def resize_norm_img(img: np.ndarray, image_shape, padding: bool = True,
                    interpolation: int = cv2.INTER_LINEAR) -> tuple[np.ndarray, float]:
    """Training-time resize: keep the aspect ratio at height H, pad to width W.

    Args:
        img: (h, w, 3) uint8 BGR crop (or (h, w) grey when image_shape[0] == 1).
        image_shape: (C, H, W), e.g. (3, 48, 320) for PP-OCRv3.
        padding: False stretches the crop to exactly (H, W) instead (aspect ratio lost).
        interpolation: cv2 flag, used only when padding is False (PaddleOCR's behaviour).

    Returns:
        ((C, H, W) float32 in [-1, 1], valid_ratio = min(1, resized_w / W)).
    """
    channels, height, width = image_shape
    h, w = img.shape[:2]
    if not padding:
        resized = cv2.resize(img, (width, height), interpolation=interpolation)
        resized_w = width
    else:
        resized_w = _resized_width(h, w, height, width)
        resized = cv2.resize(img, (resized_w, height))   # bilinear, cv2's default
    out = _normalise_and_pad(resized, channels, height, width)
    return out, min(1.0, float(resized_w / width))


def resize_norm_img_chinese(img: np.ndarray, image_shape) -> tuple[np.ndarray, float]:
    """Evaluation-time resize: like `resize_norm_img`, but the canvas widens for long lines.

    The canvas width is int(H * max(W / H, w / h)): a line longer than W / H is kept whole
    instead of being squeezed, so evaluation sees the text at its natural aspect ratio.
    """
    channels, height, width = image_shape
    h, w = img.shape[:2]
    max_wh_ratio = max(width / height, w / h)
    width = int(height * max_wh_ratio)
    resized_w = _resized_width(h, w, height, width)
    resized = cv2.resize(img, (resized_w, height))
    out = _normalise_and_pad(resized, channels, height, width)
    return out, min(1.0, float(resized_w / width))


class RecResizeImg:
    """Resize + normalise + right-pad a text line for the recogniser; adds `valid_ratio`.

    PP-OCR strategy: aspect-preserving resize to a fixed height (等高缩放 + 右侧补零), the input
    convention of CRNN (arXiv:1507.05717) used by every PP-OCR recogniser.
    Lesson: lessons/09_crnn_recognition.ipynb.

    Args:
        image_shape: (C, H, W): [3, 32, 320] for PP-OCR v2.0/v2, [3, 48, 320] for PP-OCRv3.
        infer_mode: with a `character_dict_path`, use the widening "chinese" resize
            (`resize_norm_img_chinese`), as PaddleOCR does at inference.
        eval_mode: use the widening resize (evaluation configs set it).
        character_dict_path: only consulted (for being not None) by `infer_mode`, as in PaddleOCR.
        padding: False stretches every crop to (H, W) instead of padding.

    Shapes: data["image"] (h, w, 3) uint8 -> (C, H, W) float32 (W may grow in eval/infer mode);
    data["valid_ratio"] float in (0, 1].
    """

    def __init__(self, image_shape, infer_mode: bool = False, eval_mode: bool = False,
                 character_dict_path: str | None = "./ppocr/utils/ppocr_keys_v1.txt",
                 padding: bool = True):
        self.image_shape = _check_shape(image_shape, "RecResizeImg")
        self.infer_mode = infer_mode
        self.eval_mode = eval_mode
        self.character_dict_path = character_dict_path
        self.padding = padding

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        if self.eval_mode or (self.infer_mode and self.character_dict_path is not None):
            data["image"], data["valid_ratio"] = resize_norm_img_chinese(img, self.image_shape)
        else:
            data["image"], data["valid_ratio"] = resize_norm_img(img, self.image_shape, self.padding)
        return data


class ClsResizeImg:
    """Resize + normalise + right-pad a text line for the direction classifier.

    PP-OCR strategy: the text direction classifier (文本方向分类器) sees every line at a small
    fixed size, [3, 48, 192], with the same aspect-preserving resize as recognition.
    Paper: PP-OCR, arXiv:2009.09941, section 2.2. Lesson: lessons/08_direction_classifier.ipynb.

    Args:
        image_shape: (C, H, W), [3, 48, 192] in PaddleOCR's cls configs.

    Shapes: data["image"] (h, w, 3) uint8 -> (C, H, W) float32 in [-1, 1].
    Unlike `RecResizeImg`, no `valid_ratio` is added (PaddleOCR does not add one either).
    """

    def __init__(self, image_shape):
        self.image_shape = _check_shape(image_shape, "ClsResizeImg")

    def __call__(self, data: dict) -> dict:
        data["image"], _ = resize_norm_img(data["image"], self.image_shape)
        return data
