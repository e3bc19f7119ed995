"""RecAug: TIA warps and BDA ops, seeded against paddleocr 2.10 and against the facts' parameters."""
from __future__ import annotations

import inspect
import random

import numpy as np
import pytest

from ocrcourse.data.transforms import rec_aug
from ocrcourse.data.transforms.rec_aug import BaseDataAugmentation, RecAug
from reference_imaug import ppocr_imaug


def _word(h=32, w=160, seed=0):
    """A light line with dark random 'ink' in its middle half."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), 230, np.uint8)
    ink = img[h // 4: 3 * h // 4, 8: w - 8]
    ink[...] = rng.integers(0, 80, ink.shape)
    return img


def _seed(s):
    random.seed(s)
    np.random.seed(s)


@pytest.mark.parametrize("name,args", [("tia_distort", (4,)), ("tia_distort", (6,)),
                                       ("tia_stretch", (3,)), ("tia_stretch", (5,)),
                                       ("tia_perspective", ())])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tia_matches_paddleocr_and_keeps_shape(name, args, seed):
    ref_fn = getattr(ppocr_imaug("text_image_aug"), name)
    img = _word(32, 160, seed)
    _seed(seed)
    ours = getattr(rec_aug, name)(img, *args)
    _seed(seed)
    ref = ref_fn(img, *args)
    assert ours.shape == img.shape and ours.dtype == np.uint8
    assert np.abs(ours.astype(int) - ref).max() <= 1
    _seed(seed)
    again = getattr(rec_aug, name)(img, *args)
    np.testing.assert_array_equal(ours, again)          # seeded -> deterministic


def test_tia_changes_the_image():
    img = _word(48, 200, 3)
    _seed(5)
    outs = [rec_aug.tia_distort(img, 4), rec_aug.tia_stretch(img, 4), rec_aug.tia_perspective(img)]
    assert all(np.abs(o.astype(int) - img).mean() > 1 for o in outs)


@pytest.mark.parametrize("seed", range(12))
def test_bda_matches_paddleocr_exactly(seed):
    img = _word(32, 160, seed)
    _seed(seed)
    ours = BaseDataAugmentation()({"image": img.copy()})["image"]
    _seed(seed)
    ref = ppocr_imaug("rec_img_aug").BaseDataAugmentation()({"image": img.copy()})["image"]
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("seed", range(8))
def test_recaug_matches_paddleocr(seed):
    img = _word(32, 200, seed)
    _seed(seed)
    ours = RecAug()({"image": img.copy()})["image"]
    _seed(seed)
    ref = ppocr_imaug("rec_img_aug").RecAug()({"image": img.copy()})["image"]
    assert ours.shape == ref.shape
    assert np.abs(ours.astype(int) - ref).max() <= 2


def test_default_probabilities_are_the_facts():
    for cls in (RecAug, BaseDataAugmentation):
        defaults = {k: p.default for k, p in inspect.signature(cls).parameters.items()}
        assert set(defaults.values()) == {0.4}
    assert set(inspect.signature(RecAug).parameters) == {
        "tia_prob", "crop_prob", "reverse_prob", "noise_prob", "jitter_prob", "blur_prob", "hsv_aug_prob"}


def _only(op, **extra):
    probs = dict(crop_prob=0, reverse_prob=0, noise_prob=0, jitter_prob=0, blur_prob=0, hsv_aug_prob=0)
    probs[op] = 1
    return BaseDataAugmentation(**probs)


def test_each_bda_op_alone():
    img = _word(32, 160, 1)
    _seed(0)
    out = _only("reverse_prob")({"image": img.copy()})["image"]
    np.testing.assert_array_equal(out, 255 - img)
    for s in range(20):
        _seed(s)
        cropped = _only("crop_prob")({"image": img.copy()})["image"]
        assert 32 - 8 <= cropped.shape[0] <= 32 - 1 and cropped.shape[1] == 160
    small = img[:16]
    _seed(0)
    assert _only("crop_prob")({"image": small.copy()})["image"].shape == small.shape  # h < 20: no crop
    _seed(0)
    blurred = _only("blur_prob")({"image": img.copy()})["image"]
    assert blurred.shape == img.shape and blurred.std() < img.std()


def test_jitter_shift_formula():
    img = np.zeros((300, 400, 3), np.uint8)
    img[0, 0] = 255
    random.seed(0)
    u = random.random()
    random.seed(0)
    out = rec_aug.jitter(img.copy())
    s = int(u * 300 * 0.01)                     # s = int(u * min(h, w) * 0.01)
    assert s >= 1
    assert all(out[i, i, 0] == 255 for i in range(s)) and out[s, s, 0] == 0
