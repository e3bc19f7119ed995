"""Draw PP-OCR results: boxes over the image on the left, each text at its box on the right.

    from ocrcourse import viz
    viz.show_ocr(image, ocr.ocr(image, cls=True))    # a figure sized for a laptop screen
    rgb = viz.draw_ocr(image, results)               # the picture itself (PaddleOCR's layout)
"""
from __future__ import annotations

import colorsys

import numpy as np

__all__ = ["draw_ocr", "show_ocr", "ocr_scale"]


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


def _text_box(points) -> list[tuple[float, float]]:
    """Four corners TL, TR, BR, BL to write a text in: the box itself, or the minimum-area rectangle
    of a many-point polygon (det_box_type='poly'), whose first points are not its corners."""
    if len(points) == 4:
        return [tuple(map(float, p)) for p in points]
    import cv2

    from ..pipeline.crop import order_points_clockwise

    corners = cv2.boxPoints(cv2.minAreaRect(np.asarray(points, dtype=np.float32)))
    return [tuple(map(float, p)) for p in order_points_clockwise(corners)]


def draw_ocr(image, results: list[dict], font_path: str | None = None, alpha: float = 0.35,
             stack: bool = False) -> np.ndarray:
    """Picture of OCR results, as PaddleOCR's `draw_ocr_box_txt`.

    Args:
        image: what `PPOCR.ocr` accepts (path, BGR / gray / BGRA array); not modified.
        results: `PPOCR.ocr` output: dicts with "points" and optionally "text" and "score".
        font_path: a font that covers the texts; default the CJK font from `mplfonts`.
        alpha: opacity of the filled boxes on the left.
        stack: put the texts' page below the image instead of to its right (for wide images).

    Returns:
        RGB uint8 array (H, 2 W, 3): left the image with filled, outlined boxes; right a white
        page with each text written inside its box outline ((2 H, W, 3) with `stack`). Show it
        with `plt.imshow`, or use `show_ocr`.
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
            (x0, y0), (x1, y1), _, (x3, y3) = _text_box(item["points"])
            box_w, box_h = np.hypot(x1 - x0, y1 - y0), np.hypot(x3 - x0, y3 - y0)
            font = _fit_font(font_path, text, box_w, box_h)
            draw_right.text((x0 + 2, y0 + box_h / 2), text, fill=(0, 0, 0), font=font, anchor="lm")
    left = Image.blend(left, overlay, alpha)
    outline = ImageDraw.Draw(left)                    # outlines on top of the blend
    for i, item in enumerate(results):
        outline.polygon([tuple(map(float, p)) for p in item["points"]], outline=_colour(i), width=2)
    canvas = Image.new("RGB", (w, 2 * h) if stack else (2 * w, h), (255, 255, 255))
    canvas.paste(left, (0, 0))
    canvas.paste(right, (0, h) if stack else (w, 0))
    return np.asarray(canvas)


def ocr_scale(h: int, w: int, width_px: int = 960, max_height_px: int = 640) -> tuple[float, bool]:
    """(scale, stack) that draws an h x w image's OCR picture as large as fits width_px x max_height_px:
    side by side (2 w wide) or stacked (2 h high), whichever allows the larger scale."""
    side = min(width_px / (2 * w), max_height_px / h)
    stacked = min(width_px / w, max_height_px / (2 * h))
    return (stacked, True) if stacked > side else (side, False)


def show_ocr(image, results: list[dict], width_px: int = 960, max_height_px: int = 640,
             title: str | None = None, font_path: str | None = None):
    """`draw_ocr` as a figure a laptop shows at 100 %: as large as fits `width_px` x `max_height_px`.

    A small image (a 384-pixel scan, a 480-pixel scene) is enlarged first, boxes with it, so the
    texts written on the right are drawn at the enlarged size, with the CJK font. A wide image
    gets the texts' page below it instead of beside it when that draws it larger (`ocr_scale`).
    The figure is exactly the picture's size at the style's dpi (no scaling by JupyterLab).

    Args:
        image, results, font_path: as `draw_ocr`.
        width_px, max_height_px: the largest picture wanted, in screen pixels.
        title: a line above the picture.
    Returns:
        A matplotlib Figure.
    """
    import cv2
    from matplotlib.figure import Figure

    rgb = _to_rgb(image)
    h, w = rgb.shape[:2]
    scale, stack = ocr_scale(h, w, width_px, max_height_px)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    big = cv2.resize(rgb[:, :, ::-1], size, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    sx, sy = size[0] / w, size[1] / h
    scaled = [{**item, "points": [[float(x) * sx, float(y) * sy] for x, y in item["points"]]} for item in results]
    picture = draw_ocr(big, scaled, font_path=font_path, stack=stack)
    dpi = 100
    ph, pw = picture.shape[:2]
    top = 0.3 if title else 0.0                     # inches for the title line
    fig = Figure(figsize=(pw / dpi, ph / dpi + top), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, ph / dpi / (ph / dpi + top)))
    ax.imshow(picture, interpolation="nearest")
    ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=10, y=1 - 0.05 / (ph / dpi + top), va="top")
    return fig
