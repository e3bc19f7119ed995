"""A curved line's 14-point polygon through every det op: same as paddleocr 2.10, and still on its pixels.

The sample: one curved line drawn by `synth_curve` (14 points) and one straight box (4 points),
bright text on a dark background, label-encoded so the box is padded to 14 points by repeating
its last point (DetLabelEncode's rule). Each op must keep the polygon where the glyph pixels are.
"""
from __future__ import annotations

import copy
import json
import random

import cv2
import numpy as np
import pytest

from ocrcourse.data import create_operators, transform
from ocrcourse.data.synth_curve import draw_curved_line, layout_curved_line
from ocrcourse.data.synth_render import FontBook, draw_line, render_line_mask
from ocrcourse.data.transforms.copy_paste import CopyPaste
from ocrcourse.data.transforms.db_targets import MakeBorderMap, MakeShrinkMap, offset_distance
from ocrcourse.data.transforms.det_label_encode import DetLabelEncode
from ocrcourse.data.transforms.iaa_augment import IaaAugment
from ocrcourse.data.transforms.random_crop import EastRandomCropData, polys_outside_rect
from ocrcourse.metrics.det_metric import evaluate_image
from reference import ppocr_module
from reference_imaug import ppocr_imaug

DARK = 30.0
RED = (0, 0, 255)          # BGR


@pytest.fixture(scope="module")
def sample():
    """(image (300, 420, 3) uint8, JSON label) with a curved line and a straight one."""
    fonts, rng = FontBook(), np.random.default_rng(0)
    scene = np.full((300, 420, 3), DARK, np.float32)
    line = layout_curved_line("Curved Coffee 2024", fonts.font(fonts.latin[0], 34), 4.0, 95.0)
    curved = draw_curved_line(scene, line, (215, 110), rng, contrast=200)
    mask, box = render_line_mask("PP-OCR", fonts.font(fonts.latin[1], 28))
    straight = draw_line(scene, mask, box, (150, 240), 6.0, np.zeros((4, 2)), rng, contrast=200)
    labels = [{"transcription": "Curved Coffee 2024", "points": np.round(curved, 1).tolist()},
              {"transcription": "PP-OCR", "points": np.round(straight, 1).tolist()}]
    return scene.astype(np.uint8), json.dumps(labels)


def _encoded(sample) -> dict:
    image, label = sample
    data = DetLabelEncode()({"image": image.copy(), "label": label})
    assert data["polys"].shape == (2, 14, 2)
    return data


def _ink(image: np.ndarray) -> np.ndarray:
    return image.max(axis=-1) > 120 if image.ndim == 3 else image > 120


def _fill(shape, poly, grow: int = 0) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
    if grow:
        mask = cv2.dilate(mask, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))
    return mask > 0


def _assert_polygons_on_pixels(image, polys, grow=2):
    """Every ink pixel lies in some polygon (grown by `grow` px for interpolation); every polygon holds ink."""
    ink = _ink(image)
    covered = np.zeros(ink.shape, bool)
    for poly in polys:
        inside = _fill(ink.shape, poly, grow)
        assert ink[_fill(ink.shape, poly)].mean() > 0.1          # the polygon is on text, not background
        covered |= inside
    assert ink.sum() > 200 and ink[~covered].sum() <= 0.002 * ink.sum()


def test_the_sample_is_what_the_tests_assume(sample):
    data = _encoded(sample)
    _assert_polygons_on_pixels(data["image"], data["polys"], grow=1)
    np.testing.assert_array_equal(data["polys"][1, 4:], np.repeat(data["polys"][1, 3:4], 10, axis=0))
    theirs = ppocr_imaug("label_ops").DetLabelEncode()({"label": sample[1]})
    np.testing.assert_array_equal(data["polys"], theirs["polys"])


# ---- IaaAugment ----------------------------------------------------------------------------------
AUGMENTERS = {"flip": ([{"type": "Fliplr", "args": {"p": 1}}], 1.0),      # albumentations: x -> W - 1 - x
              "rotate": ([{"type": "Affine", "args": {"rotate": [8, 8]}}], 0.1),
              "resize": ([{"type": "Resize", "args": {"size": [1.7, 1.7]}}], 1e-4)}


@pytest.mark.parametrize("name", list(AUGMENTERS))
def test_iaa_augment_moves_14_points_as_paddleocr(sample, name):
    args, tol = AUGMENTERS[name]
    data = _encoded(sample)
    theirs = ppocr_imaug("iaa_augment").IaaAugment(augmenter_args=copy.deepcopy(args))(copy.deepcopy(data))
    ours = IaaAugment(augmenter_args=copy.deepcopy(args))(copy.deepcopy(data))
    assert ours["polys"].shape == np.asarray(theirs["polys"]).shape == (2, 14, 2)
    assert np.abs(ours["polys"] - np.asarray(theirs["polys"])).max() <= tol
    assert ours["image"].shape == theirs["image"].shape
    _assert_polygons_on_pixels(ours["image"], ours["polys"])


