"""IaaAugment: PaddleOCR's argument format, exact simple cases, polygons staying on their pixels."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocrcourse.data.transforms.iaa_augment import IaaAugment
from ocrcourse.errors import ConfigError

BOXES = [(20, 30, 90, 60), (150, 40, 260, 80), (60, 120, 200, 170)]


def _sample():
    img = np.zeros((200, 300, 3), np.uint8)
    for x0, y0, x1, y1 in BOXES:
        img[y0:y1, x0:x1] = 255
    polys = np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]] for x0, y0, x1, y1 in BOXES], np.float32)
    return {"image": img, "polys": polys}


def _inside_and_ring(img, poly, margin=3):
    """Mean brightness well inside the polygon, and in a ring just outside it."""
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
    kernel = np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)
    inside = cv2.erode(mask, kernel) > 0
    ring = (cv2.dilate(mask, kernel) > 0) & ~(cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0)
    gray = img.mean(axis=2)
    return gray[inside].mean(), gray[ring].mean()


def test_flip_is_exact():
    data = _sample()
    out = IaaAugment(augmenter_args=[{"type": "Fliplr", "args": {"p": 1}}])(dict(data))
    np.testing.assert_array_equal(out["image"], data["image"][:, ::-1])
    np.testing.assert_allclose(out["polys"][:, :, 0], 300 - data["polys"][:, :, 0])


def test_resize_scales_image_and_polygons():
    out = IaaAugment(augmenter_args=[{"type": "Resize", "args": {"size": [2, 2]}}])(_sample())
    assert out["image"].shape == (400, 600, 3)
    np.testing.assert_allclose(out["polys"], _sample()["polys"] * 2)


def test_rotate_90_matches_numpy():
    img = np.random.default_rng(0).integers(0, 256, (40, 40, 3), dtype=np.uint8)
    out = IaaAugment(augmenter_args=[{"type": "Affine", "args": {"rotate": [90, 90]}}])(
        {"image": img, "polys": np.array([[[0, 0], [10, 0], [10, 5], [0, 5]]], np.float32)})
    np.testing.assert_array_equal(out["image"], np.rot90(img))
    np.testing.assert_allclose(out["polys"][0], [[0, 40], [0, 30], [5, 30], [5, 40]], atol=1e-4)


@pytest.mark.parametrize("seed", range(8))
def test_default_augmenters_keep_polygons_on_pixels(seed):
    np.random.seed(seed)
    out = IaaAugment()(_sample())          # Fliplr 0.5, rotate U(-10, 10), Resize U(0.5, 3)
    h, w = out["image"].shape[:2]
    assert abs(w / h - 1.5) < 0.02 and 0.5 * 300 - 1 <= w <= 3 * 300
    for poly in out["polys"]:
        inside, ring = _inside_and_ring(out["image"], poly, margin=3)
        assert inside > 220 and ring < 35


def test_albumentations_fallback_keeps_polygons_on_pixels():
    aug = IaaAugment(augmenter_args=[{"type": "VerticalFlip", "args": {"p": 1.0}},
                                     {"type": "Affine", "args": {"rotate": [5, 5], "scale": [0.8, 0.8]}}])
    out = aug(_sample())
    assert out["polys"].shape == (3, 4, 2)
    for poly in out["polys"]:
        inside, ring = _inside_and_ring(out["image"], poly, margin=3)
        assert inside > 220 and ring < 35


def test_unknown_augmenter_is_a_config_error():
    with pytest.raises(ConfigError, match="NoSuchAug"):
        IaaAugment(augmenter_args=[{"type": "NoSuchAug", "args": {}}])


@pytest.mark.parametrize("seed", range(6))
def test_warp_handed_to_the_crop_gives_the_same_sample(seed):
    from ocrcourse.data import create_operators

    cfg = [{"IaaAugment": None}, {"EastRandomCropData": {"size": [160, 160], "max_tries": 50, "keep_ratio": True}}]
    fused = create_operators(cfg)
    plain = create_operators(cfg)
    plain[0].hand_warp_to_crop = False
    assert fused[0].hand_warp_to_crop
    outs = []
    for ops in (fused, plain):
        np.random.seed(seed)
        data = {**_sample(), "ignore_tags": np.zeros(3, bool), "texts": ["a", "b", "c"]}
        for op in ops:
            data = op(data)
        outs.append(data)
    assert "pending_warp" not in outs[0]
    np.testing.assert_allclose(outs[0]["polys"], outs[1]["polys"], atol=1e-3)   # same random draws
    assert outs[0]["image"].shape == outs[1]["image"].shape == (160, 160, 3)
    assert np.abs(outs[0]["image"].astype(int) - outs[1]["image"].astype(int)).mean() < 6
    for poly in outs[0]["polys"]:
        inside, ring = _inside_and_ring(outs[0]["image"], poly, margin=2)
        if np.isfinite(inside) and np.isfinite(ring):
            assert inside > 220 and ring < 35


def test_a_pipeline_cut_before_the_crop_still_warps_the_image():
    from ocrcourse.data import create_operators, transform

    ops = create_operators([{"IaaAugment": {"augmenter_args": [{"type": "Fliplr", "args": {"p": 1}}]}},
                            {"EastRandomCropData": {"size": [64, 64]}}])
    data = _sample()
    out = transform(dict(data), ops[:1])
    assert "pending_warp" not in out
    np.testing.assert_array_equal(out["image"], data["image"][:, ::-1])
