"""Drawing synthetic text: backgrounds, one text line, and a line placed in a scene with its box.

The building blocks of `synth.py`, kept apart so a lesson can call them one by one:

- `make_background(rng, h, w)`: gradients, smooth noise, random shapes, paper, or a photo from
  `skimage.data` (bundled with scikit-image, no download);
- `FontBook`: the fonts of `synth_text` at any size, cached, chosen to cover the text;
- `render_line_mask(text, font)`: the anti-aliased text as an alpha mask plus its 4-point box;
- `draw_line(scene, mask, box, centre, angle, ...)`: rotate, tilt (mild perspective) and blend the
  line into the scene; returns the box where it landed, the polygon a PaddleOCR det label stores.

All randomness comes from the `numpy.random.Generator` passed in, so a seed fixes every pixel.
"""
from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .synth_text import cjk_fonts, latin_fonts

__all__ = ["PHOTO_NAMES", "make_background", "FontBook", "render_line_mask", "draw_line", "claim_space",
           "blend_text", "text_colour"]

# Photos of skimage.data without visible text (page / text / clock would add unlabelled text).
PHOTO_NAMES = ("astronaut", "coffee", "chelsea", "camera", "coins", "moon", "immunohistochemistry",
               "hubble_deep_field", "brick", "grass", "gravel", "colorwheel", "cell", "retina")


# --- backgrounds ------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _photo(name: str) -> np.ndarray | None:
    """A skimage.data photo as BGR uint8 (loaded once); None if this scikit-image lacks it."""
    try:
        import skimage.data

        img = np.asarray(getattr(skimage.data, name)())
    except Exception:          # not bundled with this version (would need a download): skip it
        return None
    if img.ndim == 2:
        img = np.stack([img] * 3, -1)
    return np.ascontiguousarray(img[..., 2::-1]).astype(np.uint8)   # RGB -> BGR


def _colour(rng) -> np.ndarray:
    return rng.integers(0, 256, 3).astype(np.float32)


