"""RecResizeImg / ClsResizeImg against paddleocr 2.10's rec_img_aug.py on the same crops."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.data.transforms.rec_resize import ClsResizeImg, RecResizeImg, resize_norm_img
from reference_imaug import ppocr_imaug


def _crop(h, w, seed=0, channels=3):
    rng = np.random.default_rng(seed)
    shape = (h, w, channels) if channels == 3 else (h, w)
    return rng.integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize("hw", [(32, 100), (20, 400), (48, 48), (64, 37), (31, 333), (10, 900)])
@pytest.mark.parametrize("kw", [{}, {"eval_mode": True}, {"infer_mode": True}, {"padding": False},
                                {"infer_mode": True, "character_dict_path": None}])
@pytest.mark.parametrize("shape", [[3, 48, 320], [3, 32, 320]])
def test_rec_resize_matches_paddleocr(hw, kw, shape):
    ref_op = ppocr_imaug("rec_img_aug").RecResizeImg(shape, **kw)
    img = _crop(*hw)
    ours = RecResizeImg(shape, **kw)({"image": img.copy()})
    ref = ref_op({"image": img.copy()})
    assert ours["image"].shape == ref["image"].shape
    assert ours["image"].dtype == np.float32
    np.testing.assert_allclose(ours["image"], ref["image"], atol=1e-6)
    assert ours["valid_ratio"] == pytest.approx(ref["valid_ratio"])


def test_grey_input_matches_paddleocr():
    img = _crop(32, 150, channels=1)
    ours, ratio = resize_norm_img(img, [1, 32, 320])
    ref, ref_ratio = ppocr_imaug("rec_img_aug").resize_norm_img(img, [1, 32, 320])
    np.testing.assert_allclose(ours, ref, atol=1e-6)
    assert ratio == ref_ratio


@pytest.mark.parametrize("hw", [(30, 90), (48, 400), (100, 50)])
def test_cls_resize_matches_paddleocr(hw):
    img = _crop(*hw, seed=1)
    ours = ClsResizeImg([3, 48, 192])({"image": img.copy()})
    ref = ppocr_imaug("rec_img_aug").ClsResizeImg([3, 48, 192])({"image": img.copy()})
    np.testing.assert_allclose(ours["image"], ref["image"], atol=1e-6)
    assert "valid_ratio" not in ours


def test_range_padding_and_valid_ratio_by_hand():
    img = np.full((16, 40, 3), 255, np.uint8)       # white, aspect 2.5 -> 80 px at height 32
    out, ratio = resize_norm_img(img, [3, 32, 320])
    assert out.shape == (3, 32, 320)
    assert np.all(out[:, :, :80] == 1.0) and np.all(out[:, :, 80:] == 0.0)
    assert ratio == pytest.approx(80 / 320)


@pytest.mark.parametrize("bad", [[48, 320], [3, 48, 320, 1], [2, 48, 320], [3, 0, 320]])
def test_bad_image_shape_is_a_config_error(bad):
    from ocrcourse.errors import ConfigError

    with pytest.raises(ConfigError, match="image_shape"):
        RecResizeImg(bad)
    with pytest.raises(ConfigError, match="image_shape"):
        ClsResizeImg(bad)
