"""Box ordering, sorting and cropping against paddleocr 2.10's tools/infer code."""
from __future__ import annotations

import ast

import cv2
import numpy as np
import pytest

from ocrcourse.pipeline.crop import (clip_det_polygons, filter_det_boxes, get_minarea_rect_crop, get_rotate_crop_image,
                                     order_points_clockwise, sort_boxes)
from reference import paddleocr_root, ppocr_module


def _reference_functions(relpath: str, names: set[str]) -> dict:
    """Functions (top-level or methods) named `names` from a paddleocr file, without importing the
    file (predict_det.py / predict_system.py import the whole ppocr package). Methods get a dummy
    `self` class so they can call each other."""
    tree = ast.parse((paddleocr_root() / relpath).read_text())
    found = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name in names]
    namespace = {"np": np, "cv2": cv2}
    exec(compile(ast.Module(body=found, type_ignores=[]), relpath, "exec"), namespace)
    holder = type("Ref", (), {n: namespace[n] for n in names})()
    return {n: getattr(holder, n) if _is_method(found, n) else namespace[n] for n in names}


def _is_method(nodes, name):
    return any(n.name == name and n.args.args and n.args.args[0].arg == "self" for n in nodes)


def _random_quads(rng, n, h=300, w=400):
    quads = []
    for _ in range(n):
        rect = ((rng.uniform(-10, w + 10), rng.uniform(-10, h + 10)), (rng.uniform(2, 120), rng.uniform(2, 30)),
                rng.uniform(-30, 30))
        quads.append(np.round(cv2.boxPoints(rect)))
    return np.array(quads, np.float32)


@pytest.mark.parametrize("seed", range(5))
def test_filter_and_order_match_paddleocr(seed):
    ref = _reference_functions("tools/infer/predict_det.py",
                               {"order_points_clockwise", "clip_det_res", "filter_tag_det_res"})
    quads = _random_quads(np.random.default_rng(seed), 30)
    ours = filter_det_boxes(quads.copy(), (300, 400))
    expected = ref["filter_tag_det_res"](quads.copy(), (300, 400))
    np.testing.assert_array_equal(ours, np.asarray(expected).reshape(-1, 4, 2))
    for q in quads:
        np.testing.assert_array_equal(order_points_clockwise(q), ref["order_points_clockwise"](q))


@pytest.mark.parametrize("seed", range(5))
def test_sort_matches_paddleocr(seed):
    ref = _reference_functions("tools/infer/predict_system.py", {"sorted_boxes"})["sorted_boxes"]
    rng = np.random.default_rng(seed)
    quads = filter_det_boxes(_random_quads(rng, 25), (300, 400))
    n = len(quads) // 2
    quads[:n, :, 1] = quads[n:2 * n, :, 1] + rng.integers(-9, 10, size=(n, 1))   # many shared lines
    ours, expected = sort_boxes(quads), ref(quads)
    assert len(ours) == len(expected)
    for a, b in zip(ours, expected):
        np.testing.assert_array_equal(a, b)


def test_sort_reads_a_line_left_to_right():
    right = np.array([[200, 12], [300, 12], [300, 30], [200, 30]], np.float32)
    left = np.array([[10, 18], [100, 18], [100, 36], [10, 36]], np.float32)     # lower by 6 px: same line
    below = np.array([[5, 60], [100, 60], [100, 80], [5, 80]], np.float32)
    ordered = sort_boxes(np.stack([below, right, left]))
    assert [b[0][0] for b in ordered] == [10, 200, 5]


@pytest.mark.parametrize("quad", [
    [[10, 20], [200, 30], [198, 60], [8, 50]],        # slanted line
    [[50, 10], [80, 10], [80, 150], [50, 150]],       # tall: rotated by 90 degrees
    [[0.5, 0.5], [120.2, 3.7], [119.9, 40.1], [1.2, 38.8]],
])
def test_crop_matches_paddleocr(quad):
    ref = ppocr_module("tools/infer/utility.py").get_rotate_crop_image
    image = np.random.default_rng(0).integers(0, 256, size=(200, 260, 3), dtype=np.uint8)
    quad = np.array(quad, np.float32)
    ours = get_rotate_crop_image(image, quad.copy())
    expected = ref(image, quad.copy())
    np.testing.assert_array_equal(ours, expected)
    assert ours.shape[1] >= ours.shape[0] / 1.5


