"""Curved synthetic lines: the arc geometry, and a 14-point polygon that covers every glyph pixel."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from shapely.geometry import Polygon

from ocrcourse.data.synth_curve import arc_map, arc_polygon, draw_curved_line, layout_curved_line
from ocrcourse.data.synth_render import FontBook

BACKGROUND = 240.0


@pytest.fixture(scope="module")
def fonts():
    return FontBook()


def _signed_area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _draw(fonts, text, family, size, angle, bend, hw=(360, 560)):
    paths = getattr(fonts, family[0])
    font = fonts.font(paths[family[1] % len(paths)], size)
    scene = np.full((*hw, 3), BACKGROUND, np.float32)
    line = layout_curved_line(text, font, angle, bend, k=7)
    poly = draw_curved_line(scene, line, (hw[1] / 2, hw[0] / 2), np.random.default_rng(0), contrast=200)
    return scene, poly


def test_arc_map_keeps_arc_length_and_distance_across():
    x = np.linspace(-100, 100, 2001)
    np.testing.assert_array_equal(np.stack(arc_map(x, 5.0, 0.0)), np.stack([x, np.full_like(x, 5.0)]))
    for curvature in (1 / 150, -1 / 80):
        px, py = arc_map(x, np.zeros_like(x), curvature)
        steps = np.hypot(np.diff(px), np.diff(py))
        assert steps.sum() == pytest.approx(200, rel=1e-5)              # x is arc length
        centre = np.array([0, 1 / curvature])
        ox, oy = arc_map(x, np.full_like(x, -7.0), curvature)           # 7 px above the middle
        radius = np.hypot(ox - centre[0], oy - centre[1])
        np.testing.assert_allclose(radius, abs(1 / curvature - (-7.0)), rtol=1e-9)
    assert arc_map(0.0, 3.0, 0.01) == pytest.approx((0.0, 3.0))          # the centre does not move


def test_arc_polygon_order_and_ends():
    poly = arc_polygon(100, 15, 1 / 120, k=7)
    assert poly.shape == (14, 2)
    top, bottom = poly[:7], poly[7:]
    assert np.all(np.diff(top[:, 0]) > 0) and np.all(np.diff(bottom[:, 0]) < 0)   # top l->r, bottom r->l
    assert top[3, 1] < top[0, 1] and top[3, 1] < top[6, 1]            # positive curvature: an arch
    assert _signed_area(poly) > 0                                       # clockwise on screen, as TL TR BR BL
    assert _signed_area(arc_polygon(100, 15, -1 / 120, k=7)) > 0


CASES = [("Hello Curved World", ("latin", 0), 36, 0.0, 80.0), ("SALE 50% OFF", ("latin", 1), 40, -12.0, -100.0),
         ("咖啡店 Coffee 2024", ("cjk", 0), 30, 15.0, 110.0), ("Italic river", ("latin", 4), 34, 5.0, -60.0),
         ("straight 123", ("latin", 2), 30, 8.0, 0.0), ("天下第一 ABC", ("cjk", 2), 44, -20.0, -90.0)]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_polygon_covers_every_glyph_pixel(fonts, case):
    text, family, size, angle, bend = case
    scene, poly = _draw(fonts, text, family, size, angle, bend)
    assert poly is not None and poly.shape == (14, 2)
    shape = Polygon(poly)
    assert shape.is_valid and shape.is_simple and _signed_area(poly) > 0
    ink = np.abs(scene - BACKGROUND).max(-1) > 30
    assert ink.sum() > 300
    inside = np.zeros(ink.shape, np.uint8)
    cv2.fillPoly(inside, [np.round(poly).astype(np.int32)], 1)
    inside = cv2.dilate(inside, np.ones((3, 3), np.uint8))                # 1 px of rounding
    assert ink[inside == 0].sum() == 0                                    # no ink outside the label
    # and the polygon hugs the text: ink fills a fair part of it (a bounding box would not)
    assert ink.sum() / shape.area > 0.15
    x, y, w, h = cv2.boundingRect(np.round(poly).astype(np.int32))
    if abs(bend) >= 80:
        assert shape.area < 0.8 * w * h


def test_every_glyph_is_drawn_where_its_text_is(fonts):
    """The ink follows the arc: each of the 7 slices of the band between top and bottom points holds ink."""
    scene, poly = _draw(fonts, "Curved text line", ("latin", 0), 36, 0.0, 100.0)
    ink = np.abs(scene - BACKGROUND).max(-1) > 30
    for i in range(6):
        quad = np.array([poly[i], poly[i + 1], poly[12 - i], poly[13 - i]])
        mask = np.zeros(ink.shape, np.uint8)
        cv2.fillPoly(mask, [np.round(quad).astype(np.int32)], 1)
        assert ink[mask > 0].mean() > 0.08, i


def test_line_is_refused_when_it_does_not_fit_or_overlaps(fonts):
    font = fonts.font(fonts.latin[0], 30)
    line = layout_curved_line("Curved text", font, 0.0, 60.0)
    rng = np.random.default_rng(0)
    small = np.full((40, 60, 3), BACKGROUND, np.float32)
    assert draw_curved_line(small, line, (30, 20), rng, 100) is None and (small == BACKGROUND).all()
    scene, taken = np.full((300, 400, 3), BACKGROUND, np.float32), []
    assert draw_curved_line(scene, line, (200, 150), rng, 100, taken) is not None and len(taken) == 1
    before = scene.copy()
    assert draw_curved_line(scene, line, (210, 150), rng, 100, taken) is None
    np.testing.assert_array_equal(scene, before)
