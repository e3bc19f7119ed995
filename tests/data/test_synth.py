"""Synthetic data: seeded, labels where the pixels are, formats PaddleOCR 2.10 itself parses."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ocrcourse.data import synth
from ocrcourse.data.synth import (CURVE_POINTS, CURVED_SHARE, build_synthetic_dataset, make_det_scene,
                                  make_rec_line, scene_crops)
from ocrcourse.data.synth_render import FontBook, draw_line, render_line_mask
from ocrcourse.pipeline.crop import get_rotate_crop_image
from reference_imaug import ppocr_imaug

SMALL = {"det": (2, 1), "rec": (6, 2), "cls": (4, 2)}


@pytest.fixture(scope="module")
def fonts():
    return FontBook()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("data") / "synth"
    report = build_synthetic_dataset(out, SMALL, seed=3)
    return out, report


def test_scene_is_seeded(fonts):
    a_img, a_lab = make_det_scene(np.random.default_rng(5), fonts, size=(320, 400))
    b_img, b_lab = make_det_scene(np.random.default_rng(5), fonts, size=(320, 400))
    np.testing.assert_array_equal(a_img, b_img)
    assert a_lab == b_lab and a_img.shape == (320, 400, 3) and a_img.dtype == np.uint8
    c_img, _ = make_det_scene(np.random.default_rng(6), fonts, size=(320, 400))
    assert not np.array_equal(a_img, c_img)


@pytest.mark.parametrize("angle", [0.0, 12.0, -25.0])
def test_ink_lies_inside_the_label_polygon(fonts, angle):
    import cv2

    rng = np.random.default_rng(0)
    scene = np.full((200, 300, 3), 240, np.float32)
    mask, box = render_line_mask("Hello 你好 2024", fonts.font(fonts.cjk[0], 28))
    poly = draw_line(scene, mask, box, (150, 100), angle, np.zeros((4, 2)), rng, contrast=200)
    ink = np.abs(scene - 240).max(-1) > 40
    inside = np.zeros((200, 300), np.uint8)
    cv2.fillPoly(inside, [np.round(poly).astype(np.int32)], 1)
    inside = cv2.dilate(inside, np.ones((3, 3), np.uint8))        # 1 px of rounding
    assert ink.sum() > 200
    assert ink[inside == 0].sum() == 0                             # no ink outside the label
    crop = get_rotate_crop_image(scene.astype(np.uint8), poly)     # the crop is upright text
    assert crop.shape[1] > 3 * crop.shape[0]


def test_scene_labels_are_valid_and_inside(fonts):
    img, labels = make_det_scene(np.random.default_rng(1), fonts, size=(480, 560), n_lines=30)
    h, w = img.shape[:2]
    assert len(labels) >= 5
    for lab in labels:
        pts = np.array(lab["points"])
        assert pts.shape in ((4, 2), (2 * CURVE_POINTS, 2))
        assert pts[:, 0].min() >= 0 and pts[:, 0].max() <= w and pts[:, 1].min() >= 0 and pts[:, 1].max() <= h
        assert lab["transcription"] and "\t" not in lab["transcription"]


def _curved(labels):
    return [lab for lab in labels if len(lab["points"]) > 4]


@pytest.mark.parametrize("seed", range(4))
def test_curved_lines_have_valid_14_point_polygons(fonts, seed):
    from shapely.geometry import Polygon

    from ocrcourse.data.transforms.det_label_encode import DetLabelEncode

    img, labels = make_det_scene(np.random.default_rng(seed), fonts, size=(480, 560), layout="scattered",
                                 curved=1.0)
    again = make_det_scene(np.random.default_rng(seed), fonts, size=(480, 560), layout="scattered", curved=1.0)
    np.testing.assert_array_equal(img, again[0])                 # seeded, curved lines included
    assert labels == again[1]
    curved = _curved(labels)
    assert 1 <= len(curved) <= 2 and len(labels) > len(curved)
    for lab in curved:
        pts = np.array(lab["points"], np.float64)
        assert pts.shape == (14, 2)
        assert Polygon(pts).is_valid and Polygon(pts).is_simple
        assert pts.min() >= 0 and pts[:, 0].max() <= 560 and pts[:, 1].max() <= 480
    # PaddleOCR 2.10's DetLabelEncode reads the mixed 4/14-point label as ours does
    label = json.dumps(labels, ensure_ascii=False)
    theirs = ppocr_imaug("label_ops").DetLabelEncode()({"label": label})
    ours = DetLabelEncode()({"label": label})
    assert ours["polys"].shape == (len(labels), 14, 2)
    np.testing.assert_array_equal(ours["polys"], theirs["polys"])


def test_curved_lines_draw_from_their_own_stream(fonts):
    """A scene not chosen for curved lines is the scene of a generator without them (version 3)."""
    chosen, unchanged = 0, 0
    for seed in range(24):
        if np.random.default_rng(seed).spawn(1)[0].random() < CURVED_SHARE:
            chosen += 1
            continue
        a_img, a_lab = make_det_scene(np.random.default_rng(seed), fonts, size=(320, 320), layout="scattered")
        b_img, b_lab = make_det_scene(np.random.default_rng(seed), fonts, size=(320, 320), layout="scattered",
                                      curved=0.0)
        np.testing.assert_array_equal(a_img, b_img)
        assert a_lab == b_lab and not _curved(a_lab)
        unchanged += 1
    assert chosen and unchanged


def test_a_share_of_scenes_has_curved_lines_documents_none(fonts):
    rng = np.random.default_rng(0)
    scenes = [make_det_scene(rng, fonts, size=(320, 320)) for _ in range(40)]
    share = np.mean([bool(_curved(labels)) for _, labels in scenes])
    assert 0.1 <= share <= 0.45                        # about 1 in 4, never all
    for seed in range(8):
        _, labels = make_det_scene(np.random.default_rng(seed), fonts, size=(320, 320), layout="document",
                                   curved=1.0)
        assert not _curved(labels)


def test_scene_crops_skip_curved_lines(fonts):
    img, labels = make_det_scene(np.random.default_rng(2), fonts, size=(480, 560), layout="scattered", curved=1.0)
    crops = scene_crops(img, labels)
    assert _curved(labels) and crops
    straight = [lab["transcription"] for lab in labels if len(lab["points"]) == 4 and lab["transcription"] != "###"]
    assert [text for _, text in crops] == [t for t in straight if len(t) <= 25]


def test_rec_line_is_seeded(fonts):
    a, ta = make_rec_line(np.random.default_rng(2), fonts)
    b, tb = make_rec_line(np.random.default_rng(2), fonts)
    np.testing.assert_array_equal(a, b)
    assert ta == tb and a.shape[1] > a.shape[0] >= 8


def test_dataset_layout_and_paddleocr_parses_it(dataset):
    out, report = dataset
    assert not report["skipped"]
    labels = ppocr_imaug("label_ops")
    det_encode = labels.DetLabelEncode()
    for split, n in zip(("train", "eval"), SMALL["det"]):
        lines = (out / "det" / f"{split}.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == n
        for line in lines:
            path, label = line.split("\t")
            assert (out / "det" / path).is_file()
            data = det_encode({"label": label})
            assert data is not None and data["polys"].shape[1:] in ((4, 2), (2 * CURVE_POINTS, 2))
    ctc = labels.CTCLabelEncode(max_text_length=25, character_dict_path=str(out / "dict.txt"),
                                use_space_char=True)
    for split in ("train", "eval"):
        for line in (out / "rec" / f"{split}.txt").read_text(encoding="utf-8").splitlines():
            path, text = line.split("\t")
            assert (out / "rec" / path).is_file()
            enc = ctc({"label": text})
            assert enc is not None and int(enc["length"]) == len(text)   # every char in dict.txt
        cls_lines = (out / "cls" / f"{split}.txt").read_text(encoding="utf-8").splitlines()
        assert {line.split("\t")[1] for line in cls_lines} <= {"0", "180"}


def test_stamp_makes_a_second_run_a_no_op(dataset):
    out, _ = dataset
    again = build_synthetic_dataset(out, SMALL, seed=3)
    assert again["skipped"]
    other = build_synthetic_dataset(out.parent / "other", {"det": (1, 1), "rec": (1, 1), "cls": (1, 1)}, seed=3)
    assert not other["skipped"] and (out.parent / "other" / ".stamp.json").is_file()


def test_prepare_data_command(tmp_path, monkeypatch, capsys):
    from ocrcourse.cli import main

    monkeypatch.setattr(synth, "TINY_SIZES", {"det": (1, 1), "rec": (2, 1), "cls": (2, 1)})
    assert main(["prepare-data", "--root", str(tmp_path), "--tiny-only"]) == 0
    assert (tmp_path / "synth_tiny" / "det" / "train.txt").is_file()
    assert (tmp_path / "synth_tiny" / "dict.txt").is_file()
    assert "images/s" in capsys.readouterr().out
    assert main(["prepare-data", "--root", str(tmp_path), "--tiny-only"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_data_of_an_older_generator_is_rebuilt(tmp_path):
    """`make data` on a machine holding generator-3 data (no curved lines) rebuilds it."""
    sizes = {"det": (1, 1), "rec": (1, 1), "cls": (1, 1)}
    out = tmp_path / "synth"
    assert not build_synthetic_dataset(out, sizes, seed=0)["skipped"]
    stamp = json.loads((out / ".stamp.json").read_text())
    assert stamp["generator_version"] == synth.GENERATOR_VERSION >= 4
    (out / ".stamp.json").write_text(json.dumps({**stamp, "generator_version": 3}))
    assert not build_synthetic_dataset(out, sizes, seed=0)["skipped"]
    assert build_synthetic_dataset(out, sizes, seed=0)["skipped"]
