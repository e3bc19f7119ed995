"""RandAugment, seeded, against paddleocr 2.10's randaugment.py; strengths against the facts."""
from __future__ import annotations

import random

import numpy as np
import pytest

from ocrcourse.data.transforms.rand_augment import RandAugment, rand_augment_levels
from reference import ppocr_module


def _img(seed):
    return np.random.default_rng(seed).integers(0, 256, (48, 150, 3), dtype=np.uint8)


@pytest.mark.parametrize("seed", range(25))
def test_matches_paddleocr_seeded(seed):
    ref_op = ppocr_module("ppocr/data/imaug/randaugment.py").RandAugment()
    img = _img(seed)
    random.seed(seed)
    np.random.seed(seed)
    ours = RandAugment()({"image": img.copy()})["image"]
    random.seed(seed)
    np.random.seed(seed)
    ref = ref_op({"image": img.copy()})["image"]
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))


def test_levels_at_magnitude_5_are_the_facts():
    lv = rand_augment_levels(5)
    assert len(lv) == 14
    assert lv["shearX"] == pytest.approx(0.15) and lv["rotate"] == pytest.approx(15)
    assert lv["translateX"] == pytest.approx(0.2266, abs=1e-4)
    assert lv["color"] == pytest.approx(0.45) and lv["posterize"] == 2 and lv["solarize"] == 128


def test_prob_zero_is_identity_and_prob_one_changes():
    img = _img(0)
    np.random.seed(0)
    assert RandAugment(prob=0.0)({"image": img})["image"] is img
    np.random.seed(1)
    out = RandAugment(prob=1.0, num_layers=2)({"image": img.copy()})["image"]
    assert out.shape == img.shape and out.dtype == np.uint8


def test_apply_one_op_matches_randaugment_with_that_draw():
    from ocrcourse.data.transforms.rand_augment import apply_rand_augment_op

    img = _img(3)
    assert np.array_equal(apply_rand_augment_op(img, "invert"), 255 - img)
    random.seed(0)
    a = apply_rand_augment_op(img, "rotate", magnitude=5)
    assert a.shape == img.shape and a.dtype == np.uint8 and not np.array_equal(a, img)
    with pytest.raises(KeyError, match="unknown RandAugment op"):
        apply_rand_augment_op(img, "zoom")
