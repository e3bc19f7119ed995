"""RandAugment: two random image ops at one global strength, for the direction classifier.

Instead of searching an augmentation policy, RandAugment draws `num_layers` ops uniformly from a
fixed list of 14 and applies each at one strength `magnitude` (out of 10). PaddleOCR uses it for
the text direction classifier with probability 0.5, 2 ops, magnitude 5.

Paper: Cubuk et al., "RandAugment: Practical automated data augmentation with a reduced search
space", arXiv:1909.13719. Lesson: lessons/06_data_augmentation.ipynb.

At magnitude m the strengths are (level = m / 10):
  shearX/Y 0.3*level, translateX/Y (150/331)*level of the image size, rotate 30*level degrees,
  color/contrast/sharpness/brightness factor 1 +- 0.9*level, posterize int(4*level) bits,
  solarize threshold 256*level; autocontrast, equalize and invert have no strength.
Shears, translations and the enhance factors get a random sign; the rotation does not (always
counter-clockwise, a PaddleOCR quirk we keep). Randomness as in PaddleOCR: NumPy picks the ops and
the apply/skip draw, Python's `random` picks the signs.
"""
from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

__all__ = ["rand_augment_levels", "apply_rand_augment_op", "RandAugment"]

MAX_LEVEL = 10


def rand_augment_levels(magnitude: float) -> dict:
    """Strength of each of the 14 ops at `magnitude` (0..10); dict order is the draw order."""
    level = magnitude / MAX_LEVEL
    return {
        "shearX": 0.3 * level, "shearY": 0.3 * level,
        "translateX": 150.0 / 331 * level, "translateY": 150.0 / 331 * level,
        "rotate": 30 * level,
        "color": 0.9 * level,
        "posterize": int(4.0 * level),
        "solarize": 256.0 * level,
        "contrast": 0.9 * level, "sharpness": 0.9 * level, "brightness": 0.9 * level,
        "autocontrast": 0, "equalize": 0, "invert": 0,
    }


def _sign() -> int:
    return random.choice([-1, 1])


def _affine(img: Image.Image, coeffs, fill, resample=Image.NEAREST) -> Image.Image:
    """PIL affine: output pixel (x, y) samples input (a*x + b*y + c, d*x + e*y + f)."""
    return img.transform(img.size, Image.AFFINE, coeffs, resample, fillcolor=fill)


def _rotate_with_grey(img: Image.Image, degrees: float) -> Image.Image:
    """Rotate about the centre; the uncovered corners become grey (128), not black."""
    rotated = img.convert("RGBA").rotate(degrees)
    grey = Image.new("RGBA", rotated.size, (128,) * 4)
    return Image.composite(rotated, grey, rotated).convert(img.mode)


def _apply(name: str, img: Image.Image, m, fill) -> Image.Image:
    """Apply op `name` at strength m."""
    w, h = img.size
    if name == "shearX":
        return _affine(img, (1, m * _sign(), 0, 0, 1, 0), fill, Image.BICUBIC)
    if name == "shearY":
        return _affine(img, (1, 0, 0, m * _sign(), 1, 0), fill, Image.BICUBIC)
    if name == "translateX":
        return _affine(img, (1, 0, m * w * _sign(), 0, 1, 0), fill)
    if name == "translateY":
        return _affine(img, (1, 0, 0, 0, 1, m * h * _sign()), fill)
    if name == "rotate":
        return _rotate_with_grey(img, m)
    enhancers = {"color": ImageEnhance.Color, "contrast": ImageEnhance.Contrast,
                 "sharpness": ImageEnhance.Sharpness, "brightness": ImageEnhance.Brightness}
    if name in enhancers:
        return enhancers[name](img).enhance(1 + m * _sign())
    if name == "posterize":
        return ImageOps.posterize(img, m)
    if name == "solarize":
        return ImageOps.solarize(img, m)
    if name == "autocontrast":
        return ImageOps.autocontrast(img)
    if name == "equalize":
        return ImageOps.equalize(img)
    if name == "invert":
        return ImageOps.invert(img)
    raise KeyError(f"unknown RandAugment op {name!r}; ops: {list(rand_augment_levels(5))}")


def apply_rand_augment_op(img: np.ndarray, name: str, magnitude: float = 5,
                          fillcolor=(128, 128, 128)) -> np.ndarray:
    """Apply one named RandAugment op at `magnitude` to an (h, w, 3) uint8 image, as RandAugment does.

    Lets a lesson show each of the 14 ops on its own; random signs come from Python's `random`.
    """
    levels = rand_augment_levels(magnitude)
    if name not in levels:
        raise KeyError(f"unknown RandAugment op {name!r}; ops: {list(levels)}")
    out = _apply(name, Image.fromarray(np.ascontiguousarray(img)), levels[name], tuple(fillcolor))
    return np.array(out)


class RandAugment:
    """With probability `prob`, apply `num_layers` ops drawn uniformly from 14, at one strength.

    PP-OCR strategy: RandAugment (随机增强) for the text direction classifier.
    Paper: arXiv:1909.13719; PP-OCR, arXiv:2009.09941. Lesson: lessons/06_data_augmentation.ipynb.

    Args:
        prob: probability of augmenting a sample at all.
        num_layers: ops applied in sequence (drawn with replacement).
        magnitude: strength 0..10 shared by every op (see `rand_augment_levels`).
        fillcolor: colour of the area uncovered by shear and translation.

    Shapes: data["image"] (h, w, 3) uint8 -> (h, w, 3) uint8 (a numpy array again).
    """

    def __init__(self, prob: float = 0.5, num_layers: int = 2, magnitude: float = 5,
                 fillcolor=(128, 128, 128)):
        self.prob = prob
        self.num_layers = num_layers
        self.magnitude = magnitude
        self.fillcolor = tuple(fillcolor)
        self.levels = rand_augment_levels(magnitude)

    def augment(self, img: Image.Image) -> Image.Image:
        """Apply `num_layers` random ops to a PIL image (no probability check)."""
        names = list(self.levels)
        for _ in range(self.num_layers):
            name = str(np.random.choice(names))
            img = _apply(name, img, self.levels[name], self.fillcolor)
        return img

    def __call__(self, data: dict) -> dict:
        if np.random.rand() > self.prob:
            return data
        img = data["image"]
        if not isinstance(img, Image.Image):
            img = Image.fromarray(np.ascontiguousarray(img))
        data["image"] = np.array(self.augment(img))   # a writable copy (np.asarray would be read-only)
        return data
