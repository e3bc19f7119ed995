"""Recognition augmentation: TIA (geometric warps of a word) and BDA (cheap photometric noise).

Two families of ops, applied by `RecAug` to a text-line crop (h, w, 3) uint8 BGR:

- TIA, text image augmentation (文本图像增强): `tia_distort`, `tia_stretch`, `tia_perspective`
  move a few control points on the top and bottom edges of the line and warp the image with
  moving least squares (`warp_mls.py`). The strokes bend like real handwriting, crumpled paper or a
  slanted camera, while the text stays readable. Paper: Luo et al., "Learn to Augment: Joint Data
  Augmentation and Network Optimization for Text Recognition", CVPR 2020 (arXiv:2003.06606).
  PP-OCRv2 adopts it (PP-OCRv2, arXiv:2109.03144, "data augmentation").
- BDA, base data augmentation (基础数据增强): random crop of a few rows, Gaussian blur, an HSV
  brightness wiggle, jitter, Gaussian noise and colour reversal, each with probability 0.4.
  `BaseDataAugmentation` is also used alone by the direction classifier.

Randomness, kept as in PaddleOCR 2.6+ so a seeded run matches it op for op: the TIA control
points use NumPy's global generator, the BDA decisions and the crop use Python's `random`, the
noise uses NumPy's. `ocrcourse.settings.seed_everything(s)` seeds both.

PaddleOCR quirks kept on purpose, and visible in lesson 06: the HSV op scales brightness by at most
0.1% and the noise has sigma = sqrt(0.1) scaled by 0.5, so both are almost no-ops; jitter shifts
by int(u * min(h, w) * 0.01) pixels, which is 0 for a 32-pixel-high line.
Lesson: lessons/06_data_augmentation.ipynb.
"""
from __future__ import annotations

import random

import cv2
import numpy as np

from .warp_mls import warp_mls

__all__ = ["tia_distort", "tia_stretch", "tia_perspective", "distort_points", "stretch_points",
           "perspective_points", "random_crop_rows", "gaussian_blur",
           "hsv_jitter", "jitter", "gaussian_noise", "reverse", "BaseDataAugmentation", "RecAug"]


# --- TIA: three warps, each a set of control-point moves ------------------------------------

def _corners(w: int, h: int) -> list:
    return [[0, 0], [w, 0], [w, h], [0, h]]   # top-left, top-right, bottom-right, bottom-left


def tia_distort(src: np.ndarray, segment: int = 4) -> np.ndarray:
    """Local distortion: corners move inward and every cut point on the top/bottom edge jiggles.

    The line is cut into `segment` vertical slices of width cut = w // segment; each move is
    at most thresh = cut // 3 pixels. Output has the input's shape.
    """
    h, w = src.shape[:2]
    return warp_mls(src, *distort_points(w, h, segment), w, h)


def distort_points(w: int, h: int, segment: int = 4) -> tuple[list, list]:
    """(source, destination) control points of `tia_distort` for a w x h line (random draws)."""
    cut = w // segment
    thresh = cut // 3
    r = np.random.randint
    src_pts = _corners(w, h)
    dst_pts = [[r(thresh), r(thresh)], [w - r(thresh), r(thresh)],
               [w - r(thresh), h - r(thresh)], [r(thresh), h - r(thresh)]]
    half = thresh * 0.5
    for i in range(1, segment):
        x = cut * i
        src_pts += [[x, 0], [x, h]]
        dst_pts += [[x + r(thresh) - half, r(thresh) - half],        # top edge point
                    [x + r(thresh) - half, h + r(thresh) - half]]    # bottom edge point
    return src_pts, dst_pts


def tia_stretch(src: np.ndarray, segment: int = 4) -> np.ndarray:
    """Stretch: corners fixed, each inner cut line slides sideways by up to 4/5 of a slice.

    Some characters get wider and their neighbours narrower. Output has the input's shape.
    """
    h, w = src.shape[:2]
    return warp_mls(src, *stretch_points(w, h, segment), w, h)


def stretch_points(w: int, h: int, segment: int = 4) -> tuple[list, list]:
    """(source, destination) control points of `tia_stretch` for a w x h line (random draws)."""
    cut = w // segment
    thresh = cut * 4 // 5
    src_pts, dst_pts = _corners(w, h), _corners(w, h)
    half = thresh * 0.5
    for i in range(1, segment):
        x = cut * i
        move = np.random.randint(thresh) - half
        src_pts += [[x, 0], [x, h]]
        dst_pts += [[x + move, 0], [x + move, h]]
    return src_pts, dst_pts


def tia_perspective(src: np.ndarray) -> np.ndarray:
    """Perspective: the top corners drop and the bottom corners rise by up to h // 2 each.

    The line looks seen from a slant. Output has the input's shape.
    """
    h, w = src.shape[:2]
    return warp_mls(src, *perspective_points(w, h), w, h)


def perspective_points(w: int, h: int) -> tuple[list, list]:
    """(source, destination) control points of `tia_perspective`: the four corners (random draws)."""
    thresh = h // 2
    r = np.random.randint
    dst_pts = [[0, r(thresh)], [w, r(thresh)], [w, h - r(thresh)], [0, h - r(thresh)]]
    return _corners(w, h), dst_pts


# --- BDA: small photometric and cropping ops -------------------------------------------------

def random_crop_rows(img: np.ndarray) -> np.ndarray:
    """Cut t ~ randint[1, 8] rows (at most h - 1) from the top or, with probability 1/2, the bottom."""
    h = img.shape[0]
    t = min(random.randint(1, 8), h - 1)
    from_top = random.randint(0, 1)
    return img[t:h].copy() if from_top else img[0:h - t].copy()


