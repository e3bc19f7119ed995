"""Helpers for the official-weights tests: the cached files, onnxruntime, PP-OCR inputs.

The tests use the cache prepared by `make weights` (OCRCOURSE_HOME, default ~/.cache/ocrcourse);
if it is not there, `official()` prepares it (PyPI must then be reachable).
"""
from __future__ import annotations

import cv2
import numpy as np
from skimage import data

import onnxruntime as ort   # the reference: runs the official ONNX graphs

from ocrcourse import weights


def onnx_path(name: str) -> str:
    """The official ONNX file of `name`, extracted into the cache (and its .pdparams converted)."""
    weights.official(name)
    return str(weights.cache_dir() / "onnx" / weights.OFFICIAL[name]["onnx"])


def run_onnx(name: str, x: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(onnx_path(name), providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": x})[0]


def page_bgr() -> np.ndarray:
    """skimage's photographed page (191 x 384 grayscale) as a BGR uint8 image."""
    return cv2.cvtColor(data.page(), cv2.COLOR_GRAY2BGR)


def det_input(bgr: np.ndarray) -> np.ndarray:
    """PP-OCR det input: sides rounded to multiples of 32, ImageNet mean/std on BGR planes, NCHW."""
    h, w = bgr.shape[:2]
    img = cv2.resize(bgr, (max(32, round(w / 32) * 32), max(32, round(h / 32) * 32)))
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    x = (img.astype(np.float32) / 255.0 - mean) / std
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def rec_input(bgr: np.ndarray, height: int, width: int) -> np.ndarray:
    """PP-OCR rec/cls input: height fixed, aspect kept (capped at width), x/255*2-1, right-padded."""
    h, w = bgr.shape[:2]
    new_w = min(width, int(np.ceil(height * w / h)))
    img = cv2.resize(bgr, (new_w, height)).astype(np.float32) / 255.0
    x = np.zeros((1, 3, height, width), np.float32)
    x[0, :, :, :new_w] = ((img - 0.5) / 0.5).transpose(2, 0, 1)
    return x


def title_crop() -> np.ndarray:
    """The page's title line "Region-based segmentation", cropped from the photograph."""
    return page_bgr()[6:42, 0:300]
