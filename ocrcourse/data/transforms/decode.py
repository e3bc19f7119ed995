"""DecodeImage: encoded image bytes -> numpy array, the first op of every PaddleOCR pipeline."""
from __future__ import annotations

import cv2
import numpy as np

from ocrcourse.errors import ConfigError

__all__ = ["DecodeImage"]

_MODES = ("BGR", "RGB", "GRAY")


class DecodeImage:
    """Decode `data["image"]` (the file's bytes, as read by the dataset) into an array.

    PP-OCR strategy: the shared input stage (图像解码) of det, rec and cls pipelines. PP-OCR
    models are trained and run on BGR images (OpenCV's order); `img_mode: BGR` in every PP-OCR
    config keeps that order, and normalisation later uses the "RGB" ImageNet mean per BGR plane.

    Args:
        img_mode: "BGR" (as decoded by OpenCV), "RGB" (channels reversed) or "GRAY" (PaddleOCR
            converts a gray decode to 3 channels; OpenCV already decodes to 3, so it is a no-op).
        channel_first: return (C, H, W) instead of (H, W, C).
        ignore_orientation: ignore the EXIF orientation tag when decoding.

    Shapes: bytes -> (H, W, 3) uint8 (or (3, H, W)). Returns None (drop the sample) when the
    bytes are not a decodable image, so a corrupt file is skipped and counted by the dataset.
    """

    def __init__(self, img_mode: str = "RGB", channel_first: bool = False, ignore_orientation: bool = False):
        if img_mode not in _MODES:
            raise ConfigError(f"DecodeImage: img_mode {img_mode!r} is not one of {_MODES}")
        self.img_mode = img_mode
        self.channel_first = channel_first
        self.ignore_orientation = ignore_orientation

    def __call__(self, data: dict) -> dict | None:
        raw = data["image"]
        if not isinstance(raw, (bytes, bytearray)) or len(raw) == 0:
            return None
        flags = cv2.IMREAD_COLOR
        if self.ignore_orientation:
            flags |= cv2.IMREAD_IGNORE_ORIENTATION
        img = cv2.imdecode(np.frombuffer(raw, dtype=np.uint8), flags)
        if img is None:
            return None
        if self.img_mode == "RGB":
            img = img[:, :, ::-1]
        if self.channel_first:
            img = img.transpose((2, 0, 1))
        data["image"] = img
        return data