@pytest.mark.parametrize("seed", range(4))
def test_default_iaa_augment_and_crop_keep_the_curve_on_its_glyphs(sample, seed):
    ops = create_operators([{"IaaAugment": None},
                            {"EastRandomCropData": {"size": [320, 320], "max_tries": 50, "keep_ratio": True}}])
    np.random.seed(seed)
    out = transform(_encoded(sample), ops)
    assert out["polys"].shape[1:] == (14, 2) and len(out["polys"]) >= 1
    _assert_polygons_on_pixels(out["image"], out["polys"])


# ---- EastRandomCropData --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_east_random_crop_of_14_point_polygons_matches_paddleocr(monkeypatch, sample, seed):
    from test_random_crop import _reference_crop_module

    ref = _reference_crop_module(monkeypatch).EastRandomCropData(size=[200, 160], max_tries=50)
    data = {**_encoded(sample), "texts": ["curved", "straight"]}
    np.random.seed(seed)
    theirs = ref(copy.deepcopy(data))
    np.random.seed(seed)
    mine = EastRandomCropData(size=[200, 160], max_tries=50)(copy.deepcopy(data))
    np.testing.assert_array_equal(mine["image"], theirs["image"])
    np.testing.assert_array_equal(mine["polys"], np.asarray(theirs["polys"]).reshape(mine["polys"].shape))
    assert mine["texts"] == theirs["texts"] and mine["polys"].shape[1:] == (14, 2)
    _assert_polygons_on_pixels(mine["image"], mine["polys"])


# ---- MakeBorderMap / MakeShrinkMap ---------------------------------------------------------------
def test_db_label_maps_of_a_curved_line_match_paddleocr(sample):
    data = _encoded(sample)
    ref_border = ppocr_module("ppocr/data/imaug/make_border_map.py").MakeBorderMap()
    ref_shrink = ppocr_module("ppocr/data/imaug/make_shrink_map.py").MakeShrinkMap()
    theirs = ref_shrink(ref_border(copy.deepcopy(data)))
    ours = MakeShrinkMap()(MakeBorderMap()(copy.deepcopy(data)))
    assert np.abs(ours["threshold_map"] - theirs["threshold_map"]).max() <= 1e-5
    for key in ("threshold_mask", "shrink_map", "shrink_mask"):
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


def test_shrink_map_follows_the_curved_glyphs(sample):
    data = _encoded(sample)
    out = MakeShrinkMap()(MakeBorderMap()(copy.deepcopy(data)))
    ink, curved = _ink(data["image"]), data["polys"][0]
    inside = _fill(ink.shape, curved)
    core = (out["shrink_map"] > 0) & inside
    assert core.sum() > 100 and not (out["shrink_map"] > 0)[~(inside | _fill(ink.shape, data["polys"][1]))].any()
    # DB's post-processing grows the shrunk region back by about D: that covers the line's glyphs
    d = int(np.ceil(offset_distance(curved, 0.4)))
    grown = cv2.dilate(core.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * d + 3, 2 * d + 3))) > 0
    assert ink[inside & ~grown].sum() <= 0.01 * ink[inside].sum()
    # the core bends with the text: each of the 6 slices of the band between its 14 points holds some
    for i in range(6):
        band = _fill(ink.shape, np.array([curved[i], curved[i + 1], curved[12 - i], curved[13 - i]]))
        assert core[band].sum() > 5, i
    # the border map's mask (the polygon grown by D) covers every glyph pixel
    assert ink[inside & ~(out["threshold_mask"] > 0)].sum() == 0


