"""Curved text lines: glyphs placed and rotated along a circular arc, labelled with a 2k-point polygon.

Text on a sign, a logo or a seal often follows an arc. A 4-point box around such a line covers
mostly background, so curved-text datasets label it with a polygon that follows the text band:
Total-Text and CTW1500 (14 points: 7 along the top edge, 7 back along the bottom edge) are the
common ones, and PaddleOCR's det label format takes any number of points (`DetLabelEncode` pads
shorter polygons of an image by repeating their last point). DB learns such text with no change:
its labels are polygons shrunk by Vatti clipping (`db_targets.py`), whatever their point count.
Paper: DB, Liao et al., AAAI 2020 (evaluated on Total-Text and CTW1500). Used by `synth.py`.

How a line is drawn (all geometry in a frame centred on the straight line's box, x along the
line, y down across it):

1. `arc_map(x, y, curvature)` bends that frame onto a circle of radius 1 / |curvature|: x becomes
   arc length along the line's middle, y the distance across it. Positive curvature bends the
   ends down (an arch, the circle's centre below the text), negative bends them up (a smile).
2. Each glyph is rendered on its own and placed *rigidly*: its centre goes to the arc, turned by
   the tangent's angle there (`layout_curved_line`), as curved lettering is set in practice.
3. The label is the 4-point box of the straight line bent the same way, sampled at k points per
   long edge: top left -> right, then bottom right -> left (clockwise, as the 4-point boxes). On
   the convex (outer) side, a straight chord between two samples cuts inside the arc and a rigid
   glyph's outer corners stick out a little; that edge is pushed outward by exactly as much
   (`_outer_margin`), so the polygon covers every glyph pixel.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .synth_render import blend_text, claim_space

__all__ = ["arc_map", "arc_polygon", "CurvedLine", "layout_curved_line", "draw_curved_line"]


def arc_map(x, y, curvature: float):
    """Bend straight-line coordinates onto an arc: (x, y) -> (x', y'), same frame, y down.

    The line's middle (y = 0) becomes a circle of radius R = 1 / |curvature| through the origin,
    tangent to the x axis there, and x is the arc length along it; a point at distance y across
    the line stays at distance y from that circle. curvature 0 returns (x, y) unchanged.
    """
    x, y = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
    if curvature == 0:
        return x, y
    r = 1.0 / curvature - y           # signed distance from the circle's centre (0, 1 / curvature)
    phi = x * curvature               # angle turned after arc length x
    return r * np.sin(phi), 1.0 / curvature - r * np.cos(phi)


def _outer_margin(half_w: float, half_h: float, curvature: float, k: int, glyph_w: float) -> float:
    """How far to push the outer edge out so its chords still cover the glyphs on that side.

    Samples Δφ apart on a circle of radius R: the chord between them passes R·cos(Δφ/2) from the
    centre. A glyph of width g placed rigidly on the tangent reaches sqrt(R² + (g/2)²) at its
    outer corners. So the edge's samples go on radius (R + (g/2)² / (2R)) / cos(Δφ/2).
    """
    if curvature == 0:
        return 0.0
    outer = 1.0 / abs(curvature) + half_h
    step = 2 * half_w * abs(curvature) / (k - 1)
    return (outer + (glyph_w / 2) ** 2 / (2 * outer)) / np.cos(step / 2) - outer


def arc_polygon(half_w: float, half_h: float, curvature: float, k: int = 7, glyph_w: float = 0.0) -> np.ndarray:
    """The (2k, 2) polygon of a bent box [-half_w, half_w] x [-half_h, half_h], in the arc frame.

    k points along the top edge left -> right, then k along the bottom edge right -> left (the
    Total-Text / CTW1500 order; clockwise on screen). `glyph_w` is the widest glyph (see
    `_outer_margin`).
    """
    xs = np.linspace(-half_w, half_w, k)
    extra = _outer_margin(half_w, half_h, curvature, k, glyph_w)
    top = -half_h - (extra if curvature > 0 else 0.0)      # an arch bulges at the top
    bottom = half_h + (extra if curvature < 0 else 0.0)    # a smile at the bottom
    tx, ty = arc_map(xs, np.full(k, top), curvature)
    bx, by = arc_map(xs[::-1], np.full(k, bottom), curvature)
    return np.stack([np.concatenate([tx, bx]), np.concatenate([ty, by])], axis=1)


class CurvedLine:
    """A laid-out curved line, centred on (0, 0): glyph masks with their placements, and the label.

    Attributes:
        glyphs: [(mask (h, w) uint8, matrix (2, 3))]: the affine taking mask pixels to the frame.
        polygon: (2k, 2) float64 label polygon in the frame.
        extent: (x0, y0, x1, y1) bounding box of every glyph mask in the frame.
    """

    def __init__(self, glyphs: list, polygon: np.ndarray):
        self.glyphs, self.polygon = glyphs, polygon
        corners = [_corners(mask) @ m[:, :2].T + m[:, 2] for mask, m in glyphs] or [polygon]
        pts = np.concatenate(corners)
        self.extent = (*pts.min(0), *pts.max(0))


def _corners(mask: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)


def _glyph_mask(ch: str, font: ImageFont.FreeTypeFont) -> tuple[np.ndarray, float, float]:
    """One character's anti-aliased mask, with the pen-frame position of its top-left pixel."""
    gl, gt, gr, gb = font.getbbox(ch)
    canvas = Image.new("L", (gr - gl + 2, gb - gt + 2), 0)
    ImageDraw.Draw(canvas).text((1 - gl, 1 - gt), ch, font=font, fill=255)
    return np.asarray(canvas), gl - 1.0, gt - 1.0


