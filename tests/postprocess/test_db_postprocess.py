"""DBPostProcess against the fixture and against paddleocr 2.10's DBPostProcess (boxes to the pixel)."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.postprocess import POSTPROCESSES, build_postprocess
from ocrcourse.postprocess.db_postprocess import DBPostProcess, DistillationDBPostProcess
from reference import ppocr_module

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures" / "label_and_postprocess_examples.json").read_text())


def _ref():
    return ppocr_module("ppocr/postprocess/db_postprocess.py")


def _blobs(seed: int, h: int = 96, w: int = 128) -> np.ndarray:
    """A smooth probability map with several text-like blobs of different strengths and angles."""
    rng = np.random.default_rng(seed)
    prob = np.zeros((h, w), np.float32)
    for _ in range(6):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        bw, bh, angle = rng.uniform(4, 50), rng.uniform(2, 14), rng.uniform(-40, 40)
        corners = cv2.boxPoints(((cx, cy), (bw, bh), angle)).astype(np.int32)
        cv2.fillPoly(prob, [corners], float(rng.uniform(0.55, 1.0)))
    prob = cv2.GaussianBlur(prob, (5, 5), 1.0)
    return np.clip(prob + rng.normal(0, 0.03, prob.shape).astype(np.float32), 0, 1)


def test_fixture_boxes():
    # The fixture stores only the outputs; this 64x96 map (one filled rectangle, rows 14-26,
    # cols 14-56) is the input that reproduces both of them under paddleocr 2.10.
    prob = np.zeros((64, 96), np.float32)
    prob[14:27, 14:57] = 1.0
    for case in FIXTURE["DBPostProcess"]:
        out = DBPostProcess(**case["kwargs"])({"maps": prob[None, None]}, [case["shape_list_row"]])
        assert out[0]["points"].tolist() == case["boxes"]
        assert out[0]["points"].dtype == np.int32


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kwargs", [
    dict(thresh=0.3, box_thresh=0.6, unclip_ratio=1.5),
    dict(thresh=0.3, box_thresh=0.5, unclip_ratio=1.5, score_mode="slow"),
    dict(thresh=0.25, box_thresh=0.4, unclip_ratio=2.0, use_dilation=True),
    dict(thresh=0.3, box_thresh=0.5, unclip_ratio=1.5, box_type="poly"),
    dict(thresh=0.3, box_thresh=0.5, max_candidates=2),
])
def test_matches_paddleocr(seed, kwargs):
    maps = np.stack([_blobs(seed), _blobs(seed + 100)])[:, None]
    shape_list = np.array([[190, 260, 96 / 190, 128 / 260], [96, 128, 1.0, 1.0]])
    ours = DBPostProcess(**kwargs)({"maps": maps}, shape_list)
    ref = _ref().DBPostProcess(**kwargs)({"maps": maps}, shape_list)
    assert len(ours) == len(ref) == 2
    for o, r in zip(ours, ref):
        if kwargs.get("box_type") == "poly":
            assert o["points"] == r["points"]
        else:
            np.testing.assert_array_equal(o["points"], np.asarray(r["points"]).reshape(-1, 4, 2))


def test_parity_inputs_are_not_trivial():
    post = DBPostProcess(thresh=0.3, box_thresh=0.6, unclip_ratio=1.5)
    found = sum(len(post({"maps": _blobs(seed)[None, None]}, [[96, 128, 1.0, 1.0]])[0]["points"])
                for seed in range(6))
    assert found >= 6, "the parity maps should produce many boxes, or the parity test proves little"


def test_boxes_inside_image():
    maps = np.ones((1, 1, 32, 32), np.float32)          # text everywhere: unclip pushes past the edges
    out = DBPostProcess(box_thresh=0.6, unclip_ratio=1.5)({"maps": maps}, [[64, 80, 0.5, 0.4]])
    pts = out[0]["points"]
    assert len(pts) == 1
    assert pts[..., 0].min() >= 0 and pts[..., 0].max() <= 80
    assert pts[..., 1].min() >= 0 and pts[..., 1].max() <= 64


def test_empty_map_gives_no_boxes():
    out = DBPostProcess()({"maps": np.zeros((1, 1, 32, 32), np.float32)}, [[32, 32, 1.0, 1.0]])
    assert out[0]["points"].shape == (0, 4, 2)


def test_distillation_matches_paddleocr():
    maps = _blobs(3)[None, None]
    shape_list = np.array([[96, 128, 1.0, 1.0]])
    preds = {"Student": {"maps": maps}, "Teacher": {"maps": maps * 0.5}}
    ours = DistillationDBPostProcess(model_name=["Student", "Teacher"], key="head_out")(preds, shape_list)
    ref = _ref().DistillationDBPostProcess(model_name=["Student", "Teacher"], key="head_out")(preds, shape_list)
    for name in ("Student", "Teacher"):
        np.testing.assert_array_equal(ours[name][0]["points"], np.asarray(ref[name][0]["points"]).reshape(-1, 4, 2))


def test_build_and_errors():
    post = build_postprocess({"name": "DBPostProcess", "thresh": 0.3, "box_thresh": 0.6})
    assert isinstance(post, DBPostProcess) and post.box_thresh == 0.6
    assert "DistillationDBPostProcess" in POSTPROCESSES
    with pytest.raises(ConfigError, match="score_mode"):
        DBPostProcess(score_mode="medium")
    with pytest.raises(ConfigError, match="unknown keys"):
        build_postprocess({"name": "DBPostProcess", "box_threshold": 0.6})


def test_accepts_paddle_tensors():
    import paddle

    maps, shape_list = _blobs(1)[None, None], np.array([[96, 128, 1.0, 1.0]])
    post = DBPostProcess(box_thresh=0.5)
    expected = post({"maps": maps}, shape_list)[0]["points"]
    got = post({"maps": paddle.to_tensor(maps)}, paddle.to_tensor(shape_list))[0]["points"]
    np.testing.assert_array_equal(got, expected)