# ---- CopyPaste, the curved image being the one pasted into ---------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_copy_paste_into_a_curved_image(sample, seed):
    from test_copy_paste import _ext     # ten red 30x25 blocks with their boxes

    data = {**_encoded(sample), "ext_data": [_ext()]}
    random.seed(seed)
    np.random.seed(seed)
    theirs = ppocr_imaug("copy_paste").CopyPaste(objects_paste_ratio=0.3)(copy.deepcopy(data))
    random.seed(seed)
    np.random.seed(seed)
    ours = CopyPaste(objects_paste_ratio=0.3)(copy.deepcopy(data))
    for out in (ours, np.asarray(theirs["polys"])):                   # same rules as PaddleOCR:
        polys = np.asarray(out["polys"] if isinstance(out, dict) else out)
        assert polys.shape[1:] == (14, 2) and len(polys) > 2            # pasted boxes padded to 14
        np.testing.assert_array_equal(polys[:2], data["polys"])          # the curved line untouched
        np.testing.assert_array_equal(polys[2:, 4:], np.repeat(polys[2:, 3:4], 10, axis=1))
    red = np.all(ours["image"] == RED, axis=-1)
    for poly in ours["polys"][ours["pasted"]]:
        inner = cv2.erode(_fill(red.shape, poly).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        assert inner.sum() > 50 and np.abs(ours["image"][inner].astype(int) - RED).max() < 40
        (x0, y0), (x1, y1) = poly[:4].min(axis=0), poly[:4].max(axis=0)
        assert polys_outside_rect(data["polys"], x0, y0, x1 - x0, y1 - y0).all()   # limit_paste
    _assert_polygons_on_pixels(ours["image"], ours["polys"])             # pasted red boxes included


# ---- evaluation: DetResizeForTest and DetMetric --------------------------------------------------
EVAL_OPS = [{"DecodeImage": {"img_mode": "BGR", "channel_first": False}}, {"DetLabelEncode": None},
            {"DetResizeForTest": {"limit_side_len": 736, "limit_type": "min"}},
            {"NormalizeImage": {"scale": "1./255.", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                                "order": "hwc"}},
            {"ToCHWImage": None}, {"KeepKeys": {"keep_keys": ["image", "shape", "polys", "ignore_tags"]}}]


def test_eval_pipeline_keeps_14_point_polygons_as_paddleocr(sample):
    operators = ppocr_imaug("operators")
    reference = [operators.DecodeImage(img_mode="BGR", channel_first=False), ppocr_imaug("label_ops").DetLabelEncode(),
                 operators.DetResizeForTest(limit_side_len=736, limit_type="min"),
                 operators.NormalizeImage(**EVAL_OPS[3]["NormalizeImage"]), operators.ToCHWImage(),
                 operators.KeepKeys(keep_keys=["image", "shape", "polys", "ignore_tags"])]
    raw = {"image": cv2.imencode(".png", sample[0])[1].tobytes(), "label": sample[1]}
    theirs = copy.deepcopy(raw)
    for op in reference:
        theirs = op(theirs)
    ours = transform(copy.deepcopy(raw), create_operators(EVAL_OPS))
    for mine, ref in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(mine, np.float64), np.asarray(ref, np.float64), atol=1e-5)
    assert ours[2].shape == (2, 14, 2)
    np.testing.assert_array_equal(ours[2], _encoded(sample)["polys"])   # labels stay in image coordinates


def _raster_iou(a, b, shape=(300, 420), scale=4):
    ma = _fill((shape[0] * scale, shape[1] * scale), np.asarray(a) * scale)
    mb = _fill((shape[0] * scale, shape[1] * scale), np.asarray(b) * scale)
    return (ma & mb).sum() / (ma | mb).sum()


def test_det_metric_on_padded_curved_ground_truth(sample):
    polys = _encoded(sample)["polys"]
    curved = polys[0]
    rect = cv2.boxPoints(cv2.minAreaRect(curved.astype(np.float32)))      # what a 4-point detector returns
    shifted = curved + (0, 6)
    gt = [{"points": p, "ignore": False} for p in polys]
    for pred, name in ((curved, "exact"), (rect, "box"), (shifted, "shifted")):
        expected = int(_raster_iou(pred, curved) > 0.5)                   # an independent IoU, by pixels
        assert abs(_raster_iou(pred, curved) - 0.5) > 0.03, name           # no borderline case
        result = evaluate_image(gt, [{"points": pred}])
        assert result == {"gtCare": 2, "detCare": 1, "detMatched": expected}, name
    assert _raster_iou(rect, curved) < 0.5                                  # a box does not fit an arc
    # a curved "###" region makes a detection inside it don't-care
    ignored = evaluate_image([{"points": curved, "ignore": True}], [{"points": curved}])
    assert ignored == {"gtCare": 0, "detCare": 0, "detMatched": 0}


# ---- the whole PP-OCRv2 det training pipeline, from a label file with curved scenes ---------------
def test_ppocrv2_det_training_pipeline_reads_curved_scenes(tmp_path):
    from pathlib import Path

    from ocrcourse.config import load_config
    from ocrcourse.data import SimpleDataSet
    from ocrcourse.data.synth import make_det_scene

    fonts, lines, n_curved = FontBook(), [], 0
    for k, (layout, curved) in enumerate([("scattered", 1.0), ("scattered", 1.0), ("document", 0.0)]):
        img, labels = make_det_scene(np.random.default_rng(k), fonts, size=(320, 320), layout=layout, curved=curved)
        cv2.imwrite(str(tmp_path / f"{k}.jpg"), img)
        lines.append(f"{k}.jpg\t{json.dumps(labels, ensure_ascii=False)}\n")
        n_curved += any(len(item["points"]) == 14 for item in labels)
    assert n_curved == 2
    (tmp_path / "train.txt").write_text("".join(lines), encoding="utf-8")
    root = Path(__file__).parents[3]
    cfg = load_config(root / "configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_cml_quick.yml")
    ds = SimpleDataSet(data_dir=str(tmp_path), label_file_list=[str(tmp_path / "train.txt")],
                       transforms=cfg["Train"]["dataset"]["transforms"], mode="train", seed=0)
    np.random.seed(0)
    random.seed(0)
    for idx in range(len(ds)):
        image, threshold_map, threshold_mask, shrink_map, shrink_mask = ds[idx]
        assert image.shape == (3, 256, 256) and shrink_map.shape == (256, 256)
        assert shrink_map.sum() > 0 and threshold_mask.sum() > shrink_map.sum()
    assert ds.skipped == {"missing": 0, "corrupt": 0, "dropped": 0}
