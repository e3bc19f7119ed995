"""NormalizeImage and ToCHWImage: pixels -> the float tensor layout the network expects."""
from __future__ import annotations

import cv2
import numpy as np

from ocrcourse.errors import ConfigError

__all__ = ["parse_scale", "NormalizeImage", "ToCHWImage"]


def parse_scale(scale) -> float:
    """Read PaddleOCR's `scale` ("1./255.", 0.00392, or None for 1/255) without evaluating code."""
    if scale is None:
        return 1.0 / 255.0
    if isinstance(scale, str):
        try:
            parts = [float(p) for p in scale.split("/")]
        except ValueError:
            raise ConfigError(f"NormalizeImage: scale {scale!r} is not a number or a fraction like '1./255.'") from None
        if len(parts) > 2:
            raise ConfigError(f"NormalizeImage: scale {scale!r} has more than one '/'")
        return parts[0] / parts[1] if len(parts) == 2 else parts[0]
    return float(scale)


class NormalizeImage:
    """(x * scale - mean) / std per channel, in float32.

    PP-OCR strategy: ImageNet normalisation (图像归一化). PP-OCR det models apply the "RGB"
    ImageNet mean [0.485, 0.456, 0.406] and std [0.229, 0.224, 0.225] to the planes of a BGR
    image in that order (B gets 0.485): a quirk of PaddleOCR the official weights expect.

    Args:
        scale: multiplier before the mean (1/255), a number or a fraction string "1./255.".
        mean, std: per-channel statistics (ImageNet's by default).
        order: "hwc" if the image is (H, W, C), "chw" if it is already (C, H, W).

    Speed: for uint8 images the result of every possible pixel value is precomputed once per
    channel (a 256-entry table with exactly PaddleOCR's float32 arithmetic), so normalising is
    one table lookup per pixel (cv2.LUT) instead of four passes of float arithmetic; the values
    are bit-identical. Other dtypes use the formula directly.
    """

    def __init__(self, scale=None, mean=None, std=None, order: str = "chw"):
        if order not in ("hwc", "chw"):
            raise ConfigError(f"NormalizeImage: order must be 'hwc' or 'chw', got {order!r}")
        self.scale = np.float32(parse_scale(scale))
        self.order = order
        mean = mean if mean is not None else [0.485, 0.456, 0.406]
        std = std if std is not None else [0.229, 0.224, 0.225]
        shape = (3, 1, 1) if order == "chw" else (1, 1, 3)
        self.mean = np.array(mean).reshape(shape).astype(np.float32)
        self.std = np.array(std).reshape(shape).astype(np.float32)
        values = np.arange(256, dtype=np.float32)[:, None]                   # (256, 1)
        table = (values * self.scale - self.mean.reshape(1, -1)) / self.std.reshape(1, -1)
        self._table = table.astype(np.float32)                               # (256, C)

    def __call__(self, data: dict) -> dict:
        img = np.asarray(data["image"])
        data["image"] = self._lookup(img) if img.dtype == np.uint8 else \
            (img.astype(np.float32) * self.scale - self.mean) / self.std
        return data

    def _lookup(self, img: np.ndarray) -> np.ndarray:
        channels = self._table.shape[1]
        if self.order == "hwc" and img.ndim == 3 and img.shape[2] == channels <= 4:
            return cv2.LUT(np.ascontiguousarray(img), self._table.reshape(256, 1, channels))
        if self.order == "chw" and img.ndim == 3 and img.shape[0] == channels:
            return np.stack([self._table[:, c][img[c]] for c in range(channels)])
        return (img.astype(np.float32) * self.scale - self.mean) / self.std


class ToCHWImage:
    """(H, W, C) -> (C, H, W), Paddle's layout (a transposed view; the batch copy makes it dense).

    PP-OCR strategy: NCHW input layout (通道优先) of every PP-OCR network.
    """

    def __call__(self, data: dict) -> dict:
        data["image"] = np.asarray(data["image"]).transpose((2, 0, 1))
        return data
