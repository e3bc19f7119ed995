"""Whatever the user passes -> the BGR uint8 (H, W, 3) image every PP-OCR model expects."""
from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from ..errors import DataError

__all__ = ["read_image", "to_bgr"]


def _decode_file(path: Path) -> np.ndarray:
    if not path.is_file():
        raise DataError(f"image file not found: {str(path)!r}; check the path (relative paths start "
                        f"at the working directory {os.getcwd()!r})")
    data = np.fromfile(str(path), dtype=np.uint8)          # works with non-ASCII file names too
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None   # honours EXIF rotation
    if image is None:
        try:                                               # GIF and other formats OpenCV lacks
            from PIL import Image

            with Image.open(path) as pil:
                image = cv2.cvtColor(np.asarray(pil.convert("RGB")), cv2.COLOR_RGB2BGR)
        except Exception as e:  # noqa: BLE001 - any decoder failure means the same to the user
            raise DataError(f"cannot decode image file {str(path)!r} ({type(e).__name__}: {e}); "
                            "is it a complete JPEG/PNG/BMP/GIF file?") from e
    return image


def to_bgr(image: np.ndarray, background=(255, 255, 255)) -> np.ndarray:
    """An array -> BGR uint8 (H, W, 3): gray is repeated, BGRA is blended onto `background` (RGB)."""
    if not isinstance(image, np.ndarray):
        raise DataError(f"expected an image path or a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise DataError(f"image array has dtype {image.dtype}; convert it to uint8 0-255 first, "
                        "e.g. (img * 255).round().astype(np.uint8) for floats in [0, 1]")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:           # PaddleOCR's alpha_to_color
        alpha = image[:, :, 3:4] / 255
        bg = np.array(background[::-1], dtype=np.float64)  # RGB -> BGR
        return (bg * (1 - alpha) + image[:, :, :3] * alpha).astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise DataError(f"image array of shape {image.shape} is not (H, W), (H, W, 1), (H, W, 3) BGR or "
                    "(H, W, 4) BGRA")


def read_image(source) -> np.ndarray:
    """A path (str / Path), or an array (gray, BGR, BGRA) -> BGR uint8 (H, W, 3).

    Files are decoded with OpenCV's IMREAD_COLOR, which applies the EXIF orientation of JPEGs
    (a phone photo comes out the way it is shown). A missing or undecodable file raises
    `DataError` naming it.
    """
    if isinstance(source, (str, Path)):
        return _decode_file(Path(source))
    return to_bgr(source)