def _gradient(rng, h, w):
    a, b = _colour(rng), _colour(rng)
    angle = rng.uniform(0, np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = xx * np.cos(angle) + yy * np.sin(angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
    return a + (b - a) * t[..., None]


def _smooth_noise(rng, h, w):
    small = rng.random((max(2, h // 32), max(2, w // 32), 3)).astype(np.float32)
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    lo, hi = sorted(rng.uniform(0, 255, 2))
    return lo + (hi - lo + 30) * big


def _shapes(rng, h, w):
    img = np.empty((h, w, 3), np.float32)
    img[:] = _colour(rng)
    for _ in range(int(rng.integers(3, 12))):
        c = tuple(float(v) for v in _colour(rng))
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(10, max(11, min(h, w) // 3)))
        kind = rng.integers(0, 3)
        if kind == 0:
            cv2.circle(img, (x, y), r, c, -1)
        elif kind == 1:
            cv2.rectangle(img, (x, y), (x + r, y + int(rng.integers(5, r + 6))), c, -1)
        else:
            cv2.line(img, (x, y), (int(rng.integers(0, w)), int(rng.integers(0, h))), c,
                     int(rng.integers(1, 6)))
    return img


def _paper(rng, h, w):
    base = rng.uniform(200, 250) + rng.normal(0, 6, 3)
    return np.clip(base + rng.normal(0, 4, (h, w, 1)), 0, 255).astype(np.float32) * np.ones(3, np.float32)


def _photo_background(rng, h, w):
    names = [n for n in PHOTO_NAMES if _photo(n) is not None]
    if not names:
        return _gradient(rng, h, w)
    img = _photo(str(rng.choice(names)))
    scale = rng.uniform(0.5, 1.5)
    ph, pw = img.shape[:2]
    ch, cw = min(ph, int(h / scale) + 1), min(pw, int(w / scale) + 1)
    y, x = int(rng.integers(0, ph - ch + 1)), int(rng.integers(0, pw - cw + 1))
    crop = cv2.resize(img[y:y + ch, x:x + cw], (w, h), interpolation=cv2.INTER_LINEAR)
    return crop.astype(np.float32)


BACKGROUNDS = {"gradient": _gradient, "noise": _smooth_noise, "shapes": _shapes, "paper": _paper,
               "photo": _photo_background}


def make_background(rng: np.random.Generator, h: int, w: int, kind: str | None = None) -> np.ndarray:
    """A (h, w, 3) float32 BGR background in [0, 255]; `kind` one of BACKGROUNDS, or random."""
    if kind is None:
        kind = str(rng.choice(list(BACKGROUNDS), p=[0.2, 0.15, 0.15, 0.2, 0.3]))
    return np.clip(BACKGROUNDS[kind](rng, h, w), 0, 255).astype(np.float32)


# --- fonts and one line of text ---------------------------------------------------------------

class FontBook:
    """The course's fonts at any pixel size, loaded once; picks a font whose glyphs cover a text."""

    def __init__(self):
        self.latin, self.cjk = latin_fonts(), cjk_fonts()
        if not self.cjk:
            raise FileNotFoundError("no CJK font found in the mplfonts package; reinstall it "
                                    "(pip install -U mplfonts) or run `make setup`")
        self._fonts: dict = {}
        self._charmaps: dict = {}

    def covers(self, path: str, text: str) -> bool:
        if path not in self._charmaps:
            from matplotlib.ft2font import FT2Font

            self._charmaps[path] = set(FT2Font(path).get_charmap())
        return all(ord(c) in self._charmaps[path] for c in text if not c.isspace())

    def font(self, path: str, size: int) -> ImageFont.FreeTypeFont:
        key = (path, int(size))
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(path, int(size))
        return self._fonts[key]

    def pick(self, rng: np.random.Generator, text: str, size: int) -> ImageFont.FreeTypeFont:
        """A random font (DejaVu or CJK for Latin text, CJK for Chinese) that covers `text`."""
        candidates = [p for p in self.latin + self.cjk if self.covers(p, text)] or self.cjk
        return self.font(str(rng.choice(candidates)), size)


def render_line_mask(text: str, font: ImageFont.FreeTypeFont) -> tuple[np.ndarray, np.ndarray]:
    """Draw `text` white on black; return (alpha mask (h, w) uint8, box (4, 2) float32).

    The box spans the ink horizontally and, vertically, from the cap height (or the ink top if
    higher) to the baseline (or the descender), plus a margin of 8% of that height: the kind of
    box a human annotator draws. Corners in PaddleOCR order: top-left, top-right, bottom-right,
    bottom-left.
    """
    left, ink_top, right, ink_bottom = font.getbbox(text)
    cap = font.getbbox("A")
    top, bottom = min(ink_top, cap[1]), max(ink_bottom, cap[3])
    m = max(1, round(0.08 * (bottom - top)))
    pad = m + 2
    w, h = right - left + 2 * pad, bottom - top + 2 * pad
    canvas = Image.new("L", (w, h), 0)
    ImageDraw.Draw(canvas).text((pad - left, pad - top), text, font=font, fill=255)
    x0, y0, x1, y1 = pad - m, pad - m, w - pad + m, h - pad + m
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    return np.asarray(canvas), box


def text_colour(rng: np.random.Generator, background_mean: float, contrast: float) -> np.ndarray:
    """A BGR colour whose grey level differs from `background_mean` by about `contrast`."""
    up = background_mean + contrast <= 255
    down = background_mean - contrast >= 0
    sign = rng.choice([-1, 1]) if (up and down) else (1 if up else -1)
    grey = float(np.clip(background_mean + sign * contrast, 0, 255))
    tint = rng.normal(0, min(30.0, contrast / 3), 3)
    return np.clip(grey + tint - tint.mean(), 0, 255).astype(np.float32)


def _line_homography(box: np.ndarray, centre, angle_deg: float, tilt: np.ndarray) -> np.ndarray:
    """Homography moving `box` to be centred at `centre`, rotated, with corners nudged by `tilt`."""
    c = box.mean(0)
    a = np.deg2rad(angle_deg)
    rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]], np.float32)  # counter-clockwise
    dst = (box - c) @ rot.T + np.asarray(centre, np.float32) + tilt
    return cv2.getPerspectiveTransform(box.astype(np.float32), dst.astype(np.float32))


def _apply_h(h_mat: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(pts.reshape(-1, 1, 2).astype(np.float32), h_mat).reshape(-1, 2)


def draw_line(scene: np.ndarray, mask: np.ndarray, box: np.ndarray, centre, angle_deg: float,
              tilt: np.ndarray, rng: np.random.Generator, contrast: float,
              taken: list | None = None, gap: int = 3) -> np.ndarray | None:
    """Blend one rendered line into `scene` (float32 BGR, modified in place).

    Args:
        mask, box: from `render_line_mask`.
        centre: (x, y) where the box centre goes; angle_deg: rotation (counter-clockwise);
        tilt: (4, 2) corner offsets in pixels (mild perspective).
        contrast: grey-level difference between text and the local background.
        taken: axis-aligned boxes (x0, y0, x1, y1) already used; the line is not drawn if its box
            (grown by `gap`) overlaps one, or if it leaves the image. On success its box is added.

    Returns:
        The (4, 2) float32 polygon of the line in the scene, or None if it was not drawn.
    """
    H, W = scene.shape[:2]
    h_mat = _line_homography(box, centre, angle_deg, tilt)
    poly = _apply_h(h_mat, box)
    mh, mw = mask.shape
    outline = _apply_h(h_mat, np.array([[0, 0], [mw, 0], [mw, mh], [0, mh]], np.float32))
    x0, y0 = np.floor(outline.min(0)).astype(int)
    x1, y1 = np.ceil(outline.max(0)).astype(int)
    if x0 < 0 or y0 < 0 or x1 > W or y1 > H or poly.min() < 0:
        return None
    if not claim_space(poly, taken, gap):
        return None
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64)
    alpha = cv2.warpPerspective(mask, shift @ h_mat, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR)
    blend_text(scene[y0:y1, x0:x1], alpha, rng, contrast)
    return poly


def claim_space(poly: np.ndarray, taken: list | None, gap: int = 3) -> bool:
    """True (and the polygon's bounding box, grown by `gap`, added to `taken`) if that box
    overlaps none of the boxes (x0, y0, x1, y1) in `taken`; always True when `taken` is None."""
    bx0, by0 = poly.min(0) - gap
    bx1, by1 = poly.max(0) + gap
    if taken is not None:
        for tx0, ty0, tx1, ty1 in taken:
            if bx0 < tx1 and tx0 < bx1 and by0 < ty1 and ty0 < by1:
                return False
        taken.append((bx0, by0, bx1, by1))
    return True


def blend_text(region: np.ndarray, alpha: np.ndarray, rng: np.random.Generator, contrast: float) -> None:
    """Paint text into `region` (float32 BGR view, in place) through `alpha` (h, w) in [0, 255]:
    a colour `contrast` grey levels away from the region's mean, opacity 85-100%."""
    alpha = alpha.astype(np.float32)[..., None] / 255 * rng.uniform(0.85, 1.0)
    colour = text_colour(rng, float(region.mean()), contrast)
    region[:] = region * (1 - alpha) + colour * alpha