def _random_polygons(rng, n, h=300, w=400):
    """Bent bands of 8-20 points (the upper edge left to right, the lower one back), some reaching
    past the image but none wholly outside it, like DBPostProcess's 'poly' output."""
    polygons = []
    for _ in range(n):
        k = int(rng.integers(4, 11))
        x0, y0 = rng.uniform(-20, w - 30), rng.uniform(0, h - 50)     # the ends' upper points inside
        length, thick, bend = rng.uniform(20, 200), rng.uniform(4, 40), rng.uniform(-40, 40)
        xs = x0 + np.linspace(0, length, k)
        ys = y0 + bend * np.sin(np.linspace(0, np.pi, k)) + rng.uniform(-2, 2, k)
        upper = np.stack([xs, ys], 1)
        lower = np.stack([xs, ys + thick], 1)[::-1]
        polygons.append(np.round(np.concatenate([upper, lower])).astype(np.int64))
    return polygons


@pytest.mark.parametrize("seed", range(5))
def test_clip_and_sort_polygons_match_paddleocr(seed):
    ref = _reference_functions("tools/infer/predict_det.py",
                               {"clip_det_res", "pad_polygons", "filter_tag_det_res_only_clip"})
    sort_ref = _reference_functions("tools/infer/predict_system.py", {"sorted_boxes"})["sorted_boxes"]
    polygons = _random_polygons(np.random.default_rng(seed), 25)
    ours = clip_det_polygons([p.copy() for p in polygons], (300, 400))
    expected = ref["filter_tag_det_res_only_clip"]([p.copy() for p in polygons], (300, 400))
    assert len(ours) == len(expected) == len(polygons)
    for a, b, p in zip(ours, expected, polygons):
        assert a.dtype == np.float32 and a.shape == p.shape
        np.testing.assert_array_equal(a, b[:len(p)])          # paddleocr pads with the last point
    assert any((p < 0).any() or (p[:, 0] > 399).any() for p in polygons)    # the clip was exercised
    for a, b in zip(sort_boxes(ours), sort_ref(expected)):
        np.testing.assert_array_equal(a, b[:len(a)])


def test_clip_drops_polygons_squashed_to_a_line():
    flat = np.array([[-30, 5], [-10, 8], [-5, 20], [-25, 18]])        # left of the image: x -> 0
    kept = np.array([[10, 10], [60, 12], [61, 30], [9, 28]])
    out = clip_det_polygons([flat, kept], (100, 100))
    assert len(out) == 1
    np.testing.assert_array_equal(out[0], kept.astype(np.float32))


@pytest.mark.parametrize("seed", range(4))
def test_minarea_rect_crop_matches_paddleocr(seed):
    ref = ppocr_module("tools/infer/utility.py").get_minarea_rect_crop
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, size=(300, 400, 3), dtype=np.uint8)
    polygons = clip_det_polygons(_random_polygons(rng, 12), (300, 400))
    shapes = set()
    for polygon in polygons:
        ours = get_minarea_rect_crop(image, polygon)
        np.testing.assert_array_equal(ours, ref(image, polygon.copy()))
        shapes.add(ours.shape)
    assert len(shapes) > 1


def test_minarea_rect_crop_of_a_rectangle_is_the_rectangle():
    image = np.random.default_rng(1).integers(0, 256, size=(80, 120, 3), dtype=np.uint8)
    polygon = np.array([[20, 10], [50, 10], [90, 10], [90, 40], [50, 40], [20, 40]], np.float32)
    crop = get_minarea_rect_crop(image, polygon)
    assert crop.shape == (30, 70, 3)
    np.testing.assert_array_equal(crop[1:-1, 1:-1], image[11:39, 21:89])