_GAUSS_5 = cv2.getGaussianKernel(ksize=5, sigma=1, ktype=cv2.CV_32F)   # 5 taps, sigma 1


def gaussian_blur(img: np.ndarray) -> np.ndarray:
    """Separable 5x5 Gaussian blur with sigma = 1."""
    return cv2.sepFilter2D(img, -1, _GAUSS_5, _GAUSS_5)


def hsv_jitter(img: np.ndarray) -> np.ndarray:
    """Scale the HSV value channel by 1 + delta, |delta| <= 0.001 (PaddleOCR's almost-no-op)."""
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    size = 0.001 * random.random()                      # drawn before the sign, as PaddleOCR
    delta = size * (1 if random.random() > 0.5000001 else -1)
    hsv[:, :, 2] = hsv[:, :, 2] * (1 + delta)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)


def jitter(img: np.ndarray) -> np.ndarray:
    """Smear the image along the diagonal by s = int(u * min(h, w) * 0.01) pixels.

    Each of the s steps copies the original shifted one more pixel down and right, so the
    result is the original repeated along a short diagonal (a motion-blur-like ghost).
    Images of 10 pixels or less on a side are returned unchanged. Modifies `img` in place.
    """
    h, w = img.shape[:2]
    if h <= 10 or w <= 10:
        return img
    s = int(random.random() * min(h, w) * 0.01)
    original = img.copy()
    for i in range(s):
        img[i:, i:] = original[: h - i, : w - i]
    return img


def gaussian_noise(img: np.ndarray, mean: float = 0.0, var: float = 0.1) -> np.ndarray:
    """Add 0.5 * N(mean, var) noise per pixel and channel, clip to [0, 255], back to uint8."""
    noise = np.random.normal(mean, var ** 0.5, img.shape)
    return np.uint8(np.clip(img + 0.5 * noise, 0, 255))


def reverse(img: np.ndarray) -> np.ndarray:
    """Colour reversal, 255 - img: light text on dark becomes dark on light."""
    return 255 - img


class BaseDataAugmentation:
    """BDA: six cheap ops, each applied independently with its own probability, in a fixed order.

    PP-OCR strategy: base data augmentation (基础数据增强) for recognition and direction
    classification. Paper: PP-OCR, arXiv:2009.09941 (section 2.3, "data augmentation").
    Lesson: lessons/06_data_augmentation.ipynb.

    Order: crop (only if h >= 20 and w >= 20), blur, HSV, jitter, noise, reverse.

    Args:
        crop_prob, reverse_prob, noise_prob, jitter_prob, blur_prob, hsv_aug_prob: probability of
            each op (0.4 each in PaddleOCR 2.6+).

    Shapes: data["image"] (h, w, 3) uint8 -> (h', w, 3) uint8; only the crop changes h.
    """

    def __init__(self, crop_prob: float = 0.4, reverse_prob: float = 0.4, noise_prob: float = 0.4,
                 jitter_prob: float = 0.4, blur_prob: float = 0.4, hsv_aug_prob: float = 0.4):
        self.crop_prob = crop_prob
        self.reverse_prob = reverse_prob
        self.noise_prob = noise_prob
        self.jitter_prob = jitter_prob
        self.blur_prob = blur_prob
        self.hsv_aug_prob = hsv_aug_prob

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        h, w = img.shape[:2]
        # The draw comes first, so the random stream matches PaddleOCR's even for small crops.
        if random.random() <= self.crop_prob and h >= 20 and w >= 20:
            img = random_crop_rows(img)
        if random.random() <= self.blur_prob:
            img = gaussian_blur(img)
        if random.random() <= self.hsv_aug_prob:
            img = hsv_jitter(img)
        if random.random() <= self.jitter_prob:
            img = jitter(img)
        if random.random() <= self.noise_prob:
            img = gaussian_noise(img)
        if random.random() <= self.reverse_prob:
            img = reverse(img)
        data["image"] = img
        return data


class RecAug:
    """TIA (all three warps together, with probability `tia_prob`) followed by BDA.

    PP-OCR strategy: TIA text image augmentation (文本图像增强) + BDA, the recognition training
    augmentation of PP-OCRv2/v3. Papers: Learn to Augment, arXiv:2003.06606; PP-OCRv2,
    arXiv:2109.03144. Lesson: lessons/06_data_augmentation.ipynb.

    TIA runs only on crops of at least 20 x 20 pixels: distort (segment ~ randint[3, 6]), then
    stretch (segment ~ randint[3, 6]), then perspective.

    Args:
        tia_prob: probability of the TIA block.
        crop_prob, reverse_prob, noise_prob, jitter_prob, blur_prob, hsv_aug_prob: passed to
            `BaseDataAugmentation`.

    Shapes: data["image"] (h, w, 3) uint8 -> (h', w, 3) uint8.
    """

    def __init__(self, tia_prob: float = 0.4, crop_prob: float = 0.4, reverse_prob: float = 0.4,
                 noise_prob: float = 0.4, jitter_prob: float = 0.4, blur_prob: float = 0.4,
                 hsv_aug_prob: float = 0.4):
        self.tia_prob = tia_prob
        self.bda = BaseDataAugmentation(crop_prob, reverse_prob, noise_prob, jitter_prob,
                                        blur_prob, hsv_aug_prob)

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        h, w = img.shape[:2]
        if random.random() <= self.tia_prob and h >= 20 and w >= 20:
            img = tia_distort(img, random.randint(3, 6))
            img = tia_stretch(img, random.randint(3, 6))
            img = tia_perspective(img)
        data["image"] = img
        return self.bda(data)