def _rotation(angle_rad: float) -> np.ndarray:
    """Rotation by `angle_rad` in y-down image coordinates (positive turns x towards +y)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, -s], [s, c]])


def layout_curved_line(text: str, font: ImageFont.FreeTypeFont, angle_deg: float, bend_deg: float,
                       k: int = 7) -> CurvedLine:
    """Place the glyphs of `text` along an arc and build its 2k-point label polygon.

    Args:
        text, font: what to write and in which font (PIL FreeType, e.g. from `FontBook`).
        angle_deg: rotation of the whole line (counter-clockwise, as `draw_line`'s angle).
        bend_deg: how much the line turns from its first to its last character; > 0 an arch
            (ends down), < 0 a smile (ends up). Curvature = bend / line length.
        k: points per long edge of the polygon (7 -> 14 points, as CTW1500).

    The box is `render_line_mask`'s: the ink's width, cap height to baseline or descender, plus 8%
    of that height on every side.
    """
    left, ink_top, right, ink_bottom = font.getbbox(text)
    cap = font.getbbox("A")
    top, bottom = min(ink_top, cap[1]), max(ink_bottom, cap[3])
    m = max(1, round(0.08 * (bottom - top)))
    cx, cy = (left + right) / 2, (top + bottom) / 2
    half_w, half_h = (right - left) / 2 + m, (bottom - top) / 2 + m
    curvature = np.deg2rad(bend_deg) / (2 * half_w)
    a = np.deg2rad(angle_deg)
    whole = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])   # counter-clockwise on screen
    glyphs, widest = [], 0.0
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        mask, ox, oy = _glyph_mask(ch, font)
        pen = font.getlength(text[:i])                         # where this glyph starts (kerning kept)
        gx = pen + ox + mask.shape[1] / 2 - cx                 # glyph centre along the line
        anchor = np.array(arc_map(gx, 0.0, curvature))         # ... lands here on the arc
        turn = _rotation(gx * curvature)                       # ... turned by the tangent's angle
        lin = whole @ turn
        offset = whole @ (anchor + turn @ np.array([pen + ox - cx - gx, oy - cy]))
        glyphs.append((mask, np.column_stack([lin, offset])))
        widest = max(widest, float(mask.shape[1]))
    polygon = arc_polygon(half_w, half_h, curvature, k, widest) @ whole.T
    return CurvedLine(glyphs, polygon)


def draw_curved_line(scene: np.ndarray, line: CurvedLine, centre, rng: np.random.Generator,
                     contrast: float, taken: list | None = None, gap: int = 3) -> np.ndarray | None:
    """Blend a laid-out curved line into `scene` (float32 BGR, in place) centred at `centre`.

    Same contract as `synth_render.draw_line`: the line is not drawn if a glyph would leave the
    image or its polygon's bounding box (grown by `gap`) overlaps one in `taken`.

    Returns:
        The (2k, 2) polygon in scene coordinates, or None if the line was not drawn.
    """
    H, W = scene.shape[:2]
    c = np.asarray(centre, np.float64)
    ex0, ey0, ex1, ey1 = line.extent
    x0, y0 = int(np.floor(ex0 + c[0])), int(np.floor(ey0 + c[1]))
    x1, y1 = int(np.ceil(ex1 + c[0])), int(np.ceil(ey1 + c[1]))
    poly = line.polygon + c
    if x0 < 0 or y0 < 0 or x1 > W or y1 > H or poly.min() < 0 or poly[:, 0].max() > W or poly[:, 1].max() > H:
        return None
    if not claim_space(poly, taken, gap):
        return None
    alpha = np.zeros((y1 - y0, x1 - x0), np.float32)
    for mask, m in line.glyphs:
        m = m.copy()
        m[:, 2] += c - (x0, y0)                                # into the region's pixel frame
        pts = _corners(mask) @ m[:, :2].T + m[:, 2]
        gx0, gy0 = np.maximum(np.floor(pts.min(0)).astype(int), 0)
        gx1, gy1 = np.minimum(np.ceil(pts.max(0)).astype(int), (x1 - x0, y1 - y0))
        m[:, 2] -= (gx0, gy0)                                  # warp only the glyph's own box
        warped = cv2.warpAffine(mask, m, (int(gx1 - gx0), int(gy1 - gy0)), flags=cv2.INTER_LINEAR)
        np.maximum(alpha[gy0:gy1, gx0:gx1], warped, out=alpha[gy0:gy1, gx0:gx1])
    blend_text(scene[y0:y1, x0:x1], alpha, rng, contrast)
    return poly
