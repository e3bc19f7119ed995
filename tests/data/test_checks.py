"""ocrcourse.data.checks: the pure checks agree with what the training ops do."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.data.checks import (Box, LabelLine, box_vanishes, check_ignore_share, check_separator,
                                   check_text_length, looks_like_image)
from ocrcourse.data.transforms.db_targets import MakeShrinkMap
from ocrcourse.data.transforms.multi_label_encode import MultiLabelEncode


@pytest.mark.parametrize("w, h", [(60, 30), (60, 9), (60, 8), (60, 7), (12, 12), (4, 40), (300, 10)])
def test_box_vanishes_agrees_with_make_shrink_map(w, h):
    points = np.array([[10, 10], [10 + w, 10], [10 + w, 10 + h], [10, 10 + h]], dtype=np.float32)
    op = MakeShrinkMap(min_text_size=8, shrink_ratio=0.4)
    out = op({"image": np.zeros((100, 400, 3), np.uint8), "polys": points[None], "ignore_tags": [False]})
    assert box_vanishes(points, 1.0, 8, 0.4) == bool(out["ignore_tags"][0])


@pytest.mark.parametrize("n", [21, 22, 23, 24, 25, 26])
def test_text_length_agrees_with_multi_label_encode(n):
    op = MultiLabelEncode(max_text_length=25)
    dropped = op({"label": "a" * n, "image": None}) is None
    found = check_text_length([("f:1", "a" * n)], 25, keep_below=op.gtc_encode.max_text_len)
    assert (found is not None) == dropped


def test_separator_only_for_lines_that_start_with_an_image():
    lines = [LabelLine("f:1", "f", "a.jpg hello world", error="no tab"),
             LabelLine("f:2", "f", "continued text", error="no tab"),
             LabelLine("f:3", "f", "b.png\tok", image="b.png", label="ok")]
    found = check_separator(lines)
    assert found.examples == ["f:1"] and looks_like_image("X.JPEG") and not looks_like_image("x.txt")


def test_ignore_share_threshold_is_strictly_above_half():
    pts = np.zeros((4, 2))
    half = [Box("f:1", pts, "###", (10, 10)), Box("f:1", pts, "abc", (10, 10))]
    assert check_ignore_share(half) is None
    assert check_ignore_share(half + [Box("f:2", pts, "*", (10, 10))]).count == 2


def test_image_size_uses_the_limit_type_side_and_names_the_inference_flag():
    from ocrcourse.data.checks import ImageInfo, check_image_size

    images = [ImageInfo("f:1", "a.jpg", size=(4000, 3000)), ImageInfo("f:2", "b.jpg", size=(900, 700))]
    big, = check_image_size(images, 960, "max", None)             # long side 4000 > 4 x 960
    assert big.examples == ["f:1 (4000 px)"] and big.fix.endswith("--det_limit_side_len 1920 at inference")
    assert check_image_size(images, 736, "min", "K") == []          # short sides 3000 and 700 vs 736
    small, = check_image_size([ImageInfo("f:3", "c.jpg", size=(100, 150))], 736, "min", "K")
    assert "enlarged" in small.problem and small.fix == "use larger photos, or lower -o K=368 (and " \
        "--det_limit_side_len 368 at inference)"
