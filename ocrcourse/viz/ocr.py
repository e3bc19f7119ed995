"""Draw PP-OCR results: boxes over the image on the left, each text at its box on the right."""
from __future__ import annotations

import colorsys

import numpy as np

__all__ = ["draw_ocr"]


def _colour(i: int) -> tuple[int, int, int]:
    """A distinct, fairly dark colour per box (golden-ratio hue steps), RGB 0-255."""
    r, g, b = colorsys.hsv_to_rgb((i * 0.618034) % 1.0, 0.85, 0.8)
    return int(r * 255), int(g * 255), int(b * 255)


def _to_rgb(image) -> np.ndarray:
    from ..pipeline.image_io import read_image   # paths, gray, BGR, BGRA -> BGR

    return np.ascontiguousarray(read_image(image)[:, :, ::-1])


def _fit_font(font_path: str, text: str, box_w: float, box_h: float):
    """The largest font size (at most 0.8 x box height) whose rendering of `text` fits the box width."""
    from PIL import ImageFont

    size = max(int(box_h * 0.8), 8)
    font = ImageFont.truetype(font_path, size)
    width = font.getlength(text) if text else 0
    if width > box_w > 0:
        size = max(int(size * box_w / width), 8)
        font = ImageFont.truetype(font_path, size)
    return font


def draw_ocr(image, results: list[dict], font_path: str | None = None, alpha: float = 0.35) -> np.ndarray:
    """Picture of OCR results, as PaddleOCR's `draw_ocr_box_txt`.

    Args:
        image: what `PPOCR.ocr` accepts (path, BGR / gray / BGRA array); not modified.
        results: `PPOCR.ocr` output: dicts with "points" and optionally "text" and "score".
        font_path: a font that covers the texts; default the CJK font from `mplfonts`.
        alpha: opacity of the filled boxes on the left.

    Returns:
        RGB uint8 array (H, 2 W, 3): left the image with filled, outlined boxes; right a white
        page with each text written inside its box outline. Show it with `plt.imshow`.
    """
    from PIL import Image, ImageDraw

    from .fonts import cjk_font_path

    font_path = font_path or cjk_font_path()
    rgb = _to_rgb(image)
    h, w = rgb.shape[:2]
    left = Image.fromarray(rgb)
    overlay = left.copy()
    right = Image.new("RGB", (w, h), (255, 255, 255))
    draw_overlay, draw_right = ImageDraw.Draw(overlay), ImageDraw.Draw(right)
    for i, item in enumerate(results):
        quad = [tuple(map(float, p)) for p in item["points"]]
        colour = _colour(i)
        draw_overlay.polygon(quad, fill=colour)
        draw_right.polygon(quad, outline=colour, width=2)
        text = item.get("text", "")
        if text:
            (x0, y0), (x1, y1), _, (x3, y3) = quad[:4]
            box_w, box_h = np.hypot(x1 - x0, y1 - y0), np.hypot(x3 - x0, y3 - y0)
            font = _fit_font(font_path, text, box_w, box_h)
            draw_right.text((x0 + 2, y0 + box_h / 2), text, fill=(0, 0, 0), font=font, anchor="lm")
    left = Image.blend(left, overlay, alpha)
    outline = ImageDraw.Draw(left)                    # outlines on top of the blend
    for i, item in enumerate(results):
        outline.polygon([tuple(map(float, p)) for p in item["points"]], outline=_colour(i), width=2)
    canvas = Image.new("RGB", (2 * w, h), (255, 255, 255))
    canvas.paste(left, (0, 0))
    canvas.paste(right, (w, 0))
    return np.asarray(canvas)
