"""Box ordering, sorting and cropping against paddleocr 2.10's tools/infer code."""
from __future__ import annotations

import ast

import cv2
import numpy as np
import pytest

from ocrcourse.pipeline.crop import filter_det_boxes, get_rotate_crop_image, order_points_clockwise, sort_boxes
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
